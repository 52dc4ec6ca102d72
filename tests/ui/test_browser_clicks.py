"""Real mouse clicks on the map of the bundled catalog, in headless Chromium, default view.

Every kind of thing the map draws is clicked at its screen position with ``page.mouse`` (no
dispatched events): a point, a line, a polygon, a multi-part shape, a cluster, a place's badge,
a zone label's count and the district box. Each click opens the project's details, or lists the
projects there, and a click on a listed name opens that one. Two staff-drawn shapes (a polygon and
a two-part polygon) are added to a copy of the catalog, since the documents give none.

Skips when Chromium is absent, unless SHAPINGBA_REQUIRE_BROWSER=1 (CI), where that is a failure.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import shapely
from playwright.sync_api import expect

from geo.boundaries import load_zones
from geo.places.reference import resolve
from projects import store
from projects.sources import ROOT
from tests.helpers import (
    IFRAME,
    WAIT_MS,
    app_in_browser,
    listed_projects,
    map_frame,
    open_page,
    settled,
    steady_box,
)

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "tests" / "artifacts"
# A point no other project shares (a click on it opens it, not a list), a line, a multi-point.
POINT, LINE, MULTIPOINT = "SPB-0596", "SPB-0320", "SPB-0531"


def _square(x: float, y: float, d: float = 0.004) -> shapely.Polygon:
    return shapely.box(x - d, y - d, x + d, y + d)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> tuple[Path, str, str]:
    """A copy of the committed catalog where two district-level projects were drawn by staff:
    one as a polygon, one as a polygon in two parts (in the open west, away from other marks)."""
    data = json.loads(store.catalog_path().read_text("utf-8"))
    west = load_zones().set_index("zone").geometry["西"].representative_point()
    shapes = {
        "polygon": _square(west.x - 0.03, west.y - 0.05),
        "multi": shapely.MultiPolygon(
            [_square(west.x + 0.02, west.y - 0.06), _square(west.x + 0.05, west.y - 0.06)]
        ),
    }
    picked = {}
    for f in data["features"]:
        p = f["properties"]
        if p["precision"] == "district" and not p.get("deleted") and len(picked) < 2:
            kind = "polygon" if not picked else "multi"
            f["geometry"] = json.loads(shapely.to_geojson(shapes[kind]))
            p.update(precision="manual", place_id=None, geo_method="manual")
            p.update(geo_basis="测试：工作人员在地图上标绘", zone="西", zones=["西"])
            picked[kind] = p["id"]
    path = tmp_path_factory.mktemp("clicks") / "projects.geojson"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path, picked["polygon"], picked["multi"]


@pytest.fixture(scope="module")
def site(catalog):
    with app_in_browser(catalog[0]) as site:
        yield site


@pytest.fixture(scope="module")
def page(site):
    browser, url = site
    page = open_page(browser, url, viewport={"width": 1400, "height": 1100})
    yield page
    assert page.errors == []


def _details(page, pid: str) -> None:
    """Wait for the details panel to show project ``pid``."""
    item = page.get_by_role("listitem").filter(has_text=re.compile(f"^编号：{re.escape(pid)}$"))
    expect(item.first).to_be_visible(timeout=WAIT_MS)


def _click_at(page, frame, point: dict) -> None:
    box = page.query_selector(IFRAME).bounding_box()
    x, y = box["x"] + point["x"], box["y"] + point["y"]
    page.mouse.move(x - 30, y - 30)
    page.mouse.move(x, y)
    page.mouse.click(x, y)


#: (lat, lng) of a project's ``part``: a marker, a part of a multi-part shape, else null (then
#: the map's own screen point for the project is used: the middle of a line's first segment or
#: the centre of a shape).
_TARGET_JS = """([pid, part]) => { const sp = window.__sp, i = sp.index(pid);
  if (i >= sp.parts.length) return L.latLng(sp.anchorOf(pid));
  const ls = sp.parts[i].layers;
  if (ls[0].getLatLng) return ls[Math.min(part, ls.length - 1)].getLatLng();
  if (part > 0) return L.latLngBounds(ls[0].getLatLngs()[part][0]).getCenter();
  return null; }"""


def _go(frame, pid: str, zoom: int, part: int = 0) -> dict:
    """Centre the map on project ``pid`` (its ``part``-th part) at ``zoom``; its screen point once
    drawn there."""
    frame.evaluate(
        f"""([pid, z, part]) => {{ const m = window.map, at = ({_TARGET_JS})([pid, part]);
          if (at) {{ m.setView(at, z, {{animate: false}}); return; }}
          m.setView(L.latLng(window.__sp.anchorOf(pid)), z, {{animate: false}});
          m.panTo(m.containerPointToLatLng(window.__sp.screenPoint(pid)), {{animate: false}}); }}""",
        [pid, zoom, part],
    )
    frame.wait_for_function(
        """([pid, part]) => { const sp = window.__sp, i = sp.index(pid);
          if (i >= sp.parts.length) return true;
          const ls = sp.parts[i].layers, l = ls[Math.min(part, ls.length - 1)];
          return !l.getLatLng || !!l._icon || !!sp.cluster.getVisibleParent(l); }""",
        arg=[pid, part],
        timeout=WAIT_MS,
    )
    return frame.evaluate(
        f"""([pid, part]) => {{ const at = ({_TARGET_JS})([pid, part]);
          if (!at) return window.__sp.screenPoint(pid);
          const c = window.map.latLngToContainerPoint(at); return {{x: c.x, y: c.y}}; }}""",
        [pid, part],
    )


def _choose_from_list(page, frame, pid: str | None = None) -> str:
    """In the open list popup, click ``pid``'s name (or the first); the id clicked."""
    link = frame.locator(".sp-list a" + (f'[data-sp-id="{pid}"]' if pid else "")).first
    expect(link).to_be_visible(timeout=WAIT_MS)
    chosen = link.get_attribute("data-sp-id")
    box = link.bounding_box()
    page.mouse.click(box["x"] + min(20, box["width"] / 2), box["y"] + box["height"] / 2)
    return chosen


