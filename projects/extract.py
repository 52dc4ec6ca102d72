"""Candidate project mentions from Chinese plan text: pure text in, mentions out.

Plan documents name projects inside long sentences: lists split by 、，； and closed by 等
(轨道7号线、15号线、17号线; 成渝中线、渝西、渝昆等高铁), names wrapped in status verbs (加快建设
西南医院下穿道; 凤凰山创意园基本完工), and metadata brackets (（牵头部门：…）). This module undoes
those habits with small rules over one paragraph at a time; it never opens a file, so a planner can
feed it next year's 政府工作报告 as a string.

>>> [m.name for m in extract_mentions("加快轨道7号线、15号线建设，扩建西永、土主污水处理厂。")]
['轨道7号线', '轨道15号线', '西永污水处理厂', '土主污水处理厂']
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def _words(text: str) -> tuple[str, ...]:
    """A whitespace-separated word table, longest first (so the longest match wins)."""
    return tuple(sorted(set(text.split()), key=lambda w: (-len(w), w)))


#: Endings that make a phrase a physical, mappable project.
PROJECT_SUFFIXES = _words(
    """
    高铁 铁路 号线 隧道 下穿道 大桥 桥 立交 连接道 通道 大道 干道 快速路 路 高速 站 高铁站 枢纽
    码头 机场 航站楼 跑道 TOD 港 港区 延伸线 纵线 横线 联络线 复线 铁路港 路网 园 园区 产业园
    科技园 创意园 城 新城 科技城 中心 基地 小镇 社区 公寓 保租房 住房 街 巷 商业街 街区 广场 商圈
    天街 综合体 大厦 馆 博物馆 剧院 故居 遗址 遗址建筑群 景区 古镇 院 医院 研究院 学院 学校 小学
    中学 校区 幼儿园 实验室 装置 观象台 公园 湿地公园 画廊 林带 湖 水库 厂 水厂 污水处理厂
    污水处理站 电厂 电站 储气库 变电站 管道 工程 项目 综合保税区 保税区 示范区 集聚区 功能区 片区
    半岛 岛 湾区 谷 智谷 陵园 会址 交易所 仓 示范带 走廊 孵化器 体育场 环线 站场 绕城道 管廊 聚落
    新区 水网 生态圈 科学中心 综保区 主干管网 法务区 核心区 商务区 产业带 风貌带 生态带 天地 段 线
    会客厅 阳台 仓库 集结中心 旧居 旧址 遗址群 旧址群 公馆
    """
)

#: Endings a bare list item may borrow from the last item (扩建西永、土主污水处理厂).
SHARED_HEADS = _words(
    """
    污水处理厂 高铁 铁路 隧道 大桥 水库 储气库 抽水蓄能电站 电站 号线 综合保税区 商圈 储运基地
    概念验证中心 市域铁路 湿地公园 公交站场
    """
)

#: Status cues that may stand before a name (加快建设西南医院下穿道), matched longest first.
PREFIX_CUES = _words(
    """
    加快建设 加快推进 加快推动 加快 推进 推动 积极推动 全力推动 协同推进 提速推进 提速建设 提速
    建成投用 建成投运 建成投产 建成 建好 建强 建设 开工建设 启动建设 启动 争取开工 争取 筹建 完成
    完工 投用 投运 打造 高标准打造 高起点高标准打造 全力打造 规划建设 前期研究 适时开展 实施 扩建
    新建 改扩建 提档升级 提质扩容 扩容提质 提升 完善 引进 落地 布局建设 建成改造 全面铺开 铺开
    整合打造 强力推进 高标准建设 高质量打造 联动建设 共建 创建 加快打造 助推 支持 高水平建设
    高质量建设 加快完善 迭代升级 提质建设 深化 优化 一体推进 力争开工 基本建成 全面建成 高质量推进
    稳步推进 推动设立 设立 组建 申报 争创 谋划 谋划建设 启动实施 开工 高标准推进 加快投用 积极融入
    融入 全面融入 携手共建 联合 联动 依托 提升改造 推动建设 积极争取 争取建设 加快培育 培育
    大力推进 大力推动 全面推进 深入推进 扎实推进 有序推进 实施好 建设一批 抓好 办好 用好 做靓 做强
    做大 提质升级 升级 盘活利用 推动盘活利用 拓展 建设好 发挥好 做好 建好用好 提质 扩能
    保护利用好 保护利用 提质开发 高质量建设 完成 修缮
    """
)
#: The cues that are really status words (the others, like 依托 or 联动, only open a phrase).
NOT_STATUS = frozenset(_words("依托 联动 联合 融入 积极融入 全面融入 支持 助推 深化 优化 拓展"))

#: Status cues that may follow a name (凤凰山创意园基本完工; 轨道7号线、15号线、27号线加快建设).
SUFFIX_CUES = _words(
    """
    建成投运 建成投用 开街运营 挂牌运行 基本完工 主体完工 主体封顶 全面开工 即将投用 加快建设
    快速推进 提前1年竣工 竣工 完工 投用 投运 投产 开园 启动建设 焕新呈现 重磅落地 落地 成功落地
    项目建设 建设 提档升级 扩能升级 迁扩建 改扩建 迁建 扩建 开工 改造 提质发展 投产放量 扩产放量
    高质量发展 成功创建三级医院 加快推进 蝶变网红打卡地 开街 建成 完成 建成通车 建成运营 运营
    """
)

#: Verbs that may open the name part in the middle of an item (全面铺开梁滩河“百里生态画廊”).
INNER_VERBS = _words(
    """
    打造 建设 推进 推动 建成 筹建 铺开 共建 融入 提升 实施 扩建 新建 开工 投用 投运 启动 引进 完成
    加快 争取 创建 布局 落地 入驻 对接 向 依托 围绕 聚焦 联动 促进 助力 服务 做好 开展 培育
    扩容提质 提质扩容 盘活利用 推动盘活利用 串联 辐射带动 建好 更新 搭建 构建
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
GENERIC_WORDS = _words(
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
PROPER_STEMS = _words(
    """
    科学城 大学城 国际物流城 物流城 国际物流枢纽园 国际物流枢纽 铁路口岸 环大学 陆海新通道
    中欧班列 科学大道 科学公园 科学会堂 国际铁路港 文旅城 未来社区 滨江路 轨道环线 大坪
    """
)

#: Headings of the closing glossary of a 政府工作报告 (名词解释): extraction stops there.
GLOSSARY_HEADINGS = frozenset({"名词解释", "名词解释：", "附：名词解释"})

#: Brackets that carry metadata rather than names (dropped; 牵头部门 is kept as lead_dept).
_METADATA_RE = re.compile(
    r"（(?:专项行动)?(?:牵头部门|牵头单位)[：:]([^（）]*(?:（[^（）]*）[^（）]*)*)）"
)

#: Top-level separators inside a sentence.
_ITEM_SEPARATORS = "、，；,;"
_SENTENCE_ENDS = "。！？"
_OPEN = "（“《「(【"
_CLOSE = "）”》」)】"

#: Headings: 专栏 boxes, chapters/sections, numbered headings of the action plans.
_BOX_RE = re.compile(r"^\s*专栏\s*(\d+)[：:]\s*(.+?)\s*$")
_CHAPTER_RE = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百零〇\d]+[篇章节]\s*\S.{0,40}|20\d\d年工作(?:回顾|安排|任务|打算))\s*$"
)
_CN_HEAD_RE = re.compile(r"^\s*[（(][一二三四五六七八九十]+[）)]\s*(\S[^。；]{1,40}?)[。]?\s*$")
_BOX_SUBHEAD_RE = re.compile(r"^\s*([^：:，。、；（）]{2,16})[：:]")
_PHASE_RE = re.compile(r"[（(]?([一二三四五六七八九十\d]+期)(?:工程|项目)?[）)]?$")
_YEAR_RE = re.compile(r"(?:到|至|于)\s*(20\d\d)\s*年")

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_CN_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@dataclass(frozen=True)
class Mention:
    """One place where a document names a candidate project."""

    #: The name as normalised from the text (shared heads restored, cues and brackets dropped).
    name: str
    #: 1-based line of the document where the name starts.
    line: int
    #: Nearest heading above (专栏 title / sub-head, or chapter, section, numbered heading).
    section: str = ""
    #: Verbatim status cue of the clause (加快建设, 建成投运, 争取开工, 主体封顶), "" if none.
    cue: str = ""
    #: Lead department where the paragraph names one (（牵头部门：…）, 牵头单位).
    lead_dept: str | None = None
    #: Document file name given by the caller ("" for free text).
    doc: str = ""
    #: Number of the 专栏 box the mention sits in (None in running text).
    box: int | None = None
    #: The list item as it stood in the text, for review.
    raw: str = ""
    #: Phase (一期, 二期 …) where the name carries one.
    phase: str | None = None
    #: Planned end year named in the sentence (到2025年 → 2025), else None.
    year: int | None = None


