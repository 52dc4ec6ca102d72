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
import time
from pathlib import Path

import folium
from streamlit_folium import _get_map_string

from geo import boundaries, mapview
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

    def ours() -> int:
        m = mapview.base_map(payload, outline, zones)
        base = _get_map_string(m)
        state = mapview.project_state(
            payload, dict(zip(shown["id"], shown["status_shown"], strict=True))
        )
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


def server_rerun(path: Path, repeats: int = 5, panels: bool = True) -> float:
    """Median seconds for one rerun of the real page after a sector change (AppTest).

    ``panels=False`` leaves out the editing and export panels (other modules) to time the
    map page alone.
    """
    from streamlit.testing.v1 import AppTest

    import ui.edit
    import ui.transfer

    saved = ui.edit.render, ui.transfer.render
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
    return statistics.median(times)


def browser(path: Path, script: str = "app.py", mode: str | None = None) -> dict[str, float]:
    """Cold start, bytes over the websocket and filter-to-screen time in headless Chromium."""
    from playwright.sync_api import sync_playwright

    gdf = filters.catalog_frame(store.load_collection(path))
    expected = int(mapview.drawable(filters.filter_projects(gdf, FILTER)).sum())
    initial = int(mapview.drawable(filters.filter_projects(gdf, filters.Query())).sum())
    env = {"SHAPINGBA_CATALOG": str(path), "PYTHONPATH": str(ROOT)}
    if mode:
        env["BENCH_MODE"] = mode
    # Streamlit serves static/ next to the script it runs: give the naive page Leaflet too.
    static = (ROOT / script).parent / "static"
    borrowed = not static.exists()
    if borrowed:
        shutil.copytree(ROOT / "static" / "vendor" / "leaflet", static / "vendor" / "leaflet")
    started = time.perf_counter()
    server = streamlit_server(env, script=script, polls=600, poll_seconds=0.05, stop_seconds=30)
    out: dict[str, float] = {}
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
                if "/cache/projects-" in response.url:
                    fetched[0] += len(response.body())

            page.on("response", on_response)
            page.goto(url)
            frame = _wait_map(page, lambda n: n == initial)
            out["cold_start_s"] = time.perf_counter() - started
            out["initial_ws_bytes"] = received[0] + fetched[0]
            frame.evaluate("() => { window.__marker = 1; }")
            time.sleep(1.0)  # let the page settle before timing the change
            received[0] = fetched[0] = 0
            t = time.perf_counter()
            page.get_by_role("button", name=re.compile(r"Remove 交通")).click()
            frame = _wait_map(page, lambda n: n == expected)
            out["filter_to_screen_s"] = time.perf_counter() - t
            out["filter_ws_bytes"] = received[0] + fetched[0]
            out["remounted"] = float(frame.evaluate("() => window.__marker") != 1)
            b.close()
    finally:
        if borrowed:
            shutil.rmtree(static)
    return out


def _wait_map(page, ok, timeout: float = 120.0):
    """Poll the map iframe (whichever one is current) until ``ok(count)``; return its frame."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        handle = page.query_selector(IFRAME)
        frame = handle.content_frame() if handle else None
        if frame is not None:
            try:
                if ok(frame.evaluate(COUNT_JS)):
                    return frame
            except Exception:  # noqa: BLE001 - the frame may be replaced while we look
                pass
        time.sleep(0.01)
    raise TimeoutError("the map did not show the expected features in time")


def report(label: str, path: Path, with_browser: bool = True) -> None:
    """Print every figure for one catalog, ours next to the naive approaches."""
    n = len(store.load_collection(path)["features"])
    print(f"\n=== {label}: {n} projects ({path}) ===")
    py = python_side(path)
    print(f"encode the project layer once (cached per catalog version): {_ms(py['encode_once_s'])}")
    print("map build + render per rerun after a filter change (Python):")
    print(f"  ours (fixed base map + state string)      {_ms(py['ours_rerun_map_s'])}")
    print(f"  naive folium GeoJson + style_function     {_ms(py['naive_geojson_rerun_map_s'])}")
    print("server time for one rerun after a filter change (AppTest):")
    print(f"  map page alone (no edit/export panels)    {_ms(server_rerun(path, panels=False))}")
    print(f"  whole page                                {_ms(server_rerun(path))}")
    if not with_browser or not Path("/usr/bin/chromium").exists():
        return
    rows = [
        ("ours (send once, filter in browser)", "app.py", None),
        ("naive: feature_group_to_add GeoJson", "bench/naive_app.py", "feature_group"),
        ("naive: map rebuilt each rerun", "bench/naive_app.py", "rebuilt"),
    ]
    print("headless Chromium (filter: remove 交通; bytes = websocket frames + fetched layer,")
    print("  ours include the project table and charts, the naive pages show only the map):")
    print(
        f"  {'approach':40s} {'cold start':>10s} {'first load':>11s} {'filter→screen':>14s} "
        f"{'bytes/change':>13s} remount"
    )
    results = []
    for name, script, mode in rows:
        r = browser(path, script, mode)
        results.append(r)
        print(
            f"  {name:40s} {r['cold_start_s']:9.2f}s {r['initial_ws_bytes'] / 1e6:9.2f}MB "
            f"{r['filter_to_screen_s']:13.2f}s {r['filter_ws_bytes'] / 1e3:11.0f}kB "
            f"{'yes' if r['remounted'] else 'no'}"
        )
    ours, naive = results[0], results[1:]
    best = min(naive, key=lambda r: r["filter_to_screen_s"])
    print(
        f"  filter→screen: ours {ours['filter_to_screen_s']:.2f}s, best naive "
        f"{best['filter_to_screen_s']:.2f}s ({best['filter_to_screen_s'] / ours['filter_to_screen_s']:.1f}× faster); "
        f"bytes per change {best['filter_ws_bytes'] / max(1, ours['filter_ws_bytes']):.1f}× fewer; "
        f"Python map time {py['naive_geojson_rerun_map_s'] / py['ours_rerun_map_s']:.0f}× less"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    bpp = bytes_per_point()
    print(
        f"bytes per point feature (10 000 points, as sent): ours {bpp['ours']:.0f}, "
        f"naive GeoJson {bpp['naive_geojson']:.0f} (target ≤ 250)"
    )
