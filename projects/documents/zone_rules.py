"""Which 东中西 zone the documents put a project in: by its name, its section, or a zone phrase.

001 第十六章 (lines 706–715) sets out the layout and lists the 重点板块 of each zone; 002:79–80
restates it as 东部城区 / 中部地区 / 西部新城 and names places under each. A project whose name
holds one of those places, that stands in a section about one zone, or that follows a phrase
naming a zone (打造嘉陵江科技创新带，推动金沙星座·科创园…) is in that zone as a fact of the text,
whatever the map says; geometry fills in only where the text says nothing (geo.places.placement).

>>> zone_of_name("三峡广场商圈")
('东', ['东'], '三峡广场（001:709 东部人文母城由井双片区、沙磁片区、三峡广场、上新片区等重点板块组成）')
>>> zone_of_name("歌乐山·磁器口大景区")[:2]
('跨区', ['东', '中'])
"""

from __future__ import annotations

import re

from projects.vocab import CROSS_ZONE, ZONES

_E = "001:709 东部人文母城由井双片区、沙磁片区、三峡广场、上新片区等重点板块组成"
_W = (
    "001:711 西部现代新城由重庆国际物流城、青凤高科产业园、环大学城创新生态示范区、梁滩河谷生态"
    "展示区、重庆高新区直管区（重庆大学城、西永微电园、曾家工业园）等重点板块组成"
)
_M = "001:713 两山生态屏障突出缙云山、中梁山生态屏障……整合提档歌乐—山洞片区文旅休闲资源"
_E2 = "002:80 东部城区……上新片区……松林坡片区……三峡广场商圈"
_M2 = "002:80 中部地区……大歌乐山片区与红岩联线……歌乐山上山通道"
_W2 = "002:80 西部新城……青凤科创城、国际物流城……国际贸易产业园"
_E3 = "001:727 嘉陵江智慧湾区：围绕“一湾两半岛”，即嘉陵江智慧创意湾区+井口科技产业半岛+双碑创意设计半岛"
_W3 = "001:738 依托内陆铁路枢纽经济试验区建设……打造五云湖、大成湖国际范生态城地标性景点（第二节 重庆国际物流城开放引领示范区）"
_W4 = "001:750 环大学城创新生态示范区……促进重庆大学城、青凤高科产业园、重庆文旅城等互动互促"
_W5 = "001:743 科学大道高质量发展示范带（第十八章 西部“产学研”示范区）"
_M3 = "001:725 以中梁都市村庄为核心（都市村庄展示区，中梁山北部，001:713）"

#: Places whose zone the documents state: (stem in a name, zone, the line that says so).
PLACES: tuple[tuple[str, str, str], ...] = (
    ("井双", "东", _E),
    ("井口", "东", _E3),
    ("双碑", "东", _E3),
    ("沙磁", "东", _E),
    ("三峡广场", "东", _E),
    ("三峡商圈", "东", _E),
    ("上新片区", "东", _E),
    ("嘉陵湾", "东", _E),
    ("松林坡", "东", _E2),
    (
        "磁器口",
        "东",
        "001:728 沙磁文化旅游展示区：围绕……磁器口TOD综合服务中心（沙磁片区，001:709）",
    ),
    ("缙云山", "中", _M),
    ("中梁", "中", _M3),
    ("歌乐", "中", _M2),
    ("山洞", "中", _M),
    ("红岩联线", "中", _M2),
    ("国际物流城", "西", _W),
    ("物流城", "西", _W),
    ("国际物流枢纽园", "西", _W),  # the same area as 重庆国际物流城 (data/curation.csv)
    ("青凤", "西", _W),
    ("环大学", "西", _W),
    ("大学城", "西", _W),
    ("梁滩河谷", "西", _W),
    ("西永", "西", _W),
    ("曾家", "西", _W),
    ("高新区直管", "西", _W),
    ("大成湖", "西", _W3),
    ("五云湖", "西", _W3),
    ("文旅城", "西", _W4),
    ("科学大道", "西", _W5),
    (
        "斐然湖",
        "中",
        "001:730 都市村庄展示区：围绕“一心、一环、多节点”，即斐然湖旅游核（中梁山北部，001:713）",
    ),
    ("国际贸易产业园", "西", _W2),
    ("东部城区", "东", _E2),
    ("西部现代新城", "西", _W),
)

