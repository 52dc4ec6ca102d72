"""A one-page 项目清单 (project list) of the filtered table as PDF, beside the printed map.

One page on purpose (it goes with the map sheet): when the filter selects more projects than fit,
the page lists the first ones and says how many are left out and where to get them all.
"""

from __future__ import annotations

import io
from datetime import date

import matplotlib
import pandas as pd

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from geo.printmap.fonts import cjk_font  # noqa: E402
from geo.printmap.paper import MM, Sheet  # noqa: E402
from projects import vocab  # noqa: E402

#: Columns: (header, width share, how a row's value is shown).
COLUMNS = (
    ("序号", 0.06),
    ("名称", 0.40),
    ("领域", 0.11),
    ("状态", 0.07),
    ("年份", 0.12),
    ("片区", 0.07),
    ("定位精度", 0.17),
)
ROW_MM = 4.2
NAME_CHARS = 30


def _cells(i: int, row: pd.Series) -> list[str]:
    years = "–".join(
        str(int(y)) for y in (row.get("start_year"), row.get("end_year")) if pd.notna(y)
    )
    name = str(row.get("name") or "")
    return [
        str(i),
        name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1] + "…",
        str(row.get("sector") or "—"),
        str(row.get("status_shown") or row.get("status") or "—"),
        years or "—",
        str(row.get("zone") or "—") if pd.notna(row.get("zone")) else "—",
        vocab.PRECISION_LABELS.get(row.get("precision"), "—"),
    ]


def render_list(projects: pd.DataFrame, sheet: Sheet) -> bytes:
    """The filtered projects as a one-page PDF table, with the filters and date on top."""
    width_mm, height_mm = sheet.size_mm()
    fig = plt.figure(figsize=(width_mm * MM, height_mm * MM))
    left, right, top = 12 / width_mm, 1 - 12 / width_mm, 1 - 12 / height_mm
    fig.text(
        0.5,
        top - 5 / height_mm,
        f"{sheet.title} · 项目清单",
        ha="center",
        va="center",
        fontproperties=cjk_font(15, "bold"),
    )
    today = sheet.on or date.today()
    fig.text(
        0.5,
        top - 13 / height_mm,
        f"筛选条件：{sheet.filters_text or '全部'}    制表日期：{today.isoformat()}",
        ha="center",
        va="center",
        fontproperties=cjk_font(7.5),
        wrap=True,
    )
    first_row = top - 24 / height_mm
    bottom = 20 / height_mm
    fits = int((first_row - bottom) / (ROW_MM / height_mm)) - 1
    shown = projects.head(fits)
    xs, x = [], left
    for _, share in COLUMNS:
        xs.append(x)
        x += share * (right - left)
    y = first_row
    for (header, _), cx in zip(COLUMNS, xs, strict=True):
        fig.text(cx, y, header, va="top", fontproperties=cjk_font(7.5, "bold"))
    fig.add_artist(
        plt.Line2D([left, right], [y - 3.6 / height_mm] * 2, color="#333333", linewidth=0.6)
    )
    for i, (_, row) in enumerate(shown.iterrows(), start=1):
        y -= ROW_MM / height_mm
        for cell, cx in zip(_cells(i, row), xs, strict=True):
            fig.text(cx, y, cell, va="top", fontproperties=cjk_font(6.8))
    left_out = len(projects) - len(shown)
    summary = f"共 {len(projects)} 个项目。"
    if left_out:
        summary += (
            f"本页列出前 {len(shown)} 个，其余 {left_out} 个未列出：完整清单请用侧栏「导出」"
            "生成 CSV 或表格文件。"
        )
    fig.text(left, 12 / height_mm, summary, va="top", fontproperties=cjk_font(7.5))
    out = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 42}):
        fig.savefig(out, format="pdf")
    plt.close(fig)
    return out.getvalue()
