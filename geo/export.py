"""Exports for GIS tools: the catalog as files that QGIS, ArcGIS, Google Earth and 奥维 open as is.

Formats and output coordinate systems are tables (``FORMATS``, ``CRSS``); ``export`` returns the
file as bytes, so the sidebar's download button, the command line and the tests make one call.

Unplaced projects (no geometry) are never dropped: GeoJSON and CSV keep them as features
without geometry; KML as Placemarks without geometry in the folder ``projects_unplaced`` (Google
Earth and GDAL's LIBKML list them; GDAL's old KML driver skips them); GeoPackage puts them in an
attribute-only table ``projects_unplaced``; the Shapefile zip ships them as a ``.dbf`` table
without ``.shp``. Every export carries a metadata
record (time, scope, count, CRS, source documents, catalog version, warnings).

Gauss–Krüger zone: the 3-degree zone border is 106.5°E and the district outline reaches only
106.491°E (its bounds are 106.247–106.491°E), so the whole district lies in the zone with central
meridian 105°E, EPSG:4544 (checked with pyproj: 4543 is CM 102°E, 4545 is CM 108°E). That is the
default; CM 108°E (EPSG:4545) is offered for work joined with the districts east of the river.

Command line (the same code as the buttons)::

    python -m geo.export --format gpkg --crs EPSG:4544 --sector 交通 --out x.gpkg
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import re
import sys
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any, NamedTuple
from xml.etree import ElementTree as ET

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyogrio.errors
import shapely
from pyproj import CRS

from geo.crs import WGS84, geometry_to_gcj02, transformer
from projects import schema, vocab
from projects.errors import InvalidValue

GCJ02 = "GCJ-02"


@dataclass(frozen=True)
class OutputCrs:
    """One coordinate system an export can be written in."""

    #: Chinese label for the UI.
    label: str
    #: EPSG code, or None for GCJ-02, which is no CRS any registry defines.
    epsg: int | None
    #: Metres (True) or degrees (False): sets the tolerance and text precision.
    projected: bool
    #: What a user should know, written into the metadata.
    note: str


#: Output CRSs, in the order the UI lists them; the first is the default.
CRSS: dict[str, OutputCrs] = {
    "EPSG:4326": OutputCrs(
        "WGS84 经纬度（EPSG:4326）", 4326, False, "WGS84 geographic lon/lat (GPS, OSM, 天地图)."
    ),
    "EPSG:4490": OutputCrs(
        "CGCS2000 经纬度（EPSG:4490）",
        4490,
        False,
        "CGCS2000 geographic lon/lat; differs from WGS84 by well under 1 m here.",
    ),
    "EPSG:4544": OutputCrs(
        "CGCS2000 3度带 高斯-克吕格 中央经线105°E（EPSG:4544，推荐）",
        4544,
        True,
        "CGCS2000 3-degree Gauss-Kruger CM 105E, metres, false easting 500000 without zone "
        "prefix. The whole district (106.247-106.491E) lies in this zone.",
    ),
    "EPSG:4545": OutputCrs(
        "CGCS2000 3度带 高斯-克吕格 中央经线108°E（EPSG:4545）",
        4545,
        True,
        "CGCS2000 3-degree Gauss-Kruger CM 108E, metres; the district is west of this zone "
        "(border 106.5E), so its scale distortion is larger than in EPSG:4544.",
    ),
    GCJ02: OutputCrs(
        "GCJ-02 火星坐标（高德/腾讯地图用，非标准坐标系）",
        None,
        False,
        "GCJ-02 is NOT a standard CRS: WGS84 lon/lat shifted by the published obfuscation "
        "formula (about +0.0040 lon, -0.0026 lat here, ~480 m). No .prj or CRS is written, "
        "because any would wrongly claim WGS84; load it only in tools that expect GCJ-02.",
    ),
}
DEFAULT_CRS = "EPSG:4326"
#: The Gauss–Krüger zone to use for this district (see the module docstring).
DEFAULT_GAUSS_KRUGER = "EPSG:4544"

GEOGRAPHIC_ONLY = ("EPSG:4326", GCJ02)


@dataclass(frozen=True)
class Format:
    """One export file format."""

    #: Chinese label for the UI.
    label: str
    #: File name extension of the download (``.zip`` where several files travel together).
    extension: str
    mime: str
    #: The CRSs the format can honestly carry (GeoJSON and KML are lon/lat by definition).
    crss: tuple[str, ...]
    #: Whether "one file per geometry type" is an option (it always is for Shapefile).
    splittable: bool = False


FORMATS: dict[str, Format] = {
    "geojson": Format(
        "GeoJSON（RFC 7946）", ".geojson", "application/geo+json", GEOGRAPHIC_ONLY, True
    ),
    "gpkg": Format("GeoPackage", ".gpkg", "application/geopackage+sqlite3", tuple(CRSS)),
    "shp": Format("Shapefile（zip，每种几何类型一套）", ".zip", "application/zip", tuple(CRSS)),
    "kml": Format(
        "KML（Google Earth / 奥维互动地图）",
        ".kml",
        "application/vnd.google-earth.kml+xml",
        GEOGRAPHIC_ONLY,
    ),
    "csv": Format("CSV（WKT 几何，zip 含说明）", ".zip", "application/zip", tuple(CRSS)),
}

#: Geometry type -> family; one layer / file per family.
FAMILIES: dict[str, str] = {
    "Point": "point",
    "MultiPoint": "point",
    "LineString": "line",
    "MultiLineString": "line",
    "Polygon": "polygon",
    "MultiPolygon": "polygon",
}
UNPLACED = "unplaced"
FAMILY_LABELS: dict[str, str] = {"point": "点", "line": "线", "polygon": "面", UNPLACED: "未定位"}

#: Fields whose values are lists or dicts: JSON text in flat formats.
LIST_FIELDS: tuple[str, ...] = tuple(f for f, (t, _, _) in schema.FIELDS.items() if t is list)

#: Shapefile (dBASE) field names are at most 10 characters: the documented mapping.
_SHAPEFILE_RENAMES = {"status_history": "status_hst", "geo_matched": "geo_match"}
SHAPEFILE_FIELDS: dict[str, str] = {f: _SHAPEFILE_RENAMES.get(f, f) for f in schema.FIELDS}
assert all(len(v) <= 10 for v in SHAPEFILE_FIELDS.values())
assert len(set(SHAPEFILE_FIELDS.values())) == len(SHAPEFILE_FIELDS)
#: dBASE text fields hold at most 254 bytes.
DBF_TEXT_BYTES = 254
#: Decimal places written as text: 7 in degrees (~1 cm, RFC 7946's advice), 4 in metres.
DEGREE_DECIMALS, METRE_DECIMALS = 7, 4

#: GDAL 3.6 (Debian's ogrinfo) warns on GeoPackage 1.4, the default of newer GDAL; 1.2 is
#: what ArcGIS and QGIS have read for years.
_GPKG_OPTIONS = {"VERSION": "1.2"}


class Export(NamedTuple):
    """A finished export: what the download button needs, and what the user should be told."""

    data: bytes
    filename: str
    mime: str
    #: Chinese notes on anything legal but lossy or unusual (also in the metadata).
    warnings: tuple[str, ...]
    #: Projects written (deleted records are never exported).
    count: int


def export(
    gdf: gpd.GeoDataFrame,
    fmt: str,
    crs: str = DEFAULT_CRS,
    *,
    scope: dict[str, Any],
    split_by_type: bool = False,
    catalog_version: str | None = None,
    zones: gpd.GeoDataFrame | None = None,
    outline: gpd.GeoDataFrame | None = None,
) -> Export:
    """Write the projects of ``gdf`` (WGS84, catalog schema) as one downloadable file.

    ``scope`` says which projects these are (``{"kind": "filter", "query": {...}}`` or
    ``{"kind": "all"}``) and is recorded in the metadata. ``zones`` and ``outline`` become extra
    GeoPackage layers. Deleted records are never exported.
    """
    spec = _check_choice("格式", fmt, FORMATS)
    _check_choice("坐标系", crs, CRSS)
    if crs not in spec.crss:
        allowed = "、".join(CRSS[c].label for c in spec.crss)
        raise InvalidValue(
            f"{spec.label} 只能使用以下坐标系：{allowed}。投影坐标请选择 GeoPackage、Shapefile 或 CSV。",
            field="crs",
        )
    if scope.get("kind") not in ("filter", "all"):
        raise InvalidValue("导出范围应为“当前筛选”（filter）或“全部项目”（all）。", field="scope")
    records, geometries = _records(gdf)
    geometries = [to_output_crs(g, crs) for g in geometries]
    notes: list[str] = []
    if crs == GCJ02:
        notes.append(
            "GCJ-02 不是标准坐标系：文件中没有写坐标系（.prj），请只在使用 GCJ-02 的工具中打开。"
        )
    meta = metadata(records, geometries, fmt, crs, scope, catalog_version)
    writer = _WRITERS[fmt]
    data, extension = writer(
        records, geometries, crs, meta, notes, split_by_type, zones=zones, outline=outline
    )
    filename = f"shapingba-projects_{scope['kind']}_{crs.replace(':', '-')}{extension}"
    for note in notes:
        warnings.warn(note, ExportWarning, stacklevel=2)
    mime = spec.mime if extension == spec.extension else _ZIP
    return Export(data, filename, mime, tuple(notes), len(records))


class ExportWarning(UserWarning):
    """The export is valid but loses or changes something (the message is Chinese)."""


_ZIP = "application/zip"


def _check_choice(label: str, value: str, table: dict[str, Any]) -> Any:
    if value not in table:
        raise InvalidValue(f"不支持的{label}“{value}”，可选：{'、'.join(table)}。", field=label)
    return table[value]


# --- records and geometry ---------------------------------------------------------------------


def _records(gdf: gpd.GeoDataFrame) -> tuple[list[dict[str, Any]], list[shapely.Geometry | None]]:
    """Plain per-project dicts with exactly the schema's fields, typed by the schema, and the
    WGS84 geometries (None for unplaced projects). Deleted records are left out."""
    if gdf.crs is not None and CRS.from_user_input(gdf.crs) != CRS.from_user_input(WGS84):
        gdf = gdf.to_crs(WGS84)
    records, geometries = [], []
    columns = set(gdf.columns)
    for row, geom in zip(gdf.to_dict("records"), gdf.geometry, strict=True):
        props = {
            f: _clean(f, row.get(f) if f in columns else d)
            for f, (_, d, _) in schema.FIELDS.items()
        }
        if props["deleted"]:
            continue
        if geom is not None and geom.is_empty:
            geom = None
        if geom is not None and geom.geom_type not in FAMILIES:
            raise InvalidValue(
                f"项目“{props['name']}”的几何类型 {geom.geom_type} 无法导出（只支持点、线、面）。",
                project_id=props["id"],
                field="geometry",
            )
        records.append(props)
        geometries.append(geom)
    return records, geometries


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _clean(field: str, value: Any) -> Any:
    """One value as the schema types it: plain Python, None for missing (lists: [])."""
    kind, default, _ = schema.FIELDS[field]
    if kind is list:
        if isinstance(value, str):
            value = json.loads(value) if value.strip() else []
        if isinstance(value, np.ndarray | tuple):
            value = list(value)
        return _plain(value) if isinstance(value, list) else list(default)
    if _missing(value):
        return default if kind is bool else None
    if kind is int:
        return int(value)
    if kind is float:
        return float(value)
    if kind is bool:
        return bool(value)
    return str(value)


def _plain(value: Any) -> Any:
    """Nested lists/dicts with numpy scalars turned into Python ones (JSON-ready)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def to_output_crs(geom: shapely.Geometry | None, crs: str) -> shapely.Geometry | None:
    """A WGS84 geometry in the output CRS (GCJ-02 through the project's own converter)."""
    if geom is None:
        return None
    if crs == GCJ02:
        return geometry_to_gcj02(geom)
    if crs == WGS84:
        return geom
    return shapely.transform(geom, transformer(WGS84, crs).transform, interleaved=False)


