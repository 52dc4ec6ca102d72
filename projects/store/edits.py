"""One staff edit of a record: what may be set, and the record it makes (validated).

Also the *planners* every save runs: given the records a save touches (``by_id``) and their logged
entries, a planner returns ``(id, feature_after, action, extra)`` per changed record or raises to
refuse the whole batch; :func:`apply_plan` turns that into history entries. Pure: nothing here
reads or writes; the file store runs these under its lock, the PostGIS store in a transaction
over just the rows a save names, so both refuse and log alike.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from projects import clock, schema, vocab
from projects.errors import InvalidValue
from projects.store import users, validate
from projects.store.changes import diff, stale, stale_batch
from projects.store.history_log import (
    apply_entry,
    is_edit,
    last_undoable,
    new_feature,
    plain_copy,
    state_at,
    unapply_entry,
)

#: Fields an edit may set (besides "geometry"); bookkeeping fields are the store's own.
SETTABLE = (*schema.EDITABLE, "precision", "place_id", "geo_method", "geo_basis")
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
    #: ``(zone, zones)`` the new geometry lies in, worked out by the caller (``geo.zones``: the
    #: store knows no zone shapes). Given with a changed geometry, the record's zone follows it
    #: where the zone rests on a position or was 未定 (:func:`followed_zone`); otherwise the
    #: zone stays, and the history entry notes where the position lies (:func:`zone_note`).
    position_zone: tuple[str | None, tuple[str, ...]] | None = None
    #: What a zone given in ``changes`` rests on when it is not the staff's own word: the
    #: placement's 「几何：位置（片区级）落在西」 for a project a document brings in
    #: (``geo.intake.place_new``), or "" for none of its own (区外: its district says it, and
    #: the build leaves the basis empty). It stands instead of 「人工录入」; None: staff set it.
    zone_basis: str | None = None
    #: The zones that zone spans, worked out by the caller (a 跨区 placement's 东、中、西): they
    #: stand instead of the list :func:`zones_of` keeps, which has none for a new record.
    zones: tuple[str, ...] | None = None
    #: What a sector and years given in ``changes`` rest on when not the staff's word: the
    #: words and ``years_basis`` code ``make catalog`` writes for them, read off a document's
    #: line (``projects.documents.intake``). They stand instead of 「人工录入」 and ``manual``.
    sector_basis: str | None = None
    years_basis: str | None = None


def _placement(
    editor: users.Editor, geometry: dict | None, today: str, action: str
) -> dict[str, str]:
    """Where a staff-set position comes from: precision "manual" (drawn in the app) or
    "imported" (taken from a staff-imported GIS file), and who set it, when, how.

    A staff position is the record's own, so any reference to a gazetteer place is dropped.
    """
    if geometry is None:
        basis = f"{editor.name} 于 {today} 移除位置"
        return {"precision": None, "place_id": None, "geo_method": "none", "geo_basis": basis}
    kind = "imported" if action == "import" else "manual"
    how = "导入文件" if action == "import" else "在地图上放置"
    return {
        "precision": kind,
        "place_id": None,
        "geo_method": kind,
        "geo_basis": f"{editor.name} 于 {today} {how}",
        "geo_matched": None,  # no place was matched: staff set the position itself
    }


#: The ``years_basis`` of years staff set (vocab.YEARS_BASIS_LABELS).
STAFF_YEARS_BASIS = "manual"


def _bases(
    before: dict[str, Any],
    after: dict[str, Any],
    editor: users.Editor,
    today: str,
    action: str,
    new: bool = False,
) -> dict[str, str]:
    """The basis of each value staff set or changed: years, zone and sector then rest on the
    edit, not on what the build read in the documents (which the basis fields otherwise still
    said), and a project staff create says who entered them (it said 「无」). A zone the edit
    says rests on something else (``Edit.zone_basis``) takes that basis instead (:func:`edited`)."""
    how = "导入文件" if action == "import" else "人工录入" if new else "人工修改"
    said = f"{how}：{editor.name} 于 {today}"
    out: dict[str, str] = {}
    if any(after.get(f) != before.get(f) for f in ("start_year", "end_year")):
        out["years_basis"] = STAFF_YEARS_BASIS
    for name, basis in (("zone", "zone_basis"), ("sector", "sector_basis")):
        if after.get(name) != before.get(name):
            out[basis] = said
    return out


#: How the basis of a zone that rests on a position begins: the build's (「几何：位置（大致）落在东」,
#: geo.places.placement) and a staff-set position's (「按人工标绘位置（…）」, 「按导入文件的位置（…）」,
#: :func:`position_zone_basis`, 「按所归地名（…）」 for a place staff chose). A zone from the documents (「文中：…」) or set by staff
#: (「人工修改：…」 …) is stated otherwise and does not follow a move.
POSITION_ZONE_BASES = ("几何", "按人工标绘位置", "按导入文件的位置", "按所归地名")
#: Zones a position gives a project. A position outside the district (区外) gives none: a
#: record of the district placed there is refused by the location check instead.
_POSITION_ZONES = (*vocab.ZONES, vocab.CROSS_ZONE)
#: How much of a kept zone's basis a note quotes (the details show it whole).
NOTE_BASIS_CHARS = 40


def zone_rests_on_position(props: Mapping[str, Any]) -> bool:
    """Whether a record's zone is not stated otherwise: 未定, or worked out from its position.

    >>> zone_rests_on_position({"zone": "西", "zone_basis": "几何：位置（片区）落在西"})
    True
    >>> zone_rests_on_position({"zone": "西", "zone_basis": "文中：001:738 列于…之下"})
    False
    >>> zone_rests_on_position({"zone": "东", "zone_basis": "人工修改：wang 于 2026-12-07"})
    False
    >>> zone_rests_on_position({"zone": None, "zone_basis": None})
    True
    """
    if props.get("zone") is None:
        return True
    return str(props.get("zone_basis") or "").startswith(POSITION_ZONE_BASES)


def position_zone_basis(editor_name: str, today: str, action: str, referred: bool = False) -> str:
    """The basis of a zone that followed a staff-set position (``referred``: a reference to a
    gazetteer place staff chose, not a drawing).

    >>> position_zone_basis("wang", "2026-12-07", "update")
    '按人工标绘位置（wang 于 2026-12-07）'
    >>> position_zone_basis("wang", "2026-12-07", "import")
    '按导入文件的位置（wang 于 2026-12-07）'
    >>> position_zone_basis("wang", "2026-12-07", "update", referred=True)
    '按所归地名（wang 于 2026-12-07）'
    """
    how = "按导入文件的位置" if action == "import" else "按人工标绘位置"
    how = "按所归地名" if referred else how
    return f"{how}（{editor_name} 于 {today}）"


def followed_zone(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    geometry: dict | None,
    position_zone: tuple[str | None, Any] | None,
    basis: str,
) -> dict[str, Any]:
    """The zone fields a record takes when its geometry changed to ``geometry``, or {} when its
    zone stays: the zone follows the position where it rested on the old one or was 未定 and
    this save does not set it (``after``'s zone equals ``before``'s). A removed position (no
    geometry and no ``place_id`` in ``after``) takes such a zone with it (未定); a position
    outside the district, or not worked out, changes nothing.

    >>> followed_zone({"zone": None}, {"zone": None}, {"type": "Point"}, ("西", ("西",)), "b")
    {'zone': '西', 'zones': ['西'], 'zone_basis': 'b'}
    >>> followed_zone({"zone": "东", "zone_basis": "文中：…"}, {"zone": "东"},
    ...               {"type": "Point"}, ("西", ("西",)), "b")
    {}
    """
    if after.get("zone") != before.get("zone") or not zone_rests_on_position(before):
        return {}
    if geometry is None and not after.get("place_id"):
        if before.get("zone") is None:
            return {}
        return {"zone": None, "zones": [], "zone_basis": None}
    if position_zone is None or position_zone[0] not in _POSITION_ZONES:
        return {}
    zone, zones = position_zone
    return {"zone": zone, "zones": list(zones), "zone_basis": basis}


def zone_note(props: Mapping[str, Any], position_zone: tuple[str | None, Any] | None) -> str | None:
    """What to tell staff when a record keeps a zone its new position does not lie in (a
    warning, not a refusal), or None when they agree or the position lies in no zone.

    >>> zone_note({"zone": "西", "zone_basis": "文中：001:738 列于“西部现代新城”之下"},
    ...           ("东", ("东",)))
    '新位置在东片区，片区仍为「西」（片区依据：文中：001:738 列于“西部现代新城”之下），未随位置改变；如需按新位置，请在「片区」中修改。'
    """
    if position_zone is None or position_zone[0] not in _POSITION_ZONES:
        return None
    zone, zones = position_zone[0], list(position_zone[1])
    kept = props.get("zone")
    if kept == zone and (zone != vocab.CROSS_ZONE or list(props.get("zones") or []) == zones):
        return None
    where = f"{zone}片区" if zone in vocab.ZONES else f"{zone}（{'、'.join(zones)}）"
    basis = str(props.get("zone_basis") or "未注明")
    if len(basis) > NOTE_BASIS_CHARS:
        basis = basis[: NOTE_BASIS_CHARS - 1] + "…"
    shown = kept or "未定"
    if kept == vocab.CROSS_ZONE and props.get("zones"):
        shown = f"{kept}（{'、'.join(props['zones'])}）"
    return (
        f"新位置在{where}，片区仍为「{shown}」（片区依据：{basis}），未随位置改变；"
        "如需按新位置，请在「片区」中修改。"
    )


def zones_of(zone: str | None, before: list[str] | None) -> list[str]:
    """The zones a record lies in once staff set its ``zone``: the form asks for one zone, and
    the list the exports and details show must not keep the old one (a 跨区 [西, 中] set to 东
    still listed 西 and 中). A 跨区 set by staff keeps the zones it had, if it had two or more.

    >>> zones_of("东", ["西", "中"]), zones_of("跨区", ["西", "中"]), zones_of("跨区", ["西"])
    (['东'], ['西', '中'], [])
    >>> zones_of(None, ["西"]), zones_of("区外", ["西"])
    ([], [])
    """
    if zone in vocab.ZONES:
        return [zone]
    if zone == vocab.CROSS_ZONE and len(before or []) > 1:
        return list(before or [])
    return []


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
    after = plain_copy(feature)
    props = after["properties"]
    for k, v in edit.changes.items():
        if k == "geometry":
            after["geometry"] = plain_copy(v)
        elif k != "id":
            props[k] = plain_copy(v)
    if isinstance(props.get("name"), str):
        props["name"] = props["name"].strip()
    if isinstance(props.get("investment"), int) and not isinstance(props["investment"], bool):
        props["investment"] = float(props["investment"])
    today = clock.today().isoformat()
    moved = "geometry" in edit.changes and after["geometry"] != feature.get("geometry")
    referred = referred_anew(feature["properties"], props, edit)
    if referred:
        props["geo_matched"] = None  # staff chose the place; no name was matched
    if moved and "precision" not in edit.changes:
        props.update(_placement(editor, after["geometry"], today, action))
    elif new and after["geometry"] is None and not props.get("geo_basis"):
        # created with no position: say so, and by whom (the details said 「未注明」)
        props["geo_basis"] = f"{editor.name} 于 {today} 新建，尚未定位"
    bases = _bases(feature["properties"], props, editor, today, action, new)
    for name, given in (("sector_basis", edit.sector_basis), ("years_basis", edit.years_basis)):
        if given is not None and name in bases:
            bases[name] = given
    props.update(bases)
    if props.get("zone") != feature["properties"].get("zone"):
        props["zones"] = zones_of(props.get("zone"), feature["properties"].get("zones"))
        if edit.zones is not None:
            props["zones"] = list(edit.zones)
        if edit.zone_basis is not None and props.get("zone") is not None:
            props["zone_basis"] = edit.zone_basis or None
    touched = set(edit.changes)
    if moved or referred:
        basis = position_zone_basis(editor.name, today, action, referred)
        zone = followed_zone(
            feature["properties"], props, after["geometry"], edit.position_zone, basis
        )
        props.update(zone)
        touched |= set(zone) & set(validate.RULES)
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


def referred_anew(before: Mapping[str, Any], after: Mapping[str, Any], edit: Edit) -> bool:
    """Whether ``edit`` sets a position that refers to another gazetteer place (staff chose
    「归入地名」): the zone then follows the place as it follows a drawing, and the history notes
    a zone that stays."""
    return (
        "place_id" in edit.changes
        and bool(after.get("place_id"))
        and after.get("place_id") != before.get("place_id")
    )


def staff_id_source(taken: Iterable[str]) -> Iterator[str]:
    """The free staff-NNNN ids in order, so staff-made ids never collide with document ids.

    One pass over ``taken``, then counting up: a batch of many new records stays linear.
    """
    numbers = [
        int(t[len(STAFF_PREFIX) :])
        for t in taken
        if t.startswith(STAFF_PREFIX) and t[len(STAFF_PREFIX) :].isdigit()
    ]
    return (f"{STAFF_PREFIX}{n:04d}" for n in itertools.count(max(numbers, default=0) + 1))


def next_staff_id(taken: Iterable[str]) -> str:
    """The next free staff-NNNN id."""
    return next(staff_id_source(taken))


#: (id, feature after, action, extra entry keys) for each record a save changes.
Planned = list[tuple[str, dict[str, Any], str, dict[str, Any]]]
#: ``plan(by_id, entries) -> Planned``; raises to refuse the whole batch.
Planner = Callable[[dict[str, dict[str, Any]], list[dict[str, Any]]], Planned]
#: ``target(before, this record's edit entries) -> (feature after, extra entry keys)``.
Target = Callable[[dict[str, Any], list[dict[str, Any]]], tuple[dict[str, Any], dict[str, Any]]]


def check_reason(reason: object) -> None:
    """A save's reason is text of bounded length (it is logged and shown)."""
    if not isinstance(reason, str) or len(reason) > validate.MAX_TEXT:
        raise InvalidValue(f"修改原因最多 {validate.MAX_TEXT} 个字符。", field="reason")


