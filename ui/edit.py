"""Staff editing in the sidebar (placeholder until the editing work lands)."""

from __future__ import annotations

from typing import Any


def render(selected_id: str | None, map_event: dict[str, Any] | None) -> None:
    """Draw the login and edit form into the sidebar; no-op for now."""
