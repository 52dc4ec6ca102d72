"""「导出地图」 in headless Chromium on a copy of the real catalog: the downloaded list is named in
Chinese like the data exports, and pypdf reads every filtered project in it, over several pages.

Skips when Chromium is absent, unless SHAPINGBA_REQUIRE_BROWSER=1 (CI), where that is a failure.
"""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from projects import clock, store
from projects.sources import ROOT
from tests.helpers import IFRAME, WAIT_MS, app_in_browser, map_frame, open_page, press, settled

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "tests" / "artifacts"


def test_printed_list_downloads_with_a_chinese_name(tmp_path):
    catalog = tmp_path / "projects.geojson"
    shutil.copyfile(store.CATALOG_PATH, catalog)
    with app_in_browser(catalog) as (browser, url):
        page = open_page(browser, url, viewport={"width": 1600, "height": 1000})
        map_frame(page)
        side = page.locator('[data-testid="stSidebar"]')
        press(page, side.get_by_text("项目清单 PDF", exact=True))
        press(page, side.get_by_role("button", name=re.compile("^生成项目清单 PDF")))
        offer = side.get_by_role("button", name="下载项目清单 PDF")
        expect(offer).to_be_visible(timeout=WAIT_MS)
        _only_the_offer(page, side)
        with page.expect_download(timeout=WAIT_MS) as info:
            press(page, offer)
        name = info.value.suggested_filename
        assert name == f"沙坪坝项目清单_A4横向_{clock.today():%Y%m%d}.pdf"
        path = tmp_path / name
        info.value.save_as(path)
        pages = PdfReader(path).pages
        assert len(pages) > 1
        assert f"第 {len(pages)} / {len(pages)} 页" in pages[-1].extract_text()
        assert page.errors == []


def _only_the_offer(page, side) -> None:
    """下载 takes the place of 生成: the run of the click drew both, and both stayed on screen
    until the next rerun, so a person saw two buttons for one file. The press first hands
    over the map's bounds (a run of its own), so the 生成 that run drew may be on screen for a
    moment after the offer shows: it must go without anything else being done."""
    settled(page)
    # The print panel's buttons (the export panel's read 「生成 GeoJSON…」, with a space).
    build = side.get_by_role("button", name=re.compile("^生成(地图|项目清单)"))
    expect(build).to_have_count(0, timeout=10_000)
    assert side.get_by_role("button", name=re.compile("^下载(地图|项目清单)")).count() == 1


def _download(page, side, tmp_path, name: str) -> bytes:
    press(page, side.get_by_role("button", name=re.compile("^生成地图 PNG 图片")))
    offer = side.get_by_role("button", name="下载地图 PNG 图片")
    expect(offer).to_be_visible(timeout=WAIT_MS)
    _only_the_offer(page, side)
    with page.expect_download(timeout=WAIT_MS) as info:
        press(page, offer)
    path = tmp_path / name
    info.value.save_as(path)
    return path.read_bytes()


def test_the_current_view_is_the_view_the_map_shows_when_printing(tmp_path):
    """Zoomed in with the mouse wheel after the page opened (the server heard nothing of it),
    「当前地图范围」 prints that view, not the whole district."""
    catalog = tmp_path / "projects.geojson"
    shutil.copyfile(store.CATALOG_PATH, catalog)
    with app_in_browser(catalog) as (browser, url):
        page = open_page(browser, url, viewport={"width": 1600, "height": 1000})
        map_frame(page)
        side = page.locator('[data-testid="stSidebar"]')
        press(page, side.get_by_text("地图 PNG 图片", exact=True))
        expect(side.get_by_role("button", name=re.compile("^生成地图 PNG 图片"))).to_be_visible(
            timeout=WAIT_MS
        )
        box = page.locator(IFRAME).bounding_box()
        page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.6)
        page.mouse.wheel(0, -100)
        page.wait_for_function("() => /[?&]v=[^&]*%2C1[2-9]/.test(location.search)")
        view = re.search(r"[?&]v=([^&]*)", page.url).group(1).replace("%2C", ",")
        lat, lng, _ = view.split(",")

        viewed = _download(page, side, tmp_path, "view.png")
        caption = side.get_by_text(re.compile("^按点击“生成”时屏幕上地图显示的范围出图（最近读到"))
        expect(caption).to_be_visible(timeout=WAIT_MS)
        west, south, east, north = _said(caption.text_content())
        assert west < float(lng) < east and south < float(lat) < north
        press(page, side.get_by_text("全区", exact=True))
        whole = _download(page, side, tmp_path, "district.png")
        assert viewed != whole
        assert page.errors == []


