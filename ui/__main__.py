"""``python -m ui [streamlit options]`` (what ``make run`` runs): the app server, reading the
catalog while it starts.

Streamlit runs the page only when a browser connects, so a server started with ``streamlit
run app.py`` begins its imports and the catalog's read then, and the first visitor waits for
them. Started this way, the server does that work in a background thread from the start
(``ui.catalog.warm``), while it waits for a browser. The options are ``streamlit run``'s.
"""

from __future__ import annotations

import sys
import threading

from streamlit.web import cli

from projects.sources import ROOT


def main(argv: list[str]) -> None:
    """Start the warm-up, then Streamlit's own ``run`` on the page with ``argv`` as options."""
    threading.Thread(target=_warm, name="warm-catalog", daemon=True).start()
    cli.main(["run", str(ROOT / "app.py"), *argv], prog_name="streamlit")


def _warm() -> None:
    # Imported here, in the thread: the page's modules (pandas, geopandas, the map) take a
    # second or two to import, and imported before Streamlit started they delayed the
    # server's first answer, and so the browser, by as much.
    from ui import catalog

    catalog.warm()


if __name__ == "__main__":
    main(sys.argv[1:])