#: Section headings about one zone (001 第十六–十八章 and the sub-heads of 专栏8/9).
SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("东部人文母城", "东", "001:708 第一节　东部人文母城"),
    ("西部现代新城", "西", "001:710 第二节　西部现代新城"),
    ("两山生态屏障", "中", "001:712 第三节　两山生态屏障"),
    ("嘉陵江智慧湾区", "东", _E3),
    ("沙磁文化旅游展示区", "东", "001:720 第二节　沙磁文化旅游展示区（沙磁片区，001:709）"),
    ("梁滩河谷生态展示区", "西", _W),
    ("都市村庄展示区", "中", _M3),
    ("青凤高新产业示范区", "西", _W),
    ("重庆国际物流城开放引领示范区", "西", _W),
    ("环大学城创新生态示范区", "西", _W),
    ("科学大道高质量发展示范带", "西", _W5),
    ("东部城区消费集聚区", "东", "001:625 东部城区消费集聚区：三峡广场商圈商贸中心区……（专栏5）"),
)

#: Phrases that open a passage about one zone when they open a sentence; the zone holds until
#: the next such phrase of the same paragraph (002:80 东部城区做好…。中部地区做好…。西部新城做好…).
#: Later in the sentence of a name, they name its zone too (以融创茂…为核心，打造西部片区新兴商圈).
PHRASES: tuple[tuple[str, str, str], ...] = (
    ("东部城区", "东", _E2),
    ("中部地区", "中", _M2),
    ("西部新城", "西", _W2),
    ("打造嘉陵江科技创新带", "东", "001:534 打造西部科创走廊和东部嘉陵江科技创新带"),
    ("打造科学城科创走廊", "西", "001:534 打造西部科创走廊和东部嘉陵江科技创新带"),
    (
        "西部片区",
        "西",
        "001:619 以融创茂、重庆全球贸易港、佛罗伦萨小镇为核心，打造西部片区新兴商圈",
    ),
)

#: Through routes the text brings to a place of known zone: (pattern on the name, zone, the
#: lines that say so). The text names no other stretch of them inside the district, so the
#: basis says that only this part is known (issue 11: 成渝中线, 15号线 cross the district).
_SCIENCE_CITY_STATION = (
    "001:749 重庆国际物流城开放引领示范区：……加快建设科学城高铁站，争取城轨15、19、7号线引入"
    "科学城高铁站（重庆国际物流城属西部现代新城，001:711）"
)
#: 渝蓉高速内延伸线 (进城通道 in 001:744) as a whole, not its 井口隧道 listed apart.
_YURONG = r"渝蓉高速(?:内延伸线|进城通道)(?!\S*隧道)"
ROUTES: tuple[tuple[str, str, str], ...] = (
    (r"(?<![0-9])(?:7|15|19)号线", "西", _SCIENCE_CITY_STATION),
    (
        r"成渝中线",
        "西",
        "001:751 高铁站城融合示范区：围绕“三核三区”，即重庆西站、成渝客专沙坪坝站、成渝中线科学城站"
        "三大高铁站极核（科学城高铁站见001:749 重庆国际物流城开放引领示范区）",
    ),
    # an east-west corridor of the 科学大道 (西) that runs through the 井口 tunnel (东): 跨区
    (
        _YURONG,
        "西",
        "001:744 加快与快速路二横线、渝蓉高速进城通道等东西向大通道……互联互通"
        "（科学大道高质量发展示范带，第十八章 西部“产学研”示范区）",
    ),
    (
        _YURONG,
        "东",
        "001:793 桥梁隧道：……渝蓉高速内延伸线井口隧道（井口属东部，001:727 嘉陵江智慧湾区……"
        "井口科技产业半岛）",
    ),
)

#: A programme of the whole district (its name opens with the district's name and says it is a
#: 工程 or 行动, not a single site) lies in all three zones: 001 第十六章 divides the whole district
#: into 东部人文母城, 两山生态屏障 and 西部现代新城.
_DISTRICT_WIDE = re.compile(r"^(?:沙坪坝区|全区|全域)[^，。、]*(?:工程|行动)$")
DISTRICT_WIDE_BASIS = (
    "全区性工程：名称冠以全区，001:706 第十六章　高水平优化“东中西”总体空间布局"
    "（全区分为东部人文母城、西部现代新城、两山生态屏障，001:708–713）"
)


