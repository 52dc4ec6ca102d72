"""The export/import sidebar under streamlit.testing: every format downloads from the real page,
built only when asked for, and never offered once the options or the catalog have changed."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pyogrio
import pytest
from streamlit.testing.v1 import AppTest

from geo import exchange as ex
from projects import clock, store
from projects.errors import StaleVersion
from projects.sources import ROOT
from projects.store import users
from tests.geo.exchange.test_export import EXPORTED, built_collection
from tests.helpers import district_outline, run_page, stored_catalog
from tests.projects.store.test_store import feature
from ui import transfer

APP = str(ROOT / "app.py")
PASSWORD = "transfer-test-pass"


@pytest.fixture
def catalog(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "projects.geojson"
    path.write_text(json.dumps(built_collection(), ensure_ascii=False), "utf-8")
    monkeypatch.setenv("SHAPINGBA_CATALOG", str(path))
    monkeypatch.setenv("SHAPINGBA_USERS", str(tmp_path / "users.json"))
    users.add_user("wang", PASSWORD, rounds=4)
    return path


def download_label(at: AppTest) -> str:
    (button,) = at.get("download_button")
    return button.proto.label


def build(at: AppTest) -> ex.Export:
    """Click 生成文件; return the file the download button now serves (kept in the session)."""
    assert not at.get("download_button")
    at.button(key="x_build").click()
    run_page(at)
    assert len(at.get("download_button")) == 1
    return at.session_state["x_built"][1]


def geojson_names(built: ex.Export) -> set[str]:
    doc = json.loads(built.data.decode("utf-8"))
    assert "crs" not in doc
    return {f["properties"]["name"] for f in doc["features"]}


def test_every_format_and_crs_downloads_from_the_page(catalog):
    at = run_page(AppTest.from_file(APP, default_timeout=60))
    at.radio(key="x_scope").set_value("all")
    run_page(at)
    names: set[str] = set()
    for fmt, spec in ex.FORMATS.items():
        at.selectbox(key="x_format").set_value(fmt)
        run_page(at)
        crs_box = at.selectbox(key=f"x_crs_{fmt}")
        assert list(crs_box.options) == [ex.CRSS[c].label for c in spec.crss]
        for crs in spec.crss:
            at.selectbox(key=f"x_crs_{fmt}").set_value(crs)
            run_page(at)
            assert (
                at.button(key="x_build").label
                == f"生成 {spec.label} 文件（{len(EXPORTED)} 个项目）"
            )
            built = build(at)
            assert download_label(at) == f"下载 {spec.label}（{len(EXPORTED)} 个项目）"
            assert built.count == len(EXPORTED)
            code = crs.replace(":", "").replace("-", "")
            assert built.filename.startswith(f"沙坪坝项目_全部_{code}_{clock.today():%Y%m%d}")
            assert built.filename.endswith(spec.extension)
            assert built.filename not in names, "two downloads share a name"
            names.add(built.filename)
            assert any(c.value.replace("\\", "") == f"文件：{built.filename}" for c in at.caption)
            if fmt == "geojson":
                assert geojson_names(built) == {f["properties"]["name"] for f in EXPORTED}
            if crs == ex.GCJ02:
                assert any("GCJ-02 不是标准坐标系" in c.value.replace("\\", "") for c in at.caption)


@pytest.fixture
def real_catalog(tmp_path, monkeypatch) -> Path:
    """The committed catalog (projects placed by a place, so places_ layers) as the page's."""
    path = tmp_path / "projects.geojson"
    shutil.copyfile(store.CATALOG_PATH, path)
    monkeypatch.setenv("SHAPINGBA_CATALOG", str(path))
    return path


def _layer_caption(at: AppTest) -> str:
    """The caption under the options that says what the download holds."""
    shown = [c.value.replace("\\", "") for c in at.caption]
    (text,) = [c for c in shown if "places_point" in c]
    return text


def test_the_panel_says_which_layers_and_files_a_download_holds(real_catalog, tmp_path):
    """The Shapefile caption named neither the places_*.shp the zip carries nor its
    projects_unplaced.dbf, and KML said nothing of its folders: each caption now names every
    layer, file or folder a reader (zipfile, GDAL) finds in the download built from the page."""
    at = run_page(AppTest.from_file(APP, default_timeout=120))
    at.radio(key="x_scope").set_value("all")
    run_page(at)
    at.selectbox(key="x_format").set_value("shp")
    run_page(at)
    text = _layer_caption(at)
    names = zipfile.ZipFile(io.BytesIO(build(at).data)).namelist()
    parts = {n.split(".")[0] for n in names if n.startswith(("projects_", "places_"))}
    assert {"places_point", "places_polygon", "projects_unplaced"} <= parts
    assert all(p in text for p in parts - {"projects_related"}), (parts, text)
    assert "projects_unplaced.dbf" in text and "fields.csv" in text and ".prj" in text
    # GCJ-02: the zip has no .prj, and the caption does not promise one.
    at.selectbox(key="x_crs_shp").set_value(ex.GCJ02)
    run_page(at)
    assert ".prj" not in _layer_caption(at)
    assert not [n for n in zipfile.ZipFile(io.BytesIO(build(at).data)).namelist() if ".prj" in n]

    at.selectbox(key="x_format").set_value("kml")
    run_page(at)
    text = _layer_caption(at)
    path = tmp_path / "download.kml"
    path.write_bytes(build(at).data)
    folders = {str(name) for name in pyogrio.list_layers(path)[:, 0]}
    assert {"projects_point", "projects_unplaced", "places_polygon"} <= folders
    assert all(f in text for f in folders), (folders, text)
    # One table in one file: nothing to list.
    at.selectbox(key="x_format").set_value("csv")
    run_page(at)
    assert not [c for c in at.caption if "places" in c.value]