# --------------------------------------------------------------------------------------------
# Paragraphs and headings
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    """A logical paragraph: hard-broken lines joined, with the line each character came from."""

    text: str
    lines: tuple[int, ...]  # lines[i] is the 1-based line of text[i]
    section: str
    box: int | None

    def line_at(self, index: int) -> int:
        return self.lines[min(max(index, 0), len(self.lines) - 1)]


def _clean(line: str) -> str:
    """Drop Word bookmarks and normalise spaces between characters (004 puts spaces round numbers)."""
    line = re.sub(r"\[bookmark:[^\]]*\]", "", line)
    line = line.replace("**", "").replace("\u3000", " ").replace("\t", " ")
    return line


def _is_heading(line: str) -> bool:
    s = line.strip()
    return bool(_BOX_RE.match(s) or _CHAPTER_RE.match(s) or _CN_HEAD_RE.match(s)) or (
        len(s) <= 30 and bool(re.match(r"^\d+[.、．]\s*\S", s)) and "。" not in s
    )


def _continues(prev: str, nxt: str) -> bool:
    """Whether ``nxt`` continues the sentence ``prev`` that a hard line break cut (004)."""
    p, n = prev.rstrip(), nxt.strip()
    if not p or not n or _is_heading(p) or _is_heading(n):
        return False
    if _BOX_SUBHEAD_RE.match(n) and not n.startswith(("（", "(")):
        return False
    if n[0] in "，、。；：）”》":
        return True
    return len(p) > 20 and "，" in p and p[-1] not in "。；！？：:）)》"