def family(geom: shapely.Geometry | None) -> str:
    """The layer a geometry goes to: point, line, polygon or unplaced."""
    return UNPLACED if geom is None else FAMILIES[geom.geom_type]


def _rounded(geom: shapely.Geometry, decimals: int) -> shapely.Geometry:
    return shapely.transform(geom, lambda xy: np.round(xy, decimals))


def rfc7946_geometry(geom: shapely.Geometry) -> shapely.Geometry:
    """Rounded to 7 decimals, then polygons wound by the right-hand rule (exterior CCW)."""
    return shapely.orient_polygons(_rounded(geom, DEGREE_DECIMALS), exterior_cw=False)


def _groups(geometries: list[shapely.Geometry | None]) -> dict[str, list[int]]:
    """Record indices per family, in FAMILY_LABELS order, empty families left out."""
    out: dict[str, list[int]] = {}
    for fam in FAMILY_LABELS:
        idx = [i for i, g in enumerate(geometries) if family(g) == fam]
        if idx:
            out[fam] = idx
    return out


def flat_value(field: str, value: Any) -> Any:
    """A value for a flat format: lists and dicts as JSON text, the rest unchanged."""
    if field in LIST_FIELDS:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def flat_record(record: dict[str, Any]) -> dict[str, Any]:
    """A record for a flat format (every list field as JSON text)."""
    return {f: flat_value(f, v) for f, v in record.items()}


