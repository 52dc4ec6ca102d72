"""What the edit panels share in the browser session: the editor, the flash message, form keys.

Kept apart so the panels (:mod:`ui.edit.form`, :mod:`ui.edit.history`) and the entry point
(:mod:`ui.edit`) agree on the session keys without importing each other.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from projects.store import users

#: Session keys: the logged-in editor, the message shown after a save, and a counter that
#: gives the forms fresh widget keys after a save or cancel (so they reload the record).
K_EDITOR = "editor"
K_FLASH = "edit_flash"
K_NONCE = "edit_nonce"
#: The app's selection key (app.py): a new project becomes the selected one.
K_SELECTED = "selected_id"


def current_editor() -> users.Editor | None:
    """The logged-in editor of this browser session, or None for a viewer."""
    editor = st.session_state.get(K_EDITOR)
    return editor if isinstance(editor, users.Editor) else None


@st.cache_resource(show_spinner=False)
def outline() -> Any:
    """The district outline for the location check (None: location saves are refused)."""
    try:
        from geo.boundaries import load_outline

        return load_outline()
    except Exception:  # noqa: BLE001 - the store then refuses placements with a clear message
        return None


def done(message: str, select: str | None = None) -> None:
    """After a save: remember the message, drop cached catalogs, select, rerun."""
    st.session_state[K_FLASH] = message
    if select is not None:
        st.session_state[K_SELECTED] = select
    st.cache_data.clear()
    st.rerun()


def nonce() -> int:
    """The current form-key counter (see ``K_NONCE``)."""
    return st.session_state.setdefault(K_NONCE, 0)
