"""Measure the page against the naive approaches, side by side (prints figures; asserts nothing).

Figures: Python time to build and render the map for one rerun; server time for one rerun after a
filter change (AppTest); bytes per point feature; in headless Chromium, cold start to a drawn map,
bytes sent over the websocket, and time from a filter click to the new features on screen
(and whether the map iframe survived).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import folium
from streamlit_folium import _get_map_string

from geo import boundaries, mapview
from geo.mapview.assets import URL_PREFIX
from projects import filters, store, vocab
from tests.helpers import CHROMIUM_ARGS, COUNT_JS, IFRAME, streamlit_server

ROOT = Path(__file__).resolve().parent.parent
FILTER = filters.Query(sectors=tuple(s for s in vocab.SECTORS if s != "交通"))


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.0f} ms"


def python_side(path: Path, repeats: int = 3) -> dict[str, float]:
    """Seconds to build + render the map for one filter change, and bytes sent per feature."""
    gdf = filters.catalog_frame(store.load_collection(path))
    outline, zones = boundaries.load_outline(), boundaries.load_zones()
    shown = filters.filter_projects(gdf, FILTER)
    out: dict[str, float] = {}

    t = time.perf_counter()
    payload = mapview.encode_projects(gdf)
    out["encode_once_s"] = time.perf_counter() - t

    # As the page does it: the background and each row's place in the state string are
    # published and found once per catalog (ui.catalog), not on every rerun.
    published = f"{URL_PREFIX}/cache/background.json"
    at = payload.positions.get_indexer(gdf["id"])[gdf.index.get_indexer(shown.index)]

    def ours() -> int:
        m = mapview.base_map(payload, outline, zones, background_url=published)
        base = _get_map_string(m)
        state = mapview.project_state(payload, shown["status_shown"], positions=at)
        fg = folium.Map(tiles=None)
        state.add_to(fg)
        return len(json.dumps(base)) + len(json.dumps(fg.get_root().render()))

    def naive() -> int:
        m = folium.Map(tiles=None)
        folium.GeoJson(
            shown[["id", "name", "status_shown", "geometry"]],
            style_function=lambda f: {
                "color": vocab.STATUS_COLOURS[f["properties"]["status_shown"]]
            },
            marker=folium.CircleMarker(radius=5),
            tooltip=folium.GeoJsonTooltip(["name"]),
        ).add_to(m)
        return len(json.dumps(_get_map_string(m)))

    for name, fn in (("ours", ours), ("naive_geojson", naive)):
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            size = fn()
            times.append(time.perf_counter() - t)
        out[f"{name}_rerun_map_s"] = statistics.median(times)
        out[f"{name}_bytes_per_feature"] = size / max(1, len(shown))
    return out


def bytes_per_point(n: int = 10_000) -> dict[str, float]:
    """Bytes per point feature as Streamlit sends them (JSON inside the component's args)."""
    from bench.synthetic import synthetic_collection

    gdf = filters.catalog_frame(synthetic_collection(n, seed=1, shares=(1.0, 0.0, 0.0)))
    gdf["status_shown"] = gdf["status"]
    ours = mapview.encode_projects(gdf)
    m = folium.Map(tiles=None)
    folium.GeoJson(
        gdf[["id", "name", "status_shown", "geometry"]],
        style_function=lambda f: {"color": vocab.STATUS_COLOURS[f["properties"]["status_shown"]]},
        marker=folium.CircleMarker(radius=5),
        tooltip=folium.GeoJsonTooltip(["name"]),
    ).add_to(m)
    empty = folium.Map(tiles=None)
    naive = len(json.dumps(_get_map_string(m))) - len(json.dumps(_get_map_string(empty)))
    return {"ours": len(json.dumps(ours.js)) / n, "naive_geojson": naive / n}


def server_rerun(path: Path, repeats: int = 5, panels: bool = True) -> list[float]:
    """Seconds for each of ``repeats`` reruns of the real page after a sector change (AppTest).

    ``panels=False`` leaves out the editing and export panels (other modules) to time the
    map page alone.
    """
    from streamlit.testing.v1 import AppTest

    import ui.edit
    import ui.transfer

    saved = ui.edit.render, ui.transfer.render
    # The catalog is chosen for this AppTest only: left set, it sent every later bench that
    # make bench starts (read, GCJ-02) to the last size's catalog instead of the real one.
    chosen = os.environ.get("SHAPINGBA_CATALOG")
    if not panels:
        ui.edit.render = ui.transfer.render = lambda *a, **k: None
    try:
        os.environ["SHAPINGBA_CATALOG"] = str(path)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.run()
        times = []
        for i in range(repeats):
            # A different sector left out each time: nothing is served from a per-filter cache.
            value = [s for s in vocab.SECTORS if s != vocab.SECTORS[i % len(vocab.SECTORS)]]
            at.multiselect(key="f_sectors").set_value(value)
            t = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t)
        assert not at.exception, [e.value for e in at.exception]
    finally:
        ui.edit.render, ui.transfer.render = saved
        if chosen is None:
            os.environ.pop("SHAPINGBA_CATALOG", None)
        else:
            os.environ["SHAPINGBA_CATALOG"] = chosen
    return times


