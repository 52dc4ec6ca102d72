"""The 项目清单 (project list) of the filtered table as PDF, to go with a printed map sheet.

Every filtered project is listed, in the table's order, over as many pages as it takes: the
title, filters and date on the first page, the header row on every page, 「第 k / n 页」 at the
foot. The 「图上位置」 column says where each project is on the map sheet of the same paper,
orientation and view (:func:`geo.printmap.placing.places`, from the plan the sheet is drawn by):
the letter of the circle it shares, 图中, 图外 or 未画出 and why. A last section lists each
letter's projects by their numbers, as the sheet's index would if it had room.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import matplotlib
import pandas as pd

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import shapely  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402

from geo.printmap import crowds, fonts, placing  # noqa: E402
from geo.printmap.paper import MM, ORIENTATIONS, Sheet  # noqa: E402
from geo.printmap.words import extent_words  # noqa: E402
from projects import vocab  # noqa: E402

#: Columns: (header, width share).
COLUMNS = (
    ("序号", 0.05),
    ("名称", 0.37),
    ("领域", 0.11),
    ("状态", 0.06),
    ("年份", 0.10),
    ("片区", 0.05),
    ("定位精度", 0.10),
    (placing.PLACE_COLUMN, 0.16),
)
#: Row pitch, type sizes (points) and the page's margin, millimetres.
ROW_MM, CELL_PT, HEAD_PT, MARGIN_MM = 4.2, 6.8, 7.5, 12.0
#: Where the header row stands below the top margin on a page after the first (under a running
#: title; on the first, under the title, the filters and the summary: :func:`_opening`).
NEXT_HEAD_MM = 10.0
#: Room kept at the foot for the page number.
FOOT_MM = 10.0
EM_MM = CELL_PT * 25.4 / 72


@dataclass(frozen=True)
class Line:
    """One line of the list: a table row (``cells``) or a line of text across the page."""

    cells: tuple[str, ...] = ()
    text: str = ""


def _precision(code: object) -> str:
    """The precision class's short name (before its explanation): 精确, 大致, 片区级 …"""
    return vocab.precision_label(code if isinstance(code, str) else None).split("（")[0]


def _clip(text: str, width_em: float) -> str:
    """``text`` cut to ``width_em`` with an ellipsis when it is wider."""
    if crowds.text_width_em(text) <= width_em:
        return text
    return crowds.wrap(text, width_em - 1)[0] + "…"


#: The fields a row shows, in the frame of projects.
FIELDS = ("name", "sector", "status_shown", "status", "start_year", "end_year", "zone", "precision")


def _rows(projects: pd.DataFrame, where: list[str], inner_mm: float) -> list[Line]:
    """One table row per project, in order; each cell cut to its column's width (…)."""
    widths = [share * inner_mm / EM_MM - 0.6 for _, share in COLUMNS]
    fields = [f for f in FIELDS if f in projects.columns]

    def get(row: dict, key: str) -> object:
        value = row.get(key)
        return None if value is None or pd.isna(value) else value

    lines = []
    for i, (row, place) in enumerate(
        zip(projects[fields].to_dict("records"), where, strict=True), start=1
    ):
        cells = (
            str(i),
            str(get(row, "name") or ""),
            str(get(row, "sector") or "—"),
            str(get(row, "status_shown") or get(row, "status") or "—"),
            vocab.year_span(get(row, "start_year"), get(row, "end_year")) or "—",
            str(get(row, "zone") or "—"),
            _precision(get(row, "precision")),
            place,
        )
        lines.append(Line(cells=tuple(_clip(c, w) for c, w in zip(cells, widths, strict=True))))
    return lines


def _letter_lines(where: list[str], width_em: float) -> list[Line]:
    """Each letter's projects by number (序号), in letter order, wrapped to ``width_em``."""
    groups: dict[str, list[int]] = {}
    for i, place in enumerate(where, start=1):
        if _lettered(place):
            groups.setdefault(place, []).append(i)
    if not groups:
        return []
    ordered = sorted(groups, key=lambda k: (len(k), k))
    lines = [Line(), Line(text="图上同一位置的项目（圈旁字母 → 本清单序号）：")]
    for letter in ordered:
        numbers = groups[letter]
        entry = f"{letter}（{len(numbers)} 个）：" + "、".join(map(str, numbers))
        lines += [Line(text=part) for part in crowds.wrap(entry, width_em)]
    return lines


