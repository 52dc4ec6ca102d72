"""A record's life in the sidebar: its history, undo, revert, delete, restore.

Widgets only: the store checks versions and writes (see :mod:`ui.edit`). Times are shown in
China Standard Time, the planners' clock; the history stores UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd
import streamlit as st

from projects import store
from projects.clock import CHINA
from projects.errors import CatalogError
from projects.store import users
from ui.details import md_text
from ui.edit.state import done


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
                done(f"已撤销「{props.get('name')}」的版本 {last['version']}。")
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
