"""Cue → status, and the review/plan split of the 2025 government work report (002)."""

from __future__ import annotations

import pytest

from projects.documents.status import (
    DEFAULT_BASIS,
    RULES,
    judge,
    part_of,
    plan_boundary,
    rank,
    status_of,
)
from projects.records import CURATION_PATH, build_records, document_mentions, read_curation
from projects.records.curation import accepted_mentions, group_mentions
from projects.records.linking import link_further_mentions
from projects.sources import read_lines
from projects.vocab import DOCUMENTS, STATUSES

REPORT = DOCUMENTS[2].file  # 2025年沙坪坝区人民政府工作报告


@pytest.mark.parametrize(
    ("cue", "part", "status"),
    [
        ("建成投运", "review", "运营"),
        ("投用", "review", "运营"),
        ("开街运营", "review", "运营"),
        ("蝶变网红", "review", "运营"),
        ("基本完工", "review", "建成"),
        ("主体封顶", "review", "在建"),
        ("加快建设", "review", "在建"),
        ("投用", "plan", "在建"),
        ("建成投用", "plan", "在建"),
        ("开工建设", "plan", "前期"),
        ("争取开工", None, "前期"),
        ("前期研究", None, "前期"),
        ("加快推进", None, "在建"),
        ("提速建设", None, "在建"),
        ("打造", None, "规划"),
        ("", None, "规划"),
        ("提档升级", None, "运营"),
        ("保护利用好", None, "运营"),
        ("建设", None, "规划"),
    ],
)
def test_status_of_cue(cue, part, status):
    assert status_of(cue, part) == status


def test_every_status_is_in_the_vocabulary():
    for cue in ("建成投运", "主体封顶", "争取开工", "打造", "完成总量的70%", "不认识的词"):
        for part in ("review", "plan", None):
            assert status_of(cue, part) in (*STATUSES, "未知")
    assert rank("规划") < rank("前期") < rank("在建") < rank("建成") < rank("运营")


def test_plan_boundary_of_the_report_is_found_in_the_text(seeds):
    lines = read_lines(REPORT, seeds)
    b = plan_boundary(lines)
    assert b is not None
    assert lines[b - 1].strip() == "2025年工作安排"
    assert "2024年工作回顾" in [x.strip() for x in lines[: b - 1]]
    assert part_of(b - 1, b) == "review" and part_of(b, b) == "plan"


@pytest.fixture(scope="module")
def judged(seeds):
    """(doc prefix, line) -> [(name, rule key, status)] for every mention of the documents."""
    bounds = {d.file: plan_boundary(read_lines(d.file, seeds)) for d in DOCUMENTS}
    years = {d.file: d.period for d in DOCUMENTS}
    out: dict[tuple[str, int], list[tuple[str, str, str]]] = {}
    found = document_mentions(seeds)
    lines_by_doc = {d.file: read_lines(d.file, seeds) for d in DOCUMENTS}
    # and the mentions reviewed ``accept`` rows add (001:635 中梁都市村庄), read as the build reads them
    seen = {(m.doc, m.line, m.name) for m in found}
    accepted = accepted_mentions(read_curation(CURATION_PATH), lines_by_doc, found)
    listed = found + [m for m in accepted if (m.doc, m.line, m.name) not in seen]
    # and the lines found by a project's name after grouping (002:62 支持西南药业导入新产品)
    rows = read_curation(CURATION_PATH)
    groups = group_mentions(listed, rows)
    link_further_mentions(groups, rows, lines_by_doc)
    for m in listed + [m for ms in groups.values() for m in ms if m.found]:
        first, last = years[m.doc]
        j = judge(m.clause, m.cue, part_of(m.line, bounds[m.doc]), multi_year=last > first)
        out.setdefault((m.doc[:3], m.line), []).append((m.name, j.rule, j.status))
    return out


@pytest.mark.parametrize("rule", RULES, ids=[r.key for r in RULES])
def test_every_rule_reads_its_real_example_line(rule, seeds, judged):
    doc_prefix, line = rule.where.split(":")
    (doc,) = [d.file for d in DOCUMENTS if d.file.startswith(doc_prefix)]
    text = "".join(read_lines(doc, seeds)[int(line) - 1].split())
    assert rule.words in text, f"{rule.where} does not contain {rule.words}"
    hits = judged.get((doc_prefix, int(line)), [])
    assert any(key == rule.key for _, key, _ in hits), hits
    part = "review" if doc_prefix == "002" and int(line) < 47 else "plan"
    status = rule.review if part == "review" else rule.plan
    assert {s for _, key, s in hits if key == rule.key} == {status}