#: The bases an edit may give, with how a person names them.
_GIVEN_BASES = {"zone_basis": "片区依据", "sector_basis": "领域依据", "years_basis": "年份依据"}


def _check_given(edit: Edit, pid: str) -> None:
    """Refuse the bases and zones an edit gives when they cannot be stored as they are: text
    of bounded length, a ``years_basis`` code of the vocabulary, and zones that agree with the
    zone (one zone: itself; 跨区: two or more of 东、中、西; none otherwise)."""
    for name, label in _GIVEN_BASES.items():
        value = getattr(edit, name)
        if value is not None and (not isinstance(value, str) or len(value) > validate.MAX_TEXT):
            raise InvalidValue(
                f"{label}最多 {validate.MAX_TEXT} 个字符。", project_id=pid, field=name
            )
    if edit.years_basis is not None and edit.years_basis not in vocab.YEARS_BASIS_LABELS:
        raise InvalidValue(
            f"年份依据应为 {'、'.join(vocab.YEARS_BASIS_LABELS)} 之一。",
            project_id=pid,
            field="years_basis",
        )
    if edit.zones is None:
        return
    zone, zones = edit.changes.get("zone"), edit.zones
    if not isinstance(zones, (list, tuple)):
        fits = False
    elif zone in vocab.ZONES:
        fits = list(zones) == [zone]
    elif zone == vocab.CROSS_ZONE:
        fits = len(set(zones)) == len(zones) >= 2 and set(zones) <= set(vocab.ZONES)
    else:
        fits = not zones
    if not fits:
        raise InvalidValue(
            f"项目 {pid} 的片区「{zone or '未定'}」与所跨片区 {zones!r} 不符。",
            project_id=pid,
            field="zones",
        )


