"""The real app in headless Chromium: the map draws, a filter redraws it in place, a click selects.

Skips when Chromium is absent, unless SHAPINGBA_REQUIRE_BROWSER=1 (CI), where that is a failure.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.synthetic import synthetic_collection
from geo import mapview
from geo.mapview import assets
from projects import filters, store
from projects.filters import Query
from projects.sources import ROOT
from tests.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    COUNT_JS,
    IFRAME,
    require_browser,
    show_tab,
    streamlit_server,
)

ARTIFACTS = ROOT / "tests" / "artifacts"
EVIL = "<img src=x onerror=alert(1)>"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> Path:
    coll = synthetic_collection(3000, seed=8)
    evil = coll["features"][0]
    evil["properties"].update(name=EVIL, sector="产业", precision="exact", zone="西")
    evil["properties"].update(start_year=2020, end_year=2030)
    evil["geometry"] = {"type": "Point", "coordinates": [106.31, 29.6]}
    path = tmp_path_factory.mktemp("catalog") / "projects.geojson"
    path.write_text(json.dumps(coll, ensure_ascii=False), "utf-8")
    return path


@pytest.fixture(scope="module")
def server(catalog) -> Iterator[str]:
    require_browser()
    if not (assets.VENDOR / "leaflet" / "leaflet.js").exists():
        assets.copy_assets()
    with streamlit_server({"SHAPINGBA_CATALOG": str(catalog)}, warm=True) as url:
        yield url


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1300})
        page.errors, page.dialogs = [], []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        page.goto(server)
        yield page
        browser.close()


def _map_frame(page):
    page.wait_for_selector(IFRAME, state="visible", timeout=60_000)
    frame = page.frame_locator(IFRAME).first
    handle = page.query_selector(IFRAME).content_frame()
    handle.wait_for_function("window.__sp && window.__sp.applied >= 1", timeout=60_000)
    return frame, handle


def _expected_drawn(catalog: Path, query: Query) -> int:
    gdf = filters.catalog_frame(store.load_collection(catalog))
    shown = filters.filter_projects(gdf, query)
    return int(mapview.on_map(shown).sum())


def test_map_draws_filters_in_place_and_selects_on_click(page, catalog):
    _, frame = _map_frame(page)
    expected = _expected_drawn(catalog, Query())
    frame.wait_for_function(f"({COUNT_JS})() === {expected}", timeout=30_000)
    assert frame.evaluate(f"({COUNT_JS})()") == expected
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "browser_map_initial.png"))
    # Mark this map instance and move the view: both must survive the filter change.
    frame.evaluate(
        "() => { window.__marker = 'same-iframe'; window.map.setView([29.6, 106.4], 13); }"
    )
    applied = frame.evaluate("() => window.__sp.applied")

    page.get_by_role("button", name=re.compile(r"移除 交通")).click()
    frame.wait_for_function(f"window.__sp.applied > {applied}", timeout=30_000)
    without = Query(sectors=tuple(s for s in filters.vocab.SECTORS if s != "交通"))
    expected_after = _expected_drawn(catalog, without)
    assert expected_after < expected
    frame.wait_for_function(f"({COUNT_JS})() === {expected_after}", timeout=30_000)
    same = page.query_selector(IFRAME).content_frame()
    assert same.evaluate("() => window.__marker") == "same-iframe"
    assert same.evaluate("() => window.map.getZoom()") == 13
    page.get_by_text(f"显示 {_shown(catalog, without)} /").first.wait_for(timeout=30_000)

    # Hover and click the project whose name is HTML: it shows as text, nothing runs.
    same.evaluate(
        """(name) => { const l = window.__sp.layers.find(l => l.feature.properties.name === name);
          window.map.setView(l.getLatLng(), 18, {animate: false}); }""",
        EVIL,
    )
    # Its marker is on screen once the clusters are redrawn for the new zoom.
    same.wait_for_function(
        """(name) => !!window.__sp.layers.find(l => l.feature.properties.name === name)._icon""",
        arg=EVIL,
        timeout=30_000,
    )
    target = same.evaluate(
        """(name) => { const l = window.__sp.layers.find(l => l.feature.properties.name === name);
          const c = window.map.latLngToContainerPoint(l.getLatLng()); return {x: c.x, y: c.y}; }""",
        EVIL,
    )
    box = page.query_selector(IFRAME).bounding_box()
    page.mouse.move(box["x"] + target["x"], box["y"] + target["y"])
    same.wait_for_selector(".leaflet-tooltip", timeout=10_000)
    assert same.inner_text(".leaflet-tooltip") == EVIL
    page.mouse.click(box["x"] + target["x"], box["y"] + target["y"])
    page.locator("li").filter(has_text=f"：{EVIL}").first.wait_for(timeout=30_000)
    assert same.evaluate("() => document.querySelectorAll('img[src=x]').length") == 0
    assert page.evaluate("() => document.querySelectorAll('img[src=x]').length") == 0

    # Selecting a table row selects that project on the map.
    grid = page.locator("[data-testid=stDataFrame]").first
    grid.scroll_into_view_if_needed()
    cell = grid.bounding_box()
    page.mouse.click(cell["x"] + 18, cell["y"] + 2 * 35 + 17)  # the second row's check box
    first = filters.filter_projects(
        filters.catalog_frame(store.load_collection(catalog)), without
    ).iloc[1]
    assert first["name"] != EVIL
    page.locator("li").filter(has_text=f"：{first['name']}").first.wait_for(timeout=30_000)
    frame = page.query_selector(IFRAME).content_frame()
    frame.wait_for_function(
        f"window.__sp.selected >= 0 && window.__sp.ids[window.__sp.selected] === {json.dumps(first['id'])}",
        timeout=30_000,
    )
    assert page.dialogs == []

    page.screenshot(path=str(ARTIFACTS / "browser_map_selected.png"))
    assert page.errors == []


def _shown(catalog: Path, query: Query) -> int:
    gdf = filters.catalog_frame(store.load_collection(catalog))
    return len(filters.filter_projects(gdf, query))


def test_a_click_on_an_unplaced_project_opens_its_details(page, server, catalog):
    """「未上图的项目」 is a way in too: a row click there shows that project's details."""
    page.goto(server)  # the default view, whatever the test before left
    _map_frame(page)
    gdf = filters.catalog_frame(store.load_collection(catalog))
    shown = filters.filter_projects(gdf, Query())
    unplaced = shown[shown["id"].isin(set(mapview.encode_projects(gdf).undrawn))]
    assert len(unplaced) > 1
    target = unplaced.iloc[1]
    show_tab(page, "未上图的项目")
    page.get_by_text(re.compile(r"^未上图的项目（\d+）$")).scroll_into_view_if_needed()
    grid = page.locator("[data-testid=stDataFrame]").last
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 2 * 35 + 17)  # the second row's check box
    page.locator("li").filter(has_text=f"：{target['name']}").first.wait_for(timeout=30_000)
    assert page.errors == []


