"""The folium map: a base map that stays byte-identical while filters change, plus a tiny state.

Why two parts: streamlit-folium derives the component's identity from the map script, so any
change to it remounts the iframe (the map blanks, zoom and pan are lost). The base map therefore
carries everything that does not follow the filters — outline, zones, labels, legend, basemap,
and every drawable project, encoded once (``encode_projects``) and, in the app, published as a
static file the browser fetches once (``publish``) — and the filters travel as a
``feature_group_to_add`` holding one short string (``project_state``: one character per project,
hidden or the status to colour it by). The browser shows, hides and recolours the layers it
already has, so a filter change sends about one byte per project and redraws in place.

Everything shown inside the map is set as text (``textContent``), never as HTML, and the data
embedded in the page has ``<``, ``>`` and ``&`` escaped, so a name cannot inject markup.

This module assembles the map; the tables it is drawn from are in :mod:`geo.mapview.style`, the
payload encoding in :mod:`geo.mapview.payload` and the JavaScript in ``geo/mapview/js`` (rendered by
:mod:`geo.mapview.scripts`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.geometry
import shapely.ops

from geo import crs
from geo.context import context_layers
from geo.mapview.assets import VENDOR
from geo.mapview.localise import localise
from geo.mapview.payload import BADGE_CODES, ProjectPayload
from geo.mapview.phone import fit_phones
from geo.mapview.scripts import MapScript, js_literal, vendor_url
from geo.mapview.style import (
    BASEMAPS,
    DISTRICT_CENTRE,
    PRECISION_CODES,
    PRECISION_DECIMALS,
    PRECISION_STYLES,
    ZONE_COLOURS,
)
from geo.mapview.view import keep_view
from geo.places.reference import ZONE_IDS
from projects import vocab
from projects.progress import PROGRESS, PROGRESS_COLOURS


def project_state(
    payload: ProjectPayload,
    shown: Mapping[str, str] | pd.Series,
    selected_id: str | None = None,
    positions: np.ndarray | None = None,
    colour_by: str = "status",
    pending: tuple[float, float] | None = None,
) -> folium.FeatureGroup:
    """The filter state for the browser: for each encoded project, hidden or its status.

    ``shown`` maps the id of every project to draw to the status (or progress warning) to colour
    it by: a Series indexed by id, or a mapping. ``positions``, if given, are where ``shown``'s
    values sit in the payload (``payload.positions.get_indexer`` of their ids, -1 for none,
    found once per catalog by the caller), and its index is not read. ``colour_by`` ("status"
    or "progress") is what the values are: the legend shows that colour key only. ``pending``
    (lat, lng in the basemap's datum) is where staff clicked in 标绘模式 and have not yet saved
    or cancelled: the map marks it, and removes the mark when it is None. Passed as
    ``feature_group_to_add`` so a filter change updates the map without a remount. Built with
    whole-array operations: at 100 000 projects a loop over them took about 0.1 s a rerun.
    """
    values = shown if isinstance(shown, pd.Series) else pd.Series(dict(shown), dtype=object)
    at = payload.positions.get_indexer(values.index) if positions is None else positions
    known = at >= 0
    codes = _CODE_CHARS[_CODE_KEYS.get_indexer(values)]
    chars = np.full(len(payload.ids), ".", dtype="<U1")
    chars[at[known]] = codes[known]
    selected = payload.positions.get_indexer([selected_id])[0] if selected_id else -1
    group = folium.FeatureGroup(name="项目", control=False)
    text = chars.view(f"<U{len(chars)}")[0] if len(chars) else ""  # the array as one string
    MapScript(
        "state",
        "ProjectState",
        state_js=js_literal(text),
        selected=int(selected),
        colour_by=js_literal(colour_by),
        pending=js_literal(None if pending is None else [float(v) for v in pending]),
    ).add_to(group)
    return group


#: One digit per project: a status (0–5) or, when the map colours by progress, a progress
#: warning (6–9); the project layer's colour table has both, in that order. 未知 is both a
#: status and a warning: it takes the status's grey.
_COLOUR_CODES = {
    **{p: str(len(vocab.ALL_STATUSES) + i) for i, p in enumerate(PROGRESS)},
    **{status: str(i) for i, status in enumerate(vocab.ALL_STATUSES)},
}
_CODE_KEYS = pd.Index(list(_COLOUR_CODES))
#: The code of each key of ``_CODE_KEYS``, then (position -1) that of anything else: unknown.
_CODE_CHARS = np.array([*_COLOUR_CODES.values(), _COLOUR_CODES[vocab.UNKNOWN_STATUS]], dtype="<U1")


def _project_layer(
    payload: ProjectPayload, zones: gpd.GeoDataFrame | None, *, gcj02: bool, editing: bool
) -> MapScript:
    """Every project drawn once (markers, paths, badges, zone and district counts), with
    show/hide/recolour driven by ``window.__spApply``; in editing mode nothing takes a click."""
    # Inline data stays a JS literal (already escaped); a URL is fetched by the browser.
    source = js_literal({"url": payload.url}) if payload.url else '{"data":' + payload.js + "}"
    return MapScript(
        "project_layer",
        "ProjectLayer",
        source=source,
        styles=js_literal(PRECISION_STYLES),
        colours=js_literal(
            [vocab.STATUS_COLOURS[s] for s in vocab.ALL_STATUSES]
            + [PROGRESS_COLOURS[p] for p in PROGRESS]
        ),
        decimals=js_literal(PRECISION_DECIMALS),
        zones=js_literal(_placed_labels(zones, gcj02, payload.marks)),
        editing=js_literal(bool(editing)),
        badges=js_literal(BADGE_CODES),
        image_path=js_literal(vendor_url("leaflet/images/")),
    )


def background(
    outline: shapely.Geometry | None, zones: gpd.GeoDataFrame | None, *, gcj02: bool = False
) -> str:
    """What the map draws beneath the projects, as a JS literal: the district outline and the
    zones, and the context layers (neighbouring districts, 嘉陵江, 镇街 names, metro stations and
    lines), each switchable so the map reads with no tiles at all. The same for every filter:
    the page publishes it as a file (``publish_text``) so it is not sent with every rerun."""
    areas = area_collection(outline, zones, gcj02=gcj02)
    return js_literal({"areas": areas, "context": context_layers(gcj02=gcj02)})


def _background_layer(source: str) -> MapScript:
    """The background layers, from a URL (``{"url": …}``) or inline (``{"data": …}``)."""
    return MapScript("context_layer", "ContextLayer", source=source)


#: (id(zones), id(marks), gcj02) -> (zones, marks, labels): the last placements, for the same
#: objects (the page's cached zones and payload) on every rerun.
_PLACED: dict[tuple[int, int, bool], tuple[Any, Any, list[dict[str, Any]]]] = {}


def _placed_labels(
    zones: gpd.GeoDataFrame | None, gcj02: bool, marks: Sequence[tuple[float, float]]
) -> list[dict[str, Any]]:
    """:func:`zone_labels`, placed once per zones and payload object (the placement unions
    a box per mark: some 50 ms a rerun at 10 000 projects). The entry keeps both objects, so
    an id is never matched to a new object that reuses it."""
    key = (id(zones), id(marks), gcj02)
    hit = _PLACED.get(key)
    if hit is not None and hit[0] is zones and hit[1] is marks:
        return hit[2]
    labels = zone_labels(zones, gcj02=gcj02, avoid=marks)
    if len(_PLACED) >= 8:
        _PLACED.clear()
    _PLACED[key] = (zones, marks, labels)
    return labels


def zone_labels(
    zones: gpd.GeoDataFrame | None,
    *,
    gcj02: bool = False,
    avoid: Sequence[tuple[float, float]] = (),
) -> list[dict[str, Any]]:
    """Where each zone's label goes, with the place id its zone-level projects refer to.

    The label (a name over a count, about 150 × 35 px at the opening zoom) is put where it
    covers no marker or badge: the zone minus a label-sized box around each mark in ``avoid``,
    at the pole of inaccessibility of the largest piece left (``shapely.ops.polylabel``), so
    it reads clearly and never hides a cluster count.
    """
    if zones is None:
        return []
    boxes = _mark_boxes(avoid)
    placed = {}
    rows = [
        (label, short, crs.geometry_to_gcj02(geom) if gcj02 else geom)
        for (label, _, short), geom in zip(_zone_rows(zones), zones.geometry, strict=True)
        if geom is not None and not geom.is_empty and short in ZONE_IDS
    ]
    # A label wholly inside the district's extent stays on screen when the map is fitted to it.
    x0, y0, x1, y1 = shapely.union_all([r[2] for r in rows]).bounds if rows else (0, 0, 0, 0)
    inner = shapely.box(
        x0 + _LABEL_HALF[0], y0 + _LABEL_HALF[1], x1 - _LABEL_HALF[0], y1 - _LABEL_HALF[1]
    )
    # The smallest zone first: it has the fewest free spots; each label then keeps the next off.
    for label, short, g in sorted(rows, key=lambda r: r[2].area):
        at = _label_point(g, boxes, inner)
        placed[short] = {
            "id": ZONE_IDS[short],
            "name": label,
            "at": [round(at.x, 5), round(at.y, 5)],
        }
        boxes = shapely.union(boxes, _label_box(at.x, at.y, 2))
    return [placed[short] for _, short, _ in rows]


#: Half the size of a zone label in degrees (lon, lat) at the opening zoom (about 70 m a pixel).
_LABEL_HALF = (0.05, 0.016)


def _mark_boxes(avoid: Sequence[tuple[float, float]]) -> shapely.Geometry:
    """Where a label's centre would put the label over a mark: the union of a label-sized box
    around each distinct mark. Beyond :data:`_EXACT_MARKS` the marks are first gathered into
    cells a fifth of a label's half size, one box per cell grown by half a cell so that it
    covers every mark in it: 100 000 marks then cost a few thousand boxes (a box each took
    1.4 s to make and union)."""
    if not len(avoid):
        return shapely.GeometryCollection()
    half = np.asarray(_LABEL_HALF)
    centres = np.unique(np.asarray(avoid, dtype=float), axis=0)
    if len(centres) > _EXACT_MARKS:
        step = half / 5
        centres = (np.unique(np.floor(centres / step), axis=0) + 0.5) * step
        half = half + step / 2
    low, high = centres - half, centres + half
    return shapely.union_all(shapely.box(low[:, 0], low[:, 1], high[:, 0], high[:, 1]))


#: Up to this many distinct marks, each gets its own box (see ``_mark_boxes``).
_EXACT_MARKS = 5000


def _label_box(x: float, y: float, scale: float) -> shapely.Polygon:
    """The box around (x, y) in which a label's centre would put the label over it."""
    w, h = _LABEL_HALF[0] * scale, _LABEL_HALF[1] * scale
    return shapely.box(x - w, y - h, x + w, y + h)


def _label_point(
    zone: shapely.Geometry, boxes: shapely.Geometry, inner: shapely.Geometry
) -> shapely.Point:
    """The point of ``zone`` (within ``inner``) farthest inside the part no mark's box covers
    (or, when the marks cover it all, the zone's own representative point)."""
    free = zone.intersection(inner)
    free = free.difference(boxes) if not boxes.is_empty else free
    pieces = [p for p in shapely.get_parts(free) if p.geom_type == "Polygon" and p.area > 0]
    if not pieces:
        return zone.representative_point() if zone.geom_type != "MultiPolygon" else _largest(zone)
    return shapely.ops.polylabel(max(pieces, key=lambda p: p.area), tolerance=1e-4)


def legend_spec(zones: gpd.GeoDataFrame | None) -> list[dict[str, Any]]:
    """The legend's sections as data (status, progress, precision, marks, zones), in vocabulary
    order. The two colour keys carry a ``key``: the map shows only the one it colours by. The
    zones carry a ``layer``: listed only while that layer is on the map."""
    status_rows = [
        {"label": s, "fill": c, "stroke": c, "round": True} for s, c in vocab.STATUS_COLOURS.items()
    ]
    precision_rows = []
    for name, code in PRECISION_CODES.items():
        st = PRECISION_STYLES[code]
        alpha = int(round(st["fillOpacity"] * 255))
        precision_rows.append(
            {
                "label": vocab.PRECISION_LABELS[name],
                "fill": f"#636363{alpha:02x}",
                "stroke": "#636363",
                "dashed": bool(st["dashArray"]),
                "round": True,
            }
        )
    marks = [
        {"label": "聚合：数字为项目数", "fill": "#08519cd9", "stroke": "#ffffff", "round": True},
        {"label": "地名徽标：项目数（在该地附近）", "fill": "#ffffff", "stroke": "#08519c"},
        {"label": "片区、镇街徽标：项目数", "fill": "#ffffff", "stroke": "#08519c", "dashed": True},
        {"label": "虚线轮廓：示意范围", "fill": "#08519c10", "stroke": "#08519c", "dashed": True},
    ]
    spec = [
        {"title": "状态（截至所选年份）", "rows": status_rows, "key": "status"},
        {"title": "定位精度", "rows": precision_rows},
        {"title": "图上标记", "rows": marks},
    ]
    spec.insert(
        1,
        {
            "title": "进度预警（截至所选年份）",
            "rows": [
                {"label": p, "fill": c, "stroke": c, "round": True}
                for p, c in PROGRESS_COLOURS.items()
            ],
            "key": "progress",
        },
    )
    if zones is not None and len(zones):
        rows = [
            {"label": label, "fill": colour, "stroke": "#777777"}
            for label, colour, _ in _zone_rows(zones)
        ]
        # Listed while the zones are drawn: they can be switched off in the layer control.
        spec.append({"title": "片区（示意）", "rows": rows, "layer": "zones"})
    return spec


def _zone_rows(zones: gpd.GeoDataFrame) -> list[tuple[str, str, str]]:
    """(label, colour, short name) per zone, tolerant of which columns the zones file has."""
    rows = []
    for _, z in zones.iterrows():
        short = str(z.get("zone") or z.get("short_name") or z.get("name") or "")
        name = str(z.get("name") or short)
        colour = z.get("colour") or z.get("color") or ZONE_COLOURS.get(short, "#dddddd")
        rows.append((name, str(colour), short))
    return rows


def area_collection(
    outline: shapely.Geometry | None, zones: gpd.GeoDataFrame | None, *, gcj02: bool = False
) -> dict[str, Any]:
    """Outline and zones as one FeatureCollection with per-feature style and label point."""
    features = []

    def shift(g: shapely.Geometry) -> shapely.Geometry:
        return crs.geometry_to_gcj02(g) if gcj02 else g

    if zones is not None:
        for (label, colour, _), geom in zip(_zone_rows(zones), zones.geometry, strict=True):
            if geom is None or geom.is_empty:
                continue
            g = shift(geom)
            at = g.representative_point() if g.geom_type != "MultiPolygon" else _largest(g)
            features.append(
                {
                    "type": "Feature",
                    "geometry": shapely.geometry.mapping(shapely.set_precision(g, 1e-5)),
                    "properties": {
                        "style": {
                            "color": "#888888",
                            "weight": 1,
                            "fillColor": colour,
                            "fillOpacity": 0.3,
                        },
                        "label": label,
                        "at": [round(at.x, 5), round(at.y, 5)],
                    },
                }
            )
    if outline is not None and not outline.is_empty:
        features.append(
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(shapely.set_precision(shift(outline), 1e-5)),
                "properties": {
                    "style": {"color": "#444444", "weight": 2.5, "fill": False},
                    "label": None,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _largest(multi: shapely.Geometry) -> shapely.Point:
    return max(multi.geoms, key=lambda p: p.area).representative_point()


def base_map(
    payload: ProjectPayload,
    outline: shapely.Geometry | None = None,
    zones: gpd.GeoDataFrame | None = None,
    *,
    basemap: str = "none",
    token: str | None = None,
    editing: bool = False,
    background_url: str | None = None,
) -> folium.Map:
    """The map that does not follow the filters (same inputs give the same script).

    ``payload`` must be encoded in the basemap's datum (``encode_projects(gcj02=True)`` for
    高德). With ``editing`` a draw control lets staff place points, lines and polygons
    (only when leaflet.draw was installed into static/vendor; see ``draw_available``).
    ``background_url``: where the page published ``background(outline, zones)`` in the
    basemap's datum; without it, that data is embedded in the script.
    """
    choice = BASEMAPS.get(basemap)
    if choice is None:
        raise ValueError(f"basemap was {basemap!r} but is expected to be one of {list(BASEMAPS)}")
    if choice.needs_token and not token:
        raise ValueError(f"basemap {basemap!r} needs a token (TIANDITU_TOKEN)")
    gcj02 = choice.datum == "GCJ02"
    centre = DISTRICT_CENTRE
    if outline is not None and not outline.is_empty:
        # The middle of its extent, not its centroid: the district is drawn whole at zoom 11 on
        # a 400 px phone (354 px wide), where the centroid cut off its eastern edge.
        x0, y0, x1, y1 = (crs.geometry_to_gcj02(outline) if gcj02 else outline).bounds
        centre = (round((y0 + y1) / 2, 4), round((x0 + x1) / 2, 4))
    m = folium.Map(
        location=centre,
        zoom_start=11,
        tiles=None,
        control_scale=False,
        maxZoom=18,
        minZoom=8,
    )
    m.default_js = [
        ("leaflet", vendor_url("leaflet/leaflet.js")),
        ("markercluster", vendor_url("leaflet-markercluster/leaflet.markercluster.js")),
    ]
    m.default_css = [
        ("leaflet_css", vendor_url("leaflet/leaflet.css")),
        ("markercluster_css", vendor_url("leaflet-markercluster/MarkerCluster.css")),
    ]
    localise(m)
    fit_phones(m)  # sizes a phone's map before the view is kept (a resize moves it)
    keep_view(m)
    if choice.url:
        for url in (choice.url, choice.overlay_url):
            if url:
                folium.TileLayer(
                    tiles=url.replace("{token}", token or ""),
                    attr=choice.attribution,
                    name=choice.label,
                    subdomains=choice.subdomains,
                    max_zoom=18,
                    overlay=url is choice.overlay_url,
                    control=False,
                ).add_to(m)
    if background_url:
        _background_layer(js_literal({"url": background_url})).add_to(m)
    else:
        _background_layer('{"data":' + background(outline, zones, gcj02=gcj02) + "}").add_to(m)
    _project_layer(payload, zones, gcj02=gcj02, editing=editing).add_to(m)
    MapScript("legend", "Legend", spec=js_literal(legend_spec(zones))).add_to(m)
    if editing and draw_available():
        draw = folium.plugins.Draw(
            export=False,
            position="topleft",
            draw_options={
                "polyline": True,
                "polygon": True,
                "marker": True,
                "rectangle": False,
                "circle": False,
                "circlemarker": False,
            },
            edit_options={"edit": False, "remove": True},
        )
        draw.default_js = [("leaflet_draw_js", vendor_url("leaflet-draw/leaflet.draw.js"))]
        draw.default_css = [("leaflet_draw_css", vendor_url("leaflet-draw/leaflet.draw.css"))]
        draw.add_to(m)
    return m


def draw_available() -> bool:
    """Is leaflet.draw served locally (copied by ``make`` from the npm registry)?"""
    return (VENDOR / "leaflet-draw" / "leaflet.draw.js").exists()


def token_from_env(environ: Mapping[str, str] | None = None) -> str | None:
    """The 天地图 key from ``TIANDITU_TOKEN``, or None."""
    value = (environ if environ is not None else os.environ).get("TIANDITU_TOKEN", "").strip()
    return value or None


def event_to_wgs84(event: dict[str, Any] | None, basemap: str) -> dict[str, Any] | None:
    """The map's returned event with its coordinates back in WGS84 (drawn over 高德 = GCJ-02).

    Staff placements made on a GCJ-02 basemap must be stored in WGS84 like everything else.
    """
    if not event or BASEMAPS.get(basemap, BASEMAPS["none"]).datum != "GCJ02":
        return event
    out = dict(event)
    for key in ("last_clicked", "last_object_clicked"):
        point = out.get(key)
        if isinstance(point, dict) and "lat" in point and "lng" in point:
            lon, lat = crs.gcj02_to_wgs84(point["lng"], point["lat"])
            out[key] = {**point, "lng": float(lon), "lat": float(lat)}
    for key in ("last_active_drawing",):
        if isinstance(out.get(key), dict):
            out[key] = _feature_to_wgs84(out[key])
    if isinstance(out.get("all_drawings"), list):
        out["all_drawings"] = [_feature_to_wgs84(f) for f in out["all_drawings"]]
    return out


def _feature_to_wgs84(feature: dict[str, Any]) -> dict[str, Any]:
    geometry = feature.get("geometry")
    if not geometry:
        return feature
    shape = crs.geometry_from_gcj02(shapely.geometry.shape(geometry))
    return {**feature, "geometry": shapely.geometry.mapping(shape)}


def returned_objects(editing: bool) -> Sequence[str]:
    """What the map reports back (fewer keys, fewer reruns: pans and zooms report nothing)."""
    if editing:
        return ("last_active_drawing", "last_object_clicked", "last_clicked", "all_drawings")
    return ("last_active_drawing", "last_object_clicked")


def clicked_project(event: dict[str, Any] | None, known: Iterable[str]) -> str | None:
    """The id of the project the user clicked on the map, if the event is such a click."""
    if not event:
        return None
    feature = event.get("last_active_drawing") or {}
    pid = (feature.get("properties") or {}).get("id")
    return pid if pid in set(known) else None
