"""What a new plan document says against the catalog: status updates, new projects, open questions.

The extractor and the status rules read an uploaded document exactly as they read the seed
documents (the same functions); this module only compares their mentions with the catalog:

- a mention whose merge key is one record's name or alias (after the curation file's reviewed
  merges) proposes a **status update** of that record: the document's most advanced statement
  (a review fact outranks a plan intention, as in the build), with its cue, line and old → new;
- a mention that matches no record proposes a **new project**, with a sector from its 专栏 box or
  the name rules, its district, and the years the document gives (its position comes from the
  geography step, which this package may not call);
- a mention that could be several records (two matches, another phase of a record, a name inside
  a record's name) is **undecided**: staff choose the record, or leave it.

Nothing here writes: :mod:`projects.documents.intake` applies what staff accepted.

>>> text = ["2025年工作回顾", "凤凰山创意园建成投用。", "2026年工作安排", "…"]
>>> meta = DocumentMeta("测试报告", "沙坪坝区人民政府", "2026-02-10", REPORT, (2026, 2026), 3)
>>> old = {"id": "SPB-0001", "name": "凤凰山创意园", "status": "在建", "version": 3}
>>> rows = propose(text, "d.txt", meta, [{"properties": old}])
>>> [(p.kind, p.project_id, p.old_status, p.status, p.cue, p.line) for p in rows]
[('update', 'SPB-0001', '在建', '运营', '…建成投用', 2)]
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date as _date
from typing import Any

from projects.clock import today
from projects.documents.extract import Mention, extract_mentions
from projects.documents.sector_rules import DEFAULT_SECTOR, DISTRICT_WORDS, SECTOR_RULES
from projects.documents.status import DEFAULT_BASIS, judge, part_of, plan_boundary, rank
from projects.records.assemble import YEARS_BASES, current_status
from projects.records.merge_keys import base_key, merge_key
from projects.vocab import OUTSIDE, SECTORS, UNKNOWN_STATUS

#: Kinds of review row.
UPDATE, NEW, UNDECIDED, SAME = "update", "new", "undecided", "same"
KIND_LABELS: dict[str, str] = {UPDATE: "状态更新", NEW: "新项目", UNDECIDED: "待定", SAME: "无变化"}
#: Staff decisions on a row.
ACCEPT, REJECT = "accept", "reject"
DECISION_LABELS: dict[str, str] = {ACCEPT: "采纳", REJECT: "不采纳"}
#: Kinds of document: a 政府工作报告 reviews last year, then plans this one; a plan only plans.
REPORT, PLAN = "report", "plan"
DOC_KINDS: dict[str, str] = {REPORT: "政府工作报告（含上年回顾）", PLAN: "规划或行动方案"}
#: At most this many candidate records are offered for an undecided row.
MAX_CANDIDATES = 5


@dataclass(frozen=True)
class DocumentMeta:
    """What staff enter or confirm about an uploaded document before its proposals are made."""

    title: str
    issuer: str
    #: Publication date, ISO (YYYY-MM-DD).
    date: str
    #: REPORT or PLAN.
    kind: str
    #: Years the document plans for (first, last); a report plans its own year.
    period: tuple[int, int]
    #: 1-based line where a report's plan part starts (「2026年工作安排」); None: no review part.
    boundary: int | None = None

    @property
    def year(self) -> int:
        return int(self.date[:4])


@dataclass(frozen=True)
class Proposal:
    """One row of the review table: what the document says and what applying it would change."""

    row: int
    kind: str
    #: The name as the document gives it (the fullest of its mentions).
    name: str
    #: The matched record (update, same); None for new and undecided rows.
    project_id: str | None
    project_name: str
    #: The record's status now ("" for a new project) and the one the document implies.
    old_status: str
    status: str
    #: The verbatim cue, the rule that read it (or that it is a default), the line it sits on,
    #: the part (review / plan) and the heading.
    cue: str
    basis: str
    line: int
    part: str | None
    section: str
    #: The cited line as the document has it, and the other lines naming the same project.
    source_text: str
    other_lines: tuple[int, ...] = ()
    #: The record's version when proposed: a colleague's save since then makes the apply refuse.
    version: int | None = None
    #: New projects: proposed attributes (the position is filled in by the geography step).
    sector: str | None = None
    district: str | None = None
    start_year: int | None = None
    end_year: int | None = None
    zone: str | None = None
    #: The zones a 跨区 zone spans (东、中、西 as the placement found them), else (zone,) or ().
    zones: tuple[str, ...] = ()
    #: What the sector and the years rest on, in the words ``make catalog`` writes for a record
    #: of the five documents: 「专栏1的主题」 or 「名称：中心」 with the document and line, and a
    #: ``years_basis`` code (vocab.YEARS_BASIS_LABELS) read off the line ``years_line``.
    sector_basis: str | None = None
    years_basis: str | None = None
    years_line: int | None = None
    #: What the zone rests on (the placement's 「几何：位置（片区级）落在西」; "" for none of its
    #: own, as 区外), filled in with the position; None: not placed.
    zone_basis: str | None = None
    #: New projects: the proposed position (GeoJSON, WGS84) and where it comes from.
    geometry: dict | None = None
    precision: str | None = None
    #: A reference-level position names its place here (geometry null), see projects.schema.
    place_id: str | None = None
    geo_method: str = "none"
    geo_basis: str = ""
    #: Undecided: the records it could be, as (id, name).
    candidates: tuple[tuple[str, str], ...] = ()
    #: Why a row is undecided, or a warning (a status that goes backwards).
    note: str = ""
    #: The proposed decision (staff change it in the review table).
    decision: str = ACCEPT


def propose_meta(lines: list[str], filename: str = "") -> DocumentMeta:
    """A first guess at title, issuer, date, kind and period from the text, for staff to confirm.

    >>> m = propose_meta(["沙坪坝区人民政府工作报告", "——2026年2月10日", "2025年工作回顾", "…", "2026年工作安排"])
    >>> m.kind, m.date, m.period, m.boundary
    ('report', '2026-02-10', (2026, 2026), 5)
    """
    head = [x.strip() for x in lines[:12] if x.strip()]
    title = next((x for x in head if len(x) >= 6), filename or "未命名文件")[:100]
    text = "\n".join(lines[:40])
    day = re.search(r"(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", text)
    boundary = plan_boundary(list(lines))
    year_m = re.search(r"(20\d\d)\s*年", title) or re.search(r"(20\d\d)", text)
    year = int(day.group(1)) if day else int(year_m.group(1)) if year_m else None
    if boundary is not None:
        plan_head = re.match(r"\s*(20\d\d)", lines[boundary - 1])
        year = int(plan_head.group(1)) if plan_head else year
    year = year or 2026
    date = f"{year}-{int(day.group(2)):02d}-{int(day.group(3)):02d}" if day else f"{year}-01-01"
    try:  # a guess is never in the future (a status date cannot be)
        date = min(_date.fromisoformat(date), today()).isoformat()
    except ValueError:
        date = today().isoformat()
    span = re.search(r"[（(](20\d\d)\s*[—\-–－~至]+\s*(20\d\d)\s*年?[）)]", text)
    period = (int(span.group(1)), int(span.group(2))) if span else (year, year)
    issuer = next(
        (w for w in ("沙坪坝区人民政府", "重庆市人民政府") if w in text), "沙坪坝区人民政府"
    )
    kind = REPORT if boundary is not None else PLAN
    return DocumentMeta(title, issuer, date, kind, period, boundary)


def propose(
    lines: Iterable[str],
    doc: str,
    meta: DocumentMeta,
    features: Iterable[Mapping[str, Any]],
    merges: Mapping[str, str] | None = None,
    rejected: Iterable[str] = (),
    names: Mapping[str, tuple[str, bool]] | None = None,
) -> list[Proposal]:
    """The review rows for a document's lines against the catalog's ``features``.

    ``merges`` maps a merge key to the key it joins, ``rejected`` lists keys reviewed as no
    project and ``names`` the reviewed name of a key (all from the curation file, see
    :func:`curation_keys`). Rows come in the document's
    order: updates, new projects and undecided mentions, then the unchanged ones.
    """
    lines = list(lines)
    merges = dict(merges or {})
    rejected = set(rejected)
    index: dict[str, set[str]] = defaultdict(set)
    by_id: dict[str, Mapping[str, Any]] = {}
    for f in features:
        p = f["properties"]
        if p.get("deleted"):
            continue
        by_id[p["id"]] = p
        for n in [p.get("name") or "", *(p.get("aliases") or [])]:
            if n:
                index[_follow(merge_key(n), merges)].add(p["id"])
    groups: dict[str, list[tuple[Mention, str | None, str]]] = defaultdict(list)
    boundary = meta.boundary if meta.kind == REPORT else None
    for m in extract_mentions("\n".join(lines), doc):
        key = _follow(merge_key(m.name), merges)
        if key in rejected:
            continue
        part = part_of(m.line, boundary) or "plan"
        groups[key].append(
            (m, part, judge(m.clause, m.cue, part, multi_year=meta.period[1] > meta.period[0]))
        )
    names = names or {}
    out = [
        _row(key, entries, lines, meta, index, by_id, names.get(key))
        for key, entries in groups.items()
    ]
    out.sort(key=lambda p: (p.kind == SAME, p.line, p.name))
    return [_renumbered(p, i) for i, p in enumerate(out, 1)]


def curation_keys(
    rows: Iterable[Any],
) -> tuple[dict[str, str], set[str], dict[str, tuple[str, bool]]]:
    """(merges, rejected keys, reviewed names by key) from the curation file's rows.

    A rename joins the extracted name to the reviewed one (三河村 → 三河村景区) like a merge. The
    names are (name, always): a rename always names the project, a merge target only where the
    document spells it (as in the build).
    """
    rows = list(rows)
    merges = {
        merge_key(r.name): merge_key(r.value)
        for r in rows
        if r.action in ("merge", "rename") and merge_key(r.name) != merge_key(r.value)
    }
    rejected = {merge_key(r.name) for r in rows if r.action == "reject" and not r.doc}
    names = {
        merge_key(r.value): (r.value, r.action == "rename")
        for r in rows
        if r.action in ("merge", "rename")
    }
    return merges, rejected, names


def counts(rows: Iterable[Proposal]) -> dict[str, int]:
    """Rows per kind."""
    out = dict.fromkeys(KIND_LABELS, 0)
    for p in rows:
        out[p.kind] += 1
    return out


def _row(key, entries, lines, meta, index, by_id, reviewed: tuple[str, bool] | None) -> Proposal:
    said = _entries(entries, meta)
    # the line that speaks for the document: its most advanced statement with words, a review
    # fact before a plan intention (as the build reads one document)
    m, part, j = max(
        entries,
        key=lambda e: (
            e[2].basis != DEFAULT_BASIS,
            rank(e[2].status),
            e[1] == "review",
            -e[0].line,
        ),
    )
    names = [e[0].name for e in entries]
    name = max(names, key=lambda n: (len(n), -names.index(n)))
    cited = ["".join(lines[e[0].line - 1].split()) for e in entries if 0 < e[0].line <= len(lines)]
    if reviewed and (reviewed[1] or any(reviewed[0] in x for x in cited)):
        name = reviewed[0]  # a reviewed rename, or a merge target the document spells
    base: dict[str, Any] = {
        "row": 0,
        "name": name,
        "status": current_status(said) or j.status,
        "cue": j.cue,
        "basis": j.basis,
        "line": m.line,
        "part": part,
        "section": m.section,
        "source_text": lines[m.line - 1].strip() if 0 < m.line <= len(lines) else "",
        "other_lines": tuple(sorted({e[0].line for e in entries} - {m.line})),
    }
    ids = sorted(index.get(key, ()))
    if len(ids) == 1:
        p = by_id[ids[0]]
        old = p.get("status") or UNKNOWN_STATUS
        history = [h for h in p.get("status_history") or [] if h.get("doc")]
        status = current_status([*history, *said]) if history else base["status"]
        base["status"] = status or base["status"]
        status = base["status"]
        kind, note, decision = (SAME if old == status else UPDATE), "", ACCEPT
        if kind == UPDATE and 0 <= rank(status) < rank(old):
            note = f"文件所述状态「{status}」早于目录中的「{old}」，默认不采纳"
            decision = REJECT
        return Proposal(
            kind=kind,
            project_id=ids[0],
            project_name=p.get("name") or "",
            old_status=old,
            version=p.get("version", 1),
            note=note,
            decision=decision,
            **base,
        )
    if len(ids) > 1:
        return Proposal(
            kind=UNDECIDED,
            project_id=None,
            project_name="",
            old_status="",
            candidates=tuple((i, by_id[i].get("name") or "") for i in ids[:MAX_CANDIDATES]),
            note="名称对应多个已有项目，请选择其一",
            decision=REJECT,
            **base,
        )
    near = _near(key, index)
    candidates = tuple((i, by_id[i].get("name") or "") for i in near[:MAX_CANDIDATES])
    wrapped = [c for c in candidates if _verb_around(name, c[1])]
    if wrapped:
        # 机构落户国际法务区: the extractor kept a verb phrase around a known name
        return Proposal(
            kind=UNDECIDED,
            project_id=None,
            project_name="",
            old_status="",
            candidates=tuple(wrapped),
            note="名称像是已有项目加上动词短语，请确认是否同一项目",
            decision=REJECT,
            **base,
        )
    start, end, years_basis, years_line = _window(entries, meta)
    sector, sector_basis = _sector(name, [e[0] for e in entries], m.doc, meta, m.line)
    return Proposal(
        kind=NEW,
        project_id=None,
        project_name="",
        old_status="",
        sector=sector,
        sector_basis=sector_basis,
        district=(district := _district(name)),
        zone=None if district == "沙坪坝区" else OUTSIDE,
        start_year=start,
        end_year=end,
        years_basis=years_basis,
        years_line=years_line,
        candidates=candidates,
        note=(
            "与已有项目名称相近（" + "、".join(n for _, n in candidates) + "），"
            "按不同项目新增；若是同一项目，请改为对应该项目"
        )
        if candidates
        else "",
        **base,
    )


def _entries(entries, meta: DocumentMeta) -> list[dict[str, Any]]:
    """The document's status entries in the shape of a record's ``status_history``."""
    out = []
    for m, part, j in sorted(entries, key=lambda e: (e[1] != "review", e[0].line)):
        year = meta.year - 1 if part == "review" else meta.year
        out.append(
            {
                "doc": m.doc,
                "date": meta.date,
                "year": year,
                "status": j.status,
                "cue": j.cue,
                "line": m.line,
                "part": part,
                "basis": j.basis,
            }
        )
    return out


def _renumbered(p: Proposal, row: int) -> Proposal:
    from dataclasses import replace

    return replace(p, row=row)


def _follow(key: str, merges: Mapping[str, str]) -> str:
    """The key at the end of a chain of reviewed merges."""
    seen = set()
    while key in merges and key not in seen:
        seen.add(key)
        key = merges[key]
    return key


def _near(key: str, index: Mapping[str, set[str]]) -> list[str]:
    """Records that may be this project: another phase of it, or a name inside the other."""
    found: set[str] = set()
    bare = base_key(key)
    for k, ids in index.items():
        if base_key(k) == bare or (len(key) >= 4 and len(k) >= 4 and (key in k or k in key)):
            found |= ids
    return sorted(found)


#: Verbs that, left in a name around a known project's name, make it a phrase, not a new name.
_VERBS = re.compile(r"落户|引进|推动|推进|建设|打造|建成|加快|启动|实施|入驻|开工|提升")


def _verb_around(name: str, known: str) -> bool:
    """Whether ``name`` is ``known`` plus words with a verb (机构落户国际法务区)."""
    at = name.find(known) if known else -1
    return (
        at >= 0
        and len(name) > len(known)
        and bool(_VERBS.search(name[:at] + name[at + len(known) :]))
    )


def _window(entries, meta: DocumentMeta) -> tuple[int, int, str, int]:
    """(start, end, years_basis, line) the document gives: a review speaks of last year, a
    plan of its period (到2027年). The basis is the build's code for the kind of year the end is
    (``projects.records.assemble.years_of``), and the line the one it is read off.
    """
    first, last = meta.period
    spans = []
    for m, part, _ in entries:
        if part == "review":
            spans.append((meta.year - 1, meta.year - 1, "review", m.line))
        elif m.year and first <= m.year <= max(last, first + 15):
            spans.append((first, m.year, "text", m.line))
        else:
            spans.append((first, last, "plan_year" if first == last else "period", m.line))
    # the end, from the strongest kind of year that gives it (the earliest such line cited)
    _, end, basis, line = max(spans, key=lambda s: (s[1], YEARS_BASES.index(s[2]), -s[3]))
    return min(s[0] for s in spans), end, basis, line


def where_said(doc: str, meta: DocumentMeta, line: int) -> str:
    """A line of the new document as a basis cites it (named as
    ``projects.documents.intake.cite`` names it: the kept id and the title).

    >>> m = DocumentMeta("报告", "沙坪坝区人民政府", "2026-02-10", REPORT, (2026, 2026), 3)
    >>> where_said("doc-0123456789ab.txt", m, 12)
    '文件 doc-0123456789ab《报告》第 12 行'
    """
    return f"文件 {doc.removesuffix('.txt')}《{meta.title}》第 {line} 行"


def _sector(
    name: str, mentions: list[Mention], doc: str, meta: DocumentMeta, line: int
) -> tuple[str, str]:
    """(sector, sector_basis): a 专栏 box whose title names a sector gives it; else the name
    rules of the build's running text. The basis says so as ``make catalog`` does (「专栏1的主题」,
    「名称：中心」, 「默认（名称与专栏都未说明）」), citing the line of the box item, or the row's."""
    for m in mentions:
        if m.box is not None:
            for sector in SECTORS:
                if sector in m.section.split("/")[0]:
                    return sector, f"专栏{m.box}的主题（据{where_said(doc, meta, m.line)}）"
    for pattern, sector in SECTOR_RULES:
        found = re.search(pattern, name)
        if found:
            return sector, f"名称：{found.group(0)}（据{where_said(doc, meta, line)}）"
    return DEFAULT_SECTOR, "默认（名称与专栏都未说明）"


def _district(name: str) -> str:
    for word, district in DISTRICT_WORDS:
        if word in name:
            return district
    return "沙坪坝区"