#: Installed in every frame before the page's scripts: the top page notes, when the table and
#: the first filter widget first appear, whether the map had painted its projects by then, and
#: when that was.
TABLE_WATCH = """(frame) => {
  if (window.top !== window) { return; }
  window.__seen = {};
  const watch = { table: '[data-testid=stDataFrame]', filters: '[data-testid=stMultiSelect]' };
  new MutationObserver((_, obs) => {
    const sb = document.querySelector('[data-testid=stSidebar]');
    if (!window.__waited && sb && sb.innerText.includes('筛选条件随后显示')) {
      window.__waited = { filtersShown: !!document.querySelector(watch.filters) };
    }
    for (const [what, selector] of Object.entries(watch)) {
      if (window.__seen[what] || !document.querySelector(selector)) { continue; }
      const f = document.querySelector(frame);
      const sp = f && f.contentWindow && f.contentWindow.__sp;
      window.__seen[what] = { mapPainted: !!(sp && sp.applied >= 1), at: performance.now() };
    }
    if (Object.keys(window.__seen).length === 2) { obs.disconnect(); }
  }).observe(document, { childList: true, subtree: true });
}"""


def test_a_first_page_draws_the_map_before_the_filters_table_and_charts(page, server):
    """The sidebar's widgets, the table and charts wait for the map's first painted frame (at
    most PAINT_WAIT_MS), then come in one more run: the placeholders are gone and nothing keeps
    rerunning."""
    context = page.context.browser.new_context(viewport={"width": 1400, "height": 1000})
    fresh = context.new_page()  # a new session: its first page
    errors, sent = [], []
    fresh.on("pageerror", lambda e: errors.append(str(e)))
    fresh.on("websocket", lambda ws: ws.on("framesent", lambda _: sent.append(1)))
    fresh.add_init_script(f"({TABLE_WATCH})({json.dumps(IFRAME)})")
    fresh.goto(f"{server}/?p=nope")  # a link with a bad value: its note stays on the page
    _, frame = _map_frame(fresh)
    frame.evaluate("() => { window.__marker = 'first-frame'; }")
    fresh.wait_for_selector("[data-testid=stDataFrame]", timeout=60_000)
    fresh.wait_for_selector("[data-testid=stMultiSelect]", timeout=60_000)
    # Only the open tab below the map is drawn: the table, not the charts.
    assert fresh.locator("[data-testid=stVegaLiteChart]").count() == 0
    # The first page's sidebar said the filters would follow, and had none yet.
    assert fresh.evaluate("() => window.__waited") == {"filtersShown": False}
    for seen in fresh.evaluate("() => Object.values(window.__seen)"):
        assert seen["mapPainted"] or seen["at"] >= mapview.PAINT_WAIT_MS
    assert fresh.get_by_text("项目表和统计图随后显示").count() == 0
    assert fresh.get_by_text("筛选条件随后显示").count() == 0
    # The run that brought the table kept the map's frame and the note on the link.
    same = fresh.query_selector(IFRAME).content_frame()
    assert same.evaluate("() => window.__marker") == "first-frame"
    assert fresh.get_by_text("“nope”").count() == 1
    before = len(sent)
    fresh.wait_for_timeout(3000)
    assert len(sent) == before  # no auto-rerun left running
    assert errors == []
    context.close()
