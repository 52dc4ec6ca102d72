"""The 东中西 zones: an exact partition of the outline, document places in their zones, zone_of."""

from __future__ import annotations

import json
import re
from itertools import combinations

import geopandas as gpd
import pytest
import shapely

from geo import boundaries
from geo.zones import AREA_MIN_SHARE, LINE_MIN_SHARE, assign_zones, position_zones, zone_of
from projects import vocab
from projects.sources import ROOT, read_lines

#: Places the documents assign to a zone (001 lines 709 and 711; 713 for the 两山).
DOCUMENT_PLACES = {
    "东": ("井双片区", "沙磁", "三峡广场", "上新片区"),
    "中": ("歌乐山", "中梁镇"),
    "西": ("重庆国际物流城", "青凤高科产业园", "大学城", "西永", "梁滩河谷"),
}


@pytest.fixture(scope="module")
def gazetteer():
    from geo.places.gazetteer import DEFAULT, load_gazetteer

    if not DEFAULT.exists():
        pytest.skip("data/gazetteer.geojson not built yet")
    return load_gazetteer()


@pytest.fixture(scope="module")
def zones() -> gpd.GeoDataFrame:
    return boundaries.load_zones()


@pytest.fixture(scope="module")
def metric(zones) -> gpd.GeoSeries:
    return zones.set_index("zone").geometry.to_crs(boundaries.METRIC_CRS)


def test_three_zones_in_vocab_order_with_their_properties(zones):
    assert list(zones["zone"]) == list(vocab.ZONES)
    assert list(zones["name"]) == ["东部人文母城", "中部“两山”生态屏障", "西部现代新城"]
    assert zones["schematic"].all()
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in zones["colour"])
    assert zones["colour"].is_unique
    assert all(g.is_valid for g in zones.geometry)
    parts = [p for g in zones.geometry for p in shapely.get_parts(g)]
    assert all(shapely.is_ccw(p.exterior) for p in parts)  # RFC 7946 right-hand rule


def test_zones_partition_the_outline_exactly(zones, metric):
    outline = gpd.GeoSeries([boundaries.load_outline()], crs=boundaries.WGS84)
    outline_m = outline.to_crs(boundaries.METRIC_CRS).iloc[0]
    union = shapely.union_all(metric.values)
    # Where a divider crosses the outline the new vertex sits on the 1e-7° grid, up to ~1 cm off
    # the outline's edge: a few m² in all, of 397 km², and nowhere more than a few cm.
    assert union.symmetric_difference(outline_m).area < 10.0
    assert union.boundary.hausdorff_distance(outline_m.boundary) < 0.05
    for a, b in combinations(metric.index, 2):
        assert metric[a].intersection(metric[b]).area == pytest.approx(0, abs=1e-6), (a, b)
    assert sum(metric.area) == pytest.approx(outline_m.area, abs=10.0)


def test_middle_zone_is_the_two_ridge_strips(zones, metric):
    middle = zones.set_index("zone").geometry["中"]
    assert middle.geom_type == "MultiPolygon" and len(middle.geoms) == 2
    strips = sorted(middle.geoms, key=lambda p: p.centroid.x)
    jinyun, zhongliang = strips
    # 缙云山 along the western edge, 中梁山 between the valley and the old city.
    west, east = zones.set_index("zone").geometry["西"], zones.set_index("zone").geometry["东"]
    assert jinyun.centroid.x < west.centroid.x < zhongliang.centroid.x < east.centroid.x
    assert all(metric[z].area > 40e6 for z in vocab.ZONES)  # each at least 40 km²


def test_committed_zones_are_the_cut_of_the_committed_dividers(zones):
    fresh = boundaries.cut_zones(boundaries.load_outline(), boundaries.read_dividers())
    for row in zones.itertuples():
        assert shapely.normalize(fresh[row.zone]).equals_exact(
            shapely.normalize(row.geometry), 1e-7
        ), f"zones.geojson is stale for {row.zone}: run python -m geo.boundaries --zones"


