"""The PostGIS store: the file store's public functions over PostgreSQL tables.

Each function takes the database URL where the file store takes a path (``path``), so
:mod:`projects.store.backend` can hand a call to either. A save runs the same planners as the file
store (:mod:`projects.store.edits`) over just the rows it names, then, in one transaction: takes
the save lock, writes each record with ``UPDATE … WHERE id = … AND version = expected`` (a
colleague's save in between makes it touch no row: the save is planned again, and refused as
stale), adds the history rows, and notifies ``shapingba_catalog`` so every app server learns which
records changed. A process killed mid-save leaves nothing: the transaction never committed.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from typing import Any

import psycopg

from projects.errors import CatalogError, InvalidValue
from projects.store import audit, users
from projects.store.catalog_file import dumps, now
from projects.store.edits import (
    SETTABLE,
    STAFF_PREFIX,
    Edit,
    Planner,
    apply_plan,
    check_reason,
    deleted_as,
    plan_edits,
    plan_one,
    plan_undo_batch,
    reverted_to,
    undone,
)
from projects.store.history_log import replay_into
from projects.store.postgis.tables import (
    CHANNEL,
    COLUMNS,
    GEOM_SQL,
    SAVE_LOCK,
    compact,
    connect,
    entry_row,
    generated_column,
    row,
)
from projects.store.rebuild import REBUILD_REASON, RebuildReport, plan_rebuild
from projects.store.validate import invalid

#: Attempts of a save whose rows a colleague changed between planning and writing.
ATTEMPTS = 5

_UPDATE = (
    "UPDATE projects SET "
    + ", ".join(f"{c} = %({c})s" for c in COLUMNS if c != "id")
    + f", geom = {GEOM_SQL}, changed = nextval('project_changes')"
    + " WHERE id = %(id)s AND version = %(base)s RETURNING changed"
)
_INSERT = (
    f"INSERT INTO projects ({', '.join(COLUMNS)}, geom, ord, changed) VALUES ("
    + ", ".join(f"%({c})s" for c in COLUMNS)
    + f", {GEOM_SQL}, nextval('project_order'), nextval('project_changes'))"
    + " ON CONFLICT (id) DO NOTHING RETURNING changed"
)
_ENTRY = (
    "INSERT INTO entries (seq, idx, project_id, action, version, entry) "
    "VALUES (%(seq)s, %(idx)s, %(project_id)s, %(action)s, %(version)s, %(entry)s)"
)


class _Raced(Exception):
    """A colleague's save changed a row between planning and writing: plan again."""


def load_collection(path: str, *, include_deleted: bool = False) -> dict[str, Any]:
    """The catalog as a GeoJSON FeatureCollection dict (soft-deleted records left out)."""
    where = "" if include_deleted else " WHERE NOT deleted"
    cur = connect(path).execute(f"SELECT feature FROM projects{where} ORDER BY ord, id")
    return {"type": "FeatureCollection", "features": [r[0] for r in cur]}


def load(path: str, *, include_deleted: bool = True) -> list[dict[str, Any]]:
    """The catalog's features, deleted ones included unless asked otherwise."""
    return load_collection(path, include_deleted=include_deleted)["features"]


def get(project_id: str, path: str) -> dict[str, Any]:
    """One feature by id (deleted or not); InvalidValue when there is none."""
    found = connect(path).execute("SELECT feature FROM projects WHERE id = %s", (project_id,))
    hit = found.fetchone()
    if hit is None:
        raise InvalidValue(f"未找到编号为 {project_id} 的项目。", project_id=project_id, field="id")
    return hit[0]


def catalog_version(path: str) -> str:
    """A cache key that changes on every save: the newest change counter ("missing" if empty)."""
    newest = connect(path).execute("SELECT max(changed) FROM projects").fetchone()[0]
    return "missing" if newest is None else f"pg-{newest}"


