"""Taking a new plan document into the catalog: keep it, propose, apply as one save, undo.

The steps, the same for the app's staff panel and the command line (``python -m geo.intake``):

1. :func:`take_in` reads the upload (:mod:`projects.documents.readers`), recognises a document
   taken in before by its hash, and proposes its title, date and kind and the rows of the review
   table (:mod:`projects.documents.proposals`). Nothing is written.
2. The geography step (``geo.intake.place_new``) proposes positions for new projects.
3. Staff accept, edit or reject rows; :func:`apply_intake` keeps the document (original file,
   the lines the citations count, an index entry with its hash) where the catalog lives: in the
   documents folder beside the catalog file, or in the ``documents`` table of the PostGIS store
   (so every app server can read what any of them took in), and saves every accepted row
   through :func:`projects.store.save_many` as ONE batch. Each change cites the document and
   line (``Edit.cite``), the batch reason names the document.
4. :func:`undo_intake` takes the whole batch back in one save (:func:`projects.store.undo_batch`).

``make catalog`` replays the history over the rebuilt records, so the applied rows come back
exactly as staff decided them, cited to the kept document's lines.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from projects import clock, store, vocab
from projects.documents.proposals import (
    ACCEPT,
    DOC_KINDS,
    NEW,
    REPORT,
    UNDECIDED,
    UPDATE,
    DocumentMeta,
    Proposal,
    curation_keys,
    propose,
    propose_meta,
)
from projects.documents.readers import DocumentText, read_document
from projects.errors import BadFile, CatalogError, InvalidValue
from projects.records.curation import CURATION_PATH, read_curation
from projects.store.atomic_write import write_atomic
from projects.store.postgis import documents as db_docs

#: The folder of taken-in documents of the file store, beside the catalog (data/documents).
DOCUMENTS_NAME = db_docs.DOCUMENTS_NAME
INDEX_NAME = db_docs.INDEX_NAME
MAX_TITLE = 200


@dataclass(frozen=True)
class Intake:
    """A document read and compared with the catalog, before anything is saved."""

    #: "doc-" + the first 12 hex digits of the file's SHA-256: names the kept files.
    doc_id: str
    sha256: str
    filename: str
    text: DocumentText
    meta: DocumentMeta
    rows: tuple[Proposal, ...]
    #: The index entry of this document when it was taken in before (same file or same text).
    known: dict[str, Any] | None = None
    #: The uploaded bytes, kept with the document when rows are applied.
    data: bytes = field(default=b"", repr=False)

    @property
    def doc_file(self) -> str:
        """The kept lines' file name: what every proposal's line refers to."""
        return f"{self.doc_id}.txt"


@dataclass(frozen=True)
class Applied:
    """What :func:`apply_intake` saved: the history batch and the records it touched."""

    doc_id: str
    seq: int
    updated: tuple[str, ...]
    created: tuple[str, ...]


def documents_dir(path: Path | str | None = None) -> Path:
    """The file store's documents folder beside the catalog ($SHAPINGBA_CATALOG's folder /
    documents); with the PostGIS store the documents are rows instead (see :func:`read_index`)."""
    return db_docs.folder_of(store.catalog_path(path))


def read_index(path: Path | str | None = None) -> dict[str, dict[str, Any]]:
    """The kept documents by id: title, date, kind, hashes, who took them in, applied batches.

    From the ``documents`` table when ``path`` (or ``SHAPINGBA_DATABASE_URL``) selects the
    PostGIS store, else from the folder's index: the same entries either way.
    """
    url = store.database_url(path)
    if url:
        return db_docs.read_index(url)
    index = documents_dir(path) / INDEX_NAME
    try:
        data = json.loads(index.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError as exc:
        raise CatalogError(f"文件库索引已损坏：{index}（{exc}）") from exc
    return data if isinstance(data, dict) else {}


def kept_lines(doc_id: str, path: Path | str | None = None) -> list[str]:
    """The lines of a kept document, as its citations count them (1-based: line n is [n - 1]),
    from whichever store ``path`` selects (so a citation resolves on every app server)."""
    url = store.database_url(path)
    if url:
        data = db_docs.lines(url, doc_id)
    else:
        try:
            data = (documents_dir(path) / f"{doc_id}.txt").read_bytes()
        except FileNotFoundError:
            data = None
    if data is None:
        raise BadFile(f"文件库中没有 {doc_id}。")
    return db_docs.split_lines(data)


def take_in(
    data: bytes,
    filename: str,
    meta: DocumentMeta | None = None,
    *,
    features: list[dict[str, Any]] | None = None,
    path: Path | str | None = None,
    curation: Path = CURATION_PATH,
    encoding: str | None = None,
) -> Intake:
    """Read an upload and propose what it changes; BadFile (in Chinese) when it cannot be read.

    ``meta`` is what staff confirmed (title, issuer, date, kind, plan boundary); without it the
    text's own guess is used. ``features`` default to the catalog at ``path``.
    """
    text = read_document(data, filename, encoding)
    sha = hashlib.sha256(data).hexdigest()
    doc_id = f"doc-{sha[:12]}"
    meta = meta or propose_meta(list(text.lines), filename)
    check_meta(meta, len(text.lines))
    if features is None:
        features = store.load(path)
    merges, rejected, names = curation_keys(read_curation(curation))
    rows = propose(text.lines, f"{doc_id}.txt", meta, features, merges, rejected, names)
    if not rows:
        raise BadFile(
            f"没有在《{meta.title}》中识别出任何项目（项目名称应带有“…工程”“…项目”“…线”“…园”等"
            "后缀，或列在专栏中）。目录未作任何修改。"
        )
    known = _known(sha, text, path)
    return Intake(doc_id, sha, filename, text, meta, tuple(rows), known, bytes(data))


def check_meta(meta: DocumentMeta, n_lines: int) -> None:
    """Refuse what staff entered when it cannot be right (InvalidValue with a Chinese message)."""
    if not isinstance(meta.title, str) or not meta.title.strip():
        raise InvalidValue("请填写文件标题。", field="title")
    if len(meta.title) > MAX_TITLE or len(meta.issuer or "") > MAX_TITLE:
        raise InvalidValue(f"标题和发布机关最多 {MAX_TITLE} 个字符。", field="title")
    try:
        day = date.fromisoformat(meta.date)
    except (TypeError, ValueError) as exc:
        raise InvalidValue("发布日期应为 YYYY-MM-DD 格式。", field="date") from exc
    if not day.year >= vocab.MIN_YEAR or day > clock.today():
        raise InvalidValue(f"发布日期应在 {vocab.MIN_YEAR} 年至今天之间。", field="date")
    if meta.kind not in DOC_KINDS:
        raise InvalidValue(f"文件类型应为 {'、'.join(DOC_KINDS.values())} 之一。", field="kind")
    first, last = meta.period
    if not (vocab.MIN_YEAR <= first <= last <= vocab.MAX_YEAR):
        raise InvalidValue("规划期应为起止年份（起始年不晚于结束年）。", field="period")
    if meta.kind == REPORT and not (meta.boundary and 1 < meta.boundary <= n_lines):
        raise InvalidValue(
            "工作报告需要指明「××年工作安排」从第几行开始（之前为上年回顾，之后为本年安排）；"
            "没有回顾部分的文件请选“规划或行动方案”。",
            field="boundary",
        )


def cite(intake: Intake, row: Proposal) -> str:
    """How a change names its source: 「文件 doc-…《标题》第 12 行：建成投用」."""
    cue = f"：{row.cue}" if row.cue else "（列于专栏或清单）"
    return f"文件 {intake.doc_id}《{intake.meta.title}》第 {row.line} 行{cue}"


def edits_for(intake: Intake, rows: list[Proposal]) -> list[store.Edit]:
    """The store edits of the accepted rows (updates of existing records, new records)."""
    out = []
    for row in rows:
        if row.decision != ACCEPT:
            continue
        if row.kind in (UPDATE, UNDECIDED) and row.project_id:
            out.append(
                store.Edit(
                    row.project_id,
                    {"status": row.status},
                    row.version,
                    intake.meta.date,
                    cite=cite(intake, row),
                )
            )
        elif row.kind == NEW:
            changes = {
                "name": row.name,
                "sector": row.sector,
                "status": row.status,
                "start_year": row.start_year,
                "end_year": row.end_year,
                "district": row.district,
                "zone": row.zone,
                "geometry": row.geometry,
                "precision": row.precision,
                "place_id": row.place_id,
                "geo_method": row.geo_method,
                "geo_basis": row.geo_basis,
                # the store keeps no document sources for a staff-made record: say it here
                "notes": f"由{cite(intake, row)}新增" + _years_said(row),
            }
            out.append(
                store.Edit(
                    None,
                    changes,
                    None,
                    intake.meta.date,
                    cite=cite(intake, row),
                    zone_basis=row.zone_basis,
                    zones=row.zones if row.zone_basis is not None else None,
                    sector_basis=row.sector_basis,
                    years_basis=row.years_basis,
                )
            )
    return out


def _years_said(row: Proposal) -> str:
    """Which line the years come from, for the notes: ``years_basis`` is a code (as the build
    writes it), and a record staff add keeps no sources that would say the line."""
    if row.years_basis is None or row.years_line is None or row.start_year is None:
        return ""
    label = vocab.YEARS_BASIS_LABELS.get(row.years_basis, row.years_basis)
    return f"；年份据第 {row.years_line} 行（{label}）"


def apply_intake(
    intake: Intake,
    rows: list[Proposal],
    editor: Any,
    *,
    path: Path | str | None = None,
    outline: Any = None,
) -> Applied:
    """Keep the document and save every accepted row as ONE store batch; nothing on error.

    ``rows`` are the reviewed rows (decisions and edits made). ``outline`` is the district polygon
    for the position check of new projects (the geography layer passes it).
    """
    edits = edits_for(intake, rows)
    if not edits:
        raise InvalidValue("没有采纳任何一条建议，目录未作修改。", field="decision")
    store.users.require_editor(editor)
    before = read_index(path).get(intake.doc_id)
    n = 1 + len((before or {}).get("batches", []))
    updates = sum(1 for e in edits if e.project_id)
    reason = (
        f"采纳文件《{intake.meta.title}》（{intake.doc_id}，第 {n} 批）："
        f"状态更新 {updates} 个，新项目 {len(edits) - updates} 个"
    )
    written = keep(intake, path)
    try:
        saved = store.save_many(editor, edits, reason=reason, path=path, outline=outline)
    except BaseException:
        if before is None:  # refused: a document seen for the first time leaves no trace
            for file in written:
                file.unlink(missing_ok=True)
            _update_index(path, intake.doc_id, None)  # (the database's row holds the bytes)
        raise
    seq = max(e["seq"] for e in store.history(path=path) if e.get("reason") == reason)
    ids = [f["properties"]["id"] for f in saved]
    updated = tuple(i for i, e in zip(ids, edits, strict=True) if e.project_id)
    created = tuple(i for i, e in zip(ids, edits, strict=True) if not e.project_id)
    accepted = [r for r in rows if r.decision == ACCEPT and (r.kind == NEW or r.project_id)]
    batch = {
        "seq": seq,
        "at": _now(),
        "by": editor.name,
        "rows": [
            {"id": i, "kind": r.kind, "name": r.name, "status": r.status, "line": r.line}
            for i, r in zip(ids, accepted, strict=True)
        ],
        "undone": None,
    }
    _update_index(path, intake.doc_id, lambda entry: entry["batches"].append(batch))
    return Applied(intake.doc_id, seq, updated, created)


def undo_intake(
    doc_id: str, editor: Any, *, seq: int | None = None, path: Path | str | None = None
) -> int:
    """Take back a document's last applied batch (or batch ``seq``) in one save; its seq."""
    entry = read_index(path).get(doc_id)
    if entry is None:
        raise InvalidValue(f"文件库中没有 {doc_id}。", field="doc")
    open_batches = [b for b in entry.get("batches", []) if b.get("undone") is None]
    batch = next((b for b in reversed(open_batches) if seq is None or b["seq"] == seq), None)
    if batch is None:
        raise InvalidValue(f"《{entry['title']}》没有可撤销的采纳。", field="seq")
    reason = f"撤销文件《{entry['title']}》（{doc_id}）的采纳"
    store.undo_batch(editor, batch["seq"], reason=reason, path=path)
    undo_seq = max(e["seq"] for e in store.history(path=path) if e.get("reason") == reason)

    def mark(e: dict[str, Any]) -> None:
        for b in e["batches"]:
            if b["seq"] == batch["seq"]:
                b["undone"] = undo_seq

    _update_index(path, doc_id, mark)
    return undo_seq