def test_zone_basis_cites_lines_that_say_so(seeds, zones):
    doc1 = read_lines("001_597dad319c36e270.txt", seeds)
    doc2 = read_lines("002_a49a076aed9fb39a.txt", seeds)
    assert "“东中西”总体空间布局" in doc1[706 - 1]
    assert "东中西" in doc1[715 - 1] and "示意图" in doc1[715 - 1]
    assert "东部" in doc2[79 - 1] and "中部" in doc2[79 - 1] and "西部" in doc2[79 - 1]
    assert "东部城区" in doc2[80 - 1] and "中部地区" in doc2[80 - 1] and "西部新城" in doc2[80 - 1]
    assert "东部老城、西部新城" in doc2[113 - 1]
    for row in zones.itertuples():
        assert "001_597dad319c36e270.txt:706-715" in row.basis
        cited = int(re.match(r"001:(\d+)", row.places).group(1))
        names = re.split(r"[、；（）]", row.places.split(" ", 1)[1])
        line = doc1[cited - 1]
        assert row.zone == "中" or line.startswith(row.name[:6]), (row.zone, cited)
        assert sum(n in line for n in names if n) >= 2, (row.zone, cited)
    # The places this test module expects in each zone are the ones those lines name.
    for zone, line_no in (("东", 709), ("西", 711), ("中", 713)):
        for place in DOCUMENT_PLACES[zone]:
            stem = place.removesuffix("片区").removesuffix("镇").removesuffix("谷")
            stem = {"歌乐山": "歌乐", "重庆国际物流城": "国际物流城"}.get(stem, stem)
            assert stem in doc1[line_no - 1] or zone == "中", (place, line_no)


@pytest.mark.parametrize(
    "zone,name", [(zone, name) for zone, names in DOCUMENT_PLACES.items() for name in names]
)
def test_document_places_land_in_their_zone(gazetteer, zones, zone, name):
    place = gazetteer.by_name(name)
    assert place is not None, f"{name} is not in the gazetteer"
    assert zone_of(place.geometry, zones) == (zone, [zone]), place.name


def test_dividers_are_schematic_and_explained():
    lines = boundaries.read_dividers()
    assert list(lines["id"]) == ["jinyun_east", "zhongliang_west", "zhongliang_east"]
    assert lines["schematic"].all()
    assert all("示意" in b and "依据" in b for b in lines["basis"])
    # Vertices to 0.001° only: the lines must not look more exact than they are.
    raw = json.loads(boundaries.DIVIDERS_PATH.read_text(encoding="utf-8"))
    for f in raw["features"]:
        for x, y in f["geometry"]["coordinates"]:
            assert round(x, 3) == x and round(y, 3) == y


