"""In Chromium: a person moves the 「状态截至」 slider with the keyboard; the map recolours a
project to its status of that year, the count and the caption change, and the link keeps it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from geo.places import representative_point
from projects import clock, vocab
from projects.progress import status_on
from projects.sources import ROOT
from tests.helpers import app_in_browser, map_frame, open_page

pytestmark = pytest.mark.browser

YEAR = 2021
#: Where the screenshots go (for a person to look at; the test does not compare them).
SHOTS = ROOT / "tests" / "artifacts"


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> Path:
    """The real catalog, where one project whose status in 2021 differs from today's has a
    point of its own (as staff place one): no own geometry of the real catalog changes status,
    and a place's badge has no status colour to change."""
    path = tmp_path_factory.mktemp("catalog") / "projects.geojson"
    data = json.loads((ROOT / "data" / "projects.geojson").read_text("utf-8"))
    feature = next(
        f
        for f in data["features"]
        if f["properties"]["zone"] in vocab.ZONES
        and representative_point(f["properties"]["place_id"]) is not None
        and (then := status_on(f["properties"]["status_history"], YEAR, ""))
        and then != f["properties"]["status"]
    )
    at = representative_point(feature["properties"]["place_id"])
    feature["geometry"] = {"type": "Point", "coordinates": [at.x, at.y]}
    feature["properties"].update(
        precision="manual", place_id=None, geo_method="manual", geo_basis="测试：工作人员标绘"
    )
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def count(page) -> int:
    text = page.get_by_text(re.compile(r"显示 \d+ / \d+ 个项目")).first.inner_text()
    return int(re.search(r"显示 (\d+) /", text).group(1))


def test_the_as_of_slider_by_keyboard_recolours_the_map(catalog):
    features = json.loads(catalog.read_text("utf-8"))["features"]
    # a project drawn by its own geometry whose status in 2021 differs from today's
    then_status, props = next(
        (then, f["properties"])
        for f in features
        if f["geometry"] is not None
        and f["properties"]["zone"] in vocab.ZONES
        and (then := status_on(f["properties"]["status_history"], YEAR, ""))
        and then != f["properties"]["status"]
    )
    pid = json.dumps(props["id"])
    with app_in_browser(catalog) as (browser, url):
        page = open_page(browser, url, viewport={"width": 1600, "height": 1200})
        frame = map_frame(page)
        page.get_by_text("显示各项目的当前状态").first.wait_for()
        before = count(page)
        assert (
            frame.evaluate(f"window.__sp.projectStyle({pid}).fill")
            == (vocab.STATUS_COLOURS[props["status"]])
        )
        # click the slider's thumb where it is drawn, then step back a year at a time
        box = page.locator("[data-testid=stSlider]").filter(has_text="状态截至")
        value = box.locator("input[type=range]")  # react-aria's hidden input inside the thumb
        b = value.locator("xpath=../..").bounding_box()
        page.mouse.click(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
        for _ in range(clock.today().year - YEAR):
            page.keyboard.press("ArrowLeft")
        page.get_by_text(f"截至 {YEAR} 年底的状态与进度预警").first.wait_for()
        assert value.get_attribute("value") == str(YEAR)
        frame.wait_for_function(
            f"window.__sp.projectStyle({pid}).fill === "
            f"{json.dumps(vocab.STATUS_COLOURS[then_status])}"
        )
        page.wait_for_function(
            f"!document.body.innerText.includes('显示 {before} /')"
        )  # fewer projects: those first named after 2021 are hidden
        assert count(page) < before
        page.wait_for_url(re.compile(rf"asof={YEAR}"))
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "as_of_1600.png"), full_page=True)
        assert not page.errors, page.errors
        # the link opens at that year, on a phone too
        phone = open_page(browser, page.url, viewport={"width": 400, "height": 860})
        map_frame(phone)
        phone.screenshot(path=str(SHOTS / "as_of_400.png"), full_page=True)
        assert not phone.errors, phone.errors
