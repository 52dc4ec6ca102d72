"""From the words around a mention to a catalog status, by a table of rules with real examples.

A plan document and the review part of a 政府工作报告 use the same verbs for different things: in
a report's plan for this year 建成投用 is this year's work, so the project is under way; in a
multi-year plan (十四五规划, 行动方案) it is the period's target, so the project is planned; in the
review (2024年工作回顾) it is a fact, so the project operates. Each rule therefore gives one status
for a plan and one for a review, and where it differs, one for a multi-year plan.

The rules are read against the *clause* of a mention: the list run it stands in (items joined by
、, up to the next ，；。), with every name of the run masked as □, so a word inside a name (…环境
提升工程, 渝遂高速拓宽改造) is never read as a cue. The first rule that matches wins; the order
says which reading is stronger (a governing 争取…开工 before a bare 建设; 提档升级 of a thing that
exists before a target 建成). A clause no rule reads falls back to the cue the extractor kept
(the verb of an earlier run of the same sentence). Where nothing speaks, the status is a default
and says so (``DEFAULT_BASIS``).

>>> judge("提档升级□、□、□", "", "plan").status
'运营'
>>> judge("依托□建设", "", "plan").status, judge("依托□", "", "plan").status
('在建', '运营')
>>> judge("争取□开工", "", "plan").status, judge("□主体封顶", "", "review").status
('前期', '在建')
>>> j = judge("□", "", "plan")
>>> j.status, j.basis
('规划', '默认（文中无进度表述）')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from projects.documents.extract import Mention, extract_mentions
from projects.vocab import STATUSES, UNKNOWN_STATUS

#: The basis of a status no words of the document give (a 专栏 item without a verb).
DEFAULT_BASIS = "默认（文中无进度表述）"


@dataclass(frozen=True)
class Rule:
    """One reading of a cue: its pattern, the status it means in a plan and in a review, and a
    real line of the documents where it occurs (tested)."""

    #: Short name, also the first words of the basis shown to planners.
    key: str
    #: Regular expression over the masked clause (□ = a name of the run).
    pattern: str
    #: Status in a plan (None: the rule does not apply there).
    plan: str | None
    #: Status in a review of past years (None: the rule does not apply there).
    review: str | None
    #: Why, in Chinese (shown in the details pane).
    why: str
    #: An example: ``doc-prefix:line`` and the verbatim words of that line.
    where: str
    words: str
    #: Status in a multi-year plan (十四五规划, 行动方案), where the cue names an end-of-period
    #: target rather than this year's work (None: as in ``plan``).
    target: str | None = None


R = Rule
#: The rules, strongest first. Every row's example is checked against the documents in tests.
RULES: tuple[Rule, ...] = (
    R(
        "完成总量",
        r"完成总量的\d+%",
        "在建",
        "在建",
        "工程完成一部分，仍在建设",
        "002:35",
        "大学城复线隧道项目完成总量的70%",
    ),
    R(
        "部分建成",
        r"建成.{0,2}□.{0,2}[\d.]+(?:亩|公里|万?平方米)",
        "在建",
        "在建",
        "建成的是一年的工作量，项目仍在推进",
        "002:37",
        "建成“两岸青山·千里林带”1500亩",
        "规划",
    ),
    R(
        "争取/谋划",
        r"争取|力争|适时开展|谋划|筹建|推动设立|前期研究|前期工作|申报|筹办|规划研究",
        "前期",
        "前期",
        "尚在争取、谋划或筹备，未开工",
        "001:784",
        "争取渝遂高速拓宽改造开工",
    ),
    R(
        "争取升级",
        r"推动□(?:升级|转型)为",
        "前期",
        "前期",
        "推动它升级为另一类平台（综合保税区须经批准设立）：尚在申报、筹备，还未建设",
        "001:738",
        "推动铁路口岸升级为综合保税区",
    ),
    R(
        "已开工",
        r"^□(?:、□)*(?:等\S{0,6})?(?:启动建设|全面开工)",
        "在建",
        "在建",
        "名称在前、开工在后，是在说它已经开工（计划里要开工的写作“启动□”“开工建设□”）",
        "001:358",
        "西部（重庆）科学城启动建设",
    ),
    R(
        "开工",
        r"开工|启动",
        "前期",
        "在建",
        "计划中“开工”指尚未开工；回顾中指已开工",
        "002:77",
        "开工建设杨家滩保租房",
    ),
    R(
        "新建/新增",
        r"新建|新增|新设|新开",
        "规划",
        "建成",
        "文中写明是新建",
        "001:534",
        "新增特钢创意产业园、凤凰山创意园等新经济产业空间50万平方米",
    ),
    R(
        "依托其建设",
        r"(?:依托|联动|融入)□(?:[、和与及]□)*(?:等)?建设",
        "在建",
        "在建",
        "依托、联动、融入的是它的建设（依托…建设），说明它正在建设，而非已建成运行的依托对象",
        "001:606",
        "依托西部（重庆）科学城建设",
    ),
    R(
        "以其建设为重点",
        r"以□[^，。；□]*建设为",
        "规划",
        "在建",
        "以它的建设为重点、为引领：要建设的是它，不是以一个已在运行的去处为依托",
        "001:635",
        "以中梁都市村庄和缙云山麓美丽乡村建设为重点",
    ),
    R(
        "建设主体",
        r"□建设[^□、，；\d等]{0,6}(?:医院|中心|平台|系统|网络)$",
        "运营",
        "运营",
        "名称之后是它要建设的内容（无名称）：它是建设者，已在运行",
        "001:621",
        "区中西医结合医院建设智慧医院",
    ),
    R(
        "既有提升",
        r"提档升级|提质扩容|扩容提质|提质增效|提质发展|提升|优化|完善|迭代升级|扩能升级|业态升级|升级版"
        r"|焕新|满园扩园|盘活利用|保护利用|修缮|提质(?!建设)|做靓|做强|做大|□向[^□，]*转型|□制造业服务化"
        r"|□(?:、□)*等\S{0,6}城市更新$",
        "运营",
        "运营",
        "对已有设施提档、提质、保护或盘活，说明它已建成并在运行",
        "002:63",
        "提档升级重庆工业设计产业城",
    ),
    R(
        "既有景区",
        r"补齐□(?:、□)*等\S{0,4}景区|打造□(?:、□)*等\S{0,4}消费集聚区",
        "运营",
        "运营",
        "补齐的是这些景区的设施短板、要打造成消费集聚区的是这些古镇和去处：它们已在运行",
        "001:848",
        "加快补齐磁器口古镇、渣滓洞、白公馆等重点景区公共设施",
    ),
    R(
        "打造名片",
        r"打造□(?:、□)*等\S{0,6}名片",
        "在建",
        "在建",
        "要打造成城市名片的是已有其名、正在开发的板块：把它建出水平和特色，说明它在建设之中，"
        "不是尚未起步的规划",
        "000:31",
        "高起点高标准打造青凤科创城、国际物流城、井双嘉陵湾等城市功能名片",
    ),
    R(
        "既有依托",
        r"依托(?![^□，]*?(?:构建|建设|打造))|发挥|用好|用活|领衔|为(?:核心|龙头|依托|主体|引领|支撑|重点|载体)|转为正式开放|三甲|高(?:质量|端化)发展|发展壮大"
        r"|创建\S{0,4}[345]A|[345]A级景区|(?<!建成)(?<!开街)运营|入驻|落户□|向\S*□\S*集聚|□等楼宇集聚|□等\S{0,6}平台发展$|联动(?!建设|推进)|串联|辐射带动|衔接|对接|连片发展",
        "运营",
        "运营",
        "以它为依托、龙头或发展对象，说明它已存在并在运行",
        "002:88",
        "以西南医院、新桥医院、肿瘤医院等高水平医院为龙头",
    ),
    R(
        "加快投用",
        r"加快(?:建成|投用|投运)",
        "在建",
        "在建",
        "写明正在加快建成、投用：仍在建设，尚未投用",
        "000:152",
        "加快投用西部陆海新通道重庆无水港",
    ),
    R(
        "建成投用",
        r"建成投运|建成投用|投运|(?<!即将)投用|开街|开园|挂牌运行|投产|建成运营|建成通车|通车"
        r"|成功创建三级医院|蝶变网红|交付",
        "在建",
        "运营",
        "回顾中已投入使用；计划中是今年要投用的在建项目",
        "002:20",
        "器官智能生物制造工程研究中心建成投运",
        "规划",
    ),
    R(
        "进展",
        r"主体封顶|主体完工|即将投用|加快|续建|推进|提速|快速推进|全面铺开|铺开|推动\S*建设|提质建设"
        r"|建好",
        "在建",
        "在建",
        "写明正在加快、推进或接近完工；“建好”是把正在建设的办好，不是期末建成的目标",
        "002:35",
        "云湖未来社区主体封顶",
    ),
    R(
        "建成",
        r"完工|竣工|建成|完成|改扩建|扩建|迁建|改造",
        "在建",
        "建成",
        "回顾中已建成；计划中是期内要建成的在建项目",
        "002:37",
        "西永污水处理厂扩建工程完工",
        "规划",
    ),
    R(
        "引进/落地",
        r"引进|落地|签约|落户|招引",
        "前期",
        "前期",
        "刚引进或落地，尚未建成",
        "002:20",
        "落地重庆大学工业母机创新研究院",
    ),
    R(
        "支持其经营",
        r"(?:支持|鼓励|引导)□(?:、□)*(?:导入|开发|拓展|研发)",
        "运营",
        "运营",
        "支持它导入新产品、拓展业务：说的是一家在经营的企业要做的事，不是在建的项目",
        "002:62",
        "支持西南药业导入新产品",
    ),
    R(
        "推动",
        r"推动|支持|助推|促进|配合|融入",
        "在建",
        "在建",
        "推动、配合中的项目视为在建",
        "001:691",
        "积极配合成渝中线高铁、快速路二横线等建设",
    ),
    R(
        "布局/建设",
        r"建设|布局|打造|实施|创建|共建|规划|培育|争创|设立|组建|构建",
        "规划",
        "在建",
        "计划中只说建设、打造，未说进度，视为规划；回顾中视为在建",
        "001:738",
        "布局建设国际商品交易中心、物流交易中心",
    ),
)


@dataclass(frozen=True)
class Judgement:
    """The status a mention implies, the rule that said so and the words it read."""

    status: str
    rule: str
    #: The verbatim words that carry the status ("" for a default).
    cue: str
    #: Chinese: rule and reason, or DEFAULT_BASIS.
    basis: str


def _compiled() -> list[tuple[Rule, re.Pattern[str]]]:
    return [(r, re.compile(r.pattern)) for r in RULES]


_COMPILED = _compiled()


#: Why a multi-year plan's 建成/投用 is read as 规划 (shown in the details pane).
TARGET_WHY = "多年规划里的建成、投用是期末目标，文中未写进度，视为规划"


def judge(clause: str, cue: str, part: str | None, *, multi_year: bool = False) -> Judgement:
    """The status of a mention from its masked clause, else the extractor's cue, else a default.

    ``part`` is "review" for the review of past years in a report, anything else for a plan.
    ``multi_year`` says the plan spans years (a 规划 or 行动方案, not a report's plan for this
    year): there 建成改造G212… (001:794) is the period's target, not work under way.

    >>> judge("建成改造□、□", "", "plan", multi_year=True).status
    '规划'
    >>> judge("建成改造□、□", "", "plan").status
    '在建'

    An item coordinated after another (…示范带建设、□建设) takes the verb that governs both:

    >>> judge("□建设", "推进", "plan", multi_year=True).status
    '在建'
    """
    review = part == "review"
    said = [_read(text, review, multi_year) for text in (clause, cue) if text]
    said = [j for j in said if j is not None]
    if len(said) == 2 and clause.startswith("□") and said[0].rule == WEAKEST != said[1].rule:
        # 推进中梁乡村振兴示范带建设、中梁农业互联网小镇建设 (001:775): the second item's own
        # words are only 建设; the verb governing both (推进, kept as the cue) says more
        return said[1]
    if said:
        return said[0]
    if review:
        return Judgement(UNKNOWN_STATUS, "默认", "", DEFAULT_BASIS)
    return Judgement("规划", "默认", "", DEFAULT_BASIS)


#: The weakest reading (a bare 建设 / 打造), last of the table.
WEAKEST = RULES[-1].key


def _read(text: str, review: bool, multi_year: bool) -> Judgement | None:
    """The first rule that reads ``text``, as a judgement; None when none does."""
    for rule, rx in _COMPILED:
        target = multi_year and not review and rule.target
        status = rule.review if review else (rule.target if target else rule.plan)
        m = rx.search(text)
        if status and m:
            why = TARGET_WHY if target else rule.why
            return Judgement(status, rule.key, _cue_words(text, m), f"{rule.key}：{why}")
    return None


def _cue_words(text: str, m: re.Match[str]) -> str:
    """The matched words, widened to the clause around them (names shown as …)."""
    words = text.replace("□", "…").strip("，,；; ")
    return words if len(words) <= 40 else m.group(0).replace("□", "…")


#: The heading that opens the plan part of a 政府工作报告 (2025年工作安排).
_PLAN_HEADING = re.compile(
    r"^\s*(?:20\d\d年工作(?:安排|任务|打算)|第[一二三四五六七八九十]+[节章].*)\s*$"
)
#: Headings that open a review of past years: a report's 工作回顾, a plan's 取得决定性成就 section.
_REVIEW_HEADING = re.compile(r"^\s*(?:20\d\d年工作回顾|第[一二三]节\s*\S*取得决定性成就)\s*$")


def plan_boundary(lines: list[str]) -> int | None:
    """1-based line where a 政府工作报告 turns from reviewing last year to planning this one.

    None for documents that are plans throughout (they have no 工作回顾 part).

    >>> plan_boundary(["报告", "2024年工作回顾", "…", "2025年工作安排", "…"])
    4
    """
    start = next((i for i, x in enumerate(lines) if _REVIEW_HEADING.match(x)), None)
    if start is None:
        return None
    for i in range(start + 1, len(lines)):
        if _PLAN_HEADING.match(lines[i]):
            return i + 1
    return None


def part_of(line: int, boundary: int | None) -> str | None:
    """'review' or 'plan' for a line: a document without a review part is a plan throughout."""
    if boundary is None:
        return "plan"
    return "review" if line < boundary else "plan"


def status_of(cue: str, part: str | None) -> str:
    """The status one verbatim cue implies (no clause): kept for callers that only have a cue.

    >>> status_of("建成投运", "review"), status_of("建成投用", "plan"), status_of("争取开工", None)
    ('运营', '在建', '前期')
    """
    return judge("", cue, part).status


def rank(status: str) -> int:
    """Position in the life cycle (规划 0 … 运营 4); 未知 is -1."""
    return STATUSES.index(status) if status in STATUSES else -1


def statuses(text: str, doc: str = "") -> list[tuple[Mention, str | None, str]]:
    """Each mention of a plan text with its part ('review', 'plan' or None) and status.

    The whole pipeline for a new document, e.g. next year's 政府工作报告:

    >>> text = "2025年工作回顾\\n凤凰山创意园建成投用。\\n2026年工作安排\\n投用云湖未来社区。"
    >>> [(m.name, part, s) for m, part, s in statuses(text)]
    [('凤凰山创意园', 'review', '运营'), ('云湖未来社区', 'plan', '在建')]
    """
    boundary = plan_boundary(text.splitlines())
    out = []
    for m in extract_mentions(text, doc):
        part = part_of(m.line, boundary)
        out.append((m, part, judge(m.clause, m.cue, part).status))
    return out
