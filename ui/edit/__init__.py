"""Staff editing panels: login, edit form, placement, history, undo."""

from ui.edit.form import (
    CLICKED,
    DRAWN,
    NO_PLACEMENT,
    pending_click,
    placements,
    stale_lines,
)
from ui.edit.history import (
    EMPTY,
    change_table,
    entry_heading,
    value_text,
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
    "EMPTY",
    "CLICKED",
    "DRAWN",
    "K_EDITOR",
    "K_FLASH",
    "K_NONCE",
    "K_SELECTED",
    "NO_PLACEMENT",
    "change_table",
    "current_editor",
    "entry_heading",
    "pending_click",
    "placements",
    "render",
    "stale_lines",
    "value_text",
]