def keep(intake: Intake, path: Path | str | None = None) -> list[Path]:
    """Keep the original file and its lines and index them: in the documents folder, or in
    the ``documents`` table with the PostGIS store (where the row holds the bytes).

    Returns the files written now (none when the document was kept before, or in the database).
    """
    original = f"{intake.doc_id}{Path(intake.filename).suffix.lower() or '.bin'}"
    lines = intake.text.text.encode("utf-8")
    url = store.database_url(path)
    written = []
    if not url:
        folder = documents_dir(path)
        folder.mkdir(parents=True, exist_ok=True)
        for file, data in ((folder / intake.doc_file, lines), (folder / original, intake.data)):
            if data and not file.exists():
                write_atomic(file, data)
                written.append(file)
    m = intake.meta

    def fill(entry: dict[str, Any]) -> None:
        entry.setdefault("batches", [])
        entry.update(
            {
                "title": m.title,
                "issuer": m.issuer,
                "date": m.date,
                "kind": m.kind,
                "period": list(m.period),
                "boundary": m.boundary,
                "filename": intake.filename,
                "original": original,
                "lines": intake.doc_file,
                "sha256": intake.sha256,
                "text_sha256": _text_hash(intake.text),
            }
        )

    if url:
        db_docs.update(url, intake.doc_id, fill, original=intake.data or None, lines=lines or None)
    else:
        _update_index(path, intake.doc_id, fill)
    return written


