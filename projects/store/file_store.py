"""The catalog store: the only module that reads or writes data/projects.geojson.

The file store keeps two files side by side: the catalog (a GeoJSON FeatureCollection, one
feature a line) and ``history.jsonl``, an append-only log with one line per save. Each line is a
batch ``{"at", "by", "reason", "edits": [{"id", "action", "base", "version", "changes"}]}``
where ``changes`` maps a field (or ``"geometry"``) to ``[old, new]``. The log is write-ahead:
the new catalog goes to a fsynced temp file, then the batch line is appended and fsynced (the
commit), then the temp file replaces the catalog (``os.replace``, folder fsync), all under a file
lock other processes respect. A writer killed or failing after the commit leaves a logged batch
the catalog lacks; readers roll it forward in memory and the next writer on disk, so the catalog
always equals the history replayed over the built catalog. A save parses only the lines of
the records it touches and those the checks need (in a catalog in canonical form, see
:func:`~projects.store.catalog_file.read_lines`) and writes the old bytes with those lines
swapped, so its cost is the edit plus one read and one write of the file; any other file is
read and written whole. A missing or damaged history stops
saves with a Chinese message; OS errors reach staff as Chinese sentences, tracebacks go to the
log (``logging``).

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

import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from projects.errors import CatalogError, InvalidValue
from projects.store import audit, users
from projects.store.atomic_write import (
    clean_temp_files,
    install,
    os_error_text,
    prepare,
    write_atomic,
)
from projects.store.catalog_file import (
    CatalogLines,
    NotCanonical,
    catalog_path,
    check_unique_ids,
    dumps,
    encode_feature,
    file_stamp,
    history_path,
    locked,
    now,
    paused_gc,
    read_catalog,
    read_features,
    read_lines,
)
from projects.store.edits import (
    SETTABLE,
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
from projects.store.history_log import (
    append_batch,
    batch_line,
    check_against,
    flatten,
    is_edit,
    plain_copy,
    read_batches,
    replay_into,
)

log = logging.getLogger(__name__)

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
    """The catalog as a GeoJSON FeatureCollection dict (soft-deleted records left out).

    A committed save whose catalog write failed (see :func:`_commit`) is rolled forward here in
    memory, so readers always see what the history holds.
    """
    features = _read_committed(catalog_path(path))
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
    """A cheap cache key that changes on every save (the replace gives a new inode).

    The history's size is part of it: a committed save whose catalog write failed still
    changes what :func:`load` returns.
    """
    catalog = catalog_path(path)
    parts = []
    for file in (catalog, history_path(catalog)):
        try:
            parts.append(file_stamp(file))
        except OSError:
            if file == catalog:
                return "missing"
            parts.append("none")
    return ":".join(parts)


def history(project_id: str | None = None, path: Path | str | None = None) -> list[dict[str, Any]]:
    """Every logged change, oldest first, one dict per record and save.

    Keys: seq (batch number), at (UTC ISO time), by, reason, id, action (see ACTIONS), base and
    version (absent for rebuild notes), changes ({field: [old, new]}), undoes (for undo).
    """
    entries = flatten(read_batches(history_path(path)))
    if project_id is not None:
        entries = [e for e in entries if e.get("id") == project_id]
    return entries


def changed_since(
    since: str, path: Path | str | None = None
) -> tuple[str, list[dict[str, Any]] | None, int | None]:
    """(token, the records changed since ``since``, None) for a viewer that keeps its copy.

    The token is the catalog version plus how many history batches were seen. The changed ids
    come from the batches logged since (the log is parsed incrementally), and their records
    from their own lines of the canonical file, found by text search: nothing else is parsed.
    Records None means "read everything": an unknown token, a history replaced or shortened,
    a rebuild, a catalog changed without a logged save, a file not in canonical form, or a
    logged save the file does not hold yet (``load`` rolls that forward).
    """
    catalog = catalog_path(path)
    batches = read_batches(history_path(catalog))
    version = catalog_version(catalog)
    token = f"{version}|{len(batches)}|{batches[-1]['at'] if batches else ''}"
    old_version, _, seen = since.partition("|")
    count, _, last_at = seen.partition("|")
    if not count.isdigit() or int(count) > len(batches):
        return token, None, None
    n = int(count)
    if n and batches[n - 1]["at"] != last_at:
        return token, None, None
    if old_version == version and n == len(batches):
        return token, [], None
    new = batches[n:]
    if not new:
        return token, None, None  # the file changed with no save logged: a rebuild, a restore
    wanted: dict[str, int] = {}
    for batch in new:
        if not batch["edits"] or any(not is_edit(e) for e in batch["edits"]):
            return token, None, None  # a rebuild or a save that logged no record change
        for e in batch["edits"]:
            wanted[e["id"]] = max(wanted.get(e["id"], 0), e["version"])
    found = _lines_for(catalog, wanted)  # at least as new as the batches: a later save is
    return token, found, None  # fetched again next time, since the version moved on


def _lines_for(catalog: Path, wanted: Mapping[str, int]) -> list[dict[str, Any]] | None:
    """The records of ``wanted`` ids at (at least) their logged versions, in file order, read
    from their own lines; None when one is missing, older, or the file is not canonical."""
    try:
        text = catalog.read_text(encoding="utf-8")
    except OSError:
        return None
    if not text.startswith('{"type":"FeatureCollection","features":[\n'):
        return None
    hits: list[tuple[int, dict[str, Any]]] = []
    for pid, version in wanted.items():
        needle = '"id":' + json.dumps(pid, ensure_ascii=False)
        at, record = text.find(needle), None
        while at >= 0 and record is None:
            start = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at)
            line = text[start:end].removesuffix(",")
            try:
                feature = json.loads(line)
            except ValueError:
                return None
            if feature.get("properties", {}).get("id") == pid:
                record = (start, feature)
            at = text.find(needle, end)
        if record is None or record[1]["properties"].get("version", 1) < version:
            return None
        hits.append(record)
    return [feature for _, feature in sorted(hits, key=lambda hit: hit[0])]


def _lags(features: list[dict[str, Any]], batch: dict[str, Any] | None) -> bool:
    """Whether the newest logged batch is missing from ``features`` (a save to roll forward)."""
    if batch is None:
        return False
    versions = {f["properties"]["id"]: f["properties"].get("version", 1) for f in features}
    return any(is_edit(e) and e["version"] > versions.get(e["id"], 0) for e in batch["edits"])


def _read_committed(catalog: Path) -> list[dict[str, Any]]:
    """The catalog as committed: the file, plus any logged batch it lacks (no lock, no write).

    Saves are serial and each one rolls the catalog forward first, so when the newest logged
    batch is in the file every earlier one is too; only then is the whole log skipped.
    """
    features = read_features(catalog)
    hist = history_path(catalog)
    batches = read_batches(hist)  # parsed once per process, then only what is appended
    newest = next((b for b in reversed(batches) if any(is_edit(e) for e in b["edits"])), None)
    if _lags(features, newest):
        replay_into(features, flatten(batches), pending_only=True)
    return features


def _current(
    catalog: Path,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[int, str]]:
    """Under the lock: the catalog with any logged-but-unwritten batch rolled forward, its
    history entries, and the text of each feature as read (see :func:`read_catalog`).

    Also the health check of the pair: an id twice in the catalog, a damaged history, or a
    history that lacks edits the catalog shows stop the save with a Chinese message.
    """
    clean_temp_files(catalog)
    features, raw = read_catalog(catalog)
    check_unique_ids(features, catalog)
    hist = history_path(catalog)
    batches = read_batches(hist)
    entries = flatten(batches)
    changed, _ = replay_into(features, entries, pending_only=True)
    check_against(features, batches, hist)
    if changed:
        write_atomic(catalog, dumps(features))
        raw = {}
    return features, entries, raw


def recover(path: Path | str | None = None) -> list[str]:
    """Roll forward a batch a killed writer logged but did not write; return the ids fixed."""
    catalog = catalog_path(path)
    with _faults("恢复目录"), locked(catalog):
        before = {
            f["properties"]["id"]: f["properties"].get("version") for f in read_features(catalog)
        }
        features, _, _ = _current(catalog)
    return [
        f["properties"]["id"]
        for f in features
        if before.get(f["properties"]["id"]) != f["properties"].get("version")
    ]


@contextmanager
def _faults(doing: str) -> Iterator[None]:
    """Turn an OS error (or any fault but the store's own refusals) into a Chinese sentence for
    the page; the traceback goes to the server log."""
    try:
        yield
    except CatalogError:
        raise
    except OSError as exc:
        log.exception("%s failed", doing)
        raise CatalogError(
            f"{doing}失败：{os_error_text(exc)}，未作任何修改。请稍后再试；"
            "如一直失败，请联系管理员查看服务器日志。"
        ) from exc
    except Exception as exc:  # a fault no rule foresaw: still a sentence, never a traceback
        log.exception("%s failed unexpectedly", doing)
        raise CatalogError(
            f"{doing}未完成：系统出现意外错误，详情已记入服务器日志。请刷新页面后查看结果再重试；"
            "如仍失败，请联系管理员。"
        ) from exc


@dataclass
class _Snapshot:
    """What a save read before taking the lock, and how to tell it is still current."""

    #: The records by id: a dict of the whole catalog, or :class:`CatalogLines`.
    by_id: Mapping[str, dict[str, Any]]
    entries: list[dict[str, Any]]
    #: The two files' identity (inode, mtime, size) before they were read.
    stamp: tuple
    #: Whether the file lagged the history (a commit to roll forward on disk).
    lagging: bool = False
    #: The whole catalog as read, and each feature's text (when not read as lines).
    features: list[dict[str, Any]] | None = None
    raw: dict[int, str] | None = None


def _stamp(catalog: Path) -> tuple:
    out = []
    for file in (catalog, history_path(catalog)):
        try:
            st = file.stat()
        except FileNotFoundError:
            out.append(None)
        else:
            out.append((st.st_ino, st.st_mtime_ns, st.st_size))
    return tuple(out)


def _snapshot(catalog: Path, *, whole: bool = False) -> _Snapshot:
    """Without the lock: the committed catalog and the history, checked, for planning a save
    (read as lines when it is canonical, unless ``whole``)."""
    stamp = _stamp(catalog)
    fast = None if whole else _lines_snapshot(catalog, stamp)
    if fast is not None:
        return fast
    features, raw = read_catalog(catalog)
    check_unique_ids(features, catalog)
    hist = history_path(catalog)
    batches = read_batches(hist)
    entries = flatten(batches)
    changed, _ = replay_into(features, entries, pending_only=True)
    check_against(features, batches, hist)  # a lost history stops the save before anything
    by_id = {f["properties"]["id"]: f for f in features}
    return _Snapshot(by_id, entries, stamp, bool(changed), features, raw)


def _lines_snapshot(catalog: Path, stamp: tuple) -> _Snapshot | None:
    """The snapshot of a canonical catalog that the history does not run ahead of; of the
    records an editor saved or the history names (the checks need no other) only the id,
    version and editor are read (:meth:`CatalogLines.brief`). None when the file must be read
    whole (not canonical, an id twice, a save to roll forward)."""
    lines = read_lines(catalog)
    if lines is None:
        return None
    hist = history_path(catalog)
    batches = read_batches(hist)
    entries = flatten(batches)
    named = {e["id"] for e in entries if is_edit(e)} & lines.position.keys()
    wanted = sorted(named.union(lines.edited()), key=lines.position.__getitem__)
    try:
        checked = [lines.brief(pid) for pid in wanted]  # all the checks read of them
    except NotCanonical:
        return None
    changed, _ = replay_into(checked, entries, pending_only=True)
    if changed:
        return None  # a committed save the file lacks: the whole read rolls it forward
    check_against(checked, batches, hist)  # every record with an editor is among ``checked``
    return _Snapshot(lines, entries, stamp)


@paused_gc()  # the catalog a save reads is dropped on return, unwalked (0.7 s at 100 000)
def _commit(
    editor: users.Editor,
    path: Path | str | None,
    reason: str,
    plan: Planner,
) -> list[dict[str, Any]]:
    """Check the editor, plan the entries, then under the lock log them and replace the catalog.

    ``plan(by_id, entries)`` (see :mod:`projects.store.edits`) raises to refuse the whole batch;
    nothing is written unless every record passed. Planning (the validation, slow for a large
    import) runs before the lock is taken, so other staff can save meanwhile; under the lock the
    plan is kept if none of its records changed since, else made again on the current catalog.

    A canonical catalog is read as lines (:func:`_lines_snapshot`): only the records the save
    and the checks need are parsed, and the new file is the old bytes with the changed lines
    swapped; any other file is read and written whole.

    The commit is write-ahead: the new catalog is first written to a temp file (a full disk
    fails here, with nothing changed), then the history line is appended and fsynced (the
    commit), then the temp file replaces the catalog. If that last step fails the save stands:
    the catalog is derived from the history by the next reader and writer.
    """
    users.require_editor(editor)
    check_reason(reason)
    catalog = catalog_path(path)
    with _faults("保存"):
        try:
            return _commit_on(catalog, editor, reason, plan, whole=False)
        except NotCanonical:  # a line not the record its start names: read the file whole
            return _commit_on(catalog, editor, reason, plan, whole=True)


def _commit_on(
    catalog: Path, editor: users.Editor, reason: str, plan: Planner, *, whole: bool
) -> list[dict[str, Any]]:
    """:func:`_commit`, the catalog read as lines where it can be, or ``whole``."""
    snap = _snapshot(catalog, whole=whole)
    seen = snap.by_id
    planned = plan(seen, snap.entries)
    touched = [pid for pid, *_ in planned]
    batch, line, out, work = _applied(seen, planned, editor, reason)
    if batch is None:
        return out
    encoded = {pid: encode_feature(work[pid]) for pid in work}  # before the lock too
    with locked(catalog):
        users.require_editor(editor)
        clean_temp_files(catalog)  # a killed writer's, now that no writer is live
        if not snap.lagging and _stamp(catalog) == snap.stamp:
            current = snap  # nothing was saved since the snapshot: it is the current catalog
        else:
            current = (None if whole else _lines_snapshot(catalog, ())) or _full_current(catalog)
            by_id = current.by_id
            if any(by_id.get(pid) != seen.get(pid) for pid in touched):
                planned = plan(by_id, current.entries)  # changed meanwhile: plan again on it
                batch, line, out, work = _applied(by_id, planned, editor, reason)
                if batch is None:
                    return out
                encoded = {pid: encode_feature(work[pid]) for pid in work}
        _write(catalog, current, work, encoded, batch, line)
    return out


def _full_current(catalog: Path) -> _Snapshot:
    """Under the lock: :func:`_current` as a snapshot (the file read and checked whole)."""
    features, entries, raw = _current(catalog)
    by_id = {f["properties"]["id"]: f for f in features}
    return _Snapshot(by_id, entries, (), False, features, raw)


def _applied(
    by_id: Mapping[str, dict[str, Any]],
    planned: list,
    editor: users.Editor,
    reason: str,
) -> tuple[dict[str, Any] | None, bytes, list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """(the batch, its history line, the features after, the records changed or created by id);
    the batch is None when the plan changes nothing. ``by_id`` is left as it was."""
    work = {pid: plain_copy(by_id[pid]) for pid, *_ in planned if by_id.get(pid) is not None}
    at = now()
    batch_edits, out, _ = apply_plan(work, planned, editor.name, at)
    if not batch_edits:
        return None, b"", out, {}
    batch = {"at": at, "by": editor.name, "reason": reason, "edits": batch_edits}
    return batch, batch_line(batch), out, {e["id"]: work[e["id"]] for e in batch_edits}


def _write(
    catalog: Path,
    current: _Snapshot,
    work: dict[str, dict[str, Any]],
    encoded: dict[str, str],
    batch: dict[str, Any],
    line: bytes,
) -> None:
    """Under the lock: temp catalog, then the history line (the commit), then the rename.

    ``work`` holds the records the batch changed or created, ``encoded`` their lines, ``line``
    the batch's; records new to ``current`` are appended in the batch's order."""
    if isinstance(current.by_id, CatalogLines):
        lines = current.by_id
        text: str | bytes = lines.spliced(
            {pid: encoded[pid].encode("utf-8") for pid in work if pid in lines},
            [encoded[pid].encode("utf-8") for pid in work if pid not in lines],
        )
    else:
        features, raw = current.features or [], current.raw or {}
        position = {f["properties"]["id"]: i for i, f in enumerate(features)}
        for pid, feature in work.items():
            if pid in position:
                raw.pop(id(features[position[pid]]), None)
                features[position[pid]] = feature
            else:
                features.append(feature)
            raw[id(feature)] = encoded[pid]
        text = dumps(features, raw)
    tmp = prepare(catalog, text)
    try:
        append_batch(history_path(catalog), batch, line)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:
        install(tmp, catalog)
    except OSError:  # committed: the catalog is derived from the history on the next access
        log.exception("save committed to the history; catalog file update failed")


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

    Time grows linearly with the batch, and the lock is held only to commit (see _commit).

    Each update's ``expected_version`` must be current, else StaleVersion; any invalid value raises
    InvalidValue; either way nothing is saved. ``action`` labels the updates in the history (e.g.
    "import"). ``outline`` is the district polygon (shapely, WGS84) for the location check: the
    caller passes it (the geography sits above this package), and without it a change of
    geometry or zone is refused. Returns the features after the batch, in
    the order of ``edits``; a project may appear only once per batch.
    """
    edits = list(edits)
    out = _commit(editor, path, reason, plan_edits(edits, editor, reason, action, outline))
    if action == "import" or len(edits) > 1:
        event = "import" if action == "import" else "bulk_save"
        audit.record(event, path=path, name=editor.name, records=len(edits), reason=reason[:200])
    return out


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
    path: Path | str | None = None,
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
    path: Path | str | None = None,
) -> dict[str, Any]:
    """Soft delete: the record stays in the file, marked deleted, and leaves the map."""
    plan = plan_one(project_id, expected_version, "delete", deleted_as(True))
    return _commit(editor, path, reason, plan)[0]


def restore(
    editor: users.Editor,
    project_id: str,
    *,
    expected_version: int,
    reason: str = "",
    path: Path | str | None = None,
) -> dict[str, Any]:
    """Bring a soft-deleted record back."""
    plan = plan_one(project_id, expected_version, "restore", deleted_as(False))
    return _commit(editor, path, reason, plan)[0]


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
    plan = plan_one(project_id, expected_version, "revert", reverted_to(project_id, to_version))
    return _commit(editor, path, reason, plan)[0]


def undo(
    editor: users.Editor,
    project_id: str,
    *,
    expected_version: int,
    reason: str = "",
    path: Path | str | None = None,
) -> dict[str, Any]:
    """Undo the record's last edit (again: the one before), as a new version."""
    plan = plan_one(project_id, expected_version, "undo", undone(project_id))
    return _commit(editor, path, reason, plan)[0]


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

    return _commit(editor, path, reason, plan_undo_batch(seq))
