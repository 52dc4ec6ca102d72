"""The page at 1600 × 1000 and on a phone (400 × 800), in headless Chromium, with screenshots in
tests/artifacts: on the phone the legend is folded into a button (it takes < 20 % of the map until
opened), the filters open from a labelled button above the map, and tap targets are ≥ 40 px.

Runs on a temporary copy of the committed catalog; skips without Chromium unless
SHAPINGBA_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from geo import boundaries
from projects import store
from projects.sources import ROOT
from tests.helpers import (
    IFRAME,
    WAIT_MS,
    app_in_browser,
    map_frame,
    open_page,
    press,
    settled,
    show_tab,
    steady_box,
)
from ui.chrome import MAP_PX

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "tests" / "artifacts"
#: Share of the map's area the legend covers, and the boxes of the phone's tap targets.
LEGEND_SHARE_JS = """() => { const box = e => e.getBoundingClientRect();
  const l = document.querySelector('.sp-legend'), m = box(map.getContainer());
  if (!l || getComputedStyle(l).display === 'none') return 0;
  const b = box(l); return (b.width * b.height) / (m.width * m.height); }"""
TARGETS_JS = """() => [...document.querySelectorAll('.leaflet-bar a, .sp-legend-toggle')]
  .map(e => { const b = e.getBoundingClientRect(); return [e.className, b.width, b.height]; })"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[Browser, str]]:
    catalog = tmp_path_factory.mktemp("phone") / "projects.geojson"
    shutil.copyfile(store.CATALOG_PATH, catalog)
    with app_in_browser(catalog) as site:
        yield site


def test_desktop_shows_legend_and_filters(site):
    browser, url = site
    page = open_page(browser, url, viewport={"width": 1600, "height": 1000})
    frame = map_frame(page)
    expect(
        page.locator('[data-testid="stSidebar"]').get_by_text("筛选", exact=True)
    ).to_be_visible()
    assert frame.evaluate(LEGEND_SHARE_JS) > 0  # the legend is open
    # A wide screen keeps the map's fixed height, and the map fills its frame.
    assert page.locator(IFRAME).bounding_box()["height"] == MAP_PX
    assert frame.evaluate("() => map.getSize().y") == MAP_PX
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "page_1600.png"))
    # It folds away, for what it covers when the map is zoomed in (the east of the district),
    # and opens again, from a button a click reaches.
    toggle = frame.locator(".sp-legend-toggle")
    expect(toggle).to_have_text("收起图例")
    _tap(page, frame, toggle)
    expect(frame.locator(".sp-legend")).to_be_hidden(timeout=10_000)
    expect(toggle).to_have_text("图例")
    page.locator(IFRAME).screenshot(path=str(ARTIFACTS / "page_1600_legend_folded.png"))
    _tap(page, frame, toggle)
    expect(frame.locator(".sp-legend")).to_be_visible(timeout=10_000)
    assert page.errors == []


def test_phone_folds_legend_and_opens_filters_from_a_button(site):
    browser, url = site
    page = open_page(browser, url, viewport={"width": 400, "height": 800})
    frame = map_frame(page)
    toggle = frame.locator(".sp-legend-toggle")
    expect(toggle).to_be_visible(timeout=WAIT_MS)
    assert frame.evaluate(LEGEND_SHARE_JS) < 0.2
    # The opening view holds the whole district with its edge in sight (4 px clear), the
    # eastern edge (嘉陵江) too.
    x0, y0, x1, y1 = boundaries.load_outline().bounds
    corners = frame.evaluate(
        """(ll) => { const s = map.getSize();
          return ll.map(c => { const p = map.latLngToContainerPoint(c);
            return p.x >= 4 && p.y >= 4 && p.x <= s.x - 4 && p.y <= s.y - 4; }); }""",
        [[y0, x0], [y0, x1], [y1, x0], [y1, x1]],
    )
    assert corners == [True] * 4
    for name, width, height in frame.evaluate(TARGETS_JS):
        assert width >= 40 and height >= 40, name
    # The filters: a labelled button above the map opens them.
    opener = page.locator('[data-testid="stExpandSidebarButton"]')
    expect(opener).to_be_visible()
    box, map_box = opener.bounding_box(), page.locator(IFRAME).bounding_box()
    assert box["height"] >= 40 and box["y"] + box["height"] <= map_box["y"]
    assert "筛选" in opener.evaluate("e => getComputedStyle(e, '::after').content")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "page_400.png"))
    # The legend opens and closes on demand.
    toggle.click()
    expect(frame.locator(".sp-legend")).to_be_visible()
    expect(toggle).to_have_text("收起图例")
    page.locator(IFRAME).screenshot(path=str(ARTIFACTS / "page_400_legend.png"))
    toggle.click()
    expect(frame.locator(".sp-legend")).to_be_hidden()
    opener.click()
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("筛选", exact=True)).to_be_in_viewport(timeout=WAIT_MS)
    page.screenshot(path=str(ARTIFACTS / "page_400_filters.png"))
    assert page.errors == []


