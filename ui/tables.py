"""Below the map: the filtered table (row selection selects on the map) and the unplaced list,
each sent one page at a time."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from projects import vocab
from projects.progress import PROGRESS
from ui.details import precision_label

K_UNPLACED = "unplaced_table"
K_TABLE = "project_table"
#: Rows sent to the browser at a time (the rest of the filtered set stays on the server).
PAGE_SIZE = 100
#: The table's orders across pages: "column:asc|desc" -> what the person reads.
ORDERS = {
    "": "默认顺序",
    "sector:asc": "按领域",
    "status_shown:asc": "按状态",
    "progress_shown:asc": "按进度预警",
    "start_year:asc": "起始年：早→晚",
    "start_year:desc": "起始年：晚→早",
    "end_year:asc": "结束年：早→晚",
    "end_year:desc": "结束年：晚→早",
    "zone:asc": "按片区",
}
_VOCAB_ORDER = {
    "sector": vocab.SECTORS,
    "status_shown": vocab.ALL_STATUSES,
    "progress_shown": PROGRESS,
    "zone": vocab.ALL_ZONES,
}
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


def _sorted(rows: pd.DataFrame, order: str) -> pd.DataFrame:
    """``rows`` in the chosen order (vocabulary columns by vocabulary, missing years last)."""
    column, _, direction = order.partition(":")
    if column not in rows:
        return rows
    values = rows[column]
    if column in _VOCAB_ORDER:
        keys = pd.Series(pd.Categorical(values, categories=_VOCAB_ORDER[column]).codes)
        keys = keys.where(keys >= 0, len(_VOCAB_ORDER[column]))
    elif column == "name":
        keys = values.astype("string").fillna("")
    else:
        keys = pd.to_numeric(values, errors="coerce")
    keys.index = rows.index
    ordered = keys.sort_values(ascending=direction != "desc", kind="stable", na_position="last")
    return rows.loc[ordered.index]


def _page(rows: pd.DataFrame, key: str) -> tuple[pd.DataFrame, int, int, str]:
    """(this page's rows, page number, page count, a tag that changes with the rows shown).

    The page number lives in the session and goes back to 1 when the filtered set changes.
    """
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    signature = f"{len(rows)}-{int(pd.util.hash_pandas_object(rows['id'], index=False).sum())}"
    state = st.session_state.setdefault(f"{key}_pager", {"rows": signature, "page": 1})
    if state["rows"] != signature:
        state.update(rows=signature, page=1)
    state["page"] = page = min(max(1, state["page"]), pages)
    start = (page - 1) * PAGE_SIZE
    return rows.iloc[start : start + PAGE_SIZE], page, pages, f"{signature}-{page}"


def _turn(key: str, step: int) -> None:
    st.session_state[f"{key}_pager"]["page"] += step


def _pager(key: str, page: int, pages: int, total: int) -> None:
    """上一页 / 第 N / M 页 / 下一页, and how many rows the filter gave."""
    back, where, forward = st.columns([1, 3, 1], vertical_alignment="center")
    back.button(
        "上一页",
        key=f"{key}_back",
        disabled=page <= 1,
        on_click=_turn,
        args=(key, -1),
        width="stretch",
    )
    where.markdown(
        f"<div style='text-align:center'>第 {page} / {pages} 页 · 共 {total} 行"
        f"（每页 {PAGE_SIZE} 行）</div>",
        unsafe_allow_html=True,
    )
    forward.button(
        "下一页",
        key=f"{key}_forward",
        disabled=page >= pages,
        on_click=_turn,
        args=(key, 1),
        width="stretch",
    )


def _ticked(widget: str, page_rows: pd.DataFrame) -> str | None:
    """The id of the row ticked in table ``widget`` as the page last drew it, if any."""
    state = st.session_state.get(widget)
    chosen = state.get("selection", {}).get("rows", []) if isinstance(state, dict) else []
    return str(page_rows["id"].iloc[chosen[0]]) if chosen and chosen[0] < len(page_rows) else None


def _pick_row(
    rows: pd.DataFrame,
    key: str,
    columns: list[str] | None = None,
    *,
    order: str = "",
    selected: str | None = None,
    **size,
) -> str | None:
    """One page of a table whose row click selects; returns the id of the chosen row, if any.

    Only the page's rows are encoded and sent, so a filter change costs the same whatever the
    filtered set's size. Clicking a header sorts the page; the order across pages is ``order``.
    A row ticked here and since replaced by a choice elsewhere (``selected``: the map, the
    picker, the other table) is unticked: its tick said the wrong project, and a click on it
    only took the tick away, so choosing it again took two clicks.
    """
    page_rows, page, pages, tag = _page(_sorted(rows, order) if order else rows, key)
    frame = table_frame(page_rows)
    fresh = st.session_state.setdefault(f"{key}_fresh", 0)
    widget = f"{key}-{tag}-{order}-{fresh}"  # a new page or order starts with nothing selected
    ticked = _ticked(widget, page_rows)
    if (
        selected is not None
        and ticked is not None
        and ticked != selected
        and ticked == st.session_state.get(f"{key}_reported")
    ):
        st.session_state[f"{key}_fresh"] = fresh = fresh + 1
        widget = f"{key}-{tag}-{order}-{fresh}"
    event = st.dataframe(
        frame if columns is None else frame[columns],
        key=widget,
        on_select="rerun",
        selection_mode="single-row",
        hide_index=True,
        width="stretch",
        placeholder=MISSING,
        **size,
    )
    if pages > 1:
        _pager(key, page, pages, len(rows))
    chosen = event.selection.rows if event is not None else []
    picked = None
    if chosen and chosen[0] < len(frame):  # positions in ``page_rows``, whatever the sort
        picked = str(page_rows["id"].iloc[chosen[0]])
    st.session_state[f"{key}_reported"] = picked
    return picked


def render_table(filtered: pd.DataFrame, selected: str | None = None) -> str | None:
    """Draw the table one page at a time; return the id of the row the user selected, if any.
    ``selected``: the project chosen now, wherever it was chosen."""
    head, sort = st.columns([3, 1], vertical_alignment="bottom")
    head.subheader("项目列表")
    order = sort.selectbox(
        "排序",
        list(ORDERS),
        format_func=lambda o: f"排序：{ORDERS[o]}",
        key=f"{K_TABLE}_order",
        label_visibility="collapsed",
        placeholder="请选择",
    )
    return _pick_row(filtered, K_TABLE, order=order, selected=selected, height=320)


def render_unplaced(
    filtered: pd.DataFrame, undrawn: set[str], selected: str | None = None
) -> str | None:
    """The filtered projects that have no position on the map; a row click opens its details."""
    missing = filtered[filtered["id"].isin(undrawn)]
    st.subheader(f"未上图的项目（{len(missing)}）")
    st.caption(
        "没有位置、只知道在区内或只知道在哪个片区的项目不画在地图上（画在区或片区中心会误导；"
        "地图上的片区标注和“仅知在区内”框只写个数），列在这里；点击一行即可查看详情。"
    )
    if missing.empty:
        st.caption("当前筛选结果中的项目都已上图。")
        return None
    columns = ["名称", "领域", "状态", "片区", "定位精度"]
    return _pick_row(missing, K_UNPLACED, columns, selected=selected)