# --- metadata ---------------------------------------------------------------------------------


def metadata(
    records: list[dict[str, Any]],
    geometries: list[shapely.Geometry | None],
    fmt: str,
    crs: str,
    scope: dict[str, Any],
    catalog_version: str | None,
) -> dict[str, Any]:
    """What a file says about itself: when, which projects, how many, where from, in which CRS."""
    out_crs = CRSS[crs]
    cited = {s.get("doc") for r in records for s in r["sources"] if isinstance(s, dict)}
    documents = [
        {"file": d.file, "title": d.title, "issuer": d.issuer, "date": d.date}
        for d in vocab.DOCUMENTS
        if d.file in cited
    ]
    return {
        "title": "沙坪坝 项目一张图：项目导出",
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "format": fmt,
        "scope": scope,
        "count": len(records),
        "counts": {fam: len(idx) for fam, idx in _groups(geometries).items()},
        "crs": {
            "code": crs,
            "epsg": out_crs.epsg,
            "label": out_crs.label,
            "standard": out_crs.epsg is not None,
            "note": out_crs.note,
        },
        "catalog_version": catalog_version,
        "source_documents": documents,
        "unplaced": "Projects without a position are kept without geometry (GeoPackage: table "
        "projects_unplaced; Shapefile: projects_unplaced.dbf).",
        "fields": {f: label for f, (_, _, label) in schema.FIELDS.items()},
        "status_note": "status is each record's latest status; a year filter selects by the "
        "status as of the range's end (status_history holds every dated mention).",
        "warnings": [],
    }


