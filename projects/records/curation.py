"""The reviewed curation file (data/curation.csv): reading it and applying its rows to records."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from projects.documents import Mention, Paragraph, lead_dept, paragraphs
from projects.documents.sector_rules import sector_with_basis
from projects.documents.surface_forms import line_text, source_forms
from projects.errors import BadFile
from projects.records.merge_keys import merge_key
from projects.sources import ROOT, citations
from projects.vocab import MAX_YEAR, MIN_YEAR, OUTSIDE, SECTORS

CURATION_PATH = ROOT / "data" / "curation.csv"
CURATION_ACTIONS = ("accept", "reject", "rename", "merge", "set", "form")
#: The classes a whole-project ``reject`` row names first in its ``why`` (tested): what kind of
#: phrase it removes, so a rule never reads as "drop this place" (issue 11).
REJECT_CLASSES: tuple[str, ...] = (
    "generic category or phrase",
    "strategy, corridor or designation",
    "programme or campaign",
    "named as context",
    "existing place or routine upkeep",
    "company without a site",
    "product line",
    "functional role",
)
SETTABLE = ("sector", "district", "start_year", "end_year", "lead_dept", "phase", "notes")


@dataclass(frozen=True)
class CurationRow:
    """One reviewed correction (data/curation.csv)."""

    action: str
    name: str
    value: str
    doc: str
    line: int | None
    why: str


def read_curation(path: Path = CURATION_PATH) -> list[CurationRow]:
    """The curation rows; a row without a reason or with an unknown action is refused."""
    rows: list[CurationRow] = []
    if not Path(path).exists():
        return rows
    with open(path, encoding="utf-8", newline="") as f:
        for n, row in enumerate(csv.DictReader(f), start=2):
            action = (row.get("action") or "").strip()
            if not action or action.startswith("#"):
                continue
            if action not in CURATION_ACTIONS:
                raise BadFile(
                    f"整理文件第{n}行的操作“{action}”无效，应为 {'、'.join(CURATION_ACTIONS)} 之一"
                )
            why = (row.get("why") or "").strip()
            if not why:
                raise BadFile(f"整理文件第{n}行缺少理由（why 列）")
            line = (row.get("line") or "").strip()
            if action == "form" and not (row.get("doc") and line.isdigit()):
                raise BadFile(f"整理文件第{n}行的 form 操作需要文档和行号")
            rows.append(
                CurationRow(
                    action,
                    (row.get("name") or "").strip(),
                    (row.get("value") or "").strip(),
                    (row.get("doc") or "").strip(),
                    int(line) if line else None,
                    why,
                )
            )
    return rows


def accepted_mentions(
    rows: list[CurationRow],
    lines_by_doc: dict[str, list[str]],
    found: Iterable[Mention] = (),
) -> list[Mention]:
    """Mentions the extractor misses, added by reviewed ``accept`` rows (doc and line required).

    The row's ``value`` is the status cue; it counts only when the cited line contains it. The
    clause masks every name of its line (those ``found`` by the extractor and those of other
    accept rows), so a word inside a neighbour's name (国际物流城总部运营中心) is never a cue.
    """
    names: dict[tuple[str, int], set[str]] = defaultdict(set)
    for m in found:
        names[(m.doc, m.line)].add(m.name)
    for r in rows:
        if r.action == "accept" and r.line:
            names[(r.doc, r.line)].add(r.name)
    out: list[Mention] = []
    for r in rows:
        if r.action != "accept":
            continue
        if r.doc not in lines_by_doc or not r.line or r.line > len(lines_by_doc[r.doc]):
            raise BadFile(f"整理文件中“{r.name}”的 accept 行需要有效的文档和行号")
        text = line_text(lines_by_doc, r.doc, r.line)
        para = paragraph_at(r.doc, r.line, lines_by_doc)
        cue = r.value if r.value and r.value in text else ""
        section, box = (para.section, para.box) if para else ("", None)
        lead = lead_dept(para.text) if para else None
        out.append(
            Mention(
                r.name,
                r.line,
                section,
                cue,
                lead,
                r.doc,
                box,
                text[:40],
                clause=_clause(r.name, text, names[(r.doc, r.line)], cue),
            )
        )
    return out


def _clause(name: str, text: str, others: Iterable[str] = (), cue: str = "") -> str:
    """The clause of ``text`` (between ，；。) holding ``name``, it and ``others`` masked; "" if
    ``name`` is absent. Where the name stands in several clauses, the first holding the
    reviewer's ``cue`` (001:709 names 上新片区 as a 板块, then in 精细化实施…城市更新).

    >>> _clause("融创茂", "大力发展首发经济，促进融创茂等商业综合体业态升级，入驻5家首店")
    '促进□等商业综合体业态升级'
    >>> _clause("总部商务大厦", "推进国际物流城总部运营中心、总部商务大厦等建设", ["国际物流城总部运营中心"])
    '推进□、□等建设'
    >>> _clause("上新片区", "由三峡广场、上新片区等组成，实施三峡商圈、上新片区等城市更新", cue="实施")
    '实施三峡商圈、□等城市更新'
    """
    name = _spelled(name, text)
    spans = []
    k = text.find(name) if name else -1
    while k >= 0:
        left = max(text.rfind(p, 0, k) for p in "，；。：") + 1
        ends = [e for e in (text.find(p, k + len(name)) for p in "，；。") if e >= 0]
        spans.append((left, min(ends) if ends else len(text)))
        k = text.find(name, k + len(name))
    if not spans:
        return ""
    left, right = next((s for s in spans if cue and cue in text[s[0] : s[1]]), spans[0])
    return _masked(text[left:right], name, text, others)


def clause_at(name: str, text: str, at: int, others: Iterable[str] = ()) -> str:
    """The clause of ``text`` (between ，；。) holding ``name`` at offset ``at``, masked as in
    ``_clause``: a line may name a project twice, once inside a longer name.

    >>> clause_at("大成湖湿地公园", "以大成湖湿地公园为核心，以梁滩河谷为依托", 1)
    '以□为核心'
    >>> clause_at("中梁都市村庄", "中梁都市村庄建设：斐然湖核心景观提升、农村人居环境整治", 0)
    '□建设'
    """
    left = max(text.rfind(p, 0, at) for p in "，；。：") + 1
    # a colon after the name closes a box sub-head (001:637 中梁都市村庄建设：斐然湖…): what
    # follows are its items, with words of their own
    ends = [e for e in (text.find(p, at + len(name)) for p in "，；。：") if e >= 0]
    return _masked(text[left : min(ends) if ends else len(text)], name, text, others)


def _masked(clause: str, name: str, text: str, others: Iterable[str]) -> str:
    # a found name holding this one is a longer cut of the same words (机构落户国际法务区, 002:73),
    # not a neighbour: masking it would hide the verb (落户) that speaks for this one
    others = [o for o in others if name not in o]
    for n in sorted({name, *(_spelled(o, text) for o in others)}, key=len, reverse=True):
        if len(n) >= 2:
            clause = clause.replace(n, "□")
    return clause


def _spelled(name: str, text: str) -> str:
    """The words of ``text`` that stand for ``name``: the name, else its longest leading part
    that stands as an item of a list sharing the rest (新桥 of 新桥社区卫生服务中心 in 实施新桥、
    磁器口等社区卫生服务中心提档升级工程, 001:916); "" when neither is there.

    >>> _spelled("磁器口社区卫生服务中心", "实施新桥、磁器口等社区卫生服务中心提档升级工程")
    '磁器口'
    """
    if name in text:
        return name
    for n in range(len(name) - 1, 1, -1):
        if re.search(re.escape(name[:n]) + "[、和及与等]", text):
            return name[:n]
    return ""


def paragraph_at(doc: str, line: int, lines_by_doc: dict[str, list[str]]) -> Paragraph | None:
    for para in _paragraphs(doc, "\n".join(lines_by_doc[doc])):
        if para.lines[0] <= line <= para.lines[-1]:
            return para
    return None


@lru_cache(maxsize=16)
def _paragraphs(doc: str, text: str) -> tuple[Paragraph, ...]:
    return tuple(paragraphs(text))


def apply_settings(records: list[dict[str, Any]], rows: list[CurationRow]) -> None:
    by_key = {r["_key"]: r for r in records}
    for row in rows:
        rec = by_key.get(merge_key(row.name))
        if rec is None or row.action not in ("rename", "set"):
            continue
        if row.action == "rename":
            if rec["name"] != row.value:
                rec["aliases"] = sorted({*rec["aliases"], rec["name"]} - {row.value})
                rec["name"] = row.value
                if not rec.pop("_boxed", False) and not rec.get("_sector_set"):
                    rec["sector"], rec["sector_basis"] = sector_with_basis(row.value, [])
            continue
        field, _, value = row.value.partition("=")
        field = field.strip()
        if field not in SETTABLE:
            raise BadFile(f"整理文件中“{row.name}”的 set 字段“{field}”不可设置")
        if field == "sector":
            if value not in SECTORS:
                raise BadFile(
                    f"整理文件中“{row.name}”的领域“{value}”无效，应为 {'、'.join(SECTORS)} 之一"
                )
            rec["_sector_set"] = True
            cites = citations(row.why)
            rec["sector_basis"] = f"整理：人工核定（据{cites}）" if cites else "整理：人工核定"
        if field in ("start_year", "end_year"):
            if not (value.isdigit() and MIN_YEAR <= int(value) <= MAX_YEAR):
                raise BadFile(f"整理文件中“{row.name}”的年份“{value}”无效（{MIN_YEAR}–{MAX_YEAR}）")
            rec[field] = int(value)
        else:
            rec[field] = value or None
        if field == "district":
            rec["zone"] = None if value == "沙坪坝区" else OUTSIDE


def apply_forms(
    records: list[dict[str, Any]], rows: list[CurationRow], lines_by_doc: dict[str, list[str]]
) -> None:
    """``form`` rows: a text form of one cited line that is no name (重庆果园港区 in 重庆果园港区等
    通道, 天马半岛打造) leaves the aliases; the source keeps it as its verbatim ``form`` when the
    line holds neither the name nor another alias."""
    for row in rows:
        if row.action != "form":
            continue
        for rec in records:
            if row.name not in rec["aliases"]:
                continue
            rec["aliases"] = [a for a in rec["aliases"] if a != row.name]
            for src in rec["sources"]:
                if (src["doc"], src["line"]) != (row.doc, row.line):
                    continue
                text = line_text(lines_by_doc, row.doc, row.line)
                if not any(f in text for f in source_forms(rec, {})):
                    src["form"] = row.name


def group_mentions(mentions: list[Mention], rows: list[CurationRow]) -> dict[str, list[Mention]]:
    """Mentions by merge key, with ``reject`` rows dropped and ``merge`` chains followed."""
    rejected_mentions = {(r.name, r.doc, r.line) for r in rows if r.action == "reject" and r.doc}
    rejected = {merge_key(r.name) for r in rows if r.action == "reject" and not r.doc}
    merges = {merge_key(r.name): merge_key(r.value) for r in rows if r.action == "merge"}

    groups: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        if (m.name, m.doc, m.line) in rejected_mentions:
            continue
        key = merge_key(m.name)
        seen = set()
        while key in merges and key not in seen:  # chains of merges end at the canonical key
            seen.add(key)
            key = merges[key]
        if key in rejected:
            continue
        groups[key].append(m)
    return groups