def paragraphs(text: str) -> list[Paragraph]:
    """Split plan text into logical paragraphs carrying their section heading and box number."""
    raw = [_clean(x) for x in text.splitlines()]
    out: list[Paragraph] = []
    chapter = head = box_title = sub = ""
    box: int | None = None
    i = 0
    while i < len(raw):
        line = raw[i]
        s = line.strip()
        if not s:
            i += 1
            continue
        m = _BOX_RE.match(s)
        if m:
            box, box_title, sub = int(m.group(1)), f"专栏{m.group(1)}：{m.group(2)}", ""
            i += 1
            continue
        if _CHAPTER_RE.match(s):
            chapter, head, box, box_title = s, "", None, ""
            chapter = re.sub(r"\s+", " ", chapter)
        elif (
            _CN_HEAD_RE.match(s)
            or re.match(r"^\d+[.、．]\s*\S", s)
            or re.match(r"^[（(][\d一二三四五六七八九十]+[）)]\s*\S", s)
            or re.match(r"^[一二三四五六七八九十]+、\s*\S", s)
        ):
            head = re.split(r"[。；，]", s, maxsplit=1)[0][:40]
            if box is not None and not s.startswith(("（", "(")):
                box, box_title = None, ""
        chars: list[str] = list(s)
        lines: list[int] = [i + 1] * len(s)
        j = i + 1
        while True:
            k = j
            while k < len(raw) and not raw[k].strip():
                k += 1
            if k < len(raw) and k - j <= 2 and _continues("".join(chars), raw[k]):
                seg = raw[k].strip()
                chars.extend(seg)
                lines.extend([k + 1] * len(seg))
                j = k + 1
                continue
            break
        joined = "".join(chars)
        if box is not None:
            if _BOX_SUBHEAD_RE.match(joined) and not _CHAPTER_RE.match(joined):
                sub = _BOX_SUBHEAD_RE.match(joined).group(1).strip()
            section = f"{box_title} / {sub}" if sub else box_title
            # a long running-text paragraph after a box ends it (some boxes have no end marker)
            if not _BOX_SUBHEAD_RE.match(joined) and len(joined) > 80:
                box, box_title, sub = None, "", ""
                section = head or chapter
        else:
            section = head or chapter
            if chapter and head and not _CHAPTER_RE.match(head):
                section = f"{chapter} / {head}" if head != chapter else chapter
        out.append(Paragraph(joined, tuple(lines), section, box))
        i = j
    return out


