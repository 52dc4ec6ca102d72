"""Charts under the map: sector × status, zones, status over the years and progress warnings. A
click on a bar or on a legend entry sets that filter (applied at the start of the next run, before the filter
widgets are drawn, since a drawn widget's value cannot be changed in the same run).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from projects import clock, filters, vocab
from projects.progress import PROGRESS, PROGRESS_COLOURS, status_on
from ui import sidebar

#: Session keys: the filter a chart click asked for, and a counter that gives the charts fresh
#: keys once it is applied (so the click is not applied again on every rerun).
K_PENDING, K_NONCE = "chart_pending", "chart_nonce"
#: Selection names in the charts, and the filter widget each one sets.
SELECTIONS = {
    "sector_pick": ("领域", sidebar.K_SECTORS),
    "status_pick": ("状态", sidebar.K_STATUSES),
    "zone_pick": ("片区", sidebar.K_ZONES),
}
ZONE_NOTE = (
    "东、中、西为区内三个片区；“跨区”指跨越两个及以上片区的项目（如轨道线路）；"
    "“区外”指位于沙坪坝区以外的项目（默认不显示）。点击柱子或图例即按其筛选。"
)


#: The facets a chart click narrows, with the words of the button that widens each one again and
#: the values it restores (the sidebar's defaults: 区外 stays off).
WIDEN = (
    ("显示全部领域", sidebar.K_SECTORS, vocab.SECTORS),
    ("显示全部状态", sidebar.K_STATUSES, vocab.ALL_STATUSES),
    ("显示默认片区", sidebar.K_ZONES, filters.DEFAULT_ZONES),
)


def _widen(key: str, values: tuple[str, ...]) -> None:
    st.session_state[key] = list(values)
    st.session_state[K_NONCE] = st.session_state.get(K_NONCE, 0) + 1


def _widen_buttons() -> None:
    """A chart click narrows a filter to one bar; without these, undoing it means finding that
    filter in the sidebar. Shown only for the facets now narrower than their default."""
    narrowed = [
        (label, key, values)
        for label, key, values in WIDEN
        if set(st.session_state.get(key, values)) != set(values)
    ]
    if not narrowed:
        return
    with st.container(horizontal=True, vertical_alignment="center"):
        st.caption("筛选范围已缩小，可恢复：", width="content")
        for label, key, values in narrowed:
            st.button(label, key=f"widen-{key}", on_click=_widen, args=(key, values))


def filter_from_selection(selection: Mapping[str, Any]) -> dict[str, list[str]]:
    """The filter widgets' new values for a chart selection: {widget key: [value]}."""
    out: dict[str, list[str]] = {}
    for name, (field, key) in SELECTIONS.items():
        points = selection.get(name) or []
        values = [p[field] for p in points if isinstance(p, Mapping) and p.get(field)]
        if values:
            out[key] = list(dict.fromkeys(str(v) for v in values))
    return out


def apply_pending() -> None:
    """Put a chart click's filter into the widgets (call before the sidebar is drawn)."""
    pending = st.session_state.pop(K_PENDING, None)
    if pending:
        for key, values in pending.items():
            st.session_state[key] = values
        st.session_state[K_NONCE] = st.session_state.get(K_NONCE, 0) + 1


def _clicked(event: Any) -> None:
    selection = getattr(event, "selection", None) or {}
    wanted = filter_from_selection(selection)
    if wanted:
        st.session_state[K_PENDING] = wanted
        st.rerun()


def _key(name: str) -> str:
    return f"{name}-{st.session_state.get(K_NONCE, 0)}"


def _spoken(chart: alt.Chart, description: str) -> alt.Chart:
    """The chart as a screen reader meets it: one Chinese description, and none of the English
    texts Vega would generate for each axis, legend and mark ("X-axis titled …")."""
    return chart.properties(description=description).configure(aria=False)


#: Vega's band per lying bar, and per legend entry (px).
BAR_STEP_PX, LEGEND_ROW_PX = 20, 18
#: The count axis below lying bars: its labels and title (px).
AXIS_PX = 40


