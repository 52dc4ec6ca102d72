"""Below the map: the filtered table (row selection selects on the map) and the unplaced list."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from projects import vocab
from projects.progress import PROGRESS, PROGRESS_COLOURS
from ui.details import precision_label

K_UNPLACED = "unplaced_table"
K_TABLE = "project_table"
#: Shown in empty cells (a missing year or department), instead of the grid's default "None".
MISSING = "—"
_COLUMNS = {
    "name": "名称",
    "sector": "领域",
    "status_shown": "状态",
    "progress_shown": "进度预警",
    "start_year": "起始年",
    "end_year": "结束年",
    "zone": "片区",
    "precision_label": "定位精度",
    "lead_dept": "牵头部门",
}


def table_frame(filtered: pd.DataFrame) -> pd.DataFrame:
    """The table's columns, Chinese headers, one row per filtered project (plain text only).

    Vocabulary columns are categoricals in vocabulary order (they sort by life cycle, and
    they travel dictionary-encoded: about half the bytes at 10 000 rows). Missing values stay
    missing (not the text "None"): the grid shows them as :data:`MISSING`.
    """
    precision = [precision_label(p) for p in filtered["precision"]]
    frame = pd.DataFrame(
        {
            "name": filtered["name"].astype("string").array,
            "sector": pd.Categorical(filtered["sector"], categories=vocab.SECTORS),
            "status_shown": pd.Categorical(filtered["status_shown"], categories=vocab.ALL_STATUSES),
            "progress_shown": _progress_column(filtered),
            "start_year": pd.to_numeric(filtered["start_year"], errors="coerce")
            .astype("Int16")
            .to_numpy(),
            "end_year": pd.to_numeric(filtered["end_year"], errors="coerce")
            .astype("Int16")
            .to_numpy(),
            "zone": pd.Categorical(filtered["zone"], categories=vocab.ALL_ZONES),
            "precision_label": pd.Categorical(precision),
            "lead_dept": pd.Categorical(filtered["lead_dept"]),
        }
    )
    return frame.rename(columns=_COLUMNS)


def _progress_column(filtered: pd.DataFrame) -> pd.Categorical:
    values = filtered["progress_shown"] if "progress_shown" in filtered else [None] * len(filtered)
    return pd.Categorical(values, categories=PROGRESS)


def render_progress_charts(filtered: pd.DataFrame) -> None:
    """Progress warnings counted by sector and by zone (stacked, warning colours)."""
    if "progress_shown" not in filtered or filtered.empty:
        return
    left, right = st.columns(2)
    for column, title, order, label, box in (
        ("sector", "进度预警：按领域", vocab.SECTORS, "领域", left),
        ("zone", "进度预警：按片区", (*vocab.ALL_ZONES, "未定"), "片区", right),
    ):
        with box:
            st.subheader(title)
            keys = filtered[column].fillna("未定")
            shown = set(filtered["progress_shown"])
            pivot = (
                pd.crosstab(keys, filtered["progress_shown"])
                .reindex(index=[k for k in order if k in set(keys)])
                .reindex(columns=[p for p in PROGRESS if p in shown])
                .fillna(0)
            )
            st.bar_chart(
                pivot,
                color=[PROGRESS_COLOURS[p] for p in pivot.columns],
                x_label=label,
                y_label="项目数",
            )


def _pick_row(rows: pd.DataFrame, key: str, columns: list[str] | None = None, **size) -> str | None:
    """A sortable table whose row click selects; returns the id of the chosen row, if any."""
    frame = table_frame(rows)
    event = st.dataframe(
        frame if columns is None else frame[columns],
        key=key,
        on_select="rerun",
        selection_mode="single-row",
        hide_index=True,
        width="stretch",
        placeholder=MISSING,
        **size,
    )
    chosen = event.selection.rows if event is not None else []
    if chosen and chosen[0] < len(frame):  # positions in ``rows``, whatever the sort on screen
        return str(rows["id"].iloc[chosen[0]])
    return None


def render_table(filtered: pd.DataFrame) -> str | None:
    """Draw the sortable table; return the id of the row the user selected, if any."""
    st.subheader("项目列表")
    return _pick_row(filtered, K_TABLE, height=320)


def render_unplaced(filtered: pd.DataFrame, undrawn: set[str]) -> str | None:
    """The filtered projects that have no position on the map; a row click opens its details."""
    missing = filtered[filtered["id"].isin(undrawn)]
    st.subheader(f"未上图的项目（{len(missing)}）")
    st.caption(
        "没有位置，或只知道在区内的项目不画在地图上（画在区中心会误导），列在这里；"
        "点击一行即可查看详情。"
    )
    if missing.empty:
        st.caption("当前筛选结果中的项目都已上图。")
        return None
    return _pick_row(missing, K_UNPLACED, ["名称", "领域", "状态", "片区", "定位精度"])
