"""``python -m ui [streamlit options]`` (what ``make run`` runs): the app server, reading the
catalog while it starts.

Streamlit runs the page only when a browser connects, so a server started with ``streamlit
run app.py`` begins its imports and the catalog's read then, and the first visitor waits for
them. Started this way, the server does that work in a background thread (``ui.catalog.warm``)
as soon as it answers, while it waits for a browser. The options are ``streamlit run``'s.
"""

from __future__ import annotations

import sys
import threading
import time

from streamlit.runtime import Runtime, RuntimeState
from streamlit.web import cli

from projects.sources import ROOT

#: How long the warm-up waits for the server to answer before it reads anyway (seconds).
SERVER_WAIT_S = 30.0


def main(argv: list[str]) -> None:
    """Start the warm-up, then Streamlit's own ``run`` on the page with ``argv`` as options."""
    threading.Thread(target=_warm, name="warm-catalog", daemon=True).start()
    cli.main(["run", str(ROOT / "app.py"), *argv], prog_name="streamlit")


def _serving() -> bool:
    return Runtime.exists() and Runtime.instance().state != RuntimeState.INITIAL


def _warm() -> None:
    # The read holds the interpreter for up to a second at a time (one parse of the whole
    # file): begun beside Streamlit's own start, it kept the server from answering until it
    # was nearly done (5.9 s at 100 000 projects instead of 0.8 s), so a browser could not
    # even show the page's spinner. Begun once the server answers, the page loads meanwhile.
    deadline = time.monotonic() + SERVER_WAIT_S
    while not _serving() and time.monotonic() < deadline:
        time.sleep(0.02)
    # Imported here, in the thread: the page's modules (pandas, geopandas, the map) take a
    # second or two to import.
    from ui import catalog

    catalog.warm()


if __name__ == "__main__":
    main(sys.argv[1:])