@pytest.mark.parametrize("size", [(400, 800), (360, 640)])
def test_the_phone_map_fits_the_screen_with_the_page_around_it(site, size):
    """On a phone the map had a wide screen's 620 px: below the screen's edge on a 400 × 800
    phone (its scale and 图例 button out of sight), taller than a 360 × 640 phone's screen. Now
    the whole map is on the screen when the page opens, the page shows below it, and a swipe
    there (off the map, where a swipe pans the map) scrolls on to the details."""
    browser, url = site
    width, height = size
    page = open_page(browser, url, viewport={"width": width, "height": height})
    frame = map_frame(page)
    box = page.locator(IFRAME).bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= height - 20, box
    assert box["height"] >= 0.45 * height, box  # still most of the screen
    # The map fills its frame: nothing of it is cut off, its bottom controls are in sight.
    assert frame.evaluate("() => map.getSize().y") == round(box["height"])
    for control in (".sp-legend-toggle", ".leaflet-control-scale", ".sp-district"):
        part = frame.locator(control).bounding_box()
        assert part is not None and part["y"] >= box["y"], control
        assert part["y"] + part["height"] <= min(height, box["y"] + box["height"]), control
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"page_{width}x{height}_map_fits.png"))
    zoom = frame.evaluate("() => map.getZoom()")
    page.mouse.move(width / 2, height - 8)
    details = page.get_by_role("heading", name="项目详情")
    for _ in range(10):  # swipes, as a thumb does, until the details are in sight
        page.mouse.wheel(0, 300)
        page.wait_for_timeout(200)
        if details.is_visible() and details.bounding_box()["y"] < height:
            break
    expect(details).to_be_in_viewport()
    assert frame.evaluate("() => map.getZoom()") == zoom  # the page scrolled, not the map
    assert page.errors == []


def test_a_first_tap_on_the_phone_map_opens_what_it_hits_without_scrolling(site):
    """Leaflet focuses the map on the first press; in Streamlit's scrolling container that
    scrolled the page, so a first tap on a cluster near the fold missed it."""
    browser, url = site
    page = open_page(browser, url, viewport={"width": 400, "height": 800})
    frame = map_frame(page)
    cluster = frame.locator(".sp-cluster").last
    expect(cluster).to_be_visible(timeout=WAIT_MS)
    scrolled = "() => document.querySelector('[data-testid=\"stMain\"]').scrollTop"
    before = page.evaluate(scrolled)
    box = cluster.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(frame.locator(".sp-list")).to_be_visible(timeout=10_000)
    assert page.evaluate(scrolled) == before
    assert page.errors == []


#: The boxes (page pixels) of the map's controls on screen and of the open list's popup.
_BOXES_JS = """() => { const r = e => { const b = e.getBoundingClientRect();
    return [b.left, b.top, b.right, b.bottom]; };
  const shown = [...document.querySelectorAll('.leaflet-control')]
    .filter(c => c.offsetWidth && c.offsetHeight && getComputedStyle(c).display !== 'none');
  const pop = document.querySelector('.leaflet-popup-content-wrapper');
  return { controls: shown.map(r), popup: pop ? r(pop) : null }; }"""


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _tap(page, frame, locator) -> None:
    """A real click at ``locator``'s centre (``bounding_box`` is in page pixels)."""
    box = locator.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


