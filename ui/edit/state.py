"""What the edit panels share in the browser session: the editor, the flash message, form keys.

Kept apart so the panels (:mod:`ui.edit.form`, :mod:`ui.edit.history`) and the entry point
(:mod:`ui.edit`) agree on the session keys without importing each other.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from geo.boundaries import load_outline
from projects.store import users

#: Session keys: the logged-in editor, the message shown after a save, and a counter that
#: gives the forms fresh widget keys after a save or cancel (so they reload the record).
K_EDITOR = "editor"
K_FLASH = "edit_flash"
#: A warning shown with that message (a kept zone the new position does not lie in).
K_FLASH_WARNING = "edit_flash_warning"
K_NONCE = "edit_nonce"
#: The app's selection key (app.py): a new project becomes the selected one.
K_SELECTED = "selected_id"
#: Which editing dialog is open ("edit:<id>" or "new"); kept so that the page's full reruns
#: (a save, a map click) keep it open until it is saved, cancelled or dismissed.
K_DIALOG = "edit_dialog"
#: The map click the edit forms offer now (its WGS84 [lng, lat]), and the last one that a save,
#: a cancel or a closed dialog used up. The map keeps reporting its last click until the next
#: one, so a used click is remembered: it is no longer marked on the map nor offered.
K_CLICK, K_USED_CLICK = "edit_click", "edit_used_click"


def current_editor() -> users.Editor | None:
    """The logged-in editor of this browser session, or None for a viewer."""
    editor = st.session_state.get(K_EDITOR)
    return editor if isinstance(editor, users.Editor) else None


@st.cache_resource(show_spinner=False)
def outline() -> Any:
    """The district outline for the location check (None: location saves are refused)."""
    try:
        return load_outline()
    except Exception:  # noqa: BLE001 - the store then refuses placements with a clear message
        return None


def done(message: str, select: str | None = None, warning: str | None = None) -> None:
    """After a save: remember the message (and a warning), drop cached catalogs, select, rerun."""
    st.session_state[K_FLASH] = message
    st.session_state[K_FLASH_WARNING] = warning
    st.session_state.pop(K_DIALOG, None)
    use_click()
    if select is not None:
        st.session_state[K_SELECTED] = select
    st.cache_data.clear()
    st.rerun()


def open_dialog(which: str) -> None:
    """Button callback: open an editing dialog (see ``K_DIALOG``)."""
    st.session_state[K_DIALOG] = which


def close_dialog() -> None:
    """Dismiss callback: the dialog was closed without saving."""
    st.session_state.pop(K_DIALOG, None)
    use_click()


def use_click() -> None:
    """The map click offered now is done with (saved or cancelled): its mark goes."""
    st.session_state[K_USED_CLICK] = st.session_state.get(K_CLICK)


def nonce() -> int:
    """The current form-key counter (see ``K_NONCE``)."""
    return st.session_state.setdefault(K_NONCE, 0)
