"""The edit history file (``history.jsonl``) and replaying it over records.

One line per save: ``{"at", "by", "reason", "edits": [{"id", "action", "base", "version",
"changes"}]}`` with ``changes`` mapping a field (or ``"geometry"``) to ``[old, new]``.

The log is write-ahead: a save is committed when its line is appended and fsynced, and the
catalog is derived from it (replayed over the built catalog), so the two can never disagree
for long: a catalog that lags is rolled forward. A torn last line (a writer killed mid-append)
is ignored; any other broken line, a line of the wrong shape, or a log that lacks edits the
catalog shows stops saves with a Chinese message, as guessing would lose edits.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from projects import schema
from projects.errors import CatalogError
from projects.store.atomic_write import fsync_dir, os_error_text


def read_batches(hist: Path) -> list[dict[str, Any]]:
    """The logged batches; a torn last line (writer killed mid-append) is ignored.

    A line that is broken JSON, or JSON of the wrong shape, raises CatalogError naming the line:
    the history is the commit record, so a damaged one stops saves instead of being guessed at.
    The log only grows, so what was parsed before is kept (per process) and only the lines
    appended since are read; a replaced, shortened or rewritten file is read whole again.
    The batches returned are shared: callers must not change them.
    """
    try:
        with open(hist, "rb") as f:
            st = os.fstat(f.fileno())
            known = _parsed.get(hist)
            start = 0
            if known and known.ino == st.st_ino and known.consumed <= st.st_size:
                f.seek(max(0, known.consumed - len(known.tail)))
                if f.read(len(known.tail)) == known.tail:
                    start = known.consumed
            if start == 0:
                known = None
            f.seek(start)
            raw = f.read()
    except FileNotFoundError:
        _parsed.pop(hist, None)
        return []
    except OSError as exc:
        raise CatalogError(f"修改记录文件 {hist} 无法读取（{os_error_text(exc)}）。") from exc
    complete = raw[: raw.rfind(b"\n") + 1]
    first_line = known.lines + 1 if known else 1
    batches = (known.batches if known else []) + parse_lines(complete, hist, first_line)
    consumed = start + len(complete)
    if consumed:
        with open(hist, "rb") as f:
            f.seek(max(0, consumed - _TAIL))
            tail = f.read(consumed - max(0, consumed - _TAIL))
        lines = (known.lines if known else 0) + complete.count(b"\n")
        _parsed[hist] = _Parsed(st.st_ino, consumed, tail, lines, batches)
    return list(batches)


@dataclass(frozen=True)
class _Parsed:
    """What :func:`read_batches` parsed of one history file, to read only what is new."""

    ino: int
    consumed: int
    tail: bytes
    lines: int
    batches: list[dict[str, Any]]


#: Bytes before the parsed end that must be unchanged for the parsed lines to be reused.
_TAIL = 256
_parsed: dict[Path, _Parsed] = {}


def parse_lines(raw: bytes, hist: Path, first_line: int = 1) -> list[dict[str, Any]]:
    """The batches of complete lines in ``raw`` (the text after the last newline is torn)."""
    lines = raw.split(b"\n")
    batches = []
    for n, line in enumerate(lines[:-1], first_line):
        if not line.strip():
            continue
        try:
            batch = json.loads(line)
        except (ValueError, RecursionError) as exc:
            raise damaged(hist, n, "不是有效的 JSON") from exc
        problem = batch_problem(batch)
        if problem:
            raise damaged(hist, n, problem)
        batches.append(batch)
    return batches


def damaged(hist: Path, line: int, what: str) -> CatalogError:
    """The refusal for a damaged history line: saves stop until someone repairs it."""
    return CatalogError(
        f"修改记录文件 {hist.name} 第 {line} 行已损坏（{what}），为免丢失修改已停止保存。"
        "请管理员从备份恢复该文件（python -m projects.store restore 备份目录）。"
    )


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def batch_problem(batch: Any) -> str:
    """What is wrong with the shape of one history line ("" when nothing)."""
    if not isinstance(batch, dict) or not isinstance(batch.get("edits"), list):
        return "应为含 edits 列表的对象"
    if not isinstance(batch.get("at"), str) or not isinstance(batch.get("by"), str):
        return "缺少时间（at）或修改人（by）"
    for edit in batch["edits"]:
        if not isinstance(edit, dict):
            return "edits 中有一项不是对象"
        if not isinstance(edit.get("id"), str) or not isinstance(edit.get("action"), str):
            return "edits 中有一项缺少编号（id）或操作（action）"
        changes = edit.get("changes")
        if not isinstance(changes, dict) or not all(
            isinstance(v, list) and len(v) == 2 for v in changes.values()
        ):
            return f"项目 {edit['id']} 的 changes 应为 {{字段: [原值, 新值]}}"
        if "version" in edit and not (
            _int(edit["version"]) and _int(edit.get("base")) and edit["version"] >= 1
        ):
            return f"项目 {edit['id']} 的版本号（base、version）应为整数"
    return ""


def batch_line(batch: dict[str, Any]) -> bytes:
    """The bytes of one history line (encoded ahead of the lock for a large save)."""
    return (json.dumps(batch, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def append_batch(hist: Path, batch: dict[str, Any], line: bytes | None = None) -> int:
    """Append one batch line and fsync it: the commit point of a save. Return the size before.

    ``line`` is the batch already encoded (:func:`batch_line`). If writing or syncing fails the
    line is cut off again before the error is raised, so a save the editor sees fail never rolls
    forward later.
    """
    line = line or batch_line(batch)
    with open(hist, "ab+") as f:
        size = f.seek(0, os.SEEK_END)
        if size:
            f.seek(size - 1)
            if f.read(1) != b"\n":  # torn line from a killed writer: drop it
                f.seek(0)
                size = f.read().rfind(b"\n") + 1
                f.truncate(size)
        f.seek(0, os.SEEK_END)
        try:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())
        except BaseException:
            f.truncate(size)
            raise
    if size == 0:
        fsync_dir(hist.parent)
    return size


def check_against(
    features: list[dict[str, Any]], batches: list[dict[str, Any]], hist: Path
) -> None:
    """Refuse to go on when the history lacks edits the catalog shows (missing or cut file).

    A record with an editor (``updated_by``) got its version from a logged save, so the log must
    hold that version; otherwise the next rebuild would silently drop those edits.
    """
    logged: dict[str, int] = {}
    for batch in batches:
        for edit in batch["edits"]:
            if is_edit(edit):
                logged[edit["id"]] = max(logged.get(edit["id"], 0), edit["version"])
    lost = [
        f["properties"]["id"]
        for f in features
        if f["properties"].get("updated_by")
        and logged.get(f["properties"]["id"], 0) < (f["properties"].get("version") or 1)
    ]
    if not lost:
        return
    where = "不存在" if not hist.exists() else ("为空" if not batches else "缺少部分记录")
    shown = "、".join(lost[:5]) + ("等" if len(lost) > 5 else "")
    raise CatalogError(
        f"修改记录文件 {hist.name} {where}，而项目目录中有 {len(lost)} 个项目的人工修改"
        f"（{shown}）在其中找不到；为免丢失修改历史，已停止保存。"
        "请管理员从备份恢复该文件（python -m projects.store restore 备份目录）。"
    )


def flatten(batches: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One dict per record change, the batch's time, editor and reason copied onto each."""
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


