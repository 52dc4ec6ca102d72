"""Sidebar filters: widgets seeded from the URL, read back into one ``Query``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from geo import mapview
from projects import clock, filters, progress, vocab
from projects.filters import Query
from ui.details import md_text

K_SECTORS, K_STATUSES, K_ZONES, K_YEARS, K_TEXT = (
    "f_sectors",
    "f_statuses",
    "f_zones",
    "f_years",
    "f_text",
)
K_BASEMAP, K_EDITING, K_SEEDED = "f_basemap", "f_editing", "f_seeded"
K_PROGRESS = "f_progress"
K_AS_OF = "f_as_of"
#: The catalog's year span the 年份范围 slider was last drawn over (see :func:`_fit_years`).
K_YEAR_SPAN = "f_year_span"
K_COLOUR = "f_colour"
K_PICKER = "picker"
K_PICKER_TEXT = "picker_text"
#: What the 「定位项目」 box shows when no project is chosen.
NO_PICK = "（未选择）"
#: The 定位项目 box lists every filtered project up to this many; above, it searches as you type.
PICKER_LIST_MAX = 1000
#: How many matching names the searching box lists at most.
PICKER_MATCHES = 200
#: What the map colours projects by.
COLOUR_OPTIONS = {"status": "状态", "progress": "进度预警"}
#: Year slider bounds when the catalog gives none.
DEFAULT_YEAR_SPAN = (2016, 2035)


def year_bounds(gdf: pd.DataFrame) -> tuple[int, int]:
    """Slider bounds: the earliest start and latest end year in the catalog (within vocab)."""
    years = pd.concat(
        [
            pd.to_numeric(gdf.get("start_year"), errors="coerce"),
            pd.to_numeric(gdf.get("end_year"), errors="coerce"),
        ]
    ).dropna()
    if years.empty:
        return DEFAULT_YEAR_SPAN
    first = max(vocab.MIN_YEAR, int(years.min()))
    last = min(vocab.MAX_YEAR, int(years.max()))
    return (first, last) if first < last else (first, first + 1)


def as_of_bounds(gdf: pd.DataFrame, firsts: pd.Series | None = None) -> tuple[int, int]:
    """「状态截至」 slider bounds: the first year a status history dates a project to, and this
    year (China time); the documents say nothing of later years yet.

    ``firsts``: the catalog's ``filters.first_mentioned_years``, if the page keeps them."""
    this_year = clock.today().year
    dated = _first_years(gdf, firsts).dropna()
    first = max(vocab.MIN_YEAR, int(dated.min()) if len(dated) else this_year - 1)
    return (first, this_year) if first < this_year else (this_year - 1, this_year)


def seed_from_url(params: Mapping[str, Any], bounds: tuple[int, int]) -> list[str]:
    """Put the URL's query into the widgets' state, once per session; return what was dropped."""
    if st.session_state.get(K_SEEDED):
        return []
    query, problems = filters.parse_params(params)
    _set_widgets(query, bounds)
    st.session_state[K_SEEDED] = True
    return problems


def _set_widgets(query: Query, bounds: tuple[int, int]) -> None:
    st.session_state[K_SECTORS] = list(
        query.sectors if query.sectors is not None else vocab.SECTORS
    )
    st.session_state[K_STATUSES] = list(
        query.statuses if query.statuses is not None else vocab.ALL_STATUSES
    )
    st.session_state[K_ZONES] = list(query.zones if query.zones is not None else vocab.ALL_ZONES)
    years = query.years or bounds
    st.session_state[K_YEARS] = (
        min(max(years[0], bounds[0]), bounds[1]),
        max(min(years[1], bounds[1]), bounds[0]),
    )
    st.session_state[K_TEXT] = query.text
    st.session_state[K_PROGRESS] = list(
        query.progress if query.progress is not None else progress.PROGRESS
    )
    st.session_state[K_AS_OF] = filters.status_year(query)


def _reset(bounds: tuple[int, int]) -> None:
    _set_widgets(Query(), bounds)


def _first_years(gdf: pd.DataFrame, firsts: pd.Series | None) -> pd.Series:
    """``firsts`` if the page keeps them, else ``filters.first_mentioned_years`` of ``gdf``."""
    if firsts is not None:
        return firsts
    return filters.first_mentioned_years(gdf) if len(gdf) else pd.Series(dtype="Int64")


