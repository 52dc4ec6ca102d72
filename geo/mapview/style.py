"""The tables the map is drawn from: basemaps, how each precision class looks, zone colours.

Data, not code: the map, the legend, the details panel and the payload encoder all read these, so a
style changes in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Initial view when no outline is available (the centre of the district's extent).
DISTRICT_CENTRE = (29.624, 106.369)


@dataclass(frozen=True)
class Basemap:
    """One basemap choice: tile URL, attribution, the datum its tiles are drawn in, key needed."""

    label: str
    url: str | None
    attribution: str
    #: "WGS84" or "GCJ02" (高德 tiles are GCJ-02: what is drawn over them must be shifted).
    datum: str = "WGS84"
    needs_token: bool = False
    subdomains: str = "abc"
    #: A second tile layer drawn on top (天地图's labels come separately).
    overlay_url: str | None = None


BASEMAPS: dict[str, Basemap] = {
    "none": Basemap("无底图（离线）", None, ""),
    "amap": Basemap(
        "高德地图",
        "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
        "&x={x}&y={y}&z={z}",
        "&copy; 高德地图",
        datum="GCJ02",
        subdomains="1234",
    ),
    "tianditu": Basemap(
        "天地图",
        "https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
        "&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
        "&TILECOL={x}&tk={token}",
        "&copy; 天地图",
        needs_token=True,
        subdomains="01234567",
        overlay_url="https://t{s}.tianditu.gov.cn/cva_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
        "&VERSION=1.0.0&LAYER=cva&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}"
        "&TILEROW={y}&TILECOL={x}&tk={token}",
    ),
    "osm": Basemap(
        "OpenStreetMap",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "&copy; OpenStreetMap contributors",
    ),
}


#: One character per precision class drawn as the project's own geometry. Reference-level
#: positions (area, 镇街, zone, district) have no geometry of their own: an area or 镇街 is drawn
#: once, as a badge with a count; zone- and district-level projects are counted, not drawn.
PRECISION_CODES: dict[str, str] = {
    "exact": "e",
    "approximate": "a",
    "manual": "m",
    "imported": "i",
}


#: Decimal places kept per precision: ~1 m for exact, staff and imported positions, ~10 m otherwise.
PRECISION_DECIMALS: dict[str, int] = {"e": 5, "m": 5, "i": 5, "a": 4}


#: Drawing style per precision: radius (points), stroke weight, fill opacity, dash pattern.
#: Solid for exact positions; hollow and dashed the less we know where a project is.
PRECISION_STYLES: dict[str, dict[str, Any]] = {
    "e": {"radius": 5, "weight": 1.5, "fillOpacity": 0.85, "dashArray": None},
    "m": {"radius": 5, "weight": 2, "fillOpacity": 0.85, "dashArray": None},
    "i": {"radius": 5, "weight": 2, "fillOpacity": 0.85, "dashArray": None},
    "a": {"radius": 7, "weight": 2, "fillOpacity": 0.25, "dashArray": "4 3"},
}


#: Fallback zone colours when the zones file carries none.
ZONE_COLOURS: dict[str, str] = {"东": "#fdd0a2", "中": "#c7e9c0", "西": "#c6dbef"}
