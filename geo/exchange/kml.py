"""KML and KMZ for Google Earth and 奥维: typed attributes, status styles, one folder per family.

Every Placemark's balloon is the one template of :func:`balloon_text`, filled by the viewer from
the Placemark's SchemaData (values are XML-escaped data, never markup). Lists read as Chinese
text: status history and sources as sentences. KML is WGS84 by definition, so GCJ-02 is refused.
"""

from __future__ import annotations

import io
import re
import zipfile
from html import escape
from typing import Any
from xml.etree import ElementTree as ET

import shapely

from geo.exchange.formats import (
    DEGREE_DECIMALS,
    EXPORT_FIELDS,
    FAMILIES,
    FAMILY_LABELS,
    LABEL_FIELDS,
    UNPLACED,
)
from geo.exchange.records import groups, unplaced_label
from projects import vocab

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


#: The balloon every Placemark shares (in each status style; KML has no style inheritance):
#: Google Earth and 奥维 fill ``$[projects/field]`` from the Placemark's typed SchemaData, so the
#: values are written once per project, as data, never as per-Placemark HTML. A project drawn
#: on its place's representative point says so (所在地名, 几何来源).
BALLOON_FIELDS = (
    "id",
    "sector",
    "status",
    "status_history",
    "start_year",
    "end_year",
    "years_basis",
    "zone",
    "lead_dept",
    "investment",
    "precision",
    "place_name",
    "geometry_source",
    "geo_method",
    "geo_basis",
    "sources",
    "notes",
)


def balloon_text() -> str:
    """The shared balloon: the project's name, then one labelled line per field; a code field
    shows its Chinese label (``LABEL_FIELDS``), never the code."""
    lines = "".join(
        f'<tr><th align="left">{escape(EXPORT_FIELDS[f][2])}</th>'
        f"<td>$[{KML_SCHEMA}/{LABEL_FIELDS.get(f, f)}]</td></tr>"
        for f in BALLOON_FIELDS
        if f in EXPORT_FIELDS
    )
    return f"<h3>$[name]</h3><table>{lines}</table>"


def history_sentences(history: Any) -> str:
    """The status history as Chinese sentences, one per dated mention, with the part of the
    document it comes from (回顾: a reported fact; 计划: an intention), not JSON."""
    out = []
    for entry in history if isinstance(history, list) else []:
        if not isinstance(entry, dict):
            continue
        doc = vocab.DOCUMENTS_BY_FILE.get(entry.get("doc"))
        when = entry.get("date") or entry.get("year") or "日期不详"
        part = vocab.PART_LABELS.get(entry.get("part") or "")
        said = f"，原文“{entry['cue']}”" if entry.get("cue") else ""
        where = f"（《{doc.title}》第 {entry.get('line')} 行）" if doc else ""
        head = f"{when}（{part}）" if part else str(when)
        out.append(f"{head}：{entry.get('status') or '未知'}{said}{where}")
    return "；".join(out) + ("。" if out else "")


def source_sentences(sources: Any) -> str:
    """Every source as 《document》section 第 N 行 (not JSON)."""
    out = []
    for src in sources if isinstance(sources, list) else []:
        if not isinstance(src, dict):
            continue
        doc = vocab.DOCUMENTS_BY_FILE.get(src.get("doc"))
        title = doc.title if doc else str(src.get("doc") or "未知文件")
        out.append(f"《{title}》{src.get('section') or ''} 第 {src.get('line')} 行")
    return "；".join(out) + ("。" if out else "")


def kml_value(field: str, value: Any) -> Any:
    """A value as KML carries it: lists as readable Chinese text (names joined by 、, history
    and sources as sentences), the rest as it is."""
    if field == "status_history":
        return history_sentences(value)
    if field == "sources":
        return source_sentences(value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value if not isinstance(v, dict | list))
    return value


def _summary(meta: dict[str, Any], notes: list[str]) -> str:
    """The Document's description: what the file holds, in Chinese sentences."""
    scope = "全部项目" if meta["scope"].get("kind") == "all" else "当前筛选的项目"
    lines = [
        f"{meta['title']}。导出时间 {meta['exported_at']}，{scope}共 {meta['count']} 个。",
        f"坐标系：{meta['crs']['label']}。项目库版本：{meta.get('catalog_version') or '未注明'}。",
        *notes,
    ]
    return "\n".join(lines)