#: How long a naive page gets to show its map, and then each change, at 50 000 projects and more.
NAIVE_LIMIT_S = 120.0
#: Sectors taken out of the filter one after another, one timed change each.
CHANGES = ("交通", "产业", "科技创新", "开放平台", "商贸消费", "文化旅游")
#: Resolves in the frame once the frame after the current one has been painted: two
#: requestAnimationFrame callbacks (the first runs before a paint, the second after it).
PAINTED_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
#: In the page: remember when the pointer goes down (the moment a person clicks), in ms since
#: the epoch, comparable with the map frame's clock.
CLICK_CLOCK_JS = """() => document.addEventListener("pointerdown",
  () => { window.__benchClick = performance.timeOrigin + performance.now(); }, true)"""
#: In the map frame, before a change: watch every animation frame for the new feature group
#: (streamlit-folium keeps the last one it evaluated; ours and the naive pages both send one),
#: and note the time of the frame after the first one that has it: the first painted frame
#: with the change. A page that rebuilds its map replaces this frame, so nothing is noted.
ARM_PAINTED_JS = """() => { const w = window, g = w.__GLOBAL_DATA__ || {}, before = g.last_feature_group;
  w.__benchPainted = null;
  (function tick() {
    if ((w.__GLOBAL_DATA__ || {}).last_feature_group !== before) {
      requestAnimationFrame(() => { w.__benchPainted = performance.timeOrigin + performance.now(); });
    } else { requestAnimationFrame(tick); }
  })(); }"""


#: The naive pages have no ``window.__sp``: count the distinct project ids among Leaflet's
#: vector layers (a multi-part geometry is one project), as a person would.
NAIVE_COUNT_JS = """() => { if (!window.map) return -1; const ids = new Set(); window.map.eachLayer(l => {
  if (l.feature && l.feature.properties && l.feature.properties.id &&
      (l instanceof L.Path || l instanceof L.FeatureGroup)) ids.add(l.feature.properties.id);
}); return ids.size; }"""


def _expected_counts(gdf, changes: int, naive: bool = False) -> tuple[int, list[int]]:
    """Projects drawn at first, and after each cumulative sector removal of :data:`CHANGES`
    (a naive page draws only what has its own geometry; ours adds the places' badges)."""
    drawn = mapview.drawable if naive else mapview.on_map
    initial = int(drawn(filters.filter_projects(gdf, filters.Query())).sum())
    counts, left = [], list(vocab.SECTORS)
    for sector in CHANGES[:changes]:
        left.remove(sector)
        query = filters.Query(sectors=tuple(left))
        counts.append(int(drawn(filters.filter_projects(gdf, query)).sum()))
    return initial, counts


