"""Staff editing in the real app, in headless Chromium: an editor made with the command line logs
in through the sidebar, changes a project's status and sees the map, the details and the history
follow; a viewer in another browser session sees the new status and no edit controls.

Runs against a temporary copy of the committed catalog and a temporary account file.
Skips when Chromium is absent, unless SHAPINGBA_REQUIRE_BROWSER=1 (CI), where that is a failure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Browser, expect

from geo import mapview
from projects import store, vocab
from projects.sources import ROOT
from projects.store import users
from tests.helpers import (
    WAIT_MS,
    app_in_browser,
    listed_projects,
    log_in,
    map_frame,
    save_edit,
    select_project,
    sidebar,
    staff_files,
    status_item,
    visit,
)
from ui import tables
from ui.edit import change_table

ARTIFACTS = ROOT / "tests" / "artifacts"
EDITOR, PASSWORD = "zhao", "磁器口-edit-2026"
OLD, NEW = "在建", "建成"
#: Notes longer than any table column is wide, with ASCII punctuation the page must show as typed.
NOTES = (
    "2026-12 竣工验收：主线桥梁、匝道及排水管网全部完成（含二期配套）；"
    "沿线绿化与路灯由街道接管，交通标志标线已按设计复核，遗留问题清单见区住建委 3 号函。"
)
#: What only a logged-in editor may see in the sidebar.
EDIT_CONTROLS = ["保存", "取消", "删除此项目（可恢复）", "退出登录"]
#: The main project table's rendered cell texts (the grid draws them on a canvas and mirrors
#: them in accessible cells), in order.
TABLE_CELLS_JS = """() => {
  const grid = document.querySelector('[data-testid="stMain"] [data-testid="stDataFrame"]');
  return grid ? [...grid.querySelectorAll('[role="gridcell"]')].map(c => c.innerText) : []; }"""

pytestmark = pytest.mark.browser


#: What of the history dialog's change tables does not fit: any element whose content is wider
#: or taller than its box (clipped or scrolled), or a table reaching outside the dialog.
CLIPPED_JS = """(dialog) => {
  const out = [], box = dialog.getBoundingClientRect();
  for (const t of dialog.querySelectorAll('[data-testid="stTable"]')) {
    const r = t.getBoundingClientRect();
    if (r.left < box.left - 1 || r.right > box.right + 1) out.push('table outside the dialog');
    for (const el of [t, ...t.querySelectorAll('*')]) {
      if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) {
        out.push(el.tagName + ': ' + el.innerText.slice(0, 40));
      }
    }
  }
  return out; }"""


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """A copy of the committed catalog (no history yet) and an account made by the CLI."""
    folder = tmp_path_factory.mktemp("edit")
    made = staff_files(folder, EDITOR, PASSWORD)
    catalog, accounts = made["catalog"], made["users"]
    assert users.list_users(accounts) == [EDITOR]
    return {"catalog": catalog, "users": accounts}


@pytest.fixture(scope="module")
def target(files) -> dict[str, str]:
    """A project of the real catalog drawn by its own geometry (沙滨路, a line) and shown as
    在建, with a name no other has."""
    shown = listed_projects(files["catalog"])
    unique = ~shown["name"].duplicated(keep=False)
    ok = (
        mapview.drawable(shown) & unique & (shown["status"] == OLD) & (shown["status_shown"] == OLD)
    )
    assert ok.any(), "the committed catalog has no drawn project under construction"
    row = shown[ok].iloc[0]
    return {"id": str(row["id"]), "name": str(row["name"])}


@pytest.fixture(scope="module")
def site(files) -> Iterator[tuple[Browser, str]]:
    """Chromium, and the app's URL on the test's catalog and accounts."""
    with app_in_browser(files["catalog"], files["users"]) as site:
        yield site


def _map_colour(page, pid: str, status: str) -> dict:
    """What the map draws for ``pid`` once it is the selected project drawn as ``status``: its
    status index and fill colour, and the selection. The map applies a rerun's project state
    after the page around it has shown that rerun, so this waits for the map to catch up."""
    frame = map_frame(page)
    frame.wait_for_function(
        """([pid, c]) => { const s = window.__sp.projectStyle(pid);
          return s !== null && s.selected && s.status === c; }""",
        arg=[pid, vocab.ALL_STATUSES.index(status)],
        timeout=WAIT_MS,
    )
    return frame.evaluate("(pid) => window.__sp.projectStyle(pid)", pid)


def _assert_no_edit_controls(page) -> None:
    side = sidebar(page)
    # What a visitor does see first, so that the absences below are of a drawn sidebar.
    notice = side.get_by_text("查看无需登录；修改项目需要编辑账号。")
    expect(notice).to_have_count(1, timeout=WAIT_MS)
    expect(side.locator('[data-testid="stForm"]')).to_have_count(1, timeout=WAIT_MS)  # login form
    for label in EDIT_CONTROLS:
        assert side.get_by_role("button", name=label, exact=True).count() == 0, label
    assert side.get_by_text(re.compile(r"^修改项目")).count() == 0
    assert side.get_by_label("修改原因（记入修改记录）").count() == 0
    assert side.locator('[data-testid="stFileUploader"]').count() == 0


def _assert_table_marks_missing_values(page, catalog: Path) -> None:
    """The project table's first rows read as the table frame, a gap as an empty cell (the grid
    draws ``tables.MISSING`` there, on its canvas), never as the text "None"."""
    first = tables.table_frame(listed_projects(catalog)).head(4)
    assert first.isna().to_numpy().any(), "the first rows of the real catalog have no gaps"
    expected = [["" if pd.isna(v) else str(v) for v in row] for row in first.itertuples(False)]
    grid = page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    # Wait until the grid has filled its first rows, then compare them exactly.
    page.wait_for_function(
        f"([n, first]) => ({TABLE_CELLS_JS})().length >= n && ({TABLE_CELLS_JS})()[0] === first",
        arg=[first.size, str(first.iloc[0, 0])],
        timeout=WAIT_MS,
    )
    texts = grid.locator('[role="gridcell"]').all_inner_texts()
    width = first.shape[1]
    assert [texts[i * width : (i + 1) * width] for i in range(len(first))] == expected
    assert not {"None", "<NA>", "nan"} & set(texts)


def test_editor_changes_a_status_and_map_details_history_follow(site, files, target):
    (browser, server), name, pid = site, target["name"], target["id"]
    page = visit(browser, server)
    _assert_table_marks_missing_values(page, files["catalog"])
    select_project(page, name)
    expect(status_item(page, OLD)).to_be_visible(timeout=WAIT_MS)
    # Not logged in: the project is shown, but nothing in the sidebar can change it.
    _assert_no_edit_controls(page)
    before = _map_colour(page, pid, OLD)
    assert before["on"] and before["selected"]
    assert before["status"] == vocab.ALL_STATUSES.index(OLD)

    side = sidebar(page)
    log_in(page, EDITOR, PASSWORD)
    # The map zoomed in by the user (the + button), before editing.
    frame = map_frame(page)
    zoom = frame.evaluate("window.map.getZoom()") + 2
    for _ in range(2):
        frame.locator(".leaflet-control-zoom-in").click()
        page.wait_for_timeout(400)  # the zoom animation
    frame.wait_for_function(f"window.map.getZoom() === {zoom}")
    page.wait_for_function(
        f"(new URL(location.href).searchParams.get('v') || '').endsWith(',{zoom}')"
    )
    view = frame.evaluate("[window.map.getCenter().lat, window.map.getCenter().lng]")
    # The form opens in a dialog over the main area, for the selected project.
    side.get_by_role("button", name="修改此项目…").click()
    dialog = page.get_by_role("dialog")
    heading = dialog.get_by_text(re.compile(f"^修改项目 {re.escape(pid)}（版本 1）"))
    expect(heading).to_be_visible(timeout=WAIT_MS)
    form = dialog.locator('[data-testid="stForm"]').filter(has_text="修改原因（记入修改记录）")
    assert form.bounding_box()["width"] > 600  # room to work, not a 250 px sidebar

    save_edit(page, "浏览器测试：已竣工", status=NEW, texts={"备注": NOTES})
    saved_note = side.get_by_text(f"已保存「{name}」：状态：{OLD} → {NEW}")
    expect(saved_note).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_role("dialog")).to_have_count(0, timeout=WAIT_MS)
    # The map kept its zoom and centre through the save.
    frame = map_frame(page)
    assert frame.evaluate("window.map.getZoom()") == zoom
    after_view = frame.evaluate("[window.map.getCenter().lat, window.map.getCenter().lng]")
    assert after_view == pytest.approx(view, abs=1e-4)

    # Saved once, by this editor, with the reason typed.
    saved = store.get(pid, files["catalog"])["properties"]
    assert saved["status"] == NEW and saved["updated_by"] == EDITOR and saved["version"] == 2
    assert saved["notes"] == NOTES
    [entry] = store.history(pid, files["catalog"])
    assert entry["by"] == EDITOR and entry["changes"]["status"] == [OLD, NEW]
    assert entry["reason"] == "浏览器测试：已竣工"

    # The details and the map show the new status (as the page computes what it colours by).
    shown = listed_projects(files["catalog"]).set_index("id").loc[pid, "status_shown"]
    assert shown == NEW
    expect(status_item(page, NEW)).to_be_visible(timeout=WAIT_MS)
    after = _map_colour(page, pid, NEW)
    assert after["on"] and after["selected"]
    assert after["status"] == vocab.ALL_STATUSES.index(NEW)
    assert after["fill"].lower() == vocab.STATUS_COLOURS[NEW].lower() != before["fill"].lower()

    _assert_history_shows_the_edit_whole(page, entry)
    assert page.errors == []

    # Another browser session, not logged in: sees the new status, still cannot edit.
    viewer = visit(browser, server)
    select_project(viewer, name)
    expect(status_item(viewer, NEW)).to_be_visible(timeout=WAIT_MS)
    _assert_no_edit_controls(viewer)
    assert _map_colour(viewer, pid, NEW)["status"] == vocab.ALL_STATUSES.index(NEW)
    assert viewer.errors == []


def _assert_history_shows_the_edit_whole(page, entry: dict) -> None:
    """The dialog's history tab shows who saved, every changed field before and after in words,
    and why; every cell is read whole, on a desktop and on a phone (no clipped or scrolled
    text, no table wider than the dialog)."""
    sidebar(page).get_by_role("button", name="修改此项目…").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("tab", name="修改记录").click()
    expect(dialog.get_by_text("修改记录（1 次）")).to_be_visible(timeout=WAIT_MS)
    # The long notes read whole, in a box that holds them (not cut to 40 characters, nor to a
    # column's width).
    notes = dialog.locator("[role=tabpanel]:visible").get_by_text(NOTES, exact=True)
    expect(notes).to_be_visible()
    fits = "el => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight"
    assert notes.evaluate(fits)
    expect(dialog.get_by_text(re.compile(rf"^版本 2 · .* · {EDITOR} · 修改$"))).to_be_visible()
    expect(dialog.get_by_text("原因：浏览器测试：已竣工", exact=True)).to_be_visible()
    table = dialog.locator('[data-testid="stTable"]')
    expect(table).to_have_count(1)
    rows = [row.locator("th, td").all_inner_texts() for row in table.locator("tbody tr").all()]
    # What the page renders is what the history holds, with no field left out or shortened.
    assert rows == change_table(entry["changes"]).to_numpy().tolist()
    assert [OLD, NEW] in [r[1:] for r in rows if r[0] == "状态"]
    [notes_row] = [r for r in rows if r[0] == "备注"]
    assert notes_row[2] == NOTES
    assert not any(re.search(r"[A-Za-z]{3,}|…", " ".join(r)) for r in rows)  # no codes, no cuts
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1600, 1000), (400, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(500)  # the dialog's layout follows the window
        table.scroll_into_view_if_needed()
        assert dialog.evaluate(CLIPPED_JS) == [], width
        if width > 1000:  # full width of the dialog's content
            assert (
                table.bounding_box()["width"]
                > 0.9 * dialog.locator("[role=tabpanel]:visible").bounding_box()["width"]
            )
        page.screenshot(path=str(ARTIFACTS / f"browser_edit_history_{width}.png"))
    page.set_viewport_size({"width": 1400, "height": 1800})
