"""The catalog build against the real documents: merges, status history, sources, stable ids."""

from __future__ import annotations

import re

import pytest

from projects.errors import BadFile
from projects.records import (
    CURATION_PATH,
    IDS_PATH,
    build_records,
    document_mentions,
    merge_key,
    read_curation,
    read_registry,
    source_forms,
)
from projects.schema import FIELDS
from projects.sources import read_lines
from projects.vocab import ALL_STATUSES, DOCUMENTS, SECTORS
from tests.helpers import GENERIC_PHRASES


@pytest.fixture(scope="module")
def records(seeds):
    return build_records(seeds)


def by_name(records, name):
    hits = [r for r in records if r["name"] == name or name in r["aliases"]]
    assert hits, f"{name} not in the catalog"
    return hits[0]


def test_every_record_has_the_schema_fields_and_required_values(records):
    for r in records:
        assert set(r) == set(FIELDS), r["name"]
        assert r["sector"] in SECTORS, r["name"]
        assert r["status"] in ALL_STATUSES, r["name"]
        assert isinstance(r["start_year"], int) and isinstance(r["end_year"], int), r["name"]
        assert r["start_year"] <= r["end_year"], r["name"]
        assert r["sources"], r["name"]
        assert r["geo_method"] == "none" and r["precision"] is None


def test_every_source_line_contains_the_name_an_alias_or_its_form(records, seeds):
    lines = {d.file: read_lines(d.file, seeds) for d in DOCUMENTS}
    for r in records:
        for s in r["sources"]:
            text = re.sub(r"\s+", "", lines[s["doc"]][s["line"] - 1])
            assert any(f in text for f in source_forms(r, s)), (r["name"], s)
            if "form" in s:  # a form is kept only where the name and aliases are not on the line
                assert not any(f in text for f in source_forms(r, {})), (r["name"], s)


def test_list_fragments_are_source_forms_not_aliases(records):
    assert not [(r["name"], a) for r in records for a in r["aliases"] if "、" in a or "等" in a]
    plant = by_name(records, "西永污水处理厂")
    src = next(s for s in plant["sources"] if s["doc"].startswith("000"))
    assert src["form"] == "西永、土主污水处理厂"
    # a line cut by a hard break (004) keeps the part it holds as the form
    airport = by_name(records, "江北国际机场T3B航站楼及第四跑道")
    assert airport["sources"][0]["form"] == "江北国际机场T3B航站" and not airport["aliases"]
    # a reviewed form row: the port at the end of the road is no name of the road
    road = by_name(records, "重庆国际物流枢纽园至重庆果园港区连接道")
    assert "重庆果园港区" not in road["aliases"]
    assert {s.get("form") for s in road["sources"] if s["doc"].startswith("000")} == {
        "重庆果园港区"
    }
    # the short form of a numbered line is a real name and stays an alias
    assert "15号线" in by_name(records, "轨道15号线")["aliases"]


def test_reviewed_additions_of_round_two(records):
    assert by_name(records, "科创街")["sources"][0]["line"] == 71
    park = by_name(records, "枢纽港产业园")
    assert [s["line"] for s in park["sources"]] == [51, 72] and park["status"] == "在建"
    assert by_name(records, "轨道19号线")["status"] == "前期"
    ring = by_name(records, "轨道环线")  # 001's review of 十三五: 建成通车
    assert ring["status"] == "运营" and ring["status_history"][0]["part"] == "review"
    assert "绿地全球贸易港" in by_name(records, "重庆全球贸易港")["aliases"]
    assert by_name(records, "龙坎铺")["status"] == "运营"
    assert by_name(records, "长江国家文化公园")["district"] == "重庆市"


def test_ids_are_unique_and_stable_across_builds(records, seeds, tmp_path):
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    again = build_records(seeds)
    assert [(r["id"], r["name"]) for r in again] == [(r["id"], r["name"]) for r in records]


def test_merge_key_joins_forms_of_one_project():
    assert merge_key("重庆国际物流城") == merge_key("国际物流城")
    assert merge_key("西永污水处理厂扩建工程") == merge_key("西永污水处理厂")
    assert merge_key("重庆西站TOD一期") != merge_key("西站TOD二期")


