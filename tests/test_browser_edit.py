"""Staff editing in the real app, in headless Chromium: an editor made with the command line logs
in through the sidebar, changes a project's status and sees the map, the details and the history
follow; a viewer in another browser session sees the new status and no edit controls.

Runs against a temporary copy of the committed catalog and a temporary account file.
Skips when Chromium is absent, unless SHAPINGBA_REQUIRE_BROWSER=1 (CI), where that is a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from geo import assets, mapview
from projects import filters, store, users, vocab
from ui import tables

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
EDITOR, PASSWORD = "zhao", "磁器口-edit-2026"
OLD, NEW = "在建", "建成"
#: What only a logged-in editor may see in the sidebar.
EDIT_CONTROLS = ["保存", "取消", "删除此项目（可恢复）", "退出登录"]

pytestmark = pytest.mark.browser


def _require_browser() -> None:
    if CHROMIUM.exists():
        return
    reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("SHAPINGBA_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + " but SHAPINGBA_REQUIRE_BROWSER=1")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _shown(catalog: Path) -> pd.DataFrame:
    """The projects the page lists by default, with the status it colours them by."""
    gdf = filters.catalog_frame(store.load_collection(catalog))
    return filters.filter_projects(gdf, filters.Query())


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """A copy of the committed catalog (no history yet) and an account made by the CLI."""
    folder = tmp_path_factory.mktemp("edit")
    catalog = folder / "projects.geojson"
    shutil.copyfile(store.CATALOG_PATH, catalog)
    accounts = folder / "users.json"
    done = subprocess.run(
        [sys.executable, "-m", "projects.users", "add", EDITOR, "--password-stdin"],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "SHAPINGBA_USERS": str(accounts)},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert users.list_users(accounts) == [EDITOR]
    return {"catalog": catalog, "users": accounts}


@pytest.fixture(scope="module")
def target(files) -> dict[str, str]:
    """A drawn point project of the real catalog shown as 在建, with a name no other has."""
    shown = _shown(files["catalog"])
    unique = ~shown["name"].duplicated(keep=False)
    ok = (
        mapview.drawable(shown)
        & unique
        & (shown["status"] == OLD)
        & (shown["status_shown"] == OLD)
        & (shown.geometry.geom_type == "Point")
    )
    assert ok.any(), "the committed catalog has no drawn point project under construction"
    row = shown[ok].iloc[0]
    return {"id": str(row["id"]), "name": str(row["name"])}


@pytest.fixture(scope="module")
def server(files) -> Iterator[str]:
    _require_browser()
    if not (assets.VENDOR / "leaflet" / "leaflet.js").exists():
        assets.copy_assets()
    port = _free_port()
    env = {
        **os.environ,
        "SHAPINGBA_CATALOG": str(files["catalog"]),
        "SHAPINGBA_USERS": str(files["users"]),
    }
    streamlit = Path(sys.executable).with_name("streamlit")
    cmd = [str(streamlit), "run", "app.py", "--server.port", str(port)]
    cmd += ["--server.headless", "true", "--server.address", "127.0.0.1"]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("streamlit did not answer its health check")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def _open(browser, url: str):
    """A new browser session (its own Streamlit session: nobody logged in) on the page."""
    page = browser.new_context(viewport={"width": 1400, "height": 1800}).new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url)
    page.get_by_role("button", name="登录").wait_for(timeout=60_000)
    return page


def _sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


def _select_project(page, name: str) -> None:
    """Pick ``name`` in the sidebar's 定位项目 box, as a user would (type, then choose)."""
    box = _sidebar(page).locator('[data-testid="stSelectbox"]').filter(has_text="定位项目")
    box.click()
    page.keyboard.type(name)
    page.get_by_role("option", name=name, exact=True).click()
    page.get_by_role("listitem").filter(has_text=f"名称：{name}").first.wait_for(timeout=60_000)


def _status_item(page, status: str):
    """The details panel's 状态 line showing exactly ``status``."""
    return page.get_by_role("listitem").filter(has_text=re.compile(f"^状态：{status}$"))


def _map_colour(page, pid: str) -> dict:
    """What the map draws for ``pid``: its status index and fill colour, and the selection."""
    frame = page.query_selector(IFRAME).content_frame()
    frame.wait_for_function("window.__sp && window.__sp.applied >= 1", timeout=60_000)
    return frame.evaluate(
        """(pid) => { const sp = window.__sp, i = sp.ids.indexOf(pid), l = sp.layers[i];
          return {on: l._spOn, status: l._spC, fill: l.options.fillColor,
                  selected: sp.selected === i}; }""",
        pid,
    )


def _assert_no_edit_controls(page) -> None:
    side = _sidebar(page)
    for label in EDIT_CONTROLS:
        assert side.get_by_role("button", name=label, exact=True).count() == 0, label
    assert side.get_by_text(re.compile(r"^修改项目")).count() == 0
    assert side.locator('[data-testid="stForm"]').count() == 1  # the login form alone
    assert side.get_by_label("修改原因（记入修改记录）").count() == 0
    assert side.locator('[data-testid="stFileUploader"]').count() == 0
    assert side.get_by_text("查看无需登录；修改项目需要编辑账号。").count() == 1


