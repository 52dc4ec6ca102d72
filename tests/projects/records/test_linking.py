"""Every further line that names a catalogued project is linked to its record, read by the
status rules; a name inside another name, an organisation or a site of other things is not."""

from __future__ import annotations

import pytest

from projects.documents import Mention
from projects.records import build_records
from projects.records.curation import read_curation
from projects.records.linking import search_names


@pytest.fixture(scope="module")
def records(seeds):
    return build_records(seeds)


def _rec(records, name):
    return next(r for r in records if r["name"] == name)


def _lines(rec):
    return {f"{s['doc'][:3]}:{s['line']}" for s in rec["sources"]}


def _entry(rec, at):
    return next(h for h in rec["status_history"] if f"{h['doc'][:3]}:{h['line']}" == at)


@pytest.mark.parametrize(
    ("name", "linked", "not_linked"),
    [
        # 000:155 促进青凤科创城与国际物流城融合发展; 001:736 将青凤高科产业园打造成…
        ("青凤科创城", {"000:155", "001:534", "001:736", "001:744"}, {"001:797", "001:785"}),
        # 001:811 is kept out by its reviewed reject row; 001:625 is 井双片区新经济消费集聚区
        ("井双片区", {"000:96", "001:709", "001:812"}, {"001:811", "001:625"}),
        ("大成湖湿地公园", {"001:723", "001:729"}, set()),
        # 001:737 第二节 重庆国际物流城开放引领示范区 is the 示范区's heading
        ("重庆国际物流城", {"001:15", "001:664", "001:744"}, {"001:737", "001:675"}),
        ("佛罗伦萨小镇", {"000:66"}, {"001:760"}),
        ("重庆西站", {"001:701", "001:742"}, {"001:811"}),
        ("科学大道拓宽改造", set(), {"001:534", "001:907"}),
        ("磁器口古镇", set(), {"000:67", "000:98"}),
        ("西部（重庆）科学城", {"000:28", "001:746"}, {"000:31", "002:26"}),
        ("数字科技园", {"002:108"}, set()),
        ("重庆大学城", {"000:134", "002:66"}, {"001:597"}),
    ],
)
def test_mentions_are_linked_and_names_of_other_things_are_not(records, name, linked, not_linked):
    lines = _lines(_rec(records, name))
    assert linked <= lines, linked - lines
    assert not (not_linked & lines), not_linked & lines


def test_a_found_mention_is_read_by_the_status_rules(records):
    # 001:12 (review of 2016-2020) 东部旧城改造、西部新城开发全面提速: it was under way
    rec = _rec(records, "东部旧城改造")
    assert _entry(rec, "001:12")["status"] == "在建" and rec["status"] == "在建"
    # 002:66 联动高新区促进大学城、科学城融合发展: the university town runs
    assert _rec(records, "重庆大学城")["status"] == "运营"


def test_a_plan_framed_round_what_it_makes_is_no_reading_of_it_running(records):
    # 001:723 以大成湖湿地公园为核心 beside 001:711 大手笔打造大成湖城市绿心 (audit 3)
    rec = _rec(records, "大成湖湿地公园")
    assert _entry(rec, "001:723")["status"] == "规划"
    assert rec["status"] == "规划"
    # 001:725 以中梁都市村庄为核心, 001:844 …为载体, beside the box's 中梁都市村庄建设 (001:637)
    assert _rec(records, "中梁都市村庄")["status"] == "规划"


def test_the_plans_own_zones_are_planned_whatever_links_them(records):
    # 001:744 有机联动梁滩河谷生态展示区…等重点板块; 001:597 依托…高铁站城融合示范区等开发开放载体
    for name, at in (
        ("梁滩河谷生态展示区", "001:744"),
        ("环大学城创新生态示范区", "001:744"),
        ("高铁站城融合示范区", "001:597"),
    ):
        rec = _rec(records, name)
        assert _entry(rec, at)["status"] == "规划" and rec["status"] == "规划", name


def test_a_reports_plan_to_run_what_its_review_builds_is_under_way(records):
    # 002:71 高质量运营国际铁路港综保区; 002:30 (review of 2024) …加快建设
    rec = _rec(records, "重庆铁路口岸综合保税区")
    assert _entry(rec, "002:71")["status"] == "在建" and rec["status"] == "在建"
    # 002:62 支持西南药业导入新产品: the company runs
    assert _entry(_rec(records, "西南药业"), "002:62")["status"] == "运营"


def test_found_context_gives_no_zone_and_notes_give_no_section(records):
    # 001:721 加快推动渣滓洞、白公馆、磁器口连片发展 under 沙磁文化旅游展示区: not where they lie
    for name in ("渣滓洞", "白公馆"):
        assert _rec(records, name)["zone"] is None
    # 002:108 a note of 名词解释 (its first words name 上桥…, no section of the report)
    src = next(s for s in _rec(records, "创客港未来科技园")["sources"] if s["line"] == 108)
    assert src["section"] == "名词解释"
    # a found context line plans no window: 创客港 keeps the 2027 of 000
    assert _rec(records, "创客港未来科技园")["end_year"] == 2027


def test_search_names_leave_out_forms_and_the_thing_works_improve():
    rows = read_curation()
    ms = [Mention("科学大道拓宽改造", 1), Mention("科学大道", 2)]
    assert search_names("科学大道拓宽改造", ms, rows) == ["科学大道拓宽改造"]


def test_a_review_line_with_no_words_of_progress_is_a_source_but_no_status_fact(records):
    """002:20 水泵厂入选国家级制造业单项冠军企业 names the works in the 2024 review without saying
    where they stand: the line is cited, and the history (the facts the map's 「截至某年」 and
    the charts count) holds no 未知 entry for it."""
    pump = _rec(records, "水泵厂")
    assert "002:20" in _lines(pump)
    assert "002:20" not in {f"{h['doc'][:3]}:{h['line']}" for h in pump["status_history"]}
    assert all(h["status"] != "未知" for r in records for h in r["status_history"])