def plan_edits(
    edits: list[Edit], editor: users.Editor, reason: str, action: str, outline: Any
) -> Planner:
    """The planner of :func:`projects.store.save_many`: creates and updates, all validated.

    ``by_id`` must hold every record the edits name and, when one creates without an id, every
    staff-made id (values of those may be None), so a made-up id is free.
    """

    def plan(by_id, entries):
        # Every record of the batch a colleague saved meanwhile, named at once (an import of
        # many rows would otherwise be refused one project at a time).
        behind = [
            stale(by_id[e.project_id], e.expected_version, entries)
            for e in edits
            if e.project_id is not None
            and by_id.get(e.project_id) is not None
            and e.expected_version is not None
            and e.expected_version != by_id[e.project_id]["properties"].get("version", 1)
        ]
        if behind:
            raise stale_batch(behind)
        out, seen = [], set()
        staff_ids = staff_id_source(by_id)
        for edit in edits:
            new = edit.project_id is None
            pid = edit.project_id or edit.changes.get("id")
            if new:
                pid = next(staff_ids) if pid in (None, "") else validate.check_id(pid)
                if pid in by_id:
                    raise InvalidValue(
                        f"新项目编号 {pid} 已存在，请换一个编号或改为修改该项目。",
                        project_id=pid,
                        field="id",
                    )
                before = new_feature(pid)
            else:
                if pid not in by_id:
                    raise InvalidValue(f"未找到编号为 {pid} 的项目。", project_id=pid, field="id")
                if edit.expected_version is None:
                    raise InvalidValue(
                        f"修改项目 {pid} 需要给出所依据的版本号。", project_id=pid, field="version"
                    )
                before = by_id[pid]  # its version was checked above, with the batch's others
            if pid in seen:
                raise InvalidValue(
                    f"同一批修改中项目 {pid} 出现了两次。", project_id=pid, field="id"
                )
            seen.add(pid)
            _check_given(edit, pid)
            after = edited(before, edit, editor, reason, outline, new, action)
            if edit.cite is not None and (
                not isinstance(edit.cite, str) or len(edit.cite) > validate.MAX_TEXT
            ):
                raise InvalidValue(
                    f"修改来源最多 {validate.MAX_TEXT} 个字符。", project_id=pid, field="cite"
                )
            extra = {"cite": edit.cite} if edit.cite else {}
            moved = "geometry" in edit.changes and after["geometry"] != before.get("geometry")
            moved = moved or referred_anew(before["properties"], after["properties"], edit)
            note = zone_note(after["properties"], edit.position_zone) if moved else None
            if note:  # the history keeps why the zone did not follow the move
                extra["zone_note"] = note
            out.append((pid, after, "create" if new else action, extra))
        return out

    return plan


