"""One writer per export format; each returns the file's bytes and its extension.

GeoPackage, File Geodatabase and Shapefile go through GDAL (pyogrio) in a temporary folder; GeoJSON and CSV are
written directly. All writers share the signature ``(records, geometries, crs, meta, notes,
split, **extra)`` and append Chinese notes on anything lossy to ``notes``.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyogrio
import shapely

from geo.crs import WGS84
from geo.exchange.cad import write_dxf
from geo.exchange.cells import safe_cell
from geo.exchange.describe import describe_gpkg, iso_metadata, qml, sld
from geo.exchange.formats import (
    CRSS,
    DBF_TEXT_BYTES,
    DEGREE_DECIMALS,
    EXPORT_FIELDS,
    FAMILY_LABELS,
    FIELD_TITLES,
    FORMATS,
    LIST_FIELDS,
    METRE_DECIMALS,
    RELATED_TABLE,
    SHAPEFILE_FIELDS,
    UNPLACED,
)
from geo.exchange.kml import kml_value, write_kml, write_kmz
from geo.exchange.metadata import meta_json
from geo.exchange.records import (
    csv_text,
    family,
    flat_record,
    flat_value,
    groups,
    rfc7946_geometry,
    to_output_crs,
    unplaced_label,
    zip_files,
)
from geo.exchange.tables import write_xlsx, yes_no

#: Text fields that hold an ISO date-time (written as DateTime where the format has one).
DATETIME_FIELDS = ("updated_at",)

#: GDAL 3.6 (Debian's ogrinfo) warns on GeoPackage 1.4, the default of newer GDAL; 1.2 is
#: what ArcGIS and QGIS have read for years.
_GPKG_OPTIONS = {"VERSION": "1.2"}


def _gdal_write(frame: gpd.GeoDataFrame | pd.DataFrame, path: Path, **options: Any) -> None:
    """pyogrio's writer, quiet about a missing CRS: GCJ-02 output has none on purpose."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "'crs' was not provided", UserWarning)
        pyogrio.write_dataframe(frame, path, **options)


#: The Arrow field metadata GDAL reads as a field's alternative name (GDAL ≥ 3.8; pyogrio's
#: wheels bring their own GDAL), which its OpenFileGDB writer stores as the field's alias.
_ALTERNATIVE_NAME = b"GDAL:OGR:alternative_name"


def _write_gdb_layer(
    frame: gpd.GeoDataFrame | pd.DataFrame,
    path: Path,
    layer: str,
    alias: str,
    *,
    promote_to_multi: bool = False,
) -> None:
    """One layer of a File Geodatabase, each field with its Chinese alias (:data:`FIELD_TITLES`),
    which ArcGIS shows as the column's name, and the layer with ``alias``.

    Through GDAL's Arrow interface: pyogrio's dataframe writer cannot give a field an
    alternative name, while an Arrow field's metadata can.
    """
    geo = isinstance(frame, gpd.GeoDataFrame)
    attributes = pd.DataFrame(frame.drop(columns=frame.geometry.name)) if geo else frame
    table = pa.Table.from_pandas(attributes, preserve_index=False)
    fields = [
        pa.field(
            f.name,
            pa.string() if pa.types.is_null(f.type) else f.type,  # GDAL has no null type
            metadata={_ALTERNATIVE_NAME: FIELD_TITLES[f.name].encode("utf-8")}
            if f.name in FIELD_TITLES
            else None,
        )
        for f in table.schema
    ]
    table = table.cast(pa.schema(fields))
    options: dict[str, Any] = {}
    if geo:
        geoms = np.asarray(frame.geometry.to_numpy(), dtype=object)
        if promote_to_multi:
            geoms = np.array([_as_multi(g) for g in geoms], dtype=object)
        kinds = {g.geom_type for g in geoms if g is not None}
        wkb = pa.array(list(shapely.to_wkb(geoms)), pa.binary())
        table = table.append_column(
            pa.field("geometry", pa.binary(), metadata={"ARROW:extension:name": "ogc.wkb"}), wkb
        )
        options = {
            "geometry_name": "geometry",
            "geometry_type": kinds.pop() if len(kinds) == 1 else "Unknown",
            "crs": None if frame.crs is None else frame.crs.to_wkt(),
        }
    pyogrio.write_arrow(
        table,
        path,
        layer=layer,
        driver="OpenFileGDB",
        layer_options={"LAYER_ALIAS": alias},  # ArcGIS shows the alias as the layer's name
        **options,
    )


