"""Taken-in plan documents in the database, and copying them between a folder and the database.

The file store keeps a taken-in document in a folder beside the catalog (``documents/``): the
original upload, the lines its citations count (UTF-8 text), and ``index.json`` with one entry
per document (title, date, kind, hashes, the batches it applied). Two app servers do not share
that folder, so with the PostGIS store the same things are rows of ``documents``: the index entry
whole as ``json`` (its keys kept), the original and the lines as ``bytea`` (exactly the bytes the
folder holds, so a copy in and out is byte-equal), and beside them the columns a person
querying the table looks for (sha256, title, date, kind, filename). Every change of a row is
made under one advisory lock, as the folder's index is changed under its file lock.

:mod:`projects.documents.intake` decides which of the two a call uses; ``migrate`` uses
:func:`read_folder`, :func:`write_folder`, :func:`export` and :func:`replace_all`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psycopg.types.json import Json

from projects.errors import CatalogError
from projects.store.atomic_write import write_atomic
from projects.store.postgis.tables import SAVE_LOCK, compact, connect

#: The folder of taken-in documents beside a catalog file, and its index.
DOCUMENTS_NAME = "documents"
INDEX_NAME = "index.json"
#: The advisory lock every change of a document row takes (the folder's index lock).
DOCUMENTS_LOCK = SAVE_LOCK + 3


@dataclass(frozen=True)
class Kept:
    """One kept document: its index entry and the bytes of its two files (None: absent)."""

    doc_id: str
    entry: dict[str, Any]
    original: bytes | None
    lines: bytes | None


def index_bytes(index: dict[str, dict[str, Any]]) -> bytes:
    """The folder's ``index.json`` text for ``index`` (one format, so copies stay byte-equal)."""
    return (json.dumps(index, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def split_lines(data: bytes) -> list[str]:
    """The lines citations count (1-based: line n is [n - 1]), read as the folder's text file is
    read (UTF-8, any line ending taken as one)."""
    text = data.decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def read_index(url: str) -> dict[str, dict[str, Any]]:
    """The kept documents' index entries by id (in id order, as the folder's sorted index)."""
    rows = connect(url).execute("SELECT id, entry FROM documents ORDER BY id").fetchall()
    return dict(rows)


def lines(url: str, doc_id: str) -> bytes | None:
    """The kept lines' bytes of ``doc_id``, or None when there is no such document."""
    found = connect(url).execute("SELECT lines FROM documents WHERE id = %s", (doc_id,)).fetchone()
    return None if found is None or found[0] is None else bytes(found[0])


def original(url: str, doc_id: str) -> bytes | None:
    """The original upload's bytes of ``doc_id``, or None."""
    found = (
        connect(url).execute("SELECT original FROM documents WHERE id = %s", (doc_id,)).fetchone()
    )
    return None if found is None or found[0] is None else bytes(found[0])


def _columns(doc_id: str, entry: dict[str, Any]) -> dict[str, Any]:
    """The row's parameters besides the bytes: the entry whole and the columns taken from it."""

    def text(key: str) -> str | None:
        value = entry.get(key)
        return value if isinstance(value, str) else None

    return {
        "id": doc_id,
        "sha256": text("sha256") or "",
        "title": text("title"),
        "date": text("date"),
        "kind": text("kind"),
        "filename": text("filename"),
        "entry": Json(entry, dumps=compact),
    }


_UPSERT = (
    "INSERT INTO documents (id, sha256, title, date, kind, filename, original, lines, entry) "
    "VALUES (%(id)s, %(sha256)s, %(title)s, %(date)s, %(kind)s, %(filename)s, %(original)s, "
    "%(lines)s, %(entry)s) ON CONFLICT (id) DO UPDATE SET sha256 = excluded.sha256, "
    "title = excluded.title, date = excluded.date, kind = excluded.kind, "
    "filename = excluded.filename, entry = excluded.entry, "
    "original = coalesce(documents.original, excluded.original), "
    "lines = coalesce(documents.lines, excluded.lines)"
)


def update(
    url: str,
    doc_id: str,
    change: Callable[[dict[str, Any]], None] | None,
    *,
    original: bytes | None = None,
    lines: bytes | None = None,
) -> None:
    """Change one document's index entry under the documents lock (``change=None`` deletes the
    row); ``original`` and ``lines`` are stored only where the row has none yet (a document kept
    before keeps its first bytes, as the folder keeps its files).
    """
    conn = connect(url)
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (DOCUMENTS_LOCK,))
        if change is None:
            conn.execute("DELETE FROM documents WHERE id = %s", (doc_id,))
            return
        found = conn.execute("SELECT entry FROM documents WHERE id = %s", (doc_id,)).fetchone()
        entry = found[0] if found else {"batches": []}
        change(entry)
        params = _columns(doc_id, entry) | {"original": original, "lines": lines}
        conn.execute(_UPSERT, params)


def export(url: str) -> list[Kept]:
    """Every kept document, in id order (for ``migrate``)."""
    rows = (
        connect(url)
        .execute("SELECT id, entry, original, lines FROM documents ORDER BY id")
        .fetchall()
    )
    return [
        Kept(i, e, None if o is None else bytes(o), None if t is None else bytes(t))
        for i, e, o, t in rows
    ]


def replace_all(url: str, docs: list[Kept]) -> None:
    """Make the table hold exactly ``docs`` (for ``migrate``), in one transaction."""
    conn = connect(url)
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (DOCUMENTS_LOCK,))
        conn.execute("DELETE FROM documents")
        for doc in docs:
            params = _columns(doc.doc_id, doc.entry)
            conn.execute(_UPSERT, params | {"original": doc.original, "lines": doc.lines})


