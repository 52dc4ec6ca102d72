"""One staff edit of a record: what may be set, and the record it makes (validated).

Pure: nothing here reads or writes a file; :mod:`projects.store` runs these under its lock.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from projects import clock, schema
from projects.errors import InvalidValue
from projects.store import users, validate

#: Fields an edit may set (besides "geometry"); bookkeeping fields are the store's own.
SETTABLE = (*schema.EDITABLE, "precision", "geo_method", "geo_basis")
#: Ids made up for projects staff add (staff-0001, …), apart from the document ids.
STAFF_PREFIX = "staff-"


@dataclass(frozen=True)
class Edit:
    """One record change in a :func:`projects.store.save_many` batch.

    ``project_id=None`` creates a record from ``changes`` (its ``id`` may be given, else one is
    made up); otherwise ``changes`` holds the new values of the fields that change and
    ``expected_version`` the version the caller saw. ``status_date`` (ISO) is when a changed status
    took effect (default today).
    """

    project_id: str | None = None
    changes: Mapping[str, Any] = field(default_factory=dict)
    expected_version: int | None = None
    status_date: str | None = None
    #: Where the change comes from when it is not the staff's own word (a document and line,
    #: e.g. 「《2026年政府工作报告》第12行：建成投用」): logged with the entry and, for a status
    #: change, the status entry's cue instead of the batch reason.
    cite: str | None = None


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


def _status_entry(status: str, day: date, reason: str, cite: str | None = None) -> dict[str, Any]:
    return {
        "doc": None,
        "date": day.isoformat(),
        "year": day.year,
        "status": status,
        "cue": cite or (f"人工修改：{reason}" if reason else "人工修改"),
        "line": None,
        "part": None,
    }


def edited(
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
    today = clock.today().isoformat()
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
            _status_entry(props["status"], day, reason, edit.cite),
        ]
    return after


def next_staff_id(taken: Iterable[str]) -> str:
    """The next free staff-NNNN id, so staff-made ids never collide with document ids."""
    numbers = [
        int(t[len(STAFF_PREFIX) :])
        for t in taken
        if t.startswith(STAFF_PREFIX) and t[len(STAFF_PREFIX) :].isdigit()
    ]
    return f"{STAFF_PREFIX}{max(numbers, default=0) + 1:04d}"
