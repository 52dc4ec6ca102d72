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

from projects.documents.cues import (
    CleanItem,
    clean_item,
)
from projects.documents.list_items import (
    SHARED_HEADS,
    Item,
    category_head,
    sentences,
    share_line_numbers,
    split_items,
    split_joined,
)
from projects.documents.name_rules import (
    is_generic,
    looks_like_name,
    normalise_name,
    phase_of,
    suffix_of,
)
from projects.documents.paragraphs import BOX_SUBHEAD_RE, Paragraph, paragraphs

#: Headings of the closing glossary of a 政府工作报告 (名词解释): extraction stops there.
GLOSSARY_HEADINGS = frozenset({"名词解释", "名词解释：", "附：名词解释"})

#: Brackets that carry metadata rather than names (dropped; 牵头部门 is kept as lead_dept).
METADATA_RE = re.compile(
    r"（(?:专项行动)?(?:牵头部门|牵头单位)[：:]([^（）]*(?:（[^（）]*）[^（）]*)*)）"
)
_YEAR_RE = re.compile(r"(?:到|至|于)\s*(20\d\d)\s*年|(20\d\d)年前(?:完成|建成|投用)")


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
    #: The list run the name stands in (items joined by 、), verbatim, with every name of the
    #: run masked as □: the words the status rules read (projects.documents.status).
    clause: str = ""
    #: True for a line found by the project's name after grouping (projects.records.linking),
    #: where no list of the text names it: its section says what the text is about there, not
    #: where the project lies.
    found: bool = False


def lead_dept(paragraph: str) -> str | None:
    """The lead department a paragraph's metadata bracket names (its last bracket wins).

    >>> lead_dept("建成沙田污水处理厂。（牵头部门：区生态环境局，责任部门：区城市管理局）")
    '区生态环境局'
    """
    lead = None
    for m in METADATA_RE.finditer(paragraph):
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
    text = METADATA_RE.sub(lambda m: "。" + " " * (len(m.group(0)) - 1), text)
    in_box = para.box is not None
    body_start = 0
    found: list[Mention] = []
    if in_box:
        sm = BOX_SUBHEAD_RE.match(text)
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
    for sentence, s_off in sentences(text[body_start:]):
        ym = _YEAR_RE.search(sentence)
        year = int(ym.group(1) or ym.group(2)) if ym else None
        found.extend(
            _sentence_mentions(sentence, s_off + body_start, para, doc, lead, in_box, year)
        )
    return found


def _sentence_mentions(
    sentence: str,
    s_off: int,
    para: Paragraph,
    doc: str,
    lead: str | None,
    in_box: bool,
    year: int | None,
) -> list[Mention]:
    items = split_items(sentence, s_off)
    # consecutive items joined by 、 form a run: a list sharing head, prefix and status cue
    runs: list[list[Item]] = []
    cur: list[Item] = []
    for it in items:
        cur.append(it)
        if it.sep_after != "、":
            runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    runs = [share_line_numbers(run) for run in runs]
    out: list[Mention] = []
    prefix = ""
    sentence_cue = ""
    for run in runs:
        cleaned: list[CleanItem] = []
        run_cue = scue_run = category = ""
        for idx, it in enumerate(run):
            c, scue, cat = clean_item(it.text, it.start, in_box)
            if idx == 0:
                run_cue = c.cue
            if idx == len(run) - 1:
                scue_run, category = scue, cat
            cleaned.append(c)
        run_cue = run_cue or scue_run
        clauses = (
            [_masked_clause([it], [c]) for it, c in zip(run, cleaned, strict=True)]
            if in_box  # a box line lists items, each with its own words
            else _builder_clauses(_masked_clause(run, cleaned), cleaned)
        )
        sentence_cue = run_cue or sentence_cue
        head = category_head(category)
        # 拓普轻量化底盘、立中新材料等13个“链上”项目投产: the list says its items are projects
        project_list = bool(re.search(r"项目", category)) and not re.search(r"企业|品牌", category)
        last_text = split_joined(cleaned[-1].text)[0][0] if cleaned else ""
        last_suffix = next((h for h in SHARED_HEADS if last_text.endswith(h)), "")
        for c, clause in zip(cleaned, clauses, strict=True):
            name = c.text
            if not name:
                continue
            if len(run) > 1 and head and not name.endswith(head) and len(name) <= 8:
                name += head  # 成渝中线、渝西、渝昆等高铁
            elif len(run) > 1 and not suffix_of(name) and len(name) <= 6 and last_suffix:
                name += last_suffix  # 扩建西永、土主污水处理厂
            # shared prefix: 轨道7号线、15号线 → 轨道15号线
            if re.match(r"^[\d一二三四五六七八九十]+号线", name) and prefix:
                name = prefix + name
            pm = re.match(r"^(\D+?)(?=[\d一二三四五六七八九十]+号线)", name)
            if pm:
                prefix = pm.group(1)
            for part, off in split_joined(name):
                part = normalise_name(part)
                if not looks_like_name(part, in_box or project_list) or is_generic(
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
                        phase=phase_of(part),
                        year=year,
                        clause=clause,
                    )
                )
    return out


def _builder_clauses(clause: str, cleaned: list[CleanItem]) -> list[str]:
    """One clause per item of a run: the run's clause, unless one item's name builds something
    nameless in itself (CleanItem.builds); then the names up to it are the builders, read with
    what they build, and the names after it are what is built, read with the governing verb.

    >>> from projects.documents.cues import clean_item
    >>> items = ["加快区人民医院", "区中西医结合医院建设智慧医院", "互联网医院"]
    >>> cleaned = [clean_item(t, 0, False)[0] for t in items]
    >>> _builder_clauses("加快□、□建设智慧医院、□", cleaned)
    ['加快□、□建设智慧医院', '加快□、□建设智慧医院', '加快建设智慧医院、□']
    """
    k = next((i for i, c in enumerate(cleaned) if c.builds), None)
    if k is None:
        return [clause] * len(cleaned)
    at = clause.find(cleaned[k].builds)
    if at < 0:
        return [clause] * len(cleaned)
    end = at + len(cleaned[k].builds)
    builders, rest = clause[:end], clause[end:].lstrip("、，")
    lead = clause[: clause.find("□")] if "□" in clause else ""
    built = lead + cleaned[k].builds + ("、" + rest if rest else "")
    return [builders] * (k + 1) + [built] * (len(cleaned) - k - 1)


def _masked_clause(run: list[Item], cleaned: list[CleanItem]) -> str:
    """The run's text with each item's name replaced by □ (so names never read as cues).

    >>> run = split_items("提档升级重庆工业设计产业城、先锋智慧创新产业园", 0)
    >>> _masked_clause(run, [clean_item(i.text, i.start, False)[0] for i in run])
    '提档升级□、□'
    """
    text = "".join(it.text + it.sep_after for it in run).rstrip("、，；,; ")
    for c in sorted(cleaned, key=lambda c: -len(c.text)):
        if len(c.text) >= 2:
            text = text.replace(c.text, "□" + _becoming(c.text))
    return text


#: A cut that turns one thing into another (铁路口岸升级为综合保税区, 001:738) is a verb phrase
#: around a name, not a name: what it turns into is no name, and the status rules read it.
_BECOMES = re.compile(r"(?<=..)(?:升级|转型)为")


def _becoming(name: str) -> str:
    """The words of a cut after the name it turns into something else ("" for a name).

    >>> _becoming("铁路口岸升级为综合保税区"), _becoming("重庆铁路口岸综合保税区")
    ('升级为综合保税区', '')
    """
    m = _BECOMES.search(name)
    return name[m.start() :] if m else ""