@pytest.mark.parametrize(
    ("doc", "line", "name", "status"),
    [
        # things that exist and work: 提档升级 / 提质扩容 / 保护利用好 / 依托 / 发挥 → 运营
        ("000", 61, "重庆工业设计产业城", "运营"),  # 提档升级…重庆工业设计产业城
        ("002", 80, "三峡广场商圈", "运营"),  # 提质扩容三峡广场商圈
        ("001", 834, "李四光旧居", "运营"),  # 保护利用好…李四光旧居
        ("001", 691, "重庆西站", "运营"),  # 发挥好重庆西站、沙坪坝站、科学城站功能
        ("002", 88, "西南医院", "运营"),  # 以西南医院、新桥医院、肿瘤医院等高水平医院为龙头
        ("002", 80, "国际物流城", "运营"),  # 实施青凤科创城、国际物流城“满园扩园”行动
        ("001", 832, "区融媒体中心", "运营"),  # 建强用好区融媒体中心
        ("001", 832, "图书馆", "运营"),  # 更好发挥档案馆、图书馆、博物馆、文化馆等作用
        # …unless what is relied on is its construction: 依托…建设 → 在建
        ("001", 606, "西部（重庆）科学城", "在建"),  # 依托西部（重庆）科学城建设
        ("001", 605, "西部陆海新通道国际物流和运营组织中心", "在建"),  # 依托…中心建设
        # a governing verb over a list: 适时开展 … 通道建设, 争取 … 落地 → 前期
        ("000", 36, "国际物流枢纽园与重庆新机场货运通道", "前期"),
        ("001", 783, "渝西高铁", "前期"),  # 推动成渝中线高铁、渝西高铁开工建设
        ("001", 783, "成渝中线高铁", "前期"),
        ("001", 749, "轨道19号线", "前期"),  # 争取城轨15、19、7号线引入科学城高铁站
        ("002", 77, "杨家滩保租房", "前期"),  # 开工建设杨家滩保租房 (a 2025 target)
        # bare 建设 / 打造 in a plan is 规划; 在建 only with a word of progress
        ("001", 660, "铁路口岸国际箱管中心", "规划"),  # 建设铁路口岸国际箱管中心
        ("000", 147, "陆港型枢纽经济示范区", "规划"),  # 建设陆港型枢纽经济示范区
        ("000", 35, "轨道15号线", "在建"),  # 加快轨道7号线、15号线、17号线、27号线建设
        # 新增 in a plan: new, so planned
        ("001", 534, "凤凰山创意园", "规划"),
        # the review of 2024 in 002: facts
        ("002", 22, "歌磁巷", "运营"),  # 歌磁巷开街运营
        ("002", 35, "云湖未来社区", "在建"),  # 云湖未来社区主体封顶
        ("002", 37, "西永污水处理厂扩建工程", "建成"),  # …扩建工程完工
        ("002", 37, "两岸青山·千里林带", "在建"),  # 建成“两岸青山·千里林带”1500亩: one year's part
        ("002", 41, "区妇幼保健院", "在建"),  # …迁建项目即将投用: not yet in use
        ("002", 80, "“红岩歌磁”旅游轨道项目", "前期"),  # 启动“红岩歌磁”旅游轨道项目 (2025 plan)
        # 建成 in a multi-year plan is the period's target (规划); in this year's plan, work (在建)
        ("003", 29, "轨道27号线", "规划"),  # a 2027 target: …二十七号线等建成运营
        ("001", 794, "G212青木关至北碚界", "规划"),  # 建成改造G212青木关至北碚界 (by 2025)
        ("002", 81, "凤凰山创意园一期", "在建"),  # 建成投用凤凰山创意园一期 (in 2025)
        ("003", 76, "两岸青山·千里林带", "在建"),  # 提质建设“两岸青山·千里林带”
        # 加快 governing 投用 is progress even in a multi-year plan (not its 2027 target)
        ("000", 152, "西部陆海新通道重庆无水港", "在建"),  # 加快投用西部陆海新通道重庆无水港
        # the second of 推进X建设、Y建设 takes the governing 推进
        ("001", 775, "中梁农业互联网小镇", "在建"),  # 推进…示范带建设、中梁农业互联网小镇建设
        ("001", 775, "中梁乡村振兴示范带", "在建"),
        # 联动 a thing is relying on what exists; 联动建设 / 联动推进…建设 is building it jointly
        ("000", 67, "长江国家文化公园", "规划"),  # 联动建设长江国家文化公园
        ("003", 66, "中央商务区", "在建"),  # 联动推进中央商务区建设
        ("001", 750, "环大学创新生态圈", "在建"),  # 联动环大学创新生态圈建设
        # 建好 is building it well, under way (梁滩河 画廊: 000:31 全面铺开), not a 建成 target
        ("000", 112, "梁滩河“百里生态画廊”", "在建"),  # 建好梁滩河“百里生态画廊”
        ("001", 695, "青凤高科产业园", "在建"),  # 建好青凤高科产业园
        # 推动优质项目向…拾光格数字软件园、创客港未来科技园等楼宇集聚: buildings in use
        ("000", 60, "拾光格数字软件园", "运营"),
        ("000", 60, "创客港未来科技园", "运营"),
        # 一体推进黄金湾智谷、器官智能制造工程研究中心等创新平台发展: platforms that run
        ("000", 137, "黄金湾智谷", "运营"),
        # the shortfalls of scenic sites that run, and old towns made consumption clusters
        ("001", 848, "磁器口古镇", "运营"),  # 加快补齐磁器口古镇…等重点景区公共设施…短板
        # 着力打造磁器口古镇、融汇温泉城、平顶山等特色消费集聚区
        ("001", 619, "融汇温泉城", "运营"),
        # sites that exist, joined up: 加快推动渣滓洞、白公馆、磁器口连片发展、资源共享
        ("001", 721, "渣滓洞", "运营"),
        # joining in a project's building is building it: 全面融入西部（重庆）科学城建设
        ("000", 134, "西部（重庆）科学城", "在建"),
        # a company that is helped to bring out new products runs: 支持西南药业导入新产品
        ("002", 62, "西南药业", "运营"),
        # a line found by name reads as any other: 东部旧城改造、西部新城开发全面提速 (review)
        ("001", 12, "东部旧城改造", "在建"),
        # what is made a city's name card is a 板块 being developed, not one still to start:
        # 高起点高标准打造青凤科创城、国际物流城、井双嘉陵湾等城市功能名片 (not a bare 打造)
        ("000", 31, "青凤科创城", "在建"),
        ("000", 31, "井双嘉陵湾", "在建"),
        # pushing the port to be upgraded to a bonded zone is seeking its approval, not building
        # it: 推动铁路口岸升级为综合保税区 (not the 推动 of a building under way)
        ("001", 738, "铁路口岸升级为综合保税区", "前期"),
    ],
)
def test_real_lines_read_as_the_documents_mean(judged, doc, line, name, status):
    hits = {n: s for n, _, s in judged[(doc, line)]}
    assert hits[name] == status


