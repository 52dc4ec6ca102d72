"""Reading an uploaded file into a WGS84 GeoDataFrame: format, text encoding, CRS, column names.

Every way a file can be broken (bad zip, bad GeoJSON, unknown encoding, missing CRS, projected
coordinates taken for lon/lat, no name column) ends here as one ``BadFile`` with a Chinese
message, before any row is looked at. See :mod:`geo.exchange.imports` for the whole import.
"""

from __future__ import annotations

import io
import json
import logging
import re
import tempfile
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyogrio.errors
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from geo.crs import WGS84, geometry_from_gcj02, transformer
from geo.exchange.cells import stored_text
from geo.exchange.formats import (
    CRSS,
    DERIVED_FIELDS,
    GCJ02,
    GEOMETRY_SOURCES,
    RELATED_TABLE,
    SHAPEFILE_FIELDS,
)
from geo.exchange.tables import read_xlsx
from projects import schema
from projects.documents.readers import decode_text
from projects.errors import BadFile, CatalogError, InvalidValue

log = logging.getLogger(__name__)

#: Uploads larger than this are refused before they are parsed.
MAX_BYTES = 20 * 1024 * 1024


#: A zip may not unpack to more than this (a zip bomb is refused, not extracted), counted
#: while decompressing, never taken from the zip's own headers.
MAX_UNZIPPED = 200 * 1024 * 1024
#: A zip may hold at most this many files (a Shapefile has 4–6, our exports a few more).
MAX_MEMBERS = 100
#: Bytes decompressed at a time while counting.
_CHUNK = 1 << 20


#: Text encodings an upload may be in (GBK read as its superset GB18030).
ENCODINGS = ("UTF-8", "GBK")


#: Extension -> reader kind.
KINDS: dict[str, str] = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
    ".zip": "zip",
    ".csv": "csv",
    ".xlsx": "xlsx",
}


#: CRSs a user may name for a file that does not say (the export's table).
CRS_CHOICES: dict[str, str] = {code: c.label for code, c in CRSS.items()}


#: Column-name spellings -> field: schema names, Chinese labels, Shapefile short names, KML.
#: Only the schema's fields: a column an export derives (``place_name``, ``geom_src``,
#: ``prec_zh`` …) is no field, so the preview names it among the columns never imported.
ALIASES: dict[str, str] = {
    **{f: f for f in schema.FIELDS},
    **{label: f for f, (_, _, label) in schema.FIELDS.items()},
    **{SHAPEFILE_FIELDS.get(f, f): f for f in schema.FIELDS},
    "Name": "name",
    "项目名称": "name",
}


WKT_COLUMNS = ("wkt", "geometry", "geom", "the_geom", "几何")


LON_COLUMNS = ("lon", "lng", "long", "longitude", "x", "经度")


LAT_COLUMNS = ("lat", "latitude", "y", "纬度")


#: dBASE language-driver bytes that mean GBK (0x4D: CP936) and UTF-8 (none is standard; 0x00
#: means "not said").
_LDID_GBK = {0x4D, 0x7A}


@dataclass(frozen=True)
class Upload:
    """An uploaded file read into WGS84, with how it was read."""

    frame: gpd.GeoDataFrame
    filename: str
    #: What was read: "geojson", "gpkg", "shp", "gdb", "csv" or "xlsx".
    source_format: str
    #: The text encoding used (UTF-8 or GBK).
    encoding: str
    #: The CRS the coordinates were in ("" when the file has no geometry).
    crs: str
    #: Whether the CRS came from the file (True) or from the user (False).
    crs_from_file: bool
    #: Columns matched to no importable field (shown, never imported).
    ignored_columns: tuple[str, ...] = ()
    #: Rows whose point is their place's representative point, as an export drew it on request
    #: (``geometry_source`` place_point): read without a geometry, so the position stays.
    borrowed: int = 0