def _lettered(place: str) -> bool:
    """Whether a place (:func:`placing.places`) is a shared spot's letter."""
    return place.isascii() and place.isalpha()


def _summary(
    where: list[str],
    sheet: Sheet,
    view: shapely.Geometry | None,
    extent: tuple[float, float, float, float] | None = None,
) -> str:
    """What page 1 says under the filters: how many are drawn, beyond the frame and not drawn,
    and what the 图上位置 column means, on the map of which ground (``extent``: its frame's
    WGS84 bounds, :attr:`placing.Plan.lonlat`).

    >>> _summary(["A", "A", "图中", "未画出（未定位）"], Sheet(orientation="portrait"), None)[:55]
    '共 4 个项目：图中画出 3 个（其中 2 个合画为 1 个带字母的圆圈），图框以外 0 个，未画出 1 个。'
    >>> _summary([], Sheet(), None)
    '没有符合筛选条件的项目。'
    """
    if not where:
        return "没有符合筛选条件的项目。"
    letters = [w for w in where if _lettered(w)]
    drawn = sum(w == placing.ON_MAP for w in where) + len(letters)
    outside = sum(w == placing.OFF_MAP for w in where)
    shared = (
        f"（其中 {len(letters)} 个合画为 {len(set(letters))} 个带字母的圆圈）" if letters else ""
    )
    scope = "当前地图范围" if view is not None else "全区"
    if extent is not None:
        scope += "；" + extent_words(extent)
    side = ORIENTATIONS.get(sheet.orientation, sheet.orientation)
    return (
        f"共 {len(where)} 个项目：图中画出 {drawn} 个{shared}，图框以外 {outside} 个，"
        f"未画出 {len(where) - drawn - outside} 个。"
        f"「{placing.PLACE_COLUMN}」对应同一纸张、方向与范围（{sheet.paper}{side}，{scope}）的地图："
        "字母为图上圆圈旁的字母（同一位置的项目合画为一个圆圈）；图中＝在图上单独画出；"
        "图外＝有自身位置，但在图框以外；未画出＝只知所在片区、镇街、东/中/西部或区内，或未定位。"
    )


def render_list(
    projects: gpd.GeoDataFrame,
    sheet: Sheet,
    *,
    outline: shapely.Geometry | None = None,
    view: shapely.Geometry | None = None,
) -> bytes:
    """Every filtered project (WGS84, with ``status_shown``) as a PDF table over as many pages
    as it takes, each with its place on the map sheet drawn from the same ``projects``,
    ``outline``, ``sheet`` and ``view`` (:func:`geo.printmap.sheet.render_map`'s arguments)."""
    width_mm, height_mm = sheet.size_mm()
    inner_mm = width_mm - 2 * MARGIN_MM
    laid = placing.plan(projects, outline, sheet, view)
    where = placing.places(projects, laid)
    lines = _rows(projects, where, inner_mm)
    lines += _letter_lines(where, inner_mm / EM_MM - 1)

    today = sheet.on or date.today()
    opening, head = _opening(sheet, today, where, view, laid.lonlat)
    bottom = height_mm - MARGIN_MM - FOOT_MM  # where the rows end, from the top
    first = int((bottom - head) / ROW_MM) - 1
    more = int((bottom - (MARGIN_MM + NEXT_HEAD_MM - ROW_MM)) / ROW_MM) - 1
    pages = [lines[:first]]
    for start in range(first, len(lines), more):
        pages.append(lines[start : start + more])
    drawn = [
        _page(page, k, len(pages), sheet, (opening, head) if k == 1 else None)
        for k, page in enumerate(pages, start=1)
    ]
    out = io.BytesIO()
    title = {"Title": f"{sheet.title} · 项目清单"}
    with tempfile.TemporaryDirectory(prefix="printlist-") as folder:
        # Only the glyphs the pages use: embedding from the whole font cost most of the time.
        used = "".join(word.text for words, _ in drawn for word in words)
        font = str(fonts.cjk_subset(used, Path(folder)))
        sizes = {size: FontProperties(fname=font, size=size) for size in (CELL_PT, HEAD_PT, 15)}
        with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(out, metadata=title) as pdf:
            for words, rule_mm in drawn:
                fig = plt.figure(figsize=(width_mm * MM, height_mm * MM))
                for word in words:
                    fig.text(
                        word.x_mm / width_mm,
                        1 - word.y_mm / height_mm,
                        word.text,
                        ha=word.ha,
                        va=word.va,
                        color=word.colour,
                        fontproperties=sizes[word.size],
                    )
                if rule_mm:  # under the header row
                    y = 1 - rule_mm / height_mm
                    fig.add_artist(
                        plt.Line2D(
                            [MARGIN_MM / width_mm, 1 - MARGIN_MM / width_mm],
                            [y, y],
                            color="#333333",
                            linewidth=0.6,
                        )
                    )
                pdf.savefig(fig)
                plt.close(fig)
    return out.getvalue()