def _as_multi(geometry: Any) -> Any:
    """A point, line or polygon as its one-part Multi kind (a layer holds one kind)."""
    make = {
        "Point": shapely.MultiPoint,
        "LineString": shapely.MultiLineString,
        "Polygon": shapely.MultiPolygon,
    }.get(getattr(geometry, "geom_type", ""))
    return make([geometry]) if make else geometry


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


def _write_geojson(
    records, geometries, crs, meta, notes, split, *, places=None, **_
) -> tuple[bytes, str]:
    if not split:
        return _geojson_collection(
            records, geometries, {**meta, "warnings": list(notes)}
        ), ".geojson"
    files = {}
    for fam, idx in groups(geometries).items():
        files[f"projects_{fam}.geojson"] = _geojson_collection(
            [records[i] for i in idx], [geometries[i] for i in idx], None
        )
    if places is not None:  # one file set: the places the projects refer to, each once
        files.update(_geojson_places(places, crs))
    files["metadata.json"] = meta_json(meta, notes)
    files["metadata.xml"] = iso_metadata(meta, meta.get("bbox_wgs84"))
    return zip_files(files), ".zip"


def _geojson_places(places: gpd.GeoDataFrame, crs: str) -> dict[str, bytes]:
    """``places_<family>.geojson`` for the split GeoJSON zip (feature id = ``place_id``)."""
    places = places.to_crs(WGS84) if places.crs is not None else places
    geoms = to_output_crs(places.geometry, crs)
    rows = pd.DataFrame(places.drop(columns=places.geometry.name)).to_dict("records")
    files = {}
    for fam in _DRAWN:
        features = [
            {
                "type": "Feature",
                "id": row["place_id"],
                "geometry": shapely.geometry.mapping(rfc7946_geometry(geom)),
                "properties": row,
            }
            for row, geom in zip(rows, geoms, strict=True)
            if family(geom) == fam
        ]
        if features:
            collection = {"type": "FeatureCollection", "features": features}
            files[f"places_{fam}.geojson"] = json.dumps(
                collection, ensure_ascii=False, allow_nan=False
            ).encode("utf-8")
    return files


def _frame(
    records: list[dict[str, Any]],
    geometries: list[Any],
    crs: str,
    names: dict[str, str] | None = None,
    fields: Iterable[str] | None = None,
    dates: bool = True,
) -> gpd.GeoDataFrame | pd.DataFrame:
    """A frame GDAL writes with typed columns: years and version as 32-bit integers (ArcGIS's
    Long, not Double or N18), ``updated_at`` as a real UTC date-time where the format
    has one (``dates``; dBASE has none, so a Shapefile keeps ISO text). ``records`` are already
    flat (``flat_record``); ``fields`` picks columns (default: every field)."""
    columns = {}
    for f in fields if fields is not None else EXPORT_FIELDS:
        kind = EXPORT_FIELDS[f][0]
        values = [r[f] for r in records]
        if f in DATETIME_FIELDS and dates:
            # In UTC: a GeoPackage DATETIME must be UTC ("…Z"), GDAL warns on an offset.
            series = pd.to_datetime(pd.Series(values, dtype=object), utc=True, format="ISO8601")
            series = series.array
        elif kind is int:
            series = pd.array(values, dtype="Int32")
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