def test_a_box_item_without_words_is_a_marked_default():
    j = judge("□", "", "plan")
    assert (j.status, j.basis, j.cue) == ("规划", DEFAULT_BASIS, "")
    assert judge("□", "", "review").status == "未知"


def test_names_are_masked_so_words_inside_them_are_no_cue(judged):
    # 渝遂立交改造三期 (box 12) holds 改造 in its name; 松林坡片区环境提升工程 holds 提升
    assert dict((n, s) for n, _, s in judged[("002", 80)])["松林坡片区环境提升工程"] == "规划"


def test_plans_throughout_have_no_boundary(seeds):
    for d in (DOCUMENTS[0], DOCUMENTS[3], DOCUMENTS[4]):
        assert plan_boundary(read_lines(d.file, seeds)) is None


@pytest.fixture(scope="module")
def records(seeds):
    return {r["name"]: r for r in build_records(seeds)}


def report_entry(record, part=None):
    """The record's one entry from the report (in ``part`` where given)."""
    (entry,) = [
        h
        for h in record["status_history"]
        if h["doc"] == REPORT and (part is None or h["part"] == part)
    ]
    return entry


def test_toucyong_in_the_review_means_operating(records):
    # 小龙坎人才公寓投用 (2024 review) and 夏大湾公园建成投用
    for name in ("小龙坎人才公寓", "夏大湾公园"):
        entry = report_entry(records[name])
        assert entry["part"] == "review" and entry["status"] == "运营" and entry["year"] == 2024
        assert records[name]["status"] == "运营"
        assert records[name]["end_year"] == 2024