def generation(path: str) -> str:
    """A random id the database got when its tables were made: a database made anew counts its
    changes from 1 again, so only this and a version together name one state of a catalog."""
    return (
        connect(path).execute("SELECT value FROM store_meta WHERE key = 'generation'").fetchone()[0]
    )


def _entries(conn, where: str = "", params: tuple = ()) -> list[dict[str, Any]]:
    """History entries in the file store's shape (see :func:`projects.store.history`)."""
    cur = conn.execute(
        "SELECT b.seq, b.batch, e.entry FROM entries e JOIN batches b USING (seq)"
        f"{where} ORDER BY e.seq, e.idx",
        params,
    )
    return [
        {
            "seq": seq,
            "at": batch.get("at"),
            "by": batch.get("by"),
            "reason": batch.get("reason", ""),
            **entry,
        }
        for seq, batch, entry in cur
    ]


def history(project_id: str | None = None, path: str = "") -> list[dict[str, Any]]:
    """Every logged change, oldest first, one dict per record and save (as the file store's)."""
    conn = connect(path)
    if project_id is None:
        return _entries(conn)
    return _entries(conn, " WHERE e.project_id = %s", (project_id,))


def recover(path: str) -> list[str]:
    """Nothing to roll forward: a save is one transaction, committed whole or not at all."""
    connect(path)
    return []


def _write(conn, by_id, batch_edits, created, editor_name: str, at: str, reason: str) -> None:
    """Under the save lock: the rows (optimistically), the history, the notification.

    Few round trips while the lock is held: each row's write returns its change number, the
    batch takes its number in its own INSERT, and the entries and the notification go in one
    pipeline.
    """
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (SAVE_LOCK,))
    new = {f["properties"]["id"] for f in created}
    newest = 0
    for entry in sorted(batch_edits, key=lambda e: e["id"]):
        params = row(by_id[entry["id"]])
        try:
            if entry["id"] in new:
                hit = conn.execute(_INSERT, params).fetchone()
            else:
                hit = conn.execute(_UPDATE, {**params, "base": entry["base"]}).fetchone()
        except psycopg.Error as exc:
            raise _refusal(exc, entry) from exc
        if hit is None:
            raise _Raced(entry["id"])
        newest = max(newest, hit[0])
    batch = {"at": at, "by": editor_name, "reason": reason, "edits": []}
    _insert_batch(conn, None, batch, batch_edits, notify=(newest, [e["id"] for e in batch_edits]))


def _insert_batch(
    conn,
    seq: int | None,
    batch: dict[str, Any],
    edits: list[dict[str, Any]],
    notify: tuple[int, list[str] | None] | None = None,
) -> None:
    """One history batch and its entries (``seq`` None: the next number), then the notice."""
    from psycopg.types.json import Json

    head = {k: ([] if k == "edits" else v) for k, v in batch.items()}
    given = "%s" if seq is not None else "(SELECT coalesce(max(seq) + 1, 0) FROM batches)"
    values = (batch.get("at", ""), batch.get("by", ""), batch.get("reason", ""))
    seq = conn.execute(
        f"INSERT INTO batches (seq, at, by_name, reason, batch) VALUES ({given}, %s, %s, %s, %s) "
        "RETURNING seq",
        ((seq,) if seq is not None else ()) + values + (Json(head, dumps=compact),),
    ).fetchone()[0]
    with conn.pipeline(), conn.cursor() as cur:
        cur.executemany(_ENTRY, [entry_row(seq, i, e) for i, e in enumerate(edits)])
        if notify is not None:
            _notify(conn, *notify)


def _notify(conn, version: int, ids: list[str] | None) -> None:
    """Tell every listening app server what changed (all, when the list is too long to send)."""
    payload = compact({"version": f"pg-{version}", "ids": ids})
    if len(payload.encode("utf-8")) > 7000:
        payload = compact({"version": f"pg-{version}", "ids": None})
    conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))