def folder_of(catalog: Path) -> Path:
    """The documents folder that belongs to a catalog file."""
    return catalog.parent / DOCUMENTS_NAME


def _file_name(entry: dict[str, Any], key: str) -> str | None:
    """A file name the index entry gives, refused when it would leave the folder."""
    name = entry.get(key)
    if not isinstance(name, str) or not name:
        return None
    if Path(name).name != name or name in (".", "..", INDEX_NAME):
        raise CatalogError(f"文件库索引中的文件名不合规：{name!r}。")
    return name


def read_folder(folder: Path) -> list[Kept]:
    """Every document the folder's index names, with the bytes of its files (None: missing)."""
    index = folder / INDEX_NAME
    try:
        data = json.loads(index.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise CatalogError(f"文件库索引无法读取：{index}（{exc}）") from exc
    if not isinstance(data, dict):
        raise CatalogError(f"文件库索引格式不正确：{index}")
    out = []
    for doc_id, entry in sorted(data.items()):
        if not isinstance(entry, dict):
            raise CatalogError(f"文件库索引中 {doc_id} 的记录格式不正确：{index}")
        files = {}
        for key in ("original", "lines"):
            name = _file_name(entry, key)
            try:
                files[key] = (folder / name).read_bytes() if name else None
            except FileNotFoundError:
                files[key] = None
        out.append(Kept(doc_id, entry, files["original"], files["lines"]))
    return out


def write_folder(folder: Path, docs: list[Kept]) -> None:
    """Make the folder hold ``docs``: their files first, then the index (each replaced
    atomically); files of documents the old index named and ``docs`` do not are removed."""
    for doc in docs:  # every name checked before anything is written
        _file_name(doc.entry, "original")
        _file_name(doc.entry, "lines")
    old = read_folder(folder) if (folder / INDEX_NAME).exists() else []
    folder.mkdir(parents=True, exist_ok=True)
    wanted = set()
    for doc in docs:
        for key, data in (("original", doc.original), ("lines", doc.lines)):
            name = _file_name(doc.entry, key)
            if name and data is not None:
                write_atomic(folder / name, data)
                wanted.add(name)
    write_atomic(folder / INDEX_NAME, index_bytes({d.doc_id: d.entry for d in docs}))
    for doc in old:
        for key in ("original", "lines"):
            name = _file_name(doc.entry, key)
            if name and name not in wanted:
                (folder / name).unlink(missing_ok=True)
