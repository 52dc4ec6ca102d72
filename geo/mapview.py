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
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import shapely
import shapely.geometry
from branca.element import MacroElement
from folium.template import Template

from geo import crs
from geo.assets import URL_PREFIX, VENDOR
from projects import vocab

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
#: Integer coordinates are offsets from this origin, in units of 10^-decimals degrees.
_ORIGIN = (106.0, 29.0)
_KINDS = {
    "Point": "P",
    "LineString": "L",
    "Polygon": "A",
    "MultiPoint": "Q",
    "MultiLineString": "M",
    "MultiPolygon": "N",
}


def vendor_url(path: str) -> str:
    """URL under which the app serves a file of ``static/vendor``."""
    return f"{URL_PREFIX}/{path}"


def js_literal(value: Any) -> str:
    """JSON that is safe inside a ``<script>``: ``<``, ``>``, ``&`` and line separators escaped.

    >>> js_literal({"n": "<img src=x onerror=alert(1)>"})
    '{"n":"\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(raw, esc)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


@dataclass(frozen=True)
class ProjectPayload:
    """The drawable projects, encoded once per catalog version and datum."""

    #: The JavaScript literal embedded in the base map.
    js: str
    #: Project ids in payload order (the state string follows this order).
    ids: tuple[str, ...]
    #: Catalog ids that could not be drawn (no geometry, or precision "none").
    undrawn: tuple[str, ...]
    #: Where the browser fetches ``js`` from (see ``publish``); None embeds it in the page.
    url: str | None = None

    @property
    def index(self) -> dict[str, int]:
        return {pid: i for i, pid in enumerate(self.ids)}


#: Drawing order, bottom to top: zone outlines, areas, lines, points (clicks reach the small).
_RANK = {"P": 3, "Q": 3, "L": 2, "M": 2, "A": 1, "N": 1}


def drawable(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Which projects the map draws: a geometry and a precision finer than the district."""
    geom = gdf.geometry
    has = geom.notna().to_numpy() & ~geom.is_empty.fillna(True).to_numpy()
    return has & gdf["precision"].isin(list(PRECISION_CODES)).to_numpy()


def encode_projects(gdf: gpd.GeoDataFrame, *, gcj02: bool = False) -> ProjectPayload:
    """Encode every drawable project compactly: ids, names, precision codes and coordinates.

    Coordinates are integers (offsets from a fixed origin at the precision's decimals),
    delta-coded along lines and rings; only what the map needs to draw and label is sent —
    the details panel reads the rest from the catalog on click. Features are ordered so
    outlines and areas lie under lines and points.
    """
    mask = drawable(gdf)
    undrawn = tuple(str(pid) for pid in gdf["id"][~mask])
    rows = []
    for pid, name, precision, geom in zip(
        gdf["id"][mask], gdf["name"][mask], gdf["precision"][mask], gdf.geometry[mask], strict=True
    ):
        kind = _KINDS.get(geom.geom_type)
        if kind is None:  # a GeometryCollection: not drawn, listed
            undrawn += (str(pid),)
            continue
        code = PRECISION_CODES[precision]
        rank = 0 if code == "z" and kind in "AN" else _RANK[kind]
        rows.append((rank, str(pid), str(name or pid), code, kind, geom))
    rows.sort(key=lambda r: r[0])
    if gcj02 and rows:
        shifted = [crs.geometry_to_gcj02(r[5]) for r in rows]
        rows = [(*r[:5], g) for r, g in zip(rows, shifted, strict=True)]
    data = {
        "o": _ORIGIN,
        "id": [r[1] for r in rows],
        "n": [r[2] for r in rows],
        "p": "".join(r[3] for r in rows),
        "k": "".join(r[4] for r in rows),
        "g": [_encode_geometry(r[5], PRECISION_DECIMALS[r[3]]) for r in rows],
    }
    return ProjectPayload(js_literal(data), tuple(data["id"]), undrawn)


def publish(payload: ProjectPayload, folder: Path, url_prefix: str) -> ProjectPayload:
    """Write the payload to a content-named file the app serves statically; return it with its URL.

    Why: Streamlit re-sends a component's arguments on every rerun, so a layer embedded in the
    map script would travel again with each filter change; fetched once by URL it is sent once
    and cached by the browser. Older payload files in ``folder`` are removed.
    """
    digest = hashlib.sha1(payload.js.encode("utf-8")).hexdigest()[:16]
    name = f"projects-{digest}.json"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if not target.exists():  # unique temporary name: two sessions may publish at once
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, delete=False) as f:
            f.write(payload.js)
        Path(f.name).replace(target)
    stale = sorted(folder.glob("projects-*.json"), key=lambda p: p.stat().st_mtime)[:-8]
    for old in stale:
        old.unlink(missing_ok=True)
    return replace(payload, url=f"{url_prefix}/{name}")