def _write_layers(
    driver, path, records, geometries, crs, meta, notes, zones, outline, places=None
) -> None:
    """One layer per geometry family (and the attribute-only table), plus zones and outline,
    into a GeoPackage or a File Geodatabase through GDAL."""
    first = True

    def write(frame, layer: str, description: str, **kw) -> None:
        nonlocal first
        if driver == "GPKG":
            options = {
                "dataset_options": _GPKG_OPTIONS if first else None,
                "layer_options": {"IDENTIFIER": layer, "DESCRIPTION": description},
                "dataset_metadata": {"export": meta_json(meta, notes).decode("utf-8")}
                if first
                else None,
            }
        else:
            _write_gdb_layer(frame, path, layer, description, **kw)
            first = False
            return
        _gdal_write(frame, path, layer=layer, driver=driver, **options, **kw)
        first = False

    for fam, idx in groups(geometries).items():
        geoms = [geometries[i] for i in idx]
        frame = _frame([flat_record(records[i]) for i in idx], geoms, crs)
        label = f"沙坪坝区项目（{FAMILY_LABELS[fam]}）"
        if fam == UNPLACED:
            write(frame, "projects_unplaced", unplaced_label([records[i] for i in idx]))
        else:
            write(frame, f"projects_{fam}", label, promote_to_multi=_mixed_multi(geoms))
    extras = [("zones", zones, "东中西片区"), ("outline", outline, "区界")]
    if places is not None:  # one layer per geometry family: ArcGIS has no mixed layers
        for fam in ("point", "line", "polygon"):
            part = places[[family(g) == fam for g in places.geometry]]
            label = f"项目所在地名（{FAMILY_LABELS[fam]}；按地名定位的项目以 place_id 关联）"
            extras.append((f"places_{fam}", part, label))
    for layer, extra, label in extras:
        if extra is None or extra.empty:
            continue
        extra = extra.to_crs(WGS84) if extra.crs is not None else extra
        frame = gpd.GeoDataFrame(
            extra.drop(columns=extra.geometry.name),
            geometry=to_output_crs(extra.geometry, crs),
            crs=None if CRSS[crs].epsg is None else CRSS[crs].epsg,
        )
        write(frame, layer, label, promote_to_multi=_mixed_multi(frame.geometry))
    if first:  # nothing to write: still a valid file, with an empty attribute table
        write(_frame([], [], crs), "projects_unplaced", "沙坪坝区项目（空）")


def _write_gpkg(
    records, geometries, crs, meta, notes, split, *, zones, outline, places=None
) -> tuple[bytes, str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.gpkg"
        _write_layers("GPKG", path, records, geometries, crs, meta, notes, zones, outline, places)
        describe_gpkg(
            path,
            iso_metadata(meta, meta.get("bbox_wgs84")),
            FIELD_TITLES,
            {f"projects_{fam}": (qml(fam), sld(fam, f"projects_{fam}")) for fam in _DRAWN},
        )
        return path.read_bytes(), ".gpkg"


#: Families drawn as layers (the unplaced table has no symbology).
_DRAWN = ("point", "line", "polygon")


#: The folder name inside a File Geodatabase zip.
GDB_FOLDER = "沙坪坝项目.gdb"


def _write_gdb(
    records, geometries, crs, meta, notes, split, *, zones, outline, places=None
) -> tuple[bytes, str]:
    """An Esri File Geodatabase (GDAL's OpenFileGDB writer), zipped: unzip and add the .gdb
    folder in ArcGIS or QGIS."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / GDB_FOLDER
        _write_layers(
            "OpenFileGDB", path, records, geometries, crs, meta, notes, zones, outline, places
        )
        files = {f"{GDB_FOLDER}/{part.name}": part.read_bytes() for part in sorted(path.iterdir())}
    files["metadata.json"] = meta_json(meta, notes)
    files["metadata.xml"] = iso_metadata(meta, meta.get("bbox_wgs84"))
    return zip_files(files), ".gdb.zip"


def _truncate_bytes(text: str, limit: int) -> str:
    """The longest prefix of ``text`` that fits ``limit`` UTF-8 bytes (never half a character)."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")


