"""The extractor: each habit of the plan documents, on small strings and on the real lines."""

from __future__ import annotations

import pytest

from projects.documents import extract_mentions, is_generic, normalise_name, paragraphs
from projects.sources import read_lines
from projects.vocab import DOCUMENTS
from tests.helpers import GENERIC_PHRASES

DOC = {d.file[:3]: d.file for d in DOCUMENTS}


@pytest.fixture(scope="module")
def mentions(seeds):
    """Every mention of every document, keyed by document prefix (000 … 004)."""
    return {
        key: extract_mentions("\n".join(read_lines(file, seeds)), file) for key, file in DOC.items()
    }


def names_at(mentions, doc: str, line: int) -> list[str]:
    return [m.name for m in mentions[doc] if m.line == line]


def one(mentions, doc: str, name: str):
    hits = [m for m in mentions[doc] if m.name == name]
    assert hits, f"{name} not extracted from {doc}"
    return hits[0]


# -- small strings: the function works on any plan text --------------------------------------


def test_list_split_and_closed_by_deng():
    ms = extract_mentions("加快推动科学城隧道、西永隧道、大竹林大桥等大通道项目建设。")
    assert [m.name for m in ms] == ["科学城隧道", "西永隧道", "大竹林大桥"]
    assert {m.cue for m in ms} == {"加快推动"}


def test_shared_prefix_and_shared_head():
    assert [m.name for m in extract_mentions("加快轨道7号线、15号线、17号线建设。")] == [
        "轨道7号线",
        "轨道15号线",
        "轨道17号线",
    ]
    assert [m.name for m in extract_mentions("建成沙田污水处理厂，扩建西永、土主污水处理厂。")] == [
        "沙田污水处理厂",
        "西永污水处理厂",
        "土主污水处理厂",
    ]


def test_numbers_sharing_one_line_ending():
    ms = extract_mentions("构建轨道交通体系，争取城轨15、19、7号线引入科学城高铁站。")
    assert [m.name for m in ms] == ["轨道15号线", "轨道19号线", "轨道7号线"]
    assert {m.cue for m in ms} == {"争取"}
    # a list of phases is not a list of line numbers
    assert "轨道9号线一期" in [m.name for m in extract_mentions("建设轨道9号线一期、17号线一期。")]


def test_count_phrase_after_a_name_and_the_ring_line():
    ms = extract_mentions("重庆西站、沙坪坝站两大高铁枢纽投用，轨道环线建成通车。")
    assert [(m.name, m.cue) for m in ms] == [
        ("重庆西站", "投用"),
        ("沙坪坝站", "投用"),
        ("轨道环线", "建成通车"),
    ]


def test_box_items_of_common_words_are_kept_but_short_categories_are_not():
    box = "专栏7：建设内陆开放高地重点项目\n国际交往空间：ESCAP国际陆港合作中心、国际枢纽总部商务大厦等。"
    assert [m.name for m in extract_mentions(box)] == [
        "ESCAP国际陆港合作中心",
        "国际枢纽总部商务大厦",
    ]
    assert is_generic("国际枢纽总部商务大厦") and not is_generic(
        "国际枢纽总部商务大厦", listed=True
    )
    assert is_generic("城市体育公园", listed=True) and is_generic("新能源汽车充电桩", listed=True)


def test_name_inside_a_verb_phrase_and_trailing_cue():
    (m,) = extract_mentions("加快建设西南医院下穿道。")
    assert (m.name, m.cue) == ("西南医院下穿道", "加快建设")
    (m,) = extract_mentions("凤凰山创意园基本完工。")
    assert (m.name, m.cue) == ("凤凰山创意园", "基本完工")


def test_quotes_of_names_kept_slogans_dropped():
    names = [m.name for m in extract_mentions("建好梁滩河“百里生态画廊”。")]
    assert names == ["梁滩河“百里生态画廊”"]
    names = [m.name for m in extract_mentions("实施青凤科创城、国际物流城“满园扩园”行动。")]
    assert names == ["青凤科创城", "国际物流城"]


def test_metadata_bracket_is_lead_dept_not_a_name():
    text = "建成沙田污水处理厂。（牵头部门：区生态环境局，责任部门：区住房城乡建委等）"
    ms = extract_mentions(text)
    assert [m.name for m in ms] == ["沙田污水处理厂"]
    assert ms[0].lead_dept == "区生态环境局"
    assert not any("牵头" in m.name or "部门" in m.name for m in ms)


def test_partners_named_after_yituo_are_not_projects():
    text = "建成沙田污水处理厂，依托西南医院、新桥医院与肿瘤医院等医疗机构发展生物医药。"
    assert [m.name for m in extract_mentions(text)] == ["沙田污水处理厂"]


def test_hard_line_break_inside_a_sentence_is_joined():
    text = (
        "开工建设重庆新机场，江北国际机场 T3B 航站\n\n楼及第四跑道建成投用，机场旅客吞吐能力提升。"
    )
    paras = paragraphs(text)
    assert len(paras) == 1 and "航站楼" in paras[0].text
    names = {m.name: m for m in extract_mentions(text)}
    assert "江北国际机场T3B航站楼及第四跑道" in names
    assert names["江北国际机场T3B航站楼及第四跑道"].line == 1


