"""The folium map: styles, the project payload, its scripts and the vendored assets."""

from geo.mapview.folium_map import (
    area_collection,
    background,
    base_map,
    clicked_project,
    draw_available,
    event_to_wgs84,
    legend_spec,
    project_state,
    returned_objects,
    token_from_env,
)
from geo.mapview.localise import DRAW_LOCAL, localise
from geo.mapview.payload import (
    DRAW_RANK,
    ProjectPayload,
    drawable,
    encode_projects,
    on_map,
    publish,
    publish_text,
)
from geo.mapview.phone import NARROW_PX, fit_phones
from geo.mapview.scripts import (
    MAP_FRAME,
    PAINT_WAIT_MS,
    PAINTED_DIR,
    js_literal,
    vendor_url,
)
from geo.mapview.style import (
    BASEMAPS,
    DISTRICT_CENTRE,
    PRECISION_CODES,
    PRECISION_DECIMALS,
    PRECISION_STYLES,
    ZONE_COLOURS,
    Basemap,
)
from geo.mapview.view import VIEW_PARAM, keep_view, parse_view

__all__ = [
    "BASEMAPS",
    "Basemap",
    "DISTRICT_CENTRE",
    "DRAW_LOCAL",
    "DRAW_RANK",
    "MAP_FRAME",
    "PAINT_WAIT_MS",
    "PAINTED_DIR",
    "NARROW_PX",
    "PRECISION_CODES",
    "PRECISION_DECIMALS",
    "PRECISION_STYLES",
    "ProjectPayload",
    "VIEW_PARAM",
    "ZONE_COLOURS",
    "area_collection",
    "background",
    "base_map",
    "clicked_project",
    "draw_available",
    "drawable",
    "encode_projects",
    "event_to_wgs84",
    "fit_phones",
    "keep_view",
    "js_literal",
    "legend_spec",
    "on_map",
    "localise",
    "parse_view",
    "project_state",
    "publish",
    "publish_text",
    "returned_objects",
    "token_from_env",
    "vendor_url",
]