def lying_height(bars: int, legend_rows: int) -> int | None:
    """The height to give a lying-bar chart whose bars are fewer than its colour legend's rows,
    else None (Vega's own band per bar). Vega draws the legend beside the plot and cuts it off
    at the chart's edge: filtered to one sector, the status legend ended at 建成. Streamlit fits
    the whole chart, the count axis included, to the height given.

    >>> lying_height(11, 6), lying_height(1, 6)
    (None, 156)
    """
    legend = LEGEND_ROW_PX * legend_rows + 48
    return legend if BAR_STEP_PX * bars + AXIS_PX < legend else None


def _fit_legend(chart: alt.Chart, bars: int, legend_rows: int) -> alt.Chart:
    height = lying_height(bars, legend_rows)
    return chart if height is None else chart.properties(height=height)


def sector_chart(filtered: pd.DataFrame) -> alt.Chart:
    """Stacked bars: projects per sector (vocabulary order) and status (life-cycle order)."""
    counts = (
        filtered.groupby(["sector", "status_shown"]).size().rename("项目数").reset_index()
    ).rename(columns={"sector": "领域", "status_shown": "状态"})
    counts["序"] = counts["状态"].map(vocab.ALL_STATUSES.index)
    sectors = [s for s in vocab.SECTORS if s in set(counts["领域"])]
    pick = alt.selection_point(name="sector_pick", fields=["领域"], on="click", clear=False)
    legend = alt.selection_point(name="status_pick", fields=["状态"], bind="legend", on="dblclick")
    chart = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            y=alt.Y("领域:N", sort=sectors, axis=alt.Axis(title=None, labelLimit=120)),
            x=alt.X("项目数:Q", title="项目数"),
            color=alt.Color(
                "状态:N",
                scale=alt.Scale(
                    domain=list(vocab.ALL_STATUSES),
                    range=[vocab.STATUS_COLOURS[s] for s in vocab.ALL_STATUSES],
                ),
                legend=alt.Legend(title="状态（点击筛选）"),
            ),
            order=alt.Order("序:Q"),
            tooltip=_tips("领域", "状态", "项目数"),
            opacity=alt.value(0.95),
        )
    )
    return _fit_legend(chart.add_params(pick, legend), len(sectors), len(vocab.ALL_STATUSES))


def zone_chart(filtered: pd.DataFrame) -> alt.Chart:
    """Projects per zone (东 中 西 跨区 区外); projects with no zone are counted in words."""
    counts = filtered["zone"].dropna().value_counts()
    data = pd.DataFrame(
        {"片区": [z for z in vocab.ALL_ZONES if z in counts.index]},
    )
    data["项目数"] = [int(counts[z]) for z in data["片区"]]
    pick = alt.selection_point(name="zone_pick", fields=["片区"], on="click", clear=False)
    return (
        alt.Chart(data)
        .mark_bar(color="#4c78a8")
        .encode(
            x=alt.X("片区:N", sort=list(vocab.ALL_ZONES), axis=alt.Axis(labelAngle=0)),
            y=_counts_up(data["项目数"].max() if len(data) else 0),
            tooltip=_tips("片区", "项目数"),
        )
        .add_params(pick)
    )


