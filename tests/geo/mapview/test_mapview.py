"""geo.mapview, checked on the rendered map text: escaping, offline assets, styles, GCJ-02."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import shapely
from streamlit_folium import _get_map_string, generate_js_hash

from bench.synthetic import synthetic_collection
from geo import boundaries, crs, mapview
from geo.mapview.assets import ROOT, URL_PREFIX
from geo.mapview.folium_map import _LABEL_HALF, zone_labels
from geo.mapview.payload import _encode_geometries, _encode_geometry
from geo.mapview.scripts import JS_DIR
from geo.places.reference import ZONE_IDS
from projects import filters, store, vocab

EVIL = "<img src=x onerror=alert(1)></script><b>"


@pytest.fixture(scope="module")
def gdf():
    coll = synthetic_collection(400, seed=11)
    coll["features"][0]["properties"]["name"] = EVIL
    coll["features"][1]["properties"]["precision"] = None
    coll["features"][2]["geometry"] = None
    return filters.catalog_frame(coll)


@pytest.fixture(scope="module")
def areas():
    return boundaries.load_outline(), boundaries.load_zones()


def render(m) -> str:
    return m.get_root().render()


def payload_data(js: str) -> dict:
    return json.loads(js)


def decode(data: dict, i: int) -> list[tuple[float, float]]:
    """Python twin of the browser decoder, for the first part of feature ``i``."""
    scale = 10 ** mapview.PRECISION_DECIMALS[data["p"][i]]
    g = data["g"][i]
    while isinstance(g[0], list):
        g = g[0]
    xy = np.cumsum(np.asarray(g, dtype=float).reshape(-1, 2), axis=0) / scale
    return [(data["o"][0] + x, data["o"][1] + y) for x, y in xy]


def test_every_drawable_project_is_encoded_and_the_rest_listed(gdf):
    payload = mapview.encode_projects(gdf)
    assert set(payload.ids) | set(payload.undrawn) == set(gdf["id"])
    by_id = gdf.set_index("id")
    assert {gdf["id"].iloc[1], gdf["id"].iloc[2]} <= set(payload.undrawn)
    assert {gdf["id"].iloc[1], gdf["id"].iloc[2]}.isdisjoint(payload.ids)
    # Zone- and district-level projects are not drawn (a mark would claim a place): they are
    # encoded to be counted and listed from the zone labels and the district box, and listed
    # under 未上图的项目 too; everything else drawn is not in that list.
    counted = set(gdf.loc[gdf["precision"].isin(["zone", "district"]), "id"])
    assert counted and counted <= set(payload.undrawn) and counted <= set(payload.ids)
    assert set(payload.ids) & set(payload.undrawn) == counted
    data = payload_data(payload.js)
    own = len(data["k"])
    assert len(data["g"]) == len(data["s"]) == own and len(data["r"]) == len(payload.ids) - own
    assert all(by_id.loc[pid, "precision"] in mapview.PRECISION_CODES for pid in data["id"][:own])
    # Each referenced place is encoded once, and no record's own shape is a place's.
    places = [p["id"] for p in data["places"]]
    assert len(places) == len(set(places))
    for pid, r in zip(data["id"][own:], data["r"], strict=True):
        assert data["places"][r]["id"] == by_id.loc[pid, "place_id"]
    # Drawn bottom to top: areas, lines, points.
    ranks = [mapview.DRAW_RANK[k] for k in data["k"]]
    assert ranks == sorted(ranks) and ranks[-1] == 3


def test_coordinates_survive_encoding_within_their_precision(gdf):
    payload = mapview.encode_projects(gdf)
    data = payload_data(payload.js)
    by_id = dict(zip(gdf["id"], gdf.geometry, strict=True))
    for i, pid in enumerate(payload.ids[: len(data["k"])]):
        geom = by_id[pid]
        first = geom.geoms[0] if hasattr(geom, "geoms") else geom
        coords = np.asarray(first.exterior.coords if first.geom_type == "Polygon" else first.coords)
        got = np.asarray(decode(data, i))
        tolerance = 0.6 * 10 ** -mapview.PRECISION_DECIMALS[data["p"][i]] * len(coords)
        assert np.max(np.abs(got - coords[:, :2])) <= tolerance


def test_gcj02_shift_moves_what_is_drawn_not_the_data(gdf, areas):
    before = gdf.geometry.copy()
    plain = payload_data(mapview.encode_projects(gdf).js)
    shifted = payload_data(mapview.encode_projects(gdf, gcj02=True).js)
    assert gdf.geometry.equals(before)
    points = [i for i, k in enumerate(plain["k"]) if k == "P" and plain["p"][i] == "e"]
    for i in points[:20]:
        (lon, lat) = decode(plain, i)[0]
        (glon, glat) = decode(shifted, i)[0]
        want = crs.wgs84_to_gcj02(lon, lat)
        assert abs(glon - float(want[0])) < 2e-5 and abs(glat - float(want[1])) < 2e-5
        # About +0.0040° lon, -0.0026° lat in Shapingba (geodata-ref SOURCES.md).
        assert 0.0035 < glon - lon < 0.0045 and -0.0031 < glat - lat < -0.0021
    outline, zones = areas
    html = render(
        mapview.base_map(mapview.encode_projects(gdf, gcj02=True), outline, zones, basemap="amap")
    )
    area = mapview.area_collection(outline, None, gcj02=True)["features"][0]["geometry"]
    ring = np.asarray(area["coordinates"][0])
    ref = np.asarray(outline.exterior.coords)
    assert ring.mean(axis=0) - ref.mean(axis=0) == pytest.approx([0.0040, -0.0026], abs=3e-4)
    assert "autonavi.com" in html


def test_the_page_carries_the_scripts_code_not_their_comment_lines(gdf, areas):
    """The map's script goes to the browser again on every rerun: its comment lines stay in
    geo/mapview/js, the code goes."""
    html = render(mapview.base_map(mapview.encode_projects(gdf), *areas))
    source = (JS_DIR / "project_layer.js").read_text("utf-8")
    assert "// ---- badges kept apart on screen" in source
    assert "// ---- badges kept apart" not in html and "function layoutBadges()" in html
    assert not [line for line in html.splitlines() if line.lstrip().startswith("//")]


def test_names_are_escaped_everywhere_in_the_page(gdf, areas):
    payload = mapview.encode_projects(gdf)
    html = render(mapview.base_map(payload, *areas))
    assert "<img" not in html and "<b>" not in html
    assert html.count("</script>") == html.count("<script")
    literal = re.search(r'var SRC = \{"data":(\{.*?\})\}, S = ', html, re.S).group(1)
    assert EVIL in payload_data(literal)["n"]
    # Text is put into the page with textContent, never innerHTML.
    assert "innerHTML" not in html and "textContent" in html


def test_no_cdn_url_and_every_asset_is_served_locally(gdf, areas):
    payload = mapview.encode_projects(gdf)
    for editing in (False, True):
        m = mapview.base_map(payload, *areas, editing=editing)
        html = render(m)
        for url in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert url.startswith(URL_PREFIX), url
            assert (ROOT / "static" / url[len("/app/static/") :]).is_file(), url
        assert not re.search(r"https?://", html), re.search(r"https?://\S{0,60}", html)
    if mapview.draw_available():
        assert "L.Control.Draw" in render(mapview.base_map(payload, editing=True))


def test_published_payload_is_a_local_file_and_keeps_names_out_of_the_page(gdf, tmp_path):
    payload = mapview.publish(mapview.encode_projects(gdf), tmp_path, "/app/static/vendor/cache")
    assert payload.url.startswith("/app/static/vendor/cache/projects-")
    served = tmp_path / payload.url.rsplit("/", 1)[1]
    assert EVIL in json.loads(served.read_text("utf-8"))["n"]
    assert "<img" not in served.read_text("utf-8")
    html = render(mapview.base_map(payload))
    assert payload.url in html and "onerror" not in html and not re.search(r"https?://", html)
    # Same content, same file; a changed catalog gets a new name (the browser cache stays right).
    assert mapview.publish(mapview.encode_projects(gdf), tmp_path, "/x").url.endswith(served.name)
    other = mapview.publish(mapview.encode_projects(gdf.iloc[:5]), tmp_path, "/x")
    assert other.url != payload.url and len(list(tmp_path.glob("projects-*.json"))) == 2


def test_styles_live_in_one_table_not_per_feature(gdf):
    small = render(mapview.base_map(mapview.encode_projects(gdf.iloc[:10])))
    large = render(mapview.base_map(mapview.encode_projects(gdf)))
    for needle in ("fillOpacity", "dashArray", "function style"):
        assert small.count(needle) == large.count(needle)
    for label in [
        *vocab.STATUS_COLOURS,
        *(vocab.PRECISION_LABELS[p] for p in mapview.PRECISION_CODES),
    ]:
        assert f'"label":"{label}"' in small  # the legend lists every status and drawn precision
    table = json.loads(re.search(r", S = (\{.*?\}\}), C = ", large, re.S).group(1))
    assert table == mapview.PRECISION_STYLES
    assert table["e"]["dashArray"] is None and table["a"]["dashArray"]


def test_base_map_script_does_not_change_with_the_filter(gdf, areas):
    # st_folium keys the component on the base script: equal hashes mean no remount.
    payload = mapview.encode_projects(gdf)
    hashes, states = [], []
    for query in (filters.Query(), filters.Query(sectors=("交通",), years=(2024, 2025))):
        shown = filters.filter_projects(gdf, query)
        m = mapview.base_map(payload, *areas)
        hashes.append(generate_js_hash(_get_map_string(m), "map"))
        states.append(
            _get_map_string_of(
                mapview.project_state(
                    payload, dict(zip(shown["id"], shown["status_shown"], strict=True))
                )
            )
        )
    assert hashes[0] == hashes[1]
    assert states[0] != states[1]


def test_state_string_hides_and_colours_by_status(gdf):
    payload = mapview.encode_projects(gdf)
    shown = {payload.ids[0]: "规划", payload.ids[3]: "运营", "not-a-project": "在建"}
    group = mapview.project_state(payload, shown, selected_id=payload.ids[3])
    js = _get_map_string_of(group)
    state = json.loads(re.search(r"__spApply\((\".*?\"), (-?\d+), \"status\", null\)", js).group(1))
    assert len(state) == len(payload.ids)
    assert state[0] == str(vocab.ALL_STATUSES.index("规划"))
    assert state[3] == str(vocab.ALL_STATUSES.index("运营"))
    assert state.count(".") == len(payload.ids) - 2
    assert re.search(r"__spApply\(\".*?\", 3, \"status\", null\)", js)
    # Where staff clicked in 标绘模式 and have not saved: the map marks it.
    js = _get_map_string_of(mapview.project_state(payload, shown, pending=(29.55, 106.45)))
    assert re.search(r"__spApply\(\".*?\", -1, \"status\", \[29\.55,106\.45\]\)", js)


def _get_map_string_of(element) -> str:
    import folium

    m = folium.Map(tiles=None)
    element.add_to(m)
    return m.get_root().render()


def test_bytes_per_point_feature_are_well_under_250():
    coll = synthetic_collection(2000, seed=5, shares=(1.0, 0.0, 0.0))
    payload = mapview.encode_projects(filters.catalog_frame(coll))
    empty = mapview.encode_projects(filters.catalog_frame({"features": []}))
    wire = len(json.dumps(payload.js)) - len(json.dumps(empty.js))  # as Streamlit sends it
    assert wire / len(payload.ids) < 250


def test_tianditu_needs_a_token_and_events_convert_back_from_gcj02():
    with pytest.raises(ValueError, match="token"):
        mapview.base_map(
            mapview.encode_projects(filters.catalog_frame({"features": []})), basemap="tianditu"
        )
    assert mapview.token_from_env({"TIANDITU_TOKEN": "  "}) is None
    lon, lat = 106.45, 29.58
    glon, glat = (float(v) for v in crs.wgs84_to_gcj02(lon, lat))
    event = {
        "last_clicked": {"lat": glat, "lng": glon},
        "last_active_drawing": {
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "Point", "coordinates": [glon, glat]},
        },
    }
    back = mapview.event_to_wgs84(event, "amap")
    assert back["last_clicked"]["lng"] == pytest.approx(lon, abs=1e-8)
    point = shapely.geometry.shape(back["last_active_drawing"]["geometry"])
    assert (point.x, point.y) == pytest.approx((lon, lat), abs=1e-8)
    assert mapview.event_to_wgs84(event, "osm") is event


def test_real_catalog_encodes(areas):
    gdf = filters.catalog_frame(store.load_collection())
    payload = mapview.encode_projects(gdf)
    assert set(payload.ids) | set(payload.undrawn) == set(gdf["id"])
    data = payload_data(payload.js)
    # 西永 and its projects: one badge, however many projects refer to it.
    xiyong = [p for p in data["places"] if p["n"] == "西永"]
    assert len(xiyong) == 1 and xiyong[0]["o"] is not None and xiyong[0]["s"] is True
    html = render(mapview.base_map(payload, *areas))
    assert not re.search(r"https?://", html)


def test_zone_labels_on_the_real_catalog_cover_no_marker_badge_or_other_label(areas):
    """Each zone label (name over count) sits where no marker or badge of the opening view
    lies under it, and no two labels overlap: the counts stay readable and clickable."""
    real = filters.catalog_frame(json.loads(store.CATALOG_PATH.read_text(encoding="utf-8")))
    payload = mapview.encode_projects(real)
    assert len(payload.marks) > 20
    labels = zone_labels(areas[1], avoid=payload.marks)
    assert {z["id"] for z in labels} == set(ZONE_IDS.values())
    w, h = _LABEL_HALF
    boxes = [shapely.box(x - w, y - h, x + w, y + h) for x, y in (z["at"] for z in labels)]
    marks = shapely.points(np.array(payload.marks))
    for z, box in zip(labels, boxes, strict=True):
        assert not shapely.intersects(box, marks).any(), z["name"]
        zone = areas[1].set_index("name").geometry[z["name"]]
        assert shapely.contains_xy(zone, *z["at"]), z["name"]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.intersects(b)


def test_state_from_row_positions_equals_state_by_id(gdf):
    """The page passes each filtered row's place in the payload (found once per catalog)
    instead of its id: the state string must be the same, hidden rows and unknown values too."""
    payload = mapview.encode_projects(gdf)
    shown = filters.filter_projects(gdf, filters.Query(sectors=("交通", "社会民生")))
    values = shown["status_shown"].copy()
    values.iloc[0] = "不是状态"  # drawn grey, as 未知
    everywhere = payload.positions.get_indexer(gdf["id"])
    at = everywhere[gdf.index.get_indexer(shown.index)]
    by_id = mapview.project_state(payload, values.set_axis(shown["id"]), shown["id"].iloc[2])
    by_row = mapview.project_state(payload, values, shown["id"].iloc[2], positions=at)
    calls = [
        re.search(r"__spApply\(.*?\);", _get_map_string_of(g)).group(0) for g in (by_row, by_id)
    ]
    assert calls[0] == calls[1]
    state = json.loads(re.search(r"__spApply\((\".*?\"),", calls[0]).group(1))
    assert state.count(".") == len(payload.ids) - int((at >= 0).sum())
    assert state[at[0]] == str(vocab.ALL_STATUSES.index(vocab.UNKNOWN_STATUS))


def test_bulk_geometry_encoding_equals_one_by_one():
    """Points, lines and polygons are encoded in bulk; each must equal the one-by-one encoding
    at its own precision, holes, third dimensions and multi-parts included."""
    geoms = np.array(
        [
            shapely.from_wkt(w)
            for w in (
                "POINT (106.41234 29.61234)",
                "LINESTRING Z (106.4 29.6 1, 106.5 29.7 2, 106.45 29.71 3)",
                "POLYGON ((106.4 29.6, 106.5 29.6, 106.5 29.7, 106.4 29.6), "
                "(106.45 29.62, 106.46 29.62, 106.46 29.63, 106.45 29.62))",
                "MULTIPOINT (106.4 29.6, 106.41 29.61)",
                "POINT (106.3 29.5)",
                "MULTIPOLYGON (((106.4 29.6, 106.5 29.6, 106.5 29.7, 106.4 29.6)))",
                "LINESTRING (106.1 29.1, 106.2 29.2)",
                "MULTILINESTRING ((106.4 29.6, 106.5 29.7), (106.41 29.61, 106.42 29.62))",
                "POLYGON ((106.2 29.2, 106.3 29.2, 106.3 29.3, 106.2 29.2))",
            )
        ],
        dtype=object,
    )
    decimals = np.array([5, 4, 4, 5, 4, 5, 5, 4, 5])
    got = _encode_geometries(geoms, decimals)
    assert got == [_encode_geometry(g, int(d)) for g, d in zip(geoms, decimals, strict=True)]
