"""Catalog rows as plain, schema-typed records and geometries in the output CRS.

Every writer starts from these, so all formats agree on field types, on which projects are left
out (deleted ones) and on how a list field is flattened.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geo.crs import WGS84, geometry_to_gcj02, transformer
from geo.exchange.formats import (
    DEGREE_DECIMALS,
    FAMILIES,
    FAMILY_LABELS,
    GCJ02,
    GEOMETRY_SOURCES,
    LABEL_FIELDS,
    LIST_FIELDS,
    NOT_EXPORTED,
    UNPLACED,
)
from geo.places import resolve
from projects import clock, schema, vocab
from projects.errors import InvalidValue
from projects.progress import progress_of

#: ``geometry`` choices of an export: each project's own geometry only (a reference-level
#: position stays null, with its place's id and name), or the place's representative point.
GEOMETRY_CHOICES = {
    "own": "只用项目自身的位置（按地名定位的项目无几何，附所在地名）",
    "representative": "按地名定位的项目用所在地名的代表点",
}


def catalog_records(
    gdf: gpd.GeoDataFrame, geometry: str = "own"
) -> tuple[list[dict[str, Any]], list[shapely.Geometry | None]]:
    """Plain per-project dicts with the export's fields (the schema's, typed by it, and the
    derived ``place_name``, ``geometry_source``, ``progress``) and the WGS84 geometries (None
    for unplaced projects). Deleted records are left out.

    A project positioned by reference (``place_id``, null geometry) never gets a copy of the
    place's shape: it keeps null geometry, or with ``geometry="representative"`` the place's
    one representative point, marked ``geometry_source = "place_point"``."""
    if gdf.crs is not None and CRS.from_user_input(gdf.crs) != CRS.from_user_input(WGS84):
        gdf = gdf.to_crs(WGS84)
    records, geometries = [], []
    today = clock.today()
    columns = set(gdf.columns)
    for row, geom in zip(gdf.to_dict("records"), gdf.geometry, strict=True):
        props = {
            f: _clean(f, row.get(f) if f in columns else d)
            for f, (_, d, _) in schema.FIELDS.items()
        }
        if props["deleted"]:
            continue
        for f in NOT_EXPORTED:  # false in every row written, so no column of any export
            del props[f]
        props["progress"] = progress_of(props, today)[0]  # as of the export, China time
        if geom is not None and geom.is_empty:
            geom = None
        ref = resolve(props.get("place_id"))
        props["place_name"] = None if ref is None else ref.name
        if geom is None and ref is not None and geometry == "representative":
            geom = ref.point
            props["geometry_source"] = "place_point"
        else:
            props["geometry_source"] = None if geom is None else "own"
        for code, label in LABEL_FIELDS.items():  # what a person reads beside each code
            if label.endswith("_zh"):
                props[label] = _label(code, props.get(code))
        if geom is not None and geom.geom_type not in FAMILIES:
            raise InvalidValue(
                f"项目“{props['name']}”的几何类型 {geom.geom_type} 无法导出（只支持点、线、面）。",
                project_id=props["id"],
                field="geometry",
            )
        records.append(props)
        geometries.append(geom)
    return records, geometries


def _label(field: str, code: Any) -> Any:
    """The Chinese label of a code (``projects.vocab`` tables; the geometry source's here)."""
    if field == "geometry_source":
        return GEOMETRY_SOURCES.get(code, code) if isinstance(code, str) else None
    return vocab.code_label(field, code)


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


def to_output_crs(geoms: Sequence[shapely.Geometry | None], crs: str) -> np.ndarray:
    """WGS84 geometries in the output CRS (GCJ-02 through the project's own converter), as an
    object array (None stays None). All at once: one transform over every coordinate, not one
    per geometry (at 100 000 projects that was seconds of per-call overhead)."""
    arr = np.asarray(list(geoms), dtype=object)
    if crs == WGS84 or not len(arr):
        return arr
    if crs == GCJ02:
        return geometry_to_gcj02(arr)
    return shapely.transform(arr, transformer(WGS84, crs).transform, interleaved=False)


def family(geom: shapely.Geometry | None) -> str:
    """The layer a geometry goes to: point, line, polygon or unplaced."""
    return UNPLACED if geom is None else FAMILIES[geom.geom_type]


def _rounded(geom: shapely.Geometry, decimals: int) -> shapely.Geometry:
    return shapely.transform(geom, lambda xy: np.round(xy, decimals))


def rfc7946_geometry(geom: shapely.Geometry) -> shapely.Geometry:
    """Rounded to 7 decimals, then polygons wound by the right-hand rule (exterior CCW)."""
    return shapely.orient_polygons(_rounded(geom, DEGREE_DECIMALS), exterior_cw=False)


def unplaced_label(records: list[dict[str, Any]]) -> str:
    """What the table of projects without a geometry of their own holds: those placed by a
    place name are in it too (475 of 538 on the catalog of 2026-12), not only those with no
    position."""
    if not any(r.get("place_id") for r in records):
        return f"沙坪坝区项目（{FAMILY_LABELS[UNPLACED]}）：没有位置的项目，只有属性"
    return (
        "沙坪坝区项目（无自身几何）：按地名定位的项目（所在地名见 place_name，地名在 places_ "
        "图层，按 place_id 关联）和没有位置的项目，只有属性"
    )


def groups(geometries: list[shapely.Geometry | None]) -> dict[str, list[int]]:
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


def csv_text(value: Any) -> str:
    """A flat value as text: booleans as true/false, which GDAL and Excel both read."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def zip_files(files: dict[str, bytes]) -> bytes:
    """Several files as one download (Shapefile parts, CSV with its sidecars)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buffer.getvalue()