def _newest(conn) -> int:
    return conn.execute("SELECT coalesce(max(changed), 0) FROM projects").fetchone()[0]


def _commit(
    editor: users.Editor,
    path: str,
    reason: str,
    plan: Planner,
    ids: Iterable[str],
    *,
    staff_ids: bool = False,
    batch_seq: int | None = None,
) -> list[dict[str, Any]]:
    """Check the editor, plan over the rows named (``ids``, or save ``batch_seq``'s), write.

    ``staff_ids`` adds every staff-made id to what the planner sees, so a made-up id is free.
    """
    users.require_editor(editor)
    check_reason(reason)
    conn = connect(path)
    for _ in range(ATTEMPTS):
        try:
            with conn.transaction():
                wanted = set(ids)
                if batch_seq is not None:
                    cur = conn.execute(
                        "SELECT DISTINCT project_id FROM entries WHERE seq = %s", (batch_seq,)
                    )
                    wanted |= {r[0] for r in cur}
                by_id: dict[str, Any] = {}
                if staff_ids:
                    cur = conn.execute(
                        "SELECT id FROM projects WHERE id LIKE %s", (STAFF_PREFIX + "%",)
                    )
                    by_id.update((r[0], None) for r in cur)
                cur = conn.execute(
                    "SELECT id, feature FROM projects WHERE id = ANY(%s)", (sorted(wanted),)
                )
                by_id.update(cur.fetchall())
                entries = _entries(conn, " WHERE e.project_id = ANY(%s)", (sorted(wanted),))
                at = now()
                batch_edits, out, created = apply_plan(by_id, plan(by_id, entries), editor.name, at)
                if batch_edits:
                    _write(conn, by_id, batch_edits, created, editor.name, at, reason)
            return out
        except _Raced:
            continue
        except psycopg.Error as exc:  # not a row's (those are refusals): the history, the link
            raise CatalogError(
                f"项目数据库未能保存这次修改（{_code(exc)}），所有修改均未写入；"
                "请稍后再试，仍不行请告知管理员。"
            ) from exc
    raise CatalogError("其他人正在同时修改这些项目，请稍后再试。")


#: What the database's refusal of a field's value means, by the class of its SQLSTATE (the
#: first two characters) or the whole code.
_REFUSALS = {
    "54000": "内容超出项目数据库能索引的长度，请缩短后再保存",
    "23514": "不符合项目数据库的规则{rule}，请改正后再保存",
    "23502": "项目数据库要求填写此项",
    "23505": "与另一条记录重复，项目数据库要求唯一",
    "22": "超出项目数据库能保存的范围或格式，请改正后再保存",
}


def _refusal(exc: psycopg.Error, entry: dict[str, Any]) -> CatalogError:
    """The database's refusal of one record's row as staff read a check's: an
    :class:`~projects.errors.InvalidValue` naming the project, the field and what is wrong, in
    Chinese (raise it ``from exc``: psycopg's own text stays the cause, for the log).

    The field is the one the error names (a column, a constraint or an index, such as
    ``projects_live_lead_dept_idx`` for an over-long 牵头部门), else the save's only changed field;
    when neither tells it, the message names the project alone.
    """
    pid = entry["id"]
    changes = entry.get("changes", {})
    diag = exc.diag
    names = [diag.column_name, diag.constraint_name]
    names += re.findall(r'"([^"]+)"', diag.message_primary or "")
    named = [
        k
        for k in changes
        for n in names
        if n and (n in (k, generated_column(k)) or f"_{k}_" in f"_{n}_")
    ]
    field = max(named, key=len) if named else next(iter(changes)) if len(changes) == 1 else None
    code = exc.sqlstate or ""
    meaning = _REFUSALS.get(code) or _REFUSALS.get(code[:2])
    if field is None or meaning is None:
        return CatalogError(
            f"项目 {pid} 未能保存：项目数据库拒绝了这条记录（{_code(exc)}），所有修改均未写入；"
            "请告知管理员。",
            project_id=pid,
            field=field,
        )
    value = changes[field][1]
    rule = f"（{diag.constraint_name}）" if diag.constraint_name else ""
    reason = f"共 {len(value)} 个字符" if code == "54000" and isinstance(value, str) else ""
    return invalid(pid, field, value, meaning.format(rule=rule), reason)


