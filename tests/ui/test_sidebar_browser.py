"""The sidebar's filters in the real app in Chromium, across a staff save that moves the catalog's
year span (the 年份范围 slider's bounds)."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.helpers import (
    WAIT_MS,
    app_in_browser,
    log_in,
    map_frame,
    open_page,
    press,
    save_edit,
    select_project,
    settled,
    sidebar,
    staff_files,
)

pytestmark = pytest.mark.browser

EDITOR, PASSWORD = "zhou", "年份-test-2026"
#: The project whose end year alone sets the catalog's last year in this test.
PID, NAME = "SPB-0374", "磁器口水上码头"


def test_a_save_that_shortens_the_year_span_keeps_the_page_working(tmp_path):
    """Staff shorten the one project that ran to 2040: the catalog's span now ends in 2027 while
    the slider the browser holds still says 2040. The page stopped with Streamlit's English
    「StreamlitValueAboveMaxError: The value 2040 is greater than the max_value 2027」 instead
    of showing the saved project; now the slider follows the span and the page goes on."""
    made = staff_files(tmp_path, EDITOR, PASSWORD)
    coll = json.loads(made["catalog"].read_text("utf-8"))
    (feature,) = [f for f in coll["features"] if f["properties"]["id"] == PID]
    feature["properties"]["end_year"] = 2040
    made["catalog"].write_text(json.dumps(coll, ensure_ascii=False), "utf-8")
    with app_in_browser(made["catalog"], made["users"]) as (browser, url):
        page = open_page(browser, url, viewport={"width": 1600, "height": 1000})
        map_frame(page)
        side = sidebar(page)
        slider = side.locator('[data-testid="stSlider"]').filter(has_text="年份范围")
        end = slider.locator('input[aria-label="年份范围 — 止"]')
        expect(end).to_have_value("2040", timeout=WAIT_MS)
        log_in(page, EDITOR, PASSWORD)
        select_project(page, NAME)
        press(page, side.get_by_role("button", name="修改此项目…"))
        expect(page.get_by_role("dialog")).to_be_visible(timeout=WAIT_MS)
        save_edit(page, "浏览器测试：缩短结束年", texts={"结束年": "2026"})
        expect(side.get_by_text(re.compile(f"^已保存「{NAME}」"))).to_be_visible(timeout=WAIT_MS)
        settled(page)
        expect(page.locator('[data-testid="stException"]')).to_have_count(0)
        expect(end).to_have_attribute("max", "2027", timeout=WAIT_MS)
        expect(end).to_have_value("2027")
        years = page.get_by_role("listitem").filter(has_text=re.compile("^年份：2021–2026"))
        expect(years).to_be_visible(timeout=WAIT_MS)
        assert page.errors == []