def is_edit(entry: Mapping[str, Any]) -> bool:
    """True for entries that made a version; rebuild and orphan notes only explain."""
    return "version" in entry


def merge_status_history(current: list, new: list) -> list:
    """Document entries as the record has them now, then the staff entries of ``new``.

    So a rebuild that finds new document mentions keeps them and the staff's dated changes.
    """
    return [e for e in current or [] if e.get("doc")] + [e for e in new or [] if not e.get("doc")]


def plain_copy(value: Any) -> Any:
    """A copy of a JSON value (dicts and lists copied, the rest shared: they are immutable).

    Several times faster than ``copy.deepcopy``, which matters for a 100 000-row import.
    """
    kind = type(value)
    if kind is dict:
        return {k: plain_copy(v) for k, v in value.items()}
    if kind is list:
        return [plain_copy(v) for v in value]
    if kind is tuple:
        return tuple(plain_copy(v) for v in value)
    return value if kind in (str, int, float, bool) or value is None else copy.deepcopy(value)


def apply_entry(feature: dict[str, Any], entry: Mapping[str, Any]) -> None:
    """Set the entry's new values on ``feature`` in place, and its version and editor."""
    props = feature["properties"]
    for name, (_old, new) in entry["changes"].items():
        if name == "geometry":
            feature["geometry"] = plain_copy(new)
        elif name == "status_history":
            props[name] = plain_copy(merge_status_history(props.get(name, []), new))
        else:
            props[name] = plain_copy(new)
    props["version"] = entry["version"]
    props["updated_by"] = entry["by"]
    props["updated_at"] = entry["at"]


def unapply_entry(feature: dict[str, Any], entry: Mapping[str, Any]) -> None:
    """Put the entry's old values back on ``feature`` in place (for revert and undo)."""
    for name, (old, _new) in entry["changes"].items():
        if name == "geometry":
            feature["geometry"] = plain_copy(old)
        elif name == "status_history":
            props = feature["properties"]
            props[name] = merge_status_history(props.get(name, []), old)
        else:
            feature["properties"][name] = plain_copy(old)


def new_feature(project_id: str) -> dict[str, Any]:
    """An empty record with this id, for a logged create to fill in."""
    props = schema.empty_properties()
    props["id"] = project_id
    return {"type": "Feature", "properties": props, "geometry": None}


def replay_into(
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
        if not is_edit(entry):
            continue
        pid = entry["id"]
        feature = by_id.get(pid)
        if feature is None:
            if entry["action"] != "create":
                if pid not in orphans:
                    orphans.append(pid)
                continue
            feature = by_id[pid] = new_feature(pid)
            features.append(feature)
        elif pending_only and entry["version"] <= feature["properties"].get("version", 1):
            continue
        apply_entry(feature, entry)
        if pid not in changed:
            changed.append(pid)
    return changed, orphans


def replay(
    features: list[dict[str, Any]], entries: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The catalog that ``entries`` (from :func:`history`) make of the built ``features``."""
    out = copy.deepcopy(features)
    replay_into(out, entries, pending_only=False)
    return out


def state_at(
    feature: dict[str, Any], entries: list[dict[str, Any]], version: int
) -> dict[str, Any]:
    """The record as it was at ``version``, undoing this record's later entries from ``feature``."""
    state = copy.deepcopy(feature)
    for entry in reversed(entries):
        if entry["version"] > version:
            unapply_entry(state, entry)
    return state


def last_undoable(entries: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The newest of a record's entries not undone yet (undos themselves are skipped)."""
    undone = {e["undoes"] for e in entries if e.get("action") == "undo"}
    for entry in reversed(entries):
        if entry.get("action") != "undo" and entry["version"] not in undone:
            return entry
    return None