def test_a_click_on_any_kind_of_drawn_thing_opens_its_project(page, catalog):
    _, polygon, multi = catalog
    data = json.loads(catalog[0].read_text("utf-8"))
    names = {f["properties"]["id"]: f["properties"]["name"] for f in data["features"]}
    frame = map_frame(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    # A cluster in the default view lists its projects; a listed name opens that project.
    cluster = frame.locator(".sp-cluster").first
    expect(cluster).to_be_visible(timeout=WAIT_MS)
    box = cluster.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(frame.locator(".sp-list")).to_be_visible(timeout=WAIT_MS)
    page.screenshot(path=str(ARTIFACTS / "browser_cluster_list.png"))
    _details(page, _choose_from_list(page, frame))

    # A point, a line, a polygon, and the second part of a two-part polygon.
    for pid, zoom, part in ((POINT, 16, 0), (LINE, 15, 0), (polygon, 14, 0), (multi, 14, 1)):
        point = _go(frame, pid, zoom, part)
        # Hovered first: its name shows in a tooltip (made on the first hover).
        box = page.query_selector(IFRAME).bounding_box()
        page.mouse.move(box["x"] + point["x"] - 30, box["y"] + point["y"] - 30)
        # In steps, as a hand moves: the canvas hit-tests a hover at most every 32 ms.
        page.mouse.move(box["x"] + point["x"], box["y"] + point["y"], steps=8)
        page.wait_for_timeout(50)
        page.mouse.move(box["x"] + point["x"] + 1, box["y"] + point["y"])
        expect(frame.locator(".leaflet-tooltip").last).to_contain_text(names[pid])
        _click_at(page, frame, point)
        _details(page, pid)
        frame.wait_for_function(
            "(pid) => window.__sp.projectStyle(pid).selected", arg=pid, timeout=WAIT_MS
        )
        # The sidebar's 定位项目 box names the project a click chose, not （未选择）.
        picker = page.locator('[data-testid="stSelectbox"]').filter(has_text="定位项目")
        expect(picker.get_by_role("combobox")).to_have_value(names[pid], timeout=WAIT_MS)

    # A multi-point project: its part at 沙坪坝站 shares the spot with other projects, so the
    # click lists them, and its name there opens it.
    settled(page)  # the last choice has drawn its page before the next click
    _click_at(page, frame, _go(frame, MULTIPOINT, 18, 1))
    _details(page, _choose_from_list(page, frame, MULTIPOINT))

    # A place's badge: the projects that only say they are in 西永, listed, with its outline.
    xiyong = next(f for f in data["features"] if f["properties"]["name"] == "西永综合保税区")
    place = xiyong["properties"]["place_id"]
    members = [
        f["properties"]["id"]
        for f in data["features"]
        if f["properties"].get("place_id") == place and f["properties"]["district"] == "沙坪坝区"
    ]
    settled(page)
    frame.evaluate("(at) => window.map.setView(at, 15, {animate: false})", _anchor(frame, place))
    badge = frame.locator(".sp-badge-label").filter(has_text=re.compile(r"^西永 · \d+$")).first
    expect(badge).to_be_visible(timeout=WAIT_MS)
    assert badge.inner_text() == f"西永 · {len(members)}"
    box = badge.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(frame.locator(".sp-list li")).to_have_count(len(members), timeout=WAIT_MS)
    expect(frame.get_by_text("西永（示意范围，非测绘边界）")).to_be_visible(timeout=WAIT_MS)
    page.screenshot(path=str(ARTIFACTS / "browser_badge_list.png"))
    _details(page, _choose_from_list(page, frame, xiyong["properties"]["id"]))

    # A place's point: the projects named after 磁器口's hills and streets share its one badge
    # (they were 15 markers on one point); a real click lists every one of them.
    at_cqk = [
        f["properties"]["id"]
        for f in data["features"]
        if f["properties"].get("place_id") == "P048"
        and f["properties"]["precision"] in ("approximate", "area")
    ]
    settled(page)
    frame.evaluate("(at) => window.map.setView(at, 16, {animate: false})", _anchor(frame, "P048"))
    badge = frame.locator(".sp-badge-label").filter(has_text=re.compile(r"^磁器口 · \d+$")).first
    expect(badge).to_have_text(f"磁器口 · {len(at_cqk)}", timeout=WAIT_MS)
    assert len(at_cqk) >= 15
    box = badge.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(frame.locator(".sp-list li")).to_have_count(len(at_cqk), timeout=WAIT_MS)
    page.screenshot(path=str(ARTIFACTS / "browser_point_badge_list.png"))
    _details(page, _choose_from_list(page, frame, "SPB-0374"))

    # A place's point with one project (“重庆1949”剧院 at 烈士墓站): its badge names the
    # project on hover, and a click opens it at once, as a marker does.
    settled(page)
    place = next(f for f in data["features"] if f["properties"]["id"] == "SPB-0004")
    frame.evaluate(
        "(at) => window.map.setView(at, 16, {animate: false})",
        _anchor(frame, place["properties"]["place_id"]),
    )
    name = _place_name(place["properties"]["place_id"])
    badge = frame.locator(".sp-badge-label").filter(has_text=f"{name} · 1")
    expect(badge).to_be_visible(timeout=WAIT_MS)
    box = steady_box(page, badge)  # once the labels are laid out for the new view
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x - 30, y - 30)
    page.mouse.move(x, y, steps=5)
    expect(frame.locator(".leaflet-tooltip").last).to_contain_text(names["SPB-0004"])
    page.mouse.click(x, y)
    _details(page, "SPB-0004")

    # A zone label's count lists the projects known only to that zone.
    frame.evaluate("() => window.map.setZoom(11, {animate: false})")
    count = frame.locator(".sp-zone-count").filter(has_text="个项目仅知在此片区").first
    expect(count).to_be_visible(timeout=WAIT_MS)
    box = count.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(frame.locator(".sp-list")).to_be_visible(timeout=WAIT_MS)
    settled(page)  # the previous choice's run is over before the next choice
    _details(page, _choose_from_list(page, frame))

    # The district box lists the projects known only to the district.
    settled(page)  # the zone list's choice has drawn its page before the next click
    box = frame.locator(".sp-district").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    _details(page, _choose_from_list(page, frame))
    assert page.errors == []