def test_toucyong_in_the_plan_means_not_yet(records):
    # 投用重药进出口医疗器械分拨中心 and 投用数智重电科技园 are 2025 targets
    for name in ("重药进出口医疗器械分拨中心", "数智重电科技园"):
        entry = report_entry(records[name])
        assert entry["part"] == "plan" and entry["cue"].startswith("投用")
        assert entry["status"] == "在建" and records[name]["status"] == "在建"
        assert records[name]["start_year"] == records[name]["end_year"] == 2025


def test_review_and_plan_of_one_report_are_two_entries(records):
    # 云湖未来社区: 主体封顶 in 2024 (review, 002:35), 投用 planned for 2025 (plan, 002:61)
    rec = records["云湖未来社区"]
    review = report_entry(rec, "review")
    # (the report's notes explain it too, 002:114, saying nothing of progress)
    (plan,) = [h for h in rec["status_history"] if h["doc"] == REPORT and h["line"] == 61]
    assert (review["year"], review["status"], review["line"]) == (2024, "在建", 35)
    assert "主体封顶" in review["cue"]
    assert (plan["year"], plan["status"], plan["line"]) == (2025, "在建", 61)
    assert plan["cue"].startswith("投用")
    assert rec["status"] == "在建"


def test_a_plan_never_undoes_a_review_fact(records):
    # 002:20 (review 2024) 环大学创新创业生态圈提质增效 … 002:66 (plan 2025) 打造…“升级版”;
    # 001:11 (十三五 review) 黄金湾·智谷 投运, later plans 打造 / 加快推进 it: still 运营
    rec = records["黄金湾·智谷"]
    assert rec["status_history"][0]["part"] == "review"
    assert rec["status_history"][0]["status"] == "运营"
    assert any(h["status"] in ("规划", "在建") for h in rec["status_history"][1:])
    assert rec["status"] == "运营"


def test_a_default_status_says_it_is_one(records):
    rec = records["伍家河沟雨水净化站"]  # 001:816, a box item with no verb
    (entry,) = rec["status_history"]
    assert entry["basis"] == DEFAULT_BASIS and entry["cue"] == ""
    # where the running text speaks for a box item, its words win: 001:784 争取…开工
    road = records["渝遂高速拓宽改造"]
    assert [h["line"] for h in road["status_history"]] == [784, 790]
    assert road["status"] == "前期"


def test_a_long_cue_shows_names_as_ellipses_never_the_mask():
    clause = "推动优质项目向□、□、□、□、□等楼宇集聚" + "，并" * 20
    j = judge(clause, "", "plan")
    assert j.status == "运营" and "□" not in j.cue and "…" in j.cue


def test_a_part_saying_new_is_not_outweighed_by_reading_it_as_existing(records):
    # 001:534 新增特钢创意产业园…新经济产业空间 (new), 001:603 以…特钢厂国际创意产业示范园…等为
    # 核心载体 (a carrier, read alone as existing): the 14th plan plans it, it does not run yet
    rec = records["重庆特钢创意产业园"]
    said = {h["line"]: h["status"] for h in rec["status_history"]}
    assert said[534] == "规划" and said[603] == "运营"
    assert rec["status"] == "规划"
    # where no part says new, the existing reading stands (000:61 提档升级, 002:63 提档升级)
    assert records["重庆工业设计产业城"]["status"] == "运营"


def test_a_length_built_in_a_multi_year_plan_is_its_target(records):
    # 001:797 建成国际物流枢纽园内部道路24.5公里，青凤高科产业园21.9公里: by 2025, as 建成改造
    # G212… of 001:794; the same words in this year's plan of a report are work under way
    for name in ("国际物流枢纽园内部道路", "青凤高科产业园内部道路"):
        (entry,) = records[name]["status_history"]
        assert (entry["line"], entry["status"]) == (797, "规划")
    assert judge("建成□24.5公里", "", "plan", multi_year=True).status == "规划"
    assert judge("建成□24.5公里", "", "plan").status == "在建"


