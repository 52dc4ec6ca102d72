"""First view of the page on the real catalog: cold (a fresh server) and warm (a new visitor on a
running server), to the first painted frame that shows project features, in headless Chromium.

Prints min / median / max over several runs, and where a cold start spends its time: the server
process until it answers its health check (Python imports), the page until the map frame exists
(the script run: catalog load, map build), and the map until features are painted (assets, the
project file, drawing). Chromium is started before the clock so its own start is not counted,
and without its omnibox popup (``tests.helpers.CHROMIUM_ARGS``), which each new browser context
otherwise builds for about 1 s of CPU beside the page. A warm load also waits for the table
(the open tab below the map), which a first page draws after the map.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers import COUNT_JS, IFRAME, chromium, streamlit_server  # noqa: E402

#: The last part of the page to appear on a first page (after the map): the table.
TABLE = '[data-testid="stDataFrame"]'
#: Resolves once the frame after the one that first counted features has been painted.
PAINTED_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def _first_features(page, timeout: float = 180.0) -> tuple[float, float]:
    """(seconds until the map frame exists, seconds until features are painted), from now."""
    start = time.perf_counter()
    framed = None
    while time.perf_counter() - start < timeout:
        handle = page.query_selector(IFRAME)
        frame = handle.content_frame() if handle else None
        if frame is not None:
            framed = framed or time.perf_counter() - start
            try:
                if frame.evaluate(COUNT_JS) > 0:
                    frame.evaluate(PAINTED_JS)
                    return framed, time.perf_counter() - start
            except Exception:  # noqa: BLE001 - the frame may be replaced while we look
                pass
        time.sleep(0.01)
    raise TimeoutError("no features painted in time")


def first_view(path: Path, runs: int = 3) -> dict[str, list[float]]:
    """Cold and warm first-view seconds (and the cold phases), ``runs`` of each."""
    env = {"SHAPINGBA_CATALOG": str(path)}
    out: dict[str, list[float]] = {
        "cold": [],
        "warm": [],
        "whole": [],
        "server": [],
        "script": [],
        "map": [],
    }
    with chromium() as browser:
        for _ in range(runs):
            started = time.perf_counter()
            with streamlit_server(env, polls=3000, poll_seconds=0.02) as url:
                healthy = time.perf_counter() - started
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.goto(url, wait_until="commit")
                framed, painted = _first_features(page)
                out["cold"].append(healthy + painted)
                out["server"].append(healthy)
                out["script"].append(framed)
                out["map"].append(painted - framed)
                context.close()
                for _ in range(runs):
                    context = browser.new_context(viewport={"width": 1400, "height": 1000})
                    page = context.new_page()
                    t = time.perf_counter()
                    page.goto(url, wait_until="commit")
                    _first_features(page)
                    out["warm"].append(time.perf_counter() - t)
                    # The sidebar and the table follow the map: the whole page is there with it.
                    page.wait_for_selector(TABLE, timeout=180_000)
                    out["whole"].append(time.perf_counter() - t)
                    context.close()
    return out


def _spread(values: list[float]) -> str:
    return (
        f"min {min(values):5.2f} s · median {statistics.median(values):5.2f} s · "
        f"max {max(values):5.2f} s (n={len(values)})"
    )


def report(path: Path, runs: int = 3) -> None:
    """Print the first-view figures for the catalog at ``path``."""
    r = first_view(path, runs)
    print(f"first view, {path.name} (to the first painted frame with features):")
    print(f"  cold (fresh server)     {_spread(r['cold'])}   target ≤ 5 s")
    print(f"  warm (running server)   {_spread(r['warm'])}   target ≤ 2 s")
    print(f"  warm, with the table    {_spread(r['whole'])}   (it follows the map)")
    print(
        "  cold, where the time goes (medians): server start "
        f"{statistics.median(r['server']):.2f} s, page to map frame "
        f"{statistics.median(r['script']):.2f} s, map frame to features "
        f"{statistics.median(r['map']):.2f} s"
    )


if __name__ == "__main__":
    from ui.catalog import catalog_path

    report(catalog_path(), int(sys.argv[1]) if len(sys.argv) > 1 else 3)
