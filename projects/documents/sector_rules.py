"""Sector and district of a record, from its 专栏 boxes, its name and the documents citing it."""

from __future__ import annotations

import re
from collections import Counter

from projects.vocab import DOCUMENTS

#: Sector of the items of each 专栏 box of 001 (the box themes).
BOX_SECTORS: dict[int, str] = {
    1: "科技创新",
    2: "科技创新",
    3: "产业",
    4: "产业",
    5: "商贸消费",
    6: "乡村振兴",
    7: "开放平台",
    8: "城市更新",
    9: "产业",
    10: "城市更新",
    11: "乡村振兴",
    12: "交通",
    13: "新型基础设施",
    14: "市政设施",
    15: "文化旅游",
    16: "生态环保",
    17: "社会民生",
}

#: Keyword rules for running text, first match wins (the ending of a name says most).
SECTOR_RULES: tuple[tuple[str, str], ...] = (
    (
        r"生态画廊|林带|湿地|流域|治理|整治|修复|清水绿岸|两江四岸|贯通工程|公园$|绿化|生态城|生态带|生态廊道",
        "生态环保",
    ),
    (
        r"污水|水厂|管网|变电站|千伏|电厂|电站|储气库|储运基地|水库|水网|水资源|防洪|环卫|垃圾|特高压|"
        r"电入渝|主网架|加油站|管道|管廊|应急|储备库|物资保障",
        "市政设施",
    ),
    (
        r"高铁|铁路|号线|隧道|下穿道|大桥|桥$|立交|连接道|通道$|大道|干道|快速路|路$|段$|高速|TOD|"
        r"站$|枢纽$|机场|航站楼|跑道|码头|航道|航运|轨道|复线|延伸线|纵线|横线|交通|环道|线$|站场|绕城道",
        "交通",
    ),
    (
        r"综合保税区|保税|口岸|无水港|陆海新通道|班列|冷链|分拨|物流|进口|东盟|会址|一带一路|国际交往|"
        r"自由贸易|中新（|中新合作|法务区|法律服务|邮件",
        "开放平台",
    ),
    (
        r"医院|卫生|疾控|保健院|学校|小学|中学|校区|幼儿园|学院|教育|健身|体育|体操|托育|养老|照护|"
        r"保租房|保障房|保住房|人才公寓|陵园|殡葬|就业|法院",
        "社会民生",
    ),
    (
        r"景区|古镇|博物馆|故居|遗址|剧院|演艺|文旅|文化|旅游|画廊|巷$|创意园|媒体|广播电视|电子竞技|风貌带|艺术品",
        "文化旅游",
    ),
    (r"商圈|商业|商贸|购物|天街|小镇|商业街|消费|万象城|贸易港|广场$|商务区", "商贸消费"),
    (
        r"实验室|研究院|研究所|研究中心|创新中心|科学中心|科技园|科学城|大学城|孵化|科创|概念验证|装置|技术转移|"
        r"创新生态圈|科技城|智谷|创新区|技术交易",
        "科技创新",
    ),
    (r"数据|算力|计算|互联网|5G|信息|智慧城市|云平台", "新型基础设施"),
    (r"乡村|农业|田园|村$|农产品|都市村庄", "乡村振兴"),
    (
        r"片区|板块|未来社区|城市更新|旧城|改造|更新|新城$|湾区|城市中心|嘉陵湾|街$|步行街|长滨",
        "城市更新",
    ),
)
DEFAULT_SECTOR = "产业"

#: District named inside a project's name (for items of 003 and 004 that lie elsewhere).
DISTRICT_WORDS: tuple[tuple[str, str], ...] = (
    ("沙坪坝", "沙坪坝区"),
    ("渝中", "渝中区"),
    ("解放碑", "渝中区"),
    ("朝天门", "渝中区"),
    ("菜园坝", "渝中区"),
    ("化龙桥", "渝中区"),
    ("大坪", "渝中区"),
    ("九龙坡", "九龙坡区"),
    ("白市驿", "九龙坡区"),
    ("合川", "合川区"),
    ("綦江", "綦江区"),
    ("云阳", "云阳县"),
    ("荣昌", "荣昌区"),
    ("长寿", "长寿区"),
    ("广阳", "南岸区"),
    ("江北国际机场", "渝北区"),
    ("江北", "江北区"),
    ("寸滩", "江北区"),
    ("观音桥", "江北区"),
    ("两江新区", "两江新区"),
)
#: District of a city-wide project whose place the documents do not narrow down.
CITY = "重庆市"