# --------------------------------------------------------------------------------------------
# Items of a sentence
# --------------------------------------------------------------------------------------------


@dataclass
class _Item:
    text: str
    start: int  # offset in the paragraph
    sep_after: str  # the separator that closed the item ("" at a sentence end)


def _split_items(text: str, base: int) -> list[_Item]:
    """Split a sentence at top-level 、，； (never inside brackets or quotes)."""
    items: list[_Item] = []
    depth = 0
    start = 0
    for k, ch in enumerate(text):
        if ch in _OPEN and not (ch == "“" and depth and text[k - 1 : k] == "“"):
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        elif depth == 0 and ch in _ITEM_SEPARATORS:
            items.append(_Item(text[start:k], base + start, ch))
            start = k + 1
    items.append(_Item(text[start:], base + start, ""))
    return [it for it in items if it.text.strip()]


def _sentences(text: str) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    start = 0
    depth = 0
    for k, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        elif ch in _SENTENCE_ENDS and depth == 0:
            out.append((text[start:k], start))
            start = k + 1
    if start < len(text):
        out.append((text[start:], start))
    return out


def _suffix_of(name: str) -> str:
    """The project ending of ``name`` (phase marks ignored), "" if it has none."""
    base = (_PHASE_RE.sub("", name) or name).rstrip("”")
    for s in PROJECT_SUFFIXES:
        if base.endswith(s) and len(base) > len(s):
            return s
    return ""


def _strip_prefix_cue(text: str) -> tuple[str, str]:
    """Remove stacked leading cue verbs; return (rest, cue) with the cue verbatim."""
    cue = ""
    rest = text
    for _ in range(3):
        for c in PREFIX_CUES:
            if rest.startswith(c) and len(rest) >= len(c) + 2:
                cue += c
                rest = rest[len(c) :]
                break
        else:
            break
    return rest, cue


def _strip_suffix_cue(text: str) -> tuple[str, str]:
    m = re.search(r"(?:项目)?完成总量的\d+%$", text)
    if m:
        return text[: m.start()], m.group(0).removeprefix("项目")
    for c in SUFFIX_CUES:
        if text.endswith(c) and len(text) >= len(c) + 2:
            return text[: -len(c)], c
    return text, ""


def _inner_split(text: str) -> tuple[str, int, str]:
    """Cut an item after the last verb that opens a name inside it; (rest, offset, verb)."""
    best = None
    for v in INNER_VERBS:
        k = text.rfind(v)
        while k > 0:
            rest = text[k + len(v) :]
            quote_open = text[:k].count("“") > text[:k].count("”")
            if len(rest) >= 3 and not quote_open and _suffix_of(rest) and not is_generic(rest):
                if best is None or k + len(v) > best[1]:
                    best = (rest, k + len(v), v)
                break
            k = text.rfind(v, 0, k)
    return best if best else (text, 0, "")


#: Tails that follow a name and are not part of it.
_TAILS = re.compile(
    r"(?:创建[\dA-Z]+级景区|(?:项目)?(?:建设|开发|试点|整治)|的?(?:消费体验|功能|能级|品质|平台功能)"
    r"|等.*|“[^”]{1,10}”(?:行动|计划|战略)|(?:高质量)?发展|沙区段|[\d.]+(?:亩|公里|万平方米)"
    r"|(?:迁建|迁扩建|改扩建)项目|[两三四五六七八九十]大[\u4e00-\u9fff]{2,6})$"
)
_LEADS = re.compile(
    r"^(?:其中|以|在|对|将|把|为|由|从|和|与|及|并|以及|同时|重点|力争|确保|全力|加大|进一步|"
    r"(?:全国|全市)首[个家]|更好|好(?=[\u4e00-\u9fff]{3})|立足|串联|辐射带动|加强|围绕|注重与|接(?=西|两)|"
    r"配合|保护好|推行|规划布局|布局|成为|联通|建立|优先在|补齐|是|即|聚焦|充分发挥|发挥|主动参与|参与|用好|用活|丰富|对接|超前谋划|储备|"
    r"高水平|高标准|高质量|高起点|大手笔|适时|有序|分别|逐步|实现|开展|形成|做好|抓好|打通|畅通|"
    r"强化|改善|新增|新开|开辟|大力|积极|全面|持续|着力|深入|协同|共同|一体|务实|精细化|高品质)+"
)