def _shared_vertex(zones, a: str, b: str) -> shapely.Point:
    geoms = zones.set_index("zone").geometry
    common = shapely.intersection(geoms[a].boundary, geoms[b].boundary)
    coords = shapely.get_coordinates(common)
    return shapely.Point(coords[len(coords) // 2])


@pytest.mark.parametrize("a,b", [("东", "中"), ("中", "西")])
def test_a_point_on_a_divider_is_in_one_zone(zones, a, b):
    point = _shared_vertex(zones, a, b)
    geoms = zones.set_index("zone").geometry
    assert geoms[a].covers(point) and geoms[b].covers(point)  # really on both edges
    zone, crossed = zone_of(point, zones)
    assert zone == a and crossed == [a]  # the first in vocab order, never 跨区


def test_points_lines_and_polygons(zones):
    west = zones.set_index("zone").geometry["西"].representative_point()
    east = zones.set_index("zone").geometry["东"].representative_point()
    assert zone_of(west, zones) == ("西", ["西"])
    assert zone_of(shapely.Point(104.066, 30.657), zones) == (vocab.OUTSIDE, [])
    assert zone_of(shapely.LineString([west, east]), zones) == (
        vocab.CROSS_ZONE,
        ["东", "中", "西"],
    )
    assert zone_of(None, zones) == (None, [])
    assert zone_of(shapely.Point(), zones) == (None, [])
    # A line outside the district that only touches its edge is outside.
    outline = boundaries.load_outline()
    minx, miny, maxx, maxy = outline.bounds
    assert zone_of(shapely.LineString([(maxx + 0.01, miny), (maxx + 0.02, maxy)]), zones)[0] == (
        vocab.OUTSIDE
    )


def test_a_polygon_slightly_over_a_divider_stays_in_its_zone(zones):
    # A disc on the 中梁山 west divider (西 to its west, 中 to its east), moved west step by step.
    line = boundaries.read_dividers().set_index("id").geometry["zhongliang_west"]
    centre = shapely.intersection(line, shapely.LineString([(106.2, 29.62), (106.6, 29.62)]))
    middle = zones.set_index("zone").geometry["中"]
    seen = set()
    for shift in (0.0, 0.002, 0.006, 0.012):
        disc = shapely.affinity.translate(centre.buffer(0.01), xoff=-shift)
        share = disc.intersection(middle).area / disc.area
        zone, crossed = zone_of(disc, zones)
        if share >= AREA_MIN_SHARE:
            assert (zone, crossed) == (vocab.CROSS_ZONE, ["中", "西"]), (shift, share)
        else:
            assert (zone, crossed) == ("西", ["西"]), (shift, share)
        seen.add(share >= AREA_MIN_SHARE)
    assert seen == {True, False}  # both cases were met


def test_a_line_counts_a_zone_from_a_small_share(zones):
    # A road that runs 10 % of its length over the divider crosses it; 2 % does not.
    line = boundaries.read_dividers().set_index("id").geometry["zhongliang_west"]
    x = boundaries._x_at(line, 29.62)
    for over, crossing in ((0.1, True), (0.02, False)):
        road = shapely.LineString([(x - 0.02 * (1 - over), 29.62), (x + 0.02 * over, 29.62)])
        assert (over >= LINE_MIN_SHARE) == crossing
        expected = (vocab.CROSS_ZONE, ["中", "西"]) if crossing else ("西", ["西"])
        assert zone_of(road, zones) == expected


def test_assign_zones_keeps_every_row_and_agrees_with_zone_of(zones):
    west = zones.set_index("zone").geometry["西"].representative_point()
    east = zones.set_index("zone").geometry["东"].representative_point()
    geoms = [
        west,
        None,
        shapely.LineString([west, east]),
        shapely.Point(120.0, 30.0),
        east.buffer(0.002),
        shapely.MultiPoint([west, east]),
    ]
    frame = gpd.GeoDataFrame({"id": list("abcdef")}, geometry=geoms, crs=boundaries.WGS84)
    frame.index = [10, 11, 12, 13, 14, 15]
    out = assign_zones(frame, zones)
    assert list(out.index) == list(frame.index) and list(out["id"]) == list("abcdef")
    assert list(out["zone"]) == ["西", None, "跨区", "区外", "东", "跨区"]
    assert list(out["zones"]) == [["西"], [], ["东", "中", "西"], [], ["东"], ["东", "西"]]
    for geom, zone, crossed in zip(geoms, out["zone"], out["zones"], strict=True):
        assert zone_of(geom, zones) == (zone, crossed)
    assert "zone" not in frame.columns  # the input is not changed


def test_assign_zones_accepts_zones_indexed_by_zone(zones):
    east = zones.set_index("zone").geometry["东"].representative_point()
    frame = gpd.GeoDataFrame(geometry=[east], crs=boundaries.WGS84)
    assert assign_zones(frame, zones.set_index("zone"))["zone"].iloc[0] == "东"
    shuffled = zones.iloc[::-1].set_axis([7, 8, 9])
    assert assign_zones(frame, shuffled)["zone"].iloc[0] == "东"


def test_assign_zones_reprojects_other_crs(zones):
    east = zones.set_index("zone").geometry["东"].representative_point()
    frame = gpd.GeoDataFrame(geometry=[east], crs=boundaries.WGS84).to_crs(boundaries.METRIC_CRS)
    assert assign_zones(frame, zones)["zone"].iloc[0] == "东"


@pytest.mark.parametrize(
    "edit,message",
    [
        (lambda fs: fs[0]["properties"].update(east="东"), "has 东 to its east"),
        (lambda fs: fs[1]["geometry"]["coordinates"].reverse() or None, None),
        (lambda fs: fs[0]["geometry"]["coordinates"].insert(2, [106.3, 29.9]), "north–south"),
        (lambda fs: fs[2]["properties"].update(west="北"), "expected to be one of"),
        (lambda fs: fs[1]["geometry"].update(coordinates=[[106.5, 29.8], [106.3, 29.4]]), "cross"),
    ],
)
def test_bad_dividers_are_refused(tmp_path, edit, message):
    data = json.loads(boundaries.DIVIDERS_PATH.read_text(encoding="utf-8"))
    edit(data["features"])
    path = tmp_path / "dividers.geojson"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    if message is None:  # reversing a line's direction is harmless
        assert len(boundaries.read_dividers(path)) == 3
        return
    with pytest.raises(ValueError, match=message):
        boundaries.read_dividers(path)


def test_short_dividers_are_refused(tmp_path):
    data = json.loads(boundaries.DIVIDERS_PATH.read_text(encoding="utf-8"))
    data["features"][0]["geometry"]["coordinates"] = data["features"][0]["geometry"]["coordinates"][
        2:-2
    ]
    path = tmp_path / "dividers.geojson"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match="beyond the outline"):
        boundaries.cut_zones(boundaries.load_outline(), boundaries.read_dividers(path))


#: Share of the district's records whose zone the documents or their position give. The rest
#: (about 200) are items of 专栏 lists and sentences that name no place of theirs, known to the
#: gazetteer at district level only: no line says where they are, so they stay empty (issue 11).
MIN_ZONE_FILL = 0.61


def test_zone_fill_of_the_committed_catalog_and_every_zone_says_why():
    catalog = json.loads((ROOT / "data" / "projects.geojson").read_text("utf-8"))
    home = [
        f["properties"]
        for f in catalog["features"]
        if f["properties"].get("district") == "沙坪坝区" and not f["properties"].get("deleted")
    ]
    filled = [p for p in home if p.get("zone")]
    assert len(filled) / len(home) >= MIN_ZONE_FILL, f"{len(filled)}/{len(home)}"
    for p in filled:
        assert p["zone_basis"] and re.match(r"^(文中|几何|定位)：", p["zone_basis"]), p["id"]
        assert p["zone"] in (*vocab.ZONES, vocab.CROSS_ZONE), p["id"]
        zones = p.get("zones") or []
        if p["zone"] == vocab.CROSS_ZONE:
            assert len(zones) >= 2, p["id"]
        else:
            assert zones == [p["zone"]], p["id"]


def test_position_zones_agree_with_zone_of_in_one_join():
    """What a staff-set position gives the store (projects.store.Edit.position_zone): the zone
    of each GeoJSON geometry as zone_of finds it, a line across zones 跨区, None for none."""
    geometries = [
        {"type": "Point", "coordinates": [106.3, 29.6]},  # 大学城
        {"type": "Point", "coordinates": [106.456, 29.557]},  # 三峡广场
        {"type": "LineString", "coordinates": [[106.3, 29.6], [106.456, 29.557]]},
        {"type": "Point", "coordinates": [104.066, 30.657]},  # 成都
        None,
    ]
    found = position_zones(geometries)
    assert found == [
        ("西", ("西",)),
        ("东", ("东",)),
        ("跨区", ("东", "中", "西")),
        ("区外", ()),
        (None, ()),
    ]
    for geometry, (zone, zones) in zip(geometries[:4], found, strict=False):
        assert zone_of(shapely.geometry.shape(geometry)) == (zone, list(zones))
    assert position_zones([]) == []