def _code(exc: psycopg.Error) -> str:
    """The error's SQLSTATE for the message (what an administrator looks up), or its kind."""
    return f"错误代码 {exc.sqlstate}" if exc.sqlstate else "连接中断"


def save_many(
    editor: users.Editor,
    edits: Iterable[Edit],
    *,
    reason: str = "",
    action: str = "update",
    path: str = "",
    outline: Any = None,
) -> list[dict[str, Any]]:
    """All-or-nothing batch of creates and updates: one transaction, one history batch."""
    edits = list(edits)
    named = [e.project_id or e.changes.get("id") for e in edits]
    ids = [pid for pid in named if isinstance(pid, str)]
    plan = plan_edits(edits, editor, reason, action, outline)
    out = _commit(editor, path, reason, plan, ids, staff_ids=None in named)
    if action == "import" or len(edits) > 1:  # as the file store; the audit file is per server
        event = "import" if action == "import" else "bulk_save"
        audit.record(event, name=editor.name, records=len(edits), reason=reason[:200])
    return out


def save(
    editor: users.Editor,
    project_id: str,
    changes: Mapping[str, Any],
    *,
    expected_version: int,
    reason: str = "",
    status_date: str | None = None,
    path: str = "",
    outline: Any = None,
    position_zone: tuple[str | None, tuple[str, ...]] | None = None,
) -> dict[str, Any]:
    """Change some fields (and/or "geometry") of one record based on ``expected_version``;
    ``position_zone`` is where a new geometry lies (see ``Edit``)."""
    edit = Edit(
        project_id, dict(changes), expected_version, status_date, position_zone=position_zone
    )
    return save_many(editor, [edit], reason=reason, path=path, outline=outline)[0]


def create(
    editor: users.Editor,
    properties: Mapping[str, Any],
    geometry: dict | None = None,
    *,
    reason: str = "",
    path: str = "",
    outline: Any = None,
    position_zone: tuple[str | None, tuple[str, ...]] | None = None,
) -> dict[str, Any]:
    """Add a project (id made up as staff-NNNN unless given); name and sector are required.
    ``position_zone`` is where ``geometry`` lies (see ``Edit``)."""
    changes = {k: v for k, v in properties.items() if k in SETTABLE or k == "id"}
    if geometry is not None:
        changes["geometry"] = geometry
    edit = Edit(None, changes, position_zone=position_zone)
    return save_many(editor, [edit], reason=reason, path=path, outline=outline)[0]


def delete(
    editor: users.Editor,
    project_id: str,
    *,
    expected_version: int,
    reason: str = "",
    path: str = "",
) -> dict[str, Any]:
    """Soft delete: the record stays, marked deleted, and leaves the map."""
    plan = plan_one(project_id, expected_version, "delete", deleted_as(True))
    return _commit(editor, path, reason, plan, [project_id])[0]


def restore(
    editor: users.Editor,
    project_id: str,
    *,
    expected_version: int,
    reason: str = "",
    path: str = "",
) -> dict[str, Any]:
    """Bring a soft-deleted record back."""
    plan = plan_one(project_id, expected_version, "restore", deleted_as(False))
    return _commit(editor, path, reason, plan, [project_id])[0]


def revert(
    editor: users.Editor,
    project_id: str,
    to_version: int,
    *,
    expected_version: int,
    reason: str = "",
    path: str = "",
) -> dict[str, Any]:
    """Restore an earlier version of a record, as a new version (the history keeps both)."""
    plan = plan_one(project_id, expected_version, "revert", reverted_to(project_id, to_version))
    return _commit(editor, path, reason, plan, [project_id])[0]


