"""Taking in a new report in the real app, in headless Chromium: an editor uploads the made-up
2026 report (.docx), accepts some rows, rejects others, applies, and sees the map and the details
change; then undoes the batch.

Runs against a temporary copy of the committed catalog and a temporary account file.
Skips when Chromium is absent, unless SHAPINGBA_REQUIRE_BROWSER=1 (CI), where that is a failure.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from geo import mapview
from projects import filters, store, vocab
from projects.sources import ROOT
from projects.store import users
from tests import report_2026 as report
from tests.helpers import WAIT_MS, app_in_browser, map_frame, open_page

ARTIFACTS = ROOT / "tests" / "artifacts"
EDITOR, PASSWORD = "qian", "沙坪坝-intake-2026"
#: The row staff reject (a plan's 开工建设 they want to check first) and the new project they
#: reject (not yet sure of its name).
REJECTED, REJECTED_NEW = "凤凰山文化公园", "西永智能网联汽车测试基地"
#: The new project checked in the details (and on the map where it is drawn).
NEW_NAME = "歌乐山森林康养中心"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("intake")
    catalog = folder / "projects.geojson"
    shutil.copyfile(store.CATALOG_PATH, catalog)
    accounts = folder / "users.json"
    users.add_user(EDITOR, PASSWORD, path=accounts, rounds=4)
    upload = folder / "2026年政府工作报告.docx"
    upload.write_bytes(report.docx_bytes())
    return {"catalog": catalog, "users": accounts, "upload": upload}


@pytest.fixture(scope="module")
def site(files) -> Iterator[tuple[Browser, str]]:
    with app_in_browser(files["catalog"], files["users"]) as site:
        yield site


@pytest.fixture(scope="module")
def watched(files) -> str:
    """A project the review finishes that the map draws (its change is checked there)."""
    gdf = filters.catalog_frame(store.load_collection(files["catalog"]))
    drawn = set(gdf.loc[mapview.on_map(gdf), "name"])  # a marker or a place's badge
    names = [n for n in report.FINISHED if n in drawn]
    assert names, "none of the projects the made-up report finishes is drawn on the map"
    return names[0]


def _record(catalog: Path, name: str) -> dict:
    return next(
        f["properties"]
        for f in store.load(catalog, include_deleted=False)
        if f["properties"]["name"] == name
    )


def _select_project(page, name: str) -> None:
    side = page.locator('[data-testid="stSidebar"]')
    search = side.get_by_label("搜索名称或别名")
    search.fill(name)
    search.press("Enter")
    box = side.locator('[data-testid="stSelectbox"]').filter(has_text="定位项目")
    box.click()
    page.keyboard.type(name)
    page.get_by_role("option", name=name, exact=True).click()
    expect(page.get_by_role("listitem").filter(has_text=f"名称：{name}").first).to_be_visible(
        timeout=WAIT_MS
    )


def _map_state(page, pid: str, status: str) -> dict:
    """What the map draws for ``pid`` once it is selected and coloured as ``status``."""
    frame = map_frame(page)
    frame.wait_for_function(
        """([pid, c]) => { const s = window.__sp.projectStyle(pid);
          return s !== null && s.selected && s.status === c; }""",
        arg=[pid, vocab.ALL_STATUSES.index(status)],
        timeout=WAIT_MS,
    )
    return frame.evaluate("(pid) => window.__sp.projectStyle(pid)", pid)


def _drawn(catalog: Path) -> set[str]:
    gdf = filters.catalog_frame(store.load_collection(catalog))
    return set(gdf.loc[mapview.on_map(gdf), "id"])


def test_staff_upload_review_apply_and_see_the_map_and_details_change(site, files, watched):
    browser, url = site
    catalog = files["catalog"]
    before = {n: _record(catalog, n) for n in [watched, REJECTED, *report.STARTED]}
    page = open_page(browser, url, viewport={"width": 1600, "height": 2400})
    side = page.locator('[data-testid="stSidebar"]')
    expect(side.get_by_role("button", name="登录")).to_be_visible(timeout=WAIT_MS)
    # a viewer sees no intake panel
    assert page.get_by_role("button", name="收录新文件…").count() == 0
    side.get_by_label("用户名").fill(EDITOR)
    side.get_by_label("密码").fill(PASSWORD)
    side.get_by_role("button", name="登录").click()
    expect(side.get_by_text(f"已登录：{EDITOR}")).to_be_visible(timeout=WAIT_MS)

    page.get_by_role("button", name="收录新文件…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("收录新文件：政府工作报告或规划", timeout=WAIT_MS)
    dialog.locator('input[type="file"]').set_input_files(str(files["upload"]))
    form = dialog.locator('[data-testid="stForm"]').filter(has_text="应用已采纳的建议")
    expect(form).to_be_visible(timeout=WAIT_MS)

    def row(name: str):
        """The bordered block of one review row (the innermost block with its name and box)."""
        blocks = form.locator('[data-testid="stVerticalBlock"]')
        return (
            blocks.filter(has_text=re.compile(f"】{name}"))
            .filter(has=page.get_by_role("checkbox"))
            .last
        )

    watched_row = row(watched)
    cue, status = report.FINISHED[watched]
    expect(watched_row).to_contain_text(cue, timeout=WAIT_MS)  # the source line beside it
    expect(watched_row).to_contain_text(f"在建 → {status}")
    expect(watched_row).to_contain_text("原文第")
    expect(row(NEW_NAME)).to_contain_text("新项目")
    # the proposed zone and what it rests on, for staff to check before applying
    expect(row(NEW_NAME)).to_contain_text("片区：中（依据：几何：位置（片区级）落在中）")
    expect(row(REJECTED_NEW)).to_contain_text("片区：西（依据：几何：位置（片区级）落在西）")
    page.screenshot(path=str(ARTIFACTS / "intake-review-1600.png"))
    row(REJECTED_NEW).scroll_into_view_if_needed()  # the new projects' rows, with their zones
    page.screenshot(path=str(ARTIFACTS / "intake-review-new-1600.png"))
    page.set_viewport_size({"width": 400, "height": 2400})
    form.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "intake-review-400.png"))
    row(REJECTED_NEW).scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "intake-review-new-400.png"))
    page.set_viewport_size({"width": 1600, "height": 2400})
    # reject one update and one new project; accept the rest as proposed
    for name in (REJECTED, REJECTED_NEW):
        box = row(name).get_by_role("checkbox", name="采纳")
        expect(box).to_be_checked()
        row(name).get_by_text("采纳", exact=True).click()
        expect(box).not_to_be_checked()
    form.get_by_role("button", name="应用已采纳的建议").click()
    flash = page.get_by_text(re.compile(r"^已采纳《沙坪坝区人民政府工作报告》"))
    expect(flash).to_be_visible(timeout=WAIT_MS)

    # the store: accepted rows applied, rejected ones not
    assert _record(catalog, watched)["status"] == report.FINISHED[watched][1]
    assert _record(catalog, REJECTED) == before[REJECTED]
    created = _record(catalog, NEW_NAME)
    assert created["status"] == report.NEW[NEW_NAME]
    names = {f["properties"]["name"] for f in store.load(catalog, include_deleted=False)}
    assert REJECTED_NEW not in names
    # the details and the map show the change, with the filters as they were: two new projects
    # change the counts of 产业, 中 and 西, and no choice may drop out for it.
    live = len(store.load(catalog, include_deleted=False))
    shown = page.get_by_text(re.compile(f"^显示 \\d+ / {live} 个项目$")).first
    expect(shown).to_be_visible(timeout=WAIT_MS)
    _select_project(page, watched)
    status_line = page.get_by_role("listitem").filter(
        has_text=re.compile(f"^状态：{report.FINISHED[watched][1]}$")
    )
    expect(status_line).to_be_visible(timeout=WAIT_MS)
    pid = before[watched]["id"]
    state = _map_state(page, pid, report.FINISHED[watched][1])
    assert state["on"]
    assert state["fill"].lower() == vocab.STATUS_COLOURS[report.FINISHED[watched][1]].lower()
    cited = page.get_by_text(re.compile("文件 doc-.*第 \\d+ 行")).first
    expect(cited).to_be_visible(timeout=WAIT_MS)
    _select_project(page, NEW_NAME)
    expect(page.get_by_role("listitem").filter(has_text=f"状态：{report.NEW[NEW_NAME]}").first)\
        .to_be_visible(timeout=WAIT_MS)  # fmt: skip
    if created["id"] in _drawn(catalog):
        assert _map_state(page, created["id"], report.NEW[NEW_NAME])["on"]
    page.screenshot(path=str(ARTIFACTS / "intake-applied-1600.png"), full_page=True)
    page.set_viewport_size({"width": 400, "height": 2400})
    page.screenshot(path=str(ARTIFACTS / "intake-applied-400.png"), full_page=True)
    page.set_viewport_size({"width": 1600, "height": 2400})

    # undo the batch from the dialog
    page.get_by_role("button", name="收录新文件…").click()
    page.get_by_role("dialog").get_by_role("button", name="撤销这批").click()
    expect(page.get_by_text("已撤销《沙坪坝区人民政府工作报告》的这批采纳。")).to_be_visible(
        timeout=WAIT_MS
    )
    assert _record(catalog, watched)["status"] == before[watched]["status"]
    names = {f["properties"]["name"] for f in store.load(catalog, include_deleted=False)}
    assert NEW_NAME not in names
    assert page.errors == []