def _meta_json(meta: dict[str, Any], notes: list[str]) -> bytes:
    meta = {**meta, "warnings": list(notes)}
    return json.dumps(meta, ensure_ascii=False, indent=2).encode("utf-8")


# --- GeoJSON ----------------------------------------------------------------------------------


def _geojson_collection(
    records: list[dict[str, Any]], geometries: list[Any], meta: dict[str, Any] | None
) -> bytes:
    features = []
    for r, g in zip(records, geometries, strict=True):
        feature: dict[str, Any] = {"type": "Feature"}
        if r["id"] is not None:  # RFC 7946 §3.2: an id, where present, is a string or number
            feature["id"] = r["id"]
        feature["geometry"] = None if g is None else shapely.geometry.mapping(rfc7946_geometry(g))
        feature["properties"] = r
        features.append(feature)
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if meta is not None:
        collection["metadata"] = meta  # a foreign member (RFC 7946 §6.1); readers ignore it
    return json.dumps(collection, ensure_ascii=False, allow_nan=False).encode("utf-8")


def _write_geojson(records, geometries, crs, meta, notes, split, **_) -> tuple[bytes, str]:
    if crs == GCJ02:
        notes.append("GeoJSON 规定使用 WGS84；本文件坐标为 GCJ-02，仅供高德/腾讯等工具使用。")
    if not split:
        return _geojson_collection(
            records, geometries, {**meta, "warnings": list(notes)}
        ), ".geojson"
    files = {}
    for fam, idx in _groups(geometries).items():
        files[f"projects_{fam}.geojson"] = _geojson_collection(
            [records[i] for i in idx], [geometries[i] for i in idx], None
        )
    files["metadata.json"] = _meta_json(meta, notes)
    return _zip(files), ".zip"


# --- GeoPackage and Shapefile through GDAL -----------------------------------------------------