def _write_shp(
    records, geometries, crs, meta, notes, split, *, places=None, **_
) -> tuple[bytes, str]:
    """One Shapefile per geometry family; list fields and over-long texts in full go to the
    related table ``RELATED_TABLE`` (joined on id), so no JSON is ever cut in the ``.dbf``.
    The places the projects refer to are ``places_<family>.shp``, each place once (a project
    placed by a place has its ``place_id`` and no copy of the place's shape)."""
    files: dict[str, bytes] = {}
    too_long: set[str] = set()  # text fields with a value cut at 254 bytes in the .dbf
    scalars = [f for f in EXPORT_FIELDS if f not in LIST_FIELDS]
    with tempfile.TemporaryDirectory() as tmp:
        for fam, idx in groups(geometries).items():
            rows = []
            for i in idx:
                row = {}
                for f in scalars:
                    v = records[i][f]
                    if isinstance(v, str) and len(v.encode("utf-8")) > DBF_TEXT_BYTES:
                        too_long.add(f)
                        v = _truncate_bytes(v, DBF_TEXT_BYTES)
                    row[f] = v
                rows.append(row)
            geoms = [geometries[i] for i in idx]
            frame = _frame(rows, geoms, crs, SHAPEFILE_FIELDS, scalars, dates=False)
            stem = f"projects_{fam}"
            _gdal_write(
                frame,
                Path(tmp) / f"{stem}.shp" if fam != UNPLACED else Path(tmp) / f"{stem}.dbf",
                driver="ESRI Shapefile",
                encoding="UTF-8",
                promote_to_multi=fam != UNPLACED and _mixed_multi(geoms),
            )
        if places is not None:
            _write_shp_places(places, crs, Path(tmp))
        for part in sorted(Path(tmp).iterdir()):
            files[part.name] = part.read_bytes()
    iso = iso_metadata(meta, meta.get("bbox_wgs84"))
    for fam in _DRAWN:  # ArcGIS reads <name>.shp.xml, QGIS loads <name>.qml by itself
        stem = f"projects_{fam}"
        if f"{stem}.shp" in files:
            files[f"{stem}.shp.xml"] = iso
            files[f"{stem}.qml"] = qml(fam, SHAPEFILE_FIELDS["status"]).encode("utf-8")
            files[f"{stem}.sld"] = sld(fam, stem, SHAPEFILE_FIELDS["status"]).encode("utf-8")
    renamed = {f: s for f, s in SHAPEFILE_FIELDS.items() if f != s and f not in LIST_FIELDS}
    notes.append(
        "Shapefile 字段名最多 10 个字符，已按 fields.csv 改名："
        + "、".join(f"{f}→{s}" for f, s in renamed.items())
        + "。"
    )
    related = ["id", *LIST_FIELDS, *(f for f in scalars if f in too_long)]
    labels = "、".join(EXPORT_FIELDS[f][2] for f in related if f != "id")
    notes.append(
        f"Shapefile 文本字段最长 254 字节：{labels} 的完整内容在 {RELATED_TABLE}（按编号 id 关联）。"
    )
    files[RELATED_TABLE] = _csv_table(records, None, crs, related)
    files["fields.csv"] = _fields_table()
    files["metadata.json"] = meta_json(meta, notes)
    return zip_files(files), ".zip"


#: Places' columns too long for dBASE that are no project field (``SHAPEFILE_FIELDS``).
_PLACE_SHAPEFILE_FIELDS = {"schematic_zh": "schem_zh"}


