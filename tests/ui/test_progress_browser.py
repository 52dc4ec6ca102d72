"""In Chromium: the progress filter from a link, the 地图着色 switch recolours the map in place,
and the details pane of a linked project shows its warning and the rule."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from projects.progress import PROGRESS_COLOURS, progress_of
from projects.sources import ROOT
from tests.helpers import app_in_browser, map_frame, open_page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("catalog") / "projects.geojson"
    shutil.copy(ROOT / "data" / "projects.geojson", path)
    return path


def test_progress_link_colour_switch_and_details(catalog):
    features = json.loads(catalog.read_text("utf-8"))["features"]
    late = next(
        f["properties"]["id"]
        for f in features
        if f["properties"]["precision"] == "area"
        and f["properties"]["zone"] in ("东", "中", "西")
        and progress_of(f["properties"])[0] == "滞后"
    )
    with app_in_browser(catalog) as (browser, url):
        page = open_page(browser, f"{url}/?progress=滞后", viewport={"width": 1600, "height": 1200})
        frame = map_frame(page)
        page.get_by_text("显示 ").first.wait_for()
        style = frame.evaluate(f"window.__sp.projectStyle({json.dumps(late)})")
        assert style["on"] and style["fill"] != PROGRESS_COLOURS["滞后"]  # coloured by status
        # The legend shows the key the map is coloured by, and only that one.
        legend = frame.locator(".sp-legend")
        expect(legend.get_by_text("状态（截至所选年份）")).to_be_visible()
        expect(legend.get_by_text("进度预警（截至所选年份）")).to_be_hidden()
        page.locator("[data-testid=stRadio]").get_by_text("进度预警", exact=True).click()
        frame.wait_for_function(
            f"window.__sp.projectStyle({json.dumps(late)}).fill === "
            f"{json.dumps(PROGRESS_COLOURS['滞后'])}"
        )
        expect(legend.get_by_text("进度预警（截至所选年份）")).to_be_visible()
        expect(legend.get_by_text("状态（截至所选年份）")).to_be_hidden()
        page.screenshot(path=str(ROOT / "tests" / "artifacts" / "progress_legend_1600.png"))
        # a link selecting it opens its details with the warning and the rule
        other = open_page(browser, f"{url}/?p={late}", viewport={"width": 1600, "height": 1200})
        other.get_by_text("滞后：计划").first.wait_for()
        other.get_by_text("计划结束年已过", exact=False).first.wait_for()
        assert not other.errors, other.errors
        assert not page.errors, page.errors