def plan_one(project_id: str, expected_version: int, action: str, target: Target) -> Planner:
    """The planner of delete/restore/revert/undo: a stored state, not typed input, is written."""

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

    return plan


def deleted_as(value: bool) -> Target:
    """Target of delete (True) and restore (False)."""

    def target(before, _mine):
        after = copy.deepcopy(before)
        after["properties"]["deleted"] = value
        return after, {}

    return target


def reverted_to(project_id: str, to_version: object) -> Target:
    """Target of revert: the record as it was at ``to_version`` (1 … current − 1)."""

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

    return target


def undone(project_id: str) -> Target:
    """Target of undo: the record's last edit not undone yet, taken back."""

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

    return target


def plan_undo_batch(seq: int) -> Planner:
    """The planner of :func:`projects.store.undo_batch`: every change of save ``seq`` taken back.

    ``entries`` must hold the batch's entries and every later entry of its records.
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

    return plan


def apply_plan(
    by_id: dict[str, dict[str, Any]], planned: Planned, editor_name: str, at: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(history entries, features after in plan order, features created) for a plan.

    Records in ``by_id`` are changed in place (version, editor, time); created ones are added to
    it. Records the plan leaves as they were get no entry and no new version.
    """
    entries, out, created = [], [], []
    for pid, after, action, extra in planned:
        existing = by_id.get(pid) is not None
        before = by_id[pid] if existing else new_feature(pid)
        changes = diff(before, after)
        if not changes:
            out.append(before)
            continue
        base = before["properties"].get("version", 1) if existing else 0
        entry = {"id": pid, "action": action, "base": base, "version": base + 1, **extra}
        entry["changes"] = changes
        entries.append(entry)
        if not existing:
            created.append(before)
            by_id[pid] = before
        apply_entry(before, {**entry, "by": editor_name, "at": at})
        out.append(before)
    return entries, out, created