def test_kexuecheng_tunnel_is_one_record_with_history_000_then_002(records):
    rec = by_name(records, "科学城隧道")
    assert "大学城复线隧道" in [rec["name"], *rec["aliases"]]
    docs = [h["doc"][:3] for h in rec["status_history"]]
    assert docs.index("000") < docs.index("002")
    assert rec["status_history"][-1]["doc"].startswith("002")
    assert rec["status"] == rec["status_history"][-1]["status"] == "在建"
    assert {s["doc"][:3] for s in rec["sources"]} >= {"000", "001", "002"}


def test_aliases_of_the_logistics_city(records):
    rec = by_name(records, "重庆国际物流城")
    assert {"国际物流城", "重庆国际物流枢纽园"} <= {rec["name"], *rec["aliases"]}


def test_phases_stay_separate_and_linked(records):
    one = by_name(records, "重庆西站TOD一期")
    two = by_name(records, "重庆西站TOD二期")
    assert one["id"] != two["id"]
    assert two["id"] in one["related"] and one["id"] in two["related"]
    assert one["phase"] == "一期" and two["phase"] == "二期"


def test_generic_phrases_are_not_records(records):
    names = {n for r in records for n in [r["name"], *r["aliases"]]}
    for phrase in GENERIC_PHRASES:
        assert phrase not in names


def test_districts_and_zones(records):
    assert by_name(records, "解放碑地下环道")["district"] == "渝中区"
    assert by_name(records, "解放碑地下环道")["zone"] == "区外"
    assert by_name(records, "白市驿隧道")["district"] == "九龙坡区"
    # a 004 mention of a 沙坪坝 project merges into the district's record
    rail = by_name(records, "成渝中线高铁")
    assert rail["district"] == "沙坪坝区" and rail["zone"] == "西"  # its 科学城站, 001:751
    assert "001:751" in rail["zone_basis"] and "其余走向文中未说明" in rail["zone_basis"]
    assert "004" in {s["doc"][:3] for s in rail["sources"]}


def test_lead_dept_comes_from_the_metadata_brackets(records):
    assert by_name(records, "科学城隧道")["lead_dept"] == "区住房城乡建委"
    assert by_name(records, "重庆站铁路综合交通枢纽")["lead_dept"] == "菜园坝滨江新城建设指挥部"
    # a reviewed accept row takes the lead department of its paragraph too
    assert by_name(records, "冯玉祥故居")["lead_dept"] == "区文化旅游委"
    assert by_name(records, "重庆长滨")["lead_dept"] == "区住建委"


def test_years_follow_the_text_and_the_plan_period(records):
    box_item = by_name(records, "兰渝高铁沙坪坝段")  # 001 only: the 14th plan period
    assert (box_item["start_year"], box_item["end_year"]) == (2021, 2025)
    rail = by_name(records, "成渝中线高铁")  # 001 … 004 and 002: 2021 to 2027
    assert (rail["start_year"], rail["end_year"]) == (2021, 2027)


def test_registry_keeps_ids_when_order_and_content_change(seeds, tmp_path):
    reg = tmp_path / "ids.csv"
    first = build_records(seeds, registry=reg, update_registry=True)
    ids = {r["name"]: r["id"] for r in first}
    # the registry's row order does not matter
    head, *rows = reg.read_text(encoding="utf-8").splitlines()
    reg.write_text("\n".join([head, *reversed(rows)]) + "\n", encoding="utf-8")
    assert {r["name"]: r["id"] for r in build_records(seeds, registry=reg)} == ids
    # rejecting one project renumbers no other
    cur = tmp_path / "curation.csv"
    text = CURATION_PATH.read_text(encoding="utf-8")
    cur.write_text(text + "reject,西南医院下穿道,,,,test\n", encoding="utf-8")
    later = build_records(seeds, curation=cur, registry=reg)
    assert "西南医院下穿道" in ids and all(r["name"] != "西南医院下穿道" for r in later)
    assert all(ids[r["name"]] == r["id"] for r in later)


def test_committed_registry_covers_every_record(records):
    registry = read_registry(IDS_PATH)
    assert {r["id"] for r in records} <= set(registry.values())