def test_an_accepted_mention_reads_its_clause_with_every_name_masked(records):
    # 001:738 推进国际物流城总部运营中心、总部商务大厦、园区商务中心等建设: the 运营 inside a
    # neighbour's name is no cue; 推进…建设 says the building is under way
    rec = records["国际枢纽总部商务大厦"]
    (entry,) = [h for h in rec["status_history"] if h["line"] == 738]
    assert entry["status"] == "在建" and "运营" not in entry["cue"]
    assert rec["status"] == "在建"


def test_an_accepted_name_absent_from_its_line_reads_the_clause_of_its_stem(records):
    # 001:916 实施新桥、磁器口等社区卫生服务中心提档升级工程: the line spells the centres 新桥 and
    # 磁器口 before their shared kind; the clause is theirs, so 提档升级 of what exists → 运营
    for name in ("新桥社区卫生服务中心", "磁器口社区卫生服务中心"):
        (entry,) = records[name]["status_history"]
        assert (entry["line"], entry["status"]) == (916, "运营"), entry
        assert "提档升级" in entry["cue"]


def test_a_box_default_gives_way_to_words_of_the_running_text(records):
    # 001:764 lists “重庆1949”剧院 in box 10 with no verb; 001:846 依托“重庆·1949”剧院推出红色主题
    # 精品实景剧 relies on it as a stage that runs: the box mention says what its document says
    rec = records["“重庆1949”剧院"]
    said = {h["line"]: (h["status"], h["basis"]) for h in rec["status_history"]}
    assert said[846][0] == "运营" and said[846][1].startswith("既有依托")
    assert said[764][0] == "运营" and said[764][1] != DEFAULT_BASIS
    assert said[764][1].startswith("既有依托：专栏里未写进度") and "001:846" in said[764][1]
    assert rec["status"] == "运营"


@pytest.mark.parametrize(
    ("name", "line", "status", "source"),
    [
        # 001:796 客货枢纽：科学城高铁站，沙坪坝站、重庆西站，… (box 12, no verb)
        ("成渝中线高铁科学城站", 796, "在建", 749),  # 001:749 加快建设科学城高铁站
        ("重庆西站", 796, "运营", 691),  # 001:691 发挥好重庆西站…枢纽功能 (001:12 投用)
        ("沙坪坝站", 796, "运营", 691),
        # 001:789 轨道线路：轨道9号线一期，7号线一期工程、17号线一期… (box 12)
        ("轨道9号线一期", 789, "在建", 783),  # 001:783 加快推进轨道交通9号线…等建设
        ("轨道17号线一期", 789, "在建", 783),
        # 001:675 国际交往空间：…国际枢纽园区商务中心… (box 7); 001:738 推进…园区商务中心等建设
        ("国际枢纽园区商务中心", 675, "在建", 738),
        # 001:627 商贸商务重点项目：…佛罗伦萨小镇 (box 5); 001:619 以…佛罗伦萨小镇为核心
        ("佛罗伦萨小镇", 627, "运营", 619),
    ],
)
def test_a_box_item_says_what_the_running_text_of_its_document_says(
    records, name, line, status, source
):
    (entry,) = [h for h in records[name]["status_history"] if h["line"] == line]
    assert entry["status"] == status
    assert f"001:{source}" in entry["basis"] and entry["cue"]


def test_a_box_item_no_line_of_its_document_speaks_for_stays_a_default(records):
    # 001:796 重庆国际物流城综合货运枢纽: no other line of 001 names it
    (entry,) = records["重庆国际物流城综合货运枢纽"]["status_history"]
    assert (entry["line"], entry["status"], entry["basis"]) == (796, "规划", DEFAULT_BASIS)
    # the words of another document do not reach a box: 001:675 (box 7) lists 成渝中线高铁科学城站
    # TOD城市综合体; only 000 (35 建成…科学城站TOD项目, 66 高标准建设…) speaks of it
    said = {
        (h["doc"][:3], h["line"]): h
        for h in records["成渝中线高铁科学城站TOD城市综合体"]["status_history"]
    }
    assert said[("001", 675)]["basis"] == DEFAULT_BASIS and ("000", 35) in said


def test_relying_on_a_station_the_same_plan_builds_is_no_reading_of_it_as_running(records):
    # 001:701 更好发挥重庆西站、成渝中线高铁科学城站、沙坪坝站枢纽集聚优势: the same plan says
    # 加快建设科学城高铁站 (001:749); 重庆西站 and 沙坪坝站 (in use, 001:12) stay 运营
    said = {h["line"]: h for h in records["成渝中线高铁科学城站"]["status_history"]}
    assert said[701]["status"] == "在建" and "001:749" in said[701]["basis"]
    assert judge("更好发挥□、□、□枢纽集聚优势", "", "plan").status == "运营"
    west = {h["line"]: h["status"] for h in records["重庆西站"]["status_history"]}
    assert west[691] == "运营"