def _frame(
    records: list[dict[str, Any]],
    geometries: list[Any],
    crs: str,
    names: dict[str, str] | None = None,
) -> gpd.GeoDataFrame | pd.DataFrame:
    """A frame GDAL writes with the schema's types (nullable ints stay integers); ``records``
    are already flat (``flat_record``)."""
    columns = {}
    for f, (kind, _, _) in schema.FIELDS.items():
        values = [r[f] for r in records]
        if kind is int:
            series = pd.array(values, dtype="Int64")
        elif kind is float:
            series = pd.array([np.nan if v is None else v for v in values], dtype="float64")
        elif kind is bool:
            series = pd.array(values, dtype="bool")
        else:
            series = pd.array(values, dtype=object)
        columns[(names or {}).get(f, f)] = series
    frame = pd.DataFrame(columns)
    if all(g is None for g in geometries):
        return frame
    epsg = CRSS[crs].epsg
    return gpd.GeoDataFrame(frame, geometry=list(geometries), crs=None if epsg is None else epsg)


def _mixed_multi(geometries: Iterable[Any]) -> bool:
    kinds = {g.geom_type for g in geometries}
    return len(kinds) > 1


def _write_gpkg(
    records, geometries, crs, meta, notes, split, *, zones, outline
) -> tuple[bytes, str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.gpkg"
        first = True

        def write(frame, layer: str, description: str, **kw) -> None:
            nonlocal first
            with warnings.catch_warnings():  # GCJ-02 has no CRS on purpose
                warnings.filterwarnings("ignore", "'crs' was not provided", UserWarning)
                pyogrio.write_dataframe(
                    frame,
                    path,
                    layer=layer,
                    driver="GPKG",
                    dataset_options=_GPKG_OPTIONS if first else None,
                    layer_options={"IDENTIFIER": layer, "DESCRIPTION": description},
                    dataset_metadata={"export": _meta_json(meta, notes).decode("utf-8")}
                    if first
                    else None,
                    **kw,
                )
            first = False

        for fam, idx in _groups(geometries).items():
            geoms = [geometries[i] for i in idx]
            frame = _frame([flat_record(records[i]) for i in idx], geoms, crs)
            label = f"沙坪坝区项目（{FAMILY_LABELS[fam]}）"
            if fam == UNPLACED:
                write(frame, "projects_unplaced", label + "：没有位置的项目，只有属性")
            else:
                write(frame, f"projects_{fam}", label, promote_to_multi=_mixed_multi(geoms))
        for layer, extra, label in (("zones", zones, "东中西片区"), ("outline", outline, "区界")):
            if extra is None or extra.empty:
                continue
            extra = extra.to_crs(WGS84) if extra.crs is not None else extra
            frame = gpd.GeoDataFrame(
                extra.drop(columns=extra.geometry.name),
                geometry=[to_output_crs(g, crs) for g in extra.geometry],
                crs=None if CRSS[crs].epsg is None else CRSS[crs].epsg,
            )
            write(frame, layer, label, promote_to_multi=_mixed_multi(frame.geometry))
        if first:  # nothing to write: still a valid file, with an empty attribute table
            write(_frame([], [], crs), "projects_unplaced", "沙坪坝区项目（空）")
        return path.read_bytes(), ".gpkg"


def _truncate_bytes(text: str, limit: int) -> str:
    """The longest prefix of ``text`` that fits ``limit`` UTF-8 bytes (never half a character)."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")


def _write_shp(records, geometries, crs, meta, notes, split, **_) -> tuple[bytes, str]:
    files: dict[str, bytes] = {}
    too_long: set[str] = set()  # fields with a value cut at 254 bytes
    with tempfile.TemporaryDirectory() as tmp:
        for fam, idx in _groups(geometries).items():
            rows = []
            for i in idx:
                row = {}
                for f, v in flat_record(records[i]).items():
                    if isinstance(v, str) and len(v.encode("utf-8")) > DBF_TEXT_BYTES:
                        too_long.add(f)
                        v = _truncate_bytes(v, DBF_TEXT_BYTES)
                    row[f] = v
                rows.append(row)
            geoms = [geometries[i] for i in idx]
            frame = _frame(rows, geoms, crs, SHAPEFILE_FIELDS)
            stem = f"projects_{fam}"
            with warnings.catch_warnings():  # GCJ-02 has no CRS on purpose
                warnings.filterwarnings("ignore", "'crs' was not provided", UserWarning)
                pyogrio.write_dataframe(
                    frame,
                    Path(tmp) / f"{stem}.shp" if fam != UNPLACED else Path(tmp) / f"{stem}.dbf",
                    driver="ESRI Shapefile",
                    encoding="UTF-8",
                    promote_to_multi=fam != UNPLACED and _mixed_multi(geoms),
                )
        for part in sorted(Path(tmp).iterdir()):
            files[part.name] = part.read_bytes()
    renamed = {f: s for f, s in SHAPEFILE_FIELDS.items() if f != s}
    notes.append(
        "Shapefile 字段名最多 10 个字符，已按 fields.csv 改名："
        + "、".join(f"{f}→{s}" for f, s in renamed.items())
        + "。"
    )
    if too_long:
        fields = "、".join(
            f"{label}（{SHAPEFILE_FIELDS[f]}）"
            for f, (_, _, label) in schema.FIELDS.items()
            if f in too_long
        )
        notes.append(
            f"Shapefile 文本字段最长 254 字节，{fields} 有内容被截断；完整属性见 attributes_full.csv（按 id 关联）。"
        )
        files["attributes_full.csv"] = _csv_table(records, None, crs)
    files["fields.csv"] = _fields_table()
    files["metadata.json"] = _meta_json(meta, notes)
    return _zip(files), ".zip"


def _fields_table() -> bytes:
    """The documented Shapefile field-name mapping, shipped beside the files."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["field", "shapefile_field", "label_zh", "type", "note"])
    for f, (kind, _, label) in schema.FIELDS.items():
        note = "JSON text" if kind is list else ""
        writer.writerow([f, SHAPEFILE_FIELDS[f], label, kind.__name__, note])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- CSV --------------------------------------------------------------------------------------


def _wkt(geom: shapely.Geometry | None, crs: str) -> str:
    if geom is None:
        return ""
    decimals = METRE_DECIMALS if CRSS[crs].projected else DEGREE_DECIMALS
    return shapely.to_wkt(geom, rounding_precision=decimals, trim=True)


def _csv_table(records, geometries, crs: str) -> bytes:
    """UTF-8 with a BOM (so Excel reads Chinese), WKT first (so GDAL finds the geometry)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = list(schema.FIELDS)
    writer.writerow((["WKT"] if geometries is not None else []) + header)
    for i, r in enumerate(records):
        values = ["" if (v := flat_value(f, r[f])) is None else _csv_text(v) for f in header]
        writer.writerow(([_wkt(geometries[i], crs)] if geometries is not None else []) + values)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _csvt() -> bytes:
    """GDAL's column-type sidecar, so ogr tools read numbers as numbers."""
    types = {str: "String", int: "Integer", float: "Real", bool: "Integer(Boolean)", list: "String"}
    row = ["WKT"] + [types[k] for k, _, _ in schema.FIELDS.values()]
    return ",".join(f'"{t}"' for t in row).encode("ascii")


def _write_csv(records, geometries, crs, meta, notes, split, **_) -> tuple[bytes, str]:
    files = {"projects.csv": _csv_table(records, geometries, crs), "projects.csvt": _csvt()}
    prj = _prj(crs)
    if prj:
        files["projects.prj"] = prj
    files["metadata.json"] = _meta_json(meta, notes)
    return _zip(files), ".zip"


def _prj(crs: str) -> bytes | None:
    epsg = CRSS[crs].epsg
    return None if epsg is None else CRS.from_epsg(epsg).to_wkt("WKT1_ESRI").encode("ascii")


# --- KML --------------------------------------------------------------------------------------

KML_NS = "http://www.opengis.net/kml/2.2"
#: Typed attributes (Schema + SchemaData): Google Earth lists them by their Chinese
#: displayName, and both of GDAL's KML drivers read them back as fields.
KML_SCHEMA = "projects"
_XML_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_KML_TYPES = {str: "string", int: "int", float: "double", bool: "bool", list: "string"}


def _kml_text(value: Any) -> str:
    """A SimpleData value: booleans as 1/0, which every KML reader parses."""
    return str(int(value)) if isinstance(value, bool) else str(value)


def _kml_colour(hex_rgb: str, alpha: str = "ff") -> str:
    """KML colours are aabbggrr."""
    r, g, b = hex_rgb[1:3], hex_rgb[3:5], hex_rgb[5:7]
    return f"{alpha}{b}{g}{r}"


def _coords(seq) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y, *_ in seq)


