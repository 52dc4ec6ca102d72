"""The edit and new-project forms, and the positions the map offers them.

Widgets only: the store validates and writes (see :mod:`ui.edit`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import streamlit as st

from geo.places import DISTRICT_ID, ZONE_IDS, load_gazetteer
from geo.places.reference import reference_id, resolve, zone_from_position
from geo.zones import position_zones
from projects import clock, store, vocab
from projects.errors import CatalogError, StaleVersion
from projects.store import users
from ui.details import md_text
from ui.edit.history import change_table, lng_lat_text
from ui.edit.state import K_CLICK, K_NONCE, K_USED_CLICK, close_dialog, done, nonce, outline

NO_PLACEMENT, CLICKED, DRAWN = "不修改位置", "地图上点击的点", "地图上绘制的图形"


def placements(map_event: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Candidate positions in st_folium's returned dict: the last click and the last drawing.

    A ``last_active_drawing`` carrying a project id is a click on an existing project (how the
    page selects one), not a drawing, so it is not offered. Coordinates are WGS84 (app.py converts
    events made over GCJ-02 tiles) and rounded to 1e-6° (≈ 0.1 m; a screen click is far coarser).
    """
    found: dict[str, dict[str, Any]] = {}
    if not isinstance(map_event, dict):
        return found
    click = map_event.get("last_clicked")
    if isinstance(click, dict) and all(
        isinstance(click.get(k), int | float) for k in ("lat", "lng")
    ):
        found[CLICKED] = {
            "type": "Point",
            "coordinates": [round(click["lng"], 6), round(click["lat"], 6)],
        }
    drawing = map_event.get("last_active_drawing")
    if isinstance(drawing, dict) and not (drawing.get("properties") or {}).get("id"):
        geometry = drawing.get("geometry")
        if isinstance(geometry, dict) and geometry.get("type") in (
            "Point",
            "LineString",
            "Polygon",
        ):
            found[DRAWN] = {
                "type": geometry["type"],
                "coordinates": _rounded(geometry["coordinates"]),
            }
    return found


def pending_click(map_event: dict[str, Any] | None) -> dict[str, Any] | None:
    """The map click waiting to be saved or cancelled (a WGS84 Point), which the map marks: the
    map reports its last click until the next one, so a click a save or cancel used is not."""
    click = placements(map_event).get(CLICKED)
    if click is None or click["coordinates"] == st.session_state.get(K_USED_CLICK):
        return None
    return click


