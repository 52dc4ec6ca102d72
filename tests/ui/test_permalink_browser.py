"""A shared link opens the same view: filters, the selected project and the map's centre and
zoom; a bad value is ignored with a note and leaves the rest of the view as the link gave it.

Real app in headless Chromium on a temporary copy of the committed catalog; skips without
Chromium unless SHAPINGBA_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import io
import shutil
import urllib.parse
from collections.abc import Iterator

import numpy as np
import pytest
from playwright.sync_api import Browser, expect

from geo import mapview, places
from projects import filters, store
from projects.sources import ROOT
from tests.helpers import (
    IFRAME,
    WAIT_MS,
    app_in_browser,
    map_frame,
    open_page,
    press,
    settled,
)

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[Browser, str]]:
    catalog = tmp_path_factory.mktemp("link") / "projects.geojson"
    shutil.copyfile(store.CATALOG_PATH, catalog)
    with app_in_browser(catalog) as site:
        yield site


def _shown(query: filters.Query):
    gdf = filters.catalog_frame(store.load_collection(store.CATALOG_PATH))
    return filters.filter_projects(gdf, query)


def test_a_link_opens_the_project_and_the_view(site):
    browser, url = site
    shown = _shown(filters.Query(sectors=("交通",)))
    at = places.at_place_points(shown)  # a marker of its own, or a place's badge
    points = at[mapview.drawable(at) & (at.geometry.geom_type == "Point")]
    row = points.iloc[0]
    lat, lng = round(row.geometry.y, 5), round(row.geometry.x, 5)
    # The view is centred on the project (a selected project outside the view is panned to).
    link = f"{url}/?" + urllib.parse.urlencode(
        {"sector": "交通", "p": row["id"], "v": f"{lat},{lng},14"}
    )
    page = open_page(browser, link, viewport={"width": 1400, "height": 1000})
    frame = map_frame(page)
    expect(page.get_by_role("listitem").filter(has_text=f"编号：{row['id']}")).to_be_visible(
        timeout=WAIT_MS
    )
    assert frame.evaluate("window.map.getZoom()") == 14
    centre = frame.evaluate("[window.map.getCenter().lat, window.map.getCenter().lng]")
    assert centre == pytest.approx([lat, lng], abs=1e-3)
    count = len(_shown(filters.Query(sectors=("交通",))))
    expect(page.get_by_text(f"显示 {count} /").first).to_be_visible()
    assert page.errors == []


def test_bad_values_are_ignored_and_the_rest_is_kept(site):
    browser, url = site
    link = f"{url}/?" + urllib.parse.urlencode(
        {"sector": "交通", "p": "没有这个项目", "v": "abc", "s": "产业"}
    )
    page = open_page(browser, link, viewport={"width": 1400, "height": 1000})
    frame = map_frame(page)
    expect(page.get_by_text("链接中的项目编号“没有这个项目”不在项目库中，已忽略。")).to_be_visible(
        timeout=WAIT_MS
    )
    expect(page.get_by_text("链接中的地图位置“abc”无效")).to_be_visible()
    expect(page.get_by_text("链接中的参数“s”无法识别，已忽略。")).to_be_visible()  # a typo of a key
    count = len(_shown(filters.Query(sectors=("交通",))))
    expect(page.get_by_text(f"显示 {count} /").first).to_be_visible()  # the filter still holds
    assert frame.evaluate("window.map.getZoom()") == 11  # the default view
    page.wait_for_function("!new URL(location.href).searchParams.has('v')")
    params = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    assert params["sector"] == ["交通"] and "p" not in params and "s" not in params
    assert page.errors == []


def _remove_status(page, status: str) -> None:
    """Click the × of ``status`` in the sidebar's status filter, as a person does, and wait for
    the page to write the new filter into its URL."""
    box = page.locator('[data-testid="stMultiSelect"]').filter(has_text="状态（截至所选年份）")
    press(page, box.locator(f'[data-tag][aria-label="{status}"] button').first)
    page.wait_for_function(
        "(s) => !(new URL(location.href).searchParams.get('status') || '').includes(s)"
        " && new URL(location.href).searchParams.has('status')",
        arg=status,
        timeout=WAIT_MS,
    )
    settled(page)


def test_the_link_keeps_the_map_view_the_page_rewrote(site):
    """A planner filters, zooms in, filters again (or picks a project): the page writes the new
    filter into the link, and the link still carries the view on screen, so it reopens there.
    Once the page had written a filter, each later rewrite dropped the map's view: the link
    opened on the whole district."""
    browser, url = site
    page = open_page(browser, url, viewport={"width": 1400, "height": 1000})
    frame = map_frame(page)
    _remove_status(page, "规划")  # the page now writes the link
    start = frame.evaluate("window.map.getZoom()")
    press(page, frame.locator(".leaflet-control-zoom-in"))
    frame.wait_for_function("(z) => window.map.getZoom() === z + 1", arg=start, timeout=WAIT_MS)
    page.wait_for_function(
        "(z) => (new URL(location.href).searchParams.get('v') || '').endsWith(',' + (z + 1))",
        arg=start,
        timeout=WAIT_MS,
    )
    _remove_status(page, "前期")  # the page rewrites the link
    view = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query).get("v")
    assert view and mapview.parse_view(view[0])[2] == start + 1, page.url
    lat, lng, zoom = mapview.parse_view(view[0])
    again = open_page(browser, page.url, viewport={"width": 1400, "height": 1000})
    shared = map_frame(again)
    assert shared.evaluate("window.map.getZoom()") == zoom
    centre = shared.evaluate("[window.map.getCenter().lat, window.map.getCenter().lng]")
    assert centre == pytest.approx([lat, lng], abs=1e-3)
    assert page.errors == [] and again.errors == []


def test_a_link_keeps_the_map_coloured_by_progress(site):
    """A map coloured by 进度预警 and shared opened coloured by status, with the status legend:
    the link did not say what the map was coloured by."""
    browser, url = site
    page = open_page(browser, url, viewport={"width": 1400, "height": 1000})
    map_frame(page)
    choice = page.locator('[data-testid="stRadio"]').filter(has_text="地图着色")
    press(page, choice.get_by_text("进度预警", exact=True))
    page.wait_for_function(
        "() => new URL(location.href).searchParams.get('colour') === 'progress'", timeout=WAIT_MS
    )
    settled(page)
    again = open_page(browser, page.url, viewport={"width": 1400, "height": 1000})
    frame = map_frame(again)
    legend = frame.locator('.sp-legend [data-sp-key="progress"]')
    expect(legend).to_be_visible(timeout=WAIT_MS)
    expect(frame.locator('.sp-legend [data-sp-key="status"]')).to_be_hidden()
    shared = again.locator('[data-testid="stRadio"]').filter(has_text="地图着色")
    expect(shared.get_by_role("radio", name="进度预警")).to_be_checked()
    assert page.errors == [] and again.errors == []


#: Own point markers hidden in a cluster now, with the zoom from which each stands alone
#: (markercluster's deepest cluster of it, plus one).
_CLUSTERED_JS = """() => { const sp = window.__sp, out = [];
  sp.parts.forEach((p, i) => { const l = p.layers[0];
    if (p.marker && p.layers.length === 1 && sp.cluster.hasLayer(l) && !l._icon)
      out.push([sp.ids[i], l.__parent._zoom + 1]); });
  return out; }"""

#: Where project ``id``'s marker is on screen (frame pixels) when it is drawn by itself inside
#: the map and is what a click there reaches; else null.
_MARKER_JS = """(id) => { const sp = window.__sp, l = sp.parts[sp.index(id)].layers[0];
  if (!l._icon || !window.map.getBounds().contains(l.getLatLng())) return null;
  const p = window.map.latLngToContainerPoint(l.getLatLng());
  const el = document.elementFromPoint(p.x, p.y);
  if (!(el === l._icon || l._icon.contains(el))) return null;
  const r = l._icon.getBoundingClientRect();
  return {x: p.x, y: p.y, w: r.width}; }"""


def _dark_pixels(page, at: dict) -> int:
    """How many near-black pixels the map shows in the marker's box at ``at`` (frame pixels):
    a chosen marker is drawn with a black ring, the others in their status colour."""
    from PIL import Image

    png = page.locator(IFRAME).screenshot()
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    half = int(at["w"] / 2) + 1
    x, y = round(at["x"]), round(at["y"])
    box = image[y - half : y + half + 1, x - half : x + half + 1]
    return int((box.max(axis=2) < 40).sum())


def _clustered_point(browser, url: str) -> str:
    """A project drawn as one point that the opening view hides in a cluster, and that stands
    alone a few zooms deeper."""
    page = open_page(browser, url, viewport={"width": 1600, "height": 1000})
    frame = map_frame(page)
    found = [pid for pid, z in frame.evaluate(_CLUSTERED_JS) if 13 <= z <= 16]
    page.context.close()
    assert found
    return found[0]


@pytest.mark.parametrize("width,height", [(1600, 1000), (400, 800)])
def test_a_link_to_a_project_shows_it_on_the_map(site, width, height):
    """A shared link names a project (``p``) and no view: the map opened on the whole district
    with that project hidden in a cluster, and only a project chosen later was zoomed to. Now
    the map shows it as a choice on the page does: drawn by itself, ringed in black, with its
    details; a link that also gives the view (``v``) keeps that view."""
    browser, url = site
    pid = _clustered_point(browser, url)
    page = open_page(browser, f"{url}/?p={pid}", viewport={"width": width, "height": height})
    frame = map_frame(page)
    item = page.get_by_role("listitem").filter(has_text=f"编号：{pid}")
    expect(item.first).to_be_attached(timeout=WAIT_MS)
    at = frame.wait_for_function(_MARKER_JS, arg=pid, timeout=30_000).json_value()
    assert frame.evaluate("(id) => window.__sp.projectStyle(id).selected", pid)
    page.wait_for_timeout(300)  # the marker's new look is painted
    assert _dark_pixels(page, at) >= 12
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"link_project_{width}.png"))
    # the view the map moved to is the link's now: opened again, it is the same
    page.wait_for_function("() => new URL(location.href).searchParams.has('v')")
    assert urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)["p"] == [pid]
    page.context.close()

    # With a view, the link's view stays (the project, chosen, may stay in its cluster).
    opened = open_page(browser, url, viewport={"width": width, "height": height})
    start = map_frame(opened)
    frame_view = start.evaluate(
        "() => { const c = window.map.getCenter(); return [c.lat, c.lng, window.map.getZoom()]; }"
    )
    opened.context.close()
    view = f"{frame_view[0]:.5f},{frame_view[1]:.5f},{frame_view[2]}"
    page = open_page(
        browser, f"{url}/?p={pid}&v={view}", viewport={"width": width, "height": height}
    )
    frame = map_frame(page)
    expect(page.get_by_role("listitem").filter(has_text=f"编号：{pid}").first).to_be_attached(
        timeout=WAIT_MS
    )
    frame.wait_for_function("(id) => window.__sp.projectStyle(id).selected", arg=pid)
    settled(page)
    assert frame.evaluate("() => window.map.getZoom()") == frame_view[2]
    centre = frame.evaluate("[window.map.getCenter().lat, window.map.getCenter().lng]")
    assert centre == pytest.approx(frame_view[:2], abs=1e-4)
    assert frame.evaluate(_MARKER_JS, pid) is None  # still inside its cluster
    assert urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)["v"] == [view]
    assert page.errors == []
