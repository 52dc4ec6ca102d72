"""The status symbology of the map as a QGIS style (QML) and as OGC SLD 1.0.

The colours are the app's (``vocab.STATUS_COLOURS``): a layer opens coloured by status in QGIS
(from the GeoPackage's ``layer_styles``) and in any SLD reader (the ``.sld`` beside a Shapefile).
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from projects import vocab

SLD = "http://www.opengis.net/sld"
OGC = "http://www.opengis.net/ogc"
for _prefix, _uri in (("sld", SLD), ("ogc", OGC)):
    ET.register_namespace(_prefix, _uri)

#: Symbol kind per geometry family: QGIS symbol type, QGIS layer class, SLD symbolizer.
_KINDS = {
    "point": ("marker", "SimpleMarker", "PointSymbolizer"),
    "line": ("line", "SimpleLine", "LineSymbolizer"),
    "polygon": ("fill", "SimpleFill", "PolygonSymbolizer"),
}


def _rgb(hex_rgb: str) -> str:
    return ",".join(str(int(hex_rgb[i : i + 2], 16)) for i in (1, 3, 5))


def _options(family: str, colour: str) -> dict[str, str]:
    rgb = _rgb(colour)
    if family == "point":
        return {"name": "circle", "color": f"{rgb},255", "size": "3", "outline_color": "0,0,0,255"}
    if family == "line":
        return {"line_color": f"{rgb},255", "line_width": "0.8"}
    return {"color": f"{rgb},102", "outline_color": f"{rgb},255", "outline_width": "0.5"}


def qml(family: str, field: str = "status") -> str:
    """A QGIS style: a categorised renderer on ``field`` with one symbol per status."""
    kind, layer_class, _ = _KINDS[family]
    root = ET.Element("qgis", version="3.28", styleCategories="Symbology")
    renderer = ET.SubElement(
        root, "renderer-v2", type="categorizedSymbol", attr=field, symbollevels="0"
    )
    categories = ET.SubElement(renderer, "categories")
    symbols = ET.SubElement(renderer, "symbols")
    for i, (status, colour) in enumerate(vocab.STATUS_COLOURS.items()):
        ET.SubElement(
            categories, "category", value=status, symbol=str(i), label=status, render="true"
        )
        symbol = ET.SubElement(symbols, "symbol", name=str(i), type=kind, alpha="1")
        layer = ET.SubElement(symbol, "layer", {"class": layer_class, "enabled": "1"})
        options = ET.SubElement(layer, "Option", type="Map")
        for key, value in _options(family, colour).items():
            ET.SubElement(options, "Option", name=key, type="QString", value=value)
    body = ET.tostring(root, encoding="unicode")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + body


def sld(family: str, layer: str, field: str = "status") -> str:
    """An OGC SLD 1.0 style: one rule per status (a filter on ``field``)."""
    _, _, symbolizer = _KINDS[family]
    root = ET.Element(f"{{{SLD}}}StyledLayerDescriptor", version="1.0.0")
    named = ET.SubElement(root, f"{{{SLD}}}NamedLayer")
    ET.SubElement(named, f"{{{SLD}}}Name").text = layer
    style = ET.SubElement(named, f"{{{SLD}}}UserStyle")
    ET.SubElement(style, f"{{{SLD}}}Title").text = "按状态着色"
    fts = ET.SubElement(style, f"{{{SLD}}}FeatureTypeStyle")
    for status, colour in vocab.STATUS_COLOURS.items():
        rule = ET.SubElement(fts, f"{{{SLD}}}Rule")
        ET.SubElement(rule, f"{{{SLD}}}Name").text = status
        ET.SubElement(rule, f"{{{SLD}}}Title").text = status
        equal = ET.SubElement(
            ET.SubElement(rule, f"{{{OGC}}}Filter"), f"{{{OGC}}}PropertyIsEqualTo"
        )
        ET.SubElement(equal, f"{{{OGC}}}PropertyName").text = field
        ET.SubElement(equal, f"{{{OGC}}}Literal").text = status
        sym = ET.SubElement(rule, f"{{{SLD}}}{symbolizer}")
        if family == "point":
            graphic = ET.SubElement(sym, f"{{{SLD}}}Graphic")
            mark = ET.SubElement(graphic, f"{{{SLD}}}Mark")
            ET.SubElement(mark, f"{{{SLD}}}WellKnownName").text = "circle"
            _param(ET.SubElement(mark, f"{{{SLD}}}Fill"), "fill", colour)
            ET.SubElement(graphic, f"{{{SLD}}}Size").text = "8"
        elif family == "line":
            stroke = ET.SubElement(sym, f"{{{SLD}}}Stroke")
            _param(stroke, "stroke", colour)
            _param(stroke, "stroke-width", "3")
        else:
            fill = ET.SubElement(sym, f"{{{SLD}}}Fill")
            _param(fill, "fill", colour)
            _param(fill, "fill-opacity", "0.4")
            stroke = ET.SubElement(sym, f"{{{SLD}}}Stroke")
            _param(stroke, "stroke", colour)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def _param(parent: ET.Element, name: str, value: str) -> None:
    ET.SubElement(parent, f"{{{SLD}}}CssParameter", name=name).text = value
