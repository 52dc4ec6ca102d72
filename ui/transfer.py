"""Export downloads and staff import in the sidebar (placeholder until the export work lands)."""

from __future__ import annotations

from typing import Any


def render(filtered: Any, query: Any) -> None:
    """Draw download buttons for the filtered projects; no-op for now."""
