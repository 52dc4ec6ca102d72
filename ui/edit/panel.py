"""Staff editing: login in the sidebar; the edit form, history, delete and the new-project form
open in a dialog over the main area (room for full-width tables).

Widgets only: every rule and every write is in ``projects.store`` (which refuses a save
without an authenticated editor, whatever this page shows). Called by app.py inside
``st.sidebar``; the logged-in editor is kept in ``st.session_state["editor"]``
(:func:`current_editor`) so other panels (import) can pass it to the store.

This module is the entry point (login, then the panels); the forms are in :mod:`ui.edit.form`,
history, undo, delete and restore in :mod:`ui.edit.history`, the shared session keys in
:mod:`ui.edit.state`.
"""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from projects import store
from projects.errors import CatalogError, InvalidValue
from projects.store import users
from ui.details import md_text
from ui.edit.form import CLICKED, edit_form, lng_lat_text, new_project, open_placements
from ui.edit.history import delete_or_restore, deleted_projects, history_panel
from ui.edit.state import (
    K_DIALOG,
    K_EDITOR,
    K_FLASH,
    K_FLASH_WARNING,
    close_dialog,
    current_editor,
    open_dialog,
)

log = logging.getLogger(__name__)

#: What every viewer reads while no editing account exists (the state of a fresh ``make run``):
#: a sentence for planners; the server command that creates an account is for the
#: administrator, folded under :data:`ADMIN_NOTE` (and in README).
EDITING_OFF = "查看项目无需登录。修改项目需要编辑账号，如需编辑请向管理员申请。"
#: The folded note that holds the administrator's command (closed at first).
ADMIN_NOTE = "管理员说明"

#: What staff see when something fails that no rule foresaw (details go to the server log).
UNEXPECTED = (
    "操作未完成：系统出现意外错误，详情已记入服务器日志。请刷新页面后重试；如仍失败，请联系管理员。"
)


def render(selected_id: str | None, map_event: dict[str, Any] | None) -> None:
    """Draw the login and edit panels into the current container (app.py: the sidebar)."""
    st.divider()
    st.subheader("编辑")
    flash = st.session_state.pop(K_FLASH, None)
    if flash:
        st.success(md_text(flash))
    warning = st.session_state.pop(K_FLASH_WARNING, None)
    if warning:
        st.warning(md_text(warning))
    try:
        enabled = users.editing_enabled()
    except CatalogError as exc:
        st.error(md_text(exc.message_zh))
        return
    if not enabled:
        st.caption(EDITING_OFF)
        with st.expander(ADMIN_NOTE, expanded=False):
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
        try:
            users.logout(editor)  # ends the session row: no server accepts it any more
        except CatalogError as exc:
            st.warning(md_text(f"已退出本页，但登录会话未能在服务器上注销：{exc.message_zh}"))
            return
        st.rerun()
    try:
        _panels(editor, selected_id, open_placements(map_event))
    except CatalogError as exc:
        st.error(md_text(exc.message_zh))
    except Exception:  # a fault of ours: a sentence for staff, the traceback for the server log
        log.exception("edit panel failed")
        st.error(UNEXPECTED)


def _client() -> str | None:
    """The browser's address, for the per-client login throttle (None when unknown)."""
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - outside a browser session (tests) there is none
        return None
    return address if isinstance(address, str) and address else None


def _login() -> None:
    with st.form("login"):
        st.caption("查看无需登录；修改项目需要编辑账号。")
        name = st.text_input("用户名", key="login-name")
        password = st.text_input("密码", type="password", key="login-password")
        if st.form_submit_button("登录"):
            try:
                editor = users.authenticate(name.strip(), password, client=_client())
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
        name = feature["properties"].get("name") or selected_id
        pid = feature["properties"]["id"]
        st.caption(md_text(f"所选项目：{name}"))
        st.button(
            "修改此项目…",
            key="edit-open",
            type="primary",
            width="stretch",
            on_click=open_dialog,
            args=(f"edit:{pid}",),
        )
    if CLICKED in found:
        where = lng_lat_text(*found[CLICKED]["coordinates"])
        st.caption(f"地图上点击的点：{where}（未保存，在修改或新建表单的“位置”中选用）")
    st.button("新建项目…", key="new-open", width="stretch", on_click=open_dialog, args=("new",))
    deleted_projects(editor)
    which = st.session_state.get(K_DIALOG)
    if which == "new":
        _new_dialog(editor, found)
    elif which and feature is not None and which == f"edit:{feature['properties']['id']}":
        _edit_dialog(editor, feature["properties"]["id"], found)


@st.dialog("修改项目", width="large", on_dismiss=close_dialog)
def _edit_dialog(editor: users.Editor, pid: str, found: dict[str, dict]) -> None:
    """The selected project's form, history and delete/restore, in tabs."""
    try:
        feature = store.get(pid)
    except CatalogError as exc:
        st.error(md_text(exc.message_zh))
        return
    st.markdown(f"**{md_text(feature['properties'].get('name'))}**（{md_text(pid)}）")
    form_tab, history_tab, delete_tab = st.tabs(["修改", "修改记录", "删除与恢复"])
    try:
        with form_tab:
            edit_form(editor, feature, found)
        with history_tab:
            history_panel(editor, feature)
        with delete_tab:
            delete_or_restore(editor, feature)
    except CatalogError as exc:
        st.error(md_text(exc.message_zh))


@st.dialog("新建项目", width="large", on_dismiss=close_dialog)
def _new_dialog(editor: users.Editor, found: dict[str, dict]) -> None:
    new_project(editor, found)