def read_upload(
    data: bytes, filename: str, *, crs: str | None = None, encoding: str | None = None
) -> Upload:
    """The upload as a WGS84 GeoDataFrame; BadFile when it is too large, broken or unreadable.

    ``crs`` is used where the file does not say (CSV, a Shapefile without .prj, a GeoJSON
    without ``crs`` member, which is otherwise WGS84), and GCJ-02 also overrides a WGS84 or
    CGCS2000 claim (files from 高德/腾讯 tools often carry one). ``encoding`` forces "UTF-8" or
    "GBK" instead of detecting it.
    """
    if len(data) > MAX_BYTES:
        raise BadFile(
            f"文件 {filename} 有 {len(data) / 1024 / 1024:.1f} MB，超过 {MAX_BYTES // 1024 // 1024} MB 上限；请只导出需要的项目后再上传。"
        )
    if encoding is not None and encoding.upper() not in ENCODINGS:
        raise InvalidValue(
            f"不支持的编码“{encoding}”，可选：{'、'.join(ENCODINGS)}。", field="encoding"
        )
    if crs is not None and crs not in CRS_CHOICES:
        raise InvalidValue(f"不支持的坐标系“{crs}”，可选：{'、'.join(CRS_CHOICES)}。", field="crs")
    kind = KINDS.get(Path(filename).suffix.lower())
    if kind is None:
        raise BadFile(
            f"不支持的文件类型“{Path(filename).suffix or filename}”；请上传 GeoJSON、GeoPackage、zip 压缩的 Shapefile 或 File Geodatabase、CSV 或 Excel（.xlsx）。"
        )
    if not data:
        raise BadFile(f"文件 {filename} 是空的。")
    try:
        with warnings.catch_warnings():  # GDAL's notes on a broken file become the BadFile below
            warnings.simplefilter("ignore", RuntimeWarning)
            frame, used_encoding, file_crs, fmt = _READERS[kind](data, encoding)
    except CatalogError:
        raise
    except (
        pyogrio.errors.DataSourceError,
        pyogrio.errors.DataLayerError,
        pyogrio.errors.FieldError,
        pyogrio.errors.GeometryError,
        pyogrio.errors.CRSError,
        shapely.errors.GEOSException,
    ) as exc:
        raise BadFile(f"文件 {filename} 已损坏或格式不正确，无法读取（{_why(exc)}）。") from exc
    except (ValueError, KeyError, zipfile.BadZipFile, UnicodeError, OSError) as exc:
        raise BadFile(f"文件 {filename} 已损坏或格式不正确，无法读取（{_why(exc)}）。") from exc
    except RecursionError as exc:
        raise BadFile(
            f"文件 {filename} 的 JSON 嵌套层数过深，不是正常的 GeoJSON，已拒绝。"
        ) from exc
    except Exception as exc:  # a reader's own fault: a sentence for staff, the trace for the log
        log.exception("reading upload %r failed", filename)
        raise BadFile(
            f"文件 {filename} 无法读取（读取程序出错，详情已记入服务器日志）；"
            "请检查文件，或换一种格式导出后再上传。"
        ) from exc
    if file_crs is None and fmt in ("csv", "xlsx"):
        file_crs = _name_crs(filename)
    if file_crs == GCJ02 and crs not in (None, GCJ02):
        raise BadFile(
            f"文件 {filename} 注明坐标为 GCJ-02（高德/腾讯坐标），与所选的“{CRS_CHOICES[crs]}”不符；"
            "请选择 GCJ-02 或“按文件”后再上传。",
            field="crs",
        )
    if file_crs is None and crs is None and fmt == "geojson":
        file_crs = WGS84  # RFC 7946's default, as the file did not say otherwise
    frame, source_crs, from_file = _to_wgs84(frame, file_crs, crs, filename)
    frame, borrowed = _without_place_points(frame)
    frame, ignored = _rename_columns(frame, filename)
    return Upload(frame, filename, fmt, used_encoding, source_crs, from_file, ignored, borrowed)


def _columns(field: str) -> set[str]:
    """The names an export gives ``field``: its code, Chinese label, Shapefile name."""
    label = {**schema.FIELDS, **DERIVED_FIELDS}[field][2]
    return {field, label, SHAPEFILE_FIELDS.get(field, field)}


#: Within this distance (degrees, about 20 cm) a point is still its place's representative point
#: after a file's round trip (coordinates rounded to 6 decimals, a projected CRS).
_SAME_POINT_DEG = 2e-6


