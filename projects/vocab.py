"""Closed vocabularies of the catalog, defined once.

Parsers, widgets, legends, validation and the export schema all read their options from here,
in the order given (tuples, not sets, so the order is stable).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

#: Sectors: the themes of the 专栏 boxes of the 14th five-year plan (001).
SECTORS: tuple[str, ...] = (
    "交通",
    "产业",
    "科技创新",
    "开放平台",
    "商贸消费",
    "文化旅游",
    "生态环保",
    "城市更新",
    "市政设施",
    "新型基础设施",
    "社会民生",
    "乡村振兴",
)

#: Project life cycle, earliest first. 未知 only where no document says anything.
STATUSES: tuple[str, ...] = ("规划", "前期", "在建", "建成", "运营")
UNKNOWN_STATUS = "未知"
ALL_STATUSES: tuple[str, ...] = (*STATUSES, UNKNOWN_STATUS)

#: Zones of the 东中西 layout (001 第十六章), plus projects crossing zones or outside the district.
ZONES: tuple[str, ...] = ("东", "中", "西")
CROSS_ZONE = "跨区"
OUTSIDE = "区外"
ALL_ZONES: tuple[str, ...] = (*ZONES, CROSS_ZONE, OUTSIDE)

#: Position precision classes, most precise first. A record's position is one of two kinds:
#: - its *own* geometry (a point, line or polygon that is this project): OWN_PRECISIONS;
#: - a *reference* to a place of the gazetteer (``place_id`` set, geometry null in the catalog,
#:   the place's geometry kept once, in the gazetteer): REFERENCE_PRECISIONS, or exact /
#:   approximate for a reference to a place's point (a station, a campus: several projects
#:   named after one place share its point by its id, not by copies).
#: A record with no position has precision null; there is no class for "not placed".
OWN_PRECISIONS: tuple[str, ...] = (
    "exact",  # within 100 m
    "approximate",  # within 1 km
    "manual",  # placed or drawn by staff in the app
    "imported",  # taken from a staff-imported GIS file
)
REFERENCE_PRECISIONS: tuple[str, ...] = (
    "area",  # in a named area (片区, park, campus, along a river or road): the area is referenced
    "township",  # in a 镇/街道: the township is referenced
    "zone",  # only the 东/中/西 zone is known
    "district",  # only the district is known
)
PRECISIONS: tuple[str, ...] = (*OWN_PRECISIONS, *REFERENCE_PRECISIONS)

#: The Chinese label of every precision class (legend, details, table, exports).
PRECISION_LABELS: dict[str, str] = {
    "exact": "精确（100 米内）",
    "approximate": "大致（1 公里内）",
    "manual": "人工标绘",
    "imported": "外部导入",
    "area": "片区级（仅知所在片区、园区或沿线）",
    "township": "镇街级（仅知所在镇街）",
    "zone": "分区级（仅知在东/中/西部）",
    "district": "区级（仅知在区内）",
}
#: Label of a record with no position (precision null).
UNPLACED_LABEL = "未定位"


def precision_label(precision: str | None) -> str:
    """The Chinese label of a precision class; ``UNPLACED_LABEL`` for null or an unknown code."""
    return PRECISION_LABELS.get(precision or "", UNPLACED_LABEL)


#: What a person reads for each way a position was found (schema field ``geo_method``).
GEO_METHOD_LABELS: dict[str, str] = {
    "exact": "地名完全匹配",
    "alias": "地名别名匹配",
    "normalised": "地名规范化匹配",
    "contained": "名称中含地名",
    "zone": "按片区",
    "section": "按文件章节所述地点",
    "district": "仅知在区内",
    "curated": "人工核定",
    "manual": "人工标绘",
    "manual_place": "人工归入地名",
    "imported": "外部导入",
    "none": "未定位",
}


#: What a record's years rest on (schema field ``years_basis``; the build's codes from
#: ``projects.records.assemble.YEARS_BASES``, and staff's from ``projects.store.edits``).
YEARS_BASIS_LABELS: dict[str, str] = {
    "text": "文中写明的年份",
    "review": "工作回顾所报年份",
    "plan_year": "年度计划所定年份",
    "period": "文件规划期，文中无具体年份",
    # set by staff (projects.store.edits): the edit's reason is in the history
    "manual": "人工修改",
}

#: The part of a document a status-history entry comes from (its ``part``).
PART_LABELS: dict[str, str] = {"review": "回顾", "plan": "计划"}

#: Fields whose values are codes, and the labels a person reads for them.
CODE_LABELS: dict[str, dict[str, str]] = {
    "precision": PRECISION_LABELS,
    "geo_method": GEO_METHOD_LABELS,
    "years_basis": YEARS_BASIS_LABELS,
}


def code_label(field: str, code: object) -> object:
    """The Chinese label of a vocabulary code in ``field`` (``CODE_LABELS``); anything else is
    returned as it is.

    >>> code_label("years_basis", "plan_year"), code_label("precision", None), code_label("x", 1)
    ('年度计划所定年份', '未定位', 1)
    """
    if field == "precision" and code is None:
        return UNPLACED_LABEL
    labels = CODE_LABELS.get(field)
    return labels.get(code, code) if labels and isinstance(code, str) else code


#: Default colour per status (legend and map), colour-blind friendly order.
STATUS_COLOURS: dict[str, str] = {
    "规划": "#9e9ac8",
    "前期": "#fdae6b",
    "在建": "#e6550d",
    "建成": "#31a354",
    "运营": "#3182bd",
    "未知": "#969696",
}

#: Valid year range for start/end years and edits.
MIN_YEAR, MAX_YEAR = 1990, 2100


@dataclass(frozen=True)
class Document:
    """One source plan document (see ../shared/seeds/INDEX.md)."""

    #: File name inside the seeds folder.
    file: str
    #: Short Chinese title shown in popups.
    title: str
    #: Issuer.
    issuer: str
    #: Publication date, ISO (year only where the document gives no day).
    date: str
    #: Plan period the document covers (first, last year).
    period: tuple[int, int]


DOCUMENTS: tuple[Document, ...] = (
    Document(
        "000_c49d57777b056352.txt",
        "沙坪坝区推动成渝地区双城经济圈建设行动方案（2023—2027年）",
        "沙坪坝区人民政府",
        "2023-05-12",
        (2023, 2027),
    ),
    Document(
        "001_597dad319c36e270.txt",
        "沙坪坝区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要",
        "沙坪坝区",
        "2021",
        (2021, 2025),
    ),
    Document(
        "002_a49a076aed9fb39a.txt",
        "2025年沙坪坝区人民政府工作报告",
        "沙坪坝区人民政府",
        "2025-02-12",
        (2025, 2025),
    ),
    Document(
        "003_bef78d75c9c798b0.txt",
        "渝中区全力推进成渝地区双城经济圈建设“十项行动”实施方案",
        "渝中区人民政府",
        "2023-05-07",
        (2023, 2027),
    ),
    Document(
        "004_c1e1ef9d6686f82d.txt",
        "重庆市推动成渝地区双城经济圈建设行动方案（2023—2027年）",
        "重庆市人民政府",
        "2023",
        (2023, 2027),
    ),
)
DOCUMENTS_BY_FILE: dict[str, Document] = {d.file: d for d in DOCUMENTS}


def check_choice(field: str, value: object, options: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``options``; otherwise raise ValueError naming them."""
    if value not in options:
        raise ValueError(f"{field} was {value!r} but is expected to be one of {list(options)}")
    return value  # type: ignore[return-value]


def year_span(start: Any, end: Any) -> str:
    """A project's (or a filter's) years as a person reads them: 「2021–2025」, one year once.

    >>> year_span(2021, 2025), year_span(2025, 2025), year_span(None, 2024.0), year_span(None, None)
    ('2021–2025', '2025', '2024', '')
    >>> year_span(float("nan"), 2025)
    '2025'
    """
    years = [int(y) for y in (start, end) if isinstance(y, numbers.Real) and y == y]
    return "–".join(str(y) for y in dict.fromkeys(years))
