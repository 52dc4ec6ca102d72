"""The catalog store: the only module that reads or writes data/projects.geojson.

The file store keeps two files side by side: the catalog (a GeoJSON FeatureCollection, one
feature a line) and ``history.jsonl``, an append-only log with one line per save. Each line is a
batch ``{"at", "by", "reason", "edits": [{"id", "action", "base", "version", "changes"}]}``
where ``changes`` maps a field (or ``"geometry"``) to ``[old, new]``. The log is written first
and fsynced, then the catalog is replaced atomically (temp file in the same folder, fsync,
``os.replace``), all under a file lock other processes respect. A writer killed between the two
leaves a logged batch the catalog lacks; the next writer rolls it forward, so the catalog always
equals the history replayed over the built catalog.

Every record carries a ``version``; a save names the version it was based on and is refused with
:class:`~projects.errors.StaleVersion` (saying what the colleague changed) when that is no longer
current. Writes need an :class:`~projects.store.users.Editor` from :func:`projects.store.users.authenticate`.

The public functions (load, get, save, save_many, history, catalog_version, rebuild) are the
whole interface, so a database store (PostGIS) can replace this module's internals later. The
parts live in small modules: :mod:`projects.store.edits` (one edit, validated), :mod:`projects.store.changes`
(diffs and their Chinese wording), :mod:`projects.store.history_log` (the log file and its replay),
:mod:`projects.store.catalog_file` (path, lock, canonical text), :mod:`projects.store.atomic_write` and
:mod:`projects.store.rebuild` (``make catalog``); the package names the public API.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from projects.errors import InvalidValue
from projects.store import users, validate
from projects.store.atomic_write import clean_temp_files, write_atomic
from projects.store.catalog_file import (
    catalog_path,
    dumps,
    history_path,
    locked,
    now,
    read_features,
)
from projects.store.changes import diff, stale
from projects.store.edits import SETTABLE, Edit, edited, next_staff_id
from projects.store.history_log import (
    append_batch,
    apply_entry,
    flatten,
    is_edit,
    last_undoable,
    new_feature,
    read_batches,
    replay_into,
    state_at,
    truncate_log,
    unapply_entry,
)

#: Chinese names of the actions, for messages and the history view.
ACTIONS = {
    "create": "新建",
    "update": "修改",
    "delete": "删除",
    "restore": "恢复",
    "revert": "回退",
    "undo": "撤销",
    "import": "导入",
    "rebuild": "重建时保留人工修改",
    "orphan": "重建时未找到项目",
}


def load_collection(
    path: Path | str | None = None, *, include_deleted: bool = False
) -> dict[str, Any]:
    """The catalog as a GeoJSON FeatureCollection dict (soft-deleted records left out)."""
    features = read_features(catalog_path(path))
    if not include_deleted:
        features = [f for f in features if not f["properties"].get("deleted")]
    return {"type": "FeatureCollection", "features": features}


def load(path: Path | str | None = None, *, include_deleted: bool = True) -> list[dict[str, Any]]:
    """The catalog's features, deleted ones included unless asked otherwise."""
    return load_collection(path, include_deleted=include_deleted)["features"]


def get(project_id: str, path: Path | str | None = None) -> dict[str, Any]:
    """One feature by id (deleted or not); InvalidValue when there is none."""
    for feature in load(path):
        if feature["properties"].get("id") == project_id:
            return feature
    raise InvalidValue(f"未找到编号为 {project_id} 的项目。", project_id=project_id, field="id")


def catalog_version(path: Path | str | None = None) -> str:
    """A cheap cache key that changes on every save (the replace gives a new inode)."""
    try:
        st = catalog_path(path).stat()
    except FileNotFoundError:
        return "missing"
    return f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}"


def history(project_id: str | None = None, path: Path | str | None = None) -> list[dict[str, Any]]:
    """Every logged change, oldest first, one dict per record and save.

    Keys: seq (batch number), at (UTC ISO time), by, reason, id, action (see ACTIONS), base and
    version (absent for rebuild notes), changes ({field: [old, new]}), undoes (for undo).
    """
    entries = flatten(read_batches(history_path(path)))
    if project_id is not None:
        entries = [e for e in entries if e.get("id") == project_id]
    return entries