def current_query(gdf: pd.DataFrame, firsts: pd.Series | None = None) -> Query:
    """The query the filter widgets hold, read from their state before they are drawn.

    The page draws the map before the sidebar, so the browser builds the map's frame first
    instead of behind some fifty widget scripts; the widgets then show the same values. Their
    state is always there by now: seeded from the link on a session's first run, the widgets'
    own values after that. ``firsts``: see :func:`as_of_bounds`.
    """
    bounds = year_bounds(gdf)
    _clamp_as_of(as_of_bounds(gdf, firsts))
    state = st.session_state
    years = _fit_years(bounds)
    as_of_year = int(state[K_AS_OF])
    return Query(
        sectors=_facet(state.get(K_SECTORS, vocab.SECTORS), vocab.SECTORS),
        statuses=_facet(state.get(K_STATUSES, vocab.ALL_STATUSES), vocab.ALL_STATUSES),
        zones=_facet(state.get(K_ZONES, vocab.ALL_ZONES), vocab.ALL_ZONES),
        years=None if years == bounds else (int(years[0]), int(years[1])),
        text=str(state.get(K_TEXT, "")).strip(),
        progress=_facet(state.get(K_PROGRESS, progress.PROGRESS), progress.PROGRESS),
        as_of_year=None if as_of_year == clock.today().year else as_of_year,
    )


def _fit_years(bounds: tuple[int, int]) -> tuple[int, int]:
    """The 年份范围 value over the catalog's span ``bounds`` now, put back into its state.

    A save or an undo (here or by a colleague) moves the span: a value past the new end made
    Streamlit stop the page (its English ``StreamlitValueAboveMaxError``), and a slider left on
    the whole span became a year filter nobody chose, hiding a project saved with later years.
    A value on the whole span follows the span; a chosen range is kept, cut to the span.
    """
    state = st.session_state
    span, years = state.get(K_YEAR_SPAN), state.get(K_YEARS)
    if years is None or (span is not None and tuple(years) == tuple(span)):
        fitted = (bounds[0], bounds[1])
    else:
        low, high = (min(max(int(y), bounds[0]), bounds[1]) for y in years)
        fitted = (min(low, high), high)
    if years is None or tuple(years) != fitted:
        state[K_YEARS] = fitted
    state[K_YEAR_SPAN] = (bounds[0], bounds[1])
    return fitted


def _clamp_as_of(span: tuple[int, int]) -> None:
    """A linked 「状态截至」 year before the first dated entry shows that first year."""
    year = st.session_state.get(K_AS_OF, span[1])
    st.session_state[K_AS_OF] = min(max(year, span[0]), span[1])


def render_filters(gdf: pd.DataFrame, firsts: pd.Series | None = None) -> None:
    """Draw the filter widgets (options and counts from the catalog) over their state.
    ``firsts``: see :func:`as_of_bounds`."""
    bounds = year_bounds(gdf)
    _fit_years(bounds)
    firsts = _first_years(gdf, firsts)
    as_of_span = as_of_bounds(gdf, firsts)
    _clamp_as_of(as_of_span)
    alive = ~gdf["deleted"].fillna(False).astype(bool) if len(gdf) else pd.Series(dtype=bool)
    live = gdf[alive] if len(gdf) else gdf
    sector_counts = filters.facet_counts(live, "sector", vocab.SECTORS)
    zone_counts = filters.facet_counts(live, "zone", vocab.ALL_ZONES)
    st.header("筛选")
    st.multiselect("领域", vocab.SECTORS, key=K_SECTORS, placeholder="请选择")
    st.caption(_counts_line(sector_counts))
    st.slider(
        "年份范围",
        min_value=bounds[0],
        max_value=bounds[1],
        key=K_YEARS,
        help="项目的起止年份与所选范围有交集即显示。状态与进度预警见下方“状态截至”。",
    )
    as_of_year = st.slider(
        "状态截至",
        min_value=as_of_span[0],
        max_value=as_of_span[1],
        key=K_AS_OF,
        format="%d 年底",
        help=AS_OF_HELP,
    )
    st.caption(_as_of_line(firsts[alive] if len(gdf) else firsts, int(as_of_year)))
    st.multiselect("状态（截至所选年份）", vocab.ALL_STATUSES, key=K_STATUSES, placeholder="请选择")
    st.multiselect(
        "片区",
        vocab.ALL_ZONES,
        key=K_ZONES,
        help="“区外”指沙坪坝区以外的项目，默认不显示。",
        placeholder="请选择",
    )
    unzoned = int(live["zone"].isna().sum()) if len(live) else 0
    st.caption(
        _counts_line(zone_counts)
        # the zone filter keeps them (projects.filters), so 西 alone shows more than 西's count
        + (f"；片区未定的 {unzoned} 个项目不按片区筛选，始终显示" if unzoned else "")
    )
    render_progress_filter()
    st.text_input("搜索名称或别名", key=K_TEXT, max_chars=100)
    st.button("重置筛选", on_click=_reset, args=(bounds,), width="stretch")