def _assert_table_marks_missing_values(page, catalog: Path) -> None:
    """The project table's first rows read as the table frame, a gap as an empty cell (the grid
    draws ``tables.MISSING`` there, on its canvas), never as the text "None"."""
    first = tables.table_frame(_shown(catalog)).head(4)
    assert first.isna().to_numpy().any(), "the first rows of the real catalog have no gaps"
    expected = [["" if pd.isna(v) else str(v) for v in row] for row in first.itertuples(False)]
    grid = page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    cells = grid.locator('[role="gridcell"]')
    cells.filter(has_text=first.iloc[0, 0]).first.wait_for(state="attached", timeout=30_000)
    texts = cells.all_inner_texts()
    width = first.shape[1]
    assert [texts[i * width : (i + 1) * width] for i in range(len(first))] == expected
    assert not {"None", "<NA>", "nan"} & set(texts)


def test_editor_changes_a_status_and_map_details_history_follow(browser, server, files, target):
    name, pid = target["name"], target["id"]
    page = _open(browser, server)
    _select_project(page, name)
    _status_item(page, OLD).wait_for(timeout=30_000)
    # Not logged in: the project is shown, but nothing in the sidebar can change it.
    _assert_no_edit_controls(page)
    _assert_table_marks_missing_values(page, files["catalog"])
    before = _map_colour(page, pid)
    assert before["on"] and before["selected"]
    assert before["status"] == vocab.ALL_STATUSES.index(OLD)

    side = _sidebar(page)
    side.get_by_label("用户名").fill(EDITOR)
    side.get_by_label("密码").fill(PASSWORD)
    side.get_by_role("button", name="登录").click()
    side.get_by_text(f"已登录：{EDITOR}").wait_for(timeout=60_000)
    # The form is for the selected project.
    side.get_by_text(re.compile(f"^修改项目 {re.escape(pid)}（版本 1）")).wait_for(timeout=60_000)
    form = side.locator('[data-testid="stForm"]').filter(has_text="修改原因（记入修改记录）")

    form.locator('[data-testid="stSelectbox"]').filter(has_text="状态").first.click()
    page.get_by_role("option", name=NEW, exact=True).click()
    form.get_by_label("修改原因（记入修改记录）").fill("浏览器测试：已竣工")
    form.get_by_role("button", name="保存").click()
    side.get_by_text(f"已保存「{name}」：状态：{OLD} → {NEW}").wait_for(timeout=60_000)

    # Saved once, by this editor, with the reason typed.
    saved = store.get(pid, files["catalog"])["properties"]
    assert saved["status"] == NEW and saved["updated_by"] == EDITOR and saved["version"] == 2
    [entry] = store.history(pid, files["catalog"])
    assert entry["by"] == EDITOR and entry["changes"]["status"] == [OLD, NEW]
    assert entry["reason"] == "浏览器测试：已竣工"

    # The details and the map show the new status (as the page computes what it colours by).
    shown = _shown(files["catalog"]).set_index("id").loc[pid, "status_shown"]
    assert shown == NEW
    _status_item(page, NEW).wait_for(timeout=30_000)
    frame = page.query_selector(IFRAME).content_frame()
    frame.wait_for_function(
        f"window.__sp.layers[window.__sp.ids.indexOf({json.dumps(pid)})]._spC === "
        f"{vocab.ALL_STATUSES.index(NEW)}",
        timeout=30_000,
    )
    after = _map_colour(page, pid)
    assert after["on"] and after["selected"]
    assert after["fill"].lower() == vocab.STATUS_COLOURS[NEW].lower() != before["fill"].lower()

    # The history lists the edit: who, what changed, why.
    side.get_by_text("修改记录（1 次）").click()
    history = side.locator('[data-testid="stExpander"]').filter(has_text="修改记录（1 次）")
    grid = history.locator('[data-testid="stDataFrame"]')
    grid.wait_for(timeout=30_000)
    grid.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "browser_edit_saved.png"), full_page=True)
    # The grid's accessible cells cover the visible columns only: open it full screen.
    grid.hover()  # shows the toolbar; the grid's scroller may lie over it, hence the event
    grid.get_by_role("button", name="Fullscreen").dispatch_event("click")
    cells = page.locator('[data-testid="stDataFrame"] [role="gridcell"]')
    for text in (EDITOR, f"状态：{OLD} → {NEW}", "浏览器测试：已竣工"):
        cells.filter(has_text=re.compile(f"^{re.escape(text)}$")).first.wait_for(
            state="attached", timeout=30_000
        )
    page.screenshot(path=str(ARTIFACTS / "browser_edit_history.png"))
    assert page.errors == []

    # Another browser session, not logged in: sees the new status, still cannot edit.
    viewer = _open(browser, server)
    _select_project(viewer, name)
    _status_item(viewer, NEW).wait_for(timeout=30_000)
    _assert_no_edit_controls(viewer)
    assert _map_colour(viewer, pid)["status"] == vocab.ALL_STATUSES.index(NEW)
    assert viewer.errors == []
