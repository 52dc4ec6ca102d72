"""KML for Google Earth and 奥维: typed attributes, status styles, one folder per geometry family.

Balloons are HTML tables with every value escaped, so a name cannot inject markup.
"""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any
from xml.etree import ElementTree as ET

import shapely

from geo.exchange.formats import DEGREE_DECIMALS, FAMILY_LABELS, GCJ02
from geo.exchange.records import csv_text, flat_value, groups
from projects import schema, vocab

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
        f"<tr><th>{escape(label)}</th><td>{escape(csv_text(flat_value(f, record[f])))}</td></tr>"
        for f, (_, _, label) in schema.FIELDS.items()
        if record[f] not in (None, "", [])
    )
    return f'<table border="1" cellpadding="2">{rows}</table>'


def write_kml(
    records: list[dict[str, Any]],
    geometries: list[shapely.Geometry | None],
    crs: str,
    meta: dict[str, Any],
    notes: list[str],
    split: bool,
    **_: Any,
) -> tuple[bytes, str]:
    """One KML document (lon/lat by definition); ``split`` is ignored: folders already split."""
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
    for fam, idx in groups(geometries).items():
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