def test_phases_are_part_of_the_name():
    ms = extract_mentions("建成投用凤凰山创意园一期，建设上桥高性能医疗器械产业园二期。")
    assert [(m.name, m.phase) for m in ms] == [
        ("凤凰山创意园一期", "一期"),
        ("上桥高性能医疗器械产业园二期", "二期"),
    ]


def test_generic_phrases_are_not_names():
    for phrase in ("老旧小区改造", "5G基站", "商业保理公司", "新能源汽车充电桩", "3个口袋公园"):
        assert is_generic(phrase), phrase
    assert not is_generic("沙田污水处理厂")
    text = "专栏13：新型基础设施重点项目\n融合基础设施：新能源汽车充电桩、青凤工业园智慧园区等。"
    assert [m.name for m in extract_mentions(text)] == ["青凤工业园智慧园区"]


def test_empty_and_wrong_input():
    assert extract_mentions("") == []
    with pytest.raises(TypeError, match="expected to be str"):
        extract_mentions(None)  # type: ignore[arg-type]


def test_normalised_spellings():
    assert normalise_name("轨道二十七号线") == "轨道27号线"
    assert normalise_name("国际铁路港综保区") == "国际铁路港综合保税区"


# -- the real documents ------------------------------------------------------------------------


def test_real_lists_with_shared_heads(mentions):
    assert [n for n in names_at(mentions, "000", 35) if "高铁" in n or "号线" in n] == [
        "成渝中线高铁",
        "渝西高铁",
        "渝昆高铁",
        "轨道7号线",
        "轨道15号线",
        "轨道17号线",
        "轨道27号线",
    ]
    assert names_at(mentions, "000", 111) == ["沙田污水处理厂", "西永污水处理厂", "土主污水处理厂"]
    assert {"綦江蟠龙抽水蓄能电站", "云阳建全抽水蓄能电站", "铜锣峡储气库", "黄草峡储气库"} <= set(
        names_at(mentions, "004", 41)
    )


def test_real_box_items_carry_box_and_sub_head(mentions):
    m = one(mentions, "001", "轨道9号线一期")
    assert m.box == 12 and m.line == 789
    assert m.section == "专栏12：综合交通重点项目 / 轨道线路"
    assert names_at(mentions, "001", 789) == [
        "轨道9号线一期",
        "轨道7号线一期工程",
        "轨道17号线一期",
        "轨道15号线",
        "轨道27号线",
    ]


def test_real_report_parts_open_sections(mentions):
    # the plan part's opening paragraph (002:51) is no longer filed under the review's last head
    assert one(mentions, "002", "器官智能生物制造工程研究中心").section.startswith("2024年工作回顾")
    assert one(mentions, "002", "西南医院下穿道").section.startswith("2025年工作安排")


def test_real_running_text_sections(mentions):
    assert one(mentions, "000", "科学城隧道").section == "2.构建现代立体综合交通运输网络"
    assert one(mentions, "003", "重庆站铁路综合交通枢纽").lead_dept == "菜园坝滨江新城建设指挥部"


def test_real_names_inside_verbs_and_cues(mentions):
    assert "西南医院下穿道" in names_at(mentions, "002", 81)
    assert "西南医院" not in names_at(mentions, "002", 81)
    assert one(mentions, "002", "云湖未来社区").cue in ("主体封顶", "投用")
    cues = {m.cue for m in mentions["002"] if m.name == "云湖未来社区"}
    assert cues == {"主体封顶", "投用"}
    assert one(mentions, "000", "重庆西站TOD一期").cue == "建成"


def test_real_quotes_brackets_and_slogans(mentions):
    assert "梁滩河“百里生态画廊”" in names_at(mentions, "000", 112)
    assert "西部（重庆）科学城" in names_at(mentions, "000", 134)
    assert not any("满园扩园" in m.name for m in mentions["002"])
    assert not any("牵头" in m.name for ms in mentions.values() for m in ms)


def test_real_shared_line_numbers_and_review_lines(mentions):
    assert {"轨道15号线", "轨道19号线", "轨道7号线"} <= set(names_at(mentions, "001", 749))
    assert {"重庆西站", "沙坪坝站", "轨道环线"} <= set(names_at(mentions, "001", 12))
    assert "大坪商圈" in names_at(mentions, "003", 39)


def test_real_heritage_list(mentions):
    # 001:834 保护利用好山洞抗战遗址群、李四光旧居、金九公馆、《新华日报》印刷所旧址…
    got = names_at(mentions, "001", 834)
    for name in ("山洞抗战遗址群", "李四光旧居", "金九公馆", "《新华日报》印刷所旧址"):
        assert name in got
    assert {m.cue for m in mentions["001"] if m.line == 834 and m.name == "金九公馆"} == {
        "保护利用好"
    }


def test_real_hard_line_break(mentions):
    m = one(mentions, "004", "江北国际机场T3B航站楼及第四跑道")
    assert m.line == 33 and m.cue == "建成投用"


def test_real_generic_phrases_absent(mentions):
    names = {m.name for ms in mentions.values() for m in ms}
    for phrase in GENERIC_PHRASES:
        assert phrase not in names


def test_glossary_of_the_report_is_not_read(mentions):
    assert all(m.line < 105 for m in mentions["002"])
