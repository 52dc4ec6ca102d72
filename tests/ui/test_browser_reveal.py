"""Choosing a project in 「定位项目」 when its marker is inside a cluster, in headless Chromium on the
bundled catalog: the map zooms to where the marker stands alone (or, for a place's badge that
stays with other things at any zoom, opens their cluster), so a real mouse click at its screen
position opens it.

Skips when Chromium is absent, unless SHAPINGBA_REQUIRE_BROWSER=1 (CI), where that is a failure.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from projects import store
from projects.sources import ROOT
from tests.helpers import (
    IFRAME,
    WAIT_MS,
    app_in_browser,
    choose,
    map_frame,
    open_page,
    settled,
    unique_names,
)

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "tests" / "artifacts"
#: How long the map may take to show a chosen marker (ms): it does so in one step, so a marker
#: still clustered after this was not going to be shown.
SHOWN_MS = 30_000

#: Own point markers and places' badges hidden in a cluster now: the project's or the place's
#: id and the zoom from which each stands alone (markercluster's deepest cluster of it, plus
#: one; above the map's maximum: never).
_CLUSTERED_JS = """() => { const sp = window.__sp, out = [];
  sp.parts.forEach((p, i) => { const l = p.layers[0];
    if (p.marker && p.layers.length === 1 && sp.cluster.hasLayer(l) && !l._icon)
      out.push([sp.ids[i], l.__parent._zoom + 1]); });
  sp.badges.forEach(b => { if (sp.cluster.hasLayer(b) && !b._icon)
      out.push([sp.places[b._spPlace].id, b.__parent._zoom + 1]); });
  return out; }"""

#: The badge of place ``id`` drawn on its own, inside the map, its label what is under the
#: label's centre, framed as chosen: that centre (frame pixels), else null.
_BADGE_SHOWN_JS = """(id) => { const sp = window.__sp;
  const b = sp.badges.find(b => sp.places[b._spPlace].id === id);
  if (!b || !b._icon || !b._spSel) return null;
  const r = b._spLabel.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
  if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) return null;
  const el = document.elementFromPoint(x, y);
  return b._spLabel.contains(el) ? {x: x, y: y} : null; }"""

#: The chosen marker is drawn on its own, inside the map, and is what is under its centre.
_SHOWN_JS = """(id) => { const sp = window.__sp, l = sp.parts[sp.index(id)].layers[0];
  if (!l._icon || !window.map.getBounds().contains(l.getLatLng())) return null;
  const p = window.map.latLngToContainerPoint(l.getLatLng());
  const el = document.elementFromPoint(p.x, p.y);
  return (el === l._icon || l._icon.contains(el)) ? {x: p.x, y: p.y} : null; }"""


def _listed() -> dict[str, list[str]]:
    """Place id → the ids of the projects of 沙坪坝区 (the default view) that refer to it."""
    out: dict[str, list[str]] = {}
    for f in json.loads(store.catalog_path().read_text("utf-8"))["features"]:
        p = f["properties"]
        if p.get("place_id") and p["district"] == "沙坪坝区" and not p.get("deleted"):
            out.setdefault(p["place_id"], []).append(p["id"])
    return out


def _pick(page, name: str) -> None:
    """Choose ``name`` in the sidebar's 「定位项目」 box (type, then choose), without filtering."""
    choose(page, "定位项目", name, typed=name)
    settled(page)


def _details(page, pid: str):
    item = page.get_by_role("listitem").filter(has_text=re.compile(f"^编号：{re.escape(pid)}$"))
    return item.first


#: Other projects whose markers are drawn by themselves inside the map now, then the places
#: whose badges are (their projects chosen move the map no more than those markers do).
_ON_SCREEN_JS = """(id) => { const sp = window.__sp, bounds = window.map.getBounds();
  return sp.parts.filter((p, i) => sp.ids[i] !== id && p.marker && p.layers.length === 1 &&
    !!p.layers[0]._icon && bounds.contains(p.layers[0].getLatLng())).map(p => p.layers[0].feature
    .properties.id).concat(sp.badges.filter(b => !!b._icon && bounds.contains(b.getLatLng()))
    .map(b => sp.places[b._spPlace].id)); }"""


def _click_shown(page, frame, pid: str, names: dict[str, str]) -> None:
    """Wait until ``pid``'s marker is on screen by itself; choose another project shown beside
    it (the map stays put), then click ``pid``'s marker: its details open again."""
    at = frame.wait_for_function(_SHOWN_JS, arg=pid, timeout=SHOWN_MS).json_value()
    listed = _listed()
    seen = [m for o in frame.evaluate(_ON_SCREEN_JS, pid) for m in listed.get(o, [o])]
    other = next(o for o in seen if o in names and o != pid)
    _pick(page, names[other])
    expect(_details(page, other)).to_be_visible(timeout=WAIT_MS)
    assert frame.evaluate(_SHOWN_JS, pid) == at
    box = page.query_selector(IFRAME).bounding_box()
    page.mouse.move(box["x"] + at["x"] - 20, box["y"] + at["y"] - 20)
    page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
    expect(_details(page, pid)).to_be_visible(timeout=WAIT_MS)