@pytest.mark.parametrize("opener", [".sp-district", ".sp-zone-count"])
def test_phone_lists_open_clear_of_the_map_controls(site, opener):
    """A list (the 仅知在区内 box's, a zone's) opened under the zoom buttons, the layer switch
    and the district box, which Leaflet draws above popups: its title, its first names and its
    close button were hidden, and a tap on the × hit the district box instead."""
    browser, url = site
    page = open_page(browser, url, viewport={"width": 400, "height": 800})
    frame = map_frame(page)
    target = frame.locator(opener).filter(has_text="个项目").first
    expect(target).to_be_visible(timeout=WAIT_MS)
    _tap(page, frame, target)
    expect(frame.locator(".sp-list")).to_be_visible(timeout=10_000)
    page.wait_for_timeout(500)  # the map pans the list into view without animation
    boxes = frame.evaluate(_BOXES_JS)
    assert boxes["popup"] is not None
    hidden = [c for c in boxes["controls"] if _overlap(c, boxes["popup"])]
    page.locator(IFRAME).screenshot(path=str(ARTIFACTS / f"page_400_list{opener[3:]}.png"))
    assert hidden == [], (boxes["popup"], hidden)
    # The close button takes a tap: the list closes.
    _tap(page, frame, frame.locator(".leaflet-popup-close-button"))
    expect(frame.locator(".sp-list")).to_have_count(0, timeout=10_000)
    assert page.errors == []


def _phone_with_open_legend(site):
    """A phone's page (400 × 800) whose legend the user opened with a tap: (page, map frame,
    the legend's button)."""
    browser, url = site
    page = open_page(browser, url, viewport={"width": 400, "height": 800})
    frame = map_frame(page)
    toggle = frame.locator(".sp-legend-toggle")
    _tap(page, frame, toggle)
    expect(frame.locator(".sp-legend")).to_be_visible(timeout=10_000)
    return page, frame, toggle


def test_a_phone_list_opens_clear_of_the_legend_the_user_opened(site):
    """On a phone the open legend fills the map's right half: a list opened then (the district
    box's) had no room beside it and lay under the legend, its names cut off. The legend folds
    for the list, and its button opens it again."""
    page, frame, toggle = _phone_with_open_legend(site)
    _tap(page, frame, frame.locator(".sp-district").filter(has_text="个项目").first)
    expect(frame.locator(".sp-list")).to_be_visible(timeout=10_000)
    page.wait_for_timeout(500)  # the map pans the list into view without animation
    boxes = frame.evaluate(_BOXES_JS)
    assert boxes["popup"] is not None
    hidden = [c for c in boxes["controls"] if _overlap(c, boxes["popup"])]
    page.locator(IFRAME).screenshot(path=str(ARTIFACTS / "page_400_list_legend.png"))
    assert hidden == [], (boxes["popup"], hidden)
    expect(toggle).to_have_text("图例")
    _tap(page, frame, toggle)
    expect(frame.locator(".sp-legend")).to_be_visible(timeout=10_000)
    assert page.errors == []


#: For each zone label's count (its name above it): whether its left end, middle and right end
#: are what a tap there hits (nothing drawn over them).
_COUNTS_FREE_JS = """() => [...document.querySelectorAll('.sp-zone-count')]
  .filter(c => c.textContent).map(c => { const b = c.getBoundingClientRect(), y = b.top + b.height / 2;
    return [c.previousSibling.textContent, [b.left + 3, b.left + b.width / 2, b.right - 3]
      .map(x => { const e = document.elementFromPoint(x, y); return !!e && c.contains(e); })]; })"""


def test_phone_zone_counts_are_not_under_the_map_buttons(site):
    """On the phone's opening view the layer switch, below the zoom buttons, covered the west
    end of 中部“两山”生态屏障's label: its count read 「16」 and took no tap there."""
    browser, url = site
    page = open_page(browser, url, viewport={"width": 400, "height": 800})
    frame = map_frame(page)
    expect(frame.locator(".leaflet-control-layers")).to_be_visible(timeout=WAIT_MS)
    counts = frame.evaluate(_COUNTS_FREE_JS)
    assert len(counts) == 3
    page.locator(IFRAME).screenshot(path=str(ARTIFACTS / "page_400_zone_counts.png"))
    assert [name for name, free in counts if not all(free)] == []
    # The layer switch still opens, from where it now is: below the district box.
    toggle = frame.locator(".leaflet-control-layers-toggle")
    box = toggle.bounding_box()
    district = frame.locator(".sp-district").bounding_box()
    assert box["y"] >= district["y"] + district["height"]
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(frame.get_by_text("嘉陵江", exact=True)).to_be_visible(timeout=10_000)
    assert page.errors == []