#: A box in the words the page and the prints use (「东经 a°–b°，北纬 c°–d°」).
EXTENT = re.compile(r"东经 ([\d.]+)°–([\d.]+)°，北纬 ([\d.]+)°–([\d.]+)°")


def _said(text: str) -> tuple[float, float, float, float]:
    """(west, south, east, north) as ``text`` says them."""
    found = EXTENT.search(text.replace("\n", ""))
    assert found, text
    west, east, south, north = (float(v) for v in found.groups())
    return west, south, east, north


#: The box of the map the screen shows: the map frame's corners on the page, as the map places
#: them (Leaflet's own conversion of a screen point), west, south, east, north.
SCREEN_JS = """([w, h]) => { const nw = map.containerPointToLatLng([0, 0]),
  se = map.containerPointToLatLng([w, h]); return [nw.lng, se.lat, se.lng, nw.lat]; }"""


def _frames(printed, screen, tolerance: float = 0.03) -> None:
    """``printed`` (a frame's west, south, east, north) holds ``screen`` and fits it along one
    axis within ``tolerance`` of its span: the frame is the screen, widened along the other
    axis to the paper's shape (and centred on it). The sheet's north (EPSG:4544's) turns 0.7°
    from the screen's here, so the frame holding the screen is some 2 % larger along the side
    it fits."""
    fits = []
    for low, high in ((0, 2), (1, 3)):
        span = screen[high] - screen[low]
        assert printed[low] <= screen[low] + tolerance * span, (printed, screen)
        assert printed[high] >= screen[high] - tolerance * span, (printed, screen)
        middle = (printed[low] + printed[high]) / 2 - (screen[low] + screen[high]) / 2
        assert abs(middle) <= tolerance * span, (printed, screen)
        fits.append((printed[high] - printed[low]) / span <= 1 + 2 * tolerance)
    assert any(fits), (printed, screen)


@pytest.mark.parametrize(
    "width, height, link",
    [(1600, 1000, ""), (400, 800, "?v=29.59800,106.45200,15")],
)
def test_the_print_frames_what_the_screen_shows(tmp_path, width, height, link):
    """At 1600 px the map is zoomed with the wheel and dragged with the mouse; on a 400 px phone
    it opens from a link at zoom 15 and is dragged. The printed PDF's frame (as the panel and
    the sheet say it) is the map on the screen, widened along one side to the paper's shape: it
    was a 900 px square around the map's centre, four times the phone's screen."""
    catalog = tmp_path / "projects.geojson"
    shutil.copyfile(store.CATALOG_PATH, catalog)
    with app_in_browser(catalog) as (browser, url):
        page = open_page(browser, url + link, viewport={"width": width, "height": height})
        frame = map_frame(page)
        box = page.locator(IFRAME).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        assert box["y"] >= 0 and box["y"] + box["height"] <= height  # all of it on screen
        before = page.url
        x, y = box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.5
        page.mouse.move(x, y)
        if not link:
            page.mouse.wheel(0, -100)
            page.wait_for_function("() => /[?&]v=[^&]*%2C1[2-9]/.test(location.search)")
        page.mouse.down()
        page.mouse.move(x - box["width"] * 0.2, y + box["height"] * 0.15, steps=8)
        page.mouse.up()
        page.wait_for_function(
            "(b) => location.href !== b && /[?&]v=/.test(location.search)", arg=before
        )
        page.wait_for_timeout(500)
        screen = frame.evaluate(SCREEN_JS, [box["width"], box["height"]])

        if width < 600:  # the phone's sidebar opens from the button above the map
            press(page, page.locator('[data-testid="stExpandSidebarButton"]'))
        side = page.locator('[data-testid="stSidebar"]')
        press(page, side.get_by_role("button", name=re.compile("^生成地图 PDF")))
        offer = side.get_by_role("button", name="下载地图 PDF")
        expect(offer).to_be_visible(timeout=WAIT_MS)
        settled(page)
        read = side.get_by_text(re.compile("^按点击“生成”时屏幕上地图显示的范围出图（最近读到"))
        assert _said(read.text_content()) == pytest.approx(screen, abs=1.5e-5)
        built = side.get_by_text(re.compile("^本次出图的图框范围"))
        printed = _said(built.text_content())
        _frames(printed, screen)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"print_panel_{width}.png"))
        with page.expect_download(timeout=WAIT_MS) as info:
            press(page, offer)
        path = tmp_path / f"view_{width}.pdf"
        info.value.save_as(path)
        sheet = PdfReader(path).pages[0].extract_text()
        assert _said(sheet) == printed
        assert page.errors == []