def status_years_frame(
    filtered: pd.DataFrame, last_year: int, table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Projects per status at the end of each year up to ``last_year`` (the 「状态截至」 year),
    from each project's status history by the same rule as the map (``progress.status_on``).
    The last bar is ``last_year`` even when the latest fact is older, as the map shows it then.
    A project the documents had not named by a year is not counted in that year.

    ``table``: the catalog's ``filters.status_by_year`` up to ``last_year`` (kept per catalog
    version by the page), so a filter change only counts its columns."""
    if table is not None:
        counted = _counted(filtered, last_year, table)
        if counted is not None:
            return counted
    histories = [h if isinstance(h, list) else None for h in filtered["status_history"]]
    years = [
        int(y)
        for h in histories
        for e in (h or [])
        if isinstance(e, Mapping) and (y := e.get("year")) is not None and str(y).isdigit()
    ]
    if not years:
        return pd.DataFrame(columns=["年份", "状态", "项目数"])
    rows = []
    for year in range(min(years), max(last_year, min(years)) + 1):
        shown = [
            status_on(h, year, str(s))
            for h, s in zip(histories, filtered["status"], strict=True)
            if not h or min(_years(h), default=year) <= year
        ]
        shown = [s or vocab.UNKNOWN_STATUS for s in shown]
        for status, n in pd.Series(shown).value_counts().items():
            rows.append({"年份": year, "状态": status, "项目数": int(n)})
    return pd.DataFrame(rows)


def _counted(filtered: pd.DataFrame, last_year: int, table: pd.DataFrame) -> pd.DataFrame | None:
    """:func:`status_years_frame` from the catalog's table; None if it lacks a year."""
    if not table.index.is_unique:
        return None
    rows = table.reindex(pd.Index(filtered["id"]))
    if rows["first_dated"].isna().all():
        return pd.DataFrame(columns=["年份", "状态", "项目数"])
    first = int(rows["first_dated"].min())
    years = range(first, max(last_year, first) + 1)
    if rows.index.hasnans or any(y not in table.columns for y in years):
        return None
    counts = [
        {"年份": year, "状态": status, "项目数": int(n)}
        for year in years
        for status, n in rows[year].value_counts().items()
    ]
    return pd.DataFrame(counts)


def _years(history: list) -> list[int]:
    return [
        e["year"]
        for e in history
        if isinstance(e, Mapping) and isinstance(e.get("year"), int) and e.get("status")
    ]


def axis_top(tallest: float) -> int:
    """Where a count axis ends: a round number at least a tenth above the tallest bar, so the
    bar does not reach the chart's top edge (Vega ended the axis at 500 under a bar of 520).

    >>> axis_top(520), axis_top(1100), axis_top(240), axis_top(9), axis_top(1), axis_top(0)
    (600, 1400, 300, 10, 2, 1)
    """
    want = max(tallest * 1.1, tallest + 1)
    magnitude = 10 ** math.floor(math.log10(want))
    # Rounded up by a whole, a half or a fifth of the leading digit's place: close above the bar.
    share = 1 if want >= 5 * magnitude else 0.5 if want >= 2 * magnitude else 0.2
    step = magnitude * share
    return max(1, math.ceil(math.ceil(want / step) * step))


def _tallest_stack(counts: pd.DataFrame, by: str) -> int:
    """The most projects one stacked bar (one ``by`` value) holds."""
    return int(counts.groupby(by)["项目数"].sum().max()) if len(counts) else 0


def _counts_up(tallest: int) -> alt.Y:
    """The count axis of upright bars, ending at :func:`axis_top` of the tallest bar."""
    return alt.Y("项目数:Q", scale=alt.Scale(domain=[0, axis_top(tallest)], nice=False))


def status_years_chart(frame: pd.DataFrame) -> alt.Chart:
    """Stacked bars per year, coloured by status, with room above the tallest year."""
    frame = frame.assign(序=frame["状态"].map(vocab.ALL_STATUSES.index))
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("年份:O", axis=alt.Axis(labelAngle=0)),
            y=_counts_up(_tallest_stack(frame, "年份")),
            color=alt.Color(
                "状态:N",
                scale=alt.Scale(
                    domain=list(vocab.ALL_STATUSES),
                    range=[vocab.STATUS_COLOURS[s] for s in vocab.ALL_STATUSES],
                ),
            ),
            order=alt.Order("序:Q"),
            tooltip=_tips("年份", "状态", "项目数"),
        )
    )


