"""What makes a phrase a project name: endings, generic categories, canonical spelling.

These rules judge one phrase, wherever it stands, so they live apart from sentence handling.
"""

from __future__ import annotations

import re


def word_table(text: str) -> tuple[str, ...]:
    """A whitespace-separated word table, longest first (so the longest match wins)."""
    return tuple(sorted(set(text.split()), key=lambda w: (-len(w), w)))


#: Endings that make a phrase a physical, mappable project.
PROJECT_SUFFIXES = word_table(
    """
    高铁 铁路 号线 隧道 下穿道 大桥 桥 立交 连接道 通道 大道 干道 快速路 路 高速 站 高铁站 枢纽
    码头 机场 航站楼 跑道 TOD 港 港区 延伸线 纵线 横线 联络线 复线 铁路港 路网 园 园区 产业园
    科技园 创意园 城 新城 科技城 中心 基地 小镇 社区 公寓 保租房 住房 街 巷 商业街 街区 广场 商圈
    天街 综合体 大厦 馆 博物馆 剧院 故居 遗址 遗址建筑群 景区 古镇 院 医院 研究院 学院 学校 小学
    中学 校区 幼儿园 实验室 装置 观象台 公园 湿地公园 画廊 林带 湖 水库 厂 水厂 污水处理厂
    污水处理站 电厂 电站 储气库 变电站 管道 工程 项目 综合保税区 保税区 示范区 集聚区 功能区 片区
    半岛 岛 湾区 谷 智谷 陵园 会址 交易所 仓 示范带 走廊 孵化器 体育场 环线 站场 绕城道 管廊 聚落
    新区 水网 生态圈 科学中心 综保区 主干管网 法务区 核心区 商务区 产业带 风貌带 生态带 天地 段 线
    会客厅 阳台 仓库 集结中心 旧居 旧址 遗址群 旧址群 公馆 拓宽改造
    """
)


#: Text that makes an item a phrase, not a name.
NOT_NAME = re.compile(
    r"的|更多|一批|坚持|紧扣|帮助|着力|我们|我区|全区|全市|行动$|计划$|机制$|"
    r"体系$|制度$|改革$|品牌$|活动$|论坛$|大会$|节$|政策$|战略$|格局$|"
    r"模式$|能力$|水平$|环境$|服务$|经济$|产业$|集群$|赛道$|场景$|业态$|"
    r"指数$|成果$|目标$|任务$|理念$|精神$|文化$|^[\d.%]+$|"
    r"^第[一二三四五](?!代)|电路$|^(?:推进|推动|建设|打造|更新|培育|实施|"
    r"加快|提升|完善|优化|构建|搭建|壮大|发展|成立|推出)|入选|突出|下沉|由|"
    r"为手段|为核心|构建|包括|按照|共同|^图\d|指|倡议|号工程$|(?:干线|红线|"
    r"底线|路线|热线|一线|主线|沿线|防线|生命线|千条线)$|[=+]|^(?:成都|"
    r"四川|川渝|京津冀|长三角|粤港澳)|大湾区$|之城$|双城$|更高|^(?:东部|"
    r"西部|中部)(?:新城|老城|城区)$"
)

#: Programmes named like works (…人才引进工程, 文化惠民工程) in running text.
_PROGRAMME_RE = re.compile(
    r"(?:人才|文化|精神|红色|文艺|传播|幸福|党建|惠民|先锋|培育|引进|传承|质量提升)\S{0,4}工程$"
)

#: Phrases that are never a project on their own (generic categories, counts, programmes).
GENERIC_PATTERNS: tuple[str, ...] = (
    r"老旧小区",
    r"危房",
    r"^5G",
    r"基站$",
    r"充电桩$",
    r"^商业保理公司$",
    r"城中村改造",
    r"口袋公园",
    r"^山城步道",
    r"停车(位|场|泊位)",
    r"社区食堂",
    r"^排水管网",
    r"^海外仓",
    r"健身点",
    r"^(?:主次支|主次|城市|市政)?道路$",
    r"^(?:旅游|精品|旅游精品)*线路$",
    r"^[一二三四五六七八九十百千万两\d]+(个|所|家|座|条|项|支|类|处|公里|万|亿|大)",
    r"^(一批|多个|若干|各类|一系列|系列|更多|其他|相关)",
    r"^“[^”]+”(工程|项目|计划|行动)$",
)
_GENERIC_RE = re.compile("|".join(GENERIC_PATTERNS))