def _without_place_points(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, int]:
    """``frame`` with no geometry where a row's point is its place's representative point, as an
    export with 「按地名定位的项目画在所在地名的代表点上」 drew it (``geometry_source`` is
    ``place_point``, or its label says so): that point is the place's, and taken back as the
    project's own it would be an invented position. A point staff moved away from it is kept."""
    from geo.places import representative_point

    columns = {str(c): c for c in frame.columns}
    source = next((columns[c] for c in _columns("geometry_source") if c in columns), None)
    said = next((columns[c] for c in _columns("geometry_source_zh") if c in columns), None)
    place = next((columns[c] for c in _columns("place_id") if c in columns), None)
    if source is None and said is None:
        return frame, 0
    marked = pd.Series(False, index=frame.index)
    if source is not None:
        marked |= frame[source].astype("string").str.strip().eq("place_point").fillna(False)
    if said is not None:
        label = GEOMETRY_SOURCES["place_point"]
        marked |= frame[said].astype("string").str.strip().eq(label).fillna(False)
    marked &= frame.geometry.notna()
    if not marked.any():
        return frame, 0
    keep = marked.copy()
    for i in np.flatnonzero(marked.to_numpy()):
        pid = frame[place].iloc[i] if place is not None else None
        point = representative_point(str(pid)) if isinstance(pid, str) and pid.strip() else None
        geom = frame.geometry.iloc[i]
        # moved by staff: their own position (without a place id, the mark decides)
        keep.iloc[i] = (
            point is None
            and place is None
            or (point is not None and geom.distance(point) <= _SAME_POINT_DEG)
        )
    frame = frame.copy()
    frame.loc[keep, frame.geometry.name] = None
    return frame, int(keep.sum())


#: The CRS part of this app's download names (沙坪坝项目_交通_EPSG4544_20261206.csv).
_NAME_CRS = re.compile(r"_(EPSG)(\d{4,5})_\d{8}(?:_|\.)|_(GCJ02)_\d{8}(?:_|\.)")


def _name_crs(filename: str) -> str | None:
    """The CRS an exported CSV's name states (a CSV has nowhere else to say it), if one of ours."""
    found = _NAME_CRS.search(Path(filename).name)
    if found is None:
        return None
    if found.group(3):
        return GCJ02
    code = f"EPSG:{found.group(2)}"
    return code if code in CRS_CHOICES else None


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) < 120 else text[:117] + "…"


def _why(exc: BaseException) -> str:
    """Why a file could not be read, as staff read it. A reader's own text is English (json's
    「Expecting value: line 1 column 53」, sqlite's SQL): it goes to the server log instead.

    >>> _why(json.JSONDecodeError("Expecting value", '{"a": ', 6))
    '第 1 行第 7 列处内容不完整或有误，文件可能没有传完或被改坏'
    """
    log.info("unreadable upload: %s: %s", type(exc).__name__, _short(exc))
    if isinstance(exc, json.JSONDecodeError):
        return f"第 {exc.lineno} 行第 {exc.colno} 列处内容不完整或有误，文件可能没有传完或被改坏"
    if isinstance(exc, zipfile.BadZipFile):
        return "不是完整的 zip 压缩包（Excel 表格也是压缩包），文件可能没有传完或被改坏"
    if isinstance(exc, UnicodeError):
        return "文字编码无法识别，应为 UTF-8 或 GBK"
    if re.search("[\u4e00-\u9fff]", str(exc)):  # our own words
        return _short(exc)
    return "内容不完整，或不是文件名所示格式的文件；文件可能没有传完或被改坏"