def _encode_geometry(geom: shapely.Geometry, decimals: int) -> list:
    scale = 10**decimals

    def part(coords: np.ndarray) -> list[int]:
        xy = np.rint((coords[:, :2] - _ORIGIN) * scale).astype(np.int64)
        xy[1:] -= xy[:-1].copy()
        return xy.ravel().tolist()

    def polygon(p: shapely.Polygon) -> list[list[int]]:
        return [part(np.asarray(p.exterior.coords))] + [
            part(np.asarray(r.coords)) for r in p.interiors
        ]

    kind = geom.geom_type
    if kind in ("Point", "LineString"):
        return part(np.asarray(geom.coords))
    if kind == "Polygon":
        return polygon(geom)
    if kind in ("MultiPoint", "MultiLineString"):
        return [part(np.asarray(g.coords)) for g in geom.geoms]
    return [polygon(g) for g in geom.geoms]


def project_state(
    payload: ProjectPayload,
    shown: Mapping[str, str],
    selected_id: str | None = None,
) -> folium.FeatureGroup:
    """The filter state for the browser: for each encoded project, hidden or its status.

    ``shown`` maps the id of every project to draw to the status to colour it by.
    Passed as ``feature_group_to_add`` so a filter change updates the map without a remount.
    """
    chars = np.full(len(payload.ids), ".", dtype="<U1")
    index = payload.index
    for pid, status in shown.items():
        i = index.get(pid)
        if i is not None:
            chars[i] = str(vocab.ALL_STATUSES.index(status) if status in vocab.ALL_STATUSES else 5)
    selected = index.get(selected_id, -1) if selected_id else -1
    group = folium.FeatureGroup(name="项目", control=False)
    _StateScript("".join(chars), selected).add_to(group)
    return group


