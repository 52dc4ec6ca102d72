"""Codes stay in the data, people read labels: every export of the real catalog, read back with
openpyxl, GDAL (pyogrio) and the XML parser, shows a Chinese label beside each code wherever a
person reads it (a table opened in Excel, a KML balloon), and names its fields the way its
metadata says."""

from __future__ import annotations

import io
import json
import re
import sqlite3
import subprocess
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pyogrio
import pytest
from openpyxl import load_workbook

from geo import exchange as ex
from geo.boundaries import load_outline
from projects import store, vocab
from projects.filters import catalog_frame
from tests.helpers import gdal_cli

#: Columns whose text is an id, a name or geometry, never a code to explain (匹配地名 holds
#: the gazetteer name matched, which may be a road number such as G319).
ID_TITLES = {"编号", "关联项目", "匹配地名", "WKT"}

#: A code as the data keeps it: ASCII letters, digits, - and _ with at least one letter
#: (exact, plan_year, P119, own; not a date or a number).
CODE = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9_\-]+")


@pytest.fixture(scope="module")
def catalog():
    collection = store.load_collection(store.CATALOG_PATH)
    if not collection["features"]:
        pytest.skip("no catalog")
    return catalog_frame(collection)


def _export(catalog, fmt: str, crs: str = "EPSG:4326", tmp: Path | None = None, **kw) -> Any:
    result = ex.export(catalog, fmt, crs, scope={"kind": "all"}, catalog_version="test", **kw)
    if tmp is None:
        return result
    path = tmp / result.filename
    path.write_bytes(result.data)
    return path


def _is_code(value: Any) -> bool:
    return isinstance(value, str) and bool(CODE.fullmatch(value))


def unexplained_codes(header: list[str], rows: list[list[Any]]) -> dict[str, set[str]]:
    """Columns a person reads that hold a code (or a true/false) without its Chinese label in
    the next column: {column title: the codes}."""
    titles = {label: f for f, (_, _, label) in ex.EXPORT_FIELDS.items()}
    bad: dict[str, set[str]] = {}
    for c, title in enumerate(header):
        if title in ID_TITLES:
            continue
        codes = {r[c] for r in rows if _is_code(r[c]) or isinstance(r[c], bool)}
        if not codes:
            continue
        label = ex.LABEL_FIELDS.get(titles.get(title, ""))
        beside = header[c + 1] if c + 1 < len(header) else None
        if label is None or beside != ex.EXPORT_FIELDS[label][2]:
            bad[title] = codes
            continue
        for r in rows:  # every code has its label, in Chinese
            if _is_code(r[c]) and (not r[c + 1] or str(r[c + 1]).isascii()):
                bad.setdefault(title, set()).add(r[c])
    return bad


def test_every_code_field_has_a_chinese_label_field_from_the_vocabularies():
    assert set(ex.LABEL_FIELDS) == {
        "years_basis",
        "precision",
        "place_id",
        "geo_method",
        "geometry_source",
    }
    fields = list(ex.EXPORT_FIELDS)
    for code, label in ex.LABEL_FIELDS.items():
        assert fields.index(label) == fields.index(code) + 1, (code, label)
    for field, table in vocab.CODE_LABELS.items():
        assert table and all(not text.isascii() for text in table.values()), field
    # Every years_basis code the build and staff edits write has its label.
    from projects.records.assemble import YEARS_BASES
    from projects.store.edits import STAFF_YEARS_BASIS

    assert {*YEARS_BASES, STAFF_YEARS_BASIS} == set(vocab.YEARS_BASIS_LABELS)


def test_xlsx_shows_no_code_without_its_label(catalog, tmp_path):
    wb = load_workbook(_export(catalog, "xlsx", tmp=tmp_path), read_only=True)
    values = [list(r) for r in wb["项目"].iter_rows(values_only=True)]
    header, rows = [str(h) for h in values[0]], values[1:]
    assert unexplained_codes(header, rows) == {}
    column = header.index("年份依据")
    assert header[column + 1] == "年份依据说明"
    assert {r[column + 1] for r in rows if r[column] == "period"} == {"文件规划期，文中无具体年份"}
    assert "已删除" not in header  # false in every exported row: no column
    for sheet in ("状态沿革", "来源"):
        table = [list(r) for r in wb[sheet].iter_rows(values_only=True)]
        assert unexplained_codes([str(h) for h in table[0]], table[1:]) == {}, sheet
    about = dict(r[:2] for r in wb["说明"].iter_rows(min_row=2, values_only=True))
    assert "紧随其后的一列为其中文说明（年份依据说明" in about["代码与说明"]
    history = [list(r) for r in wb["状态沿革"].iter_rows(min_row=2, values_only=True)]
    assert {r[-1] for r in history} <= {"回顾", "计划"}