def browser(
    path: Path | str,
    script: str = "app.py",
    mode: str | None = None,
    changes: int = 5,
    env_extra: dict[str, str] | None = None,
    limit_s: float = 600.0,
) -> dict[str, object]:
    """Cold start, bytes and filter-to-painted times in headless Chromium.

    ``changes`` filter changes (a sector removed each time), each timed two ways: from the
    pointer going down to the first frame the map painted with the change, both read from the
    browser's own clock (``filter_to_painted_s``); and from the start of the test's click to
    when the page, polled from outside, shows the expected number of projects and has painted
    one more frame (``filter_to_answer_s``: this also waits for whatever else the page draws
    after the map, such as the table and charts, since the poll runs on the same thread).
    A page that does not show the map, or a change, within ``limit_s`` is given up on: its
    figures so far are returned with ``gave_up`` set to the seconds waited.
    """
    from playwright.sync_api import sync_playwright

    gdf = filters.catalog_frame(store.load_collection(path))
    initial, expected = _expected_counts(gdf, changes, naive=mode is not None)
    count_js = NAIVE_COUNT_JS if mode is not None else COUNT_JS
    env = {"PYTHONPATH": str(ROOT), **(env_extra or {})}
    if not store.database_url(path):
        env["SHAPINGBA_CATALOG"] = str(path)
    if mode:
        env["BENCH_MODE"] = mode
    # Streamlit serves static/ next to the script it runs: give the naive page Leaflet too.
    static = (ROOT / script).parent / "static"
    borrowed = not static.exists()
    if borrowed:
        shutil.copytree(ROOT / "static" / "vendor" / "leaflet", static / "vendor" / "leaflet")
    started = time.perf_counter()
    # Our page is started as ``make run`` starts it (reading the catalog as the server starts).
    ours = mode is None and script == "app.py"
    server = streamlit_server(
        env, script=script, polls=1200, poll_seconds=0.05, stop_seconds=30, warm=ours
    )
    out: dict[str, object] = {}
    try:
        with server as url, sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = b.new_page(viewport={"width": 1400, "height": 1100})
            received = [0]

            def on_ws(ws):
                ws.on(
                    "framereceived", lambda data: received.__setitem__(0, received[0] + len(data))
                )

            page.on("websocket", on_ws)
            fetched = [0]

            def on_response(response):
                if "/cache/" in response.url:  # the project layer and the background
                    fetched[0] += len(response.body())

            page.on("response", on_response)
            page.goto(url, timeout=600_000)
            out.update(filter_to_painted_s=[], filter_to_answer_s=[], filter_ws_bytes=0)
            out.update(remounts=0, gave_up=None, cold_start_s=float("nan"), initial_ws_bytes=0)
            try:
                frame = _wait_map(page, lambda n: n == initial, limit_s, count_js=count_js)
            except TimeoutError:
                out.update(gave_up=limit_s, server_mb=_server_rss_mb(url))
                return out
            frame.evaluate(PAINTED_JS)
            out["cold_start_s"] = time.perf_counter() - started
            out["initial_ws_bytes"] = received[0] + fetched[0]
            frame.evaluate("() => { window.__marker = 1; }")
            page.evaluate(CLICK_CLOCK_JS)
            times, answered, sizes, remounts = [], [], [], 0
            for sector, count in zip(CHANGES, expected, strict=False):
                time.sleep(1.0)  # let the page settle before timing the change
                received[0] = fetched[0] = 0
                # Our page labels the chip's button in Chinese (ui.chrome); the naive page not.
                remove = f"^(移除|Remove) {sector}(（|$)"
                button = page.get_by_role("button", name=re.compile(remove))
                button.wait_for()
                frame.evaluate(ARM_PAINTED_JS)
                t = time.perf_counter()
                button.click()
                try:
                    frame = _wait_map(page, lambda n, c=count: n == c, limit_s, count_js)
                except TimeoutError:
                    out["gave_up"] = limit_s
                    break
                frame.evaluate(PAINTED_JS)
                answered.append(time.perf_counter() - t)
                clicked = page.evaluate("() => window.__benchClick")
                painted = frame.evaluate("() => window.__benchPainted || null")
                # A rebuilt map's new frame noted nothing: its time is the polled one.
                times.append((painted - clicked) / 1000 if painted else answered[-1])
                sizes.append(received[0] + fetched[0])
                remounts += frame.evaluate("() => window.__marker") != 1
                frame.evaluate("() => { window.__marker = 1; }")
            out["filter_to_painted_s"] = times
            out["filter_to_answer_s"] = answered
            out["filter_ws_bytes"] = statistics.median(sizes) if sizes else 0
            out["remounts"] = remounts
            out["server_mb"] = _server_rss_mb(url)
            b.close()
    finally:
        if borrowed:
            shutil.rmtree(static)
    return out


