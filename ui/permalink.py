"""The parts of a shared link beyond the filters: the selected project, the map's view and
what the map is coloured by (and a note on any parameter the page does not know, such as a
mistyped ``s=`` for ``sector=``).

Each is checked on its own, so a bad value is dropped with a note and leaves the rest of the view
(filters, the other parameter) as the link gave it. The view itself is written by the map
(:mod:`geo.mapview.view`); the page only keeps it when it rewrites the URL.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import streamlit as st

from geo import mapview
from projects import filters
from ui import sidebar

#: URL parameter of the selected project's id.
SELECTED_PARAM = "p"
#: URL parameter of what the map is coloured by (「地图着色」), when not the default (状态):
#: a map shared coloured by 进度预警 opened coloured by status, with the other legend.
COLOUR_PARAM = "colour"
K_SEEDED = "permalink_seeded"
K_NOTES = "permalink_notes"


def _one(params: Mapping[str, Any], key: str) -> str | None:
    value = params.get(key)
    if isinstance(value, list | tuple):
        value = value[-1] if value else None
    return None if value is None else str(value)


def seed_selection(params: Mapping[str, Any], ids: Collection[str]) -> tuple[str | None, list[str]]:
    """The project the link selects (first run of a session only), and notes on bad values."""
    if st.session_state.get(K_SEEDED):
        return None, []
    st.session_state[K_SEEDED] = True
    problems: list[str] = []
    pid = _one(params, SELECTED_PARAM)
    if pid is not None and pid not in ids:
        problems.append(f"链接中的项目编号“{pid[:40]}”不在项目库中，已忽略。")
        pid = None
    view = _one(params, mapview.VIEW_PARAM)
    if view is not None and mapview.parse_view(view) is None:
        problems.append(f"链接中的地图位置“{view[:40]}”无效，已忽略，地图显示全区。")
    colour = _one(params, COLOUR_PARAM)
    if colour in sidebar.COLOUR_OPTIONS:
        st.session_state[sidebar.K_COLOUR] = colour
    elif colour is not None:
        problems.append(f"链接中的地图着色“{colour[:20]}”无法识别，已按状态着色。")
    known = {*filters.PARAMS, SELECTED_PARAM, mapview.VIEW_PARAM, COLOUR_PARAM}
    for key in [k for k in params if k not in known][:5]:
        problems.append(f"链接中的参数“{str(key)[:20]}”无法识别，已忽略。")
    return pid, problems


def kept_notes(new: list[str]) -> list[str]:
    """Every note on the link's bad values so far in this session, ``new`` ones added.

    A link is read on a session's first run only, and the map's first report reruns the page at
    once: notes shown by the first run alone were gone before anyone could read them.
    """
    notes = list(dict.fromkeys([*st.session_state.get(K_NOTES, []), *new]))
    st.session_state[K_NOTES] = notes
    return notes


def view_params(params: Mapping[str, Any], selected_id: str | None) -> dict[str, str]:
    """The URL parameters for the selection, the map's current (valid) view and its colouring
    when not the default."""
    out = {}
    if selected_id:
        out[SELECTED_PARAM] = selected_id
    colour = sidebar.colour_choice()
    if colour != next(iter(sidebar.COLOUR_OPTIONS)):
        out[COLOUR_PARAM] = colour
    view = _one(params, mapview.VIEW_PARAM)
    if view is not None and mapview.parse_view(view) is not None:
        out[mapview.VIEW_PARAM] = view
    return out
