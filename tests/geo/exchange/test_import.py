"""Staff import: real files (GBK Shapefile, no CRS, broken, oversized …) read, checked, saved."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Point, shape

from geo import exchange as ex
from geo import exchange as im
from geo.boundaries import load_outline
from geo.crs import geometry_to_gcj02
from projects import clock, store
from projects.errors import BadFile, InvalidValue, NotAllowed, StaleVersion
from projects.filters import catalog_frame
from projects.store import users
from tests.geo.exchange.test_export import EXPORTED, built_collection, sample_collection

PASSWORD = "import-test-pass"


@pytest.fixture(scope="module")
def outline():
    return load_outline()


@pytest.fixture
def catalog_path(tmp_path, monkeypatch) -> Path:
    """A store catalog in tmp_path with the sample projects, and one editor account."""
    monkeypatch.setenv("SHAPINGBA_USERS", str(tmp_path / "users.json"))
    users.add_user("wang", PASSWORD, rounds=4)
    path = tmp_path / "projects.geojson"
    path.write_text(json.dumps(built_collection(), ensure_ascii=False), encoding="utf-8")
    return path


def features(path: Path) -> list[dict]:
    return store.load(path)


def shapefile_zip(
    tmp_path: Path,
    frame: gpd.GeoDataFrame,
    *,
    encoding: str = "UTF-8",
    drop: tuple[str, ...] = (),
    zero_language_byte: bool = False,
) -> bytes:
    folder = tmp_path / f"shp_{encoding}_{len(drop)}_{zero_language_byte}"
    folder.mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # frames without CRS on purpose
        pyogrio.write_dataframe(frame, folder / "upload.shp", encoding=encoding)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for part in sorted(folder.iterdir()):
            if part.suffix in drop:
                continue
            data = part.read_bytes()
            if part.suffix == ".dbf" and zero_language_byte:
                data = data[:29] + b"\x00" + data[30:]
            zf.writestr(part.name, data)
    return buffer.getvalue()


def small_frame(crs="EPSG:4326") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "name": ["歌乐山国家森林公园提升", "西永微电园 三期"],
            "sector": ["文化旅游", "产业"],
            "status": ["规划", "在建"],
            "zone": ["中", "西"],
        },
        geometry=[Point(106.3980, 29.5720), Point(106.3050, 29.5800)],
        crs=crs,
    )


# --- reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("drop", "zero_byte"),
    [((), False), ((".cpg",), False), ((".cpg",), True)],
    ids=["with-cpg", "language-byte-only", "bytes-only"],
)
def test_gbk_shapefile_keeps_its_chinese(tmp_path, drop, zero_byte):
    data = shapefile_zip(
        tmp_path, small_frame(), encoding="CP936", drop=drop, zero_language_byte=zero_byte
    )
    with zipfile.ZipFile(io.BytesIO(data)) as zf:  # really GBK bytes on disk
        dbf = zf.read("upload.dbf")
    assert "歌乐山".encode("gbk") in dbf and "歌乐山".encode() not in dbf
    upload = im.read_upload(data, "gbk.zip")
    assert upload.encoding == "GBK"
    assert list(upload.frame["name"]) == ["歌乐山国家森林公园提升", "西永微电园 三期"]
    assert list(upload.frame["sector"]) == ["文化旅游", "产业"]


def test_utf8_shapefile_is_read_as_utf8(tmp_path):
    data = shapefile_zip(tmp_path, small_frame(), drop=(".cpg",), zero_language_byte=True)
    upload = im.read_upload(data, "utf8.zip")
    assert upload.encoding == "UTF-8" and upload.frame["name"][0] == "歌乐山国家森林公园提升"


def test_a_file_without_crs_needs_the_user_to_name_it(tmp_path):
    frame = small_frame().to_crs("EPSG:4544")
    data = shapefile_zip(tmp_path, frame.set_crs(None, allow_override=True))
    assert not [n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.endswith(".prj")]
    with pytest.raises(BadFile, match="没有注明坐标系") as caught:
        im.read_upload(data, "noprj.zip")
    assert caught.value.field == "crs"
    with pytest.raises(BadFile, match="不是经纬度"):
        im.read_upload(data, "noprj.zip", crs="EPSG:4326")
    upload = im.read_upload(data, "noprj.zip", crs="EPSG:4544")
    assert upload.crs == "EPSG:4544" and not upload.crs_from_file
    for got, want in zip(upload.frame.geometry, small_frame().geometry, strict=True):
        assert got.distance(want) < 1e-8


def test_csv_with_lon_lat_in_gcj02_comes_back_to_wgs84():
    original = Point(106.4567, 29.5432)
    shifted = geometry_to_gcj02(original)
    text = f"名称,领域,经度,纬度\n沙坪坝站 TOD,交通,{shifted.x:.8f},{shifted.y:.8f}\n"
    with pytest.raises(BadFile, match="没有注明坐标系"):
        im.read_upload(text.encode("gbk"), "points.csv")
    upload = im.read_upload(text.encode("gbk"), "points.csv", crs=ex.GCJ02)
    assert upload.encoding == "GBK" and upload.frame["name"][0] == "沙坪坝站 TOD"
    t = Transformer.from_crs("EPSG:4326", "EPSG:4544", always_xy=True)
    got = shapely.transform(upload.frame.geometry[0], t.transform, interleaved=False)
    want = shapely.transform(original, t.transform, interleaved=False)
    assert got.distance(want) < 0.5


def test_a_geojson_without_crs_member_is_wgs84_unless_the_user_says(tmp_path):
    frame = small_frame().to_crs("EPSG:4544")
    data = frame.set_crs(None, allow_override=True).to_json().encode()
    assert b'"crs"' not in data
    with pytest.raises(BadFile, match="不是经纬度"):
        im.read_upload(data, "gk.geojson")
    upload = im.read_upload(data, "gk.geojson", crs="EPSG:4544")
    assert upload.crs == "EPSG:4544" and not upload.crs_from_file
    for got, want in zip(upload.frame.geometry, small_frame().geometry, strict=True):
        assert got.distance(want) < 1e-8


def test_a_declared_crs_outside_the_menu_is_honoured(tmp_path):
    # Web Mercator, as many web tools write it: the file says so, so no question is asked.
    data = shapefile_zip(tmp_path, small_frame().to_crs("EPSG:3857"))
    upload = im.read_upload(data, "mercator.zip")
    assert upload.crs == "EPSG:3857" and upload.crs_from_file
    for got, want in zip(upload.frame.geometry, small_frame().geometry, strict=True):
        assert got.distance(want) < 1e-8


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("broken.geojson", b'{"type": "FeatureCollection", "features": [{"type": '),
        ("broken.gpkg", b"SQLite format 3\x00" + b"\x00" * 200),
        ("broken.zip", b"PK\x03\x04 not really a zip"),
        ("broken.csv", "名称,WKT\n某项目,POINT (106.4\n".encode()),
        ("empty.geojson", b""),
        ("drawing.dwg", b"AC1032"),
        ("cut.xlsx", b"PK\x03\x04" + b"\x00" * 100),
    ],
)
def test_broken_files_are_refused_in_chinese(name, data):
    """Staff read why in Chinese: a reader's English (json's 「Expecting property name enclosed
    in double quotes: line 1 column 10929」, sqlite's 「sqlite3_prepare_v2(SELECT COUNT(*) …」)
    goes to the server log, not into the message."""
    with pytest.raises(BadFile) as caught:
        im.read_upload(data, name)
    said = caught.value.message_zh.replace(name, "")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in said)
    allowed = {"GeoJSON", "GeoPackage", "zip", "Shapefile", "File", "Geodatabase", "CSV", "Excel"}
    assert set(re.findall("[A-Za-z]{2,}", said)) <= allowed | {"WKT", "POINT", "xlsx", "dwg"}, said


def test_a_cut_geojson_says_where_it_stops(catalog_path):
    frame = catalog_frame(sample_collection())
    good = ex.export(frame, "geojson", "EPSG:4326", scope={"kind": "all"}).data
    with pytest.raises(BadFile, match=r"第 1 行第 \d+ 列") as caught:
        im.read_upload(good[: len(good) // 2], "cut.geojson")
    assert "没有传完" in caught.value.message_zh


def test_a_truncated_geopackage_is_refused(catalog_path, tmp_path):
    frame = catalog_frame(sample_collection())
    good = ex.export(frame, "gpkg", "EPSG:4326", scope={"kind": "all"}).data
    with pytest.raises(BadFile, match="已损坏"):
        im.read_upload(good[: len(good) // 3], "cut.gpkg")


def test_an_oversized_file_is_refused_before_reading():
    data = b" " * (im.MAX_BYTES + 1)
    with pytest.raises(BadFile, match="20 MB"):
        im.read_upload(data, "huge.geojson")


def test_missing_name_column():
    text = "领域,状态,WKT\n交通,规划,POINT (106.4 29.57)\n"
    with pytest.raises(BadFile, match="缺少项目名称列"):
        im.read_upload(text.encode(), "noname.csv", crs="EPSG:4326")


def test_a_status_only_file_is_told_which_columns_name_a_project():
    """A staff member's sheet with only 状态: the message names the Chinese column names that
    would work (编号 as well as id), not only the English ones."""
    with pytest.raises(BadFile) as caught:
        im.read_upload("状态\n在建\n".encode(), "status.csv")
    message = caught.value.message_zh
    assert "编号列（列名为 编号、id）" in message and "已有的列：状态" in message


# --- checking ---------------------------------------------------------------------------------


def geojson_bytes(rows: list[tuple[dict, shapely.Geometry | None]]) -> bytes:
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": p,
                    "geometry": None if g is None else shapely.geometry.mapping(g),
                }
                for p, g in rows
            ],
        },
        ensure_ascii=False,
    ).encode()


def test_unknown_status_or_sector_is_refused_and_nothing_changes(catalog_path, outline):
    before = catalog_path.read_bytes()
    data = geojson_bytes([({"name": "新项目甲", "sector": "交通", "status": "完工"}, None)])
    with pytest.raises(InvalidValue, match="完工"):
        im.preview(im.read_upload(data, "a.geojson"), features(catalog_path), outline)
    data = geojson_bytes([({"name": "新项目乙", "sector": "航天"}, None)])
    with pytest.raises(InvalidValue, match="航天.*可选：交通"):
        im.preview(im.read_upload(data, "b.geojson"), features(catalog_path), outline)
    assert catalog_path.read_bytes() == before


def test_outside_the_district_needs_qu_wai(catalog_path, outline):
    chengdu = Point(104.07, 30.67)
    data = geojson_bytes([({"name": "成渝中线高铁成都段", "sector": "交通"}, chengdu)])
    with pytest.raises(InvalidValue, match="沙坪坝区以外"):
        im.preview(im.read_upload(data, "out.geojson"), features(catalog_path), outline)
    data = geojson_bytes(
        [({"name": "成渝中线高铁成都段", "sector": "交通", "zone": "区外"}, chengdu)]
    )
    result = im.preview(im.read_upload(data, "out.geojson"), features(catalog_path), outline)
    assert [r.action for r in result.rows] == ["add"]


def test_every_problem_is_listed_with_its_row(catalog_path, outline):
    data = geojson_bytes(
        [
            ({"name": "甲", "sector": "交通", "status": "完工"}, None),
            ({"name": "乙", "sector": "交通", "start_year": "明年"}, None),
            ({"name": "丙"}, None),
        ]
    )
    with pytest.raises(InvalidValue) as caught:
        im.preview(im.read_upload(data, "many.geojson"), features(catalog_path), outline)
    message = caught.value.message_zh
    assert "第 1 行" in message and "第 2 行" in message and "第 3 行" in message


# --- round trips through our own exports ------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "crs"),
    [
        ("geojson", "EPSG:4326"),
        ("gpkg", "EPSG:4544"),
        ("shp", "EPSG:4490"),
        ("csv", "EPSG:4545"),
        ("shp", ex.GCJ02),
        ("geojson", ex.GCJ02),
        ("gpkg", ex.GCJ02),
        ("csv", ex.GCJ02),
        ("xlsx", "EPSG:4544"),
        ("xlsx", ex.GCJ02),
        ("gdb", "EPSG:4544"),
    ],
)
def test_reimporting_an_export_changes_nothing(catalog_path, outline, fmt, crs):
    frame = catalog_frame(store.load_collection(catalog_path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ex.ExportWarning)
        exported = ex.export(frame, fmt, crs, scope={"kind": "all"})
    # Nobody picks a CRS: every file says its own (a GCJ-02 file in its metadata, a CSV in its
    # name), so a GCJ-02 export is never read as WGS84.
    upload = im.read_upload(exported.data, exported.filename)
    assert upload.crs == crs and upload.crs_from_file
    assert len(upload.frame) == len(EXPORTED)
    result = im.preview(upload, features(catalog_path), outline)
    # Shapefile's notes were cut at 254 bytes: the cut is recognised and not imported as an edit.
    assert result.added == [] and result.changed == [], im.preview_table(result)
    assert len(result.unchanged) == len(EXPORTED)


# --- preview and apply ------------------------------------------------------------------------


def edit_csv() -> bytes:
    rows = [
        "id,名称,领域,状态,WKT",
        "t-point,西永综保区 二期,开放平台,建成,POINT (106.3 29.59)",
        ",<i>新</i>的公园,生态环保,规划,",
        ",轨道交通27号线（沙坪坝段）,交通,运营,",
    ]
    return ("\n".join(rows) + "\n").encode("utf-8-sig")


def test_preview_lists_adds_and_changes_with_old_and_new(catalog_path, outline):
    upload = im.read_upload(edit_csv(), "edits.csv", crs="EPSG:4326")
    result = im.preview(upload, features(catalog_path), outline)
    assert [(r.action, r.project_id) for r in result.rows] == [
        ("change", "t-point"),
        ("add", None),
        ("change", "t-line"),  # matched by name
    ]
    point = result.rows[0]
    assert point.changes["status"] == ("在建", "建成")
    assert point.changes["geometry"][0]["coordinates"] == [106.29876543, 29.59123456]
    assert point.changes["precision"] == ("exact", "imported")
    table = im.preview_table(result)
    assert {"新增", "修改"} == set(table["操作"]) and "<i>新</i>的公园" in set(table["名称"])
    assert catalog_path.read_bytes() == catalog_path.read_bytes()


def test_apply_saves_once_with_history_and_refuses_a_stale_preview(catalog_path, outline):
    before = catalog_path.read_bytes()
    result = im.preview(
        im.read_upload(edit_csv(), "edits.csv", crs="EPSG:4326"), features(catalog_path), outline
    )
    with pytest.raises(NotAllowed):
        im.apply(result, None, path=catalog_path, outline=outline)
    assert catalog_path.read_bytes() == before
    editor = users.authenticate("wang", PASSWORD)
    saved = im.apply(result, editor, path=catalog_path, outline=outline)
    assert len(saved) == 3
    by_name = {f["properties"]["name"]: f for f in features(catalog_path)}
    assert by_name["西永综保区 二期"]["properties"]["status"] == "建成"
    assert shape(by_name["西永综保区 二期"]["geometry"]).equals(Point(106.3, 29.59))
    moved = by_name["西永综保区 二期"]["properties"]
    # A position from a file is the record's own, marked imported (not drawn by hand), and says
    # which file it came from (who and when are in the history batch).
    assert (moved["precision"], moved["geo_method"], moved["place_id"]) == (
        "imported",
        "imported",
        None,
    )
    assert moved["geo_basis"] == "导入自 edits.csv"
    assert by_name["轨道交通27号线（沙坪坝段）"]["properties"]["status"] == "运营"
    assert by_name["<i>新</i>的公园"]["properties"]["sector"] == "生态环保"
    batches = [
        json.loads(line) for line in store.history_path(catalog_path).read_text().splitlines()
    ]
    assert len(batches) == 1 and batches[0]["by"] == "wang" and "edits.csv" in batches[0]["reason"]
    assert {e["action"] for e in batches[0]["edits"]} == {"import", "create"}
    after = catalog_path.read_bytes()
    with pytest.raises(StaleVersion):  # the same preview again: its versions are now old
        im.apply(result, editor, path=catalog_path, outline=outline)
    assert catalog_path.read_bytes() == after


def test_a_shortened_text_is_an_edit_except_for_a_shapefiles_cut(catalog_path, outline):
    stored = next(f for f in EXPORTED if f["properties"]["id"] == "t-line")["properties"]["notes"]
    cut = stored.encode()[: ex.DBF_TEXT_BYTES].decode("utf-8", "ignore")
    shorter = stored[:40]
    for value, changed in ((cut, False), (shorter, True)):
        # Whatever the container (here a CSV, as after QGIS's "save as"), a cut is no edit.
        text = f"id,name,notes\nt-line,轨道交通27号线（沙坪坝段）,{value}\n"
        upload = im.read_upload(text.encode(), "cut.csv")
        result = im.preview(upload, features(catalog_path), outline)
        got = [r.changes["notes"] for r in result.changed]
        assert got == ([(stored, value)] if changed else []), value


def test_a_shapefile_saved_as_geopackage_in_qgis_previews_no_changes(
    catalog_path, outline, tmp_path
):
    """The usual analyst path: our Shapefile zip -> ogr2ogr to GeoPackage (no related table) and
    back: the 254-byte cuts are no edits, the lists stay as stored."""
    gdal = pytest.importorskip("tests.geo.exchange.test_export").gdal_cli
    gdal()
    frame = catalog_frame(store.load_collection(catalog_path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ex.ExportWarning)
        exported = ex.export(frame, "shp", "EPSG:4544", scope={"kind": "all"})
    zipped = tmp_path / "x.zip"
    zipped.write_bytes(exported.data)
    gpkg = tmp_path / "qgis.gpkg"
    for layer in ("projects_point", "projects_line", "projects_polygon", "projects_unplaced"):
        member = f"/vsizip/{zipped}/{layer}" + (".dbf" if layer.endswith("unplaced") else ".shp")
        cmd = ["ogr2ogr", "-f", "GPKG", "-append", "-nln", layer, str(gpkg), member]
        done = subprocess.run(cmd, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    upload = im.read_upload(gpkg.read_bytes(), "qgis.gpkg")
    result = im.preview(upload, features(catalog_path), outline)
    assert result.changed == [] and result.added == [], im.preview_table(result)


def test_formulas_are_written_as_text_and_read_back_unchanged(catalog_path, outline, tmp_path):
    """CSV injection: =HYPERLINK(...) and @SUM(...) leave as text and come back as stored."""
    payloads = ['=HYPERLINK("http://example.invalid","点击")', "@SUM(1+1)*cmd|' /C calc'!A0"]
    collection = built_collection()
    for feature, payload in zip(collection["features"][:2], payloads, strict=True):
        feature["properties"]["notes"] = payload
        feature["properties"]["lead_dept"] = "-" + payload
    catalog_path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    frame = catalog_frame(store.load_collection(catalog_path))
    exported = ex.export(frame, "csv", "EPSG:4326", scope={"kind": "all"})
    rows = list(csv.DictReader(io.StringIO(exported.data.decode("utf-8-sig"))))
    cells = [r[c] for r in rows for c in ("备注", "牵头部门", "名称")]  # Chinese titles
    assert not [c for c in cells if c[:1] in ex.FORMULA_STARTS], "a live formula in the CSV"
    assert "'" + payloads[0] in cells and "'" + payloads[1] in cells
    result = im.preview(
        im.read_upload(exported.data, exported.filename), features(catalog_path), outline
    )
    assert result.changed == [] and result.added == [], im.preview_table(result)
    # Excel: the cells are text, never formulas, and read back exactly.
    from openpyxl import load_workbook

    exported = ex.export(frame, "xlsx", "EPSG:4326", scope={"kind": "all"})
    path = tmp_path / exported.filename
    path.write_bytes(exported.data)
    sheet = load_workbook(path)["项目"]
    header = [c.value for c in sheet[1]]
    cells = [
        c
        for row in sheet.iter_rows(min_row=2)
        for c in row
        if header[c.column - 1] in ("备注", "牵头部门")
    ]
    texts = {c.value for c in cells if c.value}
    assert payloads[0] in texts and payloads[1] in texts and "-" + payloads[0] in texts
    assert all(c.data_type == "s" for c in cells if c.value), "a formula cell in the workbook"
    assert all(c.quotePrefix for c in cells if c.value and c.value[0] in ex.FORMULA_STARTS)
    result = im.preview(
        im.read_upload(exported.data, exported.filename), features(catalog_path), outline
    )
    assert result.changed == [] and result.added == [], im.preview_table(result)


def test_a_gcj02_geojson_is_never_read_as_wgs84(catalog_path, outline):
    frame = catalog_frame(store.load_collection(catalog_path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ex.ExportWarning)
        exported = ex.export(frame, "geojson", ex.GCJ02, scope={"kind": "all"})
    upload = im.read_upload(exported.data, "renamed.geojson")
    assert upload.crs == ex.GCJ02 and upload.crs_from_file
    with pytest.raises(BadFile, match="GCJ-02"):
        im.read_upload(exported.data, "renamed.geojson", crs="EPSG:4326")
    # A hand-made file with an old-style crs member naming GCJ-02 is read as GCJ-02 too.
    doc = json.loads(exported.data)
    del doc["metadata"]
    doc["crs"] = {"type": "name", "properties": {"name": "GCJ-02"}}
    upload = im.read_upload(json.dumps(doc).encode(), "hand.geojson")
    assert upload.crs == ex.GCJ02


# --- partial files ----------------------------------------------------------------------------


def test_a_status_only_file_changes_statuses_and_nothing_else(catalog_path, outline):
    """A file of ids and statuses (no name, no years, no sector): only statuses change."""
    before = {f["properties"]["id"]: f for f in features(catalog_path)}
    live = [p for p, f in before.items() if not f["properties"].get("deleted")][:2]
    text = "id,状态\n" + "".join(f"{pid},运营\n" for pid in live)
    result = im.preview(
        im.read_upload(text.encode(), "status.csv"), features(catalog_path), outline
    )
    assert any("只更新这些字段：状态" in n for n in result.notes)
    assert {c for r in result.rows for c in r.changes} <= {"status"}
    im.apply(result, users.authenticate("wang", PASSWORD), path=catalog_path, outline=outline)
    after = {f["properties"]["id"]: f for f in features(catalog_path)}
    for pid in before:
        old, new = before[pid]["properties"], after[pid]["properties"]
        assert new["status"] == ("运营" if pid in live else old["status"])
        skip = {"status", "status_history", "version", "updated_by", "updated_at"}
        assert {k: v for k, v in new.items() if k not in skip} == {
            k: v for k, v in old.items() if k not in skip
        }
        assert after[pid]["geometry"] == before[pid]["geometry"]


def test_a_key_missing_from_one_feature_leaves_that_field_unchanged(catalog_path, outline):
    """GeoJSON features with different keys: an absent (or empty) value is not a blank."""
    records = [f["properties"] for f in features(catalog_path) if not f["properties"]["deleted"]]
    first = next(p for p in records if p.get("start_year"))  # has a year the file must keep
    second = next(p for p in records if p["id"] != first["id"])
    year = 2019 if second.get("start_year") != 2019 else 2018
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": None,
                "properties": {"id": first["id"], "status": "运营"},
            },
            {
                "type": "Feature",
                "geometry": None,
                "properties": {"id": second["id"], "start_year": year},
            },
        ],
    }
    data = json.dumps(collection, ensure_ascii=False).encode()
    result = im.preview(im.read_upload(data, "part.geojson"), features(catalog_path), outline)
    changes = {r.project_id: r.changes for r in result.rows}
    assert set(changes[first["id"]]) == {"status"}  # start_year absent there: kept
    assert set(changes[second["id"]]) == {"start_year"}  # status absent there: kept
    assert not im.preview_table(result)["新值"].eq("").any()


def test_a_row_without_name_or_known_id_is_refused(catalog_path, outline):
    text = "id,状态\nno-such-id,运营\n"
    with pytest.raises(InvalidValue, match="没有项目名称"):
        im.preview(im.read_upload(text.encode(), "s.csv"), features(catalog_path), outline)


@pytest.mark.parametrize(
    ("fmt", "crs"),
    [
        ("geojson", "EPSG:4326"),
        ("gpkg", "EPSG:4544"),
        ("shp", "EPSG:4545"),
        ("csv", "EPSG:4544"),
        ("xlsx", "EPSG:4490"),
        ("gdb", "EPSG:4544"),
    ],
)
def test_every_export_through_ogr2ogr_to_geopackage_previews_no_changes(
    catalog_path, outline, tmp_path, fmt, crs
):
    """What an analyst does first: ogr2ogr (or QGIS's "save as") to a GeoPackage, then back."""
    from tests.geo.exchange.test_export import datasets, gdal_cli

    gdal_cli()
    frame = catalog_frame(store.load_collection(catalog_path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ex.ExportWarning)
        exported = ex.export(frame, fmt, crs, scope={"kind": "all"})
    path = tmp_path / exported.filename
    path.write_bytes(exported.data)
    gpkg = tmp_path / "analyst.gpkg"
    for n, (name, layer) in enumerate(datasets(path, fmt)):
        cmd = ["ogr2ogr", "-f", "GPKG", "-append", "-nln", f"projects_{n}", str(gpkg), name]
        if fmt == "csv":  # a CSV says no CRS: the analyst names it, as the file name does
            cmd[1:1] = ["-a_srs", crs]
        done = subprocess.run(cmd + ([layer] if layer else []), capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    upload = im.read_upload(gpkg.read_bytes(), "analyst.gpkg", crs=crs)
    assert len(upload.frame) == len(EXPORTED)
    result = im.preview(upload, features(catalog_path), outline)
    assert result.changed == [] and result.added == [], im.preview_table(result)


def test_a_geometry_imported_for_a_referenced_project_drops_the_reference(catalog_path, outline):
    """A project known only by a place (place_id, no geometry of its own) that gets a point from
    a file now has its own position: the reference goes, the precision says imported."""
    data = json.loads(catalog_path.read_text("utf-8"))
    ref = data["features"][0]
    ref["geometry"] = None
    ref["properties"].update(precision="area", place_id="P040", geo_method="curated")
    catalog_path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    pid, name = ref["properties"]["id"], ref["properties"]["name"]
    text = f"id,名称,WKT\n{pid},{name},POINT (106.31 29.6)\n"
    result = im.preview(
        im.read_upload(text.encode(), "p.csv", crs="EPSG:4326"), features(catalog_path), outline
    )
    assert result.rows[0].changes["place_id"] == ("P040", None)
    im.apply(result, users.authenticate("wang", PASSWORD), path=catalog_path, outline=outline)
    props = next(f for f in features(catalog_path) if f["properties"]["id"] == pid)["properties"]
    assert (props["precision"], props["place_id"]) == ("imported", None)


@pytest.mark.parametrize("fmt", ["geojson", "shp", "xlsx"])
def test_a_representative_point_export_taken_back_moves_no_project(fmt, outline):
    """Exported with 「按地名定位的项目画在所在地名的代表点上」 and taken back unchanged, every
    project placed by a place came back as 「修改」: its place's point would have become its
    own (imported) position, 475 invented coordinates. Those points stay the place's; one moved
    by staff in their GIS is a position of its own."""
    collection = store.load_collection(store.CATALOG_PATH)
    frame = catalog_frame(collection)
    frame = frame[~frame["deleted"].fillna(False).astype(bool)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ex.ExportWarning)
        res = ex.export(frame, fmt, "EPSG:4326", scope={"kind": "all"}, geometry="representative")
    upload = im.read_upload(res.data, res.filename)
    by_place = int(frame["place_id"].notna().sum())
    assert upload.borrowed == by_place > 0
    result = im.preview(upload, store.load(store.CATALOG_PATH), outline)
    assert not result.changed and not result.added
    assert any(f"{by_place} 行的位置是所在地名的代表点" in n for n in result.notes), result.notes
    for note in result.notes:  # the columns it leaves out by their Chinese names
        assert "geometry_source" not in note and "precision_zh" not in note, note
    # A point staff moved is the project's own position now.
    doc = json.loads(
        ex.export(
            frame, "geojson", "EPSG:4326", scope={"kind": "all"}, geometry="representative"
        ).data
    )
    feature = next(f for f in doc["features"] if f["properties"]["place_id"])
    feature["geometry"]["coordinates"][0] += 0.001
    data = json.dumps(doc, ensure_ascii=False).encode()
    again = im.preview(
        im.read_upload(data, "moved.geojson"), store.load(store.CATALOG_PATH), outline
    )
    assert [r.project_id for r in again.changed] == [feature["properties"]["id"]]
    assert set(again.changed[0].changes) >= {"geometry"}


def test_an_imported_position_gives_its_zone_where_none_was_stated(catalog_path, outline):
    """A project without a zone (t-none) takes the zone of its imported position, and so does a
    new one; a zone the documents state (t-point, 西) stays, with a warning in the preview and a
    note in the history. The preview shows what the save does."""
    data = json.loads(catalog_path.read_text("utf-8"))
    point = next(f for f in data["features"] if f["properties"]["id"] == "t-point")
    point["properties"]["zone_basis"] = "文中：001:738 列于“西部现代新城”之下"
    catalog_path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    upload = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"id": pid, "name": name, "sector": sector},
                "geometry": {"type": "Point", "coordinates": xy},
            }
            for pid, name, sector, xy in [
                ("t-none", "尚未定位的项目", None, [106.456, 29.557]),  # 三峡广场: 东
                ("t-point", "西永综保区 二期", None, [106.45, 29.56]),
                (None, "导入的新项目", "交通", [106.3, 29.6]),  # 大学城: 西
            ]
        ],
    }
    result = im.preview(
        im.read_upload(json.dumps(upload, ensure_ascii=False).encode(), "zones.geojson"),
        features(catalog_path),
        outline,
    )
    table = im.preview_table(result)
    zone_lines = table[table["字段"] == "片区"]
    assert zone_lines[["编号", "原值", "新值"]].values.tolist() == [
        ["t-none", "未定", "东（按导入文件的位置）"],
        ["（新编号）", "未定", "西（按导入文件的位置）"],
    ]
    assert [r.zone_note is not None for r in result.rows] == [False, True, False]
    [warning] = result.warnings
    assert warning.startswith("注意：") and not any(n.startswith("注意：") for n in result.notes)
    assert "第 2 行（西永综保区 二期）：新位置在东片区，片区仍为「西」" in warning
    editor = users.authenticate("wang", PASSWORD)
    im.apply(result, editor, path=catalog_path, outline=outline)
    by_name = {f["properties"]["name"]: f["properties"] for f in features(catalog_path)}
    today = clock.today().isoformat()
    for name, zone in [("尚未定位的项目", "东"), ("导入的新项目", "西")]:
        got = by_name[name]
        assert (got["zone"], got["zones"]) == (zone, [zone]), name
        assert got["zone_basis"] == f"按导入文件的位置（wang 于 {today}）", name
    assert (by_name["西永综保区 二期"]["zone"], by_name["西永综保区 二期"]["zone_basis"]) == (
        "西",
        point["properties"]["zone_basis"],
    )
    [note] = [e["zone_note"] for e in store.history("t-point", catalog_path)]
    assert note.startswith("新位置在东片区，片区仍为「西」")
