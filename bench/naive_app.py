"""The naive pages the issue compares against (benchmark only, never served to users).

BENCH_MODE=rebuilt: one folium GeoJson layer with a style_function, the map rebuilt each rerun.
BENCH_MODE=feature_group: the same layer passed as ``feature_group_to_add`` over a fixed map.
A ``_canvas`` suffix (e.g. ``feature_group_canvas``) adds folium's one-line best variant,
``prefer_canvas=True``: Leaflet draws every vector on one canvas instead of one SVG node each.
Same catalog, same sector filter and same local assets as the real page.
"""

from __future__ import annotations

import os
from typing import Any

import folium
import streamlit as st
from streamlit_folium import st_folium

from geo import mapview
from projects import filters, vocab
from ui import catalog

MODE = os.environ.get("BENCH_MODE", "rebuilt")
CANVAS = MODE.endswith("_canvas")
gdf = catalog.load_catalog(catalog.catalog_key(catalog.catalog_path()))
with st.sidebar:
    sectors = st.multiselect("领域", vocab.SECTORS, default=list(vocab.SECTORS))
query = filters.Query(sectors=None if len(sectors) == len(vocab.SECTORS) else tuple(sectors))
shown = filters.filter_projects(gdf, query)
shown = shown[mapview.drawable(shown)][["id", "name", "status_shown", "precision", "geometry"]]
# folium's GeoJson with a marker draws no MultiPoint inside a FeatureGroup (and a stale layer
# stays behind): draw each part as its own feature, as a naive page would have to.
shown = shown.explode(index_parts=False)
st.markdown(f"显示 {len(shown)} / {len(gdf)} 个项目")


def style(feature: dict[str, Any]) -> dict[str, Any]:
    """The naive way: a per-feature style function folium calls on every rebuild."""
    colour = vocab.STATUS_COLOURS.get(feature["properties"]["status_shown"], "#969696")
    return {"color": colour, "fillColor": colour, "weight": 2, "fillOpacity": 0.6}


m = folium.Map(location=mapview.DISTRICT_CENTRE, zoom_start=11, tiles=None, prefer_canvas=CANVAS)
m.default_js = [("leaflet", mapview.vendor_url("leaflet/leaflet.js"))]
m.default_css = [("leaflet_css", mapview.vendor_url("leaflet/leaflet.css"))]
layer = folium.GeoJson(
    shown,
    style_function=style,
    marker=folium.CircleMarker(radius=5),
    tooltip=folium.GeoJsonTooltip(["name"]) if len(shown) else None,
)
if MODE.startswith("rebuilt"):
    layer.add_to(m)
    st_folium(m, key="map", height=620, use_container_width=True, returned_objects=[])
else:
    group = folium.FeatureGroup(name="projects")
    layer.add_to(group)
    st_folium(
        m,
        key="map",
        height=620,
        use_container_width=True,
        returned_objects=[],
        feature_group_to_add=group,
    )