def write_kml(
    records: list[dict[str, Any]],
    geometries: list[shapely.Geometry | None],
    crs: str,
    meta: dict[str, Any],
    notes: list[str],
    split: bool,
    *,
    places: Any = None,
    **_: Any,
) -> tuple[bytes, str]:
    """One KML document (WGS84 lon/lat by definition); ``split`` is ignored: folders already
    split. Element order follows the OGC KML 2.2 schema (a Document's styles before its Schema).
    The places the projects refer to (:func:`geo.exchange.export.referenced_places`) are folders
    ``places_<family>`` of their own, each place once, outlined in grey."""
    kml = ET.Element("kml", xmlns=KML_NS)
    doc = ET.SubElement(kml, "Document")
    ET.SubElement(doc, "name").text = "沙坪坝区项目"
    ET.SubElement(doc, "description").text = _summary(meta, notes)
    balloon = balloon_text()
    for status, colour in vocab.STATUS_COLOURS.items():
        style = ET.SubElement(doc, "Style", id=f"status-{vocab.ALL_STATUSES.index(status)}")
        ET.SubElement(ET.SubElement(style, "IconStyle"), "color").text = _kml_colour(colour)
        line = ET.SubElement(style, "LineStyle")
        ET.SubElement(line, "color").text = _kml_colour(colour)
        ET.SubElement(line, "width").text = "3"
        ET.SubElement(ET.SubElement(style, "PolyStyle"), "color").text = _kml_colour(colour, "66")
        ET.SubElement(ET.SubElement(style, "BalloonStyle"), "text").text = balloon
    if places is not None:
        style = ET.SubElement(doc, "Style", id=PLACE_STYLE)
        ET.SubElement(ET.SubElement(style, "IconStyle"), "color").text = _kml_colour(PLACE_COLOUR)
        line = ET.SubElement(style, "LineStyle")
        ET.SubElement(line, "color").text = _kml_colour(PLACE_COLOUR)
        ET.SubElement(line, "width").text = "2"
        ET.SubElement(ET.SubElement(style, "PolyStyle"), "fill").text = "0"
    fields = ET.SubElement(doc, "Schema", name=KML_SCHEMA, id=KML_SCHEMA)
    for f, (kind, _, label) in EXPORT_FIELDS.items():
        if f != "name":  # the Placemark's <name> is the label
            field = ET.SubElement(fields, "SimpleField", name=f, type=_KML_TYPES[kind])
            ET.SubElement(field, "displayName").text = label
    for fam, idx in groups(geometries).items():
        folder = ET.SubElement(doc, "Folder")
        ET.SubElement(folder, "name").text = f"projects_{fam}"
        ET.SubElement(folder, "description").text = (
            unplaced_label([records[i] for i in idx])
            if fam == UNPLACED
            else f"沙坪坝区项目（{FAMILY_LABELS[fam]}）"
        )
        for i in idx:
            r = records[i]
            mark = ET.SubElement(folder, "Placemark")
            # The project id is also the Placemark's own id where it is a valid XML id (catalog
            # ids SPB-0001, staff-0001 are): GDAL 3.12 reads that as "id", GDAL 3.6 the
            # SchemaData one.
            if r["id"] is not None and _XML_ID.fullmatch(r["id"]):
                mark.set("id", r["id"])
            ET.SubElement(mark, "name").text = r["name"] or ""
            status = r["status"] if r["status"] in vocab.ALL_STATUSES else vocab.UNKNOWN_STATUS
            ET.SubElement(mark, "styleUrl").text = f"#status-{vocab.ALL_STATUSES.index(status)}"
            data = ET.SubElement(ET.SubElement(mark, "ExtendedData"), "SchemaData")
            data.set("schemaUrl", f"#{KML_SCHEMA}")
            for f in EXPORT_FIELDS:
                value = kml_value(f, r[f])
                if f != "name" and value not in (None, ""):  # name is the Placemark's label
                    ET.SubElement(data, "SimpleData", name=f).text = _kml_text(value)
            if geometries[i] is not None:
                geom = shapely.orient_polygons(geometries[i], exterior_cw=False)
                _kml_geometry(mark, geom)
    if places is not None:
        _place_folders(doc, places)
    body = ET.tostring(kml, encoding="utf-8", xml_declaration=True)
    return body, ".kml"


#: The style of the places' outlines and points: grey, unfilled, apart from the status colours.
PLACE_STYLE, PLACE_COLOUR = "place", "#636363"

#: What a place's Placemark carries (untyped Data, which Google Earth lists by its displayName).
_PLACE_DATA = (
    ("place_id", "所在地名编号"),
    ("precision_zh", "定位精度说明"),
    ("projects", "项目数"),
    ("schematic_zh", "示意（非测绘边界）"),
    ("basis", "依据"),
)


def _place_folders(doc: ET.Element, places: Any) -> None:
    """One folder per geometry family of the places, each place once (its name, id, precision
    and how many of the file's projects refer to it)."""
    for fam in ("point", "line", "polygon"):
        rows = [
            (row, geom)
            for row, geom in zip(places.to_dict("records"), places.geometry, strict=True)
            if geom is not None and FAMILIES[geom.geom_type] == fam
        ]
        if not rows:
            continue
        folder = ET.SubElement(doc, "Folder")
        ET.SubElement(folder, "name").text = f"places_{fam}"
        ET.SubElement(
            folder, "description"
        ).text = (
            f"项目所在地名（{FAMILY_LABELS[fam]}；按地名定位的项目以 place_id 关联，每个地名一次）"
        )
        for row, geom in rows:
            mark = ET.SubElement(folder, "Placemark")
            ET.SubElement(mark, "name").text = str(row["name"])
            ET.SubElement(mark, "styleUrl").text = f"#{PLACE_STYLE}"
            data = ET.SubElement(mark, "ExtendedData")
            for key, label in _PLACE_DATA:
                if row.get(key) not in (None, ""):
                    item = ET.SubElement(data, "Data", name=key)
                    ET.SubElement(item, "displayName").text = label
                    ET.SubElement(item, "value").text = str(row[key])
            _kml_geometry(mark, shapely.orient_polygons(geom, exterior_cw=False))


def write_kmz(*args: Any, **kwargs: Any) -> tuple[bytes, str]:
    """The KML zipped as ``doc.kml`` (the first entry, as Google Earth and 奥维 expect)."""
    body, _ = write_kml(*args, **kwargs)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("doc.kml", body)
    return buffer.getvalue(), ".kmz"