def _write_shp_places(places: gpd.GeoDataFrame, crs: str, folder: Path) -> None:
    """``places_<family>.shp`` in ``folder``: the places of :func:`referenced_places` in the
    output CRS, field names cut as the projects' (``precision_zh`` → ``prec_zh``).

    A true/false column is written as the number 1/0, with its 是/否 label beside it: a dBASE
    Logical field reads as the text "T"/"F" in GDAL 3.6 (QGIS) and as text in ArcGIS."""
    places = places.to_crs(WGS84) if places.crs is not None else places
    flags = [c for c in places.columns if pd.api.types.is_bool_dtype(places[c])]
    places = places.astype(dict.fromkeys(flags, "int32"))
    epsg = CRSS[crs].epsg
    for fam in _DRAWN:
        part = places[[family(g) == fam for g in places.geometry]]
        if part.empty:
            continue
        geoms = to_output_crs(part.geometry, crs)
        frame = gpd.GeoDataFrame(
            pd.DataFrame(part.drop(columns=part.geometry.name)).rename(
                columns={**SHAPEFILE_FIELDS, **_PLACE_SHAPEFILE_FIELDS}
            ),
            geometry=list(geoms),
            crs=None if epsg is None else epsg,
        )
        _gdal_write(
            frame,
            folder / f"places_{fam}.shp",
            driver="ESRI Shapefile",
            encoding="UTF-8",
            promote_to_multi=_mixed_multi(frame.geometry),
        )


def _fields_table() -> bytes:
    """The documented Shapefile field-name mapping, shipped beside the files."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["field", "shapefile_field", "label_zh", "type", "note"])
    for f, (kind, _, label) in EXPORT_FIELDS.items():
        note = f"JSON，在 {RELATED_TABLE}" if kind is list else ""
        short = "" if kind is list else SHAPEFILE_FIELDS[f]
        writer.writerow([f, short, label, kind.__name__, note])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _wkt(geom: shapely.Geometry | None, crs: str) -> str:
    if geom is None:
        return ""
    decimals = METRE_DECIMALS if CRSS[crs].projected else DEGREE_DECIMALS
    return shapely.to_wkt(geom, rounding_precision=decimals, trim=True)


def _csv_table(
    records, geometries, crs: str, fields: list[str] | None = None, titles: bool = False
) -> bytes:
    """UTF-8 with a BOM (so Excel reads Chinese), WKT first (so GDAL finds the geometry); every
    text cell safe from formula injection (``safe_cell``). With ``titles`` the header is the
    fields' Chinese titles, lists read as Chinese text (names joined by 、, status history and
    sources as sentences, as in KML) and true/false read 是/否: a table a person opens, whose
    editable fields the import reads back. Without, the field names and lists as JSON (a table
    joined in a GIS)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = list(fields or EXPORT_FIELDS)
    names = [EXPORT_FIELDS[f][2] for f in header] if titles else header
    writer.writerow((["WKT"] if geometries is not None else []) + names)
    for i, r in enumerate(records):
        values = [
            "" if (v := _csv_value(f, r[f], titles)) is None else _cell(v, titles) for f in header
        ]
        writer.writerow(([_wkt(geometries[i], crs)] if geometries is not None else []) + values)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_value(field: str, value: Any, words: bool) -> Any:
    """A list as Chinese text (``words``) or JSON; other values as they are."""
    if words and field in LIST_FIELDS:
        return kml_value(field, value) or None
    return flat_value(field, value)


def _cell(value: Any, words: bool = False) -> str:
    """Text made formula-safe; numbers and booleans as they are (a negative number stays one),
    booleans as 是/否 with ``words``."""
    if isinstance(value, bool) and words:
        return yes_no(value)
    return safe_cell(value) if isinstance(value, str) else csv_text(value)


def _write_csv(records, geometries, crs, meta, notes, split, **_) -> tuple[bytes, str]:
    """One CSV file: what its name says, opened as is by Excel, WPS and GDAL, with the Chinese
    titles as its header (as the workbook's 项目 sheet). The CRS is in the download's name;
    GCJ-02 in it is said by a note."""
    return _csv_table(records, geometries, crs, titles=True), ".csv"


WRITERS: dict[str, Callable[..., tuple[bytes, str]]] = {
    "geojson": _write_geojson,
    "gpkg": _write_gpkg,
    "shp": _write_shp,
    "kml": write_kml,
    "kmz": write_kmz,
    "xlsx": write_xlsx,
    "gdb": _write_gdb,
    "dxf": write_dxf,
    "csv": _write_csv,
}
assert set(WRITERS) == set(FORMATS)