def test_csv_has_chinese_headers_and_labels_as_gdal_and_excel_read_it(catalog, tmp_path):
    path = _export(catalog, "csv", tmp=tmp_path)
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeffWKT,编号,名称")  # the BOM makes Excel read it as UTF-8
    frame = pyogrio.read_dataframe(path)
    header = [c for c in frame.columns if c != "geometry"]
    assert [h for h in header if h.isascii()] == ["WKT"]
    assert set(header) == {"WKT", *(label for _, _, label in ex.EXPORT_FIELDS.values())}
    rows = [[None if v != v else v for v in row] for row in frame[header].itertuples(index=False)]
    assert unexplained_codes(header, rows) == {}
    assert len(rows) == len(catalog)
    # Lists read as Chinese text, not JSON with file names and part codes.
    for code in ('"doc', '"part', *(d.file for d in vocab.DOCUMENTS)):
        assert code not in text, code
    history = frame[ex.EXPORT_FIELDS["status_history"][2]]
    assert history.str.contains("（回顾）：").any() and history.str.contains("（计划）：").any()


@pytest.mark.parametrize("fmt", ["gpkg", "gdb", "shp", "geojson"])
def test_gis_formats_keep_codes_with_their_labels(catalog, tmp_path, fmt):
    """GIS formats keep ASCII field names for software; each code field's label field is there,
    in Chinese, for every project with that code."""
    path = _export(catalog, fmt, "EPSG:4544" if fmt != "geojson" else "EPSG:4326", tmp=tmp_path)
    if fmt == "shp":
        names = [
            n
            for n in zipfile.ZipFile(path).namelist()
            if n.endswith(".dbf") and n.startswith("projects_")
        ]
        sources = [f"/vsizip/{path}/{n}" for n in names]
        layers = [(s, None) for s in sources]
    elif fmt == "gdb":
        source = f"/vsizip/{path}/沙坪坝项目.gdb"
        layers = [(source, str(n)) for n in pyogrio.list_layers(source)[:, 0]]
    elif fmt == "geojson":
        layers = [(str(path), None)]
    else:
        layers = [(str(path), str(n)) for n in pyogrio.list_layers(path)[:, 0]]
    short = ex.SHAPEFILE_FIELDS if fmt == "shp" else {f: f for f in ex.EXPORT_FIELDS}
    seen = 0
    for source, layer in layers:
        if layer is not None and not layer.startswith("projects_"):
            continue
        frame = pyogrio.read_dataframe(source, layer=layer)
        for code, label in ex.LABEL_FIELDS.items():
            for value, text in zip(frame[short[code]], frame[short[label]], strict=True):
                if isinstance(value, str) and value:
                    assert isinstance(text, str) and not text.isascii(), (code, value, text)
                    seen += 1
    assert seen > len(catalog)


