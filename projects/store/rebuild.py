"""Rebuilding the catalog from freshly extracted records with every staff edit kept on top.

``make catalog`` runs this; the result depends only on the extracted records and the history,
so the committed catalog can be checked against a fresh build byte for byte.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from projects.errors import CatalogError
from projects.store.atomic_write import clean_temp_files, write_atomic
from projects.store.catalog_file import (
    catalog_path,
    dumps,
    history_path,
    locked,
    now,
    read_features,
)
from projects.store.changes import diff
from projects.store.history_log import (
    append_batch,
    check_against,
    flatten,
    is_edit,
    read_batches,
    replay_into,
)


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


def _check_history_kept(catalog: Path, batches: list[dict[str, Any]], hist: Path) -> None:
    """Refuse to rebuild when the history lacks edits the current catalog shows.

    A rebuild replays the history over fresh records, so a missing or cut history would drop
    those edits for good. An unreadable or absent catalog has nothing to compare and is rebuilt.
    """
    try:
        current = read_features(catalog)
    except CatalogError:
        return
    check_against(current, batches, hist)


def rebuilt_text(features: list[dict[str, Any]], path: Path | str | None = None) -> str:
    """The exact text :func:`rebuild` would write for ``features`` with this catalog's history.

    Writes nothing: for the check that the committed catalog equals a fresh build.
    """
    out = copy.deepcopy(list(features))
    replay_into(out, flatten(read_batches(history_path(path))), pending_only=False)
    return dumps(out)


def plan_rebuild(
    features: list[dict[str, Any]], entries: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], RebuildReport]:
    """(catalog, notes to log, report) for freshly built ``features`` and the logged ``entries``.

    Pure, so the file store and the PostGIS store rebuild alike: edits win over extraction; where
    they override an extracted value a "rebuild" note is due (not again when the last note said
    the same), records created by staff come back from their "create" entries, and ids with
    edits the build no longer has get one "orphan" note.
    """
    fresh = {f["properties"]["id"]: f for f in features}
    out = copy.deepcopy(list(features))
    changed, orphans = replay_into(out, entries, pending_only=False)
    created = [pid for pid in changed if pid not in fresh]
    kept: dict[str, tuple[str, ...]] = {}
    notes = []
    last_note = {e["id"]: e for e in entries if e.get("action") in ("rebuild", "orphan")}
    for feature in out:
        pid = feature["properties"]["id"]
        if pid not in fresh or pid not in changed:
            continue
        edited_fields = {
            k for e in entries if e.get("id") == pid and is_edit(e) for k in e["changes"]
        }
        overridden = {
            k: v
            for k, v in diff(fresh[pid], feature).items()
            if k in edited_fields and k != "status_history"
        }
        if overridden:
            kept[pid] = tuple(overridden)
            note = {"id": pid, "action": "rebuild", "changes": overridden}
            if last_note.get(pid, {}).get("changes") != overridden:
                notes.append(note)
    for pid in orphans:
        if last_note.get(pid, {}).get("action") != "orphan":
            notes.append({"id": pid, "action": "orphan", "changes": {}})
    report = RebuildReport(
        projects=len(out),
        edited=len([pid for pid in changed if pid in fresh]),
        created_by_staff=len(created),
        kept=kept,
        orphans=tuple(orphans),
    )
    return out, notes, report


#: The reason logged with a rebuild's notes.
REBUILD_REASON = "从规划文件重建目录：人工修改优先于文件提取"


def rebuild(
    features: list[dict[str, Any]], path: Path | str | None = None, *, by: str = "make catalog"
) -> RebuildReport:
    """Write the freshly built catalog with every logged staff edit re-applied on top.

    See :func:`plan_rebuild`. The output depends only on ``features`` and the history, so
    rebuilding twice writes the same bytes.
    """
    catalog = catalog_path(path)
    catalog.parent.mkdir(parents=True, exist_ok=True)
    with locked(catalog):
        clean_temp_files(catalog)
        hist = history_path(catalog)
        batches = read_batches(hist)
        _check_history_kept(catalog, batches, hist)
        out, notes, report = plan_rebuild(features, flatten(batches))
        if notes:
            batch = {"at": now(), "by": by, "reason": REBUILD_REASON, "edits": notes}
            append_batch(hist, batch)
        write_atomic(catalog, dumps(out))
    return report
