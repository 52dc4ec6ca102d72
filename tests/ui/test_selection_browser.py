"""The project chosen last is the one shown, however quickly or in whatever order a person
chooses: real mouse clicks on map markers and choices in 「定位项目」, in headless Chromium on
the bundled catalog.

Skips when Chromium is absent, unless SHAPINGBA_REQUIRE_BROWSER=1 (CI), where that is a failure.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from projects import store
from tests.helpers import IFRAME, WAIT_MS, app_in_browser, map_frame, open_page, settled, sidebar

pytestmark = pytest.mark.browser

#: Own point markers drawn by themselves well inside the map, each what a click at its centre
#: reaches: [id, name].
_SHOWN_JS = """() => { const sp = window.__sp, s = window.map.getSize(), out = [];
  sp.parts.forEach((p, i) => { const l = p.layers[0];
    if (!p.marker || p.layers.length !== 1 || !l._icon) return;
    const c = window.map.latLngToContainerPoint(l.getLatLng());
    if (c.x < 60 || c.y < 60 || c.x > s.x - 220 || c.y > s.y - 80) return;
    const el = document.elementFromPoint(c.x, c.y);
    if (el === l._icon || l._icon.contains(el)) out.push([sp.ids[i], l.feature.properties.name]); });
  return out; }"""


def _unique_names() -> set[str]:
    """Names only one project has (「定位项目」 lists projects by name)."""
    features = json.loads(store.catalog_path().read_text("utf-8"))["features"]
    names = [f["properties"]["name"] for f in features]
    return {n for n in names if names.count(n) == 1}


def _markers(page, frame) -> list[list[str]]:
    """Zoomed in on the city centre until at least three markers stand apart on screen."""
    for zoom in (13, 12, 14):
        frame.evaluate("(z) => window.map.setView([29.56, 106.45], z, {animate: false})", zoom)
        page.wait_for_timeout(500)
        unique = _unique_names()
        found = [m for m in frame.evaluate(_SHOWN_JS) if m[1] in unique]
        if len(found) >= 3:
            return found
    raise AssertionError("no three markers apart on screen")


def _click(page, frame, pid: str) -> None:
    """A real mouse click on ``pid``'s marker where it is drawn now."""
    at = frame.evaluate(
        """(id) => { const l = window.__sp.parts[window.__sp.index(id)].layers[0];
          const c = window.map.latLngToContainerPoint(l.getLatLng()); return [c.x, c.y]; }""",
        pid,
    )
    box = page.query_selector(IFRAME).bounding_box()
    page.mouse.move(box["x"] + at[0] - 20, box["y"] + at[1] - 20)
    page.mouse.click(box["x"] + at[0], box["y"] + at[1])


def _pick(page, name: str) -> None:
    """Choose ``name`` in the sidebar's 「定位项目」 box (type, then choose), without waiting."""
    box = sidebar(page).locator('[data-testid="stSelectbox"]').filter(has_text="定位项目")
    box.click()
    page.keyboard.type(name)
    page.get_by_role("option", name=name, exact=True).click()


def _stays(page, frame, pid: str, name: str) -> None:
    """The details pane shows ``pid``, and still does once every run has ended, with the map
    and the 「定位项目」 box naming it too."""
    item = page.get_by_role("listitem").filter(has_text=re.compile(f"^编号：{re.escape(pid)}$"))
    expect(item.first).to_be_visible(timeout=WAIT_MS)
    settled(page)
    page.wait_for_timeout(1000)  # a late report of an earlier choice would rerun the page now
    settled(page)
    shown = page.get_by_role("listitem").filter(has_text=re.compile("^编号："))
    expect(shown).to_have_text([f"编号：{pid}"])
    assert frame.evaluate("() => window.__sp.ids[window.__sp.selected]") == pid
    picker = sidebar(page).locator('[data-testid="stSelectbox"]').filter(has_text="定位项目")
    expect(picker.get_by_role("combobox")).to_have_value(name)


def test_the_project_chosen_last_stays_chosen():
    with app_in_browser(store.catalog_path()) as (browser, url):
        page = open_page(browser, url, viewport={"width": 1400, "height": 1100})
        frame = map_frame(page)
        (p, p_name), (q, q_name), (r, r_name) = _markers(page, frame)[:3]
        settled(page)

        # Two quick clicks on the map: the second one's project is shown.
        _click(page, frame, p)
        page.wait_for_timeout(300)
        _click(page, frame, q)
        _stays(page, frame, q, q_name)

        # Chosen in 「定位项目」, then the project clicked on the map before is clicked again:
        # it opens. Its marker's second click reported nothing new (the same project at the
        # same spot), so the page kept the box's project.
        _pick(page, r_name)
        _stays(page, frame, r, r_name)
        _click(page, frame, q)
        _stays(page, frame, q, q_name)

        # The same at once: chosen in the box, and while that runs, q clicked on the map again.
        _pick(page, p_name)
        _click(page, frame, q)
        _stays(page, frame, q, q_name)

        # A map click, then at once a choice in the box: the box's project.
        _click(page, frame, p)
        page.wait_for_timeout(300)
        _pick(page, r_name)
        _stays(page, frame, r, r_name)
        assert page.errors == []