def _read_geojson(data: bytes, encoding: str | None):
    text, used = decode_text(data, encoding)
    doc = json.loads(text)
    if not isinstance(doc, dict) or doc.get("type") not in ("FeatureCollection", "Feature"):
        raise BadFile("GeoJSON 文件应为 FeatureCollection（要素集合）。")
    declared = _declared_crs(doc.get("metadata")) or _gcj02_member(doc.get("crs"))
    if declared is not None:
        doc.pop("crs", None)  # a GCJ-02 "crs" member is no CRS GDAL knows
        text = json.dumps(doc, ensure_ascii=False)
    frame = pyogrio.read_dataframe(io.BytesIO(text.encode("utf-8")))
    # Without a "crs" member a GeoJSON is WGS84 by RFC 7946, unless its metadata says GCJ-02 (our
    # own GCJ-02 exports) or the user says otherwise (old or hand-made files): see _to_wgs84.
    if declared is None and "crs" in doc:
        declared = _crs_code(frame.crs)
    return frame, used, declared, "geojson"


def _declared_crs(meta: Any) -> str | None:
    """GCJ-02 where an export's metadata (``metadata.crs.code``) says so: such a file has no
    CRS GDAL could read, and reading it as WGS84 would move every project about 480 m."""
    if isinstance(meta, str | bytes):
        try:
            meta = json.loads(meta)
        except ValueError:
            return None
    crs = meta.get("crs") if isinstance(meta, dict) else None
    code = crs.get("code") if isinstance(crs, dict) else crs
    return GCJ02 if isinstance(code, str) and "GCJ" in code.upper() else None


def _gcj02_member(member: Any) -> str | None:
    """GCJ-02 where a GeoJSON's old-style ``crs`` member names it."""
    if not isinstance(member, dict):
        return None
    name = (member.get("properties") or {}).get("name")
    return GCJ02 if isinstance(name, str) and "GCJ" in name.upper() else None


def _read_gpkg(data: bytes, encoding: str | None):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.gpkg"
        path.write_bytes(data)
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
        chosen = [n for n in layers if n.startswith("projects_")] or [
            n for n in layers if n not in ("zones", "outline")
        ]
        frames = [pyogrio.read_dataframe(path, layer=n) for n in chosen]
        meta = pyogrio.read_info(path, layer=chosen[0])["dataset_metadata"] if chosen else None
    declared = _declared_crs((meta or {}).get("export"))
    return _concat(frames), "UTF-8", declared or _common_crs(frames), "gpkg"


def _read_zip(data: bytes, encoding: str | None):
    files = _unzip(data)
    declared = _declared_crs(files.get("metadata.json", b"{}"))
    if any(n.lower().endswith(".gdbtable") for n in files):  # a zipped File Geodatabase
        gdb = {n: b for n, b in files.items() if n not in ("metadata.json", *_SIDE_TABLES)}
        frame = _read_gdb(gdb)
        return frame, "UTF-8", declared or frame.attrs.pop("crs", None), "gdb"
    stems = {Path(n).stem for n in files if n.lower().endswith(".shp")}
    tables = {Path(n).stem for n in files if n.lower().endswith(".dbf")} - stems
    if not stems and not tables:
        csvs = [n for n in files if n.lower().endswith(".csv") and n not in _SIDE_TABLES]
        if len(csvs) == 1:  # a CSV (+ .prj) zipped
            frame, used, _, _ = _read_csv(files[csvs[0]], encoding)
            prj = files.get(Path(csvs[0]).stem + ".prj")
            said = _crs_code(prj.decode("ascii", "replace")) if prj else None
            return frame, used, declared or said, "csv"
        raise BadFile("压缩包里没有 Shapefile（.shp + .dbf）或 CSV 文件。")
    frames, crss, used = [], [], "UTF-8"
    chosen = _project_stems(stems | tables)
    with tempfile.TemporaryDirectory() as tmp:
        for name, content in files.items():
            (Path(tmp) / name).write_bytes(content)
        for stem in chosen:
            missing = [e for e in (".dbf", ".shx") if stem in stems and f"{stem}{e}" not in files]
            if missing:
                raise BadFile(f"Shapefile {stem}.shp 缺少 {'、'.join(missing)} 文件。")
            dbf = files[f"{stem}.dbf"]
            used = encoding.upper() if encoding else _dbf_encoding(dbf, files.get(f"{stem}.cpg"))
            gdal_encoding = "UTF-8" if used == "UTF-8" else "CP936"
            path = Path(tmp) / (f"{stem}.shp" if stem in stems else f"{stem}.dbf")
            frame = pyogrio.read_dataframe(path, encoding=gdal_encoding)
            frames.append(frame)
            if stem in stems:
                crss.append(_crs_code(frame.crs) if f"{stem}.prj" in files else None)
    if len(set(crss)) > 1:
        raise BadFile("压缩包中各 Shapefile 的坐标系不一致，请分别上传。")
    frame = _concat(frames)
    if RELATED_TABLE in files:
        frame = _join_related(frame, files[RELATED_TABLE])
    return frame, used, declared or (crss[0] if crss else None), "shp"


