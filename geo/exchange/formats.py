"""The export tables: output coordinate systems, file formats, geometry families, field names.

Data the UI lists and the format x CRS tests sweep; the writers in :mod:`geo.exchange.writers` and
:mod:`geo.exchange.kml` read them. Why EPSG:4544 is the default Gauss-Krüger zone: see
:mod:`geo.exchange.export`.
"""

from __future__ import annotations

from dataclasses import dataclass

from projects import schema

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
        "WGS84 经纬度（EPSG:4326）",
        4326,
        False,
        "WGS84 经纬度（与 GPS、OpenStreetMap、天地图一致）。",
    ),
    "EPSG:4490": OutputCrs(
        "CGCS2000 经纬度（EPSG:4490）",
        4490,
        False,
        "CGCS2000 经纬度；在本区与 WGS84 相差远小于 1 米。",
    ),
    "EPSG:4544": OutputCrs(
        "CGCS2000 3度带 高斯-克吕格 中央经线105°E（EPSG:4544，推荐）",
        4544,
        True,
        "CGCS2000 3 度带高斯-克吕格投影，中央经线 105°E，单位米，东偏移 500000 米，坐标不带带号；"
        "全区（东经 106.247°–106.491°）都在此带内。",
    ),
    "EPSG:4545": OutputCrs(
        "CGCS2000 3度带 高斯-克吕格 中央经线108°E（EPSG:4545）",
        4545,
        True,
        "CGCS2000 3 度带高斯-克吕格投影，中央经线 108°E，单位米；本区在此带西界（东经 106.5°）"
        "以西，长度变形比 EPSG:4544 大。",
    ),
    GCJ02: OutputCrs(
        "GCJ-02 火星坐标（高德/腾讯地图用，非标准坐标系）",
        None,
        False,
        "GCJ-02 不是标准坐标系：是 WGS84 经纬度按公开的加偏公式偏移所得（本区经度约 +0.0040°、"
        "纬度约 -0.0026°，约 480 米）。文件不写 .prj 或坐标系，因为写任何一个都会错称 WGS84；"
        "只在按 GCJ-02 读坐标的软件（高德、腾讯地图等）中使用。",
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
    #: Word put into a download's name where the extension alone does not say the format.
    tag: str = ""


FORMATS: dict[str, Format] = {
    "geojson": Format(
        "GeoJSON（RFC 7946）", ".geojson", "application/geo+json", GEOGRAPHIC_ONLY, True
    ),
    "gpkg": Format("GeoPackage", ".gpkg", "application/geopackage+sqlite3", tuple(CRSS)),
    "shp": Format(
        "Shapefile（zip，每种几何类型一套）",
        ".zip",
        "application/zip",
        tuple(CRSS),
        tag="Shapefile",
    ),
    "kml": Format(
        "KML（Google Earth / 奥维互动地图）",
        ".kml",
        "application/vnd.google-earth.kml+xml",
        ("EPSG:4326",),
    ),
    "kmz": Format(
        "KMZ（压缩的 KML，Google Earth / 奥维互动地图）",
        ".kmz",
        "application/vnd.google-earth.kmz",
        ("EPSG:4326",),
    ),
    "xlsx": Format(
        "Excel 表格（项目 / 状态沿革 / 来源，xlsx）",
        ".xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        tuple(CRSS),
    ),
    "gdb": Format(
        "File Geodatabase（ArcGIS，zip）",
        ".gdb.zip",
        "application/zip",
        ("EPSG:4326", "EPSG:4490", "EPSG:4544", "EPSG:4545"),
    ),
    "dxf": Format(
        "DXF（AutoCAD / CASS，按状态分图层）",
        ".dxf",
        "image/vnd.dxf",
        ("EPSG:4544", "EPSG:4545"),
    ),
    "csv": Format("CSV（WKT 几何，UTF-8，Excel 可直接打开）", ".csv", "text/csv", tuple(CRSS)),
}


#: Formats that carry the zones and the district outline as extra layers.
WITH_BOUNDARIES = ("gpkg", "gdb")

#: Formats that carry the places the projects refer to as layers of their own (each place once,
#: joined by ``place_id``): the Shapefile zip as ``places_<family>.shp``, KML as folders, the
#: split GeoJSON zip as ``places_<family>.geojson`` (a single GeoJSON holds projects only).
WITH_PLACES = (*WITH_BOUNDARIES, "shp", "kml", "kmz", "geojson")


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


#: Fields an export adds to the schema's, derived at export time (never imported): the name of
#: the place a reference-level position points to, where a drawn geometry comes from, the
#: progress warning as of the export day, and what a person reads for each code field.
DERIVED_FIELDS: dict[str, tuple[type, object, str]] = {
    "place_name": (str, None, "所在地名"),
    "geometry_source": (str, None, "几何来源"),
    "progress": (str, None, "进度预警"),
    "years_basis_zh": (str, None, "年份依据说明"),
    "precision_zh": (str, None, "定位精度说明"),
    "geo_method_zh": (str, None, "定位方法说明"),
    "geometry_source_zh": (str, None, "几何来源说明"),
}

#: What ``geometry_source`` says (codes in the data, these labels beside them).
GEOMETRY_SOURCES = {
    "own": "项目自身的位置",
    "place_point": "所在地名的代表点（不是项目自身的位置）",
}

#: Code field -> the derived field a person reads for it (the code stays, for GIS use and
#: for the import; the label is written in the column right after it).
LABEL_FIELDS: dict[str, str] = {
    "years_basis": "years_basis_zh",
    "precision": "precision_zh",
    "place_id": "place_name",
    "geo_method": "geo_method_zh",
    "geometry_source": "geometry_source_zh",
}

#: Derived fields placed after a schema field (the rest follow their code, ``LABEL_FIELDS``).
_PLACED_AFTER = {"geo_matched": "geometry_source"}


def _in_order(fields: dict[str, tuple[type, object, str]]) -> dict[str, tuple[type, object, str]]:
    """The fields with each label right after its code, so a table reads code, label."""
    out: dict[str, tuple[type, object, str]] = {}

    def put(f: str) -> None:
        out[f] = fields[f]
        if f in LABEL_FIELDS:
            put(LABEL_FIELDS[f])
        if f in _PLACED_AFTER:
            put(_PLACED_AFTER[f])

    for f in fields:
        if f not in out and f not in LABEL_FIELDS.values() and f not in _PLACED_AFTER.values():
            put(f)
    assert out.keys() == fields.keys()
    return out


#: Schema fields no export carries: ``deleted`` is false in every exported row (deleted projects
#: are never exported), a column that only made a reader wonder which rows it was true in (and in
#: a Shapefile a dBASE Logical that GDAL 3.6 reads as the text "F").
NOT_EXPORTED = ("deleted",)

#: Every exported field: the schema's, with the derived ones beside the fields they explain.
EXPORT_FIELDS: dict[str, tuple[type, object, str]] = _in_order(
    {**{f: v for f, v in schema.FIELDS.items() if f not in NOT_EXPORTED}, **DERIVED_FIELDS}
)
assert len({label for _, _, label in EXPORT_FIELDS.values()}) == len(EXPORT_FIELDS)


#: Chinese titles of the columns of the extra layers (zones, outline, places) that are no
#: project field (QGIS shows them as the GeoPackage's field aliases).
LAYER_TITLES: dict[str, str] = {
    "colour": "颜色",
    "schematic": "示意（非测绘边界）",
    "schematic_zh": "示意说明",
    "places": "所含地点",
    "basis": "依据",
    "projects": "项目数",
}


#: Each column's Chinese title: the GeoPackage's field titles, the File Geodatabase's aliases.
FIELD_TITLES: dict[str, str] = {
    **LAYER_TITLES,
    **{f: label for f, (_, _, label) in EXPORT_FIELDS.items()},
}


#: Fields whose values are lists or dicts: JSON text in flat formats.
LIST_FIELDS: tuple[str, ...] = tuple(f for f, (t, _, _) in schema.FIELDS.items() if t is list)


#: Shapefile (dBASE) field names are at most 10 characters: the documented mapping.
_SHAPEFILE_RENAMES = {
    "status_history": "status_hst",
    "geo_matched": "geo_match",
    "years_basis": "years_bas",
    "sector_basis": "sector_bas",
    "geometry_source": "geom_src",
    "precision_zh": "prec_zh",
    "geo_method_zh": "method_zh",
    "years_basis_zh": "years_zh",
    "geometry_source_zh": "geomsrc_zh",
}


SHAPEFILE_FIELDS: dict[str, str] = {f: _SHAPEFILE_RENAMES.get(f, f) for f in EXPORT_FIELDS}
assert all(len(v) <= 10 for v in SHAPEFILE_FIELDS.values())
assert len(set(SHAPEFILE_FIELDS.values())) == len(SHAPEFILE_FIELDS)

#: dBASE text fields hold at most 254 bytes.
DBF_TEXT_BYTES = 254


#: The Shapefile zip's related table (joined on ``id``): every list field, and every text too
#: long for a dBASE field, in full. The ``.dbf`` carries no list field.
RELATED_TABLE = "projects_related.csv"


#: What a multi-file export says in its name when the format has no extension of its own.
SPLIT_TAG = "分几何类型"


#: Decimal places written as text: 6 in degrees (about 10 cm, RFC 7946 §11.2), 4 in metres.
DEGREE_DECIMALS, METRE_DECIMALS = 6, 4


#: Why KML and KMZ refuse GCJ-02 (shown when asked for it).
KML_GCJ02_REASON = (
    "KML/KMZ 按 OGC 规范只能使用 WGS84 经纬度：Google Earth 和奥维会把 GCJ-02 坐标当作 WGS84，"
    "再叠加一次偏移，位置会错约 500 米。请导出 WGS84 的 KML，"
    "或在高德等工具中使用 GCJ-02 的 GeoJSON / CSV。"
)
