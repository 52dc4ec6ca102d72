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
current. Writes need an :class:`~projects.users.Editor` from :func:`projects.users.authenticate`.

The public functions (load, get, save, save_many, history, catalog_version, rebuild) are the
whole interface, so a database store (PostGIS) can replace this module's internals later.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from projects import schema, users, validate
from projects.errors import CatalogError, InvalidValue, StaleVersion
from projects.sources import ROOT

DEFAULT_CATALOG = ROOT / "data" / "projects.geojson"
HISTORY_NAME = "history.jsonl"
LOCK_TIMEOUT = 30.0
#: Fields an edit may set (besides "geometry"); bookkeeping fields are the store's own.
SETTABLE = (*schema.EDITABLE, "precision", "geo_method", "geo_basis")
BOOKKEEPING = ("version", "updated_by", "updated_at")
STAFF_PREFIX = "staff-"
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


@dataclass(frozen=True)
class Edit:
    """One record change in a :func:`save_many` batch.

    ``project_id=None`` creates a record from ``changes`` (its ``id`` may be given, else one is
    made up); otherwise ``changes`` holds the new values of the fields that change and
    ``expected_version`` the version the caller saw. ``status_date`` (ISO) is when a changed status
    took effect (default today).
    """

    project_id: str | None = None
    changes: Mapping[str, Any] = field(default_factory=dict)
    expected_version: int | None = None
    status_date: str | None = None


@dataclass(frozen=True)
class RebuildReport:
    """What :func:`rebuild` did: record counts and the edits that won over extraction."""

    projects: int
    edited: int
    created_by_staff: int
    #: project id -> fields whose extracted value was overridden by a staff edit
    kept: dict[str, tuple[str, ...]]
    #: ids with recorded edits that the build no longer contains
    orphans: tuple[str, ...]


# --- paths and files ----------------------------------------------------------------------


def catalog_path(path: Path | str | None = None) -> Path:
    """``path``, else $SHAPINGBA_CATALOG (read now; relative to the repository), else the default."""
    if path:
        return Path(path)
    chosen = Path(os.environ.get("SHAPINGBA_CATALOG", "").strip() or DEFAULT_CATALOG)
    return chosen if chosen.is_absolute() else ROOT / chosen


#: The catalog used when a function is given no path (as resolved at import).
CATALOG_PATH = catalog_path()


def history_path(path: Path | str | None = None) -> Path:
    """The append-only history beside the catalog."""
    return catalog_path(path).with_name(HISTORY_NAME)


def _lock(catalog: Path) -> FileLock:
    return FileLock(f"{catalog}.lock", timeout=LOCK_TIMEOUT)


