"""Excel workbooks (XLSX, openpyxl) both ways: what planners open in Excel or WPS as a real table.

Sheets: 项目 (one row per project, Chinese headers, typed cells, geometry as WKT), 状态沿革 (one
row per dated status mention), 来源 (one row per source line) and 说明 (what the file is: scope,
count, CRS, catalog version). Every text cell is stored as text (never a formula) and styled with
Excel's quote prefix, so ``=HYPERLINK(...)`` shows as the text it is and stays so after editing.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import shapely

from geo.exchange.cells import FORMULA_STARTS
from geo.exchange.formats import (
    CRSS,
    DEGREE_DECIMALS,
    EXPORT_FIELDS,
    LABEL_FIELDS,
    LIST_FIELDS,
    METRE_DECIMALS,
)
from projects import clock, filters, vocab

if TYPE_CHECKING:
    from openpyxl import Workbook

#: Sheet names (the reader finds the projects by the first).
PROJECTS_SHEET, HISTORY_SHEET, SOURCES_SHEET, ABOUT_SHEET = "项目", "状态沿革", "来源", "说明"

#: The 说明 row that names the CRS code (read back by the import).
CRS_ROW = "坐标系代码"

#: Fields of the 项目 sheet: every field except the two that get sheets of their own.
PROJECT_FIELDS = tuple(f for f in EXPORT_FIELDS if f not in ("status_history", "sources"))

_HISTORY_COLUMNS = ("编号", "名称", "日期", "年份", "状态", "原文", "文件", "行号", "部分")
_SOURCE_COLUMNS = ("编号", "名称", "文件", "章节", "行号", "原文形式")


#: What the 说明 sheet says about the code columns (each has its label right after it).
_CODES_NOTE = (
    "、".join(EXPORT_FIELDS[f][2] for f in LABEL_FIELDS)
    + " 列为系统代码（供 GIS 软件与程序使用），紧随其后的一列为其中文说明（"
    + "、".join(EXPORT_FIELDS[f][2] for f in LABEL_FIELDS.values())
    + "）。"
)


#: The link parameters of a filter (``projects.filters``) as a person names them.
_FILTER_LABELS = {
    filters.P_SECTOR: "领域",
    filters.P_STATUS: "状态",
    filters.P_ZONE: "片区",
    filters.P_YEARS: "年份范围",
    filters.P_TEXT: "搜索",
    filters.P_PROGRESS: "进度预警",
    filters.P_AS_OF: "状态截至",
}


def filter_words(scope: dict[str, Any]) -> str:
    """The filter an export was made with, in words (a link's ``sector=交通`` reads 领域：交通);
    an unchanged filter says so, since its zones leave 区外 out.

    >>> filter_words({"kind": "filter", "query": {"sector": "交通,产业", "asof": "2023"}})
    '领域：交通、产业；状态截至：2023 年底；片区：默认（不含区外）'
    >>> filter_words({"kind": "all"})
    ''
    """
    if scope.get("kind") != "filter":
        return ""
    query = dict(scope.get("query") or {})
    words = []
    for key, value in query.items():
        text = str(value)
        if key == filters.P_ZONE:
            text = "全部（含区外）" if text == "*" else text
        elif key == filters.P_AS_OF:
            text = f"{text} 年底"
        elif key == filters.P_YEARS:
            text = text.replace("-", "–")
        words.append(f"{_FILTER_LABELS.get(key, key)}：{text.replace(',', '、')}")
    if filters.P_ZONE not in query:
        words.append("片区：默认（不含区外）")
    return "；".join(words)


def _put(ws: Any, row: int, column: int, value: Any) -> None:
    """One cell; text is always text (a leading = + - @ never makes a formula)."""
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list[Any]]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    for c, text in enumerate(header, start=1):
        _put(ws, 1, c, text)
        ws.cell(row=1, column=c).font = Font(bold=True)
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            _put(ws, r, c, value)
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    for c, text in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(c)].width = max(8, min(40, 2 * len(text) + 4))


def _cell_value(field: str, value: Any) -> Any:
    """A project value as an Excel cell: lists joined by 、 (the import splits them again),
    true/false as 是/否, the modification time as a China-time date-time, the rest typed as
    it is."""
    if field in LIST_FIELDS:
        return "、".join(str(v) for v in value) if value else None
    if isinstance(value, bool):  # read back by the import, which takes 是 for true
        return yes_no(value)
    if field == "updated_at" and value:
        when = datetime.fromisoformat(str(value))
        if when.tzinfo is not None:
            when = when.astimezone(clock.CHINA).replace(tzinfo=None)
        return when
    return value


def yes_no(value: bool) -> str:
    """A true/false value as a person reads it in a table (the import reads 是 as true)."""
    return "是" if value else "否"


def history_date(text: Any) -> Any:
    """A status mention's date as an Excel cell: a full date (2023-05-12) as a real date, which
    sorts and filters as one; a year or a month alone (2021, 2021-06) stays the text it is, as
    a date would invent the day.

    >>> history_date("2023-05-12"), history_date("2021"), history_date(None)
    (datetime.date(2023, 5, 12), '2021', None)
    """
    if isinstance(text, str) and _FULL_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:  # 2023-02-30: not a day, kept as written
            return text
    return text


_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _wkt(geom: shapely.Geometry | None, crs: str) -> str | None:
    if geom is None:
        return None
    decimals = METRE_DECIMALS if CRSS[crs].projected else DEGREE_DECIMALS
    return shapely.to_wkt(geom, rounding_precision=decimals, trim=True)


def _geometry_words(meta: dict[str, Any]) -> str:
    """What the WKT column holds, as the export drew the projects placed by a place: empty
    (their place in 所在地名), or their place's representative point when asked for."""
    if (meta.get("geometry") or {}).get("mode") == "representative":
        return (
            "WKT 列；按地名定位的项目画在所在地名（见“所在地名”列）的代表点上，“几何来源说明”"
            "注明“所在地名的代表点”，那不是项目自身的位置；没有位置的项目该列为空"
        )
    return "WKT 列；按地名定位的项目（所在地名见“所在地名”列）和没有位置的项目该列为空"


def _doc_title(file: Any) -> str:
    doc = vocab.DOCUMENTS_BY_FILE.get(file)
    return doc.title if doc else str(file or "")


def write_xlsx(records, geometries, crs, meta, notes, split, **_) -> tuple[bytes, str]:
    """The workbook's bytes: projects, status history, sources and a 说明 sheet."""
    # openpyxl is imported when a workbook is made or read, not with the page that offers it
    # (about 0.15 s of every server's start, before the first page can draw its map).
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    header = [EXPORT_FIELDS[f][2] for f in PROJECT_FIELDS] + ["WKT"]
    rows = [
        [_cell_value(f, r[f]) for f in PROJECT_FIELDS] + [_wkt(g, crs)]
        for r, g in zip(records, geometries, strict=True)
    ]
    _sheet(wb, PROJECTS_SHEET, header, rows)
    ws = wb[PROJECTS_SHEET]
    when = PROJECT_FIELDS.index("updated_at") + 1
    for r in range(2, len(rows) + 2):
        ws.cell(row=r, column=when).number_format = "yyyy-mm-dd hh:mm:ss"
    history = [
        [
            r["id"],
            r["name"],
            history_date(e.get("date")),
            e.get("year"),
            e.get("status"),
            e.get("cue"),
            _doc_title(e.get("doc")),
            e.get("line"),
            vocab.PART_LABELS.get(e.get("part") or "", e.get("part")),
        ]
        for r in records
        for e in r["status_history"]
        if isinstance(e, dict)
    ]
    _sheet(wb, HISTORY_SHEET, list(_HISTORY_COLUMNS), history)
    day = _HISTORY_COLUMNS.index("日期") + 1
    for r, row in enumerate(history, start=2):
        if isinstance(row[day - 1], date):
            wb[HISTORY_SHEET].cell(row=r, column=day).number_format = "yyyy-mm-dd"
    sources = [
        [
            r["id"],
            r["name"],
            _doc_title(s.get("doc")),
            s.get("section"),
            s.get("line"),
            s.get("form"),
        ]
        for r in records
        for s in r["sources"]
        if isinstance(s, dict)
    ]
    _sheet(wb, SOURCES_SHEET, list(_SOURCE_COLUMNS), sources)
    scope = "全部项目" if meta["scope"].get("kind") == "all" else "当前筛选"
    about = [
        ["标题", meta["title"]],
        ["导出时间（UTC）", meta["exported_at"]],
        ["时间", "“修改时间”列为北京时间（UTC+8）；导出时间为 UTC（协调世界时）"],
        ["范围", scope],
        ["筛选条件", filter_words(meta["scope"]) or "无"],
        ["项目数", meta["count"]],
        [CRS_ROW, crs],
        ["坐标系", meta["crs"]["label"]],
        ["坐标系说明", meta["crs"]["note"]],
        ["项目库版本", meta.get("catalog_version")],
        ["几何", _geometry_words(meta)],
        ["代码与说明", _CODES_NOTE],
        *[["注意", n] for n in notes],
    ]
    _sheet(wb, ABOUT_SHEET, ["项目", "内容"], about)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), ".xlsx"


def read_xlsx(data: bytes) -> tuple[list[str], list[list[Any]], str | None]:
    """The 项目 sheet (or the first sheet) as header and rows of cell values, and the CRS code
    its 说明 sheet names (None where there is none)."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    ws = wb[PROJECTS_SHEET] if PROJECTS_SHEET in wb.sheetnames else wb.worksheets[0]
    values = [list(row) for row in ws.iter_rows(values_only=True)]
    crs = None
    if ABOUT_SHEET in wb.sheetnames:
        for row in wb[ABOUT_SHEET].iter_rows(values_only=True):
            if row and row[0] == CRS_ROW and len(row) > 1:
                crs = str(row[1])
    wb.close()
    if not values:
        return [], [], crs
    header = ["" if h is None else str(h).strip() for h in values[0]]
    return header, [r for r in values[1:] if any(v is not None for v in r)], crs