def _num(v: float) -> str:
    return repr(float(round(v, DEGREE_DECIMALS)))


def _kml_geometry(parent: ET.Element, geom: shapely.Geometry) -> None:
    kind = geom.geom_type
    if kind.startswith("Multi"):
        multi = ET.SubElement(parent, "MultiGeometry")
        for part in geom.geoms:
            _kml_geometry(multi, part)
    elif kind == "Point":
        ET.SubElement(ET.SubElement(parent, "Point"), "coordinates").text = _coords(geom.coords)
    elif kind == "LineString":
        line = ET.SubElement(parent, "LineString")
        ET.SubElement(line, "tessellate").text = "1"
        ET.SubElement(line, "coordinates").text = _coords(geom.coords)
    elif kind == "Polygon":
        poly = ET.SubElement(parent, "Polygon")
        for tag, rings in (
            ("outerBoundaryIs", [geom.exterior]),
            ("innerBoundaryIs", geom.interiors),
        ):
            for ring in rings:
                linear = ET.SubElement(ET.SubElement(poly, tag), "LinearRing")
                ET.SubElement(linear, "coordinates").text = _coords(ring.coords)


def _html_table(record: dict[str, Any]) -> str:
    """The balloon: every attribute in a two-column table, every value HTML-escaped."""
    rows = "".join(
        f"<tr><th>{escape(label)}</th><td>{escape(_csv_text(flat_value(f, record[f])))}</td></tr>"
        for f, (_, _, label) in schema.FIELDS.items()
        if record[f] not in (None, "", [])
    )
    return f'<table border="1" cellpadding="2">{rows}</table>'