#: Each zone's name (its text, not its box) and the controls it lies within 2 px of:
#: [name, [control's text, …]].
_NAMES_CLEAR_JS = """() => {
  const controls = [...document.querySelectorAll('.leaflet-control')]
    .map(c => [c.textContent.trim().slice(0, 8) || c.className, c.getBoundingClientRect()])
    .filter(([, r]) => r.width && r.height);
  return [...document.querySelectorAll('.sp-zone-count')].map(c => {
    const range = document.createRange(); range.selectNodeContents(c.previousSibling);
    const a = range.getBoundingClientRect();
    return [c.previousSibling.textContent, controls.filter(([, r]) =>
      a.left < r.right + 2 && r.left < a.right + 2 && a.top < r.bottom + 2 && r.top < a.bottom + 2)
      .map(([name]) => name)]; }); }"""


def test_phone_zone_names_stand_clear_of_the_map_buttons(site):
    """On the phone's opening view the zoom buttons' 「−」 touched 中部“两山”生态屏障: each zone's
    name now keeps a gap from every control."""
    browser, url = site
    page = open_page(browser, url, viewport={"width": 400, "height": 800})
    frame = map_frame(page)
    expect(frame.locator(".leaflet-control-layers")).to_be_visible(timeout=WAIT_MS)
    expect(frame.locator(".sp-zone").get_by_text("中部“两山”生态屏障")).to_be_visible(
        timeout=WAIT_MS
    )
    page.wait_for_timeout(500)  # the controls' last change of size, then the labels' layout
    names = frame.evaluate(_NAMES_CLEAR_JS)
    page.locator(IFRAME).screenshot(path=str(ARTIFACTS / "page_400_zone_names.png"))
    assert len(names) == 3
    assert [n for n in names if n[1]] == []
    assert page.errors == []


#: The sidebar's buttons narrower or lower than a fingertip (40 px), with their labels. Layout
#: works in fractions of a pixel: a button of min-width 40px measures 39.999996 px in some runs.
_SMALL_BUTTONS_JS = """() => [...document.querySelectorAll('[data-testid=stSidebar] button')]
  .map(e => [e.getAttribute('aria-label') || e.textContent.trim(), e.getBoundingClientRect()])
  .filter(([, b]) => b.width && (b.width < 39.5 || b.height < 39.5))
  .map(([name, b]) => [name, Math.round(b.width), Math.round(b.height)])"""


def test_phone_filter_buttons_take_a_fingertip(site):
    """On the phone the filters' small buttons were 15 px wide (a chip's ×, 移除 交通), 16 (the
    help marks), 24-32 (清除, 展开选项) and 28 × 28 (收起侧栏): each is now 40 × 40 at least."""
    browser, url = site
    page = open_page(browser, url, viewport={"width": 400, "height": 800})
    map_frame(page)
    page.locator('[data-testid="stExpandSidebarButton"]').click()
    side = page.locator('[data-testid="stSidebar"]')
    expect(side.get_by_role("button", name="移除 交通")).to_be_visible(timeout=WAIT_MS)
    page.screenshot(path=str(ARTIFACTS / "page_400_filter_buttons.png"))
    assert page.evaluate(_SMALL_BUTTONS_JS) == []
    # A chip's × still removes its choice, tapped at its centre once the sidebar has slid in
    # and the map's first report has run (a tap while it slid landed beside the ×).
    settled(page)
    press(page, side.get_by_role("button", name="移除 交通"))
    page.wait_for_function(
        "!new URL(location.href).searchParams.get('sector')?.includes('交通')"
        " && new URL(location.href).searchParams.has('sector')"
    )
    assert page.errors == []


#: Each row of the layer list (its text) and whether a tap at its middle reaches it (nothing
#: drawn over it: the legend and its button stand in the same right-hand column); a row of a
#: closed list counts as reachable.
_LAYER_ROWS_JS = """() => [...document.querySelectorAll('.leaflet-control-layers-overlays label')]
  .map(row => { const b = row.getBoundingClientRect(), e = document.elementFromPoint(
      b.left + Math.min(b.width / 2, 40), b.top + b.height / 2);
    return [row.textContent.trim(), !b.height || (!!e && row.contains(e))]; })"""


def _open_layer_list(page, frame) -> None:
    """The pointer goes to 图层 and clicks it, as a mouse does (Leaflet opens the list on the
    pointer's arrival); returns once the list's last row is drawn and laid out."""
    box = frame.locator(".leaflet-control-layers-toggle").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(frame.get_by_text("东中西分区（示意）", exact=True)).to_be_visible(timeout=10_000)
    page.wait_for_timeout(300)