def test_hospitals_building_smart_services_are_the_builders_that_run(judged, records):
    # 001:621 加快区人民医院、区中医院、区妇幼保健院、区陈家桥医院、区中西医结合医院建设智慧医院、
    # 互联网医院: the hospitals build online services; the 互联网医院 is what is built
    hits = {n: (rule, s) for n, rule, s in judged[("001", 621)]}
    for name in ("区人民医院", "区中医院", "区妇幼保健院", "区陈家桥医院", "区中西医结合医院"):
        assert hits[name] == ("建设主体", "运营"), name
    assert hits["互联网医院"] == ("进展", "在建")
    assert "区中西医结合医院建设智慧医院" not in hits
    lines = {h["line"] for h in records["区中西医结合医院"]["status_history"]}
    assert 621 in lines  # the mention is linked to its record
    # a name then 建设 and a named project is no builder: 土主污水处理厂主干管网建设提前1年竣工
    assert judge("□建设提前1年竣工", "", "review").rule != "建设主体"


def test_the_building_of_a_place_as_the_focus_is_a_plan(records):
    # 001:635 以中梁都市村庄和缙云山麓美丽乡村建设为重点: what is built is the focus, not a place
    # relied on; 001:725 以中梁都市村庄为核心 would read it as a place that is there, but box 6
    # of the same plan lists its building (001:637 中梁都市村庄建设：斐然湖核心景观提升…): the
    # rural plan is framed round what the plan makes
    said = {h["line"]: h["status"] for h in records["中梁都市村庄"]["status_history"]}
    assert said[635] == "规划" and said[637] == "规划" and said[725] == "规划"
    assert judge("以□和缙云山麓美丽乡村建设为重点", "", "review").status == "在建"


def test_relying_on_one_place_to_build_another_is_no_reading_of_the_other_as_existing(records):
    # 001:846 依托自贸片区构建专业化的“文化艺术品保税区”: 依托 governs 自贸片区; the 保税区 is built
    (entry,) = records["文化艺术品保税区"]["status_history"]
    assert entry["status"] == "规划" and entry["basis"].startswith("布局/建设")
    assert judge("依托自贸片区构建专业化的“□”", "", "plan").status == "规划"
    assert judge("依托□", "", "plan").status == "运营"


@pytest.mark.parametrize(
    ("name", "doc", "line"),
    [
        # 推动井口工业园向城市化、智能化、服务化、绿色化转型: the park that turns exists
        ("井口工业园", "001", 719),
        ("井双片区", "001", 576),  # 推动井双片区制造业服务化: its manufacturing exists
        # 推动20家涉法服务机构落户国际法务区: firms settle in a district that runs; the extractor's
        # cut 机构落户国际法务区 holds the verb and is no neighbour to mask
        ("国际法务区", "002", 73),
    ],
)
def test_what_is_turned_or_settled_in_exists(records, name, doc, line):
    (entry,) = [
        h for h in records[name]["status_history"] if h["doc"].startswith(doc) and h["line"] == line
    ]
    assert entry["status"] == "运营" and entry["basis"].startswith(("既有提升", "既有依托")), entry
    assert records[name]["status"] == "运营"


def test_places_renewed_or_built_around_exist(records):
    # 001:709 精细化实施三峡商圈、嘉陵湾区、沙磁板块、上新片区等重点区域城市更新: areas renewed
    # exist; 上新片区 stands first in 由…上新片区等重点板块组成, and the reviewed cue 实施 picks
    # the clause of the renewal
    for name in ("沙磁板块", "上新片区"):
        (entry,) = [h for h in records[name]["status_history"] if h["line"] == 709]
        assert entry["status"] == "运营" and "城市更新" in entry["cue"], entry
    # 001:619 以融创茂、重庆全球贸易港、佛罗伦萨小镇为核心; 001:666 依托…佛罗伦萨小镇: an outlet
    # that runs; box 5 (001:627) lists it with no verb and says what 001 says of it
    # 000:66 引导佛罗伦萨小镇高端化发展: an outlet made more upmarket is one that runs
    rec = records["佛罗伦萨小镇"]
    said = {h["line"]: h["status"] for h in rec["status_history"]}
    assert said == {619: "运营", 627: "运营", 666: "运营", 66: "运营"}
    assert rec["status"] == "运营"


