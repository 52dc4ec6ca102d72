"""The edit history file (``history.jsonl``) and replaying it over records.

One line per save: ``{"at", "by", "reason", "edits": [{"id", "action", "base", "version",
"changes"}]}`` with ``changes`` mapping a field (or ``"geometry"``) to ``[old, new]``. Lines are
appended and fsynced before the catalog is replaced, so replaying the log over the built catalog
always gives the current one; a torn last line (a writer killed mid-append) is ignored.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from projects import schema
from projects.errors import CatalogError
from projects.store.atomic_write import fsync_dir


def read_batches(hist: Path) -> list[dict[str, Any]]:
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


def append_batch(hist: Path, batch: dict[str, Any]) -> int:
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
        fsync_dir(hist.parent)
    return size


def truncate_log(hist: Path, size: int) -> None:
    """Cut the log back to ``size`` bytes: a save that failed visibly must not roll forward."""
    with open(hist, "r+b") as f:
        f.truncate(size)
        f.flush()
        os.fsync(f.fileno())


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


def apply_entry(feature: dict[str, Any], entry: Mapping[str, Any]) -> None:
    """Set the entry's new values on ``feature`` in place, and its version and editor."""
    props = feature["properties"]
    for name, (_old, new) in entry["changes"].items():
        if name == "geometry":
            feature["geometry"] = copy.deepcopy(new)
        elif name == "status_history":
            props[name] = copy.deepcopy(merge_status_history(props.get(name, []), new))
        else:
            props[name] = copy.deepcopy(new)
    props["version"] = entry["version"]
    props["updated_by"] = entry["by"]
    props["updated_at"] = entry["at"]


def unapply_entry(feature: dict[str, Any], entry: Mapping[str, Any]) -> None:
    """Put the entry's old values back on ``feature`` in place (for revert and undo)."""
    for name, (old, _new) in entry["changes"].items():
        if name == "geometry":
            feature["geometry"] = copy.deepcopy(old)
        elif name == "status_history":
            props = feature["properties"]
            props[name] = merge_status_history(props.get(name, []), old)
        else:
            feature["properties"][name] = copy.deepcopy(old)


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
