"""Print-ready maps (专题图) and project lists, drawn on the server with a Chinese font."""

from geo.printmap.fonts import NoChineseFont, cjk_font, cjk_font_path
from geo.printmap.listing import render_list
from geo.printmap.sheet import ORIENTATIONS, PAPERS, Sheet, render_map, view_box
from geo.printmap.words import SOURCES, describe_query, precision_note

__all__ = [
    "NoChineseFont",
    "ORIENTATIONS",
    "PAPERS",
    "SOURCES",
    "Sheet",
    "cjk_font",
    "cjk_font_path",
    "describe_query",
    "precision_note",
    "render_list",
    "render_map",
    "view_box",
]
