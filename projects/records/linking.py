"""Every further line that names a catalogued project, linked to its record.

The extractor keeps a name where a sentence lists it as a project (with a status cue, or in a
专栏 box). The same project is also named where the text relies on it, frames a plan round it
or explains it (以大成湖湿地公园为核心, 促进青凤科创城与国际物流城融合发展, the 名词解释 of 002),
and those lines say where it stands too. Once the mentions are grouped into projects, each
project's names are looked for on every line of every document; a line that names it and is not
yet among its mentions becomes one, read by the same status rules as any other
(``projects.documents.status.judge`` over its masked clause).

A name is no mention where it is part of another project's name (重庆国际物流城 in 重庆国际物流城
开放引领示范区), of an organisation (磁器口古镇管委会), of a compound or longer name (融创文旅城—
重庆全球贸易港消费区, 三峡商圈都市旅游区), or where it stands for the site of other things
(建成佛罗伦萨小镇等25座人行过街设施): ``projects.documents.surface_forms.not_a_mention``.
"""

from __future__ import annotations

import re
from collections import defaultdict

from projects.documents import GLOSSARY_HEADINGS, Mention, Paragraph
from projects.documents.name_rules import phase_of
from projects.documents.surface_forms import line_text, not_a_mention, variants
from projects.records.curation import CurationRow, clause_at, paragraph_at
from projects.records.merge_keys import merge_key

#: A name that is works on an existing thing (科学大道拓宽改造, 重庆铁路集装箱中心站扩能改造).
WORKS_NAME = re.compile(r"(?:扩能改造|改造提升|提升改造|升级改造|扩能|提升工程|改造工程|改造)$")
#: Names shorter than this are looked for only where the extractor found them.
MIN_LENGTH = 3


def search_names(key: str, ms: list[Mention], rows: list[CurationRow]) -> list[str]:
    """The names a project is looked for by: those of its mentions, its reviewed merge target
    and rename, less the text forms a ``form`` row says are no names (重庆果园港区 of the
    connecting road). The record of works on an existing thing is looked
    for only by its works names: 科学大道 is the road, not 科学大道拓宽改造 (001:534 names it as
    one of four axes).

    >>> rows = [CurationRow("form", "重庆果园港区", "", "x", 1, "why")]
    >>> ms = [Mention("重庆国际物流枢纽园至重庆果园港区连接道", 1), Mention("重庆果园港区", 2)]
    >>> search_names("重庆国际物流枢纽园至重庆果园港区连接道", ms, rows)
    ['重庆国际物流枢纽园至重庆果园港区连接道']
    >>> search_names("科学大道拓宽改造", [Mention("科学大道拓宽改造", 1), Mention("科学大道", 2)], [])
    ['科学大道拓宽改造']
    """
    names = {m.name for m in ms}
    for r in rows:
        if r.action == "rename" and merge_key(r.name) == key:
            names.add(r.value)
        if r.action == "merge" and merge_key(r.value) == key:
            names.add(r.value)
    names -= {r.name for r in rows if r.action == "form"}
    names = {re.sub(r"\s+", "", n) for n in names}
    names = {n for n in names if len(n) >= MIN_LENGTH}
    if any(WORKS_NAME.search(n) for n in names):
        names = {n for n in names if WORKS_NAME.search(n)}
    return sorted(names, key=lambda n: (-len(n), n))