def _read_features(catalog: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(catalog.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CatalogError(f"项目目录文件不存在：{catalog}（请先运行 make catalog）") from exc
    except ValueError as exc:
        raise CatalogError(f"项目目录文件已损坏，无法读取：{catalog}（{exc}）") from exc
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise CatalogError(f"项目目录文件不是 GeoJSON FeatureCollection：{catalog}")
    return data["features"]


def _dumps(features: Iterable[dict[str, Any]]) -> str:
    """Canonical text: one compact feature a line, so equal catalogs are equal bytes."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    body = ",\n".join(lines)
    return '{"type":"FeatureCollection","features":[\n' + body + ("\n" if lines else "") + "]}\n"


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(target: Path, text: str) -> None:
    """Write to a temp file in the same folder, fsync, then os.replace: old or new, never half."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


def _clean_temp_files(target: Path) -> None:
    """Remove temp files left by killed writers (called under the lock, so none is live)."""
    for tmp in target.parent.glob(f".{target.name}.*.tmp"):
        tmp.unlink(missing_ok=True)


def _read_batches(hist: Path) -> list[dict[str, Any]]:
    """The logged batches; a torn last line (writer killed mid-append) is ignored."""
    try:
        raw = hist.read_bytes()
    except FileNotFoundError:
        return []
    lines = raw.split(b"\n")
    complete, tail = lines[:-1], lines[-1]
    del tail  # no newline yet: an append that never finished
    batches = []
    for n, line in enumerate(complete, 1):
        if not line.strip():
            continue
        try:
            batches.append(json.loads(line))
        except ValueError as exc:
            raise CatalogError(f"修改记录文件第 {n} 行已损坏：{hist}（{exc}）") from exc
    return batches


def _append_batch(hist: Path, batch: dict[str, Any]) -> int:
    """Append one batch line (fsynced); return the size before, to undo a failed save."""
    line = (json.dumps(batch, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    with open(hist, "ab+") as f:
        size = f.seek(0, os.SEEK_END)
        if size:
            f.seek(size - 1)
            if f.read(1) != b"\n":  # torn line from a killed writer: drop it
                f.seek(0)
                size = f.read().rfind(b"\n") + 1
                f.truncate(size)
        f.seek(0, os.SEEK_END)
        f.write(line)
        f.flush()
        os.fsync(f.fileno())
    if size == 0:
        _fsync_dir(hist.parent)
    return size


def _truncate(hist: Path, size: int) -> None:
    with open(hist, "r+b") as f:
        f.truncate(size)
        f.flush()
        os.fsync(f.fileno())


# --- reading ------------------------------------------------------------------------------


def load_collection(
    path: Path | str | None = None, *, include_deleted: bool = False
) -> dict[str, Any]:
    """The catalog as a GeoJSON FeatureCollection dict (soft-deleted records left out)."""
    features = _read_features(catalog_path(path))
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


def _flatten(batches: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for seq, batch in enumerate(batches):
        for edit in batch.get("edits", []):
            out.append(
                {
                    "seq": seq,
                    "at": batch.get("at"),
                    "by": batch.get("by"),
                    "reason": batch.get("reason", ""),
                    **edit,
                }
            )
    return out


def history(project_id: str | None = None, path: Path | str | None = None) -> list[dict[str, Any]]:
    """Every logged change, oldest first, one dict per record and save.

    Keys: seq (batch number), at (UTC ISO time), by, reason, id, action (see ACTIONS), base and
    version (absent for rebuild notes), changes ({field: [old, new]}), undoes (for undo).
    """
    entries = _flatten(_read_batches(history_path(path)))
    if project_id is not None:
        entries = [e for e in entries if e.get("id") == project_id]
    return entries


# --- replay -------------------------------------------------------------------------------


def _is_edit(entry: Mapping[str, Any]) -> bool:
    return "version" in entry


def _merge_status_history(current: list, new: list) -> list:
    """Document entries as the record has them now, then the staff entries of ``new``.

    So a rebuild that finds new document mentions keeps them and the staff's dated changes.
    """
    return [e for e in current or [] if e.get("doc")] + [e for e in new or [] if not e.get("doc")]


def _apply(feature: dict[str, Any], entry: Mapping[str, Any]) -> None:
    props = feature["properties"]
    for name, (_old, new) in entry["changes"].items():
        if name == "geometry":
            feature["geometry"] = copy.deepcopy(new)
        elif name == "status_history":
            props[name] = copy.deepcopy(_merge_status_history(props.get(name, []), new))
        else:
            props[name] = copy.deepcopy(new)
    props["version"] = entry["version"]
    props["updated_by"] = entry["by"]
    props["updated_at"] = entry["at"]


def _new_feature(project_id: str) -> dict[str, Any]:
    props = schema.empty_properties()
    props["id"] = project_id
    return {"type": "Feature", "properties": props, "geometry": None}


def _replay_into(
    features: list[dict[str, Any]], entries: Iterable[Mapping[str, Any]], *, pending_only: bool
) -> tuple[list[str], list[str]]:
    """Apply edit entries to ``features`` in place; return (changed ids, orphan ids).

    ``pending_only`` applies just the entries newer than each record (crash roll-forward);
    otherwise every entry is applied in order (a rebuild from freshly extracted records).
    """
    by_id = {f["properties"]["id"]: f for f in features}
    changed: list[str] = []
    orphans: list[str] = []
    for entry in entries:
        if not _is_edit(entry):
            continue
        pid = entry["id"]
        feature = by_id.get(pid)
        if feature is None:
            if entry["action"] != "create":
                if pid not in orphans:
                    orphans.append(pid)
                continue
            feature = by_id[pid] = _new_feature(pid)
            features.append(feature)
        elif pending_only and entry["version"] <= feature["properties"].get("version", 1):
            continue
        _apply(feature, entry)
        if pid not in changed:
            changed.append(pid)
    return changed, orphans


def replay(
    features: list[dict[str, Any]], entries: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The catalog that ``entries`` (from :func:`history`) make of the built ``features``."""
    out = copy.deepcopy(features)
    _replay_into(out, entries, pending_only=False)
    return out


# --- writing ------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _current(catalog: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Under the lock: the catalog with any logged-but-unwritten batch rolled forward."""
    _clean_temp_files(catalog)
    features = _read_features(catalog)
    entries = _flatten(_read_batches(history_path(catalog)))
    changed, _ = _replay_into(features, entries, pending_only=True)
    if changed:
        _write_atomic(catalog, _dumps(features))
    return features, entries


def recover(path: Path | str | None = None) -> list[str]:
    """Roll forward a batch a killed writer logged but did not write; return the ids fixed."""
    catalog = catalog_path(path)
    with _locked(catalog):
        before = {
            f["properties"]["id"]: f["properties"].get("version") for f in _read_features(catalog)
        }
        features, _ = _current(catalog)
    return [
        f["properties"]["id"]
        for f in features
        if before.get(f["properties"]["id"]) != f["properties"].get("version")
    ]


class _locked:
    """The catalog's file lock, with a Chinese message when a colleague holds it too long."""

    def __init__(self, catalog: Path):
        self.lock = _lock(catalog)

    def __enter__(self):
        try:
            self.lock.acquire()
        except Timeout as exc:
            raise CatalogError("其他人正在保存，请稍后再试（目录文件被锁定）。") from exc
        return self

    def __exit__(self, *exc):
        self.lock.release()


def _label(name: str) -> str:
    return {"geometry": "位置"}.get(name) or schema.FIELDS.get(name, (None, None, name))[2]


def _show(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "（空）"
    if isinstance(value, dict):
        kinds = {"Point": "点", "LineString": "线", "Polygon": "面"}
        kind = str(value.get("type", "")).removeprefix("Multi")
        return kinds.get(kind, "几何") + (
            f" {_lonlat(value)}" if value.get("type") == "Point" else ""
        )
    text = "、".join(map(str, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _lonlat(point: Mapping[str, Any]) -> str:
    coords = point.get("coordinates") or []
    try:
        return f"{float(coords[0]):.5f}, {float(coords[1]):.5f}"
    except (IndexError, TypeError, ValueError):
        return ""


def describe_changes(changes: Mapping[str, Any]) -> str:
    """「状态：在建 → 建成；…」 for messages (values shortened, geometry by type)."""
    parts = [
        f"{_label(k)}：{_show(old)} → {_show(new)}"
        for k, (old, new) in changes.items()
        if k not in ("status_history", "geo_method", "geo_basis")
    ]
    return "；".join(parts) or "（无字段变化）"


def _stale(
    feature: dict[str, Any], expected: int | None, entries: list[dict[str, Any]]
) -> StaleVersion:
    props = feature["properties"]
    pid, actual = props["id"], props.get("version", 1)
    since = [
        e for e in entries if e.get("id") == pid and _is_edit(e) and e["base"] >= (expected or 0)
    ]
    changes: dict[str, tuple[Any, Any]] = {}
    for e in since:
        for k, (old, new) in e["changes"].items():
            changes[k] = (changes[k][0] if k in changes else old, new)
    who = "、".join(dict.fromkeys(e["by"] for e in since)) or "其他人"
    msg = (
        f"项目「{props.get('name')}」（{pid}）已被 {who} 修改（您看到的是版本 {expected}，"
        f"现在是版本 {actual}）：{describe_changes(changes)}。您的修改未保存，请刷新后重新修改。"
    )
    return StaleVersion(msg, project_id=pid, expected=expected or 0, actual=actual, changes=changes)


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    changes = {
        k: [before["properties"].get(k), v]
        for k, v in after["properties"].items()
        if k not in BOOKKEEPING and before["properties"].get(k) != v
    }
    if before.get("geometry") != after.get("geometry"):
        changes["geometry"] = [before.get("geometry"), after.get("geometry")]
    return changes


def _placement(
    editor: users.Editor, geometry: dict | None, today: str, action: str
) -> dict[str, str]:
    """Where a staff-set position comes from: precision "manual" and who set it, when, how."""
    if geometry is None:
        basis = f"{editor.name} 于 {today} 移除位置"
        return {"precision": "none", "geo_method": "none", "geo_basis": basis}
    how = "导入文件" if action == "import" else "在地图上放置"
    return {
        "precision": "manual",
        "geo_method": "manual",
        "geo_basis": f"{editor.name} 于 {today} {how}",
    }


def _status_entry(status: str, day: date, reason: str) -> dict[str, Any]:
    return {
        "doc": None,
        "date": day.isoformat(),
        "year": day.year,
        "status": status,
        "cue": f"人工修改：{reason}" if reason else "人工修改",
        "line": None,
        "part": None,
    }


def _edited(
    feature: dict[str, Any],
    edit: Edit,
    editor: users.Editor,
    reason: str,
    outline: Any,
    new: bool,
    action: str = "update",
) -> dict[str, Any]:
    """The feature after ``edit``, validated; raises InvalidValue and changes nothing."""
    pid = feature["properties"]["id"]
    unknown = [k for k in edit.changes if k not in SETTABLE and k != "geometry" and k != "id"]
    if unknown:
        raise InvalidValue(
            f"项目 {pid} 的字段 {unknown} 不能在此修改；可修改：{list(SETTABLE)} 和 geometry。",
            project_id=pid,
            field=unknown[0],
        )
    after = copy.deepcopy(feature)
    props = after["properties"]
    for k, v in edit.changes.items():
        if k == "geometry":
            after["geometry"] = copy.deepcopy(v)
        elif k != "id":
            props[k] = copy.deepcopy(v)
    if isinstance(props.get("name"), str):
        props["name"] = props["name"].strip()
    if isinstance(props.get("investment"), int) and not isinstance(props["investment"], bool):
        props["investment"] = float(props["investment"])
    today = date.today().isoformat()
    moved = "geometry" in edit.changes and after["geometry"] != feature.get("geometry")
    if moved and "precision" not in edit.changes:
        props.update(_placement(editor, after["geometry"], today, action))
    touched = set(edit.changes)
    validate.check_properties(props, None if new else touched, new=new)
    if new or moved or ("zone" in touched and after["geometry"] is not None):
        validate.check_geometry(pid, after["geometry"], props.get("zone"), outline)
    status_changed = props.get("status") != feature["properties"].get("status")
    if status_changed and (edit.status_date or not new):
        day = validate.check_status_date(pid, edit.status_date or today)
        props["status_history"] = [
            *props.get("status_history", []),
            _status_entry(props["status"], day, reason),
        ]
    return after


def _next_staff_id(taken: Iterable[str]) -> str:
    numbers = [
        int(t[len(STAFF_PREFIX) :])
        for t in taken
        if t.startswith(STAFF_PREFIX) and t[len(STAFF_PREFIX) :].isdigit()
    ]
    return f"{STAFF_PREFIX}{max(numbers, default=0) + 1:04d}"


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
    with _locked(catalog):
        features, entries = _current(catalog)
        by_id = {f["properties"]["id"]: f for f in features}
        planned = plan(by_id, entries)
        at = _now()
        batch_edits = []
        out = []
        for pid, after, action, extra in planned:
            before = by_id.get(pid) or _new_feature(pid)
            changes = _diff(before, after)
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
            _apply(before, {**entry, "by": editor.name, "at": at})
            out.append(before)
        if not batch_edits:
            return out
        hist = history_path(catalog)
        size = _append_batch(
            hist, {"at": at, "by": editor.name, "reason": reason, "edits": batch_edits}
        )
        try:
            _write_atomic(catalog, _dumps(features))
        except BaseException:
            _truncate(hist, size)  # the save failed visibly: it must not roll forward later
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
    "import"). ``outline`` is the district polygon for the location check (loaded from
    geo.boundaries when None and a geometry changes). Returns the features after the batch, in
    the order of ``edits``; a project may appear only once per batch.
    """
    edits = list(edits)

    def plan(by_id, entries):
        out, seen = [], set()
        for edit in edits:
            new = edit.project_id is None
            pid = edit.project_id or edit.changes.get("id")
            if new:
                pid = pid or _next_staff_id([*by_id, *seen])
                if not isinstance(pid, str) or not pid.strip() or pid in by_id:
                    raise InvalidValue(
                        f"新项目编号 {pid!r} 已存在或为空。", project_id=pid, field="id"
                    )
                before = _new_feature(pid)
            else:
                if pid not in by_id:
                    raise InvalidValue(f"未找到编号为 {pid} 的项目。", project_id=pid, field="id")
                if edit.expected_version is None:
                    raise InvalidValue(
                        f"修改项目 {pid} 需要给出所依据的版本号。", project_id=pid, field="version"
                    )
                before = by_id[pid]
                if edit.expected_version != before["properties"].get("version", 1):
                    raise _stale(before, edit.expected_version, entries)
            if pid in seen:
                raise InvalidValue(
                    f"同一批修改中项目 {pid} 出现了两次。", project_id=pid, field="id"
                )
            seen.add(pid)
            geo_outline = outline if outline is not None else _outline_if_needed(edit)
            after = _edited(before, edit, editor, reason, geo_outline, new, action)
            out.append((pid, after, "create" if new else action, {}))
        return out

    return _commit(editor, path, reason, plan)


def _outline_if_needed(edit: Edit) -> Any:
    """The district outline, loaded only when the edit places a record or changes its zone."""
    if edit.changes.get("geometry") is None and "zone" not in edit.changes:
        return None
    return _district_outline()


@cache
def _district_outline() -> Any:
    """geo.boundaries' outline; None when it is unavailable (location saves are then refused)."""
    try:
        from geo.boundaries import load_outline
    except ImportError:
        return None
    try:
        return load_outline()
    except (OSError, CatalogError, ValueError):
        return None


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
            raise _stale(before, expected_version, entries)
        mine = [e for e in entries if e.get("id") == project_id and _is_edit(e)]
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
    editor: users.Editor, project_id: str, *, expected_version: int, reason: str = "", path=None
) -> dict[str, Any]:
    """Soft delete: the record stays in the file, marked deleted, and leaves the map."""
    return _single(
        editor, project_id, expected_version, reason, path, "delete", _with_deleted(True)
    )


def restore(
    editor: users.Editor, project_id: str, *, expected_version: int, reason: str = "", path=None
) -> dict[str, Any]:
    """Bring a soft-deleted record back."""
    return _single(
        editor, project_id, expected_version, reason, path, "restore", _with_deleted(False)
    )


def _unapply(feature: dict[str, Any], entry: Mapping[str, Any]) -> None:
    for name, (old, _new) in entry["changes"].items():
        if name == "geometry":
            feature["geometry"] = copy.deepcopy(old)
        elif name == "status_history":
            props = feature["properties"]
            props[name] = _merge_status_history(props.get(name, []), old)
        else:
            feature["properties"][name] = copy.deepcopy(old)


def state_at(
    feature: dict[str, Any], entries: list[dict[str, Any]], version: int
) -> dict[str, Any]:
    """The record as it was at ``version``, undoing this record's later entries from ``feature``."""
    state = copy.deepcopy(feature)
    for entry in reversed(entries):
        if entry["version"] > version:
            _unapply(state, entry)
    return state


def revert(
    editor: users.Editor,
    project_id: str,
    to_version: int,
    *,
    expected_version: int,
    reason: str = "",
    path=None,
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


def last_undoable(entries: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The newest of a record's entries not undone yet (undos themselves are skipped)."""
    undone = {e["undoes"] for e in entries if e.get("action") == "undo"}
    for entry in reversed(entries):
        if entry.get("action") != "undo" and entry["version"] not in undone:
            return entry
    return None


def undo(
    editor: users.Editor, project_id: str, *, expected_version: int, reason: str = "", path=None
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
            _unapply(after, entry)
        return after, {"undoes": entry["version"]}

    return _single(editor, project_id, expected_version, reason, path, "undo", target)


# --- rebuild ------------------------------------------------------------------------------


def rebuilt_text(features: list[dict[str, Any]], path: Path | str | None = None) -> str:
    """The exact text :func:`rebuild` would write for ``features`` with this catalog's history.

    Writes nothing: for the check that the committed catalog equals a fresh build.
    """
    out = copy.deepcopy(list(features))
    _replay_into(out, _flatten(_read_batches(history_path(path))), pending_only=False)
    return _dumps(out)


def rebuild(
    features: list[dict[str, Any]], path: Path | str | None = None, *, by: str = "make catalog"
) -> RebuildReport:
    """Write the freshly built catalog with every logged staff edit re-applied on top.

    Edits win over extraction; where they override an extracted value a "rebuild" note is logged
    (once, not again on the next identical rebuild). Records created by staff come back from
    their "create" entries. The output depends only on ``features`` and the history, so rebuilding
    twice writes the same bytes.
    """
    catalog = catalog_path(path)
    catalog.parent.mkdir(parents=True, exist_ok=True)
    with _locked(catalog):
        _clean_temp_files(catalog)
        hist = history_path(catalog)
        entries = _flatten(_read_batches(hist))
        fresh = {f["properties"]["id"]: f for f in features}
        out = copy.deepcopy(list(features))
        changed, orphans = _replay_into(out, entries, pending_only=False)
        created = [pid for pid in changed if pid not in fresh]
        kept: dict[str, tuple[str, ...]] = {}
        notes = []
        last_note = {e["id"]: e for e in entries if e.get("action") in ("rebuild", "orphan")}
        for feature in out:
            pid = feature["properties"]["id"]
            if pid not in fresh or pid not in changed:
                continue
            edited = {
                k for e in entries if e.get("id") == pid and _is_edit(e) for k in e["changes"]
            }
            diff = {
                k: v
                for k, v in _diff(fresh[pid], feature).items()
                if k in edited and k != "status_history"
            }
            if diff:
                kept[pid] = tuple(diff)
                note = {"id": pid, "action": "rebuild", "changes": diff}
                if last_note.get(pid, {}).get("changes") != diff:
                    notes.append(note)
        for pid in orphans:
            if last_note.get(pid, {}).get("action") != "orphan":
                notes.append({"id": pid, "action": "orphan", "changes": {}})
        if notes:
            reason = "从规划文件重建目录：人工修改优先于文件提取"
            _append_batch(hist, {"at": _now(), "by": by, "reason": reason, "edits": notes})
        _write_atomic(catalog, _dumps(out))
    return RebuildReport(
        projects=len(out),
        edited=len([pid for pid in changed if pid in fresh]),
        created_by_staff=len(created),
        kept=kept,
        orphans=tuple(orphans),
    )


__all__ = [
    "ACTIONS",
    "CATALOG_PATH",
    "Edit",
    "RebuildReport",
    "catalog_path",
    "catalog_version",
    "create",
    "delete",
    "describe_changes",
    "get",
    "history",
    "history_path",
    "last_undoable",
    "load",
    "load_collection",
    "rebuild",
    "rebuilt_text",
    "recover",
    "replay",
    "restore",
    "revert",
    "save",
    "save_many",
    "state_at",
    "undo",
]