def _project_stems(stems: set[str]) -> list[str]:
    """The Shapefiles of a zip that hold projects: this app's ``projects_*`` where there are
    any (its ``places_*`` are the places they refer to, never rows to import), else every one
    (a zip made elsewhere)."""
    ours = sorted(s for s in stems if s.startswith("projects_"))
    return ours or sorted(stems)


def _read_gdb(files: dict[str, bytes]) -> gpd.GeoDataFrame:
    """The project layers of a zipped File Geodatabase (its files, by name)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.gdb"
        path.mkdir()
        for name, content in files.items():
            (path / Path(name).name).write_bytes(content)
        layers = [str(n) for n, _ in pyogrio.list_layers(path)]
        chosen = [n for n in layers if n.startswith("projects_")] or [
            n for n in layers if n not in ("zones", "outline")
        ]
        frames = [pyogrio.read_dataframe(path, layer=n) for n in chosen]
        crs = _common_crs(frames)
    frame = _concat(frames)
    frame.attrs["crs"] = crs
    return frame


#: Tables beside the data in this app's zips: not project rows themselves.
_SIDE_TABLES = ("fields.csv", RELATED_TABLE, "attributes_full.csv")


def _join_related(frame: gpd.GeoDataFrame, data: bytes) -> gpd.GeoDataFrame:
    """The Shapefile's rows with the related table's full values joined on id (they replace the
    ``.dbf``'s 254-byte cuts)."""
    text, _ = decode_text(data, "UTF-8")
    table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False).map(stored_text)
    if "id" not in table or "id" not in frame:
        return frame
    table = table.drop_duplicates("id").set_index("id")
    frame = frame.copy()
    for column in table.columns:
        short = SHAPEFILE_FIELDS.get(column, column)
        values = frame["id"].map(table[column].replace({"": None}))
        frame = frame.drop(columns=[c for c in (column, short) if c in frame.columns])
        frame[column] = values
    return frame


def _unzip(data: bytes) -> dict[str, bytes]:
    """The zip's files by name, within MAX_MEMBERS files and MAX_UNZIPPED bytes.

    The sizes a zip declares can lie, so the bytes are counted while they are decompressed, in
    a first pass that keeps nothing: a zip bomb is refused after MAX_UNZIPPED bytes, quickly and
    in little memory. Two files with one name (in different folders, or repeated) are refused,
    as one would silently replace the other.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_MEMBERS:
            raise BadFile(f"压缩包中有 {len(infos)} 个文件，超过 {MAX_MEMBERS} 个上限，已拒绝。")
        infos = [i for i in infos if not Path(i.filename).name.startswith(".")]
        names = [Path(i.filename).name for i in infos]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise BadFile(
                f"压缩包中有同名文件（{'、'.join(twice[:5])}），无法判断该用哪一个；"
                "请只保留一份后重新压缩上传。"
            )
        total = 0
        for info in infos:
            with zf.open(info) as member:
                while chunk := member.read(_CHUNK):
                    total += len(chunk)
                    if total > MAX_UNZIPPED:
                        raise BadFile(
                            f"压缩包解压后超过 {MAX_UNZIPPED // 1024 // 1024} MB 上限，已拒绝"
                            "（可能是压缩炸弹）。"
                        )
        return {name: _read_member(zf, info) for name, info in zip(names, infos, strict=True)}


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """One member, decompressed a chunk at a time (``zf.read`` inflates up to 2 GB at once
    before cutting to the declared size, so a small lying header costs gigabytes)."""
    with zf.open(info) as member:
        return b"".join(iter(lambda: member.read(_CHUNK), b""))


def _dbf_encoding(dbf: bytes, cpg: bytes | None) -> str:
    """UTF-8 or GBK for a dBASE file: its .cpg, else its language byte, else its bytes."""
    if cpg is not None:
        said = cpg.decode("ascii", "replace").strip().upper().replace("-", "")
        if said in ("UTF8", "65001"):
            return "UTF-8"
        if said in ("GBK", "CP936", "936", "GB2312", "GB18030"):
            return "GBK"
    if len(dbf) > 29 and dbf[29] in _LDID_GBK:
        return "GBK"
    header = int.from_bytes(dbf[8:10], "little") if len(dbf) > 10 else 0
    try:
        dbf[header:].decode("utf-8")
    except UnicodeDecodeError:
        return "GBK"
    return "UTF-8"


def _read_csv(data: bytes, encoding: str | None):
    text, used = decode_text(data, encoding)
    table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False).map(stored_text)
    return _table_frame(table, "CSV"), used, None, "csv"


def _read_xlsx(data: bytes, encoding: str | None):
    """An Excel workbook's 项目 sheet (cells are text as stored: no quote to strip)."""
    header, rows, crs = read_xlsx(data)
    if not header:
        raise BadFile("Excel 文件中没有数据。")
    table = pd.DataFrame(
        [[_xlsx_text(v) for v in row[: len(header)]] for row in rows],
        columns=header,
        dtype=object,
    ).fillna("")
    declared = _declared_crs({"crs": {"code": crs}}) or (crs if crs in CRS_CHOICES else None)
    return _table_frame(table, "Excel 表"), "UTF-8", declared, "xlsx"