def test_places_layer_explains_its_precision_and_every_column_has_a_title(catalog, tmp_path):
    path = _export(catalog, "gpkg", "EPSG:4544", tmp=tmp_path)
    places = pyogrio.read_dataframe(path, layer="places_point")
    assert all(
        vocab.PRECISION_LABELS[p] == z
        for p, z in zip(places["precision"], places["precision_zh"], strict=True)
    )
    with sqlite3.connect(path) as db:
        titles = {
            (t, c): title
            for t, c, title in db.execute(
                "SELECT table_name, column_name, title FROM gpkg_data_columns"
            )
        }
        for (table,) in db.execute("SELECT table_name FROM gpkg_contents"):
            columns = [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')]
            geometry = {r[0] for r in db.execute("SELECT column_name FROM gpkg_geometry_columns")}
            for column in columns:
                if column in ("fid", *geometry):
                    continue
                title = titles.get((table, column))
                assert title and not title.isascii(), (table, column)


def test_file_geodatabase_fields_carry_their_chinese_titles_as_aliases(catalog, tmp_path):
    """ArcGIS shows a File Geodatabase field by its alias: GDAL reads every field of every layer
    back with its Chinese title as its alternative name (the alias), the same as the
    GeoPackage's titles."""
    gdal_cli()
    path = _export(catalog, "gdb", "EPSG:4544", tmp=tmp_path)
    source = f"/vsizip/{path}/沙坪坝项目.gdb"
    layers = [str(n) for n in pyogrio.list_layers(source)[:, 0]]
    assert {"projects_point", "projects_unplaced", "places_point"} <= set(layers)
    field = re.compile(r'^(\w+): \w+ \([\d.]+\)(?:, alternative name="(.*)")?$')
    for layer in layers:
        done = subprocess.run(
            ["ogrinfo", "-ro", "-so", source, layer], capture_output=True, text=True, check=True
        )
        aliases = dict(m.groups() for m in map(field.match, done.stdout.splitlines()) if m)
        assert aliases, layer
        for name, alias in aliases.items():
            assert alias == ex.FIELD_TITLES[name], (layer, name, alias)
        if layer.startswith("projects_"):
            assert set(aliases) == set(ex.EXPORT_FIELDS), layer


def test_kml_balloon_shows_labels_not_codes(catalog):
    data = _export(catalog, "kml").data
    root = ET.fromstring(data)
    ns = {"k": ex.KML_NS}
    balloon = root.find(".//k:BalloonStyle/k:text", ns).text
    shown = re.findall(r"\$\[projects/(\w+)\]", balloon)
    assert {"years_basis_zh", "precision_zh", "geo_method_zh"} <= set(shown)
    for mark in root.iter(f"{{{ex.KML_NS}}}Placemark"):
        values = {d.get("name"): d.text for d in mark.iter(f"{{{ex.KML_NS}}}SimpleData")}
        for field in shown:
            if field != "id" and field in values:
                assert not _is_code(values[field]), (field, values[field])
        # The codes stay as data, for GDAL and GIS tools.
        assert values.get("precision") is None or values["precision"] in vocab.PRECISIONS


def test_kml_balloon_says_a_point_is_the_places_representative_point(catalog):
    """A Google Earth or 奥维 user clicking a project drawn on its place's representative point
    reads the place and that the point is the place's: the balloon showed neither (only
    定位精度), so 203 projects stacked on the district's point each looked placed there."""
    data = _export(catalog, "kml", geometry="representative").data
    root = ET.fromstring(data)
    k = f"{{{ex.KML_NS}}}"
    balloon = root.find(f".//{k}BalloonStyle/{k}text").text
    shown = set(re.findall(r"\$\[projects/(\w+)\]", balloon))
    assert {"place_name", "geometry_source_zh"} <= shown, shown
    assert '<th align="left">所在地名</th>' in balloon and "几何来源" in balloon
    borrowed = 0
    for mark in root.iter(f"{k}Placemark"):
        values = {d.get("name"): d.text for d in mark.iter(f"{k}SimpleData")}
        if values.get("geometry_source") == "place_point":
            borrowed += 1
            assert mark.find(f"{k}Point") is not None
            assert values["geometry_source_zh"] == ex.GEOMETRY_SOURCES["place_point"]
            assert values["place_name"], values
    assert borrowed == sum(1 for p in catalog["place_id"] if isinstance(p, str) and p)


@pytest.mark.parametrize("fmt", ["geojson", "gpkg"])
def test_metadata_says_how_fields_are_named_and_what_each_code_means(catalog, tmp_path, fmt):
    if fmt == "geojson":
        meta = json.loads(_export(catalog, fmt).data)["metadata"]
    else:
        path = _export(catalog, fmt, tmp=tmp_path)
        meta = json.loads(
            pyogrio.read_info(path, layer="projects_point")["dataset_metadata"]["export"]
        )
    assert "CSV 与 Excel（项目表）以中文字段名为表头" in meta["field_names"]
    assert meta["code_labels"]["years_basis"] == vocab.YEARS_BASIS_LABELS
    assert meta["code_labels"]["geometry_source"] == ex.GEOMETRY_SOURCES
    assert meta["fields"]["years_basis_zh"] == "年份依据说明"


def test_shapefile_fields_table_lists_the_label_fields(catalog, tmp_path):
    path = _export(catalog, "shp", "EPSG:4544", tmp=tmp_path)
    with zipfile.ZipFile(path) as zf:
        text = zf.read("fields.csv").decode("utf-8-sig")
    table = {row.split(",")[0]: row.split(",") for row in io.StringIO(text).read().splitlines()}
    for label in ex.LABEL_FIELDS.values():
        assert len(table[label][1]) <= 10 and not table[label][2].isascii(), label


#: What the import preview names as columns an export derived (``progress`` is a schema field
#: too: the system keeps it).
DERIVED_LABELS = {label for f, (_, _, label) in ex.DERIVED_FIELDS.items() if f != "progress"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson", "gpkg", "shp", "gdb"])
def test_exports_read_back_unchanged_and_the_labels_are_named_as_derived(catalog, fmt):
    """A file goes back in as it came out: Chinese headers, 是/否, lists as text, a Shapefile's
    short names change nothing, and every column the export derived is named as what it is.

    A Shapefile's derived columns (place_name, prec_zh, geom_src …) and a GIS file's
    place_name were taken for fields and dropped unsaid: the preview named none of them for a
    Shapefile, and 所在地名 only for the tables."""
    result = _export(catalog, fmt)
    upload = ex.read_upload(result.data, result.filename)
    preview = ex.preview(upload, store.load(store.CATALOG_PATH), load_outline())
    assert preview.changed == [] and preview.added == [], ex.preview_table(preview)
    derived = [n for n in preview.notes if n.startswith("以下列是导出时生成的说明")]
    assert len(derived) == 1, preview.notes
    named = set(derived[0].split("：", 1)[1].rstrip("。").split("、"))
    assert named == DERIVED_LABELS, (fmt, named)
    assert not [n for n in preview.notes if n.startswith("以下列不是项目字段")]


def test_iso_metadata_says_how_fields_are_named(catalog):
    result = _export(catalog, "geojson", split_by_type=True)
    with zipfile.ZipFile(io.BytesIO(result.data)) as zf:
        root = ET.fromstring(zf.read("metadata.xml"))
    gmd = "{http://www.isotc211.org/2005/gmd}"
    ident = root.find(f"{gmd}identificationInfo/{gmd}MD_DataIdentification")
    children = [c.tag for c in ident]
    assert children[-1] == f"{gmd}supplementalInformation"
    assert children.index(f"{gmd}extent") == len(children) - 2
    text = "".join(ident.find(f"{gmd}supplementalInformation").itertext())
    assert "字段名为英文代码" in text and "years_basis_zh" in text