def open_placements(map_event: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """:func:`placements` with only a :func:`pending_click`; the click offered is remembered,
    so a save or cancel can use it up."""
    click = pending_click(map_event)
    found = {k: v for k, v in placements(map_event).items() if k != CLICKED}
    st.session_state[K_CLICK] = click["coordinates"] if click else None
    return {CLICKED: click, **found} if click else found


def _rounded(coords: Any) -> Any:
    if isinstance(coords, int | float):
        return round(coords, 6)
    return [_rounded(c) for c in coords] if isinstance(coords, list) else coords


def _describe_geometry(geometry: dict[str, Any]) -> str:
    if geometry["type"] == "Point":
        return "点：" + lng_lat_text(*geometry["coordinates"])
    return {"LineString": "线", "Polygon": "面"}[geometry["type"]]


def _split_aliases(text: str) -> list[str]:
    return [a.strip() for a in re.split(r"[、,，;；\n]", text) if a.strip()]


def _placement_choice(found: dict[str, dict], key: str) -> dict | None:
    """A radio offering the map's click/drawing as the new position (default: keep it)."""
    if not found:
        st.caption("如需放置或修正位置：打开侧栏的“标绘模式”，在地图上点击一个点，或画出线、面。")
        return None
    options = [NO_PLACEMENT, *found]
    choice = st.radio(
        "位置",
        options,
        key=key,
        format_func=lambda o: o if o == NO_PLACEMENT else f"{o}（{_describe_geometry(found[o])}）",
    )
    return found.get(choice)


#: How a place's precision reads in the 「归入地名」 list (the legend's labels, shortened).
PLACE_WORDS: dict[str, str] = {
    "exact": "精确，100 米内",
    "approximate": "大致，1 公里内",
    "area": "片区",
    "township": "镇街",
    "zone": "分区",
    "district": "区级",
}
#: The geo_method of a position staff set by choosing a place (vocab.GEO_METHOD_LABELS).
PLACE_METHOD = "manual_place"
#: Between a place's id and one of its aliases in a choice (「P040:西永综合保税区」).
ALIAS_MARK = ":"


def place_choices() -> dict[str, str]:
    """The places a project can be put in when only that is known, by the choice's key: the
    district, the three zones, then the gazetteer's places of the district by name and by
    each alias, in the order of those names (the list's search ranks what begins with the
    typed text first; among equals, 重庆大学 then comes before 重庆大学城), each labelled with
    how precise it is and with the place whose point or extent it borrows
    (:func:`place_reference`). A key is the place id, or the id and an alias
    (:data:`ALIAS_MARK`), so the alias typed is the name the basis records.

    >>> choices = place_choices()
    >>> choices["500106017"], choices["zone-west"], choices["P040:西永综合保税区"]
    ('西永街道（镇街）', '西部现代新城（分区）', '西永综合保税区（片区，即西永）')
    """
    gaz = load_gazetteer()
    out: dict[str, str] = {}
    for zid in (DISTRICT_ID, *ZONE_IDS.values()):
        ref = resolve(zid, gaz)
        if ref is not None:
            out[zid] = f"{ref.name}（{PLACE_WORDS.get(ref.precision, ref.precision)}）"
    rows = []
    for place in gaz.places:
        if not place.id or place.outside or place.id == DISTRICT_ID:
            continue
        ref = resolve(reference_id(place, gaz), gaz)
        if ref is None:
            continue
        words = PLACE_WORDS.get(ref.precision, ref.precision)
        same = f"，位置同{ref.name}" if ref.id != place.id else ""
        rows.append((place.name, place.id, f"{place.name}（{words}{same}）"))
        for alias in place.aliases:
            label = f"{alias}（{words}，即{place.name}{same}）"
            rows.append((alias, f"{place.id}{ALIAS_MARK}{alias}", label))
    for _, key, label in sorted(rows):
        out[key] = label
    return out


def place_reference(choice: str, editor: str, today: str) -> tuple[dict[str, Any], Any]:
    """(fields, zone) of a position that refers to the chosen place (a key of
    :func:`place_choices`): the place it borrows its point or extent from (``reference_id``),
    its precision, and where that lies (the store knows no places, so the ui resolves it, as
    it does a drawing's zone)."""
    gaz = load_gazetteer()
    place_id, _, alias = choice.partition(ALIAS_MARK)
    place = gaz.by_id(place_id)
    ref = resolve(reference_id(place, gaz) if place is not None else place_id, gaz)
    if ref is None:
        raise CatalogError(f"地名库中没有编号为 {place_id} 的地名，请重新选择。")
    name = alias or (place.name if place is not None else ref.name)
    basis = f"{editor} 于 {today} 归入地名“{name}”"
    if ref.id != place_id:
        basis += f"（位置同“{ref.name}”）"
    elif alias:
        basis += f"（即“{ref.name}”）"
    fields = {
        "geometry": None,
        "place_id": ref.id,
        "precision": ref.precision,
        "geo_method": PLACE_METHOD,
        "geo_basis": basis,
    }
    zone, zones = zone_from_position(None, ref.id, gaz)
    return fields, (zone, tuple(zones))


def _place_choice(key: str) -> str | None:
    """A searchable list of places, for a project known only to be at or in one (none: keep)."""
    choices = place_choices()
    return st.selectbox(
        "归入地名（只知在某地）",
        list(choices),
        index=None,
        format_func=choices.get,
        key=key,
        placeholder="输入地名搜索；不选则不修改",
        help="只知道项目在某站、某校园、某片区或某镇街时选此项，不必在地图上画一个看似精确的点。",
    )


def _index(options: list[Any], value: Any, default: int | None = None) -> int | None:
    """Where ``value`` is among ``options``; a record may hold a value no longer offered."""
    return options.index(value) if value in options else default


def _year_input(label: str, value: Any, key: str) -> int | None:
    return st.number_input(
        label,
        min_value=vocab.MIN_YEAR,
        max_value=vocab.MAX_YEAR,
        value=int(value) if isinstance(value, int | float) and value == value else None,
        step=1,
        key=key,
        placeholder="未知",
    )


def edit_form(editor: users.Editor, feature: dict[str, Any], found: dict[str, dict]) -> None:
    """The form starts from a snapshot of the record taken when it was first shown, so a
    colleague's save meanwhile neither resets what was typed nor is overwritten: saving
    based on the snapshot's version is refused by the store with what they changed."""
    k = f"edit-{feature['properties']['id']}-{nonce()}"
    snapshot = st.session_state.setdefault(f"{k}-snapshot", feature)
    props = snapshot["properties"]
    pid, version = props["id"], props.get("version", 1)
    st.markdown(f"**修改项目** {md_text(pid)}（版本 {version}）")
    if feature["properties"].get("version", 1) != version:
        st.warning("其他人刚修改了此项目。点击“取消”载入最新内容后再修改。")
    if props.get("deleted"):
        st.caption("此项目已删除，恢复后才会重新显示在地图上。")
    sectors = list(vocab.SECTORS)
    zones = [None, *vocab.ALL_ZONES]
    with st.form(k):
        name = st.text_input("名称", value=props.get("name") or "", key=f"{k}-name")
        aliases = st.text_input(
            "别名（用顿号或逗号分隔）",
            value="、".join(props.get("aliases") or []),
            key=f"{k}-aliases",
        )
        sector = st.selectbox(
            "领域",
            sectors,
            index=_index(sectors, props.get("sector")),
            key=f"{k}-sector",
            placeholder="请选择",
        )
        statuses = list(vocab.ALL_STATUSES)
        status = st.selectbox(
            "状态",
            statuses,
            index=_index(statuses, props.get("status")),
            key=f"{k}-status",
            placeholder="请选择",
        )
        today = clock.today()  # the planners' date, on the clock the history shows
        status_date = st.date_input(
            "状态变更日期（仅在状态改变时记录）",
            value=today,
            min_value=date(vocab.MIN_YEAR, 1, 1),
            max_value=today,
            key=f"{k}-status-date",
        )
        start = _year_input("起始年", props.get("start_year"), f"{k}-start")
        end = _year_input("结束年", props.get("end_year"), f"{k}-end")
        zone = st.selectbox(
            "片区",
            zones,
            index=_index(zones, props.get("zone"), 0),
            format_func=lambda z: "（未定）" if z is None else z,
            key=f"{k}-zone",
            placeholder="请选择",
        )
        lead = st.text_input("牵头部门", value=props.get("lead_dept") or "", key=f"{k}-lead")
        investment = st.number_input(
            "投资（万元，可不填）",
            min_value=0.0,
            value=float(props["investment"]) if props.get("investment") is not None else None,
            step=100.0,
            key=f"{k}-investment",
            placeholder="未知",
        )
        notes = st.text_area("备注", value=props.get("notes") or "", key=f"{k}-notes")
        geometry = _placement_choice(found, f"{k}-placement")
        place = _place_choice(f"{k}-place")
        reason = st.text_input("修改原因（记入修改记录）", key=f"{k}-reason")
        save_col, cancel_col = st.columns(2)
        saved = save_col.form_submit_button("保存", type="primary")
        cancelled = cancel_col.form_submit_button("取消")
    if cancelled:
        st.session_state[K_NONCE] = nonce() + 1
        close_dialog()
        st.rerun()
    if not saved:
        return
    if geometry is not None and place is not None:
        st.error(
            "一次只能设置一种位置：地图上的点或图形，或「归入地名」。"
            "请把「位置」改回“不修改位置”，或清空「归入地名」。"
        )
        return
    typed = {
        "name": name.strip(),
        "aliases": _split_aliases(aliases),
        "sector": sector,
        "status": status,
        "start_year": None if start is None else int(start),
        "end_year": None if end is None else int(end),
        "zone": zone,
        "lead_dept": lead.strip() or None,
        "investment": investment,
        "notes": notes,
    }
    changes = {
        f: v
        for f, v in typed.items()
        if v != (props.get(f) if f != "notes" else props.get(f) or "")
    }
    if typed["lead_dept"] is None and not props.get("lead_dept"):
        changes.pop("lead_dept", None)
    position_zone = _position_zone(geometry)
    if geometry is not None:
        changes["geometry"] = geometry
    elif place is not None:
        try:
            fields, position_zone = place_reference(place, editor.name, clock.today().isoformat())
        except CatalogError as exc:  # the places changed since the list was shown
            st.error(md_text(exc.message_zh))
            return
        if snapshot.get("geometry") is None:
            fields.pop("geometry")
        if fields["place_id"] != props.get("place_id") or "geometry" in fields:
            changes |= fields
    if not changes:
        st.info("没有修改。")
        return
    try:
        saved = store.save(
            editor,
            pid,
            changes,
            expected_version=version,
            reason=reason.strip(),
            status_date=status_date.isoformat() if isinstance(status_date, date) else None,
            outline=outline(),
            position_zone=position_zone,
        )
    except CatalogError as exc:
        st.error(md_text(refusal_text(exc)))  # the form keeps what was typed
        return
    st.session_state[K_NONCE] = nonce() + 1
    said = {f: [props.get(f), v] for f, v in changes.items() if f not in _UNSAID}
    if place is not None and "geometry" in changes:
        said["geometry"] = [snapshot.get("geometry"), None]
    after = saved["properties"] if isinstance(saved, dict) else {}
    positioned = "geometry" in changes or "place_id" in changes
    if positioned:  # what the position was, and the zone that followed it
        # zones only for 跨区: a single zone says it already
        shown = ("precision", "place_id", "zone", "zones")
        shown = shown if after.get("zone") == vocab.CROSS_ZONE else shown[:3]
        said |= {
            f: [props.get(f), after.get(f)]
            for f in shown
            if f in after and props.get(f) != after.get(f)
        }
    summary = saved_summary(said)
    warning = logged_zone_note(saved, version) if positioned else None
    done(f"已保存「{typed['name']}」：{summary}", warning=warning)


#: Fields a chosen place sets that the message after the save leaves to the history (the
#: place and its precision say it; the basis is long).
_UNSAID = ("geo_method", "geo_basis")


def _position_zone(geometry: dict[str, Any] | None) -> tuple[str | None, tuple[str, ...]] | None:
    """Where a position staff set lies (None for none): the store knows no zone shapes, and
    lets the zone follow it or notes that it stays (``projects.store.Edit.position_zone``)."""
    return None if geometry is None else position_zones([geometry])[0]


def logged_zone_note(saved: Any, base: int = 0) -> str | None:
    """What the store logged with this save when the record kept a zone its new position does
    not lie in (the history entry's ``zone_note``), for the message after it: the store says it
    once, so the message and the history never differ. None when there is none, or when the
    save made no new version over ``base`` (nothing changed, nothing logged)."""
    props = saved.get("properties") if isinstance(saved, dict) else None
    if not props or not props.get("version", 0) > base:
        return None
    pid, version = props.get("id"), props.get("version")
    entry = next((e for e in reversed(store.history(pid)) if e.get("version") == version), {})
    return entry.get("zone_note")


#: How much of one value the message after a save shows (the history shows it whole).
SUMMARY_CHARS = 40


def saved_summary(changes: dict[str, list[Any]]) -> str:
    """「投资：（空） → 1.2 亿元」 for the message after a save: each field by its label and its
    values in words, as the history shows them (not ``12000.0``), long values shortened.

    >>> saved_summary({"investment": [None, 12000.0], "status": ["规划", "在建"]})
    '投资：（空） → 1.2 亿元；状态：规划 → 在建'
    """

    def short(text: str) -> str:
        return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"

    rows = change_table(changes).to_numpy().tolist()
    return "；".join(f"{label}：{short(old)} → {short(new)}" for label, old, new in rows) or (
        "（无字段变化）"
    )


def stale_lines(exc: StaleVersion) -> list[str]:
    """Each record a colleague saved meanwhile (``exc`` and the rest of its batch), as
    「项目「路」（E1）已被 li 修改（…）：投资：（空） → 1.2 亿元」: who, then each field by its label
    and its values in words (万元/亿元, place names, labels for codes), as after a save. The
    store, which knows no place names, shows the stored values; pages say it this way.

    >>> stale_lines(StaleVersion("…", project_id="E1", expected=1, actual=2,
    ...     changes={"status": ("规划", "在建")}, head="项目「路」（E1）已被 li 修改"))
    ['项目「路」（E1）已被 li 修改：状态：规划 → 在建']
    """
    return [
        f"{r.head}：{saved_summary({k: list(v) for k, v in r.changes.items()})}"
        for r in (exc, *exc.also)
        if r.head
    ]


def refusal_text(exc: CatalogError) -> str:
    """The store's refusal as staff read it. A save based on an old version names what the
    colleague changed the way the message after a save does (:func:`stale_lines`).

    >>> refusal_text(StaleVersion("…", project_id="E1", expected=1, actual=2,
    ...     changes={"investment": (None, 12000.0)}, head="项目「路」（E1）已被 li 修改"))
    '项目「路」（E1）已被 li 修改：投资：（空） → 1.2 亿元。您的修改未保存，表单中已填写的内容保留；点击“取消”载入最新内容后再修改。'
    """
    if not isinstance(exc, StaleVersion) or not exc.head:
        return exc.message_zh
    return (
        "。".join(stale_lines(exc)) + "。您的修改未保存，表单中已填写的内容保留；"
        "点击“取消”载入最新内容后再修改。"
    )


def new_project_message(exc: CatalogError) -> str:
    """The store's message on a refused new project, naming it 「新项目」 rather than by the id it
    would have got (staff-0001 …), which nobody has seen yet.

    >>> new_project_message(CatalogError("项目 staff-0003 的「投资」不能为 -1：…", project_id="staff-0003"))
    '新项目的「投资」不能为 -1：…'
    """
    if not exc.project_id:
        return exc.message_zh
    return exc.message_zh.replace(f"项目 {exc.project_id} 的", "新项目的")


def new_project(editor: users.Editor, found: dict[str, dict]) -> None:
    """The new-project form; the created project becomes the selected one."""
    k = f"new-{nonce()}"
    with st.form(k):
        name = st.text_input("名称", key=f"{k}-name")
        sector = st.selectbox(
            "领域", list(vocab.SECTORS), index=None, placeholder="请选择", key=f"{k}-sector"
        )
        status = st.selectbox(
            "状态", list(vocab.ALL_STATUSES), index=0, placeholder="请选择", key=f"{k}-status"
        )
        zone = st.selectbox(
            "片区",
            [None, *vocab.ALL_ZONES],
            format_func=lambda z: "（未定）" if z is None else z,
            key=f"{k}-zone",
            placeholder="请选择",
        )
        start = _year_input("起始年", None, f"{k}-start")
        end = _year_input("结束年", None, f"{k}-end")
        lead = st.text_input("牵头部门", key=f"{k}-lead")
        investment = st.number_input(
            "投资（万元，可不填）", min_value=0.0, value=None, step=100.0, key=f"{k}-investment"
        )
        notes = st.text_area("备注", key=f"{k}-notes")
        geometry = _placement_choice(found, f"{k}-placement")
        reason = st.text_input("新建原因（记入修改记录）", key=f"{k}-reason")
        if not st.form_submit_button("新建"):
            return
    # What a new project needs, said at once and without the id it would get (staff-0001 …),
    # which the person has not seen yet.
    missing = [
        ask for ask, value in (("填写名称", name.strip()), ("选择领域", sector)) if not value
    ]
    if missing:
        st.error(f"请{'并'.join(missing)}后再新建（已填写的内容保留）。")
        return
    properties = {
        "name": name,
        "sector": sector,
        "status": status,
        "zone": zone,
        "start_year": None if start is None else int(start),
        "end_year": None if end is None else int(end),
        "lead_dept": lead.strip() or None,
        "investment": investment,
        "notes": notes,
    }
    position_zone = _position_zone(geometry)
    try:
        created = store.create(
            editor,
            properties,
            geometry,
            reason=reason.strip(),
            outline=outline(),
            position_zone=position_zone,
        )
    except CatalogError as exc:
        st.error(md_text(new_project_message(exc)))
        return
    st.session_state[K_NONCE] = nonce() + 1
    made = created["properties"]
    pid = made["id"]
    placed = f"片区{made['zone']}（按标绘位置）。" if made.get("zone") and zone is None else ""
    done(
        f"已新建「{made['name']}」（{pid}）。{placed}",
        select=pid,
        warning=logged_zone_note(created) if geometry is not None else None,
    )