def cold_restarts(path: Path, kept: str, runs: int = 3) -> list[float]:
    """Seconds from starting a new server to the drawn map, ``runs`` times, each server
    starting from the snapshots in ``kept`` (what a restart after the first finds)."""
    env = {"SHAPINGBA_CACHE_DIR": kept}
    return [browser(path, "app.py", None, 0, env)["cold_start_s"] for _ in range(runs)]


def _server_rss_mb(url: str) -> float:
    """Resident memory (MB) of the Streamlit server this bench started on ``url``'s port."""
    port = url.rsplit(":", 1)[1]
    for proc in Path("/proc").iterdir():
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
            if b"--server.port" in args and args[args.index(b"--server.port") + 1] == port.encode():
                for line in (proc / "status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except (OSError, IndexError, ValueError):
            continue
    return float("nan")


#: Our page's own tally of what it shows (kept by each filter change): cheap enough to poll;
#: the count from the layers themselves (COUNT_JS, a walk over every layer, some 30 ms a poll
#: at 100 000 projects on the page's own thread) is then read once to confirm it.
SHOWN_JS = """() => (window.__sp && window.__sp.ready) ? window.__sp.shown : -1"""


def _wait_map(page, ok, timeout: float = 300.0, count_js: str = COUNT_JS):
    """Poll the map iframe (whichever one is current, every 50 ms) until ``ok(count)``; return
    its frame. For our page the cheap tally is polled and the layer count confirms it."""
    deadline = time.perf_counter() + timeout
    poll = SHOWN_JS if count_js == COUNT_JS else count_js
    while time.perf_counter() < deadline:
        handle = page.query_selector(IFRAME)
        frame = handle.content_frame() if handle else None
        if frame is not None:
            try:
                if ok(frame.evaluate(poll)) and (poll == count_js or ok(frame.evaluate(count_js))):
                    return frame
            except Exception:  # noqa: BLE001 - the frame may be replaced while we look
                pass
        time.sleep(0.05)
    raise TimeoutError("the map did not show the expected features in time")


def report(
    label: str,
    path: Path,
    with_browser: bool = True,
    changes: int = 5,
    database: str | None = None,
) -> None:
    """Print every figure for one catalog, ours next to the naive approaches.

    ``database``: a PostGIS URL holding the same catalog, for a row of ours on the database.
    """
    n = len(store.load_collection(path)["features"])
    print(f"\n=== {label}: {n} projects ({path}) ===")
    py = python_side(path)
    print(f"encode the project layer once (cached per catalog version): {_ms(py['encode_once_s'])}")
    print("map build + render per rerun after a filter change (Python):")
    print(f"  ours (fixed base map + state string)      {_ms(py['ours_rerun_map_s'])}")
    print(f"  naive folium GeoJson + style_function     {_ms(py['naive_geojson_rerun_map_s'])}")
    print("server time for one rerun after a filter change (AppTest):")
    for name, panels in (("map page alone (no edit/export panels)", False), ("whole page", True)):
        t = server_rerun(path, panels=panels)
        print(
            f"  {name:40s} {min(t) * 1000:6.0f} / {statistics.median(t) * 1000:6.0f} / "
            f"{max(t) * 1000:6.0f} ms (min / median / max of {len(t)})"
        )
    if not with_browser or not Path("/usr/bin/chromium").exists():
        return
    # Every page starts with an empty snapshot folder (ui.snapshots): its cold start is a first
    # read. Ours is then restarted on the snapshots its first server kept (cold_restarts).
    kept = tempfile.mkdtemp(prefix="shapingba-bench-snapshots-")
    fresh = {"SHAPINGBA_CACHE_DIR": kept}
    rows = [
        ("ours (send once, filter in browser)", "app.py", None, fresh),
        ("naive: feature_group_to_add, SVG", "bench/naive_app.py", "feature_group", None),
        ("naive: feature_group_to_add, canvas", "bench/naive_app.py", "feature_group_canvas", None),
        ("naive: map rebuilt, canvas", "bench/naive_app.py", "rebuilt_canvas", None),
    ]
    if database:
        rows.insert(
            1, ("ours, PostGIS store", "app.py", None, {"SHAPINGBA_DATABASE_URL": database})
        )
    off = {"SHAPINGBA_CACHE_DIR": "off"}
    rows = [(name, script, mode, {**off, **(extra or {})}) for name, script, mode, extra in rows]
    rows[0] = (*rows[0][:3], fresh)
    print(f"headless Chromium, {changes} filter changes each (a sector removed each time):")
    print(
        "  painted = pointer down to the map's first painted frame with the change (browser clock);"
    )
    print("  answers = the test's click to the page showing the new count when polled (table and")
    print(
        "  charts drawn too); bytes = websocket frames + fetched layer (ours include the table and"
    )
    print("  charts, the naive pages only the map):")
    print(
        f"  {'approach':38s} {'cold start':>10s} {'first load':>10s} "
        f"{'painted min / median / max':>27s} {'answers median':>14s} {'bytes/change':>12s} "
        "remounts server"
    )
    results = []
    # A naive page at 50 000 projects takes minutes per change on a 2-core VM: give it a limit.
    naive_limit = NAIVE_LIMIT_S if n >= 50_000 else 600.0
    for name, script, mode, extra in rows:
        location = database if "SHAPINGBA_DATABASE_URL" in extra else path
        limit = naive_limit if mode else 600.0
        r = browser(location, script, mode, changes, extra, limit_s=limit)
        results.append((name, r))
        t = r["filter_to_painted_s"]
        if not t:
            print(f"  {name:38s} did not show the map within {limit:.0f} s", flush=True)
            continue
        gave_up = f" (then a change took over {limit:.0f} s)" if r["gave_up"] else ""
        print(
            f"  {name:38s} {r['cold_start_s']:9.2f}s {r['initial_ws_bytes'] / 1e6:8.2f}MB "
            f"{min(t):10.2f} / {statistics.median(t):6.2f} / {max(t):6.2f} s "
            f"{statistics.median(r['filter_to_answer_s']):13.2f}s "
            f"{r['filter_ws_bytes'] / 1e3:10.0f}kB {r['remounts']}/{len(t)}      "
            f"{r['server_mb']:5.0f}MB{gave_up}",
            flush=True,
        )
    restarts = cold_restarts(path, kept)
    naive_starts = [r["cold_start_s"] for n, r in results if n.startswith("naive")]
    print(
        "  cold start, ours restarted on the snapshots its first server kept: "
        f"{min(restarts):.2f} / {statistics.median(restarts):.2f} / {max(restarts):.2f} s "
        f"(min / median / max of {len(restarts)}); its first read "
        f"{results[0][1]['cold_start_s']:.2f} s; best naive {min(naive_starts):.2f} s",
        flush=True,
    )
    shutil.rmtree(kept, ignore_errors=True)
    ours = statistics.median(results[0][1]["filter_to_painted_s"])
    naive = [(n, r) for n, r in results if n.startswith("naive") and r["filter_to_painted_s"]]
    if not naive:
        print(f"  filter→painted median: ours {ours:.2f}s; no naive page painted within its limit")
        return
    best_name, best = min(naive, key=lambda nr: statistics.median(nr[1]["filter_to_painted_s"]))
    best_t = statistics.median(best["filter_to_painted_s"])
    print(
        f"  filter→painted median: ours {ours:.2f}s, best naive ({best_name}) {best_t:.2f}s "
        f"({best_t / ours:.1f}×); bytes per change "
        f"{best['filter_ws_bytes'] / max(1, results[0][1]['filter_ws_bytes']):.1f}× fewer; "
        f"Python map time {py['naive_geojson_rerun_map_s'] / py['ours_rerun_map_s']:.0f}× less"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    bpp = bytes_per_point()
    print(
        f"bytes per point feature (10 000 points, as sent): ours {bpp['ours']:.0f}, "
        f"naive GeoJson {bpp['naive_geojson']:.0f} (target ≤ 250)"
    )
