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


#: One character per precision class drawn on the map. "district" (only the district is
#: known) and "none" are not drawn: a mark at the district's centre would claim a place.
PRECISION_CODES: dict[str, str] = {
    "exact": "e",
    "approximate": "a",
    "area": "r",
    "manual": "m",
    "zone": "z",
}


#: Decimal places kept per precision: ~1 m for exact and staff placements, ~10 m otherwise.
PRECISION_DECIMALS: dict[str, int] = {"e": 5, "m": 5, "a": 4, "r": 4, "z": 4}


#: Drawing style per precision: radius (points), stroke weight, fill opacity, dash pattern.
#: Solid for exact positions; hollow and dashed the less we know where a project is. A
#: zone-level project is drawn as an unfilled dashed outline (its interior is not clickable).
PRECISION_STYLES: dict[str, dict[str, Any]] = {
    "e": {"radius": 5, "weight": 1.5, "fillOpacity": 0.85, "dashArray": None},
    "m": {"radius": 5, "weight": 2, "fillOpacity": 0.85, "dashArray": None},
    "a": {"radius": 7, "weight": 2, "fillOpacity": 0.25, "dashArray": "4 3"},
    "r": {"radius": 7, "weight": 2, "fillOpacity": 0.1, "dashArray": "6 4"},
    "z": {"radius": 9, "weight": 1.5, "fillOpacity": 0.0, "dashArray": "2 5"},
}


#: Chinese label of every precision class (legend, details, table).
PRECISION_LABELS: dict[str, str] = {
    "exact": "精确（100 米内）",
    "manual": "人工标绘",
    "approximate": "大致（1 公里内）",
    "area": "片区范围",
    "zone": "仅知片区（示意轮廓）",
    "district": "仅知在区内（不上图）",
    "none": "未定位（不上图）",
}


#: Fallback zone colours when the zones file carries none.
ZONE_COLOURS: dict[str, str] = {"东": "#fdd0a2", "中": "#c7e9c0", "西": "#c6dbef"}