def _anchor(frame, place_id: str) -> list[float]:
    """Where a place's badge is (lat, lng), from any project that refers to it."""
    return frame.evaluate(
        """(place) => { const sp = window.__sp;
          const b = sp.badges.find(b => b._spPlace !== undefined &&
                                        sp.places[b._spPlace].id === place);
          const at = b.getLatLng(); return [at.lat, at.lng]; }""",
        place_id,
    )


#: Two places whose badges fell on each other at the opening view (zoom 11): 「青木关镇 · 2」 was
#: drawn over 「青凤高科产业园 · 10」, so neither could be read or clicked whole.
CROWDED = ("青木关镇", "青凤高科产业园")
#: Each badge label on screen (frame pixels) with its place, its place's own point, and the
#: leader line drawn when the label was moved off it.
_BADGES_JS = """() => window.__sp.badges.filter(b => b._icon).map(b => {
  const r = b._spLabel.getBoundingClientRect(), at = map.latLngToContainerPoint(b.getLatLng());
  return { name: window.__sp.places[b._spPlace].n, text: b._spLabel.textContent,
           box: [r.left, r.top, r.right, r.bottom], at: [at.x, at.y],
           moved: [b._spDx, b._spDy], leader: getComputedStyle(b._spLeader).display !== "none" }; })"""


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_badges_that_fell_on_each_other_open_their_own_lists(site, catalog):
    """At the opening view each of two formerly overlapping badges is read whole and a real click
    on it lists exactly its own projects; a badge moved off its place is tied to it by a line."""
    browser, url = site
    page = open_page(browser, url, viewport={"width": 1400, "height": 1100})
    frame = map_frame(page)
    listed = listed_projects(catalog[0])
    badges = {b["name"]: b for b in frame.evaluate(_BADGES_JS)}
    assert set(CROWDED) <= set(badges), sorted(badges)
    a, b = (badges[name] for name in CROWDED)
    # Drawn on their places, as before, the two labels would cover each other.
    for k in (0, 1):  # x, then y: nearer than half their widths (heights) together
        assert abs(a["at"][k] - b["at"][k]) < (_size(a, k) + _size(b, k)) / 2
    # Now no two labels on the map cover each other, and a moved label has its leader line,
    # which starts at its place and ends at the label.
    shown = list(badges.values())
    for i, x in enumerate(shown):
        for y in shown[i + 1 :]:
            assert not _overlap(x["box"], y["box"]), (x["text"], y["text"])
        if x["moved"] != [0, 0]:
            assert x["leader"], x["text"]
            mid = ((x["box"][0] + x["box"][2]) / 2, (x["box"][1] + x["box"][3]) / 2)
            assert mid == pytest.approx(
                (x["at"][0] + x["moved"][0], x["at"][1] + x["moved"][1]), abs=1.5
            )
    assert any(badges[name]["moved"] != [0, 0] for name in CROWDED)
    page.locator(IFRAME).screenshot(path=str(ARTIFACTS / "browser_badges_apart.png"))

    for n, name in enumerate(CROWDED):
        place = next(p for p in set(listed["place_id"].dropna()) if _place_name(p) == name)
        members = set(listed.loc[listed["place_id"] == place, "id"])
        label = frame.locator(".sp-badge-label").filter(has_text=re.compile(f"^{name} · \\d+$"))
        expect(label).to_have_text(f"{name} · {len(members)}")
        # Hovered: the place's outline, when it has one, is drawn dashed.
        box = label.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x - 40, y - 40)
        page.mouse.move(x, y, steps=5)
        expect(frame.locator(".leaflet-tooltip").last).to_contain_text(name)
        if frame.evaluate("(n) => !!window.__sp.places.find(p => p.n === n && p.o)", name):
            outline = frame.locator(".leaflet-spOutline-pane path")
            expect(outline.first).to_have_attribute("stroke-dasharray", "6 5")
        # Clicked where it is drawn: its own list, every one of its projects.
        page.mouse.click(x, y)
        popup = frame.locator(".leaflet-popup .sp-list")
        expect(popup).to_contain_text(f"{name} · {len(members)} 个项目", timeout=WAIT_MS)
        ids = popup.locator("a[data-sp-id]")
        expect(ids).to_have_count(len(members))
        assert {ids.nth(k).get_attribute("data-sp-id") for k in range(len(members))} == members
        page.screenshot(path=str(ARTIFACTS / f"browser_badge_list_{n}.png"))
        close = frame.locator(".leaflet-popup-close-button")
        cb = close.bounding_box()
        page.mouse.click(cb["x"] + cb["width"] / 2, cb["y"] + cb["height"] / 2)
        expect(frame.locator(".leaflet-popup")).to_have_count(0)
    assert page.errors == []


