"""A click on a chart's bar or legend entry sets that filter, in the real app in Chromium."""

from __future__ import annotations

import shutil
import urllib.parse
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from projects import store, vocab
from tests.helpers import WAIT_MS, app_in_browser, map_frame, open_page, show_tab

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[Browser, str]]:
    catalog = tmp_path_factory.mktemp("charts") / "projects.geojson"
    shutil.copyfile(store.CATALOG_PATH, catalog)
    with app_in_browser(catalog) as site:
        yield site


def _param(page, name: str) -> str | None:
    return urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query).get(name, [None])[0]


def test_bar_and_legend_clicks_filter(site):
    browser, url = site
    page = open_page(browser, url, viewport={"width": 1600, "height": 2600})
    map_frame(page)
    show_tab(page, "统计图")
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    expect(chart.locator("g.mark-rect path").first).to_be_visible(timeout=WAIT_MS)
    # The top bar is the vocabulary's first sector with projects: 交通.
    top = min(chart.locator("g.mark-rect path").all(), key=lambda bar: bar.bounding_box()["y"])
    box = top.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("new URL(location.href).searchParams.get('sector') === '交通'")
    sectors = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    # The link is written before the sidebar is drawn: wait for the box to show the choice.
    expect(sectors).not_to_contain_text(vocab.SECTORS[1], timeout=WAIT_MS)
    expect(sectors).to_contain_text("交通")
    # A legend entry: 在建.
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.get_by_text("在建", exact=True).first.click()
    page.wait_for_function("new URL(location.href).searchParams.get('status') === '在建'")
    assert _param(page, "sector") == "交通"  # the earlier filter stays
    assert page.errors == []


#: Each chart's legend labels that stick out of the chart's own box (Vega cuts them off there).
_CUT_LEGEND_JS = """e => { const svg = e.querySelector('svg').getBoundingClientRect();
  return [...e.querySelectorAll('.role-legend-label text')].filter(t => {
    const r = t.getBoundingClientRect(); return r.bottom > svg.bottom + 1 || r.top < svg.top - 1;
  }).map(t => t.textContent); }"""


def test_every_legend_entry_shows_when_few_bars_are_left(site):
    """Filtered to one sector, the lying-bar charts were one bar high and cut their legend
    after 建成 (and 滞后): 运营 and 未知 could be neither read nor clicked."""
    browser, url = site
    page = open_page(browser, url + "/?sector=乡村振兴", viewport={"width": 1600, "height": 2600})
    map_frame(page)
    show_tab(page, "统计图")
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    expect(charts.first.locator("g.mark-rect path").first).to_be_visible(timeout=WAIT_MS)
    expect(charts).to_have_count(5, timeout=WAIT_MS)
    for i in range(5):
        expect(charts.nth(i).locator("svg")).to_be_visible(timeout=WAIT_MS)
        assert charts.nth(i).evaluate(_CUT_LEGEND_JS) == [], i
    # The last entry of the status legend takes a click where it is drawn.
    entry = charts.first.locator(".role-legend-label text").filter(has_text="运营")
    box = entry.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("new URL(location.href).searchParams.get('status') === '运营'")
    assert _param(page, "sector") == "乡村振兴"
    assert page.errors == []


#: The top of the highest stack of bars, and of the count axis's top grid line (px on screen).
_TOPS_JS = """e => {
  const bars = [...e.querySelectorAll('g.mark-rect path')].map(p => p.getBoundingClientRect());
  const grid = [...e.querySelectorAll('.role-axis-grid line')].map(l => l.getBoundingClientRect())
    .filter(r => r.width > r.height);
  return [Math.min(...bars.map(r => r.top)), Math.min(...grid.map(r => r.top))]; }"""


@pytest.mark.parametrize("width", [1600, 400])
def test_the_tallest_bar_has_room_below_the_top_of_the_count_axis(site, width):
    """All projects at the end of 2025 (520) stood above the axis's last line (500), the bar cut
    at the chart's top edge, and 西 (181) above 180 on both zone charts: each upright chart's
    axis now ends on a round number above its tallest bar."""
    browser, url = site
    page = open_page(browser, url, viewport={"width": width, "height": 2600})
    map_frame(page)
    show_tab(page, "统计图")
    heading = page.get_by_role("heading", name="各年状态（按状态沿革）")
    expect(heading).to_be_visible(timeout=WAIT_MS)
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    expect(charts).to_have_count(5, timeout=WAIT_MS)
    # 按片区, 各年状态, 进度预警：按片区 (the others lie: their count axis runs across).
    for n in (1, 2, 4):
        chart = charts.nth(n)
        expect(chart.locator("g.mark-rect path").first).to_be_visible(timeout=WAIT_MS)
        chart.scroll_into_view_if_needed()
        bar_top, line_top = chart.evaluate(_TOPS_JS)
        assert bar_top > line_top + 5, (n, bar_top, line_top)
    assert page.errors == []
