"""The shape of one catalog record (a GeoJSON Feature's ``properties``).

One table of fields so the store, validation, filters, map and export agree on names and types.
Lists and dicts stay JSON inside GeoJSON; flat exports (Shapefile, CSV) encode them as JSON text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: field -> (python type, default, short Chinese label for the UI and exports)
FIELDS: dict[str, tuple[type, Any, str]] = {
    "id": (str, None, "编号"),
    "name": (str, None, "名称"),
    "aliases": (list, [], "别名"),
    "sector": (str, None, "领域"),
    # why the sector: "名称：…" (what the name says the thing is; the 专栏 box it sits in kept
    # as evidence), "专栏N的主题", a curation row, or a marked default
    "sector_basis": (str, None, "领域依据"),
    "status": (str, "未知", "状态"),
    # [{"doc", "date", "year", "status", "cue", "line", "part", "basis"}]: one entry per document
    # mention that implies a status. "part" is "review" (a report's review of past years, or 001's
    # 十三五 review: facts) or "plan" (intentions); "cue" holds the verbatim words read and
    # "basis" the rule, or 默认（文中无进度表述） where no words speak. Staff changes add entries
    # with doc null.
    "status_history": (list, [], "状态沿革"),
    # 超前/正常/滞后/未知 as of a date (projects.progress): derived, so null in the catalog and
    # filled when a view or an export is made (as of that day, China time)
    "progress": (str, None, "进度预警"),
    "start_year": (int, None, "起始年"),
    "end_year": (int, None, "结束年"),
    # where the years come from: "text" (a year the text gives: 到2025年), "review" (the year a
    # report reviews), "period" (only the plan period of the naming document), "manual" (set
    # by staff)
    "years_basis": (str, None, "年份依据"),
    "zone": (str, None, "片区"),  # one of vocab.ALL_ZONES
    "zones": (list, [], "涉及片区"),  # the zones a 跨区 project crosses
    # why the zone: "文中：…" (a place, section or phrase of the documents, with its line) or
    # "几何：…" (the position's zone, where the text says nothing), or "定位：…" (a project known
    # only by its zone: what placed it there, geo.places.placement.placement_reason)
    "zone_basis": (str, None, "片区依据"),
    "district": (str, "沙坪坝区", "所在区"),
    "lead_dept": (str, None, "牵头部门"),
    "investment": (float, None, "投资（万元）"),
    "notes": (str, "", "备注"),
    "phase": (str, None, "分期"),  # 一期, 二期 … where the documents name one
    "related": (list, [], "关联项目"),  # ids of the other phases of the same project
    # [{"doc", "section", "line", "form"?}]: every mention. The cited line contains the name, an
    # alias, or the source's "form": the verbatim words where a list or a line break splits the
    # name (西永、土主污水处理厂 for 土主污水处理厂).
    "sources": (list, [], "来源"),
    # One of vocab.PRECISIONS, or null when the record has no position. An own precision
    # (vocab.OWN_PRECISIONS) goes with a geometry, or with a place_id where the position is
    # a place's point; a reference precision (vocab.REFERENCE_PRECISIONS) with a place_id.
    # A record with a place_id has a null geometry.
    "precision": (str, None, "定位精度"),
    # The gazetteer id of the place a reference-level position points to (镇街 code, zone,
    # area, the district); null for an own geometry. geo.places.place_name / representative_point
    # resolve it.
    "place_id": (str, None, "所在地名编号"),
    "geo_method": (
        str,
        "none",
        "定位方法",
    ),  # exact, alias, normalised, contained, zone, section, district, curated, manual,
    # manual_place (staff chose a gazetteer place), imported, none
    "geo_basis": (str, "", "定位依据"),
    "geo_matched": (str, None, "匹配地名"),
    "version": (int, 1, "版本"),
    "deleted": (bool, False, "已删除"),
    "updated_by": (str, None, "修改人"),
    "updated_at": (str, None, "修改时间"),
}

#: Fields staff may change in the editor (the rest are derived or bookkeeping).
EDITABLE: tuple[str, ...] = (
    "name",
    "aliases",
    "sector",
    "status",
    "start_year",
    "end_year",
    "lead_dept",
    "investment",
    "notes",
    "zone",
    "district",
)


def empty_properties() -> dict[str, Any]:
    """A record with every field at its default (lists copied, so records never share them)."""
    return {k: (list(d) if isinstance(d, list) else d) for k, (_, d, _) in FIELDS.items()}


@dataclass(frozen=True)
class SourceRef:
    """Where a record's attribute comes from: a line of a source document."""

    #: File name in the seeds folder (vocab.DOCUMENTS).
    doc: str
    #: Nearest section heading above the line (e.g. 专栏12：综合交通重点项目 / 轨道线路).
    section: str
    #: 1-based line number, as ``grep -n`` counts.
    line: int

    def to_dict(self) -> dict[str, Any]:
        return {"doc": self.doc, "section": self.section, "line": self.line}
