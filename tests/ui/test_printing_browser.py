"""「导出地图」 in headless Chromium on a copy of the real catalog: the downloaded list is named in
Chinese like the data exports, and pypdf reads it as one page.

Skips when Chromium is absent, unless SHAPINGBA_REQUIRE_BROWSER=1 (CI), where that is a failure.
"""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from projects import clock, store
from tests.helpers import WAIT_MS, app_in_browser, map_frame, open_page

pytestmark = pytest.mark.browser


def test_printed_list_downloads_with_a_chinese_name(tmp_path):
    catalog = tmp_path / "projects.geojson"
    shutil.copyfile(store.CATALOG_PATH, catalog)
    with app_in_browser(catalog) as (browser, url):
        page = open_page(browser, url, viewport={"width": 1600, "height": 1000})
        map_frame(page)
        side = page.locator('[data-testid="stSidebar"]')
        side.get_by_text("项目清单 PDF", exact=True).click()
        build = side.get_by_role("button", name=re.compile("^生成项目清单 PDF"))
        build.click()
        offer = side.get_by_role("button", name="下载项目清单 PDF")
        expect(offer).to_be_visible(timeout=WAIT_MS)
        with page.expect_download(timeout=WAIT_MS) as info:
            offer.click()
        name = info.value.suggested_filename
        assert name == f"沙坪坝项目清单_A4横向_{clock.today():%Y%m%d}.pdf"
        path = tmp_path / name
        info.value.save_as(path)
        assert len(PdfReader(path).pages) == 1
        assert page.errors == []
