"""Status cues, leads and tails around a name: what a list item says besides the name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from projects.documents.name_rules import is_generic, suffix_of, word_table

#: Status cues that may stand before a name (加快建设西南医院下穿道), matched longest first.
PREFIX_CUES = word_table(
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
NOT_STATUS = frozenset(word_table("依托 联动 联合 融入 积极融入 全面融入 支持 助推 深化 优化 拓展"))

#: Status cues that may follow a name (凤凰山创意园基本完工; 轨道7号线、15号线、27号线加快建设).
SUFFIX_CUES = word_table(
    """
    建成投运 建成投用 开街运营 挂牌运行 基本完工 主体完工 主体封顶 全面开工 即将投用 加快建设
    快速推进 提前1年竣工 竣工 完工 投用 投运 投产 开园 启动建设 焕新呈现 重磅落地 落地 成功落地
    项目建设 建设 提档升级 扩能升级 迁扩建 改扩建 迁建 扩建 开工 改造 提质发展 投产放量 扩产放量
    高质量发展 成功创建三级医院 加快推进 蝶变网红打卡地 开街 建成 完成 建成通车 建成运营 运营
    """
)

#: Verbs that may open the name part in the middle of an item (全面铺开梁滩河“百里生态画廊”).
INNER_VERBS = word_table(
    """
    打造 建设 推进 推动 建成 筹建 铺开 共建 融入 提升 实施 扩建 新建 开工 投用 投运 启动 引进 完成
    加快 争取 创建 布局 落地 入驻 对接 向 依托 围绕 聚焦 联动 促进 助力 服务 做好 开展 培育
    扩容提质 提质扩容 盘活利用 推动盘活利用 串联 辐射带动 建好 更新 搭建 构建
    """
)


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


def strip_suffix_cue(text: str) -> tuple[str, str]:
    m = re.search(r"(?:项目)?完成总量的\d+%$", text)
    if m:
        return text[: m.start()], m.group(0).removeprefix("项目")
    if text.endswith("拓宽改造"):
        return text, ""  # the works are the project: 渝遂高速拓宽改造
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
            if len(rest) >= 3 and not quote_open and suffix_of(rest) and not is_generic(rest):
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


@dataclass
class CleanItem:
    text: str
    start: int
    cue: str
    raw: str
    link: bool = False  # the item opens a clause naming partners (联动…, 依托…, 与…协同)
    #: What the named thing builds in itself, no name of its own (…医院建设智慧医院 → 建设智慧医院)
    builds: str = ""


#: Clauses that name partners or existing anchors, not projects of the document.
_LINK_RE = re.compile(
    r"^(?:积极|主动|全面|深度|有机|更好)?(?:发挥)?(?:联动|衔接|对接|依托|融入|协同|配合|串联|辐射带动|"
    r"(?:强化|加强|加快|深化|推动|注重)?与)"
)


def clean_item(raw: str, offset: int, in_box: bool) -> tuple[CleanItem, str, str]:
    """One list item without verbs and tails; also (suffix cue, 等-category) for the last item."""
    t = raw.strip()
    start = offset + (len(raw) - len(raw.lstrip()))
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
        t, scue = strip_suffix_cue(t)
        if category and not scue:
            bare = category.strip()
            scue = bare if bare in SUFFIX_CUES else strip_suffix_cue(category)[1]
        t = _TAILS.sub("", t)
        t, scue2 = strip_suffix_cue(t)
        scue = scue or scue2
    builds = ""
    if not in_box:
        rest, off, verb = _inner_split(t)
        if off:
            t, start = rest, start + off
            cue = verb if verb in PREFIX_CUES and verb not in NOT_STATUS else cue
        else:
            t, builds = _builder(t)
    m = re.match(r"(.+?)“[^”]+”$", t)
    if m and suffix_of(m.group(1)):  # 化龙桥新兴商圈“三大地标商圈”: a slogan after the name
        t = m.group(1)
    t = _trim(t)
    if cue in NOT_STATUS:
        cue = ""
    return CleanItem(t, start, cue, raw.strip(), link, builds), scue, category


#: A name, then 建设 and a nameless facility of its own (智慧医院, 数据中心, 服务平台).
_BUILDS = r"(.{3,}?)(建设[^为和与及、，]{0,6}(?:医院|中心|平台|系统|网络))"


def _builder(text: str) -> tuple[str, str]:
    """(name, what it builds) of an item whose named thing builds something nameless in itself.

    001:621 加快区人民医院、…、区中西医结合医院建设智慧医院、互联网医院: the hospitals build smart
    and online services; they are the builders, not the building.

    >>> _builder("区中西医结合医院建设智慧医院")
    ('区中西医结合医院', '建设智慧医院')
    >>> _builder("科学城隧道")
    ('科学城隧道', '')
    """
    m = re.fullmatch(_BUILDS, text)
    if m and suffix_of(m.group(1)) and is_generic(m.group(2)[2:]):
        return m.group(1), m.group(2)
    return text, ""