def test_phone_layer_list_and_legend_are_each_usable(site):
    """On a phone the layer list opens top right, below the district box, and runs down the
    same side as the open legend, which Leaflet draws over it: with the legend open, the list's
    last rows (东中西分区（示意）…) lay under 收起图例 and the legend. The legend folds for the
    list; opened again, it is clear of the list (which closes for it)."""
    page, frame, toggle = _phone_with_open_legend(site)
    _open_layer_list(page, frame)
    page.locator(IFRAME).screenshot(path=str(ARTIFACTS / "page_400_layers_open.png"))
    rows = frame.evaluate(_LAYER_ROWS_JS)
    expect(frame.locator(".leaflet-control-layers-expanded")).to_have_count(1)
    assert len(rows) == 5
    assert [name for name, free in rows if not free] == []
    # The legend's button is still there to open it, and a tap on a row switches its layer.
    expect(toggle).to_have_text("图例")
    row = frame.locator(".leaflet-control-layers-overlays label").filter(has_text="嘉陵江")
    box = row.bounding_box()
    page.mouse.click(box["x"] + 12, box["y"] + box["height"] / 2)
    assert frame.evaluate("() => map.hasLayer(window.__spContext.river)") is False
    _tap(page, frame, toggle)
    expect(frame.locator(".sp-legend")).to_be_visible(timeout=10_000)
    page.wait_for_timeout(300)
    page.locator(IFRAME).screenshot(path=str(ARTIFACTS / "page_400_layers_legend.png"))
    # Whatever of the list is still shown, the legend lies over none of it.
    assert [name for name, free in frame.evaluate(_LAYER_ROWS_JS) if not free] == []
    assert page.errors == []


def test_desktop_layer_list_opens_beside_the_open_legend(site):
    """At 1600 px the layer list opens top left, under the zoom buttons, and the legend stays
    open bottom right: every row takes a click."""
    browser, url = site
    page = open_page(browser, url, viewport={"width": 1600, "height": 1000})
    frame = map_frame(page)
    expect(frame.locator(".sp-legend")).to_be_visible(timeout=WAIT_MS)
    _open_layer_list(page, frame)
    page.locator(IFRAME).screenshot(path=str(ARTIFACTS / "page_1600_layers_open.png"))
    rows = frame.evaluate(_LAYER_ROWS_JS)
    expect(frame.locator(".leaflet-control-layers-expanded")).to_have_count(1)
    assert len(rows) == 5 and [name for name, free in rows if not free] == []
    expect(frame.locator(".sp-legend")).to_be_visible()
    assert page.errors == []


#: The labels in view (badges' and zones' names and counts) that a control (zoom buttons,
#: layers, the district box, the legend and its button) covers by more than a graze (2 px),
#: wherever their place is: [label, control's text].
_LABELS_UNDER_CONTROLS_JS = """() => {
  const f = map.getContainer().getBoundingClientRect(), out = [];
  const controls = [...document.querySelectorAll('.leaflet-control')]
    .map(c => [c, c.getBoundingClientRect()]).filter(([, r]) => r.width && r.height);
  const texts = [...document.querySelectorAll('.sp-badge-label')].map(e => [e, e]);
  document.querySelectorAll('.sp-zone-count').forEach(c => {
    texts.push([c.previousSibling, c.previousSibling]);
    if (c.textContent) { texts.push([c, c]); }
  });
  texts.forEach(([e]) => {
    const range = document.createRange(); range.selectNodeContents(e);
    const a = range.getBoundingClientRect();
    if (!a.width || a.right < f.left || a.left > f.right || a.bottom < f.top || a.top > f.bottom) return;
    controls.forEach(([c, r]) => {
      const w = Math.min(a.right, r.right) - Math.max(a.left, r.left);
      const h = Math.min(a.bottom, r.bottom) - Math.max(a.top, r.top);
      if (Math.min(w, h) > 2) { out.push([e.textContent, c.textContent.slice(0, 12)]); } }); });
  return out; }"""


