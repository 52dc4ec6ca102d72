"""Two app servers on one PostGIS database behind nginx (``make run-cluster``): a save through one
server is seen by the other, and the proxy keeps each browser on one server.

Runs on the test cluster's database (tests/conftest.py) with a copy of the committed catalog
migrated in. Needs nginx and Chromium: skips without them, unless CI requires them (then fails).
"""

from __future__ import annotations

import os
import threading
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from projects import store
from projects.store.postgis import watch
from projects.store.postgis.migrate import migrate
from tests.helpers import (
    WAIT_MS,
    chromium,
    listed_projects,
    log_in,
    map_frame,
    open_page,
    require_browser,
    save_edit,
    select_project,
    sidebar,
    staff_files,
    status_item,
    visit,
)
from ui.cluster import serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EDITOR, PASSWORD = "sun", "双服务器-edit-2026"
OLD, NEW = "在建", "建成"


@pytest.fixture(scope="module")
def stack(postgres_cluster, tmp_path_factory):
    """The database with the committed catalog, two app servers and nginx in front."""
    require_browser()
    if not serve.NGINX.exists():
        if os.environ.get("SHAPINGBA_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"nginx missing at {serve.NGINX} but SHAPINGBA_REQUIRE_POSTGRES=1")
        pytest.skip(f"nginx not found at {serve.NGINX} (apt-get install nginx)")
    from projects.store.postgis.tables import connect

    connect(postgres_cluster).execute("TRUNCATE projects, batches, entries")
    folder = tmp_path_factory.mktemp("cluster")
    accounts = staff_files(folder, EDITOR, PASSWORD)["users"]
    migrate(store.CATALOG_PATH, postgres_cluster)
    env = {"SHAPINGBA_USERS": str(accounts)}
    with serve.running(folder, database=postgres_cluster, env=env) as running:
        yield running


def _get(url: str, cookie: str | None = None) -> tuple[str, str | None]:
    """(the app server that answered, the route cookie the proxy set, if any)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as r:
        set_cookie = r.headers.get("Set-Cookie")
        return r.headers["X-Shapingba-Server"], set_cookie.split(";")[0] if set_cookie else None


def test_the_proxy_keeps_a_browser_on_one_server_and_spreads_browsers(stack):
    server, cookie = _get(stack.proxy + "/")
    assert cookie and cookie.startswith("shapingba_route=")
    assert {_get(stack.proxy + "/", cookie) for _ in range(5)} == {(server, None)}
    first_servers = {_get(stack.proxy + "/")[0] for _ in range(30)}
    assert first_servers == {u.removeprefix("http://") for u in stack.apps}


def test_a_save_on_one_server_is_seen_on_the_other(stack):
    shown = listed_projects(store.CATALOG_PATH)
    ok = (shown["status"] == OLD) & (shown["status_shown"] == OLD)
    ok &= ~shown["name"].duplicated(keep=False) & shown["name"].str.len().between(4, 30)
    row = shown[ok].iloc[0]
    pid, name = str(row["id"]), str(row["name"])
    heard = threading.Event()
    stop = watch(stack.database, lambda p: heard.set() if pid in (p.get("ids") or []) else None)
    with chromium() as browser:
        viewer = visit(browser, stack.apps[1])
        select_project(viewer, name)
        expect(status_item(viewer, OLD)).to_be_visible(timeout=WAIT_MS)

        editor = visit(browser, stack.apps[0])
        select_project(editor, name)
        log_in(editor, EDITOR, PASSWORD)
        side = sidebar(editor)
        side.get_by_role("button", name="修改此项目…").click()  # the form opens in a dialog
        save_edit(editor, "双服务器测试", status=NEW)
        expect(side.get_by_text(f"已保存「{name}」")).to_be_visible(timeout=WAIT_MS)
        saved_at = time.monotonic()
        assert heard.wait(2), "no notification of the save within 2 s"
        stop()

        # The viewer's next rerun on the other server shows the new status.
        search = sidebar(viewer).get_by_label("搜索名称或别名")
        search.fill(name[:-1])
        search.press("Enter")
        expect(status_item(viewer, NEW)).to_be_visible(timeout=WAIT_MS)
        print(f"seen on the other server {time.monotonic() - saved_at:.2f} s after the save")
        assert store.get(pid, stack.database)["properties"]["updated_by"] == EDITOR
        assert viewer.errors == [] and editor.errors == []

        # And a browser through the proxy gets the whole app, websocket included.
        page = open_page(browser, stack.proxy)
        map_frame(page)
        assert page.errors == []