@dataclass(frozen=True)
class Word:
    """A piece of text on a page, ``x_mm`` from the left and ``y_mm`` from the top."""

    x_mm: float
    y_mm: float
    text: str
    size: float = CELL_PT
    ha: str = "left"
    va: str = "top"
    colour: str = "black"


def _opening(
    sheet: Sheet,
    today: date,
    where: list[str],
    view: shapely.Geometry | None,
    extent: tuple[float, float, float, float] | None = None,
) -> tuple[list[Word], float]:
    """The first page's top: the title, the filters and date (a long filter wraps), the summary
    (:func:`_summary`); and where its header row stands below them, from the page's top."""
    width_mm = sheet.size_mm()[0]
    inner_em = (width_mm - 2 * MARGIN_MM) / EM_MM - 1
    words = [Word(width_mm / 2, MARGIN_MM + 5, f"{sheet.title} · 项目清单", 15, "center", "center")]
    said = f"筛选条件：{sheet.filters_text or '全部'}    制表日期：{today.isoformat()}"
    y = MARGIN_MM + 10.7
    for part in crowds.wrap(said, inner_em * CELL_PT / HEAD_PT):
        words.append(Word(width_mm / 2, y, part, HEAD_PT, "center"))
        y += 3.8
    y += 2.5
    for part in crowds.wrap(_summary(where, sheet, view, extent), inner_em):
        words.append(Word(MARGIN_MM, y, part))
        y += 3.6
    return words, y + 4.0


def _page(
    page: list[Line],
    k: int,
    n: int,
    sheet: Sheet,
    opening: tuple[list[Word], float] | None,
) -> tuple[list[Word], float]:
    """Page ``k`` of ``n`` as words: the first with its ``opening`` (:func:`_opening`), the
    others with a running title; the header row where the page holds table rows, the page
    number at the foot. And where the rule under the header row goes (0: none)."""
    width_mm, height_mm = sheet.size_mm()
    left, right = MARGIN_MM, width_mm - MARGIN_MM
    head_rows = any(line.cells for line in page)
    head = opening[1] if opening else MARGIN_MM + NEXT_HEAD_MM - ROW_MM
    words = [
        Word(
            width_mm / 2, height_mm - MARGIN_MM - 2, f"第 {k} / {n} 页", HEAD_PT, "center", "bottom"
        )
    ]
    if opening:
        words += opening[0]
    else:
        words.append(Word(left, MARGIN_MM, f"{sheet.title} · 项目清单（续）", colour="#555555"))
    xs, x = [], left
    for _, share in COLUMNS:
        xs.append(x)
        x += share * (right - left)
    if head_rows:
        words += [
            Word(cx, head, header, HEAD_PT) for (header, _), cx in zip(COLUMNS, xs, strict=True)
        ]
    y = head
    for line in page:
        y += ROW_MM
        if line.cells:
            words += [Word(cx, y, cell) for cell, cx in zip(line.cells, xs, strict=True) if cell]
        elif line.text:
            words.append(Word(left, y + 1, line.text))
    return words, head + 3.6 if head_rows else 0.0
