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
from tests.helpers import IFRAME, WAIT_MS, app_in_browser, map_frame, open_page, press, settled

pytestmark = pytest.mark.browser


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
    until the next rerun, so a person saw two buttons for one file."""
    settled(page)
    # The print panel's buttons (the export panel's read 「生成 GeoJSON…」, with a space).
    assert side.get_by_role("button", name=re.compile("^生成(地图|项目清单)")).count() == 0
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
        lat, lng, zoom = view.split(",")

        viewed = _download(page, side, tmp_path, "view.png")
        caption = side.get_by_text(re.compile("^按点击“生成”时地图显示的范围出图"))
        expect(caption).to_have_text(
            f"按点击“生成”时地图显示的范围出图（最近读到：中心 {float(lat):.5f}, "
            f"{float(lng):.5f}，第 {zoom} 级）。",
            timeout=WAIT_MS,
        )
        press(page, side.get_by_text("全区", exact=True))
        whole = _download(page, side, tmp_path, "district.png")
        assert viewed != whole
        assert page.errors == []