def _xlsx_text(value: Any) -> str:
    """A cell as the text a CSV would hold: whole numbers without “.0”, dates in ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _table_frame(table: pd.DataFrame, label: str) -> gpd.GeoDataFrame:
    """A table of text cells with its geometry from a WKT column or lon/lat columns."""
    table.columns = [str(c).strip() for c in table.columns]
    lower = {c.lower(): c for c in table.columns}
    wkt = next((lower[c] for c in WKT_COLUMNS if c in lower), None)
    lon = next((lower[c] for c in LON_COLUMNS if c in lower), None)
    lat = next((lower[c] for c in LAT_COLUMNS if c in lower), None)
    if wkt is not None:
        geoms = []
        for i, text_geom in enumerate(table[wkt], start=1):
            try:
                geoms.append(shapely.from_wkt(text_geom) if text_geom.strip() else None)
            except shapely.errors.GEOSException as exc:
                log.info("unreadable WKT in row %d: %s", i, _short(exc))
                raise BadFile(
                    f"{label}第 {i} 行的 WKT 几何无法解析（文字不完整或写法有误，"
                    "应如 POINT (106.45 29.56)）。"
                ) from exc
        table = table.drop(columns=[wkt])
    elif lon is not None and lat is not None:
        geoms = []
        for i, (x, y) in enumerate(zip(table[lon], table[lat], strict=True), start=1):
            if not x.strip() and not y.strip():
                geoms.append(None)
                continue
            try:
                geoms.append(shapely.Point(float(x), float(y)))
            except ValueError as exc:
                raise BadFile(f"{label}第 {i} 行的坐标“{x}, {y}”不是数字。") from exc
        table = table.drop(columns=[lon, lat])
    else:
        geoms = [None] * len(table)
    table = table.replace({"": None})
    return gpd.GeoDataFrame(table, geometry=geoms)


_READERS = {
    "geojson": _read_geojson,
    "gpkg": _read_gpkg,
    "zip": _read_zip,
    "csv": _read_csv,
    "xlsx": _read_xlsx,
}


def _concat(frames: list[pd.DataFrame]) -> gpd.GeoDataFrame:
    parts = []
    for frame in frames:
        if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame:
            frame = gpd.GeoDataFrame(frame, geometry=[None] * len(frame))
        parts.append(frame.set_crs(None, allow_override=True))
    if not parts:
        return gpd.GeoDataFrame({"name": []}, geometry=[])
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry")


def _common_crs(frames: list[pd.DataFrame]) -> str | None:
    codes = {
        _crs_code(f.crs)
        for f in frames
        if isinstance(f, gpd.GeoDataFrame) and f.geometry.notna().any()
    }
    if len(codes) > 1:
        raise BadFile("文件中各图层的坐标系不一致，请分别上传。")
    return codes.pop() if codes else None


def _crs_code(crs: Any) -> str | None:
    """One of CRS_CHOICES for what a file declares, else any CRS pyproj knows ("EPSG:3857" …)."""
    if crs is None:
        return None
    try:
        parsed = CRS.from_user_input(crs)
    except CRSError as exc:
        log.info("unknown CRS: %s", _short(exc))
        raise BadFile(
            "文件的坐标系定义无法识别；请导出为 WGS84、CGCS2000 或 CGCS2000 高斯投影坐标后再上传。",
            field="crs",
        ) from exc
    epsg = parsed.to_epsg(min_confidence=70)
    if epsg is not None and f"EPSG:{epsg}" in CRS_CHOICES:
        return f"EPSG:{epsg}"
    return parsed.to_string()


def _to_wgs84(frame, file_crs: str | None, user_crs: str | None, filename: str):
    has_geometry = bool(frame.geometry.notna().any()) if len(frame) else False
    if not has_geometry:
        return (
            frame.set_crs(WGS84, allow_override=True),
            file_crs or user_crs or "",
            file_crs is not None,
        )
    source, from_file = file_crs, True
    if source is None:
        if user_crs is None:
            raise BadFile(
                f"文件 {filename} 没有注明坐标系，请先选择它使用的坐标系（如 WGS84、CGCS2000 或 GCJ-02）后再上传。",
                field="crs",
            )
        source, from_file = user_crs, False
    elif user_crs == GCJ02 and source in ("EPSG:4326", "EPSG:4490"):
        # GCJ-02 files often carry a WGS84 .prj by mistake: the user's word wins for that case.
        source, from_file = GCJ02, False
    geoms = []
    for g in frame.geometry:
        if g is None or g.is_empty:
            geoms.append(None)
        elif source == GCJ02:
            geoms.append(geometry_from_gcj02(g))
        elif source == WGS84:
            geoms.append(g)
        else:
            geoms.append(
                shapely.transform(g, transformer(source, WGS84).transform, interleaved=False)
            )
    coords = shapely.get_coordinates([g for g in geoms if g is not None])
    if not (np.all(np.abs(coords[:, 0]) <= 180) and np.all(np.abs(coords[:, 1]) <= 90)):
        raise BadFile(
            f"文件 {filename} 的坐标不是经纬度（超出范围）；它可能使用投影坐标（如高斯-克吕格），请选择正确的坐标系。",
            field="crs",
        )
    out = gpd.GeoDataFrame(frame.drop(columns=frame.geometry.name), geometry=geoms, crs=WGS84)
    return out, source, from_file


def _names_of(field: str) -> str:
    """The column names an upload may use for ``field``, Chinese first (名称、项目名称、name)."""
    names = sorted((k for k, v in ALIASES.items() if v == field), key=lambda k: k.isascii())
    return "、".join(dict.fromkeys(n for n in names if n == n.lower() or not n.isascii()))


def _rename_columns(
    frame: gpd.GeoDataFrame, filename: str
) -> tuple[gpd.GeoDataFrame, tuple[str, ...]]:
    renames, ignored = {}, []
    for column in frame.columns:
        if column == frame.geometry.name:
            continue
        target = ALIASES.get(str(column).strip()) or ALIASES.get(str(column).strip().lower())
        if target is None or target in renames.values():
            ignored.append(str(column))
        else:
            renames[column] = target
    if "name" not in renames.values() and "id" not in renames.values():
        raise BadFile(
            f"文件 {filename} 缺少项目名称列（列名为 {_names_of('name')}）或编号列（列名为 "
            f"{_names_of('id')}），无法知道每行对应哪个项目；已有的列："
            f"{'、'.join(map(str, frame.columns.drop(frame.geometry.name)))}。",
            field="name",
        )
    frame = frame.rename(columns=renames).drop(columns=ignored)
    return frame, tuple(ignored)
