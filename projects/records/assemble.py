"""One record from the mentions of one project: name, sources, status history and years."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from projects.documents import Mention
from projects.documents.sector_rules import district_for, sector_for
from projects.documents.status import part_of, rank, status_of
from projects.documents.surface_forms import add_surface_form, line_text
from projects.records.merge_keys import base_key, merge_key
from projects.schema import empty_properties
from projects.vocab import DOCUMENTS_BY_FILE, OUTSIDE


def _doc_order(doc: str) -> tuple[str, str]:
    d = DOCUMENTS_BY_FILE[doc]
    return (d.date if len(d.date) > 4 else d.date + "-01-01", d.file)


def _mention_window(m: Mention, part: str | None) -> tuple[int, int]:
    d = DOCUMENTS_BY_FILE[m.doc]
    start, end = d.period
    if part == "review":
        return start - 1, start - 1
    if m.year and start <= m.year <= max(end, start + 15):
        end = m.year
    return start, end


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
    rec["sector"] = sector_for(name, boxes)
    rec["_boxed"] = bool(boxes)
    docs = {m.doc for m in ms}
    rec["district"] = district_for(name, docs)
    rec["zone"] = None if rec["district"] == "沙坪坝区" else OUTSIDE
    rec["phase"] = next((m.phase for m in ms if m.phase), None)
    rec["lead_dept"] = next((m.lead_dept for m in ms if m.lead_dept), None)

    sources: dict[tuple[str, int], dict[str, Any]] = {}
    for m in sorted(ms, key=lambda m: (_doc_order(m.doc), m.line)):
        src = sources.setdefault(
            (m.doc, m.line), {"doc": m.doc, "section": m.section, "line": m.line}
        )
        add_surface_form(rec, src, m, lines_by_doc)
    rec["sources"] = list(sources.values())

    history, windows = [], []
    by_doc: dict[str, list[tuple[Mention, str | None, str]]] = defaultdict(list)
    for m in ms:
        part = part_of(m.line, bounds.get(m.doc))
        by_doc[m.doc].append((m, part, status_of(m.cue, part)))
        windows.append(_mention_window(m, part))
    for doc in sorted(by_doc, key=_doc_order):
        entries = by_doc[doc]
        # the most advanced status a document states (review facts outrank plan intentions)
        m, part, status = max(entries, key=lambda e: (rank(e[2]), e[1] == "review", -e[0].line))
        d = DOCUMENTS_BY_FILE[doc]
        year = d.period[0] - 1 if part == "review" else int(d.date[:4])
        history.append(
            {
                "doc": doc,
                "date": d.date,
                "year": year,
                "status": status,
                "cue": m.cue,
                "line": m.line,
                "part": part,
            }
        )
    rec["status_history"] = history
    known = [h["status"] for h in history if rank(h["status"]) >= 0]
    rec["status"] = known[-1] if known else rec["status"]
    rec["start_year"] = min(w[0] for w in windows)
    rec["end_year"] = max(w[1] for w in windows)
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