def test_a_clustered_project_chosen_in_the_picker_is_shown_and_clickable():
    names = unique_names()
    with app_in_browser(store.catalog_path()) as (browser, url):
        page = open_page(browser, url, viewport={"width": 1600, "height": 1000})
        frame = map_frame(page)
        found = frame.evaluate(_CLUSTERED_JS)
        apart = [pid for pid, z in found if pid in names and 13 <= z <= 16]
        # a place's badge that shares its spot at any zoom, standing for several projects
        shown = _listed()
        together = [
            (place, members)
            for place, z in found
            if z > 18 and len(members := shown.get(place, [])) > 1 and set(members) & set(names)
        ]
        assert apart and together, found
        together = together[0]

        # A marker that comes apart from its neighbours at a deeper zoom: zoomed to.
        zoom = frame.evaluate("() => window.map.getZoom()")
        _pick(page, names[apart[0]])
        expect(_details(page, apart[0])).to_be_visible(timeout=WAIT_MS)
        frame.wait_for_function(_SHOWN_JS, arg=apart[0], timeout=SHOWN_MS)
        assert frame.evaluate("() => window.map.getZoom()") > zoom
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "reveal_clustered_1600.png"))
        _click_shown(page, frame, apart[0], names)

        # A project at a place's point (沙坪坝站) whose badge shares its spot with other things
        # at any zoom: their cluster is spread out, the badge framed as chosen, and a real click
        # on it lists the place's projects, each of which opens.
        place, members = together
        pid = next(m for m in members if m in names)
        _pick(page, names[pid])
        expect(_details(page, pid)).to_be_visible(timeout=WAIT_MS)
        at = frame.wait_for_function(_BADGE_SHOWN_JS, arg=place, timeout=SHOWN_MS).json_value()
        assert frame.evaluate("() => window.map.getZoom()") <= 17
        page.screenshot(path=str(ARTIFACTS / "reveal_together_1600.png"))
        for chosen in (next(m for m in members if m != pid), pid):
            box = page.query_selector(IFRAME).bounding_box()
            page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
            link = frame.locator(f'.sp-list a[data-sp-id="{chosen}"]')
            expect(link).to_be_visible(timeout=WAIT_MS)
            near = link.bounding_box()
            page.mouse.click(near["x"] + min(20, near["width"] / 2), near["y"] + near["height"] / 2)
            expect(_details(page, chosen)).to_be_visible(timeout=WAIT_MS)
            settled(page)
            at = frame.wait_for_function(_BADGE_SHOWN_JS, arg=place, timeout=SHOWN_MS).json_value()
        assert page.errors == []


def _tap(page, locator) -> None:
    box = locator.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def _choose_listed(page, frame, opener) -> str:
    """Tap ``opener`` (a zone's count, the district box), then the first name in its list."""
    frame.evaluate("() => window.map.closePopup()")
    _tap(page, opener)
    name = frame.locator(".sp-list a").first
    expect(name).to_be_visible(timeout=WAIT_MS)
    page.wait_for_timeout(300)  # the map pans the list clear of its controls
    chosen, pid = name.inner_text(), name.get_attribute("data-sp-id")
    _tap(page, name)
    item = page.get_by_role("listitem").filter(has_text=re.compile(f"^名称：{re.escape(chosen)}$"))
    expect(item.first).to_be_visible(timeout=WAIT_MS)
    # the map has the choice too (it may pan to it): a list opened before would move away
    frame.wait_for_function(
        "(id) => window.__sp.selected >= 0 && window.__sp.ids[window.__sp.selected] === id",
        arg=pid,
        timeout=WAIT_MS,
    )
    settled(page)
    return chosen


def test_a_zone_or_district_level_choice_is_marked_on_the_map(tmp_path):
    """A project known only by its zone, or only as in the district, is drawn nowhere: chosen,
    it left no trace on the map. Its zone's count, or the 仅知在区内 box, now says it holds the
    chosen project, in a black frame as a chosen badge has; the mark moves with the choice."""
    catalog = tmp_path / "projects.geojson"
    catalog.write_bytes(store.catalog_path().read_bytes())
    with app_in_browser(catalog) as (browser, url):
        page = open_page(browser, url, viewport={"width": 1600, "height": 1000})
        frame = map_frame(page)
        counts = frame.locator(".sp-zone-count").filter(has_text="个项目")
        east = counts.first
        zone_name = east.evaluate("e => e.previousSibling.textContent")
        _choose_listed(page, frame, east)
        marked = frame.locator(".sp-zone-count", has_text="含所选项目")
        expect(marked).to_have_count(1, timeout=WAIT_MS)
        assert marked.evaluate("e => e.previousSibling.textContent") == zone_name
        assert "0, 0, 0" in marked.evaluate("e => getComputedStyle(e).borderTopColor")
        district = frame.locator(".sp-district")
        expect(district).not_to_contain_text("含所选项目")
        page.locator(IFRAME).screenshot(path=str(ARTIFACTS / "reveal_zone_choice.png"))

        _choose_listed(page, frame, district)
        expect(district).to_contain_text("含所选项目", timeout=WAIT_MS)
        expect(marked).to_have_count(0)
        page.locator(IFRAME).screenshot(path=str(ARTIFACTS / "reveal_district_choice.png"))
        assert page.errors == []
