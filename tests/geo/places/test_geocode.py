"""The geocoder: each matching step, bad input, and honest precision."""

from __future__ import annotations

import random

import pytest
import shapely

from geo.boundaries import load_outline, load_zones
from geo.places import geocode as gc
from geo.places.gazetteer import DEFAULT as GAZETTEER_PATH
from geo.places.gazetteer import Gazetteer, Place, load_gazetteer
from projects import vocab

RANK = {p: i for i, p in enumerate(vocab.PRECISIONS)}


def _spot(zone: str, dx: float = 0.0, dy: float = 0.0) -> shapely.Point:
    """A point inside a zone (its representative point, nudged), so tests need no typed
    coordinates."""
    p = load_zones().set_index("zone").geometry[zone].representative_point()
    return shapely.Point(p.x + dx, p.y + dy)


def _place(name, kind, geometry, precision, aliases=(), outside=False) -> Place:
    return Place(name, tuple(aliases), kind, geometry, precision, f"test fixture: {name}", outside)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    east, west = _spot("东"), _spot("西")
    return Gazetteer(
        [
            _place(
                "沙坪坝区", "district", load_outline().representative_point(), "district", ["沙区"]
            ),
            _place("沙坪坝站", "station", _spot("东", 0.002), "exact"),
            _place("重庆西站", "station", _spot("东", -0.002, -0.01), "approximate", ["西站"]),
            _place("科学城站", "station", _spot("西", 0.01), "exact"),
            _place("重庆大学", "campus", _spot("东", 0.001, 0.003), "approximate", ["重大"]),
            _place("重庆大学城", "area", west.buffer(0.02), "area", ["大学城"]),
            _place("西永", "area", _spot("西", 0.03).buffer(0.01), "area"),
            _place("凤凰镇", "town", _spot("西", 0.0, 0.03), "approximate", ["凤凰"]),
            _place(
                "嘉陵江", "river", shapely.LineString([east, _spot("东", 0, 0.05)]), "approximate"
            ),
            _place("西部科学城", "area", _spot("西", -0.01), "zone", ["西部新城"]),
            _place(
                "解放碑", "landmark", shapely.Point(106.578, 29.558), "approximate", outside=True
            ),
        ]
    )


def test_exact_name_keeps_the_entry(gaz):
    r = gc.geocode("沙坪坝站", gaz)
    assert (r.method, r.precision, r.matched) == ("exact", "exact", gaz.by_name("沙坪坝站"))
    assert r.geometry.equals(gaz.by_name("沙坪坝站").geometry)
    assert gc.geocode("  沙坪坝站 ", gaz).method == "exact"
    assert "沙坪坝站" in r.basis and "test fixture" in r.basis


def test_alias(gaz):
    r = gc.geocode("西站", gaz)
    assert (r.method, r.matched_name, r.precision) == ("alias", "重庆西站", "approximate")


@pytest.mark.parametrize(
    "name,expected",
    [
        ("重庆市沙坪坝区沙坪坝站", "沙坪坝站"),
        ("沙坪坝站（一期）工程", "沙坪坝站"),
        ("新建重庆西站项目", "重庆西站"),
        ("「沙坪坝站」", "沙坪坝站"),
        ("西永二期", "西永"),
        ("重庆大学城 （北区）", "重庆大学城"),
    ],
)
def test_normalised_forms(gaz, name, expected):
    r = gc.geocode(name, gaz)
    assert (r.method, r.matched_name) == ("normalised", expected)
    assert r.precision == gaz.by_name(expected).precision  # same place, same certainty


def test_full_width_forms_are_folded(gaz):
    assert gc.fold("ＴＯＤ　１号") == "TOD1号"
    r = gc.geocode("科学城站ＴＯＤ", gaz)
    assert r.matched_name == "科学城站" and r.method == "contained"


def test_contained_place_lowers_precision(gaz):
    r = gc.geocode("科学城站TOD", gaz)
    assert (r.method, r.matched_name) == ("contained", "科学城站")
    assert r.precision == "approximate"  # the station is exact, the TOD around it is not
    r = gc.geocode("重庆大学人工智能研究院", gaz)
    assert (r.method, r.matched_name, r.precision) == ("contained", "重庆大学", "approximate")
    # Somewhere along a river, or an extent named after a point: "area".
    assert gc.geocode("嘉陵江滨江步道", gaz).precision == "area"
    assert gc.geocode("沙坪坝站商圈", gaz).precision == "area"
    # An area stays an area.
    assert gc.geocode("西永综合保税区", gaz).precision == "area"


def test_longest_and_most_specific_match_wins(gaz):
    assert gc.geocode("重庆大学城北拓区路网", gaz).matched_name == "重庆大学城"
    assert gc.geocode("重庆大学科技园", gaz).matched_name == "重庆大学"
    # Of two places the more precise one: the station, not the river it stands by.
    assert gc.geocode("嘉陵江沙坪坝站码头", gaz).matched_name == "沙坪坝站"


def test_short_names_do_not_swallow_other_projects(gaz):
    assert gc.geocode("重大科技基础设施", gaz) is None  # 重大 is an abbreviation, not a prefix
    assert gc.geocode("西站路改造", gaz) is None
    assert gc.geocode("凤凰山创意园", gaz) is None  # 凤凰山 is another place than 凤凰(镇)
    assert gc.geocode("凤凰立交", gaz).matched_name == "凤凰镇"
    # The district's own name says nothing about where in it.
    assert gc.geocode("沙坪坝老旧小区改造", gaz) is None