#: What the 「状态截至」 slider does, and the rule for projects not yet named by then.
AS_OF_HELP = (
    "地图颜色、状态筛选、表格、图表与进度预警均按所选年份年底的状态显示，依据各项目的状态沿革"
    "（截至该年最新的文件记载；规划不推翻同年的回顾事实）。选今年即当前状态，进度按今天（北京时间）"
    "判断。到所选年份文件尚未提及的项目不显示。"
)


def _as_of_line(firsts: pd.Series, year: int) -> str:
    """The caption under the 「状态截至」 slider: which statuses are shown, and how many
    projects are hidden because the documents had not named them by then (``firsts``: the
    live projects' first dated years, as ``filters.not_yet_mentioned`` reads them)."""
    if year >= clock.today().year:
        return "显示各项目的当前状态（进度预警按今天判断）。"
    hidden = int((firsts.dropna() > year).sum())
    line = f"显示各项目截至 {year} 年底的状态与进度预警"
    return line + (f"；全库有 {hidden} 个项目到该年文件尚未提及，不显示。" if hidden else "。")


def colour_choice() -> str:
    """What the map colours projects by, from the 「地图着色」 state: "status" (default) or
    "progress" (超前/正常/滞后/未知)."""
    choice = st.session_state.get(K_COLOUR)
    return choice if choice in COLOUR_OPTIONS else next(iter(COLOUR_OPTIONS))


def render_colour_option() -> None:
    """Draw the 「地图着色」 choice."""
    st.radio(
        "地图着色",
        list(COLOUR_OPTIONS),
        key=K_COLOUR,
        format_func=COLOUR_OPTIONS.get,
        horizontal=True,
        help="按状态或按进度预警给地图上的项目着色（均按“状态截至”的年份）。",
    )


def render_progress_filter() -> list[str]:
    """The progress-warning facet (超前/正常/滞后/未知), judged as of the 「状态截至」 year."""
    return st.multiselect(
        "进度预警",
        progress.PROGRESS,
        key=K_PROGRESS,
        help=progress.RULE + "判断日期为“状态截至”年份的最后一天；为今年时为今天（北京时间）。",
        placeholder="请选择",
    )


def _counts_line(counts: Mapping[str, int]) -> str:
    """Counts beside, not inside, the options: a multiselect keeps its choices by their labels,
    so a label that changed with the catalog (a project added) would silently drop the choice.
    They count the whole catalog (not the filtered view), and say so."""
    return "全库项目数：" + " · ".join(f"{k} {n}" for k, n in counts.items() if n)


def _facet(chosen: list[str], options: tuple[str, ...]) -> tuple[str, ...] | None:
    """None when every option is chosen (no filter: a shorter link), else the choice in order."""
    return None if set(chosen) == set(options) else tuple(o for o in options if o in chosen)