def test_a_bare_make_of_what_its_own_part_reads_as_running_says_it_runs(records):
    # 001:603 统筹打造黄金湾·智谷、金沙星座·科创园、青凤高科创新孵化中心等集约型高密度都市楼宇:
    # the same plan reads the park as running (001:534 推动…金沙星座·科创园…高质量发展, 001:546
    # 提升…金沙星座·科创园等平台功能): what is made denser exists
    said = {h["line"]: h for h in records["金沙星座·科创园"]["status_history"]}
    assert said[603]["status"] == "运营" and "001:534" in said[603]["basis"]
    assert said[603]["basis"].startswith("既有依托")
    # 001:601 依托…金沙星座·科创园等创新平台 is linked and read as running
    assert said[601]["status"] == "运营"
    # another document's reading does not reach: 000:33 以大格局打造五云湖城市中心、嘉陵湾区等
    # 标志性、引领性项目 stays a plan though 001:709 renews 嘉陵湾区 as a quarter that is there
    lines = {(h["doc"][:3], h["line"]): h["status"] for h in records["嘉陵湾区"]["status_history"]}
    assert lines[("000", 33)] == "规划" and lines[("001", 709)] == "运营"
    # nor where the part says the thing is new: 001:534 新增…凤凰山创意园 stays 规划
    new = {h["line"]: h["status"] for h in records["凤凰山创意园"]["status_history"]}
    assert new[534] == "规划"


def test_a_box_item_takes_no_words_of_its_project_as_the_builder_of_something_else(records):
    # 001:945 (box 17) 区妇幼保健院建设工程（一期） is the 妇幼保健院迁扩建工程 of 001:915, one record
    # with 区妇幼保健院; 001:621 加快…区妇幼保健院…建设智慧医院 says the hospital runs and builds
    # online services, nothing of its new building
    said = {(h["doc"][:3], h["line"]): h for h in records["区妇幼保健院"]["status_history"]}
    assert said[("001", 621)]["status"] == "运营"
    assert said[("001", 945)]["status"] == "规划" and "建设主体" not in said[("001", 945)]["basis"]
    assert said[("001", 915)]["status"] == "规划"  # 完成…迁扩建工程: the period's target
    assert records["区妇幼保健院"]["status"] == "在建"  # 002:41 …迁建项目即将投用 (2024 review)


def test_raising_what_a_works_improves_is_the_works_planned(records):
    # 000:150 提升…铁路集装箱中心站等功能平台的集散运输能力 reads the station as running; the record
    # is its 扩能改造 (001:674 口岸功能设施), and raising its capacity is that works, planned
    rec = records["重庆铁路集装箱中心站扩能改造"]
    said = {(h["doc"][:3], h["line"]): h for h in rec["status_history"]}
    assert said[("000", 150)]["status"] == "规划" and "改造" in said[("000", 150)]["basis"]
    assert rec["status"] == "规划"
    # a place renewed that is no works stays running: 002:80 提质扩容三峡广场商圈
    square = {
        (h["doc"][:3], h["line"]): h["status"] for h in records["三峡广场商圈"]["status_history"]
    }
    assert square[("002", 80)] == "运营"


def test_relying_on_what_the_review_reports_in_use_is_relying_on_what_runs(records):
    # 001:601 依托…黄金湾·智谷…等创新平台: 001:11 (the review of the same plan) says 黄金湾·智谷等
    # 平台投运, so the plan's 加快推进…黄金湾·智谷等重点科技项目建设 (001:701) does not make the
    # reliance a hope; 成渝中线高铁科学城站, which no review reports open, still yields (001:701)
    said = {h["line"]: h for h in records["黄金湾·智谷"]["status_history"]}
    assert said[11]["status"] == "运营" and said[601]["status"] == "运营"
    assert said[701]["status"] == "在建"
    station = {h["line"]: h["status"] for h in records["成渝中线高铁科学城站"]["status_history"]}
    assert station[701] == "在建"