def test_the_file_is_built_on_demand_and_never_stale(catalog):
    at = run_page(AppTest.from_file(APP, default_timeout=60))
    # Nothing is built until asked for: no download, no file in the session.
    assert not at.get("download_button") and "x_built" not in at.session_state
    built = build(at)
    assert geojson_names(built) == {f["properties"]["name"] for f in EXPORTED}
    assert json.loads(built.data)["metadata"]["scope"]["kind"] == "filter"

    # An unrelated rerun (picking a project) keeps the same file on offer.
    at.selectbox(key="picker").set_value("t-point")
    run_page(at)
    assert at.session_state["x_built"][1].data == built.data
    assert len(at.get("download_button")) == 1

    # A filter change withdraws it; the new file holds the new selection and its query.
    at.multiselect(key="f_sectors").set_value(["交通"])
    run_page(at)
    traffic = {f["properties"]["name"] for f in EXPORTED if f["properties"]["sector"] == "交通"}
    assert 0 < len(traffic) < len(EXPORTED)
    assert (
        at.button(key="x_build").label == f"生成 GeoJSON（RFC 7946） 文件（{len(traffic)} 个项目）"
    )
    built = build(at)
    assert geojson_names(built) == traffic
    assert json.loads(built.data)["metadata"]["scope"]["query"]["sector"] == "交通"

    # A save to the catalog (here by a colleague's process) withdraws it too.
    editor = users.authenticate("wang", PASSWORD)
    version = store.get("t-line")["properties"]["version"]
    store.save(editor, "t-line", {"status": "建成"}, expected_version=version, reason="通车")
    run_page(at)
    assert not at.get("download_button")
    built = build(at)
    (line,) = [f for f in json.loads(built.data)["features"] if f["properties"]["id"] == "t-line"]
    assert line["properties"]["status"] == "建成"


def test_import_panel_is_for_staff_only(catalog):
    at = run_page(AppTest.from_file(APP, default_timeout=60))
    assert not at.get("file_uploader")
    assert any("登录编辑账号后，可上传" in c.value for c in at.caption)
    at.session_state["editor"] = users.authenticate("wang", PASSWORD)
    run_page(at)
    assert not at.get("file_uploader")  # the upload opens in a dialog
    next(b for b in at.button if b.label == "导入文件…").click()
    run_page(at)
    assert len(at.get("file_uploader")) == 1


@pytest.fixture(params=["file", "postgis"])
def location(request, tmp_path, monkeypatch) -> str:
    """Three stored projects in the file store or in PostGIS, editors wang and li."""
    monkeypatch.setenv("SHAPINGBA_USERS", str(tmp_path / "users.json"))
    for name in ("wang", "li"):
        users.add_user(name, PASSWORD, rounds=4)
    inside = district_outline(request).representative_point()
    here = (round(inside.x, 4), round(inside.y, 4))
    records = [
        feature("T001", "测试轨道线", "在建", here, start_year=2021),
        feature("T002", "测试公园", "规划"),
        feature("T003", "测试中心", "前期", here),
    ]
    return stored_catalog(request, tmp_path, monkeypatch, records)


def test_a_stale_import_says_in_words_who_changed_what_and_what_to_do(location, request):
    """A colleague saves two of the file's projects between its preview and 确认导入: the
    refusal names both, their changes in words (亿元, a place's name, labels), and the way on."""
    outline = district_outline(request)
    upload = (
        "id,名称,备注\nT001,测试轨道线,我的备注\nT002,测试公园,我的备注\nT003,测试中心,我的备注\n"
    )
    read = ex.read_upload(upload.encode(), "批量修改.csv")
    result = ex.preview(read, store.load(location), outline)
    assert len(result.changed) == 3
    li = users.authenticate("li", PASSWORD)
    store.save(li, "T001", {"investment": 12000.0}, expected_version=1)
    store.save(li, "T002", {"place_id": "zone-west", "status": "前期"}, expected_version=1)
    before = store.load(location)
    with pytest.raises(StaleVersion) as info:
        ex.apply(result, users.authenticate("wang", PASSWORD), path=location, outline=outline)
    assert store.load(location) == before
    text = transfer.import_refusal(info.value)
    lines = text.splitlines()
    assert lines[0] == "导入未保存：预览之后，其他人修改了文件中的 2 个项目："
    assert lines[1].startswith("· 项目「测试轨道线」（T001）已被 li 修改")
    assert lines[1].endswith("：投资：（空） → 1.2 亿元。")
    assert lines[2].startswith("· 项目「测试公园」（T002）已被 li 修改")
    assert (
        "所在地名：（空） → 西部现代新城（示意范围）" in lines[2]
        and "状态：规划 → 前期" in lines[2]
    )
    assert "都没有保存" in lines[3] and "请重新导出这些项目" in lines[3]
    # No stored value shows raw: not the number, not the place's id, not the status codes' list.
    for raw in ("12000", "zone-west", "'doc'", "T003"):
        assert raw not in text, raw