def test_curation_rows_all_apply(seeds):
    rows = read_curation(CURATION_PATH)
    assert rows and all(r.why for r in rows)
    keys = {merge_key(m.name) for m in document_mentions(seeds)}
    keys |= {merge_key(r.name) for r in rows if r.action == "accept"}
    targets = {merge_key(r.value) for r in rows if r.action == "merge"}
    stale = [r for r in rows if merge_key(r.name) not in keys | targets]
    assert not stale, stale[:5]


def test_a_new_merge_keeps_the_id_of_the_project(seeds, tmp_path):
    reg = tmp_path / "ids.csv"
    before = {r["name"]: r["id"] for r in build_records(seeds, registry=reg, update_registry=True)}
    cur = tmp_path / "curation.csv"
    text = CURATION_PATH.read_text(encoding="utf-8")
    cur.write_text(text + "merge,西南医院下穿道,西南医院下穿通道,,,test\n", encoding="utf-8")
    after = {r["name"]: r["id"] for r in build_records(seeds, curation=cur, registry=reg)}
    assert after["西南医院下穿道"] == before["西南医院下穿道"]
    assert after == before


def test_bad_input_gives_a_chinese_error_and_changes_nothing(seeds, tmp_path):
    with pytest.raises(BadFile, match="找不到源文件"):
        build_records(tmp_path)
    cur = tmp_path / "curation.csv"
    cur.write_text(
        "action,name,value,doc,line,why\nset,西永隧道,sector=隧道,,,x\n", encoding="utf-8"
    )
    with pytest.raises(BadFile, match="领域“隧道”无效"):
        build_records(seeds, curation=cur, registry=tmp_path / "ids.csv")
    cur.write_text("action,name,value,doc,line,why\nreject,西永隧道,,,,\n", encoding="utf-8")
    with pytest.raises(BadFile, match="缺少理由"):
        build_records(seeds, curation=cur, registry=tmp_path / "ids.csv")
    cur.write_text("action,name,value,doc,line,why\nform,西永,,,,x\n", encoding="utf-8")
    with pytest.raises(BadFile, match="form 操作需要文档和行号"):
        build_records(seeds, curation=cur, registry=tmp_path / "ids.csv")
    cur.write_text("action,name,value,doc,line,why\ndrop,西永隧道,,,,x\n", encoding="utf-8")
    with pytest.raises(BadFile, match="操作“drop”无效"):
        build_records(seeds, curation=cur, registry=tmp_path / "ids.csv")
    assert not (tmp_path / "ids.csv").exists()


@pytest.mark.parametrize(
    ("name", "forms", "lines"),
    [
        # 000:61 全力打造1491未来设计创意中心; 002:81 开工建设1491创意产业园
        ("1491创意产业园", {"1491未来设计创意中心"}, {("000", 61), ("002", 81)}),
        # 001:603/609 特钢厂国际创意产业示范园; 001:534/851 (重庆)特钢创意产业园
        ("重庆特钢创意产业园", {"特钢厂国际创意产业示范园"}, {("001", 534), ("001", 603)}),
        # 001:711 青凤高科产业园 / 002:80 青凤科创城, the west's park beside 国际物流城
        ("青凤科创城", {"青凤高科产业园", "青凤高新产业示范区"}, {("001", 575), ("002", 80)}),
    ],
)
def test_one_project_under_two_names_is_one_record(records, name, forms, lines):
    rec = by_name(records, name)
    assert forms <= set(rec["aliases"])
    assert lines <= {(s["doc"][:3], s["line"]) for s in rec["sources"]}
    for form in forms:
        assert not [r for r in records if r["name"] == form]


def test_a_place_named_only_as_where_chargers_go_is_no_mention_of_it(records, seeds):
    # 001:811 优先在三峡广场、重庆西站等大型商场…交通枢纽…布局公共充电设施: the station is cited
    # for what it is elsewhere (001:12 两大高铁枢纽投用), not for this line
    assert "优先在三峡广场、重庆西站等" in "".join(
        read_lines(DOCUMENTS[1].file, seeds)[810].split()
    )
    rec = by_name(records, "重庆西站")
    assert ("001", 811) not in {(s["doc"][:3], s["line"]) for s in rec["sources"]}
    assert rec["status"] == "运营"