def _phase(name: str) -> str | None:
    m = _PHASE_RE.search(name)
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
    if listed and len(name) >= _LISTED_MIN and _suffix_of(name):
        return False  # a 专栏 box lists it as one project: 国际枢纽总部商务大厦
    suffix = _suffix_of(name)
    core = _PHASE_RE.sub("", name)
    core = core[: -len(suffix)] if suffix and core.endswith(suffix) else core
    for w in GENERIC_WORDS:
        core = core.replace(w, "")
    core = re.sub(r"[（）()“”、·\-—\s]", "", core)
    return len(core) < 2 and not re.search(r"[0-9A-Za-z一二三四五六七八九十]", core)


def _looks_like_name(text: str, in_box: bool) -> bool:
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
    return in_box or bool(_suffix_of(text))


def _trim(text: str) -> str:
    """Strip numbering, wrapping quotes and unbalanced brackets left by a split."""
    text = text.strip()
    text = re.sub(
        r"^(?:[\d一二三四五六七八九十]+[.、．]|[（(][\d一二三四五六七八九十]+[）)])\s*", "", text
    )
    if text.startswith("“") and text.endswith("”") and text.count("“") == 1:
        text = text[1:-1]
    if text.count("“") != text.count("”"):
        text = text.replace("“", "").replace("”", "")
    if text.count("（") != text.count("）"):
        text = text.replace("（", "").replace("）", "")
    return text.strip(" 　")


def lead_dept(paragraph: str) -> str | None:
    """The lead department a paragraph's metadata bracket names (its last bracket wins).

    >>> lead_dept("建成沙田污水处理厂。（牵头部门：区生态环境局，责任部门：区城市管理局）")
    '区生态环境局'
    """
    lead = None
    for m in _METADATA_RE.finditer(paragraph):
        lead = re.split(r"[，,；]", m.group(1))[0].strip() or None
    return lead


def extract_mentions(text: str, doc: str = "") -> list[Mention]:
    """Candidate project mentions of a plan text, in reading order.

    Each list item of each sentence is cleaned of status verbs, tails and metadata, gets back the
    head or prefix it shares with its neighbours, and is kept when it reads like a proper name of
    a mappable thing (in a 专栏 box every item counts, elsewhere only names with a project ending).

    >>> [m.name for m in extract_mentions("积极推动成渝中线、渝西、渝昆等高铁建设。")]
    ['成渝中线高铁', '渝西高铁', '渝昆高铁']
    >>> m = extract_mentions("加快建设西南医院下穿道。")[0]
    >>> m.name, m.cue
    ('西南医院下穿道', '加快建设')
    """
    if not isinstance(text, str):
        raise TypeError(f"text was {type(text).__name__} but is expected to be str")
    out: list[Mention] = []
    for para in paragraphs(text):
        if para.text.strip() in GLOSSARY_HEADINGS:
            break  # the glossary explains terms; it names nothing new
        out.extend(_paragraph_mentions(para, doc))
    return out