def test_a_numbered_name_is_not_found_inside_a_longer_number():
    line9 = _place("轨道9号线", "metro_line", _spot("东"), "approximate", ["9号线"])
    road = _place("G212", "road", _spot("西"), "approximate")
    local = Gazetteer([line9, road])
    assert gc.geocode("轨道19号线", local) is None
    assert gc.geocode("G2120改造", local) is None
    assert gc.geocode("9号线延伸段", local).matched_name == "轨道9号线"
    assert gc.geocode("轨道9号线一期", local).matched_name == "轨道9号线"
    assert gc.geocode("G212青木关至北碚界", local).matched_name == "G212"


def test_two_places_joined_by_to_make_a_line(gaz):
    r = gc.geocode("沙坪坝站至重庆西站连接道", gaz)
    assert r.geometry.geom_type == "LineString" and r.method == "contained"
    a, b = gaz.by_name("沙坪坝站").geometry, gaz.by_name("重庆西站").geometry
    assert r.geometry.equals(shapely.LineString([a, b]))
    assert r.precision == "approximate"


def test_zone_fallback(gaz):
    r = gc.geocode("西部新城智慧园", gaz)
    west = load_zones().set_index("zone").geometry["西"]
    assert (r.method, r.precision) == ("contained", "zone")
    assert r.geometry.equals(west)
    r = gc.geocode("东部老城排水管网", gaz)
    assert (r.method, r.precision, r.matched) == ("zone", "zone", "东部人文母城")
    assert r.geometry.equals(load_zones().set_index("zone").geometry["东"])


def test_an_entry_standing_for_a_zone_gives_the_zone(gaz):
    r = gc.geocode("西部新城", gaz)
    assert (r.method, r.precision, r.matched_name) == ("alias", "zone", "西部科学城")
    assert r.geometry.equals(load_zones().set_index("zone").geometry["西"])


@pytest.mark.parametrize(
    "name",
    [
        "",
        "   ",
        "a" * 10_000,
        "！！！……——",
        "。，、；",
        "成都天府广场",
        "成都大学城",
        "四川省人民医院",
        "北京西站",
        "x",
    ],
)
def test_bad_input_gives_nothing(gaz, name):
    assert gc.geocode(name, gaz) is None


@pytest.mark.parametrize("value", [None, 42, b"\xe6\xb2\x99", ["沙坪坝站"]])
def test_not_a_string_gives_nothing(gaz, value):
    assert gc.geocode(value, gaz) is None


def test_another_district_only_finds_places_outside(gaz):
    assert gc.geocode("渝中区解放碑地下环道", gaz).matched_name == "解放碑"
    assert gc.geocode("渝中区沙坪坝站", gaz) is None


def test_random_input_never_raises_and_precision_is_honest(gaz):
    rng = random.Random(3)
    keys = [k for k, _ in gaz.names()]
    noise = list("（）()[]【】「」“”、，。·—-~至到 项目工程一期ＴＯＤ\u200b\t\n") + [
        "重庆市",
        "沙坪坝区",
    ]
    for _ in range(400):
        parts = rng.choices(keys + noise, k=rng.randint(0, 6))
        name = "".join(parts)
        r = gc.geocode(name, gaz)
        if r is None:
            continue
        assert r.method in gc.METHODS and r.precision in vocab.PRECISIONS
        assert r.geometry.is_valid and not r.geometry.is_empty
        if r.method == "contained":
            assert RANK[r.precision] >= RANK["approximate"]


# --- against the real gazetteer ------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> Gazetteer:
    if not GAZETTEER_PATH.exists():
        pytest.skip("data/gazetteer.geojson not built yet")
    return load_gazetteer()


def test_every_gazetteer_key_finds_its_own_place(real):
    for key, place in real.names():
        r = gc.geocode(key, real)
        assert r is not None and r.matched == place, key
        assert r.method in ("exact", "alias")


def test_examples_of_the_issue(real):
    r = gc.geocode("科学城站TOD", real)
    assert r.method == "contained" and r.matched_name == "科学城站"
    r = gc.geocode("重庆大学人工智能研究院", real)
    assert r.method == "contained" and r.matched_name.startswith("重庆大学")
    assert RANK[r.precision] >= RANK["approximate"]
    assert gc.geocode("成都天府广场", real) is None
    r = gc.geocode("西部新城", real)
    assert r.precision == "zone" and r.geometry.equals(
        load_zones().set_index("zone").geometry["西"]
    )


def test_contained_answers_are_never_better_than_their_place(real):
    for key, place in real.names():
        r = gc.geocode(f"{key}综合提升工程", real)
        abbreviation = len(key) <= 2 and not place.name.startswith(key)
        if place.kind == "district" or abbreviation:
            assert r is None, key  # says nothing, or too short to trust inside a longer name
            continue
        assert r is not None and r.matched == place, key
        assert (
            RANK[r.precision]
            >= RANK[r.matched.precision if not isinstance(r.matched, str) else "zone"]
        )