def link_further_mentions(
    groups: dict[str, list[Mention]],
    rows: list[CurationRow],
    lines_by_doc: dict[str, list[str]],
) -> dict[tuple[str, int], list[str]]:
    """Add to each group the lines of every document that name it and are not yet among its
    mentions; returns the names each added mention was found by, per (doc, line) (for review).

    A reviewed ``reject`` row for a name at a line (001:811 井双片区, an area of a 电力线路改造
    工程) keeps that line out, as it keeps out the extractor's mention there.
    """
    rejected = {(merge_key(r.name), r.doc, r.line) for r in rows if r.action == "reject" and r.doc}
    names = {key: search_names(key, ms, rows) for key, ms in groups.items()}
    owners: dict[str, set[str]] = defaultdict(set)
    for key, ns in names.items():
        for n in ns:
            owners[n].add(key)
    # every name the extractor cut on a line counts as a longer name there (铁路口岸升级为综合保税区,
    # 001:738, is the 综合保税区 of a merge; 磁器口古镇十二巷, 000:33, the lanes)
    cut: dict[tuple[str, int], set[str]] = defaultdict(set)
    for ms in groups.values():
        for m in ms:
            cut[(m.doc, m.line)].add(re.sub(r"\s+", "", m.name))
    own = {
        key: {re.sub(r"\s+", "", m.name) for m in ms} | set(names[key])
        for key, ms in groups.items()
    }
    # each form of a project's names as printed, with the other projects' names holding it:
    # worked out once per project, not again on every line of the documents
    forms = {
        key: {
            form: tuple(n for n in owners if form in n and n != form and n not in own[key])
            for name in ns
            for form in variants(name)
        }
        for key, ns in names.items()
    }
    found: list[tuple[str, str, int, str, int]] = []  # key, doc, line, name, at
    for doc, lines in lines_by_doc.items():
        for no in range(1, len(lines) + 1):
            text = line_text(lines_by_doc, doc, no)
            if not text:
                continue
            for key, ns in names.items():
                hit = _first_mention(forms[key], own[key], text, cut[(doc, no)])
                if hit is None or any(m.doc == doc and m.line == no for m in groups[key]):
                    continue
                if any((merge_key(n), doc, no) in rejected for n in {key, *ns}):
                    continue
                found.append((key, doc, no, *hit))
    on_line: dict[tuple[str, int], set[str]] = defaultdict(set)
    for _key, doc, no, name, _at in found:
        on_line[(doc, no)].add(name)
    added: dict[tuple[str, int], list[str]] = defaultdict(list)
    for key, doc, no, name, at in found:
        text = line_text(lines_by_doc, doc, no)
        para = paragraph_at(doc, no, lines_by_doc)
        others = (cut[(doc, no)] | on_line[(doc, no)]) - {name}
        groups[key].append(
            Mention(
                name=_canonical(name, groups[key]),
                line=no,
                # a name found in a box's prose is no item of the box: it takes no box theme
                section=_section(doc, no, para, lines_by_doc),
                # the lead department of a paragraph that names the project as context leads
                # that paragraph's work, not the project
                lead_dept=None,
                doc=doc,
                raw=name,
                phase=phase_of(name),
                clause=clause_at(name, text, at, others),
                found=True,
            )
        )
        added[(doc, no)].append(name)
    return dict(added)


def _first_mention(
    forms: dict[str, tuple[str, ...]],
    own: set[str],
    text: str,
    cut: set[str],
) -> tuple[str, int] | None:
    """(name as spelled, offset) of the first place ``text`` names the project, else None.

    ``forms`` are the project's names as printed (:func:`variants`, in the order of its search
    names), each with the other projects' names holding it; those and the names the extractor
    cut on this line (``cut``, less the project's ``own``) are named there instead.
    """
    for form, others in forms.items():
        if form not in text:
            continue
        longer = others + tuple(n for n in cut - own if form in n and n != form)
        k = text.find(form)
        while k >= 0:
            if not_a_mention(form, text, k, longer) is None:
                return form, k
            k = text.find(form, k + 1)
    return None


def _canonical(form: str, ms: list[Mention]) -> str:
    """The mention name a printed form stands for (轨道5号线 for 轨道五号线)."""
    return next((m.name for m in ms if form in variants(m.name)), form)


def _section(
    doc: str, line: int, para: Paragraph | None, lines_by_doc: dict[str, list[str]]
) -> str:
    """The section a found line stands in: 名词解释 for the notes closing a report (002:108 2.
    “4+N”创新平台：“4”指…, whose first words would read as a section naming 上桥), and the
    chapter above a heading that is the line itself (001:718 第一节　嘉陵江智慧湾区).

    >>> lines = ["2025年工作安排", "名词解释", "2. “4+N”创新平台：“4”指创客港未来科技园"]
    >>> _section("x", 3, None, {"x": lines})
    '名词解释'
    """
    before = {re.sub(r"\s+", "", x) for x in lines_by_doc[doc][: line - 1]}
    if before & GLOSSARY_HEADINGS:
        return "名词解释"
    section = para.section if para else ""
    head = section.rsplit(" / ", 1)[-1]
    if head and line_text(lines_by_doc, doc, line) == re.sub(r"\s+", "", head):
        section = section.rsplit(" / ", 1)[0] if " / " in section else ""
    return section
