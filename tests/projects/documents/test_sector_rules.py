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
        # a creative park is no 科创园, but an industrial space: 001:534 新增特钢创意产业园、凤凰山
        # 创意园等新经济产业空间; 002:81 lists it with 1491创意产业园 under 城市形象
        ("凤凰山创意园", [], "产业"),
        ("凤凰山创意园一期", [], "产业"),  # 002:81 建成投用凤凰山创意园一期
        ("国际物流数字经济产业园区", [], "产业"),  # 001:666 建设国际物流数字经济产业园区
        ("区级人力资源服务产业园区", [2], "产业"),  # an industrial park in the 科技创新 box 2
        # logistics bases (001:610, box 4 现代物流): what serves the port and imports is the open
        # platform, as box 7 (口岸经济平台, 001:673) lists the same 重庆进口医药仓储分拨基地
        ("重庆进口医药仓储分拨基地", [4, 7], "开放平台"),
        ("重庆进口医药仓储分拨基地", [4], "开放平台"),
        ("重庆进口整车分拨中心", [4], "开放平台"),
        ("普洛斯跨境贸易物流基地", [4], "开放平台"),
        ("“一带一路”国际商品交易中心", [4, 7], "开放平台"),  # 001:611 and 001:673
        ("重庆交运物流基地", [4], "产业"),  # an ordinary logistics base is industry
        ("安博重庆西部国际物流中心", [4], "产业"),
        ("重庆铁路口岸专用连接通道工程", [7], "交通"),  # a road to the port stays a road
        # 001:767 (box 10) and 001:806 (box 13 融合基础设施) list the same charging network
        ("国际物流园区智能充电项目", [10, 13], "新型基础设施"),
        # 001:764 (box 10 城市更新) 科学城市民活动中心、沙坪坝区户外体育运动基地: public facilities
        ("科学城市民活动中心", [10], "社会民生"),
        ("沙坪坝区户外体育运动基地", [10], "社会民生"),
        # the 板块 of box 9 (“产学研”特色示范区) say their function: 001:750 环大学城创新生态示范区：…
        # 突出科技研发、创业孵化、人才交流等主导功能; 001:749 重庆国际物流城开放引领示范区：…重点发展
        # 物流加工、总部结算、商品要素交易
        ("环大学城创新生态示范区", [9], "科技创新"),
        ("重庆国际物流城开放引领示范区", [9], "开放平台"),
        ("环大学创新生态圈", [1], "科技创新"),  # 001:539
        # 001:751 高铁站城融合示范区 (交通枢纽、高端商业、对外交往): no one function, the box's
        ("高铁站城融合示范区", [9], "产业"),
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


def test_a_thing_listed_in_two_boxes_has_one_sector_by_what_it_is(seeds):
    # box 4 (001:610 现代物流) and box 7 (001:673 口岸经济平台) list the same import base; a
    # tie of the two box themes (产业, 开放平台) once gave the first box's
    records = {r["name"]: r for r in build_records(seeds)}
    rec = records["重庆进口医药仓储分拨基地"]
    assert {s["line"] for s in rec["sources"]} == {610, 673}
    assert rec["sector"] == "开放平台" and "专栏4" in rec["sector_basis"]
    assert records["重庆交运物流基地"]["sector"] == "产业"
