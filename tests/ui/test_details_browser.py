"""The details beside the map in headless Chromium: a long record scrolls within the map's height
on a desktop, so the table below the map stays right under it; on a phone it flows with the page.

Skips when Chromium is absent, unless SHAPINGBA_REQUIRE_BROWSER=1 (CI), where that is a failure.
"""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from projects import store
from projects.sources import ROOT
from tests.helpers import IFRAME, WAIT_MS, app_in_browser, map_frame, open_page, settled

ARTIFACTS = ROOT / "tests" / "artifacts"

pytestmark = pytest.mark.browser


def _pick_third_row(page) -> None:
    """Click the table's third row where a person would (its selection box), and wait for it."""
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    row_px = 35  # the grid's header and rows are 35 px high
    page.mouse.click(box["x"] + 15, box["y"] + row_px * 3 + row_px / 2)
    expect(page.get_by_role("listitem").filter(has_text="名称：").first).to_be_visible(
        timeout=WAIT_MS
    )
    page.locator('[data-testid="stMain"]').evaluate("e => e.scrollTo(0, 0)")


def test_long_details_scroll_beside_the_map_and_flow_on_a_phone(tmp_path):
    catalog = tmp_path / "projects.geojson"
    shutil.copyfile(store.CATALOG_PATH, catalog)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with app_in_browser(catalog) as (browser, url):
        page = open_page(browser, url, viewport={"width": 1600, "height": 1000})
        map_frame(page)
        _pick_third_row(page)
        page.screenshot(path=str(ARTIFACTS / "details_desktop.png"))
        panel = page.locator(".st-key-details_panel")
        scroll, height = panel.evaluate("e => [e.scrollHeight, e.clientHeight]")
        assert scroll > height, "a real record is longer than the map: the panel scrolls"
        map_box = page.locator(IFRAME).bounding_box()
        assert panel.bounding_box()["y"] + height <= map_box["y"] + map_box["height"] + 2
        tab = page.get_by_role("tab", name="项目列表").bounding_box()
        assert tab["y"] - (map_box["y"] + map_box["height"]) < 80, "the tabs follow the map"

        page = open_page(browser, url, viewport={"width": 400, "height": 800})
        map_frame(page)
        _pick_third_row(page)
        page.screenshot(path=str(ARTIFACTS / "details_phone.png"), full_page=True)
        panel = page.locator(".st-key-details_panel")
        assert panel.evaluate("e => getComputedStyle(e).overflowY") == "visible"
        assert page.errors == []


def _tap(page, locator) -> None:
    box = locator.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def _choose_from_district_list(page) -> str:
    """Tap the map's 仅知在区内 box, then the second name in its list; the name chosen."""
    frame = map_frame(page)
    _tap(page, frame.locator(".sp-district"))
    name = frame.locator(".sp-list a").nth(1)
    expect(name).to_be_visible(timeout=WAIT_MS)
    page.wait_for_timeout(300)  # the map pans the list clear of its controls
    chosen = name.inner_text()
    _tap(page, name)
    return chosen


def test_a_choice_on_a_phone_map_brings_its_details_into_view(tmp_path):
    """On a phone the details stack below the map, which fills the screen: a project chosen
    on the map (here a district-level one, which the map marks nowhere) changed nothing a person
    could see. The page now scrolls to the details; beside a desktop's map it stays put."""
    catalog = tmp_path / "projects.geojson"
    shutil.copyfile(store.CATALOG_PATH, catalog)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    scrolled = "e => e.scrollTop"
    with app_in_browser(catalog) as (browser, url):
        page = open_page(browser, url, viewport={"width": 400, "height": 800})
        chosen = _choose_from_district_list(page)
        item = page.get_by_role("listitem").filter(has_text=f"名称：{chosen}").first
        expect(item).to_be_in_viewport(timeout=WAIT_MS)
        page.screenshot(path=str(ARTIFACTS / "details_phone_chosen.png"))
        heading = page.get_by_role("heading", name="项目详情").bounding_box()
        opener = page.locator('[data-testid="stExpandSidebarButton"]').bounding_box()
        assert heading["y"] >= opener["y"] + opener["height"], "not under the 筛选 button"
        assert page.errors == []

        page = open_page(browser, url, viewport={"width": 1600, "height": 1000})
        main = page.locator('[data-testid="stMain"]')
        chosen = _choose_from_district_list(page)
        expect(page.get_by_role("listitem").filter(has_text=f"名称：{chosen}").first).to_be_visible(
            timeout=WAIT_MS
        )
        page.wait_for_timeout(1000)
        assert main.evaluate(scrolled) == 0
        assert page.errors == []


def test_a_row_chosen_again_after_a_choice_on_the_map_takes_one_click(tmp_path):
    """A row ticked in the table kept its tick after another project was chosen on the map:
    the table said the wrong project, and a click on that row only took the tick away, so
    choosing it again took two clicks. Chosen elsewhere, the tick goes; one click chooses."""
    catalog = tmp_path / "projects.geojson"
    shutil.copyfile(store.CATALOG_PATH, catalog)
    with app_in_browser(catalog) as (browser, url):
        page = open_page(browser, url, viewport={"width": 1600, "height": 1000})
        map_frame(page)
        _pick_third_row(page)
        first = page.locator(".st-key-details_panel li").first.inner_text()
        assert first.startswith("名称：")
        chosen = _choose_from_district_list(page)
        other = page.get_by_role("listitem").filter(has_text=f"名称：{chosen}").first
        expect(other).to_be_visible(timeout=WAIT_MS)
        settled(page)
        _pick_third_row(page)
        expect(page.get_by_role("listitem").filter(has_text=first).first).to_be_visible(
            timeout=30_000
        )
        assert page.errors == []
