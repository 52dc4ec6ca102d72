"""What an export says about itself: time, scope, count, CRS, source documents, warnings.

Written into every file (``metadata.json``, GeoPackage metadata, the KML description), so a file
found later still tells which filter and which catalog version it came from.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import shapely

from geo.exchange.formats import CRSS, EXPORT_FIELDS, GEOMETRY_SOURCES
from geo.exchange.records import groups
from projects import vocab

#: What the status and progress fields of a file mean (the filter may have looked back).
STATUS_NOTE = (
    "状态（status）为各项目的最新状态，进度预警（progress）按导出当日判断；状态沿革"
    "（status_history）列出每条有年份的记载。按“状态截至”某年筛选时，项目按该年年底的状态"
    "选出，文件中的状态仍为最新状态。"
)


#: Where the projects without a geometry of their own are, and the places they refer to.
UNPLACED_NOTE = (
    "没有自身几何的项目保留属性、不带几何（GeoPackage 与 File Geodatabase 中为 projects_unplaced "
    "表，Shapefile 中为 projects_unplaced.dbf）。其中按地名定位的项目（只知所在的片区、园区、镇街"
    "或在区内）附“所在地名编号”和“所在地名”，地名本身每个只画一次，在 places_point、places_line、"
    "places_polygon 图层（Shapefile 中为同名 .shp，KML 中为同名文件夹，分几何类型的 GeoJSON "
    "压缩包中为同名 .geojson），按所在地名编号关联；其余是没有位置的项目。"
    "导出时勾选“按地名定位的项目画在所在地名的代表点上”，则这些项目画在地名的代表点上，"
    "“几何来源说明”注明。"
)


#: How fields are named in each kind of file (the same wording wherever it is said).
FIELD_NAMES_NOTE = (
    "CSV 与 Excel（项目表）以中文字段名为表头，是/否 写作中文；GeoPackage、File Geodatabase、"
    "Shapefile、GeoJSON 和 KML 的字段名为英文代码（Shapefile 为不超过 10 个字符的短名，见 "
    "fields.csv），供 GIS 软件与脚本使用，各字段的中文名见 fields（GeoPackage 中为字段别名，KML "
    "中为显示名）。代码字段旁紧跟其中文说明字段：years_basis → years_basis_zh、precision → "
    "precision_zh、place_id → place_name、geo_method → geo_method_zh、geometry_source → "
    "geometry_source_zh；各代码的含义见 code_labels。"
)


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
        "counts": {fam: len(idx) for fam, idx in groups(geometries).items()},
        "crs": {
            "code": crs,
            "epsg": out_crs.epsg,
            "label": out_crs.label,
            "standard": out_crs.epsg is not None,
            "note": out_crs.note,
        },
        "catalog_version": catalog_version,
        "source_documents": documents,
        "unplaced": UNPLACED_NOTE,
        "fields": {f: label for f, (_, _, label) in EXPORT_FIELDS.items()},
        "field_names": FIELD_NAMES_NOTE,
        "code_labels": {**vocab.CODE_LABELS, "geometry_source": GEOMETRY_SOURCES},
        "status_note": STATUS_NOTE,
        "warnings": [],
    }


def meta_json(meta: dict[str, Any], notes: list[str]) -> bytes:
    """The metadata file's bytes, with the notes the writers added since it was made."""
    meta = {**meta, "warnings": list(notes)}
    return json.dumps(meta, ensure_ascii=False, indent=2).encode("utf-8")
