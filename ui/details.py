"""The details panel of the selected project: every field as text, every source as a document line."""

from __future__ import annotations

import string
from typing import Any

import pandas as pd
import streamlit as st

from geo import mapview
from projects import vocab

_PUNCTUATION = set(string.punctuation)


def md_text(value: Any) -> str:
    r"""``value`` as literal Markdown text: every ASCII punctuation mark backslash-escaped.

    So a name like ``<img src=x onerror=alert(1)>`` or ``**x**`` shows exactly as typed.

    >>> print(md_text("<b>*x*</b>"))
    \<b\>\*x\*\<\/b\>
    """
    text = "" if value is None else str(value)
    return "".join("\\" + ch if ch in _PUNCTUATION else ch for ch in text).replace("\n", " ")


def present(value: Any, missing: str = "未注明") -> Any:
    """``value``, or ``missing`` where it is None, NaN or empty."""
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return missing
    return value


def precision_label(precision: str | None) -> str:
    """Chinese label of a precision class."""
    return mapview.PRECISION_LABELS.get(precision or "none", mapview.PRECISION_LABELS["none"])


def source_lines(sources: Any) -> list[str]:
    """One line per source: document title, section and line number."""
    lines = []
    for src in sources if isinstance(sources, list) else []:
        if not isinstance(src, dict):
            continue
        doc = vocab.DOCUMENTS_BY_FILE.get(src.get("doc"))
        title = doc.title if doc else str(src.get("doc") or "未知文件")
        lines.append(f"《{title}》 {src.get('section') or ''} 第 {src.get('line')} 行".strip())
    return lines


def history_lines(history: Any) -> list[str]:
    """One line per status-history entry: year, status, document and line."""
    lines = []
    for entry in history if isinstance(history, list) else []:
        if not isinstance(entry, dict):
            continue
        doc = vocab.DOCUMENTS_BY_FILE.get(entry.get("doc"))
        where = f"《{doc.title}》第 {entry.get('line')} 行" if doc else ""
        year = entry.get("year") or entry.get("date") or "?"
        lines.append(f"{year} 年：{entry.get('status')} {where}".strip())
    return lines


def render(record: pd.Series | None, shown_status: str | None) -> None:
    """Draw the panel for ``record`` (a catalog row), or a hint when nothing is selected."""
    st.subheader("项目详情")
    if record is None:
        st.caption("点击地图上的项目、在表格中选择一行，或在侧栏“定位项目”中选择，即可查看详情。")
        return
    years = "–".join(str(int(y)) for y in (record["start_year"], record["end_year"]) if pd.notna(y))
    rows = [
        ("名称", record["name"]),
        (
            "别名",
            "、".join(record["aliases"])
            if isinstance(record["aliases"], list) and record["aliases"]
            else "无",
        ),
        ("领域", present(record["sector"])),
        (
            "状态",
            f"{record['status']}"
            + (
                f"（所选年份末：{shown_status}）"
                if shown_status and shown_status != record["status"]
                else ""
            ),
        ),
        ("年份", years or "未注明"),
        ("片区", present(record["zone"], "未定")),
        ("定位精度", precision_label(record["precision"])),
        ("定位依据", present(record.get("geo_basis"))),
        ("牵头部门", present(record["lead_dept"])),
        ("编号", record["id"]),
    ]
    st.markdown("\n".join(f"- **{label}**：{md_text(value)}" for label, value in rows))
    history = history_lines(record["status_history"])
    if history:
        st.markdown("**状态沿革**\n" + "\n".join(f"- {md_text(h)}" for h in history))
    sources = source_lines(record["sources"])
    st.markdown(
        "**来源**\n" + ("\n".join(f"- {md_text(s)}" for s in sources) if sources else "- 无")
    )