def _size(badge: dict, axis: int) -> float:
    return badge["box"][axis + 2] - badge["box"][axis]


def _place_name(place_id: str) -> str | None:
    ref = resolve(place_id)
    return ref.name if ref is not None else None


#: For each zoom: the pairs of badge labels that cover each other on screen, and the labels whose
#: middle a click does not reach (something else is on top there) other than under a control.
_CROWDING_JS = """() => {
  const labels = [...document.querySelectorAll('.sp-badge-label')], s = map.getSize();
  const boxes = labels.map(e => e.getBoundingClientRect()), out = { overlaps: [], hidden: [] };
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach((c, k) => {
    if (a.left < c.right && c.left < a.right && a.top < c.bottom && c.top < a.bottom) {
      out.overlaps.push([labels[i].textContent, labels[i + 1 + k].textContent]); } }));
  boxes.forEach((a, i) => {
    const x = (a.left + a.right) / 2, y = (a.top + a.bottom) / 2;
    if (x < 0 || y < 0 || x > s.x || y > s.y) return;
    const e = document.elementFromPoint(x, y);
    if (e && (e.closest('.sp-badge-label') === labels[i] || e.closest('.leaflet-control'))) return;
    out.hidden.push(labels[i].textContent); });
  return out; }"""


def test_no_two_badges_cover_each_other_at_any_zoom(site):
    """From the district to the street, zoomed in about the opening view's centre: no badge
    label covers another, and a click at the middle of each reaches it."""
    browser, url = site
    page = open_page(browser, url, viewport={"width": 1400, "height": 1100})
    frame = map_frame(page)
    seen = 0
    for zoom in range(10, 17):
        frame.evaluate("(z) => window.map.setZoom(z, {animate: false})", zoom)
        frame.wait_for_function("(z) => window.map.getZoom() === z", arg=zoom)
        found = frame.evaluate(_CROWDING_JS)
        assert found == {"overlaps": [], "hidden": []}, zoom
        seen += frame.locator(".sp-badge-label").count()
    assert seen > 20  # badges were on screen to be checked
    assert page.errors == []