def test_a_target_of_what_its_own_part_builds_is_under_way(records):
    # 001:580 建成小康中高端智能网联汽车基地 is the 十四五's target; the same plan says 推动东风小康
    # 中高端智能网联汽车等重大项目加快建设 (001:548): what is to be finished by 2025 is being built
    said = {h["line"]: h for h in records["小康中高端智能网联汽车基地"]["status_history"]}
    assert said[580]["status"] == "在建" and "001:548" in said[580]["basis"]
    assert said[580]["basis"].startswith("建成：")
    # a target no words of progress in its part speak for stays a plan: 001:915 完成区疾控中心、
    # 妇幼保健院迁扩建工程 (001 says nothing else of it); 000:120 完成…迁扩建 likewise
    cdc = {
        (h["doc"][:3], h["line"]): h["status"]
        for h in records["区疾控中心迁扩建工程"]["status_history"]
    }
    assert cdc[("001", 915)] == "规划" and cdc[("000", 120)] == "规划"


def test_backing_what_its_own_part_says_is_still_to_start_is_preparation(records):
    # 001:691 积极配合成渝中线高铁、快速路二横线等建设 reads both as under way by the weak 推动
    # rule; the same plan says 推动成渝中线高铁、渝西高铁开工建设 (001:783): in 2021 the railway
    # had not started. Box 12 (001:788) lists it with no verb and says what 001 says of it.
    rail = records["成渝中线高铁沙坪坝段"]
    said = {(h["doc"][:3], h["line"]): h for h in rail["status_history"]}
    assert said[("001", 691)]["status"] == "前期" and "001:783" in said[("001", 691)]["basis"]
    assert said[("001", 788)]["status"] == "前期"
    assert rail["status"] == "在建"  # 002:35 成渝中线高铁沙区段快速推进 (2024 review)
    # the road backed in the same clause, which 001 never says is still to start, stays 在建
    road = {h["line"]: h["status"] for h in records["二横线西段"]["status_history"]}
    assert road[691] == "在建"


def test_a_city_name_card_is_a_quarter_being_developed(records):
    # 000:31 高起点高标准打造青凤科创城、国际物流城、井双嘉陵湾等城市功能名片 read 规划 by the bare
    # 打造, though 001 builds the park (001:575 加快青凤高科产业园区建设) and the same sentence
    # spreads the 井双 works (全面铺开…井双新城建设“两大作业面”): the 2023 plan develops them
    qf = {(h["doc"][:3], h["line"]): h for h in records["青凤科创城"]["status_history"]}
    assert qf[("000", 31)]["status"] == "在建"
    assert qf[("000", 31)]["basis"].startswith("打造名片：")
    assert qf[("001", 575)]["status"] == "在建"  # the 十四五 builds it
    assert records["青凤科创城"]["status"] == "运营"  # 002:80 “满园扩园”: the 2025 park runs
    (card,) = records["井双嘉陵湾"]["status_history"]
    assert (card["line"], card["status"]) == (31, "在建")
    assert records["井双嘉陵湾"]["status"] == "在建"
    # a quarter its own part reads as running stays so: 000:157 提升国际物流城…品质
    city = {(h["doc"][:3], h["line"]): h for h in records["重庆国际物流城"]["status_history"]}
    assert city[("000", 31)]["status"] == "运营" and "000:157" in city[("000", 31)]["basis"]


def test_pushing_an_upgrade_to_a_bonded_zone_is_preparing_it(records):
    # 001:738 推动铁路口岸升级为综合保税区: the zone had to be applied for and approved (000:152
    # 推动设立, 002:14 落地 in 2024); in 2021 it was being sought, not built. Box 7 (001:674)
    # lists it with no verb and says what 001:738 says; the 2024 review builds it (002:30)
    rec = records["重庆铁路口岸综合保税区"]
    said = {(h["doc"][:3], h["line"]): h for h in rec["status_history"]}
    assert said[("001", 738)]["status"] == "前期"
    assert said[("001", 738)]["basis"].startswith("争取升级：")
    assert "升级为综合保税区" in said[("001", 738)]["cue"]
    # box 7 takes the running text's cue of the same document (001:660 加大…申报力度, the first)
    assert said[("001", 674)]["status"] == "前期" and "001:660" in said[("001", 674)]["basis"]
    assert said[("001", 660)]["status"] == "前期" and "申报" in said[("001", 660)]["cue"]
    assert rec["status"] == "在建"
    # the port that runs is read as before: 001:660 推动铁路口岸由临时开放转为正式开放
    (port,) = records["重庆铁路口岸"]["status_history"]
    assert port["status"] == "运营"
