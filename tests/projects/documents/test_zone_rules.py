"""Zones the documents state: places of 001 第十六章 and 002:80, sections, zone phrases."""

from __future__ import annotations

import pytest

from projects.documents.zone_rules import (
    DISTRICT_WIDE_BASIS,
    PHRASES,
    PLACES,
    ROUTES,
    SECTIONS,
    zone_of_mention,
    zone_of_name,
    zone_of_route,
)
from projects.records import build_records
from projects.sources import read_lines
from projects.vocab import DOCUMENTS


@pytest.mark.parametrize("row", PLACES + SECTIONS + PHRASES + ROUTES, ids=lambda r: r[0])
def test_every_zone_rule_cites_a_line_that_says_it(row, seeds):
    _, zone, where = row
    ref, words = where.split(" ", 1)
    doc_prefix, line = ref.split(":")
    (doc,) = [d.file for d in DOCUMENTS if d.file.startswith(doc_prefix)]
    text = "".join(read_lines(doc, seeds)[int(line) - 1].split())
    first = "".join(words.split("……")[0].split("（")[0].split())
    assert first[:8] in text, (where, text[:80])
    assert zone in ("东", "中", "西")


def test_names_of_two_zones_cross_them():
    assert zone_of_name("歌乐山·磁器口大景区")[:2] == ("跨区", ["东", "中"])
    assert zone_of_name("三峡广场商圈")[0] == "东"
    assert zone_of_name("中梁-歌乐智慧田园产业示范带")[0] == "中"
    # a tunnel under 中梁山 from 大学城 says where one end is, not its zone
    assert zone_of_name("大学城复线隧道") is None


def test_a_zone_phrase_opens_a_passage(seeds):
    text = "".join(read_lines(DOCUMENTS[2].file, seeds)[79].split())  # 002:80
    assert zone_of_mention("", text, "松林坡片区环境提升工程")[0] == "东"
    assert zone_of_mention("", text, "歌乐山上山通道")[0] == "中"
    assert zone_of_mention("", text, "国际物流城")[0] == "西"


@pytest.fixture(scope="module")
def records(seeds):
    return {r["name"]: r for r in build_records(seeds)}


@pytest.mark.parametrize(
    ("name", "zone", "line"),
    [
        ("金沙星座·科创园", "东", "001:534"),  # 打造嘉陵江科技创新带，推动金沙星座·科创园…
        (
            "黄金湾·智谷瞪羚企业基地",
            "西",
            "001:534",
        ),  # 打造科学城科创走廊 … 建设黄金湾·智谷瞪羚企业基地
        ("融创茂", "西", "001:619"),  # 以融创茂…为核心，打造西部片区新兴商圈
        ("平顶山消费集聚区", "东", "001:625"),  # 专栏5 东部城区消费集聚区：…
        ("磁童路步行街", "东", "001:721"),  # 第二节 沙磁文化旅游展示区
    ],
)
def test_zone_from_the_text_of_the_mentions(records, name, zone, line):
    rec = records[name]
    assert rec["zone"] == zone and rec["zones"] == [zone]
    assert rec["zone_basis"].startswith("文中") and line in rec["zone_basis"]


def test_records_of_other_districts_stay_outside(records):
    assert all(r["zone"] == "区外" for r in records.values() if r["district"] != "沙坪坝区")


@pytest.mark.parametrize(
    ("name", "sector", "box"),
    [
        ("“重庆1949”剧院", "文化旅游", "专栏10"),  # 001:764, box 10 城市品质提升 (城市更新)
        ("大成湖湿地公园", "生态环保", "专栏10"),
        ("重庆铁路集装箱中心站南侧上跨铁路通道工程", "交通", "专栏7"),  # box 7 开放平台
        ("重庆模具及成形智能制造研究院", "科技创新", "专栏3"),  # box 3 先进制造业 (产业)
    ],
)
def test_sector_by_what_the_thing_is_with_the_box_kept(records, name, sector, box):
    rec = records[name]
    assert rec["sector"] == sector
    assert rec["sector_basis"].startswith("名称：") and box in rec["sector_basis"]