def _write_kml(records, geometries, crs, meta, notes, split, **_) -> tuple[bytes, str]:
    kml = ET.Element("kml", xmlns=KML_NS)
    doc = ET.SubElement(kml, "Document")
    ET.SubElement(doc, "name").text = "沙坪坝区项目"
    if crs == GCJ02:
        notes.append("KML 规定使用 WGS84；本文件坐标为 GCJ-02，在 Google Earth 中会偏移约 500 米。")
    ET.SubElement(doc, "description").text = json.dumps(
        {**meta, "warnings": list(notes)}, ensure_ascii=False, indent=1
    )
    fields = ET.SubElement(doc, "Schema", name=KML_SCHEMA, id=KML_SCHEMA)
    for f, (kind, _, label) in schema.FIELDS.items():
        if f != "name":  # the Placemark's <name> is the label
            field = ET.SubElement(fields, "SimpleField", name=f, type=_KML_TYPES[kind])
            ET.SubElement(field, "displayName").text = label
    for status, colour in vocab.STATUS_COLOURS.items():
        style = ET.SubElement(doc, "Style", id=f"status-{vocab.ALL_STATUSES.index(status)}")
        ET.SubElement(ET.SubElement(style, "IconStyle"), "color").text = _kml_colour(colour)
        line = ET.SubElement(style, "LineStyle")
        ET.SubElement(line, "color").text = _kml_colour(colour)
        ET.SubElement(line, "width").text = "3"
        ET.SubElement(ET.SubElement(style, "PolyStyle"), "color").text = _kml_colour(colour, "66")
    for fam, idx in _groups(geometries).items():
        folder = ET.SubElement(doc, "Folder")
        ET.SubElement(folder, "name").text = f"projects_{fam}"
        ET.SubElement(folder, "description").text = f"沙坪坝区项目（{FAMILY_LABELS[fam]}）"
        for i in idx:
            r = records[i]
            mark = ET.SubElement(folder, "Placemark")
            # The project id is also the Placemark's own id where it is a valid XML id (catalog
            # ids SPB-0001, staff-0001 are): GDAL 3.12 reads that as "id", GDAL 3.6 the
            # SchemaData one.
            if r["id"] is not None and _XML_ID.fullmatch(r["id"]):
                mark.set("id", r["id"])
            ET.SubElement(mark, "name").text = r["name"] or ""
            ET.SubElement(mark, "description").text = _html_table(r)
            status = r["status"] if r["status"] in vocab.ALL_STATUSES else vocab.UNKNOWN_STATUS
            ET.SubElement(mark, "styleUrl").text = f"#status-{vocab.ALL_STATUSES.index(status)}"
            data = ET.SubElement(ET.SubElement(mark, "ExtendedData"), "SchemaData")
            data.set("schemaUrl", f"#{KML_SCHEMA}")
            for f in schema.FIELDS:
                value = flat_value(f, r[f])
                if f != "name" and value is not None:  # name is the Placemark's own label
                    ET.SubElement(data, "SimpleData", name=f).text = _kml_text(value)
            if geometries[i] is not None:
                geom = shapely.orient_polygons(geometries[i], exterior_cw=False)
                _kml_geometry(mark, geom)
    body = ET.tostring(kml, encoding="utf-8", xml_declaration=True)
    return body, ".kml"