def zone_of_route(name: str) -> tuple[str, list[str], str] | None:
    """(zone, zones, basis) of a through route or a district-wide programme; None otherwise.

    >>> zone_of_route("轨道15号线")[:2]
    ('西', ['西'])
    >>> zone_of_route("轨道17号线一期") is None
    True
    >>> zone_of_route("成渝中线高铁科学城站TOD城市综合体") is None
    True
    >>> zone_of_route("渝蓉高速内延伸线")[:2], zone_of_route("渝蓉高速内延伸线井口隧道")
    (('跨区', ['东', '西']), None)
    >>> zone_of_route("沙坪坝区生态清洁型小流域工程")[:2]
    ('跨区', ['东', '中', '西'])
    """
    if _DISTRICT_WIDE.search(name):
        return CROSS_ZONE, list(ZONES), DISTRICT_WIDE_BASIS
    said = {}
    for pattern, zone, where in ROUTES:
        if re.search(pattern + "[^站]*$", name):  # the line, not a station or TOD on it
            said.setdefault(zone, where)
    if len(said) == 1:
        ((zone, where),) = said.items()
        return zone, [zone], f"经{where}；区内其余走向文中未说明"
    if said:  # the text brings it to places of two zones: it crosses them
        zones = [z for z in ZONES if z in said]
        return CROSS_ZONE, zones, "经" + "；经".join(said[z] for z in zones)
    return None


#: Names of things that run between places (a tunnel under 中梁山 from 大学城 to the old town):
#: one place in the name says where an end is, not the zone of the whole.
_LINEAR = re.compile(r"(?:隧道|高铁|铁路|号线|快速路|高速|干道|横线|纵线|联络线|环线)$")


def zone_of_name(name: str) -> tuple[str, list[str], str] | None:
    """(zone, zones, basis) from the places a name holds; None when it holds none.

    Places of two zones make it 跨区 (歌乐山·磁器口大景区 spans 中 and 东). A linear work takes
    a zone from its name only when its places lie in one zone and it is not a through route.
    """
    found: dict[str, str] = {}
    for stem, zone, where in PLACES:
        if stem in name and zone not in found:
            found[zone] = f"{stem}（{where}）"
    if not found:
        return None
    zones = [z for z in ZONES if z in found]
    basis = "；".join(found[z] for z in zones)
    if len(zones) > 1:
        return CROSS_ZONE, zones, basis
    if _LINEAR.search(name):
        return None
    return zones[0], zones, basis


#: A phrase opens a sentence when at most a short verb (高品质建设, 打造) stands before it.
_SENTENCE_OPENING = re.compile(r"(?:^|[。；！])[^。；！，]{0,6}$")


def zone_of_mention(section: str, line_text: str, name: str) -> tuple[str, str] | None:
    """(zone, basis) a mention's section or surrounding phrase gives; None when they say nothing.

    Not for a through route (a railway, a 高速): a section says where one part of it runs.

    >>> text = "东部城区做好“文化+城市”文章，优化调整上新片区城市空间布局。中部地区做好…，优化歌乐山上山通道"
    >>> zone_of_mention("", text, "歌乐山上山通道")[0]
    '中'
    """
    if _LINEAR.search(name):
        return None
    for key, zone, where in SECTIONS:
        if key in section:
            return zone, f"列于“{key}”之下（{where}）"
    at = line_text.find(name)
    if at < 0:
        return None
    best: tuple[int, str, str] | None = None
    for phrase, zone, where in PHRASES:
        k = line_text.rfind(phrase, 0, at)
        opens = k >= 0 and _SENTENCE_OPENING.search(line_text[:k]) is not None
        if opens and (best is None or k > best[0]):
            best = (k, zone, f"文中“{phrase}”一段（{where}）")
    # a phrase later in the same sentence names the zone too (以融创茂…为核心，打造西部片区…)
    end = min(
        (e for e in (line_text.find(p, at) for p in "。；") if e >= 0), default=len(line_text)
    )
    for phrase, zone, where in PHRASES:
        k = line_text.find(phrase, at, end)
        if k >= 0 and re.search(r"(?:打造|建设|形成)$", line_text[:k]):
            return zone, f"文中“{phrase}”（{where}）"
    return (best[1], best[2]) if best else None
