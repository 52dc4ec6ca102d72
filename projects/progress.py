"""Progress warnings: is a project ahead of, on, or behind its planned window, as of a date?

Like the schedule flags of NYC's capital-projects dashboard and the 进度预警 of Chinese 一张图
systems, but from what the plan documents give: a planned window (``start_year``–``end_year``,
see ``years_basis``) and a status history. As of a date (default today, China time):

- 滞后 (behind): the window has ended and the latest status fact is not 建成/运营;
- 超前 (ahead): it was reported 建成/运营 in a year before its window ends, after an earlier
  entry said it was still to be built (a thing that merely exists and works is not "ahead");
  where that report itself closed the window, before the plan period of the earlier documents;
- 正常 (on track): everything else with a window and a status;
- 未知: no end year, or no status known by that date.

>>> h = [{"doc": "d", "year": 2021, "status": "在建", "part": "plan", "basis": "x"}]
>>> progress(h, 2021, 2025, "在建", date(2026, 1, 1))[0]
'滞后'
>>> progress(h, 2021, 2025, "在建", date(2024, 6, 1))[0]
'正常'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from projects import clock
from projects.records.assemble import current_status
from projects.vocab import DOCUMENTS_BY_FILE, STATUSES, year_span

#: The labels, in the order the legend and filters show them.
PROGRESS: tuple[str, ...] = ("超前", "正常", "滞后", "未知")
AHEAD, ON_TRACK, BEHIND, UNKNOWN = PROGRESS
#: Colours for the map and charts (behind stands out).
PROGRESS_COLOURS: dict[str, str] = {
    AHEAD: "#2b8cbe",
    ON_TRACK: "#74c476",
    BEHIND: "#de2d26",
    UNKNOWN: "#969696",
}
#: Statuses that mean the works are done.
DONE: tuple[str, ...] = ("建成", "运营")
#: The rule, as shown in the details pane.
RULE = (
    "按计划年份与状态判断：计划结束年已过而状态未到建成/运营为滞后；"
    "在所示年份的结束年之前已报建成/运营（且此前记为待建或在建）为超前，"
    "年份止于报建成之年的，以此前文件的规划期为原计划；其余为正常；"
    "无结束年或该日前无状态记载为未知。"
)


def _rank(status: Any) -> int:
    return STATUSES.index(status) if status in STATUSES else -1


def status_on(history: Iterable[Mapping[str, Any]] | None, year: int, default: str) -> str | None:
    """The status by the end of ``year``: the record's own rule (latest fact, a plan never undoing
    a review fact; projects.records.assemble.current_status) over the entries dated by then,
    then a staff change dated later than every document entry. None when nothing is dated.
    """
    entries = [
        e
        for e in (history or [])
        if isinstance(e, Mapping) and e.get("status") in STATUSES and isinstance(e.get("year"), int)
    ]
    if not entries:
        return default if default in STATUSES else None
    dated = [dict(e) for e in entries if e["year"] <= year]
    docs = [e for e in dated if e.get("doc")]
    staff = [e for e in dated if not e.get("doc")]
    status = current_status(docs) if docs else None
    if staff:
        last = max(staff, key=lambda e: (e["year"], str(e.get("date") or "")))
        if not docs or last["year"] >= max(e["year"] for e in docs):
            status = last["status"]
    return status


def progress(
    history: Iterable[Mapping[str, Any]] | None,
    start_year: Any,
    end_year: Any,
    status: str,
    as_of: date | None = None,
    years_basis: str | None = None,
) -> tuple[str, str]:
    """(label, why in Chinese) of one project as of ``as_of`` (default today in China).

    The window is the record's own (``start_year``–``end_year``, as the details pane shows it):
    a project reported done before ``end_year`` is ahead of it. Only where the completion
    report itself set ``end_year`` (``years_basis`` "review") is the plan it was ahead of the
    plan period of the earlier documents, and the text says so.
    """
    day = as_of or clock.today()
    history = list(history or [])
    end = end_year if isinstance(end_year, int) and not isinstance(end_year, bool) else None
    now = status_on(history, day.year, status)
    window = (
        f"计划 {year_span(start_year, end)} 年"
        if isinstance(start_year, int)
        else f"计划至 {end} 年"
    )
    if end is None:
        return UNKNOWN, "未知：没有计划结束年"
    if now is None:
        return UNKNOWN, f"未知：{window}，截至 {day.isoformat()} 文件尚无状态记载"
    if now in DONE:
        # a fact of completion: a review or a staff change, not a plan's word that it exists
        done_years = [
            e["year"]
            for e in history
            if isinstance(e, Mapping)
            and e.get("status") in DONE
            and isinstance(e.get("year"), int)
            and (e.get("part") == "review" or not e.get("doc"))
        ]
        done = min(done_years) if done_years else None
        before = [
            e
            for e in history
            if isinstance(e, Mapping)
            and isinstance(e.get("year"), int)
            and done is not None
            and e["year"] < done
            and _rank(e.get("status")) < _rank("建成")
        ]
        if done is not None and before and done < end:
            # the window shown (start_year–end_year) was still open when it was reported done
            return AHEAD, f"超前：{window}，{done} 年已{now}"
        if done is not None and before and done == end and years_basis == "review":
            # the completion report itself closed the window shown; the plan it was ahead of is
            # the plan period of the documents that still had it to build
            planned = [
                DOCUMENTS_BY_FILE[e["doc"]].period[1]
                for e in before
                if e.get("doc") in DOCUMENTS_BY_FILE and e.get("part") != "review"
            ]
            target = max(planned, default=end)
            if done < target:
                return AHEAD, (
                    f"超前：原计划至 {target} 年（文件规划期），{done} 年已{now}；"
                    f"年份止于报{now}之年"
                )
        return ON_TRACK, f"正常：{window}，截至 {day.isoformat()} 为{now}"
    if day.year > end:
        return BEHIND, f"滞后：{window}，截至 {day.isoformat()} 仍为{now}（未建成）"
    return ON_TRACK, f"正常：{window}，截至 {day.isoformat()} 为{now}"


def progress_of(record: Mapping[str, Any], as_of: date | None = None) -> tuple[str, str]:
    """(label, why) of a record (a catalog row or property dict)."""

    def year(v: Any) -> int | None:
        try:
            return None if v is None or v != v else int(v)
        except (TypeError, ValueError):
            return None

    history = record.get("status_history")
    return progress(
        history if isinstance(history, list) else None,
        year(record.get("start_year")),
        year(record.get("end_year")),
        str(record.get("status") or ""),
        as_of,
        str(record.get("years_basis") or "") or None,
    )


def progress_labels(rows: Iterable[Mapping[str, Any]], as_of: date | None = None) -> list[str]:
    """The label of every record, in order (for filters, colours, tables and exports)."""
    day = as_of or clock.today()
    return [progress_of(r, day)[0] for r in rows]