def _paragraph_mentions(para: Paragraph, doc: str) -> list[Mention]:
    text = para.text
    lead = lead_dept(text)
    # blank out metadata brackets, keeping offsets (so line numbers stay right)
    text = _METADATA_RE.sub(lambda m: "。" + " " * (len(m.group(0)) - 1), text)
    in_box = para.box is not None
    body_start = 0
    found: list[Mention] = []
    if in_box:
        sm = _BOX_SUBHEAD_RE.match(text)
        body_start = sm.end() if sm else 0
        body = text[body_start:]
        box_no = para.box
        if body.count("，") >= 3:
            # a box of described areas (重点板块): the sub-head is the project, the body is prose
            in_box = False
            para = Paragraph(para.text, para.lines, para.section, None)
            if sm and "板块" in para.section:
                name = sm.group(1).strip()
                line = para.line_at(sm.start(1))
                found.append(Mention(name, line, para.section, "", lead, doc, box_no, name))
    for sentence, s_off in _sentences(text[body_start:]):
        ym = _YEAR_RE.search(sentence)
        year = int(ym.group(1)) if ym else None
        found.extend(
            _sentence_mentions(sentence, s_off + body_start, para, doc, lead, in_box, year)
        )
    return found


@dataclass
class _Clean:
    text: str
    start: int
    cue: str
    raw: str
    link: bool = False  # the item opens a clause naming partners (联动…, 依托…, 与…协同)


#: Clauses that name partners or existing anchors, not projects of the document.
_LINK_RE = re.compile(
    r"^(?:积极|主动|全面|深度|有机|更好)?(?:发挥)?(?:联动|衔接|对接|依托|融入|协同|配合|串联|辐射带动|"
    r"(?:强化|加强|加快|深化|推动|注重)?与)"
)


def _clean_item(it: _Item, in_box: bool, last: bool) -> tuple[_Clean, str, str]:
    """One list item without verbs and tails; also (suffix cue, 等-category) for the last item."""
    raw = it.text
    t = raw.strip()
    start = it.start + (len(raw) - len(raw.lstrip()))
    cue = ""
    t = _trim(t)
    link = bool(_LINK_RE.match(t))
    for _ in range(2):
        t2 = _LEADS.sub("", t)
        start += len(t) - len(t2)
        t, pcue = _strip_prefix_cue(t2)
        start += len(pcue)
        cue = cue or pcue
    scue = category = ""
    m = re.search(
        r"(?<![高中初平同对])等(?:[\d一二三四五六七八九十百]+)?(?:个|家|大|项|所|座|条)?([^等]*)$",
        t,
    )
    if m and m.start() >= 2:
        category = m.group(1)
        t = t[: m.start()]
    if in_box:  # a box lists names: only a trailing 建设 is no part of them
        t = re.sub(r"(?<=..)建设$", "", t)
    else:
        t, scue = _strip_suffix_cue(t)
        if category and not scue:
            bare = category.strip()
            scue = bare if bare in SUFFIX_CUES else _strip_suffix_cue(category)[1]
        t = _TAILS.sub("", t)
        t, scue2 = _strip_suffix_cue(t)
        scue = scue or scue2
    if not in_box:
        rest, off, verb = _inner_split(t)
        if off:
            t, start = rest, start + off
            cue = verb if verb in PREFIX_CUES and verb not in NOT_STATUS else cue
    m = re.match(r"(.+?)“[^”]+”$", t)
    if m and _suffix_of(m.group(1)):  # 化龙桥新兴商圈“三大地标商圈”: a slogan after the name
        t = m.group(1)
    t = _trim(t)
    if cue in NOT_STATUS:
        cue = ""
    return _Clean(t, start, cue, raw.strip(), link), scue, category


