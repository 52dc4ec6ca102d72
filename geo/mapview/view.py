"""The map's view (centre and zoom) kept in the page URL, so it survives a rebuilt map and a
shared link opens where the sender was looking.

Why in the browser: pans and zooms report nothing back to the server (that would rerun the page
on every drag), so the map itself writes its view into the URL parameter :data:`VIEW_PARAM` and
reads it back when it is created.
"""

from __future__ import annotations

import math

import folium

from geo.mapview.scripts import MapScript, js_literal

#: URL parameter holding "lat,lng,zoom" (5 decimals: about a metre, finer than a screen pixel).
VIEW_PARAM = "v"
#: The zooms the map allows (folium_map.base_map's minZoom and maxZoom).
ZOOMS = range(8, 19)


def keep_view(m: folium.Map) -> folium.Map:
    """Make ``m`` start from, and write back, the view in the page URL."""
    MapScript("view", "KeepView", key=js_literal(VIEW_PARAM)).add_to(m)
    return m


def parse_view(text: str | None) -> tuple[float, float, int] | None:
    """(lat, lng, zoom) from a URL value, or None when it is not one (the map ignores it too).

    >>> parse_view("29.55,106.40,13")
    (29.55, 106.4, 13)
    >>> parse_view("29.55,abc,13") is None
    True
    """
    parts = str(text or "").split(",")
    if len(parts) != 3:
        return None
    try:
        lat, lng, zoom = float(parts[0]), float(parts[1]), float(parts[2])
    except ValueError:
        return None
    if not (math.isfinite(lat) and math.isfinite(lng)) or abs(lat) > 90 or abs(lng) > 180:
        return None
    if not zoom.is_integer() or int(zoom) not in ZOOMS:
        return None
    return lat, lng, int(zoom)