#: What a thing is, said by its name, outranks the theme of the box it is listed in (a theatre
#: is 文化旅游 even in the 城市更新 box 10; an incubator is 科技创新 in the 产业 box 4; a bridge
#: over the railway is 交通 in the 开放平台 box 7). First match wins.
KIND_RULES: tuple[tuple[str, str], ...] = (
    (r"(?:孵化器|孵化基地|孵化中心|孵化平台|众创空间|加速器|实验室|研究院|研究所)$", "科技创新"),
    # innovation parks the text calls 创新平台 (001:546 提升光谷·智创园、黄金湾·智谷、金沙星座·科创园
    # 等平台功能; 001:601 依托…中电光谷·智创园、金沙星座·科创园等创新平台), in the 产业 box 4
    (r"(?:科创|双创|智创|意创)园$|科技城$", "科技创新"),
    # the 板块 of box 9 (产学研) say their own function: 环大学城创新生态示范区 突出科技研发、创业孵化、
    # 人才交流等主导功能 (001:750); 重庆国际物流城开放引领示范区 is the open platform's quarter
    # (001:749 物流加工、总部结算、商品要素交易), as 重庆国际物流城 itself is
    (r"创新生态(?:示范区|圈)$", "科技创新"),
    (r"开放引领示范区$", "开放平台"),
    (
        r"剧院$|博物馆$|科技馆$|故居$|旧居$|遗址|景区$|古镇$|文旅城$|文化公园$|风貌街区|文化旅游展示区$",
        "文化旅游",
    ),
    (r"(?:湿地公园|山地公园|生态公园|科技公园|城市公园|(?<!体育)(?<!文化)公园)$", "生态环保"),
    # a civic activity centre is a public facility like the sports base beside it in box 10
    # (001:764 科学城市民活动中心、沙坪坝区户外体育运动基地), not the renewal of a quarter
    (
        r"医院$|(?:学校|小学|中学|幼儿园|校区)(?:（[^）]*）)?$|健身|体育|运动基地$|市民(?:活动)?中心$",
        "社会民生",
    ),
    (r"上跨铁路通道|跨铁路桥$|连接通道|立交$|隧道$|大桥$|公交站场$|城市路网$|断头路$", "交通"),
    # what serves the port and imports is the open platform, in whatever box it is listed: the
    # same 重庆进口医药仓储分拨基地 stands in box 4 (现代物流, 001:610) and box 7 (口岸经济平台,
    # 001:673); an ordinary logistics base of box 4 (重庆交运物流基地) is industry
    (r"进口|跨境|口岸|保税|一带一路|陆海新通道|东盟", "开放平台"),
    # a charging network for electric cars is 融合基础设施 (001:806), also where box 10 lists it
    (r"充电(?:项目|桩|站)$", "新型基础设施"),
    (r"污水处理|水厂|变电站$|雨水净化站$", "市政设施"),
    # a works that makes things is industry, whatever it makes (激光能装置研发生产基地, 000:54)
    (r"(?:生产基地|制造基地|制造中心)$", "产业"),
    # an industrial park is industry, whatever it hosts (国际物流数字经济产业园区, 001:666; 凤凰山
    # 创意园, one of the 新经济产业空间 of 001:534); a science park (科技产业园) is left to its box
    (r"(?:(?<!科技)产业园区?|(?<!文)创意园)(?:[一二三四五]期)?$", "产业"),
)


def sector_with_basis(name: str, boxes: list[int]) -> tuple[str, str]:
    """(sector, sector_basis): what the name says the thing is, else the box theme, else the
    keyword rules of running text, else the default; the basis keeps the box as evidence.

    >>> sector_with_basis("“重庆1949”剧院", [10])
    ('文化旅游', '名称：剧院（所在专栏10的主题为城市更新）')
    >>> sector_with_basis("龙湖金沙天街", [5])
    ('商贸消费', '专栏5的主题')
    """
    box = Counter(boxes).most_common(1)[0][0] if boxes else None
    for pattern, sector in KIND_RULES:
        m = re.search(pattern, name)
        if m:
            where = f"（所在专栏{box}的主题为{BOX_SECTORS[box]}）" if box else ""
            return sector, f"名称：{m.group(0)}{where}"
    if box is not None:
        return BOX_SECTORS[box], f"专栏{box}的主题"
    for pattern, sector in SECTOR_RULES:
        m = re.search(pattern, name)
        if m:
            return sector, f"名称：{m.group(0)}"
    return DEFAULT_SECTOR, "默认（名称与专栏都未说明）"


def sector_for(name: str, boxes: list[int]) -> str:
    """The sector of a project named ``name`` listed in ``boxes`` (see sector_with_basis)."""
    if boxes:
        return sector_with_basis(name, boxes)[0]
    for pattern, sector in SECTOR_RULES:
        if re.search(pattern, name):
            return sector
    return DEFAULT_SECTOR


#: A city named in brackets inside a name says where the thing is, even in a 沙坪坝 plan:
#: 001:539 lists 重庆（深圳）离岸创新创业孵化器, an incubator of the district located in 深圳.
ELSEWHERE_WORDS: tuple[tuple[str, str], ...] = (("（深圳）", "深圳市"),)


def district_for(name: str, docs: set[str]) -> str:
    """The district of a project: where its name places it, else that of the naming documents.

    >>> district_for("重庆（深圳）离岸创新创业孵化器", {DOCUMENTS[1].file})
    '深圳市'
    """
    for word, district in ELSEWHERE_WORDS:
        if word in name:
            return district
    if docs & {DOCUMENTS[0].file, DOCUMENTS[1].file, DOCUMENTS[2].file}:
        return "沙坪坝区"
    for word, district in DISTRICT_WORDS:
        if word in name:
            return district
    return "渝中区" if docs == {DOCUMENTS[3].file} else CITY