def test_no_label_lies_under_the_open_legend_when_zoomed_in(site):
    """Zoomed in twice from the opening view (zoom 13) at 1600 px, 石井坡街道's place lies under
    the open legend, and so did its badge (the badges moved only a label or so from their
    place). Now a label whose place is under a control stands beside it, on a leader line: no
    badge or zone label in view is under a control, at zooms 12 to 14."""
    browser, url = site
    page = open_page(browser, url, viewport={"width": 1600, "height": 1000})
    frame = map_frame(page)
    expect(frame.get_by_role("button", name="收起图例")).to_be_visible(timeout=WAIT_MS)
    zoom_in = frame.locator(".leaflet-control-zoom-in")
    for zoom in (12, 13, 14):
        box = zoom_in.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        # The map writes its view into the page's link once the zoom has ended.
        page.wait_for_function(f"() => /[?&]v=[^&]*%2C{zoom}(&|$)/.test(location.search)")
        page.wait_for_timeout(500)  # the zoom's animation ends, then its layout
        page.locator(IFRAME).screenshot(path=str(ARTIFACTS / f"page_1600_zoom{zoom}_legend.png"))
        under = frame.evaluate(_LABELS_UNDER_CONTROLS_JS)
        assert under == [], (zoom, under)
        if zoom == 13:
            # The badge takes a click where it is drawn: it lists its projects (the list pans
            # the map; the next zoom lays the labels out again), or opens its one project.
            badge = frame.locator(".sp-badge-label").filter(has_text="石井坡街道")
            expect(badge).to_be_visible()
            one = badge.inner_text().endswith(" · 1")
            _tap(page, frame, badge)
            if one:
                place = page.get_by_role("listitem").filter(has_text="所在地：石井坡街道")
                expect(place.first).to_be_visible(timeout=WAIT_MS)
                settled(page)
                continue
            expect(frame.locator(".sp-list").filter(has_text="石井坡街道")).to_be_visible(
                timeout=10_000
            )
            # Read, then closed: a person taps × once the list has stopped moving (it pans the
            # map into view, and the click's run may lay the layer out again).
            settled(page)
            page.wait_for_timeout(500)
            _tap(page, frame, frame.locator(".leaflet-popup-close-button"))
            expect(frame.locator(".sp-list")).to_have_count(0, timeout=10_000)
    assert page.errors == []


#: The sidebar's toggles and check boxes: [label, the switch's vertical middle less its text's].
_SWITCHES_JS = """() => [...document.querySelectorAll('[data-testid=stSidebar] [data-testid=stCheckbox] label')]
  .filter(l => l.offsetHeight).map(l => { const sw = l.children[1].getBoundingClientRect();
    const p = l.querySelector('[data-testid=stMarkdownContainer] p').getBoundingClientRect();
    return [l.textContent.trim(), (sw.top + sw.height / 2) - (p.top + p.height / 2)]; })"""


def test_phone_sidebar_switches_stand_beside_their_text(site):
    """On the phone 标绘模式's switch stood a line above its text (its help mark, grown to a
    40 px tap target, made the label 40 px tall and the switch kept to its top)."""
    browser, url = site
    page = open_page(browser, url, viewport={"width": 400, "height": 800})
    map_frame(page)
    press(page, page.locator('[data-testid="stExpandSidebarButton"]'))
    side = page.locator('[data-testid="stSidebar"]')
    expect(side.get_by_text("筛选", exact=True)).to_be_in_viewport(timeout=WAIT_MS)
    switch = side.locator('[data-testid="stCheckbox"]').filter(has_text="标绘模式")
    switch.scroll_into_view_if_needed()
    expect(switch).to_be_in_viewport(timeout=WAIT_MS)
    page.screenshot(path=str(ARTIFACTS / "page_400_sidebar_switch.png"))
    offsets = page.evaluate(_SWITCHES_JS)
    assert any(name.startswith("标绘模式") for name, _ in offsets), offsets
    assert [(name, dy) for name, dy in offsets if abs(dy) > 2] == []
    assert page.errors == []


_LAYERS_ON_JS = """() => Object.entries(window.__spContext).filter(([, g]) => map.hasLayer(g))
  .map(([name]) => name).sort()"""


