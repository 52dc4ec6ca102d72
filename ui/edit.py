"""Staff editing in the sidebar: login, edit form, placement, new project, delete, history.

Widgets only: every rule and every write is in ``projects.store`` (which refuses a save
without an authenticated editor, whatever this page shows). Called by app.py inside
``st.sidebar``; the logged-in editor is kept in ``st.session_state["editor"]``
(:func:`current_editor`) so other panels (import) can pass it to the store.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pandas as pd
import streamlit as st

from projects import store, users, vocab
from projects.errors import CatalogError, InvalidValue
from ui.details import md_text

K_EDITOR = "editor"
K_FLASH = "edit_flash"
K_NONCE = "edit_nonce"
#: The app's selection key (app.py): a new project becomes the selected one.
K_SELECTED = "selected_id"
CHINA = timezone(timedelta(hours=8))
NO_PLACEMENT, CLICKED, DRAWN = "不修改位置", "地图上点击的点", "地图上绘制的图形"


def current_editor() -> users.Editor | None:
    """The logged-in editor of this browser session, or None for a viewer."""
    editor = st.session_state.get(K_EDITOR)
    return editor if isinstance(editor, users.Editor) else None


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


def _rounded(coords: Any) -> Any:
    if isinstance(coords, int | float):
        return round(coords, 6)
    return [_rounded(c) for c in coords] if isinstance(coords, list) else coords


def _describe_geometry(geometry: dict[str, Any]) -> str:
    if geometry["type"] == "Point":
        lon, lat = geometry["coordinates"]
        return f"点 {lon:.5f}, {lat:.5f}"
    return {"LineString": "线", "Polygon": "面"}[geometry["type"]]


def _local_time(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def _split_aliases(text: str) -> list[str]:
    return [a.strip() for a in re.split(r"[、,，;；\n]", text) if a.strip()]


@st.cache_resource(show_spinner=False)
def _outline() -> Any:
    """The district outline for the location check (None: location saves are refused)."""
    try:
        from geo.boundaries import load_outline

        return load_outline()
    except Exception:  # noqa: BLE001 - the store then refuses placements with a clear message
        return None


def _done(message: str, select: str | None = None) -> None:
    """After a save: remember the message, drop cached catalogs, select, rerun."""
    st.session_state[K_FLASH] = message
    if select is not None:
        st.session_state[K_SELECTED] = select
    st.cache_data.clear()
    st.rerun()


def _nonce() -> int:
    return st.session_state.setdefault(K_NONCE, 0)


def render(selected_id: str | None, map_event: dict[str, Any] | None) -> None:
    """Draw the login and edit panels into the current container (app.py: the sidebar)."""
    st.divider()
    st.subheader("编辑")
    flash = st.session_state.pop(K_FLASH, None)
    if flash:
        st.success(md_text(flash))
    try:
        enabled = users.editing_enabled()
    except CatalogError as exc:
        st.error(md_text(exc.message_zh))
        return
    if not enabled:
        st.caption(users.ENABLE_HINT)
        return
    editor = current_editor()
    if editor is not None:
        try:
            users.require_editor(editor)
        except CatalogError as exc:
            st.session_state.pop(K_EDITOR, None)
            st.warning(md_text(exc.message_zh))
            editor = None
    if editor is None:
        _login()
        return
    left, right = st.columns([3, 2])
    left.caption(md_text(f"已登录：{editor.name}"))
    if right.button("退出登录", key="logout"):
        st.session_state.pop(K_EDITOR, None)
        st.rerun()
    try:
        _panels(editor, selected_id, placements(map_event))
    except CatalogError as exc:
        st.error(md_text(exc.message_zh))


def _login() -> None:
    with st.form("login"):
        st.caption("查看无需登录；修改项目需要编辑账号。")
        name = st.text_input("用户名", key="login-name")
        password = st.text_input("密码", type="password", key="login-password")
        if st.form_submit_button("登录"):
            try:
                editor = users.authenticate(name.strip(), password)
            except CatalogError as exc:
                st.error(md_text(exc.message_zh))
                return
            if editor is None:
                st.error("用户名或密码错误。")
            else:
                st.session_state[K_EDITOR] = editor
                st.rerun()


def _panels(editor: users.Editor, selected_id: str | None, found: dict[str, dict]) -> None:
    feature = None
    if selected_id:
        try:
            feature = store.get(selected_id)
        except InvalidValue:
            st.info(md_text(f"所选项目 {selected_id} 不在项目库中。"))
    if feature is None:
        st.caption("在地图、表格或“定位项目”中选择一个项目即可编辑。")
    else:
        _edit_form(editor, feature, found)
        _delete_or_restore(editor, feature)
        _history(editor, feature)
    _new_project(editor, found)
    _deleted_projects(editor)


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


def _edit_form(editor: users.Editor, feature: dict[str, Any], found: dict[str, dict]) -> None:
    """The form starts from a snapshot of the record taken when it was first shown, so a
    colleague's save meanwhile neither resets what was typed nor is overwritten: saving
    based on the snapshot's version is refused by the store with what they changed."""
    k = f"edit-{feature['properties']['id']}-{_nonce()}"
    props = st.session_state.setdefault(f"{k}-snapshot", feature)["properties"]
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
            index=sectors.index(props["sector"]) if props.get("sector") in sectors else None,
            key=f"{k}-sector",
        )
        statuses = list(vocab.ALL_STATUSES)
        status = st.selectbox(
            "状态",
            statuses,
            index=statuses.index(props["status"]) if props.get("status") in statuses else None,
            key=f"{k}-status",
        )
        status_date = st.date_input(
            "状态变更日期（仅在状态改变时记录）",
            value=date.today(),
            min_value=date(vocab.MIN_YEAR, 1, 1),
            max_value=date.today(),
            key=f"{k}-status-date",
        )
        start = _year_input("起始年", props.get("start_year"), f"{k}-start")
        end = _year_input("结束年", props.get("end_year"), f"{k}-end")
        zone = st.selectbox(
            "片区",
            zones,
            index=zones.index(props.get("zone")) if props.get("zone") in zones else 0,
            format_func=lambda z: "（未定）" if z is None else z,
            key=f"{k}-zone",
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
        reason = st.text_input("修改原因（记入修改记录）", key=f"{k}-reason")
        save_col, cancel_col = st.columns(2)
        saved = save_col.form_submit_button("保存", type="primary")
        cancelled = cancel_col.form_submit_button("取消")
    if cancelled:
        st.session_state[K_NONCE] = _nonce() + 1
        st.rerun()
    if not saved:
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
    if geometry is not None:
        changes["geometry"] = geometry
    if not changes:
        st.info("没有修改。")
        return
    try:
        store.save(
            editor,
            pid,
            changes,
            expected_version=version,
            reason=reason.strip(),
            status_date=status_date.isoformat() if isinstance(status_date, date) else None,
            outline=_outline(),
        )
    except CatalogError as exc:
        st.error(md_text(exc.message_zh))  # the form keeps what was typed
        return
    st.session_state[K_NONCE] = _nonce() + 1
    summary = store.describe_changes({f: [props.get(f), v] for f, v in changes.items()})
    _done(f"已保存「{typed['name']}」：{summary}")


def _delete_or_restore(editor: users.Editor, feature: dict[str, Any]) -> None:
    props = feature["properties"]
    pid, version = props["id"], props.get("version", 1)
    k = f"del-{pid}-{version}"
    reason = st.text_input("删除或恢复的原因", key=f"{k}-reason")
    try:
        if props.get("deleted"):
            if st.button("恢复此项目", key=f"{k}-restore"):
                store.restore(editor, pid, expected_version=version, reason=reason.strip())
                _done(f"已恢复「{props.get('name')}」。")
        elif st.button("删除此项目（可恢复）", key=f"{k}-delete"):
            store.delete(editor, pid, expected_version=version, reason=reason.strip())
            _done(f"已删除「{props.get('name')}」；可在“已删除的项目”中恢复。")
    except CatalogError as exc:
        st.error(md_text(exc.message_zh))


def history_table(entries: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per logged change, newest first, in Chinese (values shown as text, never HTML)."""
    rows = [
        {
            "版本": e.get("version"),
            "时间": _local_time(e.get("at")),
            "修改人": e.get("by"),
            "操作": store.ACTIONS.get(e.get("action"), e.get("action")),
            "内容": store.describe_changes(e.get("changes") or {}),
            "原因": e.get("reason") or "",
        }
        for e in reversed(entries)
    ]
    return pd.DataFrame(rows, columns=["版本", "时间", "修改人", "操作", "内容", "原因"])


def _history(editor: users.Editor, feature: dict[str, Any]) -> None:
    props = feature["properties"]
    pid, version = props["id"], props.get("version", 1)
    entries = store.history(pid)
    with st.expander(f"修改记录（{len([e for e in entries if 'version' in e])} 次）"):
        if not entries:
            st.caption("尚无人工修改：当前内容全部来自规划文件。")
            return
        st.dataframe(history_table(entries), hide_index=True, width="stretch")
        k = f"hist-{pid}-{version}"
        reason = st.text_input("撤销或恢复的原因", key=f"{k}-reason")
        last = store.last_undoable([e for e in entries if "version" in e])
        try:
            if last is not None and st.button(
                f"撤销上次修改（版本 {last['version']}：{store.ACTIONS.get(last['action'])}）",
                key=f"{k}-undo",
            ):
                store.undo(editor, pid, expected_version=version, reason=reason.strip())
                _done(f"已撤销「{props.get('name')}」的版本 {last['version']}。")
            if version > 1:
                made = {e["version"]: e for e in entries if "version" in e}

                def label(v: int) -> str:
                    e = made.get(v)
                    if e is None:
                        return f"版本 {v}（来自规划文件）"
                    return f"版本 {v}（{_local_time(e.get('at'))} {e.get('by')} {store.ACTIONS.get(e.get('action'), '')}）"

                target = st.selectbox(
                    "恢复到版本",
                    list(range(version - 1, 0, -1)),
                    format_func=label,
                    key=f"{k}-target",
                )
                if st.button("恢复到所选版本", key=f"{k}-revert"):
                    store.revert(
                        editor, pid, target, expected_version=version, reason=reason.strip()
                    )
                    _done(f"已将「{props.get('name')}」恢复到版本 {target}。")
        except CatalogError as exc:
            st.error(md_text(exc.message_zh))


def _new_project(editor: users.Editor, found: dict[str, dict]) -> None:
    k = f"new-{_nonce()}"
    with st.expander("新建项目"), st.form(k):
        name = st.text_input("名称", key=f"{k}-name")
        sector = st.selectbox("领域", list(vocab.SECTORS), index=None, key=f"{k}-sector")
        status = st.selectbox("状态", list(vocab.ALL_STATUSES), index=0, key=f"{k}-status")
        zone = st.selectbox(
            "片区",
            [None, *vocab.ALL_ZONES],
            format_func=lambda z: "（未定）" if z is None else z,
            key=f"{k}-zone",
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
    try:
        created = store.create(
            editor, properties, geometry, reason=reason.strip(), outline=_outline()
        )
    except CatalogError as exc:
        st.error(md_text(exc.message_zh))
        return
    st.session_state[K_NONCE] = _nonce() + 1
    pid = created["properties"]["id"]
    _done(f"已新建「{created['properties']['name']}」（{pid}）。", select=pid)


def _deleted_projects(editor: users.Editor) -> None:
    deleted = [f["properties"] for f in store.load() if f["properties"].get("deleted")]
    if not deleted:
        return
    with st.expander(f"已删除的项目（{len(deleted)}）"):
        by_id = {p["id"]: p for p in deleted}
        pid = st.selectbox(
            "选择项目",
            list(by_id),
            format_func=lambda i: f"{by_id[i].get('name')}（{i}）",
            key="deleted-pick",
        )
        if pid and st.button("恢复所选项目", key="deleted-restore"):
            try:
                store.restore(editor, pid, expected_version=by_id[pid].get("version", 1))
            except CatalogError as exc:
                st.error(md_text(exc.message_zh))
                return
            _done(f"已恢复「{by_id[pid].get('name')}」。", select=pid)
