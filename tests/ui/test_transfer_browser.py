"""The transfer panel in the real app, in headless Chromium: a file is built when asked for,
downloads open in GDAL, an upload is previewed and saved once with history.

Skips when Chromium is absent, unless SHAPINGBA_REQUIRE_BROWSER=1 (CI), where that is a failure.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyogrio
import pytest
from playwright.sync_api import expect
from pyproj import CRS

from projects import clock, store
from projects.store import users
from tests.geo.exchange.test_export import EXPORTED, built_collection
from tests.helpers import WAIT_MS, app_in_browser, open_page, press, settled

PASSWORD = "browser-import-pass"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("transfer")
    catalog = folder / "projects.geojson"
    catalog.write_text(json.dumps(built_collection(), ensure_ascii=False), "utf-8")
    accounts = folder / "users.json"
    users.add_user("wang", PASSWORD, accounts, rounds=4)
    return {"catalog": catalog, "users": accounts, "folder": folder}


@pytest.fixture(scope="module")
def page(files):
    with app_in_browser(files["catalog"], files["users"]) as (browser, url):
        options = {"viewport": {"width": 1400, "height": 1600}, "accept_downloads": True}
        page = open_page(browser, url, **options)
        expect(page.get_by_role("button", name="生成 GeoJSON")).to_be_visible(timeout=WAIT_MS)
        yield page


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``label``; wait until the box shows it."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    # A run still going (a first page adds the table below the map in a second run) redraws the
    # box and closes its list under the click; a person sees the page settle first.
    settled(page)
    box.click()
    page.get_by_role("option", name=option).first.click()
    chosen = re.compile(re.escape(option))
    expect(box.get_by_role("combobox")).to_have_value(chosen, timeout=WAIT_MS)


def _build(page, label: str, filename: str) -> None:
    """Click the 生成文件 button ``label``; wait for the download of ``filename`` to be offered."""
    expect(page.get_by_role("button", name=re.compile("^下载 "))).to_have_count(0, timeout=WAIT_MS)
    press(page, page.get_by_role("button", name=label))
    expect(page.get_by_text(f"文件：{filename}")).to_be_visible(timeout=WAIT_MS)
    # 下载 takes the place of 生成: the run of the click drew both, and both stayed until the
    # next rerun, so a person saw two buttons for one file.
    settled(page)
    assert page.get_by_role("button", name=re.compile("^生成 ")).count() == 0


def _download(page, tmp_path: Path, label: str) -> Path:
    with page.expect_download(timeout=WAIT_MS) as info:
        page.get_by_role("button", name=label).click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return path


def test_geojson_and_gauss_kruger_geopackage_download_from_the_page(page, tmp_path):
    n = len(EXPORTED)
    _build(
        page,
        f"生成 GeoJSON（RFC 7946） 文件（{n} 个项目）",
        f"沙坪坝项目_筛选_EPSG4326_{clock.today():%Y%m%d}.geojson",
    )
    path = _download(page, tmp_path, f"下载 GeoJSON（RFC 7946）（{len(EXPORTED)} 个项目）")
    assert path.name == f"沙坪坝项目_筛选_EPSG4326_{clock.today():%Y%m%d}.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert "crs" not in doc and len(doc["features"]) == len(EXPORTED)
    assert doc["metadata"]["scope"]["kind"] == "filter"

    _choose(page, "格式", "GeoPackage")
    build = page.get_by_role("button", name=f"生成 GeoPackage 文件（{n} 个项目）")
    expect(build).to_be_visible(timeout=WAIT_MS)  # the GeoJSON file is no longer offered
    _choose(page, "坐标系", "中央经线105°E")
    _build(
        page,
        f"生成 GeoPackage 文件（{n} 个项目）",
        f"沙坪坝项目_筛选_EPSG4544_{clock.today():%Y%m%d}.gpkg",
    )
    path = _download(page, tmp_path, f"下载 GeoPackage（{len(EXPORTED)} 个项目）")
    assert path.name == f"沙坪坝项目_筛选_EPSG4544_{clock.today():%Y%m%d}.gpkg"
    layers = {str(n) for n, _ in pyogrio.list_layers(path)}
    assert {"projects_point", "projects_line", "projects_polygon", "projects_unplaced"} <= layers
    names = set()
    for layer in layers:
        if layer.startswith("projects_"):
            names |= set(pyogrio.read_dataframe(path, layer=layer)["name"])
    assert names == {f["properties"]["name"] for f in EXPORTED}
    crs = pyogrio.read_info(path, layer="projects_point")["crs"]
    assert CRS.from_user_input(crs).to_epsg() == 4544
    assert not page.errors


def test_staff_upload_is_previewed_then_saved_once(page, files):
    page.get_by_label("用户名").fill("wang")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("button", name="导入文件…").click()
    expect(page.get_by_text("上传文件（不超过 20 MB）")).to_be_visible(timeout=WAIT_MS)
    upload = files["folder"] / "edits.csv"
    upload.write_text(
        "id,名称,领域,状态\nt-point,西永综保区 二期,开放平台,建成\n,浏览器导入的新项目,社会民生,规划\n",
        encoding="gbk",
    )
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(upload))
    expect(page.get_by_text("新增 1 个，修改 1 个，无变化 0 个")).to_be_visible(timeout=WAIT_MS)
    # A table without geometry: nothing was chosen and no position changes, and it says so.
    expect(page.get_by_text("edits.csv：编码 GBK，文件没有几何，位置不变。")).to_be_visible()
    assert store.history_path(files["catalog"]).exists() is False
    # The new project's 原值 reads （空）, as in the edit history, not a blank cell.
    grid = page.get_by_role("dialog").locator('[data-testid="stDataFrame"]')
    empty = grid.locator("[role=gridcell]").filter(has_text=re.compile("^（空）$"))
    expect(empty.first).to_be_attached(timeout=WAIT_MS)
    page.get_by_role("button", name="确认导入（一次保存，记入修改历史）").click()
    expect(page.get_by_text("已导入 edits.csv")).to_have_text(
        "已导入 edits.csv：新增 1 个，修改 1 个。", timeout=WAIT_MS
    )
    by_name = {f["properties"]["name"]: f["properties"] for f in store.load(files["catalog"])}
    assert by_name["西永综保区 二期"]["status"] == "建成"
    assert by_name["浏览器导入的新项目"]["sector"] == "社会民生"
    batches = store.history_path(files["catalog"]).read_text(encoding="utf-8").splitlines()
    assert len(batches) == 1 and json.loads(batches[0])["by"] == "wang"
    assert not page.errors


def test_a_stale_import_is_refused_in_words_on_screen(page, files, monkeypatch):
    """A colleague saves two of the file's projects between the preview and 确认导入: the page
    names both and what they changed in words, and says nothing was saved."""
    if not page.get_by_role("button", name="导入文件…").count():
        page.get_by_label("用户名").fill("wang")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
    # The import before closed its dialog in a rerun; a person waits for the page to settle
    # before opening it again, or the closing dialog's uploader is still on screen beside the new.
    settled(page)
    page.get_by_role("button", name="导入文件…").click()
    settled(page)
    upload = files["folder"] / "stale.csv"
    upload.write_text(
        "id,名称,备注\nt-point,西永综保区 二期,浏览器备注\nt-line,轨道交通27号线（沙坪坝段）,浏览器备注\n",
        encoding="utf-8",
    )
    uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    expect(uploader).to_have_count(1, timeout=WAIT_MS)
    uploader.set_input_files(str(upload))
    expect(page.get_by_text("新增 0 个，修改 2 个")).to_be_visible(timeout=WAIT_MS)
    monkeypatch.setenv("SHAPINGBA_USERS", str(files["users"]))  # the colleague's own server
    users.add_user("li", PASSWORD, rounds=4)
    li = users.authenticate("li", PASSWORD)
    for pid, changes in (("t-point", {"investment": 12000.0}), ("t-line", {"status": "前期"})):
        version = store.get(pid, files["catalog"])["properties"]["version"]
        store.save(li, pid, changes, expected_version=version, path=files["catalog"])
    before = store.load(files["catalog"])
    page.get_by_role("button", name="确认导入（一次保存，记入修改历史）").click()
    alert = page.get_by_role("dialog").locator('[data-testid="stAlertContentError"]')
    expect(alert).to_contain_text(
        "导入未保存：预览之后，其他人修改了文件中的 2 个项目：", timeout=WAIT_MS
    )
    expect(alert).to_contain_text("投资：（空） → 1.2 亿元")
    expect(alert).to_contain_text("状态：")
    expect(alert).to_contain_text("请重新导出这些项目")
    assert "12000" not in alert.inner_text()
    assert store.load(files["catalog"]) == before
    assert not page.errors
