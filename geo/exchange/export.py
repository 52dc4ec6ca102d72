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

The parts: :mod:`geo.exchange.formats` (the tables), :mod:`geo.exchange.records` (schema-typed
records in the output CRS), :mod:`geo.exchange.metadata`, :mod:`geo.exchange.writers` and
:mod:`geo.exchange.kml` (one writer per format). This module holds the one call and the command line.

Command line (the same code as the buttons)::

    python -m geo.exchange.export --format gpkg --crs EPSG:4544 --sector 交通 --out x.gpkg
"""

from __future__ import annotations

import argparse
import re
import sys
import warnings
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import geopandas as gpd
import pyogrio.errors
import shapely

from geo.crs import WGS84
from geo.exchange.formats import (
    CRSS,
    DEFAULT_CRS,
    FORMATS,
    GCJ02,
    GEOMETRY_SOURCES,
    KML_GCJ02_REASON,
    SPLIT_TAG,
    WITH_BOUNDARIES,
    WITH_PLACES,
)
from geo.exchange.metadata import metadata
from geo.exchange.records import (
    GEOMETRY_CHOICES,
    catalog_records,
    to_output_crs,
)
from geo.exchange.tables import yes_no
from geo.exchange.writers import WRITERS
from geo.places import resolve
from projects import clock, vocab
from projects.errors import InvalidValue


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
    geometry: str = "own",
) -> Export:
    """Write the projects of ``gdf`` (WGS84, catalog schema) as one downloadable file.

    ``scope`` says which projects these are (``{"kind": "filter", "query": {...}}`` or
    ``{"kind": "all"}``) and is recorded in the metadata. ``zones`` and ``outline`` become extra
    GeoPackage / File Geodatabase layers; the places the projects refer to are layers of their
    own there and in the Shapefile zip (once each, ``places_<family>``). ``geometry`` is "own" (a project placed by reference has null
    geometry and its place's id and name) or "representative" (the place's point instead).
    Deleted records are never exported.
    """
    _check_choice("几何选项", geometry, GEOMETRY_CHOICES)
    spec = _check_choice("格式", fmt, FORMATS)
    _check_choice("坐标系", crs, CRSS)
    if crs == GCJ02 and fmt in ("kml", "kmz"):
        raise InvalidValue(KML_GCJ02_REASON, field="crs")
    if crs not in spec.crss:
        allowed = "、".join(CRSS[c].label for c in spec.crss)
        raise InvalidValue(
            f"{spec.label} 只能使用以下坐标系：{allowed}。"
            + ("" if any(CRSS[c].projected for c in spec.crss) else _PROJECTED_HINT),
            field="crs",
        )
    if scope.get("kind") not in ("filter", "all"):
        raise InvalidValue("导出范围应为“当前筛选”（filter）或“全部项目”（all）。", field="scope")
    records, geometries = catalog_records(gdf, geometry)
    places = referenced_places(records) if fmt in WITH_PLACES else None
    drawn = [g for g in geometries if g is not None]
    bbox = tuple(float(v) for v in shapely.total_bounds(drawn)) if drawn else None
    geometries = list(to_output_crs(geometries, crs))
    notes: list[str] = []
    borrowed = sum(1 for r in records if r["geometry_source"] == "place_point")
    if borrowed and fmt != "dxf":  # a drawing has no fields: the DXF writer names its layers
        notes.append(
            f"{borrowed} 个按地名定位的项目画在所在地名的代表点上（其“几何来源说明”为“所在地名的"
            "代表点”），那不是项目自身的位置，定位精度见“定位精度”。"
        )
    if crs == GCJ02:
        notes.append(
            f"GCJ-02 不是标准坐标系：{GCJ02_UNSAID[fmt]}，请只在使用 GCJ-02 的工具（高德、腾讯地图"
            "等）中打开。"
        )
    meta = metadata(records, geometries, fmt, crs, scope, catalog_version)
    meta["geometry"] = {"mode": geometry, "label": GEOMETRY_CHOICES[geometry]}
    meta["bbox_wgs84"] = bbox
    meta["geometry_sources"] = GEOMETRY_SOURCES
    writer = WRITERS[fmt]
    data, extension = writer(
        records,
        geometries,
        crs,
        meta,
        notes,
        split_by_type,
        zones=zones,
        outline=outline,
        places=places,
    )
    filename = download_name(fmt, crs, scope, extension)
    for note in notes:
        warnings.warn(note, ExportWarning, stacklevel=2)
    mime = spec.mime if extension == spec.extension else _ZIP
    return Export(data, filename, mime, tuple(notes), len(records))


#: What a GCJ-02 file of each format has in place of a coordinate system (no CRS can name
#: GCJ-02 without claiming WGS84): only the Shapefile has a .prj to leave out.
GCJ02_UNSAID = {
    "shp": "压缩包中的 Shapefile 都不带坐标系文件（.prj）",
    "gpkg": "GeoPackage 各图层的坐标系为“未定义”",
    "geojson": "GeoJSON 无处注明坐标系，读取它的软件一律按 WGS84 理解",
    "csv": "CSV 的 WKT 列不带坐标系，只有文件名中的“GCJ02”说明它",
    "xlsx": "Excel 的 WKT 列不带坐标系，只有“说明”表中写了 GCJ-02，GIS 软件不会读取",
}
assert set(GCJ02_UNSAID) == {f for f, spec in FORMATS.items() if GCJ02 in spec.crss} - {
    "kml",
    "kmz",
}

#: Characters no file name may hold on Windows, macOS or Linux.
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\s]+')

#: A filter described in a file name longer than this is called 筛选 instead.
_MAX_SCOPE_NAME = 24


def scope_name(scope: dict[str, Any]) -> str:
    """A short Chinese description of the scope for a file name: 全部, or the filter's values.

    >>> scope_name({"kind": "filter", "query": {"sector": "交通,能源", "years": "2021-2025"}})
    '交通+能源_2021-2025'
    """
    if scope.get("kind") != "filter":
        return "全部"
    query = scope.get("query") or {}
    parts = []
    for key in ("sector", "status", "zone", "years", "q"):
        value = str(query.get(key) or "")
        if value:
            parts.append("全部片区" if value == "*" else value.replace(",", "+"))
    text = _UNSAFE_NAME.sub("", "_".join(parts))
    if not text:
        return "筛选"
    return text if len(text) <= _MAX_SCOPE_NAME else "筛选"


def download_name(
    fmt: str, crs: str, scope: dict[str, Any], extension: str, day: date | None = None
) -> str:
    """A file name that says what the file is: 沙坪坝项目_交通_EPSG4544_20261206.gpkg.

    Formats that share an extension (.zip) add their tag, so two downloads never share a name.
    """
    spec = FORMATS[fmt]
    tag = spec.tag
    if extension != spec.extension:  # a multi-file variant of a one-file format
        tag = SPLIT_TAG
    day = day or clock.today()
    parts = [
        "沙坪坝项目",
        scope_name(scope),
        crs.replace(":", "").replace("-", ""),
        f"{day:%Y%m%d}",
    ]
    if tag:
        parts.append(tag)
    return "_".join(parts) + extension


_PROJECTED_HINT = "投影坐标请选择 GeoPackage、Shapefile、File Geodatabase、CSV 或 Excel。"


class ExportWarning(UserWarning):
    """The export is valid but loses or changes something (the message is Chinese)."""


_ZIP = "application/zip"


def _check_choice(label: str, value: str, table: dict[str, Any]) -> Any:
    if value not in table:
        raise InvalidValue(f"不支持的{label}“{value}”，可选：{'、'.join(table)}。", field=label)
    return table[value]


def referenced_places(records: list[dict[str, Any]]) -> gpd.GeoDataFrame | None:
    """The places the records refer to, once each (WGS84): the layer ``places``, so no export
    repeats a place's shape per project."""
    rows, shapes = [], []
    for place_id in sorted({r["place_id"] for r in records if r.get("place_id")}):
        ref = resolve(place_id)
        if ref is None:
            continue
        rows.append(
            {
                "place_id": ref.id,
                "name": ref.name,
                "precision": ref.precision,
                "precision_zh": vocab.code_label("precision", ref.precision),
                "schematic": ref.schematic,
                "schematic_zh": yes_no(ref.schematic),
                "basis": ref.basis,
                "projects": sum(1 for r in records if r.get("place_id") == place_id),
            }
        )
        shapes.append(ref.geometry)
    if not rows:
        return None
    frame = gpd.GeoDataFrame(rows, geometry=shapes, crs=WGS84)
    return frame.astype({"projects": "int32"})  # ArcGIS's Long, as the other counts


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
        prog="python -m geo.exchange.export", description="Export the Shapingba project catalog."
    )
    parser.add_argument("--format", required=True, choices=list(FORMATS))
    parser.add_argument("--crs", default=DEFAULT_CRS, choices=list(CRSS))
    parser.add_argument("--out", required=True, type=Path, help="file to write")
    parser.add_argument("--split", action="store_true", help="GeoJSON: one file per geometry type")
    parser.add_argument(
        "--geometry",
        choices=list(GEOMETRY_CHOICES),
        default="own",
        help="own: projects placed by a place name keep null geometry (with place_id and "
        "place_name); representative: they get the place's representative point",
    )
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
    """``python -m geo.exchange.export``: exit 0 on success, 2 with a Chinese message on bad input."""
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
        zones, outline = boundary_layers() if args.format in WITH_BOUNDARIES else (None, None)
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
                geometry=args.geometry,
            )
    except CatalogError as error:
        print(f"错误：{error.message_zh}", file=sys.stderr)
        return 2
    out, corrected = output_path(args.out, result.filename)
    out.write_bytes(result.data)
    for note in result.warnings:
        print(f"注意：{note}", file=sys.stderr)
    if corrected:
        print(f"注意：{corrected}", file=sys.stderr)
    print(f"已导出 {result.count} 个项目 → {out}（{FORMATS[args.format].label}，{args.crs}）")
    return 0


def output_path(asked: Path, filename: str) -> tuple[Path, str]:
    """Where the CLI writes: ``asked`` with the extension the file really has (a folder gets the
    download name), and a Chinese note when the name had to change."""
    extension = "".join(Path(filename).suffixes[-1:])
    if asked.is_dir():
        return asked / filename, ""
    if asked.name.lower().endswith(extension.lower()):
        return asked, ""
    fixed = (
        asked.with_suffix(extension) if asked.suffix else asked.with_name(asked.name + extension)
    )
    why = "多个文件已打包为 .zip" if extension == ".zip" else f"该格式的文件扩展名是 {extension}"
    return fixed, f"输出文件名 {asked.name} 与格式不符（{why}），已改为 {fixed.name}。"


if __name__ == "__main__":
    sys.exit(main())
