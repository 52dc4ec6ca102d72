"""Staff editing panels: login, edit form, placement, history, undo."""

from ui.edit.form import (
    CLICKED,
    DRAWN,
    NO_PLACEMENT,
    placements,
)
from ui.edit.history import (
    CHINA,
    history_table,
)
from ui.edit.panel import (
    render,
)
from ui.edit.state import (
    K_EDITOR,
    K_FLASH,
    K_NONCE,
    K_SELECTED,
    current_editor,
)

__all__ = [
    "CHINA",
    "CLICKED",
    "DRAWN",
    "K_EDITOR",
    "K_FLASH",
    "K_NONCE",
    "K_SELECTED",
    "NO_PLACEMENT",
    "current_editor",
    "history_table",
    "placements",
    "render",
]
