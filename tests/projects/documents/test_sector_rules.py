"""Sector by what a name says the thing is, before the theme of its box or a keyword inside it."""

from __future__ import annotations

import pytest

from projects.documents.sector_rules import sector_with_basis
from projects.records import build_records


@pytest.mark.parametrize(
    ("name", "boxes", "sector"),
    [
        # 000:54 建成奥普提环境设备研发制造中心、…、激光能装置研发生产基地: a works, not a 大科学装置
        ("激光能装置研发生产基地", [], "产业"),
        ("超瞬态实验大科学装置", [], "科技创新"),  # 001:701 the facility itself
        ("“重庆1949”剧院", [10], "文化旅游"),  # 001:764 a theatre in the 城市更新 box
        ("重庆科学城科技馆", [4], "文化旅游"),  # 001:608 a science museum in the 产业 box 4
        # 001:546 提升光谷·智创园、黄金湾·智谷、金沙星座·科创园等平台功能 (创新平台, 001:601)
        ("金沙星座·科创园", [4], "科技创新"),
        ("中电光谷·智创园", [4], "科技创新"),
        ("建筑职院·双创园", [4], "科技创新"),  # 001:608 科技服务
        ("凤凰山创意园", [], "文化旅游"),  # a creative park is no 科创园
    ],
)
def test_the_name_says_what_the_thing_is(name, boxes, sector):
    assert sector_with_basis(name, boxes)[0] == sector


def test_curated_heritage_sites_and_resorts_have_their_sector(seeds):
    by_name = {r["name"]: r for r in build_records(seeds)}
    assert by_name["激光能装置研发生产基地"]["sector"] == "产业"
    for name, sector in (
        ("渣滓洞", "文化旅游"),
        ("白公馆", "文化旅游"),
        ("融汇温泉城", "商贸消费"),
    ):
        assert by_name[name]["sector"] == sector, name
        assert by_name[name]["sector_basis"].startswith("整理：人工核定")