#: The badge labels in view that a control (zoom buttons, layers, the district box, the legend
#: and its button) covers while their place is not under one: [label, control's text, how far
#: it reaches in (px, across and down)]. A graze of a pixel or two at an edge leaves it clear; a
#: place under the legend has its label there too (fold the legend to see both).
_UNDER_CONTROL_JS = """() => {
  const f = map.getContainer().getBoundingClientRect(), out = [];
  const controls = [...document.querySelectorAll('.leaflet-control')]
    .map(c => [c, c.getBoundingClientRect()]).filter(([, r]) => r.width && r.height);
  const inside = (x, y, r) => r.left <= x && x <= r.right && r.top <= y && y <= r.bottom;
  document.querySelectorAll('.sp-badge-label').forEach(e => {
    const a = e.getBoundingClientRect(), at = e.closest('.sp-badge').getBoundingClientRect();
    if (!a.width || a.right < f.left || a.left > f.right || a.bottom < f.top || a.top > f.bottom) return;
    if (controls.some(([, r]) => inside(at.left, at.top, r))) return;
    controls.forEach(([c, r]) => {
      const w = Math.min(a.right, r.right) - Math.max(a.left, r.left);
      const h = Math.min(a.bottom, r.bottom) - Math.max(a.top, r.top);
      if (Math.min(w, h) > 2) { out.push([e.textContent, c.textContent.slice(0, 12), w, h]); } }); });
  return out; }"""


