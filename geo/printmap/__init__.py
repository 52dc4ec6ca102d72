"""Print-ready maps (专题图) and project lists, drawn on the server with a Chinese font."""

from typing import Any

from geo.printmap.paper import ORIENTATIONS, PAPERS, Sheet, view_box
from geo.printmap.words import SOURCES, describe_query, extent_words, precision_note

#: Names whose modules load matplotlib (about a second) or lay out a sheet: imported on first
#: use, so a page that only offers the choices starts without them.
_DRAWING = {
    "render_map": "geo.printmap.sheet",
    "render_list": "geo.printmap.listing",
    "cjk_font": "geo.printmap.fonts",
    "cjk_font_path": "geo.printmap.fonts",
    "NoChineseFont": "geo.printmap.fonts",
    "frame_extent": "geo.printmap.placing",
}

__all__ = [
    "NoChineseFont",
    "ORIENTATIONS",
    "PAPERS",
    "SOURCES",
    "Sheet",
    "cjk_font",
    "cjk_font_path",
    "describe_query",
    "extent_words",
    "frame_extent",
    "precision_note",
    "render_list",
    "render_map",
    "view_box",
]


def __getattr__(name: str) -> Any:
    if name in _DRAWING:
        import importlib

        return getattr(importlib.import_module(_DRAWING[name]), name)
    raise AttributeError(f"module 'geo.printmap' has no attribute {name!r}")
