"""A record's life in the edit dialog: its history, undo, revert, delete, restore.

Widgets only: the store checks versions and writes (see :mod:`ui.edit`). Times are shown in
China Standard Time, the planners' clock; the history stores UTC. Each logged change is a card
with a three-column table (what, before, after) that wraps: a value is shown whole, whatever
its length and the screen's width, and codes are shown by their Chinese labels.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from geo.exchange.tables import yes_no
from projects import schema, store, vocab
from projects.errors import CatalogError
from projects.store import users
from ui.details import (
    china_time,
    history_lines,
    investment_text,
    md_text,
    place_line,
    source_lines,
)
from ui.edit.state import done

#: The columns of a change table.
CHANGE_COLUMNS = ["修改项", "修改前", "修改后"]
#: How an absent value reads.
EMPTY = "（空）"
#: List fields whose entries cite documents: the table lists the entries added and removed.
_CITED: dict[str, Callable[[Any], list[str]]] = {
    "status_history": history_lines,
    "sources": source_lines,
}
_GEOMETRY_KINDS = {"Point": "点", "LineString": "线", "Polygon": "面"}
#: Streamlit caps a table cell's text at 400 px, which wraps a long value in a narrow strip
#: beside an empty one on a desktop: the cap is lifted so the table spreads its columns by their
#: content, and the headers stay on one line.
_TABLE_STYLES = [
    {"selector": "td div", "props": [("max-width", "none")]},
    {"selector": "th, th *", "props": [("white-space", "nowrap")]},
]


def _vertices(coords: Any) -> int:
    """How many positions a GeoJSON coordinate array holds, at any depth."""
    if isinstance(coords, list) and coords and isinstance(coords[0], int | float):
        return 1
    return sum(_vertices(c) for c in coords) if isinstance(coords, list) else 0


def lng_lat_text(lng: float, lat: float) -> str:
    """A position as planners read it.

    >>> lng_lat_text(106.45, 29.55)
    '东经 106.45000°，北纬 29.55000°'
    """
    return f"东经 {lng:.5f}°，北纬 {lat:.5f}°"


def _geometry_text(geometry: Mapping[str, Any]) -> str:
    """A point by its coordinates (5 decimals, about 1 m), a line or shape by its kind and size."""
    kind = str(geometry.get("type", ""))
    name = _GEOMETRY_KINDS.get(kind.removeprefix("Multi"), "几何")
    coords = geometry.get("coordinates")
    if kind == "Point":
        try:
            # as the sidebar and the form say the clicked point
            return "点：" + lng_lat_text(float(coords[0]), float(coords[1]))
        except (IndexError, TypeError, ValueError):
            return name
    if kind.startswith("Multi") and isinstance(coords, list) and len(coords) > 1:
        return f"{len(coords)} 个{name}（共 {_vertices(coords)} 个节点）"
    return f"{name}（{_vertices(coords)} 个节点）"


def value_text(field: str, value: Any) -> str:
    """One logged value as a person reads it, whole: vocabulary codes by their Chinese labels,
    yes/no for flags, a place by its name, a position by its kind."""
    if field == "precision":
        return vocab.precision_label(value)
    if field == "zone" and value is None:
        return "未定"  # as the details and the form say
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return yes_no(value)
    if field == "geometry" and isinstance(value, Mapping):
        return _geometry_text(value)
    if field == "place_id":
        return place_line(value) or f"未知地名（编号 {value}）"
    if field == "investment":
        return investment_text(value)
    if field in _CITED:
        return "；".join(_CITED[field](value)) or EMPTY
    label = vocab.code_label(field, value)
    if isinstance(label, list):
        return "、".join(map(str, label))
    return str(label)


#: Field names that read better in a change table than the schema's (a place, not its id).
#: 投资 without the schema's 「（万元）」: the value reads in 万元 or 亿元 with its own unit.
_LABELS = {"geometry": "位置", "place_id": "所在地名", "investment": "投资"}


def _label(field: str) -> str:
    return _LABELS.get(field) or schema.FIELDS.get(field, (None, None, field))[2]


def change_table(changes: Mapping[str, Any]) -> pd.DataFrame:
    """One row per changed field of a logged entry (``{field: [old, new]}``), values whole.

    A list of cited entries (status history, sources) is shown by the entries removed and
    added, not in full: a status edit adds one line to a history that may hold ten.
    """
    rows = []
    for field, pair in changes.items():
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            continue
        old, new = pair
        if field in _CITED:
            removed = [e for e in old or [] if e not in (new or [])]
            added = [e for e in new or [] if e not in (old or [])]
            if removed or added:
                before = value_text(field, removed) if removed else "（无）"
                after = value_text(field, added) if added else "（无）"
                rows.append([f"{_label(field)}（增减的条目）", before, after])
            continue
        rows.append([_label(field), value_text(field, old), value_text(field, new)])
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def entry_heading(entry: Mapping[str, Any]) -> str:
    """「版本 2 · 2026-12-07 11:09 · zhao · 修改」: which save, when (China time), who, what."""
    action = entry.get("action")
    parts = [
        f"版本 {entry['version']}" if entry.get("version") else None,
        china_time(entry.get("at")),
        entry.get("by"),
        store.ACTIONS.get(action, action),
    ]
    return " · ".join(str(p) for p in parts if p)


def _entry_card(entry: Mapping[str, Any]) -> None:
    with st.container(border=True):
        st.markdown(f"**{md_text(entry_heading(entry))}**")
        table = change_table(entry.get("changes") or {})
        if table.empty:
            st.caption("（无字段变化）")
        else:
            st.table(table.map(md_text).style.set_table_styles(_TABLE_STYLES), hide_index=True)
        if entry.get("zone_note"):  # the zone kept although the new position lies elsewhere
            st.caption(md_text(f"片区提示：{entry['zone_note']}"))
        st.caption(md_text(f"原因：{entry.get('reason') or '（未填写）'}"))


def delete_or_restore(editor: users.Editor, feature: dict[str, Any]) -> None:
    """Soft delete or restore the shown record, based on the version shown."""
    props = feature["properties"]
    pid, version = props["id"], props.get("version", 1)
    k = f"del-{pid}-{version}"
    reason = st.text_input("删除或恢复的原因", key=f"{k}-reason")
    try:
        if props.get("deleted"):
            if st.button("恢复此项目", key=f"{k}-restore"):
                store.restore(editor, pid, expected_version=version, reason=reason.strip())
                done(f"已恢复「{props.get('name')}」。")
        elif st.button("删除此项目（可恢复）", key=f"{k}-delete"):
            store.delete(editor, pid, expected_version=version, reason=reason.strip())
            done(f"已删除「{props.get('name')}」；可在“已删除的项目”中恢复。")
    except CatalogError as exc:
        st.error(md_text(exc.message_zh))


def history_panel(editor: users.Editor, feature: dict[str, Any]) -> None:
    """The record's logged changes, with undo and revert to an earlier version."""
    props = feature["properties"]
    pid, version = props["id"], props.get("version", 1)
    entries = store.history(pid)
    st.caption(f"修改记录（{len([e for e in entries if 'version' in e])} 次）")
    with st.container():
        if not entries:
            st.caption("尚无人工修改：当前内容全部来自规划文件。")
            return
        for entry in reversed(entries):  # newest first
            _entry_card(entry)
        k = f"hist-{pid}-{version}"
        reason = st.text_input("撤销或恢复的原因", key=f"{k}-reason")
        last = store.last_undoable([e for e in entries if "version" in e])
        try:
            if last is not None and st.button(
                f"撤销上次修改（版本 {last['version']}：{store.ACTIONS.get(last['action'])}）",
                key=f"{k}-undo",
            ):
                store.undo(editor, pid, expected_version=version, reason=reason.strip())
                done(f"已撤销「{props.get('name')}」的版本 {last['version']}。")
            if version > 1:
                made = {e["version"]: e for e in entries if "version" in e}

                def label(v: int) -> str:
                    e = made.get(v)
                    if e is None:
                        return f"版本 {v}（来自规划文件）"
                    return f"版本 {v}（{china_time(e.get('at'))} {e.get('by')} {store.ACTIONS.get(e.get('action'), '')}）"

                target = st.selectbox(
                    "恢复到版本",
                    list(range(version - 1, 0, -1)),
                    format_func=label,
                    key=f"{k}-target",
                    placeholder="请选择",
                )
                if st.button("恢复到所选版本", key=f"{k}-revert"):
                    store.revert(
                        editor, pid, target, expected_version=version, reason=reason.strip()
                    )
                    done(f"已将「{props.get('name')}」恢复到版本 {target}。")
        except CatalogError as exc:
            st.error(md_text(exc.message_zh))


def deleted_projects(editor: users.Editor) -> None:
    """Deleted records are off the map, so this list is the way back to them."""
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
            placeholder="请选择",
        )
        if pid and st.button("恢复所选项目", key="deleted-restore"):
            try:
                store.restore(editor, pid, expected_version=by_id[pid].get("version", 1))
            except CatalogError as exc:
                st.error(md_text(exc.message_zh))
                return
            done(f"已恢复「{by_id[pid].get('name')}」。", select=pid)