def test_a_box_item_of_no_telling_kind_takes_the_box_theme(records):
    rec = records["龙湖金沙天街"]
    assert (rec["sector"], rec["sector_basis"]) == ("商贸消费", "专栏5的主题")


def test_a_place_in_another_city_is_outside(records):
    # 001:539 (box 1) lists 重庆（深圳）离岸创新创业孵化器: in 深圳, not in 西 under the box heading
    rec = records["重庆（深圳）离岸创新创业孵化器"]
    assert (rec["district"], rec["zone"]) == ("深圳市", "区外")


def _line(seeds, ref: str) -> str:
    doc_prefix, line = ref.split(":")
    (doc,) = [d.file for d in DOCUMENTS if d.file.startswith(doc_prefix)]
    return "".join(read_lines(doc, seeds)[int(line) - 1].split())


def test_routes_take_the_zone_of_the_station_the_text_brings_them_to(seeds):
    # 001:749: 争取城轨15、19、7号线引入科学城高铁站, in the 重庆国际物流城 board (西, 001:711)
    assert "争取城轨15、19、7号线引入科学城高铁站" in _line(seeds, "001:749")
    assert "成渝中线科学城站" in _line(seeds, "001:751")
    for name in ("轨道15号线", "轨道7号线一期工程", "轨道19号线", "成渝中线高铁沙坪坝段"):
        zone, zones, basis = zone_of_route(name)
        assert (zone, zones) == ("西", ["西"]) and "其余走向文中未说明" in basis
    # 17号线 and 27号线: the text names no station of theirs, so no zone
    assert zone_of_route("轨道17号线一期") is None and zone_of_route("轨道27号线") is None
    assert zone_of_route("成渝中线高铁科学城站") is None  # a station: its own place decides


def test_a_route_the_text_brings_to_two_zones_crosses_them(seeds):
    # 001:744 (科学大道, 西): 渝蓉高速进城通道等东西向大通道; 001:793: 渝蓉高速内延伸线井口隧道,
    # and 井口 is 东 (001:727); the tunnel itself is one place, its own position decides
    assert "渝蓉高速进城通道等东西向大通道" in _line(seeds, "001:744")
    assert "渝蓉高速内延伸线井口隧道" in _line(seeds, "001:793")
    for name in ("渝蓉高速内延伸线", "渝蓉高速进城通道"):
        zone, zones, basis = zone_of_route(name)
        assert (zone, zones) == ("跨区", ["东", "西"]) and "001:744" in basis and "001:793" in basis
    assert zone_of_route("渝蓉高速内延伸线井口隧道") is None


def test_a_programme_of_the_whole_district_crosses_all_zones(seeds):
    # 001:894 专栏16 水流域治理：……沙坪坝区生态清洁型小流域工程等
    assert "沙坪坝区生态清洁型小流域工程" in _line(seeds, "001:894")
    assert zone_of_route("沙坪坝区生态清洁型小流域工程") == (
        "跨区",
        ["东", "中", "西"],
        DISTRICT_WIDE_BASIS,
    )
    assert "东中西" in _line(seeds, "001:706")
    # a single site of the district is not a programme
    assert zone_of_route("沙坪坝区户外体育运动基地") is None
    assert zone_of_route("沙坪坝区互联网医院") is None


@pytest.mark.parametrize(
    ("name", "zone", "zones", "line"),
    [
        ("轨道15号线", "西", ["西"], "001:749"),
        ("成渝中线高铁沙坪坝段", "西", ["西"], "001:751"),
        ("沙坪坝区生态清洁型小流域工程", "跨区", ["东", "中", "西"], "001:706"),
        ("渝蓉高速内延伸线", "跨区", ["东", "西"], "001:793"),
    ],
)
def test_routes_and_programmes_in_the_records(records, name, zone, zones, line):
    rec = records[name]
    assert (rec["zone"], rec["zones"]) == (zone, zones)
    assert rec["zone_basis"].startswith("文中") and line in rec["zone_basis"]