def with_rows(intake: Intake, rows: list[Proposal]) -> Intake:
    """The intake with reviewed rows (decisions, edits, positions)."""
    return replace(intake, rows=tuple(rows))


def _known(sha: str, text: DocumentText, path: Path | str | None) -> dict[str, Any] | None:
    """The index entry of the same file, or of another file with the same text."""
    text_sha = _text_hash(text)
    for doc_id, entry in read_index(path).items():
        if entry.get("sha256") == sha or entry.get("text_sha256") == text_sha:
            return {"doc_id": doc_id, **entry}
    return None


def _text_hash(text: DocumentText) -> str:
    return hashlib.sha256(text.text.encode("utf-8")).hexdigest()


def _update_index(path: Path | str | None, doc_id: str, change) -> None:
    """Change one index entry under the index's lock (``change=None`` removes it); in the
    database, under its documents lock (removing the entry removes the row and its bytes)."""
    url = store.database_url(path)
    if url:
        db_docs.update(url, doc_id, change)
        return
    folder = documents_dir(path)
    folder.mkdir(parents=True, exist_ok=True)
    index = folder / INDEX_NAME
    try:
        with FileLock(f"{index}.lock", timeout=30):
            data = read_index(path)
            if change is None:
                data.pop(doc_id, None)
            else:
                change(data.setdefault(doc_id, {"batches": []}))
            write_atomic(index, db_docs.index_bytes(data))
    except Timeout as exc:
        raise CatalogError("其他人正在更新文件库，请稍后再试。") from exc


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")
