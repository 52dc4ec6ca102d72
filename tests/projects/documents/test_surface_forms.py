"""Where a catalogued name on a line is no mention of its project: every rule on a real line."""

from __future__ import annotations

import re

import pytest

from projects.documents.surface_forms import not_a_mention
from projects.sources import read_lines
from projects.vocab import DOCUMENTS


def _line(seeds, doc: int, line: int) -> str:
    return re.sub(r"\s+", "", read_lines(DOCUMENTS[doc].file, seeds)[line - 1])


@pytest.mark.parametrize(
    ("doc", "line", "name", "context", "longer", "why"),
    [
        # 001:737 第二节 重庆国际物流城开放引领示范区: the 示范区, another record
        (1, 737, "重庆国际物流城", "", ("重庆国际物流城开放引领示范区",), "inside"),
        # 000:67 （牵头部门：…，责任部门：…、磁器口古镇管委会…）: a lead department
        (0, 67, "磁器口古镇", "", (), "metadata"),
        # 003:1 重庆解放碑中央商务区管理委员会; 002:26 …科学城沙坪坝片区管委会挂牌运行
        (3, 1, "中央商务区", "", (), "organisation"),
        (2, 26, "西部（重庆）科学城", "", (), "organisation"),
        # 001:760 建成佛罗伦萨小镇等25座人行过街设施: where the crossings are
        (1, 760, "佛罗伦萨小镇", "", (), "counted"),
        # 001:797 青凤高科产业园21.9公里: its inner roads
        (1, 797, "青凤高科产业园", "", (), "counted"),
        # 001:785 布局国际物流枢纽园和青凤高科产业园两个综合货运枢纽
        (1, 785, "青凤高科产业园", "", (), "counted"),
        # 004:81 建成环大学创新生态圈15个以上: a kind counted city-wide
        (4, 81, "环大学创新生态圈", "", (), "counted"),
        # 001:811 优先在三峡广场、重庆西站等大型商场…布局公共充电设施: where chargers go
        (1, 811, "重庆西站", "", (), "site"),
        # 001:811 实施井双片区、沙磁片区、上新片区、土湾片区等电力线路改造工程
        (1, 811, "上新片区", "", (), "site"),
        # 000:36 畅通沙磁、井双、上新片区等主次支道路
        (0, 36, "上新片区", "", (), "site"),
        # 001:597 依托…环大学城生态圈…: 大学城 inside a longer name no record holds
        (1, 597, "大学城", "环大学城生态圈", (), "longer name"),
        # 001:844 以三峡商圈都市旅游区…为载体
        (1, 844, "三峡商圈", "", (), "longer name"),
        # 001:844 融创文旅城—重庆全球贸易港消费区: one name joined by a dash
        (1, 844, "融创文旅城", "融创文旅城—", (), "compound"),
        # 000:31 迭代升级西部（重庆）科学城沙坪坝片区规划建设管理体制
        (0, 31, "西部（重庆）科学城", "", (), "qualifier"),
    ],
)
def test_a_name_that_is_no_mention_says_why(seeds, doc, line, name, context, longer, why):
    text = _line(seeds, doc, line)
    context = context or name
    assert context in text and name in context
    at = text.find(context) + context.find(name)
    assert (not_a_mention(name, text, at, longer) or "").startswith(why)


@pytest.mark.parametrize(
    ("doc", "line", "name"),
    [
        (0, 155, "青凤科创城"),  # 促进青凤科创城与国际物流城融合发展
        (0, 96, "井双片区"),  # 开展国际物流城、井双片区提升等重点区域城市设计
        (1, 723, "大成湖湿地公园"),  # 以大成湖湿地公园为核心
        (1, 662, "重庆国际物流枢纽园"),  # 提升重庆国际物流枢纽园区综合竞争力
        (1, 740, "重庆大学城"),  # 以重庆大学城（北拓区）为重点
        (1, 751, "上新片区"),  # 辐射带动上新片区、三峡广场商圈、物流城三大核心区
        (2, 108, "数字科技园"),  # “N”指数字科技园、重大设计创意产业园…等园区
        (1, 718, "嘉陵江智慧湾区"),  # 第一节　嘉陵江智慧湾区
    ],
)
def test_a_real_mention_is_one(seeds, doc, line, name):
    text = _line(seeds, doc, line)
    assert not_a_mention(name, text, text.find(name)) is None