def test_a_badge_beside_the_legend_button_stands_clear_of_it(site):
    """Zoomed in twice from the opening view with the + button, 井口街道's badge (its place at
    the map's right edge, beside the legend) stood half under 收起图例: no badge in view now
    lies under a control."""
    browser, url = site
    page = open_page(browser, url, viewport={"width": 1600, "height": 1000})
    frame = map_frame(page)
    expect(frame.get_by_role("button", name="收起图例")).to_be_visible(timeout=WAIT_MS)
    settled(page)  # the first page's second run (the table below the map) is over
    zoom_in = frame.locator(".leaflet-control-zoom-in")
    for zoom in (12, 13):
        box = zoom_in.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        # The map writes its view into the page's link once the zoom has ended.
        page.wait_for_function(f"() => /[?&]v=[^&]*%2C{zoom}(&|$)/.test(location.search)")
    settled(page)
    expect(frame.locator(".sp-badge-label").filter(has_text="井口街道")).to_be_visible()
    page.wait_for_timeout(500)  # the zoom's animation ends, then its layout
    under = frame.evaluate(_UNDER_CONTROL_JS)
    assert under == [], under
    assert page.errors == []


#: The open tooltip's box and the map's (frame pixels): [left, right] each.
_TIP_JS = """() => { const t = [...document.querySelectorAll('.leaflet-tooltip')].pop(),
  r = t.getBoundingClientRect(), m = window.map.getContainer().getBoundingClientRect();
  return {text: t.textContent, tip: [r.left, r.right], map: [m.left, m.right]}; }"""


def test_a_badge_tooltip_at_the_maps_side_is_read_whole_on_a_phone(site, catalog):
    """A badge near the map's left side, on a 400 px page: its tooltip (「“重庆1949”剧院：烈士墓站，
    在此附近（约 1 公里内）」) was centred over it and ran off the map, half of it unread. Now it
    wraps and stands inside the map."""
    browser, url = site
    page = open_page(browser, url, viewport={"width": 400, "height": 850})
    frame = map_frame(page)
    settled(page)
    data = json.loads(catalog[0].read_text("utf-8"))
    (project,) = [f["properties"] for f in data["features"] if f["properties"]["id"] == "SPB-0004"]
    name = _place_name(project["place_id"])
    # the badge 30 px from the map's left side
    frame.evaluate(
        """([at]) => { const m = window.map; m.setView(at, 15, {animate: false});
          const c = m.latLngToContainerPoint(at);
          m.panBy([c.x - 30, 0], {animate: false}); }""",
        [_anchor(frame, project["place_id"])],
    )
    badge = frame.locator(".sp-badge-label").filter(has_text=f"{name} · 1")
    expect(badge).to_be_visible(timeout=WAIT_MS)
    box = steady_box(page, badge)
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x + 40, y + 40)
    page.mouse.move(x, y, steps=5)
    expect(frame.locator(".leaflet-tooltip").last).to_contain_text(project["name"])
    page.wait_for_timeout(100)  # moved into the map once drawn
    seen = frame.evaluate(_TIP_JS)
    page.locator(IFRAME).screenshot(path=str(ARTIFACTS / "browser_badge_tip_400.png"))
    assert seen["map"][0] <= seen["tip"][0] and seen["tip"][1] <= seen["map"][1], seen
    assert page.errors == []
