"""The map with no tiles at all still has geography to read it by (issue 10): neighbouring
districts, 嘉陵江, 镇街 names, metro stations and lines, the zones; each can be switched off.

Checked on a screenshot of the map (the river's blue and the neighbours' grey are really
painted), and by switching the river off in the layer control with the mouse.
Skips when Chromium is absent, unless SHAPINGBA_REQUIRE_BROWSER=1 (CI), where that is a failure.
"""

from __future__ import annotations

import io
import shutil

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from geo.context import context_layers
from projects import store
from projects.sources import ROOT
from tests.helpers import IFRAME, WAIT_MS, app_in_browser, map_frame, open_page, press

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "tests" / "artifacts"
RIVER = (0x4A, 0x90, 0xD9)
#: The neighbours' fill (#efefef at 0.6) over the map's empty background (#dddddd): 231 grey.
NEIGHBOUR = (231, 231, 231)


def _pixels_like(png: bytes, rgb: tuple[int, int, int], tolerance: int = 24) -> int:
    """How many pixels of the screenshot are within ``tolerance`` of colour ``rgb``."""
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    return int((np.abs(image - np.array(rgb)).max(axis=2) <= tolerance).sum())


def test_context_layers_are_drawn_without_tiles_and_can_be_switched_off(tmp_path):
    shipped = context_layers()
    assert len(shipped["neighbours"]) == 6 and shipped["river"] and shipped["stations"]
    assert len(shipped["towns"]) >= 20 and shipped["lines"]
    path = tmp_path / "projects.geojson"
    shutil.copyfile(store.catalog_path(), path)
    with app_in_browser(path) as (browser, url):
        page = open_page(browser, url, viewport={"width": 1600, "height": 1100})
        frame = map_frame(page)
        # No tile layer at all: everything below is the app's own data.
        assert (
            frame.evaluate(
                "() => { let n = 0; window.map.eachLayer(l => { if (l instanceof L.TileLayer) n++; });"
                " return n; }"
            )
            == 0
        )
        counts = frame.evaluate(
            """() => Object.fromEntries(Object.entries(window.__spContext).map(
                 ([k, g]) => [k, window.map.hasLayer(g) ? g.getLayers().length : 0]))"""
        )
        assert counts["neighbours"] >= 12 and counts["river"] >= 1
        assert counts["towns"] >= 20 and counts["metro"] >= len(shipped["stations"])
        expect(frame.get_by_text("璧山区", exact=True)).to_be_visible(timeout=WAIT_MS)
        expect(frame.get_by_text("西永街道", exact=True)).to_be_visible(timeout=WAIT_MS)
        shot = page.query_selector(IFRAME).screenshot()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "browser_context_layers.png").write_bytes(shot)
        river_on = _pixels_like(shot, RIVER)
        assert river_on > 100 and _pixels_like(shot, NEIGHBOUR, 2) > 20000

        # Switch the river off in the layer control, as a user would.
        control = frame.locator(".leaflet-control-layers")
        control.hover()
        box = frame.locator(".leaflet-control-layers-overlays label").filter(has_text="嘉陵江")
        expect(box).to_be_visible(timeout=WAIT_MS)
        box.locator("input").click()
        frame.wait_for_function("() => !window.map.hasLayer(window.__spContext.river)")
        page.mouse.move(5, 5)
        shot = page.query_selector(IFRAME).screenshot()
        assert _pixels_like(shot, RIVER) < river_on / 2
        assert page.errors == []


def test_the_legend_lists_the_zones_only_while_they_are_drawn(tmp_path):
    """Switched off in the layer control, the zones leave the map, and 片区（示意） the legend."""
    path = tmp_path / "projects.geojson"
    shutil.copyfile(store.catalog_path(), path)
    with app_in_browser(path) as (browser, url):
        page = open_page(browser, url, viewport={"width": 1600, "height": 1000})
        frame = map_frame(page)
        heading = frame.locator(".sp-legend").get_by_text("片区（示意）", exact=True)
        expect(heading).to_be_visible(timeout=WAIT_MS)
        expect(frame.locator(".sp-legend").get_by_text("东部人文母城")).to_be_visible()

        def switch() -> None:
            toggle = frame.locator(".leaflet-control-layers-toggle").bounding_box()
            page.mouse.move(toggle["x"] + toggle["width"] / 2, toggle["y"] + toggle["height"] / 2)
            box = frame.locator(".leaflet-control-layers-overlays label").filter(
                has_text="东中西分区（示意）"
            )
            expect(box).to_be_visible(timeout=WAIT_MS)
            press(page, box.locator("input"))
            page.mouse.move(5, 5)

        switch()
        frame.wait_for_function("() => !window.map.hasLayer(window.__spZoneLayer)")
        expect(heading).to_be_hidden(timeout=WAIT_MS)
        expect(frame.locator(".sp-legend").get_by_text("东部人文母城")).to_be_hidden()
        expect(frame.locator(".sp-legend").get_by_text("聚合：数字为项目数")).to_be_visible()
        page.query_selector(IFRAME).screenshot(path=str(tmp_path / "zones_off.png"))

        switch()
        expect(heading).to_be_visible(timeout=WAIT_MS)
        assert page.errors == []