# --- shared -----------------------------------------------------------------------------------


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buffer.getvalue()


_WRITERS: dict[str, Callable[..., tuple[bytes, str]]] = {
    "geojson": _write_geojson,
    "gpkg": _write_gpkg,
    "shp": _write_shp,
    "kml": _write_kml,
    "csv": _write_csv,
}
assert set(_WRITERS) == set(FORMATS)


# --- boundaries and the command line -----------------------------------------------------------


def boundary_layers() -> tuple[gpd.GeoDataFrame | None, gpd.GeoDataFrame | None]:
    """The zones and the outline for the GeoPackage's extra layers (None where not built yet)."""
    from geo import boundaries

    try:
        zones = boundaries.load_zones()
    except (OSError, pyogrio.errors.DataSourceError):
        zones = None
    try:
        outline = gpd.GeoDataFrame(
            {"name": ["沙坪坝区"]}, geometry=[boundaries.load_outline()], crs=WGS84
        )
    except (OSError, pyogrio.errors.DataSourceError):
        outline = None
    return zones, outline


def catalog_version(path: Path) -> str:
    """A short content hash of the catalog file: two exports with the same value saw the same data."""
    import hashlib

    return "sha256:" + hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    from projects import store

    parser = argparse.ArgumentParser(
        prog="python -m geo.export", description="Export the Shapingba project catalog."
    )
    parser.add_argument("--format", required=True, choices=list(FORMATS))
    parser.add_argument("--crs", default=DEFAULT_CRS, choices=list(CRSS))
    parser.add_argument("--out", required=True, type=Path, help="file to write")
    parser.add_argument("--split", action="store_true", help="GeoJSON: one file per geometry type")
    parser.add_argument("--catalog", type=Path, default=store.CATALOG_PATH)
    parser.add_argument("--sector", action="append", help="keep this sector (repeatable)")
    parser.add_argument("--status", action="append", help="keep this status (repeatable)")
    parser.add_argument("--zone", action="append", help="keep this zone (repeatable; * for all)")
    parser.add_argument("--years", help="inclusive year range, e.g. 2021-2025")
    parser.add_argument("--q", default="", help="text in names and aliases")
    return parser.parse_args(argv)


def cli_query(args: argparse.Namespace) -> Any | None:
    """The filter the flags describe, through the same URL-parameter parser as shared links;
    None when no filter flag is given (the whole catalog)."""
    from projects.filters import P_SECTOR, P_STATUS, P_TEXT, P_YEARS, P_ZONE, parse_params

    params = {
        P_SECTOR: ",".join(args.sector) if args.sector else None,
        P_STATUS: ",".join(args.status) if args.status else None,
        P_ZONE: ",".join(args.zone) if args.zone else None,
        P_YEARS: args.years,
        P_TEXT: args.q or None,
    }
    params = {k: v for k, v in params.items() if v is not None}
    if not params:
        return None
    query, problems = parse_params(params)
    if problems:
        raise InvalidValue(" ".join(p.replace("链接中的", "参数中的") for p in problems))
    return query


def main(argv: list[str] | None = None) -> int:
    from projects import store
    from projects.errors import CatalogError
    from projects.filters import catalog_frame, filter_projects

    args = _parse_args(argv)
    try:
        query = cli_query(args)
        catalog = catalog_frame(store.load_collection(args.catalog))
        if query is None:
            selected, scope = catalog, {"kind": "all"}
        else:
            selected = filter_projects(catalog, query)
            scope = {"kind": "filter", "query": query.to_params()}
        zones, outline = boundary_layers() if args.format == "gpkg" else (None, None)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ExportWarning)
            result = export(
                selected,
                args.format,
                args.crs,
                scope=scope,
                split_by_type=args.split,
                catalog_version=catalog_version(args.catalog),
                zones=zones,
                outline=outline,
            )
    except CatalogError as error:
        print(f"错误：{error.message_zh}", file=sys.stderr)
        return 2
    args.out.write_bytes(result.data)
    for note in result.warnings:
        print(f"注意：{note}", file=sys.stderr)
    print(f"{result.count} projects -> {args.out} ({args.format}, {args.crs})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