def _sentence_mentions(
    sentence: str,
    s_off: int,
    para: Paragraph,
    doc: str,
    lead: str | None,
    in_box: bool,
    year: int | None,
) -> list[Mention]:
    items = _split_items(sentence, s_off)
    # consecutive items joined by 、 form a run: a list sharing head, prefix and status cue
    runs: list[list[_Item]] = []
    cur: list[_Item] = []
    for it in items:
        cur.append(it)
        if it.sep_after != "、":
            runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    runs = [_share_line_numbers(run) for run in runs]
    out: list[Mention] = []
    prefix = ""
    sentence_cue = ""
    for run in runs:
        cleaned: list[_Clean] = []
        run_cue = scue_run = category = ""
        for idx, it in enumerate(run):
            c, scue, cat = _clean_item(it, in_box, idx == len(run) - 1)
            if idx == 0:
                run_cue = c.cue
            if idx == len(run) - 1:
                scue_run, category = scue, cat
            cleaned.append(c)
        run_cue = run_cue or scue_run
        sentence_cue = run_cue or sentence_cue
        head = _category_head(category)
        # 拓普轻量化底盘、立中新材料等13个“链上”项目投产: the list says its items are projects
        project_list = bool(re.search(r"项目", category)) and not re.search(r"企业|品牌", category)
        last_text = _split_joined(cleaned[-1].text)[0][0] if cleaned else ""
        last_suffix = next((h for h in SHARED_HEADS if last_text.endswith(h)), "")
        for c in cleaned:
            name = c.text
            if not name:
                continue
            if len(run) > 1 and head and not name.endswith(head) and len(name) <= 8:
                name += head  # 成渝中线、渝西、渝昆等高铁
            elif len(run) > 1 and not _suffix_of(name) and len(name) <= 6 and last_suffix:
                name += last_suffix  # 扩建西永、土主污水处理厂
            # shared prefix: 轨道7号线、15号线 → 轨道15号线
            if re.match(r"^[\d一二三四五六七八九十]+号线", name) and prefix:
                name = prefix + name
            pm = re.match(r"^(\D+?)(?=[\d一二三四五六七八九十]+号线)", name)
            if pm:
                prefix = pm.group(1)
            for part, off in _split_joined(name):
                part = normalise_name(part)
                if not _looks_like_name(part, in_box or project_list) or is_generic(
                    part, listed=in_box
                ):
                    continue
                # a run naming partners (联动长嘉汇大景区、广阳岛) takes no cue from its sentence
                cue = c.cue or run_cue or ("" if cleaned[0].link else sentence_cue)
                if not (in_box or project_list or cue):
                    continue  # running text names existing places too; a project has a status
                out.append(
                    Mention(
                        name=part,
                        line=para.line_at(c.start + off),
                        section=para.section,
                        cue=cue,
                        lead_dept=lead,
                        doc=doc,
                        box=para.box,
                        raw=c.raw,
                        phase=_phase(part),
                        year=year,
                    )
                )
    return out


_NUMERAL = "[\\d一二三四五六七八九十]+"
#: What may follow a line number in running text and is no part of the name (…7号线引入科学城站).
_LINE_TAIL = re.compile(rf"^({_NUMERAL}号线)(?:引入|接入|延伸|进入|贯通|经过|途经)\S*$")


def _share_line_numbers(run: list[_Item]) -> list[_Item]:
    """Numbers that share the 号线 of the last item: 城轨15、19、7号线 → 15号线, 19号线, 7号线.

    >>> [i.text for i in _share_line_numbers(_split_items("争取城轨15、19、7号线引入科学城站", 0))]
    ['争取城轨15号线', '19号线', '7号线']
    """
    if len(run) < 2:
        return run
    last = run[-1].text.strip()
    tail = _LINE_TAIL.match(last)
    head = tail.group(1) if tail else last
    if not re.fullmatch(f"{_NUMERAL}号线", head):
        return run
    if not all(re.search(f"(?<![号线\\d]){_NUMERAL}$", it.text.strip()) for it in run[:-1]):
        return run
    items = [_Item(it.text.rstrip() + "号线", it.start, it.sep_after) for it in run[:-1]]
    return [*items, _Item(head, run[-1].start + run[-1].text.index(head), run[-1].sep_after)]


def _category_head(category: str) -> str:
    """The physical head of an 等-category (等大中型水库建设 → 水库), "" for 项目/企业 kinds."""
    category = _strip_suffix_cue(category)[0]
    category = re.sub(r"(?:建设|项目|工程|等)+$", "", category)
    for s in SHARED_HEADS:
        if category.endswith(s):
            return s
    return ""


def _split_joined(name: str) -> list[tuple[str, int]]:
    """Split two names joined by 与/和/及/以及 when both halves are names themselves."""
    for sep in ("以及", "与", "及", "和"):
        k = name.find(sep)
        if k > 1:
            left, right = name[:k], name[k + len(sep) :]
            links = ("通道", "连接道", "连接线", "走廊", "跑道")
            if _suffix_of(left) and _suffix_of(right) and not right.endswith(links):
                return [(left, 0), (right, k + len(sep))]
    return [(name, 0)]