class _StateScript(MacroElement):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        if (window.__spApply) { window.__spApply({{ this.state_js }}, {{ this.selected }}); }
        {% endmacro %}
        """
    )

    def __init__(self, state: str, selected: int):
        super().__init__()
        self._name = "ProjectState"
        self.state_js = js_literal(state)
        self.selected = int(selected)


class _ProjectLayer(MacroElement):
    """All projects on one canvas, with show/hide/recolour driven by ``window.__spApply``."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }};
          var SRC = {{ this.source }}, S = {{ this.styles }}, C = {{ this.colours }};
          var DEC = {{ this.decimals }};
          L.Icon.Default.imagePath = {{ this.image_path }};
          var pane = map.createPane("spProjects");
          pane.style.zIndex = 450;
          var renderer = L.canvas({ pane: "spProjects", padding: 0.3 });
          var group = L.featureGroup().addTo(map);
          var sp = { layers: [], group: group, selected: -1, shown: 0, ready: false, applied: 0 };
          window.__sp = sp;
          var D = null, n = 0, zoneOutlines = [];
          var RANK = {{ this.ranks }};
          function ll(a, s) {
            var out = [], x = 0, y = 0, ox = D.o[0], oy = D.o[1];
            for (var j = 0; j < a.length; j += 2) {
              x += a[j]; y += a[j + 1]; out.push([oy + y / s, ox + x / s]);
            }
            return out;
          }
          function style(i, c, selected) {
            var st = S[D.p[i]], colour = C[c] || C[5];
            return {
              renderer: renderer, pane: "spProjects", radius: st.radius + (selected ? 3 : 0),
              color: selected ? "#000000" : colour, weight: st.weight + (selected ? 2 : 0),
              fillColor: colour, fillOpacity: st.fillOpacity,
              fill: st.fillOpacity > 0 && D.k[i] !== "L" && D.k[i] !== "M",
              dashArray: st.dashArray, opacity: 0.95
            };
          }
          function make(i) {
            var s = Math.pow(10, DEC[D.p[i]]), g = D.g[i], k = D.k[i], o = style(i, 5, false);
            var lyr;
            if (k === "P") { lyr = L.circleMarker(ll(g, s)[0], o); }
            else if (k === "L") { lyr = L.polyline(ll(g, s), o); }
            else if (k === "A") { lyr = L.polygon(g.map(function (r) { return ll(r, s); }), o); }
            else if (k === "M") { lyr = L.polyline(g.map(function (p) { return ll(p, s); }), o); }
            else if (k === "N") {
              lyr = L.polygon(g.map(function (p) {
                return p.map(function (r) { return ll(r, s); });
              }), o);
            } else {
              lyr = L.featureGroup(g.map(function (p) { return L.circleMarker(ll(p, s)[0], o); }));
            }
            lyr.feature = { type: "Feature", properties: { id: D.id[i], name: D.n[i] } };
            lyr._spI = i; lyr._spOn = false; lyr._spC = -1;
            return lyr;
          }
          group.bindTooltip(function (lyr) {
            var el = document.createElement("span");
            el.textContent = lyr.feature.properties.name;
            return el;
          }, { sticky: true });
          function apply(state, selected) {
            var shown = 0, sel = null, layers = sp.layers, readded = [];
            for (var i = 0; i < n; i++) {
              var c = state.charCodeAt(i) - 48, lyr = layers[i];
              if (c < 0) {
                if (lyr._spOn) { group.removeLayer(lyr); lyr._spOn = false; }
                continue;
              }
              var isSel = i === selected;
              if (lyr._spC !== c || isSel || i === sp.selected) {
                lyr.setStyle(style(i, c, isSel)); lyr._spC = c;
                if (isSel) { sel = lyr; }
              }
              if (!lyr._spOn) {
                group.addLayer(lyr); lyr._spOn = true;
                if (RANK[D.k[i]] < 3) { readded.push(lyr); }
              }
              shown++;
            }
            // A layer added again lands on top: put areas back under, points back over.
            if (readded.length) {
              readded.forEach(function (l) { if (RANK[D.k[l._spI]] === 1 && l.bringToBack) l.bringToBack(); });
              zoneOutlines.forEach(function (l) { if (l._spOn) l.bringToBack(); });
              for (var j = 0; j < n; j++) {
                if (layers[j]._spOn && RANK[D.k[j]] === 3 && layers[j].bringToFront) layers[j].bringToFront();
              }
            }
            if (sel && selected !== sp.selected) {
              if (sel.bringToFront) { sel.bringToFront(); }
              var b = sel.getBounds ? sel.getBounds() : L.latLngBounds([sel.getLatLng()]);
              if (!map.getBounds().contains(b)) { map.panTo(b.getCenter()); }
            }
            sp.selected = selected; sp.shown = shown; sp.applied += 1;
          }
          window.__spApply = function (state, selected) {
            if (!sp.ready || state.length !== n) { sp.pending = [state, selected]; return; }
            apply(state, selected);
          };
          function init(data) {
            D = data; n = D.id.length; sp.ids = D.id;
            for (var i = 0; i < n; i++) {
              var lyr = make(i); sp.layers.push(lyr);
              if (D.p[i] === "z" && RANK[D.k[i]] === 1) { zoneOutlines.push(lyr); }
            }
            sp.ready = true;
            if (sp.pending) { var p = sp.pending; sp.pending = null; window.__spApply(p[0], p[1]); }
          }
          function fail() {
            var box = L.control({ position: "topright" });
            box.onAdd = function () {
              var el = L.DomUtil.create("div");
              el.style.cssText = "background:#fff3cd;padding:6px 10px;border-radius:4px;";
              el.textContent = "项目图层加载失败，请刷新页面。";
              return el;
            };
            box.addTo(map);
          }
          if (SRC.url) {
            fetch(SRC.url).then(function (r) {
              if (!r.ok) { throw new Error(r.status); } return r.json();
            }).then(init).catch(fail);
          } else { init(SRC.data); }
        })();
        {% endmacro %}
        """
    )

    def __init__(self, payload: ProjectPayload):
        super().__init__()
        self._name = "ProjectLayer"
        # Inline data stays a JS literal (already escaped); a URL is fetched by the browser.
        self.source = (
            js_literal({"url": payload.url}) if payload.url else '{"data":' + payload.js + "}"
        )
        self.styles = js_literal(PRECISION_STYLES)
        self.colours = js_literal([vocab.STATUS_COLOURS[s] for s in vocab.ALL_STATUSES])
        self.decimals = js_literal(PRECISION_DECIMALS)
        self.ranks = js_literal(_RANK)
        self.image_path = js_literal(vendor_url("leaflet/images/"))


class _AreaLayer(MacroElement):
    """Outline and zones: GeoJSON whose features carry their own style and label."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }};
          var fc = {{ this.data }};
          L.geoJSON(fc, {
            interactive: false,
            style: function (f) { return f.properties.style; }
          }).addTo(map);
          fc.features.forEach(function (f) {
            if (!f.properties.label) { return; }
            var el = document.createElement("div");
            el.textContent = f.properties.label;
            el.style.cssText = "font-weight:bold;font-size:14px;color:#333;white-space:nowrap;" +
              "text-shadow:0 0 3px #fff,0 0 3px #fff;transform:translate(-50%,-50%);";
            L.marker([f.properties.at[1], f.properties.at[0]], {
              interactive: false, keyboard: false,
              icon: L.divIcon({ className: "sp-zone-label", html: el, iconSize: null })
            }).addTo(map);
          });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, collection: dict[str, Any]):
        super().__init__()
        self._name = "AreaLayer"
        self.data = js_literal(collection)


