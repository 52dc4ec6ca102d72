"""Taking in next year's report or plan from the command line, and positions for its new projects.

``projects.documents.intake`` reads the document and proposes rows; it may not geocode, so the
positions of new projects are proposed here (:func:`place_new`, the same placement as
``make catalog``) and the staff panel and this command line both call it.

    python -m geo.intake propose 2026年报告.docx                 # the review table, nothing saved
    python -m geo.intake apply 2026年报告.pdf --user wang --password-stdin --reject 3,7
    python -m geo.intake undo doc-1a2b3c4d5e6f --user wang --password-stdin
    python -m geo.intake list                                     # documents taken in, batches
    python -m geo.intake show doc-1a2b3c4d5e6f 11                 # a cited line of a kept document

``apply`` saves the rows as proposed (forward status changes and new projects accepted, backward
changes and undecided mentions not), changed by ``--accept``/``--reject`` row numbers and
``--choose ROW=ID`` for an undecided row. Exit status 2 and a Chinese message on bad input.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from geo.boundaries import load_outline
from geo.places.placement import place_records
from projects import documents as docs
from projects import store, vocab
from projects.documents import (
    ACCEPT,
    DECISION_LABELS,
    DOC_KINDS,
    KIND_LABELS,
    NEW,
    PLAN,
    REJECT,
    UNDECIDED,
    UPDATE,
    DocumentMeta,
    Proposal,
    propose_meta,
    read_document,
)
from projects.errors import CatalogError
from projects.store import users

#: Precisions that name one site: two projects placed at the same such place may be one.
SITE_PRECISIONS = ("exact", "approximate")


def place_new(rows: list[Proposal], catalog: list[dict[str, Any]] | None = None) -> list[Proposal]:
    """New-project rows with the position, precision, basis and zone (with its basis) the
    placement proposes.

    A new name placed at a site where catalog projects already are (the same gazetteer place,
    to 1 km or better) gets those projects as candidates and a note: it may be one of them under
    another name (staff can make the row an update of one). It stays a new project by default,
    since one campus or station holds several projects.
    """
    at_site: dict[str, list[tuple[str, str]]] = {}
    for f in catalog or []:
        p = f["properties"]
        if p.get("deleted") or p.get("precision") not in SITE_PRECISIONS:
            continue
        if p.get("geo_matched"):
            at_site.setdefault(p["geo_matched"], []).append((p["id"], p.get("name") or ""))
    out = []
    for row in rows:
        if row.kind != NEW:
            out.append(row)
            continue
        record = {
            "id": f"new-{row.row}",
            "name": row.name,
            "aliases": [],
            "district": row.district,
            "sources": [],
        }
        feature = place_records([record])[0]
        p = feature["properties"]
        candidates, note = row.candidates, row.note
        site = p.get("geo_matched") if p["precision"] in SITE_PRECISIONS else None
        here = at_site.get(site or "", [])
        if here:
            known = {c[0] for c in candidates}
            candidates = candidates + tuple(c for c in here if c[0] not in known)
            names = "、".join(n for _, n in here[:5])
            same = f"与已有项目（{names}）同在“{site}”，请确认不是其中之一"
            note = "；".join(filter(None, [note, same]))
        out.append(
            replace(
                row,
                candidates=candidates[: docs.MAX_CANDIDATES],
                note=note,
                # plain JSON lists, as the store keeps and checks geometries
                geometry=json.loads(json.dumps(feature["geometry"])),
                precision=p["precision"],
                place_id=p.get("place_id"),
                geo_method=p["geo_method"],
                geo_basis=p["geo_basis"],
                zone=p.get("zone"),
                # a 跨区 placement's zones (东、中、西), which the saved record lists
                zones=tuple(p.get("zones") or ()),
                # what the zone rests on, as ``make catalog`` says it (none of its own for 区外)
                zone_basis=p.get("zone_basis") or "",
            )
        )
    return out


def take_in(
    data: bytes,
    filename: str,
    meta: DocumentMeta | None = None,
    *,
    path: Path | str | None = None,
    encoding: str | None = None,
) -> docs.Intake:
    """Read, propose and place: what the panel and the command line show for review."""
    catalog = store.load(path)
    intake = docs.take_in(data, filename, meta, features=catalog, path=path, encoding=encoding)
    return docs.with_rows(intake, place_new(list(intake.rows), catalog))


def apply(
    intake: docs.Intake, rows: list[Proposal], editor: Any, *, path: Path | str | None = None
) -> docs.Applied:
    """Apply reviewed rows with the district outline for the position check."""
    return docs.apply_intake(intake, rows, editor, path=path, outline=load_outline())


def decided(
    rows: list[Proposal],
    accept: set[int] = frozenset(),
    reject: set[int] = frozenset(),
    choose: dict[int, str] | None = None,
    catalog: list[dict[str, Any]] | None = None,
) -> list[Proposal]:
    """Rows with the decisions given by number (``choose`` names the record a row means)."""
    choose = choose or {}
    out = []
    for row in rows:
        if row.row in choose:
            pid = choose[row.row]
            if pid not in {c[0] for c in row.candidates}:
                raise CatalogError(
                    f"第 {row.row} 行不能选择项目 {pid}（只能在该行的候选项目中选择）。"
                )
            row = as_update(row, pid, catalog or [])
        if row.row in accept:
            if row.kind == UNDECIDED and not row.project_id:
                raise CatalogError(
                    f"第 {row.row} 行待定：请用 --choose {row.row}=项目编号 指明对应项目。"
                )
            row = replace(row, decision=ACCEPT)
        if row.row in reject:
            row = replace(row, decision=REJECT)
        out.append(row)
    return out


def as_update(row: Proposal, pid: str, catalog: list[dict[str, Any]]) -> Proposal:
    """A new or undecided row made a status update of record ``pid`` (staff's choice)."""
    found = next((f["properties"] for f in catalog if f["properties"]["id"] == pid), None)
    if found is None:
        raise CatalogError(f"未找到编号为 {pid} 的项目。")
    return replace(
        row,
        kind=UPDATE,
        project_id=pid,
        project_name=found.get("name") or "",
        old_status=found.get("status") or "",
        version=found.get("version", 1),
        decision=ACCEPT,
    )


def table(rows: list[Proposal]) -> str:
    """The review table as text, one row a line."""
    out = []
    for r in rows:
        target = r.project_name or "、".join(f"{i} {n}" for i, n in r.candidates) or "（新增）"
        change = f"{r.old_status or '—'} → {r.status}"
        extra = ""
        if r.kind == NEW:
            extra = (
                f" [{r.sector}，{vocab.year_span(r.start_year, r.end_year) or '年份未注明'}，"
                f"定位：{r.precision}，片区：{zone_text(r)}]"
            )
        note = f"（{r.note}）" if r.note else ""
        out.append(
            f"{r.row:>3} {KIND_LABELS[r.kind]} {DECISION_LABELS[r.decision]} {r.name} ⇒ {target}"
            f" {change} 第{r.line}行「{r.cue}」{extra}{note}"
        )
    return "\n".join(out)


def zone_text(row: Proposal) -> str:
    """A proposed zone as staff check it: 「跨区（东、中、西）」, 「西」, or 未定 when the position
    gives none.

    >>> row = Proposal(1, NEW, "X", None, "", "规划", "", "", "", 1, None, "", "")
    >>> zone_text(replace(row, zone="跨区", zones=("东", "中", "西"))), zone_text(row)
    ('跨区（东、中、西）', '未定')
    """
    if row.zone == vocab.CROSS_ZONE and row.zones:
        return f"{row.zone}（{'、'.join(row.zones)}）"
    return row.zone or "未定"


def _numbers(text: str | None) -> set[int]:
    return {int(x) for x in (text or "").replace("，", ",").split(",") if x.strip().isdigit()}


def _meta(args, data: bytes) -> DocumentMeta:
    lines = list(read_document(data, args.file.name, args.encoding).lines)
    meta = propose_meta(lines, args.file.name)
    period = meta.period
    if args.period:
        first, _, last = args.period.partition("-")
        period = (int(first), int(last or first))
    kind = args.kind or meta.kind
    return DocumentMeta(
        args.title or meta.title,
        args.issuer or meta.issuer,
        args.date or meta.date,
        kind,
        period,
        None if kind == PLAN else (args.boundary or meta.boundary),
    )


@contextlib.contextmanager
def _signed_in(args) -> Iterator[Any]:
    """The command's editor, for this one command: its login session ends with the command
    (else every run would leave an open session behind until it expires)."""
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass()
    editor = users.authenticate(args.user, password)
    if editor is None:
        raise CatalogError("用户名或密码不正确。")
    try:
        yield editor
    finally:
        users.logout(editor)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--catalog", type=Path, default=None, help="catalog file (default: the store's)")
    sub = p.add_subparsers(dest="command", required=True)
    for name in ("propose", "apply"):
        s = sub.add_parser(name)
        s.add_argument("file", type=Path)
        s.add_argument("--title")
        s.add_argument("--issuer")
        s.add_argument("--date", help="YYYY-MM-DD")
        s.add_argument("--kind", choices=list(DOC_KINDS))
        s.add_argument("--boundary", type=int, help="line where a report's plan part starts")
        s.add_argument("--period", help="plan period, e.g. 2026-2030")
        s.add_argument("--encoding", choices=["UTF-8", "GBK"])
        if name == "apply":
            s.add_argument("--user", required=True)
            s.add_argument("--password-stdin", action="store_true")
            s.add_argument("--accept", help="row numbers to accept, e.g. 3,7")
            s.add_argument("--reject", help="row numbers to reject")
            s.add_argument("--choose", action="append", default=[], help="ROW=ID for undecided")
    u = sub.add_parser("undo")
    u.add_argument("doc_id")
    u.add_argument("--user", required=True)
    u.add_argument("--password-stdin", action="store_true")
    sub.add_parser("list")
    show = sub.add_parser("show")
    show.add_argument("doc_id")
    show.add_argument("line", type=int)
    args = p.parse_args(argv)
    try:
        if args.command == "list":
            for doc_id, e in docs.read_index(args.catalog).items():
                batches = "；".join(
                    f"第{b['seq']}次保存 {len(b['rows'])} 条"
                    + ("（已撤销）" if b["undone"] else "")
                    for b in e.get("batches", [])
                )
                print(f"{doc_id} 《{e.get('title')}》 {e.get('date')} {batches or '未采纳'}")
            return 0
        if args.command == "show":
            lines = docs.kept_lines(args.doc_id, args.catalog)
            if not 0 < args.line <= len(lines):
                raise CatalogError(f"{args.doc_id} 只有 {len(lines)} 行。")
            print(f"{args.doc_id}:{args.line} {lines[args.line - 1]}")
            return 0
        if args.command == "undo":
            with _signed_in(args) as editor:
                seq = docs.undo_intake(args.doc_id, editor, path=args.catalog)
            print(f"已撤销 {args.doc_id} 的最近一批采纳（修改历史第 {seq} 次保存）。")
            return 0
        data = args.file.read_bytes()
        intake = take_in(data, args.file.name, _meta(args, data), path=args.catalog)
        if intake.known:
            print(
                f"注意：这份文件已于 {intake.known.get('date')} 收录为 {intake.known['doc_id']}。"
            )
        rows = list(intake.rows)
        if args.command == "propose":
            print(table(rows))
            return 0
        choose = {}
        for item in args.choose:
            row, _, pid = item.partition("=")
            choose[int(row)] = pid.strip()
        rows = decided(
            rows, _numbers(args.accept), _numbers(args.reject), choose, store.load(args.catalog)
        )
        with _signed_in(args) as editor:
            applied = apply(intake, rows, editor, path=args.catalog)
        print(
            f"已采纳《{intake.meta.title}》：更新 {len(applied.updated)} 个项目，"
            f"新增 {len(applied.created)} 个（修改历史第 {applied.seq} 次保存，{applied.doc_id}）。"
        )
        return 0
    except (CatalogError, OSError) as exc:
        print(getattr(exc, "message_zh", None) or f"无法读取文件：{exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