def _current(catalog: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Under the lock: the catalog with any logged-but-unwritten batch rolled forward."""
    clean_temp_files(catalog)
    features = read_features(catalog)
    entries = flatten(read_batches(history_path(catalog)))
    changed, _ = replay_into(features, entries, pending_only=True)
    if changed:
        write_atomic(catalog, dumps(features))
    return features, entries


def recover(path: Path | str | None = None) -> list[str]:
    """Roll forward a batch a killed writer logged but did not write; return the ids fixed."""
    catalog = catalog_path(path)
    with locked(catalog):
        before = {
            f["properties"]["id"]: f["properties"].get("version") for f in read_features(catalog)
        }
        features, _ = _current(catalog)
    return [
        f["properties"]["id"]
        for f in features
        if before.get(f["properties"]["id"]) != f["properties"].get("version")
    ]


Planner = Callable[
    [dict[str, dict[str, Any]], list[dict[str, Any]]], list[tuple[str, dict, str, dict]]
]


def _commit(
    editor: users.Editor,
    path: Path | str | None,
    reason: str,
    plan: Planner,
) -> list[dict[str, Any]]:
    """Check the editor, then under the lock: plan the entries, log them, replace the catalog.

    ``plan(by_id, entries)`` returns (id, feature_after, action, extra) per changed record and
    raises to refuse the whole batch; nothing is written unless every record passed.
    """
    users.require_editor(editor)
    if not isinstance(reason, str) or len(reason) > validate.MAX_TEXT:
        raise InvalidValue(f"修改原因最多 {validate.MAX_TEXT} 个字符。", field="reason")
    catalog = catalog_path(path)
    with locked(catalog):
        features, entries = _current(catalog)
        by_id = {f["properties"]["id"]: f for f in features}
        planned = plan(by_id, entries)
        at = now()
        batch_edits = []
        out = []
        for pid, after, action, extra in planned:
            before = by_id.get(pid) or new_feature(pid)
            changes = diff(before, after)
            if not changes:
                out.append(before)
                continue
            base = before["properties"].get("version", 1) if pid in by_id else 0
            entry = {"id": pid, "action": action, "base": base, "version": base + 1, **extra}
            entry["changes"] = changes
            batch_edits.append(entry)
            if pid not in by_id:
                features.append(before)
                by_id[pid] = before
            apply_entry(before, {**entry, "by": editor.name, "at": at})
            out.append(before)
        if not batch_edits:
            return out
        hist = history_path(catalog)
        size = append_batch(
            hist, {"at": at, "by": editor.name, "reason": reason, "edits": batch_edits}
        )
        try:
            write_atomic(catalog, dumps(features))
        except BaseException:
            truncate_log(hist, size)  # the save failed visibly: it must not roll forward later
            raise
    return out


def save_many(
    editor: users.Editor,
    edits: Iterable[Edit],
    *,
    reason: str = "",
    action: str = "update",
    path: Path | str | None = None,
    outline: Any = None,
) -> list[dict[str, Any]]:
    """All-or-nothing batch of creates and updates: one lock, one history line.

    Each update's ``expected_version`` must be current, else StaleVersion; any invalid value raises
    InvalidValue; either way nothing is saved. ``action`` labels the updates in the history (e.g.
    "import"). ``outline`` is the district polygon (shapely, WGS84) for the location check: the
    caller passes it (the geography sits above this package), and without it a change of
    geometry or zone is refused. Returns the features after the batch, in
    the order of ``edits``; a project may appear only once per batch.
    """
    edits = list(edits)

    def plan(by_id, entries):
        out, seen = [], set()
        for edit in edits:
            new = edit.project_id is None
            pid = edit.project_id or edit.changes.get("id")
            if new:
                pid = pid or next_staff_id([*by_id, *seen])
                if not isinstance(pid, str) or not pid.strip() or pid in by_id:
                    raise InvalidValue(
                        f"新项目编号 {pid!r} 已存在或为空。", project_id=pid, field="id"
                    )
                before = new_feature(pid)
            else:
                if pid not in by_id:
                    raise InvalidValue(f"未找到编号为 {pid} 的项目。", project_id=pid, field="id")
                if edit.expected_version is None:
                    raise InvalidValue(
                        f"修改项目 {pid} 需要给出所依据的版本号。", project_id=pid, field="version"
                    )
                before = by_id[pid]
                if edit.expected_version != before["properties"].get("version", 1):
                    raise stale(before, edit.expected_version, entries)
            if pid in seen:
                raise InvalidValue(
                    f"同一批修改中项目 {pid} 出现了两次。", project_id=pid, field="id"
                )
            seen.add(pid)
            after = edited(before, edit, editor, reason, outline, new, action)
            if edit.cite is not None and (
                not isinstance(edit.cite, str) or len(edit.cite) > validate.MAX_TEXT
            ):
                raise InvalidValue(
                    f"修改来源最多 {validate.MAX_TEXT} 个字符。", project_id=pid, field="cite"
                )
            extra = {"cite": edit.cite} if edit.cite else {}
            out.append((pid, after, "create" if new else action, extra))
        return out

    return _commit(editor, path, reason, plan)


def save(
    editor: users.Editor,
    project_id: str,
    changes: Mapping[str, Any],
    *,
    expected_version: int,
    reason: str = "",
    status_date: str | None = None,
    path: Path | str | None = None,
    outline: Any = None,
) -> dict[str, Any]:
    """Change some fields (and/or "geometry") of one record based on ``expected_version``."""
    edit = Edit(project_id, dict(changes), expected_version, status_date)
    return save_many(editor, [edit], reason=reason, path=path, outline=outline)[0]


def create(
    editor: users.Editor,
    properties: Mapping[str, Any],
    geometry: dict | None = None,
    *,
    reason: str = "",
    path: Path | str | None = None,
    outline: Any = None,
) -> dict[str, Any]:
    """Add a project (id made up as staff-NNNN unless given); name and sector are required."""
    changes = {k: v for k, v in properties.items() if k in SETTABLE or k == "id"}
    if geometry is not None:
        changes["geometry"] = geometry
    return save_many(editor, [Edit(None, changes)], reason=reason, path=path, outline=outline)[0]


def _single(
    editor: users.Editor,
    project_id: str,
    expected_version: int,
    reason: str,
    path: Path | str | None,
    action: str,
    target: Callable[[dict[str, Any], list[dict[str, Any]]], tuple[dict[str, Any], dict]],
) -> dict[str, Any]:
    """Shared path of delete/restore/revert/undo: a stored state, not typed input, is written."""

    def plan(by_id, entries):
        if project_id not in by_id:
            raise InvalidValue(
                f"未找到编号为 {project_id} 的项目。", project_id=project_id, field="id"
            )
        before = by_id[project_id]
        if expected_version != before["properties"].get("version", 1):
            raise stale(before, expected_version, entries)
        mine = [e for e in entries if e.get("id") == project_id and is_edit(e)]
        after, extra = target(before, mine)
        return [(project_id, after, action, extra)]

    return _commit(editor, path, reason, plan)[0]


def _with_deleted(value: bool):
    def target(before, _mine):
        after = copy.deepcopy(before)
        after["properties"]["deleted"] = value
        return after, {}

    return target


def delete(
    editor: users.Editor,
    project_id: str,
    *,
    expected_version: int,
    reason: str = "",
    path: Path | str | None = None,
) -> dict[str, Any]:
    """Soft delete: the record stays in the file, marked deleted, and leaves the map."""
    return _single(
        editor, project_id, expected_version, reason, path, "delete", _with_deleted(True)
    )


def restore(
    editor: users.Editor,
    project_id: str,
    *,
    expected_version: int,
    reason: str = "",
    path: Path | str | None = None,
) -> dict[str, Any]:
    """Bring a soft-deleted record back."""
    return _single(
        editor, project_id, expected_version, reason, path, "restore", _with_deleted(False)
    )


def revert(
    editor: users.Editor,
    project_id: str,
    to_version: int,
    *,
    expected_version: int,
    reason: str = "",
    path: Path | str | None = None,
) -> dict[str, Any]:
    """Restore an earlier version of a record, as a new version (the history keeps both)."""

    def target(before, mine):
        current = before["properties"].get("version", 1)
        if (
            isinstance(to_version, bool)
            or not isinstance(to_version, int)
            or not 1 <= to_version < current
        ):
            raise InvalidValue(
                f"项目 {project_id} 没有可回退的版本 {to_version!r}：应在 1–{current - 1} 之间。",
                project_id=project_id,
                field="version",
            )
        return state_at(before, mine, to_version), {"to_version": to_version}

    return _single(editor, project_id, expected_version, reason, path, "revert", target)


def undo(
    editor: users.Editor,
    project_id: str,
    *,
    expected_version: int,
    reason: str = "",
    path: Path | str | None = None,
) -> dict[str, Any]:
    """Undo the record's last edit (again: the one before), as a new version."""

    def target(before, mine):
        entry = last_undoable(mine)
        if entry is None:
            raise InvalidValue(
                f"项目 {project_id} 没有可撤销的修改。", project_id=project_id, field="version"
            )
        after = copy.deepcopy(before)
        if entry["action"] == "create":
            after["properties"]["deleted"] = True
        else:
            unapply_entry(after, entry)
        return after, {"undoes": entry["version"]}

    return _single(editor, project_id, expected_version, reason, path, "undo", target)


def undo_batch(
    editor: users.Editor,
    seq: int,
    *,
    reason: str = "",
    path: Path | str | None = None,
) -> list[dict[str, Any]]:
    """Undo every record change of one logged save (``seq`` from :func:`history`) as ONE save.

    For a batch applied together (a document intake, an import): created records are deleted,
    changed ones get their old values back, each logged as an "undo" of its entry. Refused
    (nothing saved) when the batch is unknown, already undone, or a record was changed after it.
    """

    def plan(by_id, entries):
        mine = [e for e in entries if e.get("seq") == seq and is_edit(e)]
        if not mine:
            raise InvalidValue(f"没有第 {seq} 次保存的修改，无法撤销。", field="seq")
        out = []
        for entry in mine:
            pid = entry["id"]
            later = [e for e in entries if e.get("id") == pid and is_edit(e) and e["seq"] > seq]
            if any(
                e.get("action") == "undo" and e.get("undoes") == entry["version"] for e in later
            ):
                raise InvalidValue(f"这批修改已撤销过（项目 {pid}）。", project_id=pid, field="seq")
            if later or pid not in by_id:
                name = by_id[pid]["properties"].get("name") if pid in by_id else pid
                raise InvalidValue(
                    f"项目「{name}」（{pid}）在这批修改之后又被修改过，不能整批撤销；"
                    "请先在修改历史中处理该项目。",
                    project_id=pid,
                    field="seq",
                )
            after = copy.deepcopy(by_id[pid])
            if entry["action"] == "create":
                after["properties"]["deleted"] = True
            else:
                unapply_entry(after, entry)
            out.append((pid, after, "undo", {"undoes": entry["version"]}))
        return out

    return _commit(editor, path, reason, plan)