class _Legend(MacroElement):
    """A legend control built from text nodes: status colours, precision styles, zones."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }};
          var spec = {{ this.spec }};
          var legend = L.control({ position: "bottomright" });
          legend.onAdd = function () {
            var box = L.DomUtil.create("div", "sp-legend");
            box.style.cssText = "background:rgba(255,255,255,0.9);padding:6px 8px;" +
              "font-size:12px;line-height:18px;border-radius:4px;box-shadow:0 0 4px #999;";
            spec.forEach(function (section) {
              var h = document.createElement("div");
              h.textContent = section.title; h.style.fontWeight = "bold";
              box.appendChild(h);
              section.rows.forEach(function (row) {
                var line = document.createElement("div");
                var sw = document.createElement("span");
                sw.style.cssText = "display:inline-block;width:12px;height:12px;" +
                  "margin-right:6px;vertical-align:middle;border-radius:" +
                  (row.round ? "50%" : "2px") + ";background:" + row.fill + ";border:2px " +
                  (row.dashed ? "dashed " : "solid ") + row.stroke + ";";
                line.appendChild(sw);
                line.appendChild(document.createTextNode(row.label));
                box.appendChild(line);
              });
            });
            L.DomEvent.disableClickPropagation(box);
            return box;
          };
          legend.addTo(map);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, spec: list[dict[str, Any]]):
        super().__init__()
        self._name = "Legend"
        self.spec = js_literal(spec)


def legend_spec(zones: gpd.GeoDataFrame | None) -> list[dict[str, Any]]:
    """The legend's sections as data (status, precision, zones), in vocabulary order."""
    status_rows = [
        {"label": s, "fill": c, "stroke": c, "round": True} for s, c in vocab.STATUS_COLOURS.items()
    ]
    precision_rows = []
    for name, code in PRECISION_CODES.items():
        st = PRECISION_STYLES[code]
        alpha = int(round(st["fillOpacity"] * 255))
        precision_rows.append(
            {
                "label": PRECISION_LABELS[name],
                "fill": f"#636363{alpha:02x}",
                "stroke": "#636363",
                "dashed": bool(st["dashArray"]),
                "round": True,
            }
        )
    spec = [
        {"title": "状态（所选年份末）", "rows": status_rows},
        {"title": "定位精度", "rows": precision_rows},
    ]
    if zones is not None and len(zones):
        rows = [
            {"label": label, "fill": colour, "stroke": "#777777"}
            for label, colour, _ in _zone_rows(zones)
        ]
        spec.append({"title": "片区（示意）", "rows": rows})
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
) -> folium.Map:
    """The map that does not follow the filters (same inputs give the same script).

    ``payload`` must be encoded in the basemap's datum (``encode_projects(gcj02=True)`` for
    高德). With ``editing`` a draw control lets staff place points, lines and polygons
    (only when leaflet.draw was installed into static/vendor; see ``draw_available``).
    """
    choice = BASEMAPS.get(basemap)
    if choice is None:
        raise ValueError(f"basemap was {basemap!r} but is expected to be one of {list(BASEMAPS)}")
    if choice.needs_token and not token:
        raise ValueError(f"basemap {basemap!r} needs a token (TIANDITU_TOKEN)")
    gcj02 = choice.datum == "GCJ02"
    centre = DISTRICT_CENTRE
    if outline is not None and not outline.is_empty:
        c = (crs.geometry_to_gcj02(outline) if gcj02 else outline).centroid
        centre = (round(c.y, 4), round(c.x, 4))
    m = folium.Map(
        location=centre,
        zoom_start=11,
        tiles=None,
        control_scale=True,
        maxZoom=18,
        minZoom=8,
    )
    m.default_js = [("leaflet", vendor_url("leaflet/leaflet.js"))]
    m.default_css = [("leaflet_css", vendor_url("leaflet/leaflet.css"))]
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
    _AreaLayer(area_collection(outline, zones, gcj02=gcj02)).add_to(m)
    _ProjectLayer(payload).add_to(m)
    _Legend(legend_spec(zones)).add_to(m)
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