@pytest.mark.parametrize("size", [(1600, 1000), (400, 800)])
def test_a_click_on_the_layer_button_opens_the_list_and_switches_nothing(site, size):
    """Leaflet opens the layer list as the pointer reaches 图层, and the list's first row lies
    where the button was: the click meant for the button switched 相邻区县 off. Now that click
    only opens the list, and a click on the row then switches its layer."""
    browser, url = site
    width, height = size
    page = open_page(browser, url, viewport={"width": width, "height": height})
    frame = map_frame(page)
    before = frame.evaluate(_LAYERS_ON_JS)
    assert "neighbours" in before
    box = frame.locator(".leaflet-control-layers-toggle").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x - 30, y + 60)
    page.mouse.move(x, y, steps=5)  # the pointer comes to the button, as a hand moves it
    page.mouse.click(x, y)
    row = frame.locator(".leaflet-control-layers-overlays label").filter(has_text="相邻区县")
    expect(row).to_be_visible(timeout=10_000)
    page.wait_for_timeout(300)
    assert frame.evaluate(_LAYERS_ON_JS) == before
    page.locator(IFRAME).screenshot(path=str(ARTIFACTS / f"page_{width}_layers_clicked.png"))
    _tap(page, frame, row)
    frame.wait_for_function("() => !map.hasLayer(window.__spContext.neighbours)", timeout=10_000)
    assert page.errors == []


#: Each zone label's name and count (text, not box): [text, whether its left end, middle and
#: right end are free: the count is what a tap there hits; the name (which takes no taps, the
#: map under it does) has no control over it].
_ZONE_TEXTS_FREE_JS = """() => [...document.querySelectorAll('.sp-zone-count')].flatMap(c =>
  [c.previousSibling, c].filter(e => e.textContent).map(e => {
    const range = document.createRange(); range.selectNodeContents(e);
    const b = range.getBoundingClientRect(), y = b.top + b.height / 2;
    return [e.textContent, [b.left + 3, b.left + b.width / 2, b.right - 3].map(x => {
      const hit = document.elementFromPoint(x, y);
      return !!hit && (e === c ? c.contains(hit) : !hit.closest('.leaflet-control')); })]; }))"""


def test_phone_zone_labels_stay_readable_beside_the_open_legend(site):
    """On a phone the legend the user opened covered 东部人文母城 and its count (the legend
    fills the map's right side, where that zone lies): the label now moves the least it takes to
    stand clear of the legend (and of the other labels and controls), and its count still opens
    the zone's list."""
    page, frame, toggle = _phone_with_open_legend(site)
    page.wait_for_timeout(500)  # the legend's change of size, then the labels' layout
    texts = frame.evaluate(_ZONE_TEXTS_FREE_JS)
    page.locator(IFRAME).screenshot(path=str(ARTIFACTS / "page_400_legend_zone_labels.png"))
    assert len(texts) == 6
    assert [text for text, free in texts if not all(free)] == []
    count = frame.locator(".sp-zone-count").filter(has_text="个项目").first
    _tap(page, frame, count)
    expect(frame.locator(".sp-list")).to_be_visible(timeout=10_000)
    assert page.errors == []


#: Each zone label's name and count lines partly in the map's frame that reach past its edge:
#: [text, its left and right, the frame's left and right].
_ZONE_TEXTS_CUT_JS = """() => { const f = map.getContainer().getBoundingClientRect();
  return [...document.querySelectorAll('.sp-zone-count')].flatMap(c =>
    [c.previousSibling, c].filter(e => e.textContent).map(e => {
      const range = document.createRange(); range.selectNodeContents(e);
      const b = range.getBoundingClientRect(); return [e.textContent, b, f]; }))
    .filter(([, b, f]) => b.right > f.left && b.left < f.right && b.bottom > f.top && b.top < f.bottom)
    .filter(([, b, f]) => b.left < f.left || b.right > f.right || b.top < f.top || b.bottom > f.bottom)
    .map(([t, b, f]) => [t, Math.round(b.left), Math.round(b.right), f.left, f.right]); }"""


def test_zoomed_in_zone_labels_stay_inside_the_map(site):
    """Zoomed in twice (zoom 13) at 1600 px, 东部人文母城's count ran off the map's right edge
    and 中部“两山”生态屏障's off its left: a label partly in view now stands wholly inside it."""
    browser, url = site
    page = open_page(browser, url, viewport={"width": 1600, "height": 1000})
    frame = map_frame(page)
    zoom_in = frame.locator(".leaflet-control-zoom-in")
    for zoom in (12, 13):
        _tap(page, frame, zoom_in)
        page.wait_for_function(f"() => /[?&]v=[^&]*%2C{zoom}(&|$)/.test(location.search)")
        page.wait_for_timeout(500)  # the zoom's animation ends, then its layout
    page.locator(IFRAME).screenshot(path=str(ARTIFACTS / "page_1600_zoom13_zone_labels.png"))
    assert frame.locator(".sp-zone-count").filter(has_text="个项目").count() == 3
    assert frame.evaluate(_ZONE_TEXTS_CUT_JS) == []
    assert page.errors == []