def progress_chart(filtered: pd.DataFrame, column: str, label: str) -> alt.Chart:
    """Stacked bars: projects per sector or zone (vocabulary order; projects with no zone left
    out, as on the zone chart) and progress warning (超前 … 未知, warning colours)."""
    order = vocab.SECTORS if column == "sector" else vocab.ALL_ZONES
    rows = filtered.dropna(subset=[column])
    counts = (
        rows.groupby([column, "progress_shown"]).size().rename("项目数").reset_index()
    ).rename(columns={column: label, "progress_shown": "进度预警"})
    counts["序"] = counts["进度预警"].map(PROGRESS.index)
    shown = [k for k in order if k in set(counts[label])]
    chart = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            **_bars(label, shown, across=column == "zone", tallest=_tallest_stack(counts, label)),
            color=alt.Color(
                "进度预警:N",
                scale=alt.Scale(
                    domain=list(PROGRESS), range=[PROGRESS_COLOURS[p] for p in PROGRESS]
                ),
            ),
            order=alt.Order("序:Q"),
            tooltip=_tips(label, "进度预警", "项目数"),
        )
    )
    if column == "zone":
        return chart
    return _fit_legend(chart, len(shown), len(PROGRESS))


def _tips(*fields: str) -> list[alt.Tooltip]:
    """Tooltip channels as objects: altair turns a bare field name into one through a schema
    lookup that costs a few milliseconds per name on every rerun."""
    return [alt.Tooltip(f) for f in fields]


def _bars(label: str, order: list[str], *, across: bool, tallest: int) -> dict[str, Any]:
    """Category and count channels: upright bars for a few short labels (zones), lying bars
    for many (sectors), so every label reads horizontally."""
    if across:
        return {
            "x": alt.X(f"{label}:N", sort=order, axis=alt.Axis(labelAngle=0)),
            "y": _counts_up(tallest),
        }
    return {
        "y": alt.Y(f"{label}:N", sort=order, axis=alt.Axis(title=None, labelLimit=120)),
        "x": alt.X("项目数:Q", title="项目数"),
    }


def render(
    filtered: pd.DataFrame, years_table: Callable[[int], pd.DataFrame] | None = None
) -> None:
    """The charts for the filtered projects; a click on a bar or legend entry filters by it.

    ``years_table``: the catalog's ``filters.status_by_year`` for a last year, if the page
    keeps it (per catalog version), for the per-year chart."""
    _widen_buttons()
    left, right = st.columns(2)
    with left:
        st.subheader("按领域与状态")
        st.caption("点击柱子按领域筛选，点击图例中的状态按状态筛选。")
        _clicked(
            st.altair_chart(
                _spoken(sector_chart(filtered), "按领域与状态统计的项目数条形图"),
                key=_key("chart-sector"),
                on_select="rerun",
                width="stretch",
            )
        )
    with right:
        st.subheader("按片区")
        st.caption(ZONE_NOTE)
        _clicked(
            st.altair_chart(
                _spoken(zone_chart(filtered), "按片区统计的项目数条形图"),
                key=_key("chart-zone"),
                on_select="rerun",
                width="stretch",
            )
        )
        unzoned = int(filtered["zone"].isna().sum())
        if unzoned:
            st.caption(f"另有 {unzoned} 个项目尚未确定片区，未计入此图。")
    st.subheader("各年状态（按状态沿革）")
    last_year = int(st.session_state.get(sidebar.K_AS_OF) or clock.today().year)
    table = years_table(last_year) if years_table is not None else None
    frame = status_years_frame(filtered, last_year, table)
    if frame.empty:
        st.caption("当前筛选结果中的项目没有状态沿革。")
    else:
        st.caption(
            f"每年年末各状态的项目数，至“状态截至”的 {last_year} 年；依据规划文件中的状态记载"
            "与人工修改记录，某年文件尚未提及的项目不计入该年。"
        )
        st.altair_chart(
            _spoken(status_years_chart(frame), "各年年末按状态统计的项目数条形图"), width="stretch"
        )
    if "progress_shown" not in filtered:
        return
    left, right = st.columns(2)
    for column, label, box in (("sector", "领域", left), ("zone", "片区", right)):
        with box:
            st.subheader(f"进度预警：按{label}")
            chart = progress_chart(filtered, column, label)
            st.altair_chart(_spoken(chart, f"按{label}统计的进度预警项目数条形图"), width="stretch")
    unzoned = int(filtered["zone"].isna().sum())
    if unzoned:
        st.caption(f"按片区的进度预警图未计入尚未确定片区的 {unzoned} 个项目。")
