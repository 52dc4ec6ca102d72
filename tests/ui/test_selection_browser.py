"""The project clicked last on the map is the one shown, also when it is the project clicked
before a choice in the sidebar's 「定位项目」 box, and also on a map the page has built anew (another
底图): real mouse clicks at a marker's place on the screen and in the sidebar, in headless
Chromium on the bundled catalog, waiting for the details pane to name the project.

streamlit-folium tells the page of a click only when what the map returns has changed; a marker
reported the same project at the same spot each time, so the second click on it was lost.

Skips when Chromium is absent, unless SHAPINGBA_REQUIRE_BROWSER=1 (CI), where that is a failure.
"""

from __future__ import annotations

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
#: Where the map is looked at: the city centre (三峡广场), where single markers stand apart.
CENTRE = (29.56, 106.45)
#: What a click opens at once, drawn by itself well inside the map (no cluster, no control
#: over it) and reached by a click at its centre: own point markers, and the badges of a
#: place's single shown project (most projects of the catalog are at a place):
#: [id, x, y, own marker?].
_ALONE_JS = """() => { const sp = window.__sp, s = window.map.getSize(), out = [];
  const reached = (x, y, el) => x >= 80 && y >= 80 && x <= s.x - 260 && y <= s.y - 100 &&
    (el === document.elementFromPoint(x, y) || el.contains(document.elementFromPoint(x, y)));
  sp.parts.forEach((p, i) => { const l = p.layers[0];
    if (!p.marker || p.layers.length !== 1 || !l._icon) return;
    const c = window.map.latLngToContainerPoint(l.getLatLng());
    if (reached(c.x, c.y, l._icon)) out.push([sp.ids[i], c.x, c.y, true]);
  });
  const refs = sp.ids.filter((id, i) => i >= sp.parts.length && sp.projectStyle(id).on);
  sp.badges.forEach(b => { if (!b._icon || b._spN !== 1) return;
    const at = b.getLatLng();
    const id = refs.find(id => { const a = sp.anchorOf(id); return a[0] === at.lat && a[1] === at.lng; });
    if (!id) return;
    const c = sp.screenPoint(id);
    if (reached(c.x, c.y, b._spLabel)) out.push([id, c.x, c.y, false]);
  });
  return out; }"""


def _two_markers(page, frame) -> list[list[str]]:
    """Two projects that stand apart on screen, the first an own point marker (the click the
    map reported as the same as before), the second a marker or a one-project badge: [id, name]
    each. Looked for around each own point marker, then the city centre."""
    unique = unique_names()
    own = frame.evaluate(
        "() => window.__sp.parts.map((p, i) => p.marker && p.layers.length === 1 ?"
        " window.__sp.anchorOf(window.__sp.ids[i]) : null).filter(a => a)"
    )
    for at in [*own, CENTRE]:
        for zoom in (13, 12, 14):
            frame.evaluate("([at, z]) => window.map.setView(at, z, {animate: false})", [at, zoom])
            settled(page)
            found = sorted(
                (m for m in frame.evaluate(_ALONE_JS) if m[0] in unique), key=lambda m: not m[3]
            )
            if len(found) >= 2 and found[0][3]:
                return [[m[0], unique[m[0]]] for m in found[:2]]
    raise AssertionError("no own marker with another project apart from it")


def _click(page, frame, pid: str) -> None:
    """A real mouse click on ``pid``'s marker, where it is drawn now (the mouse comes from
    beside it, as a hand does)."""
    at = frame.evaluate(
        "(id) => { const c = window.__sp.screenPoint(id); return [c.x, c.y]; }", pid
    )
    box = page.query_selector(IFRAME).bounding_box()
    x, y = box["x"] + at[0], box["y"] + at[1]
    page.mouse.move(x - 25, y - 25)
    page.mouse.move(x, y, steps=5)
    page.mouse.click(x, y)


def _shows(page, pid: str) -> None:
    """The details pane names ``pid``, and still does once every run is over (a late report of
    an earlier click would rerun the page and change it)."""
    item = page.get_by_role("listitem").filter(has_text=re.compile(f"^编号：{re.escape(pid)}$"))
    expect(item.first).to_be_visible(timeout=WAIT_MS)
    settled(page)
    page.wait_for_timeout(800)
    settled(page)
    shown = page.get_by_role("listitem").filter(has_text=re.compile("^编号："))
    expect(shown).to_have_text([f"编号：{pid}"], timeout=WAIT_MS)


def _new_map(page, old):
    """The map's frame once the page has built it anew (another iframe than ``old``)."""
    page.wait_for_function(
        """([old, css]) => { const f = document.querySelector(css);
          return f && f !== old && f.contentWindow.__sp && f.contentWindow.__sp.applied >= 1; }""",
        arg=[old, IFRAME],
        timeout=WAIT_MS,
    )
    settled(page)
    return map_frame(page)


def test_a_marker_clicked_again_after_a_choice_in_the_picker_opens_again():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = 0

    def screenshot(step: str) -> None:
        nonlocal shot
        shot += 1
        page.screenshot(path=str(ARTIFACTS / f"selection_{shot}_{step}.png"))

    with app_in_browser(store.catalog_path()) as (browser, url):
        page = open_page(browser, url, viewport={"width": 1600, "height": 1100})
        frame = map_frame(page)
        (p, _), (q, q_name) = _two_markers(page, frame)

        _click(page, frame, p)
        _shows(page, p)
        screenshot("map_p")
        choose(page, "定位项目", q_name, typed=q_name)
        _shows(page, q)
        screenshot("picker_q")
        # The same marker again: before, its click reported what the first had (the same
        # project at the same spot), the page heard nothing, and the details stayed on q.
        _click(page, frame, p)
        _shows(page, p)
        screenshot("map_p_again")

        # Another 底图 builds the map anew: that alone chooses nothing, and the new map's first
        # click on p opens it, though the last map's last click was on p too. Twice, so that
        # each map's first click follows a map whose last click was its first too (a count of
        # clicks that began again with each map repeated its report).
        for basemap in ("OpenStreetMap", "无底图（离线）"):
            choose(page, "定位项目", q_name, typed=q_name)
            _shows(page, q)
            old = page.query_selector(IFRAME)
            choose(page, "底图", basemap)
            frame = _new_map(page, old)
            _shows(page, q)
            _click(page, frame, p)
            _shows(page, p)
        screenshot("rebuilt_map_p")
        assert page.errors == []
