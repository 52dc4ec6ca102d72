"""One record from the mentions of one project: name, sources, status history and years."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from projects.documents import Mention
from projects.documents.sector_rules import district_for, sector_with_basis
from projects.documents.status import (
    DEFAULT_BASIS,
    TARGET_WHY,
    WEAKEST,
    judge,
    part_of,
    rank,
)
from projects.documents.surface_forms import add_surface_form, line_text
from projects.documents.zone_rules import zone_of_mention, zone_of_name, zone_of_route
from projects.records.merge_keys import base_key, merge_key
from projects.schema import empty_properties
from projects.vocab import DOCUMENTS_BY_FILE, OUTSIDE, UNKNOWN_STATUS


def _doc_order(doc: str) -> tuple[str, str]:
    d = DOCUMENTS_BY_FILE[doc]
    return (d.date if len(d.date) > 4 else d.date + "-01-01", d.file)


def _mention_window(m: Mention, part: str | None) -> tuple[int, int, str]:
    """(start, end, basis) a mention gives: the review year, an explicit year, the one year a
    report plans for, or the plan period."""
    d = DOCUMENTS_BY_FILE[m.doc]
    start, end = d.period
    if part == "review":
        # a review that reports the thing done closes its window; one that reports progress
        # (建成“两岸青山·千里林带”1500亩) says only that it ran that year
        done = rank(judge(m.clause, m.cue, part).status) >= rank("建成")
        return start - 1, start - 1, "review" if done else "period"
    if m.found:
        # a plan that names the project as context or explains it (the notes of 002) plans
        # nothing for it: it says only which period's document names it
        return start, end, "period"
    if m.year and start <= m.year <= max(end, start + 15):
        return start, m.year, "text"
    return start, end, "plan_year" if start == end else "period"


#: years_basis codes, weakest first.
YEARS_BASES: tuple[str, ...] = ("period", "plan_year", "text", "review")


def years_of(ms: list[Mention], bounds: dict[str, int | None]) -> tuple[int, int, str]:
    """(start_year, end_year, years_basis) of a project.

    The start is the earliest year any document puts it in. The end prefers what the text says
    (到2025年, the year a report plans for or reviews) over the plan period of the naming
    document, which only says when the document was written for; but a year older than the
    latest document naming the project no longer closes its window. ``years_basis`` says which
    kind the end year is ("text", "review", "plan_year" or "period").

    >>> from projects.documents import Mention
    >>> doc = "001_597dad319c36e270.txt"
    >>> years_of([Mention("X", 900, doc=doc), Mention("X", 736, doc=doc, year=2023)], {doc: 355})
    (2021, 2023, 'text')
    >>> years_of([Mention("X", 900, doc=doc)], {doc: 355})
    (2021, 2025, 'period')
    """
    windows = [_mention_window(m, part_of(m.line, bounds.get(m.doc))) for m in ms]
    start = min(w[0] for w in windows)
    latest = max(int(DOCUMENTS_BY_FILE[m.doc].date[:4]) for m in ms)
    # a review of last year in this year's report is as fresh as that report
    explicit = [w for w in windows if w[2] != "period" and w[1] + (w[2] == "review") >= latest]
    if not explicit:
        return start, max(w[1] for w in windows), "period"
    best = max(explicit, key=lambda w: (w[1], YEARS_BASES.index(w[2])))
    return start, best[1], best[2]


def text_zone(
    name: str, names: list[str], ms: list[Mention], lines_by_doc: dict[str, list[str]]
) -> tuple[str | None, list[str], str | None]:
    """(zone, zones, zone_basis) the documents give a project of the district, or (None, [], None).

    Its own name first (a place of known zone in it), then its mentions: the section they stand
    in or the zone phrase they follow; the zone most mentions give wins.
    """
    for n in [name, *sorted(set(names) - {name}, key=len, reverse=True)]:
        found = zone_of_name(n)
        if found:
            return found[0], found[1], f"文中：名称含{found[2]}"
    route = zone_of_route(name)
    if route:
        return route[0], route[1], f"文中：{route[2]}"
    said: dict[str, list[str]] = defaultdict(list)
    for m in ms:
        text = line_text(lines_by_doc, m.doc, m.line)
        spelled = next((n for n in (m.name, *names) if n in text), m.raw)
        # a name found as context (加快推动渣滓洞、白公馆、磁器口连片发展 under 沙磁文化旅游展示区,
        # 001:721) says what the section is about, not where it lies: only its words count
        found = zone_of_mention("" if m.found else m.section, text, spelled)
        if found:
            # 「文中：」 leads the basis once, and a line the phrase already cites is not cited twice
            cite, why = f"{m.doc[:3]}:{m.line}", found[1].removeprefix("文中")
            said[found[0]].append(why if re.search(rf"{cite}(?!\d)", why) else f"{cite} {why}")
    if not said:
        return None, [], None
    zone = max(said, key=lambda z: len(said[z]))
    return zone, [zone], "文中：" + said[zone][0]


def status_history(ms: list[Mention], bounds: dict[str, int | None]) -> list[dict[str, Any]]:
    """One entry per mention that implies a status, oldest document first.

    Each says what the words of that line imply (a review fact or a plan's intention), with the
    verbatim cue and the rule's basis. A mention no words of its line speak for (a 专栏 item)
    says what the same part of its document says elsewhere of the project, else carries
    DEFAULT_BASIS; a mention that only relies on a project the same part says is being built
    takes that reading. Two mentions on one line count once (the one with words wins).
    """
    by_line: dict[tuple[str, int], dict[str, Any]] = {}
    for m in ms:
        part = part_of(m.line, bounds.get(m.doc)) or "plan"
        d = DOCUMENTS_BY_FILE[m.doc]
        j = judge(m.clause, m.cue, part, multi_year=d.period[1] > d.period[0])
        entry = {
            "doc": m.doc,
            "date": d.date,
            "year": d.period[0] - 1 if part == "review" else int(d.date[:4]),
            "status": j.status,
            "cue": j.cue,
            "line": m.line,
            "part": part,
            "basis": j.basis,
        }
        old = by_line.get((m.doc, m.line))
        if old is None or (old["basis"] == DEFAULT_BASIS and j.basis != DEFAULT_BASIS):
            by_line[(m.doc, m.line)] = entry
    history = sorted(
        by_line.values(), key=lambda e: (_doc_order(e["doc"]), e["part"] != "review", e["line"])
    )
    history = [_not_running_while_built(e, history) for e in history]
    history = [_framed_round_what_is_made(e, history) for e in history]
    history = [_backed_before_it_starts(e, history) for e in history]
    history = [_target_of_what_is_built(e, history) for e in history]
    history = [_made_of_what_runs(e, history) for e in history]
    history = [_words_of_the_part(e, history) for e in history]
    # A review line with no words of progress (002:20 水泵厂入选国家级制造业单项冠军企业) implies
    # no status: it stays a source, and the history keeps only mentions that say one.
    return [e for e in history if e["status"] != UNKNOWN_STATUS]


#: Rules that say a project is being prepared or built, and the weak reading of one as running
#: (it is relied on, its role is to be used: 发挥, 依托, 对接) that they outweigh in the same part.
BUILDING_RULES = ("已开工", "开工", "争取/谋划", "依托其建设", "加快投用", "进展")
RELIED_ON = "既有依托"
BUILT_WHY = (
    "同一文件同一部分写明它正在建设或筹备（{where}“{cue}”），这里说的是它将发挥的作用，不是已在运行"
)

#: Why a report's plan to run what its review says was still being built reads 在建.
REVIEW_BUILT_WHY = "同一报告的回顾写明它去年仍在建设（{where}“{cue}”）：计划中的运营是今年要投运的目标，不是已在运行"


def _not_running_while_built(
    entry: dict[str, Any], history: list[dict[str, Any]]
) -> dict[str, Any]:
    """A mention that only relies on a project (发挥…功能) takes the part's words of building it.

    001:701 更好发挥重庆西站、成渝中线高铁科学城站、沙坪坝站枢纽集聚优势 reads the three stations
    as running; the same plan says 加快建设科学城高铁站 (001:749), so there the station's role is
    a hope, not a fact. Stronger readings of what exists (提档升级, 改造提升) are left alone: an
    existing hospital may have a new wing under way.
    """
    if _rule(entry) != RELIED_ON:
        return entry
    # …unless the review of the same document reports it in use: 001:11 黄金湾·智谷等平台投运, so
    # 依托…黄金湾·智谷…等创新平台 (001:601) relies on what runs, whatever 001:701 still builds there
    if any(
        h["doc"] == entry["doc"] and h["part"] == "review" and h["status"] in ("运营", "建成")
        for h in history
    ):
        return entry
    built = [h for h in _same_part(entry, history) if _rule(h) in BUILDING_RULES]
    if not built:
        # …or the review of the same report says it was still being built last year: 002:30
        # 国际铁路港综保区加快建设, so 高质量运营国际铁路港综保区 (002:71) is this year's opening
        built = [
            h
            for h in history
            if h["doc"] == entry["doc"]
            and h["part"] == "review" != entry["part"]
            and _rule(h) in BUILDING_RULES
            and h["status"] == "在建"
        ]
        if not built:
            return entry
        best = built[-1]
        why = _why(REVIEW_BUILT_WHY, best)
        return {**entry, "status": "在建", "basis": f"{_rule(best)}：{why}"}
    best = max(built, key=lambda h: rank(h["status"]))
    why = _why(BUILT_WHY, best)
    return {**entry, "status": best["status"], "basis": f"{_rule(best)}：{why}"}


#: A plan framed round a thing (以大成湖湿地公园为核心) says nothing of whether it runs.
FRAMING = re.compile(r"为(?:核心|依托|主体|引领|支撑|重点|载体)")
#: Why a framing reading of a thing the same part plans to make is no reading of it as running.
FRAMED_WHY = (
    "同一文件同一部分写明要打造、建设它（{where}“{cue}”）：以它为核心、为依托说的是规划的布局，"
    "不是它已在运行"
)


def _framed_round_what_is_made(
    entry: dict[str, Any], history: list[dict[str, Any]]
) -> dict[str, Any]:
    """A plan framed round a project its own part plans to make reads as that plan: 规划.

    001:723 以大成湖湿地公园为核心…高标准建设25公里公共活力风情带 reads the park as running (the
    reliance rule); the same plan says 大手笔打造大成湖城市绿心 (001:711): the park the belt is
    framed round is to be made. Only a framing reading gives way, only to the part's own words
    of making the thing (打造, 建设), not to one a box item took or another line corrected.
    """
    if _rule(entry) != RELIED_ON or entry["part"] != "plan" or not FRAMING.search(entry["cue"]):
        return entry
    made = [
        h
        for h in _same_part(entry, history)
        if h["basis"].startswith(f"{WEAKEST}：")
        and "同一文件" not in h["basis"]
        and "专栏" not in h["basis"]
    ]
    if not made:
        return entry
    best = made[0]
    why = _why(FRAMED_WHY, best)
    return {**entry, "status": best["status"], "basis": f"{WEAKEST}：{why}"}


#: The weak reading of backing a project (推动, 配合, 支持 … 建设) as one under way, and the rules
#: that say where it stands before building starts.
BACKED_RULE = "推动"
NOT_STARTED_RULES = ("开工", "争取/谋划")
#: Why backing a project the same part says is still to start is no reading of it as built.
NOT_STARTED_WHY = (
    "推动、配合的是它的建设，而同一文件同一部分写明它尚未开工（{where}“{cue}”）：仍在前期"
)


def _backed_before_it_starts(
    entry: dict[str, Any], history: list[dict[str, Any]]
) -> dict[str, Any]:
    """Backing a project's building (配合…建设) where its own part says it is still to start: 前期.

    001:691 积极配合成渝中线高铁、快速路二横线等建设 reads both as under way by the weak 推动 rule;
    the same plan says 推动成渝中线高铁、渝西高铁开工建设 (001:783): in 2021 the railway had not
    started, and backing its building is backing what is to come. Only the weak reading gives
    way, only to the part's own words that building has not started.
    """
    if _rule(entry) != BACKED_RULE or entry["part"] != "plan":
        return entry
    later = [
        h
        for h in _same_part(entry, history)
        if _rule(h) in NOT_STARTED_RULES and h["status"] == "前期"
    ]
    if not later:
        return entry
    best = later[0]
    why = _why(NOT_STARTED_WHY, best)
    return {**entry, "status": "前期", "basis": f"{BACKED_RULE}：{why}"}


#: Rules whose own words say a project is being built now (not a governing 推动 or 配合).
UNDER_WAY_RULES = ("完成总量", "已开工", "依托其建设", "加快投用", "进展")
#: Why a multi-year plan's target of a project its own part says is being built reads 在建.
UNDER_WAY_WHY = "多年规划里的建成、投用是期末目标，而同一文件同一部分写明它正在建设（{where}“{cue}”）：要建成的是在建项目"


def _target_of_what_is_built(
    entry: dict[str, Any], history: list[dict[str, Any]]
) -> dict[str, Any]:
    """A multi-year plan's 建成 target of a project its own part says is being built: 在建.

    001:580 建成小康中高端智能网联汽车基地 is the period's target, 规划 by its words alone; the
    same plan says 推动东风小康中高端智能网联汽车等重大项目加快建设 (001:548): what is to be
    finished by 2025 is being built. Only the target reading gives way, only to the part's own
    words of progress (not to a governing 推动, nor to a box item that took them).
    """
    if entry["part"] != "plan" or TARGET_WHY not in entry["basis"]:
        return entry
    built = [
        h
        for h in _same_part(entry, history)
        if _rule(h) in UNDER_WAY_RULES and h["status"] == "在建" and BUILT_WHY[:8] not in h["basis"]
    ]
    if not built:
        return entry
    best = built[0]
    why = _why(UNDER_WAY_WHY, best)
    return {**entry, "status": "在建", "basis": f"{_rule(entry)}：{why}"}


#: The readings of a plan to make a thing that give way to its part's reading of it as running:
#: a bare 打造 / 建设, and 打造…等城市功能名片 (000:31), which reads the 板块 as being developed.
MADE_RULES = (WEAKEST, "打造名片")
#: Why a bare 打造 / 建设 of a thing the same part reads as running is no plan to build it.
RUNNING_WHY = "计划中只说打造、建设，而同一文件同一部分写明它已在运行（{where}“{cue}”）：打造的是已有的它，不是新建"


def _made_of_what_runs(entry: dict[str, Any], history: list[dict[str, Any]]) -> dict[str, Any]:
    """A plan's bare 打造 / 建设 of a thing its own part reads as running says it runs.

    001:603 统筹打造黄金湾·智谷、金沙星座·科创园、青凤高科创新孵化中心等集约型高密度都市楼宇
    reads 规划 by its words alone; the same plan says 推动金沙星座·科创园…高质量发展 (001:534) and
    提升…金沙星座·科创园等平台功能 (001:546): what is made denser is a park that runs. Only the
    weakest reading gives way (and the name card's: 000:31 高起点高标准打造…国际物流城…等城市功能
    名片 reads the quarters as being developed, and the same plan's 提升国际物流城…品质, 000:157,
    says that one runs), only to readings of the part's own words (not to a box item that took
    them, nor one corrected by building), and never where the part says the thing is new.
    """
    if _rule(entry) not in MADE_RULES or entry["part"] != "plan":
        return entry
    same = _same_part(entry, history)
    if any(_rule(h) == NEW_RULE for h in same):
        return entry
    # (box items take their part's words only after this pass: none has taken any yet)
    running = [h for h in same if _existing(h) and h["cue"]]
    if not running:
        return entry
    best = running[0]
    why = _why(RUNNING_WHY, best)
    return {**entry, "status": best["status"], "basis": f"{_rule(best)}：{why}"}


#: The basis of a mention no words of its own line speak for (a 专栏 item), taking the words the
#: same part of the same document says elsewhere of the same project: ``rule：…``.
INHERITED_WHY = "专栏里未写进度，取同一文件正文 {where} 的表述（{cue}）；{why}"


def _words_of_the_part(entry: dict[str, Any], history: list[dict[str, Any]]) -> dict[str, Any]:
    """A default entry takes the status the same part of the same document gives the project.

    A 专栏 box lists names without verbs; the running text of the same document often says where
    the same project stands (001:796 lists 科学城高铁站, 001:749 says 加快建设科学城高铁站; 001:790
    lists 渝遂高速拓宽改造, 001:784 says 争取…开工). The box mention says what its document says,
    read as ``current_status`` reads one part (the most advanced, unless the part says it is new).
    Entries with words of their own, and defaults no worded mention of their part speaks for,
    stay as they are.
    """
    if entry["basis"] != DEFAULT_BASIS:
        return entry
    same = [
        h
        for h in _same_part(entry, history)
        if h["basis"] != DEFAULT_BASIS
        and rank(h["status"]) >= 0
        # 加快区妇幼保健院…建设智慧医院 (001:621) says the hospital runs and builds; it says
        # nothing of the 区妇幼保健院建设工程（一期） a box (001:945) lists under the same record
        and _rule(h) != BUILDER_RULE
    ]
    if any(_rule(h) == NEW_RULE for h in same):
        same = [h for h in same if not _existing(h)]
    if not same:
        return entry
    # the first of the most advanced, a line's own reading before one corrected by another line
    best = max(same, key=lambda h: (rank(h["status"]), BUILT_WHY[:8] not in h["basis"]))
    where = f"{best['doc'][:3]}:{best['line']}"
    key, _, why = best["basis"].partition("：")
    said = INHERITED_WHY.format(where=where, cue=best["cue"], why=why)
    # the cue says where its words stand: the details pane shows the cue beside the box's line
    cue = f"第{best['line']}行：{best['cue']}"
    return {**entry, "status": best["status"], "cue": cue, "basis": f"{key}：{said}"}


def current_status(history: list[dict[str, Any]]) -> str | None:
    """The status now: the latest fact of the documents.

    Entries with words outrank defaults. Documents are read in date order, and within one
    document its review before its plan; each part says its most advanced status. A later part
    replaces what came before, except that a plan never undoes a review fact (the 2025 plan's
    加快建设 does not make a park the 2024 review reported open unbuilt again).

    >>> h = [{"doc": "a", "status": "运营", "part": "review", "basis": "x"},
    ...      {"doc": "a", "status": "在建", "part": "plan", "basis": "x"}]
    >>> current_status(h)
    '运营'

    Unless the text says it is new (the issue's "unless the text says it is new"): a part that
    reads it 新增 is not outweighed by the same part reading it as an existing 核心载体.

    >>> h = [{"doc": "a", "status": "规划", "part": "plan", "basis": "新建/新增：…"},
    ...      {"doc": "a", "status": "运营", "part": "plan", "basis": "既有依托：…"}]
    >>> current_status(h)
    '规划'
    """
    said = [h for h in history if h.get("doc") and h.get("basis") != DEFAULT_BASIS]
    said = [h for h in said if rank(h["status"]) >= 0]
    if not said:
        defaults = [h for h in history if h.get("doc") and rank(h["status"]) >= 0]
        return defaults[-1]["status"] if defaults else None
    # a part that says the thing is new (新增特钢创意产业园, 001:534) is not outweighed by its
    # own reading of the thing as existing (以…特钢厂国际创意产业示范园…为核心载体, 001:603)
    new = {(h["doc"], h.get("part") or "plan") for h in said if _rule(h) == NEW_RULE}
    said = [h for h in said if not ((h["doc"], h.get("part") or "plan") in new and _existing(h))]
    groups: dict[tuple[str, str], str] = {}
    for h in said:  # history is in reading order, so groups keep it
        key = (h["doc"], h.get("part") or "plan")
        if key not in groups or rank(h["status"]) > rank(groups[key]):
            groups[key] = h["status"]
    status, fact = None, None
    for (_doc, part), said_status in groups.items():
        if part == "plan" and fact is not None and rank(said_status) < rank(fact):
            status = fact
            continue
        status = said_status
        if part == "review":
            fact = said_status
    return status


#: The status rule that says a thing is new, and those that read it as existing.
NEW_RULE = "新建/新增"
#: The rule that reads a name as the builder of a nameless thing after it (001:621).
BUILDER_RULE = "建设主体"
EXISTING_RULES = ("既有提升", "既有景区", "既有依托")


def _same_part(entry: dict[str, Any], history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries of ``entry``'s document and part (review or plan), in history order: what
    the passes read a mention against."""
    return [h for h in history if h["doc"] == entry["doc"] and h["part"] == entry["part"]]


def _why(template: str, best: dict[str, Any]) -> str:
    """A pass's reason, naming the entry it rests on by its line (「001:783“推动…”」)."""
    return template.format(where=f"{best['doc'][:3]}:{best['line']}", cue=best["cue"])


def _rule(entry: dict[str, Any]) -> str:
    return str(entry.get("basis") or "").split("：")[0]


def _existing(entry: dict[str, Any]) -> bool:
    return _rule(entry) in EXISTING_RULES


#: A name that is works on an existing thing (重庆铁路集装箱中心站扩能改造): that the thing runs is
#: in the name; a plan that raises or improves it plans the works.
WORKS_NAME = re.compile(r"(?:扩能改造|改造提升|提升改造|升级改造|扩能|提升工程|改造工程|改造)$")
WORKS_WHY = "名称是对已有设施的改造：提升、优化它，就是计划中要做的这项改造，不是说改造已在运行"


def _works_on_what_runs(name: str, entry: dict[str, Any]) -> dict[str, Any]:
    """A plan's 提升 / 优化 of the thing a works record improves is the works planned.

    000:150 提升…铁路集装箱中心站等功能平台的集散运输能力 says the station runs; for the record of
    its 扩能改造 (001:674), merged with it, raising its capacity is the works, planned.

    >>> e = {"basis": "既有提升：…", "status": "运营", "part": "plan"}
    >>> _works_on_what_runs("重庆铁路集装箱中心站扩能改造", e)["status"]
    '规划'
    >>> _works_on_what_runs("重庆铁路集装箱中心站", e)["status"]
    '运营'
    """
    if _rule(entry) != "既有提升" or entry["part"] != "plan" or not WORKS_NAME.search(name):
        return entry
    return {**entry, "status": "规划", "basis": f"{_rule(entry)}：{WORKS_WHY}"}


#: A 板块 a plan sets up under its own heading (001:722 第三节　梁滩河谷生态展示区).
DESIGNATION = re.compile(r"(?:示范区|展示区|示范带)$")
DESIGNATED_WHY = (
    "这是本规划自己划定的板块（{where}“{head}”）：依托、联动它说的是规划中的板块，不是它已在运行"
)


def _designating_heads(
    name: str, ms: list[Mention], lines_by_doc: dict[str, list[str]]
) -> dict[str, tuple[int, str]]:
    """{doc: (line, heading)} of the documents whose section heading sets the 板块 up."""
    if not DESIGNATION.search(name):
        return {}
    out: dict[str, tuple[int, str]] = {}
    for m in ms:
        text = line_text(lines_by_doc, m.doc, m.line)
        if re.fullmatch(r"第[一二三四五六七八九十]+节" + re.escape(name), text):
            out.setdefault(m.doc, (m.line, text))
    return out


def _designated_here(entry: dict[str, Any], heads: dict[str, tuple[int, str]]) -> dict[str, Any]:
    """A reliance reading (依托, 联动) of a 板块 its own plan designates reads as planned.

    001:744 有机联动梁滩河谷生态展示区、…、环大学城创新生态示范区…等重点板块 and 001:597 依托…
    高铁站城融合示范区等开发开放载体 read the 板块 as running; each is a 板块 the same plan sets
    up in 第十六章 (001:722, 739, 741): what the plan links and relies on is what it designates.

    >>> e = {"doc": "a", "part": "plan", "status": "运营", "basis": "既有依托：…"}
    >>> _designated_here(e, {"a": (722, "第三节梁滩河谷生态展示区")})["status"]
    '规划'
    """
    head = heads.get(entry["doc"])
    if head is None or entry["part"] != "plan" or _rule(entry) != RELIED_ON:
        return entry
    why = DESIGNATED_WHY.format(where=f"{entry['doc'][:3]}:{head[0]}", head=head[1])
    return {**entry, "status": "规划", "basis": f"{_rule(entry)}：{why}"}


def make_record(
    key: str,
    ms: list[Mention],
    bounds: dict[str, int | None],
    lines_by_doc: dict[str, list[str]],
    preferred: str | None = None,
) -> dict[str, Any]:
    rec = empty_properties()
    names = [m.name for m in ms]
    # the fullest proper name: the longest form, the earliest document breaking ties; a reviewed
    # merge names its target, which wins when one of the cited lines spells it
    name = max(names, key=lambda n: (len(n), -names.index(n)))
    if preferred and any(preferred in line_text(lines_by_doc, m.doc, m.line) for m in ms):
        name = preferred
    rec["name"] = name
    rec["aliases"] = sorted({n for n in names if n != name})
    boxes = [m.box for m in ms if m.box is not None]
    rec["sector"], rec["sector_basis"] = sector_with_basis(name, boxes)
    rec["_boxed"] = bool(boxes)
    docs = {m.doc for m in ms}
    rec["district"] = district_for(name, docs)
    rec["zone"] = None if rec["district"] == "沙坪坝区" else OUTSIDE
    if rec["district"] == "沙坪坝区":
        rec["zone"], rec["zones"], rec["zone_basis"] = text_zone(name, names, ms, lines_by_doc)
    rec["phase"] = next((m.phase for m in ms if m.phase), None)
    rec["lead_dept"] = next((m.lead_dept for m in ms if m.lead_dept), None)

    sources: dict[tuple[str, int], dict[str, Any]] = {}
    for m in sorted(ms, key=lambda m: (_doc_order(m.doc), m.line)):
        src = sources.setdefault(
            (m.doc, m.line), {"doc": m.doc, "section": m.section, "line": m.line}
        )
        add_surface_form(rec, src, m, lines_by_doc)
    rec["sources"] = list(sources.values())

    history = [_works_on_what_runs(name, e) for e in status_history(ms, bounds)]
    heads = _designating_heads(name, ms, lines_by_doc)
    history = [_designated_here(e, heads) for e in history]
    rec["status_history"] = history
    rec["status"] = current_status(history) or rec["status"]
    rec["start_year"], rec["end_year"], rec["years_basis"] = years_of(ms, bounds)
    rec["_key"] = key
    rec["_forms"] = sorted({merge_key(n) for n in names} - {key})
    rec["_related"] = []
    return rec


def link_phases(records: list[dict[str, Any]]) -> None:
    """Separate phases of one project (一期, 二期, and the unphased whole) point to each other."""
    families: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rec in records:
        families[base_key(rec["_key"])].append(rec)
    for fam in families.values():
        if len(fam) > 1 and any(r["phase"] for r in fam):
            for rec in fam:
                rec["_related"] = [o["_key"] for o in fam if o is not rec]