def undo(
    editor: users.Editor,
    project_id: str,
    *,
    expected_version: int,
    reason: str = "",
    path: str = "",
) -> dict[str, Any]:
    """Undo the record's last edit (again: the one before), as a new version."""
    plan = plan_one(project_id, expected_version, "undo", undone(project_id))
    return _commit(editor, path, reason, plan, [project_id])[0]


def undo_batch(
    editor: users.Editor, seq: int, *, reason: str = "", path: str = ""
) -> list[dict[str, Any]]:
    """Undo every record change of one logged save as ONE save (see the file store's)."""
    return _commit(editor, path, reason, plan_undo_batch(seq), [], batch_seq=seq)


def replace_all(
    path: str, features: list[dict[str, Any]], batches: list[dict[str, Any]] | None = None
) -> None:
    """Make the database hold exactly ``features`` (in this order) and, if given, ``batches``.

    One transaction under the save lock, so app servers see the old catalog or the new one.
    """
    conn = connect(path)
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SAVE_LOCK,))
        _replace_rows(conn, features)
        if batches is not None:
            conn.execute("DELETE FROM batches")
            for seq, batch in enumerate(batches):
                _insert_batch(conn, seq, batch, batch.get("edits", []))
        _notify(conn, _newest(conn), None)


def _replace_rows(conn, features: list[dict[str, Any]]) -> None:
    """Every record row anew, bulk-copied; the geometry is made from the GeoJSON in SQL."""
    conn.execute("DELETE FROM projects")
    columns = (*COLUMNS, "ord", "changed")  # COLUMNS ends with the feature itself
    first = conn.execute("SELECT nextval('project_changes') FROM generate_series(1, 1)").fetchone()[
        0
    ]
    with conn.cursor().copy(f"COPY projects ({', '.join(columns)}) FROM STDIN") as copy_:
        for n, feature in enumerate(features):
            r = row(feature)
            copy_.write_row((*(r[c] for c in COLUMNS[:-1]), compact(feature), n, first))
    conn.execute(
        "UPDATE projects SET geom = ST_SetSRID(ST_GeomFromGeoJSON((feature->'geometry')::text), "
        "4326) WHERE json_typeof(feature->'geometry') = 'object'"
    )
    conn.execute("SELECT setval('project_order', %s)", (max(len(features), 1),))
    conn.execute("ANALYZE projects")  # fresh statistics for the planner after a bulk load


def export(path: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(features in catalog order, history batches as the file logs them), for ``migrate``."""
    conn = connect(path)
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        features = [r[0] for r in conn.execute("SELECT feature FROM projects ORDER BY ord, id")]
        batches = {seq: batch for seq, batch in conn.execute("SELECT seq, batch FROM batches")}
        for seq, entry in conn.execute("SELECT seq, entry FROM entries ORDER BY seq, idx"):
            batches[seq].setdefault("edits", []).append(entry)
    return features, [batches[s] for s in sorted(batches)]


def rebuild(
    features: list[dict[str, Any]], path: str = "", *, by: str = "make catalog"
) -> RebuildReport:
    """The catalog anew from freshly built ``features`` with every logged edit on top."""
    conn = connect(path)
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SAVE_LOCK,))
        out, notes, report = plan_rebuild(features, _entries(conn))
        if notes:
            batch = {"at": now(), "by": by, "reason": REBUILD_REASON, "edits": []}
            _insert_batch(conn, None, batch, notes)
        _replace_rows(conn, out)
        _notify(conn, _newest(conn), None)
    return report


def rebuilt_text(features: list[dict[str, Any]], path: str = "") -> str:
    """The file text :func:`rebuild` would make of ``features`` with this database's history."""
    out = copy.deepcopy(list(features))
    replay_into(out, history(path=path), pending_only=False)
    return dumps(out)