def map_choice(token: str | None) -> tuple[str, bool, str | None]:
    """The basemap and drawing mode the 「地图」 widgets hold: (basemap key, editing, note)."""
    choice = st.session_state.get(K_BASEMAP)
    if choice not in mapview.BASEMAPS:
        choice = next(iter(mapview.BASEMAPS))
    note = None
    if mapview.BASEMAPS[choice].needs_token and not token:
        note = (
            "天地图需要密钥：请在环境变量 TIANDITU_TOKEN 或 Streamlit secrets 中设置 "
            "TIANDITU_TOKEN 后重启。当前显示无底图。"
        )
        choice = "none"
    elif choice != "none":
        note = "在线底图需要连接互联网；离线时只显示区界与片区。"
    if mapview.BASEMAPS[choice].datum == "GCJ02":
        note = (note or "") + " 高德底图为 GCJ-02 坐标：图上要素已相应偏移，库中数据不变。"
    return choice, bool(st.session_state.get(K_EDITING, False)), note


def render_map_options(token: str | None) -> None:
    """Draw the basemap choice and the staff drawing-mode switch."""
    st.header("地图")

    def label(key: str) -> str:
        base = mapview.BASEMAPS[key]
        if base.needs_token and not token:
            return f"{base.label}（未配置密钥）"
        return base.label

    st.selectbox(
        "底图", list(mapview.BASEMAPS), placeholder="请选择", key=K_BASEMAP, format_func=label
    )
    st.toggle(
        "标绘模式（工作人员）",
        key=K_EDITING,
        help="在地图上点击或绘制点、线、面，供编辑面板为项目定位。",
    )


def picked() -> str | None:
    """The project chosen in the 「定位项目」 box (its state: the box is drawn after the map)."""
    return st.session_state.get(K_PICKER)


def picker_labels(ids: list[str], names: list[str]) -> dict[str, str]:
    """What the 「定位项目」 box shows for each project: its name, and its id beside a name that
    another listed project (or the box's own 「（未选择）」) also bears.

    Why: the box hands back the text a person chose, not a position in the list, and the page
    turns that text back into the first project that shows it; two projects of one name (staff
    may make them) would otherwise make the second one impossible to choose.

    >>> picker_labels(["A", "B", "C"], ["公园", "公园", "医院"])
    {'A': '公园（A）', 'B': '公园（B）', 'C': '医院'}
    """
    counts = Counter(names)
    return {
        pid: f"{name}（{pid}）" if counts[name] > 1 or name == NO_PICK else name
        for pid, name in zip(ids, names, strict=True)
    }


def render_picker(filtered: pd.DataFrame, selected_id: str | None) -> None:
    """A project picker over the filtered projects. It shows the selected project however it
    was chosen (map, table, link), or （未选择） when that project is filtered out.

    Up to :data:`PICKER_LIST_MAX` projects the box lists them all (type in it to search). Above
    that, a box listing every name would be sent again on every rerun (about 20 bytes a project:
    2 MB at 100 000, which the browser then rebuilds); instead the names matching what is typed
    are searched here, among any number of projects, and the box lists the first
    :data:`PICKER_MATCHES` of them.
    """
    ids, names = filtered["id"], filtered["name"].astype(str)
    label = "定位项目"
    if len(filtered) > PICKER_LIST_MAX:
        text = st.text_input(
            "定位项目",
            key=K_PICKER_TEXT,
            placeholder=f"输入项目名称查找（{len(filtered)} 个项目）",
        ).strip()
        found = names[names.str.contains(text, case=False, regex=False)] if text else names[:0]
        # Names that start with the text first, then the shorter (the closer) ones.
        ranked = found.iloc[np.lexsort((found.str.len(), ~found.str.startswith(text)))]
        keep = ranked.index[:PICKER_MATCHES].append(ids.index[ids == selected_id])
        keep = keep.drop_duplicates()  # in that order, the selected project last if not listed
        ids, names, label = ids.loc[keep], names.loc[keep], "匹配的项目"
        if text:
            more = f"，列出前 {PICKER_MATCHES} 个，请输入更多文字缩小范围"
            st.caption(
                f"共 {len(found)} 个项目名称含“{md_text(text)}”"
                + (more if len(found) > PICKER_MATCHES else "")
                + "。"
            )
    options = picker_labels(ids.tolist(), names.tolist())
    st.session_state[K_PICKER] = selected_id if selected_id in options else None
    st.selectbox(
        label,
        [None, *options],
        format_func=lambda pid: NO_PICK if pid is None else options[pid],
        key=K_PICKER,
        placeholder="请选择",
    )