#: Words that say nothing specific; a name made only of these plus an ending is generic.
GENERIC_WORDS = word_table(
    """
    国际 国家 国内 全国 全市 市级 区级 重点 现代 现代化 智慧 智能 城市 科技 科创 创新 创业 产业
    高端 高品质 高质量 高水平 高能级 特色 新型 综合 公共 服务 技术 研发 区域 大型 专业 数字 信息
    示范 文化 旅游 消费 商业 商贸 商务 物流 金融 生态 绿色 企业 总部 工业 制造 平台 一流 优质
    标志性 功能 开放 发展 孵化 转化 成果 应用 融合 体验 新 大 中小 社会 公益 配套 设施 基础 交通
    项目 工程 重大 主题 精品 网红 乡村 农村 社区 市民 居民 医疗 健康 养老 托育 教育 体育 健身 研究
    试点 先行 引领 核心 一站式 世界级 知名 夜间 美食 艺术 时尚 滨江 沿江 山地 城乡 都市 中心 内陆
    陆港型 口岸 枢纽 货运 集散 分拨 交易 展示 运营 集结 承载 支撑 高新 高新技术 战略 安全 联合
    协同 共享 共建 生产 生活 贸易 品牌 营销 电商 直播 跨境 保税 冷链 数据 算力 网络 软件 设计 创意
    检验检测 未来 低碳 节能 环保 循环 资源 人才 青年 众创 双创 各 一体化 多式联运 龙头 链主 中外
    人文 交流 交往 合作 友好 示范性 公办 普惠性 普惠 基层 卫生 国有 供应链 民营 外资 外贸 临港
    特殊 监管 新能源 汽车 智能网联 高速 快速 主次 支 道路 城际 市域 轨道 干线 专用 规划 制造业
    技术创新 产业创新 重要 标杆 第三方 医学 检验 影像 病理 血透 连锁 体检 高技能 终身 职业 技能
    专家 院士 博士后 海智 工作站 外籍 留学生 国际化 标准化 规范化 公立 门户 综合交通
    """
)

#: Local proper names built from generic words (国际物流城 is a place, not a category).
PROPER_STEMS = word_table(
    """
    科学城 大学城 国际物流城 物流城 国际物流枢纽园 国际物流枢纽 铁路口岸 环大学 陆海新通道
    中欧班列 科学大道 科学公园 科学会堂 国际铁路港 文旅城 未来社区 滨江路 轨道环线 大坪
    """
)

PHASE_RE = re.compile(r"[（(]?([一二三四五六七八九十\d]+期)(?:工程|项目)?[）)]?$")

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_CN_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def suffix_of(name: str) -> str:
    """The project ending of ``name`` (phase marks ignored), "" if it has none."""
    base = (PHASE_RE.sub("", name) or name).rstrip("”")
    for s in PROJECT_SUFFIXES:
        if base.endswith(s) and len(base) > len(s):
            return s
    return ""


def phase_of(name: str) -> str | None:
    m = PHASE_RE.search(name)
    return m.group(1) if m else None


def cn_number(text: str) -> int | None:
    """A small Chinese numeral as an int (二十七 → 27); None when it is not one.

    >>> cn_number("二十七"), cn_number("十八"), cn_number("五"), cn_number("7")
    (27, 18, 5, 7)
    """
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CN_DIGITS and c != "十" for c in text):
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS[text] if len(text) == 1 else None


def normalise_name(name: str) -> str:
    """Canonical spelling of a name: no spaces, half-width digits, 轨道 lines with Arabic numbers.

    >>> normalise_name("轨道五号线一期"), normalise_name("轨道交通 9号线"), normalise_name("T3B 航站楼")
    ('轨道5号线一期', '轨道9号线', 'T3B航站楼')
    """
    name = re.sub(r"\s+", "", name)
    name = name.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    name = re.sub(r"^(?:城轨|轨道交通|城市轨道交通)", "轨道", name)
    name = re.sub(r"综保区$", "综合保税区", name)

    def digits(m: re.Match[str]) -> str:
        n = cn_number(m.group(1))
        return f"{n}号线" if n is not None else m.group(0)

    return re.sub(r"([一二三四五六七八九十]+)号线", digits, name)


#: A 专栏 item this long with a project ending names one project even when made of common words.
_LISTED_MIN = 7


def is_generic(name: str, listed: bool = False) -> bool:
    """True for category phrases that are no project (老旧小区改造, 5G基站, 商业保理公司).

    >>> [is_generic(n) for n in ("老旧小区改造", "5G基站", "商业保理公司", "西永隧道", "绿色工厂")]
    [True, True, True, False, True]
    """
    if len(name) < 3 or _GENERIC_RE.search(name):
        return True
    if any(stem in name for stem in PROPER_STEMS):
        return False
    if listed and len(name) >= _LISTED_MIN and suffix_of(name):
        return False  # a 专栏 box lists it as one project: 国际枢纽总部商务大厦
    suffix = suffix_of(name)
    core = PHASE_RE.sub("", name)
    core = core[: -len(suffix)] if suffix and core.endswith(suffix) else core
    for w in GENERIC_WORDS:
        core = core.replace(w, "")
    core = re.sub(r"[（）()“”、·\-—\s]", "", core)
    return len(core) < 2 and not re.search(r"[0-9A-Za-z一二三四五六七八九十]", core)


def looks_like_name(text: str, in_box: bool) -> bool:
    if not text or len(text) < 3 or len(text) > 40:
        return False
    if re.search(r"[，。；：:%]|\d+(?:万|亿|平方米|公里|亩|家|个|人|辆)", text):
        return False
    if text[0] in "的了和与及或等之、" or NOT_NAME.search(text):
        return False
    if not in_box and _PROGRAMME_RE.search(text):
        return False  # 红岩先锋工程, 文化惠民工程: programmes, not places
    if not in_box and re.match(r"^(?:国家|全国)", text):
        return False  # national programmes in running text; boxes list national labs by name
    return in_box or bool(suffix_of(text))