#: How far the page (the document, and Streamlit's scrolling main area) reaches past the screen.
_PAGE_WIDTH_JS = """() => { const m = document.querySelector('[data-testid=stMain]');
  return [document.scrollingElement.scrollWidth - innerWidth, m.scrollWidth - m.clientWidth,
          scrollX, m.scrollLeft]; }"""


@pytest.mark.parametrize("tab", ["项目列表", "未上图的项目"])
def test_phone_tables_scroll_inside_their_frame_not_the_page(site, tab):
    """On a phone the tables below the map are wider than the screen: a sideways swipe on one
    scrolls the table inside its frame; the page itself never scrolls sideways."""
    browser, url = site
    page = open_page(browser, url, viewport={"width": 400, "height": 800})
    map_frame(page)
    show_tab(page, tab)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = steady_box(page, grid)
    assert box["x"] >= 0 and box["x"] + box["width"] <= 400, box
    assert page.evaluate(_PAGE_WIDTH_JS) == [0, 0, 0, 0]
    scroller = grid.locator(".dvn-scroller")
    assert scroller.evaluate("e => e.scrollWidth > e.clientWidth")  # wider than its frame
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 80)
    page.mouse.wheel(300, 0)
    page.wait_for_function("e => e.scrollLeft > 0", arg=scroller.element_handle())
    heading = page.get_by_role("heading", name=re.compile(f"^{tab}")).first
    where = heading.bounding_box()
    page.mouse.move(where["x"] + 40, where["y"] + where["height"] / 2)
    page.mouse.wheel(300, 0)
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / f"page_400_table_{tab}.png"))
    assert page.evaluate(_PAGE_WIDTH_JS) == [0, 0, 0, 0]
    assert page.errors == []


#: The 「显示 N / M 个项目」 lines a person sees: on the screen, their text's start not covered.
_COUNT_LINES_SEEN_JS = r"""() => [...document.querySelectorAll('p')]
  .filter(p => /^显示 \d+ \/ \d+ 个项目$/.test(p.textContent.trim())).filter(p => {
    const b = p.getBoundingClientRect(), y = b.top + b.height / 2, e = document.elementFromPoint(b.left + 4, y);
    return b.width && b.left >= 0 && b.right <= innerWidth && b.top >= 0 && b.bottom <= innerHeight
      && !!e && p.contains(e); }).map(p => p.closest('[data-testid=stSidebar]') ? 'sidebar' : 'page')"""


@pytest.mark.parametrize("width", [1600, 400])
def test_the_count_line_shows_once_on_the_screen(site, width):
    """At 1600 px 「显示 N / M 个项目」 stood twice on the screen: above the filters in the open
    sidebar and under the page's title. The sidebar's line is there for a phone, whose open
    sidebar covers the page's; the page's line now shows only while the sidebar is closed."""
    browser, url = site
    page = open_page(browser, url, viewport={"width": width, "height": 900})
    map_frame(page)
    side = page.locator('[data-testid="stSidebar"]')
    seen = "sidebar" if width == 1600 else "page"  # the sidebar opens on a wide screen only
    expect(side).to_have_attribute("data-collapsed", str(width != 1600).lower())
    page.screenshot(path=str(ARTIFACTS / f"page_{width}_count_line.png"))
    assert page.evaluate(_COUNT_LINES_SEEN_JS) == [seen]
    if width == 1600:
        side.hover()  # its close button shows under the pointer
        press(page, page.locator('[data-testid="stSidebarCollapseButton"] button'))
    else:
        press(page, page.locator('[data-testid="stExpandSidebarButton"]'))
    expect(side).to_have_attribute("data-collapsed", str(width == 1600).lower())
    page.wait_for_timeout(500)  # the sidebar's slide
    page.screenshot(path=str(ARTIFACTS / f"page_{width}_count_line_toggled.png"))
    assert page.evaluate(_COUNT_LINES_SEEN_JS) == ["page" if width == 1600 else "sidebar"]
    assert page.errors == []
