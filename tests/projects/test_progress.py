"""Progress warnings (超前/正常/滞后/未知) from the planned window and the status facts."""

from __future__ import annotations

from datetime import date

import pytest

from projects.filters import Query, catalog_frame, filter_projects, parse_params
from projects.progress import PROGRESS, progress, progress_of
from projects.records import build_records


@pytest.fixture(scope="module")
def records(seeds):
    return {r["name"]: r for r in build_records(seeds)}


def test_a_plan_item_past_its_window_is_behind(records):
    rec = records["渝遂高速拓宽改造"]  # 001 (2021–2025): 争取…开工, still 前期
    assert (rec["end_year"], rec["status"]) == (2025, "前期")
    assert progress_of(rec, date(2024, 6, 1))[0] == "正常"
    label, why = progress_of(rec, date(2026, 1, 1))
    assert label == "滞后" and "2025" in why and "前期" in why


def test_done_before_the_planned_end_is_ahead(records):
    # 凤凰山创意园: 001:534 plans it (2021–2025); the 2024 review says 基本完工 (002:35)
    rec = records["凤凰山创意园"]
    label, why = progress_of(rec, date(2026, 1, 1))
    assert label == "超前" and "2024" in why
    # the review closed the window shown (2021–2024), so the plan it beat is 001's period, and
    # the text says that is what it is
    assert (rec["end_year"], rec["years_basis"]) == (2024, "review")
    assert "原计划至 2025 年（文件规划期）" in why
    # without the years basis, the window shown is all there is: done in its last year is on time
    assert progress(rec["status_history"], 2021, 2024, rec["status"], date(2026, 1, 1))[0] == "正常"


def test_ahead_says_the_window_the_years_show(records):
    # 环大学创新生态圈 (SPB-0353): 年份 2020–2025 (002's plan for 2025, 打造…“升级版”), reported
    # working in the 2024 review (002:20 提质增效); 000 (2023–2027) named it earlier. The warning
    # measured it against 000's period, 2027, a year the page shows nowhere.
    rec = records["环大学创新生态圈"]
    assert (rec["start_year"], rec["end_year"]) == (2020, 2025)
    label, why = progress_of(rec, date(2026, 1, 1))
    assert label == "超前"
    assert "计划 2020–2025 年" in why and "2024 年已运营" in why and "2027" not in why


def test_a_thing_that_exists_is_on_track_not_ahead(records):
    # 提档升级重庆工业设计产业城 (000:61, 002:63): it works; no review says it was finished
    assert progress_of(records["重庆工业设计产业城"], date(2026, 1, 1))[0] == "正常"


def test_unknown_without_a_window_or_before_any_mention(records):
    assert progress([], None, None, "规划", date(2025, 1, 1))[0] == "未知"
    # first named by the 2025 plan: nothing known by the end of 2022
    assert progress_of(records["失能失智老人集中照护中心"], date(2022, 12, 31))[0] == "未知"


def test_the_filter_keeps_the_chosen_warnings_as_of_the_as_of_year(records):
    feats = [{"type": "Feature", "properties": r, "geometry": None} for r in records.values()]
    gdf = catalog_frame({"features": feats})
    late = filter_projects(gdf, Query(zones=None, years=(2021, 2026), progress=("滞后",)))
    assert len(late) and set(late["progress_shown"]) == {"滞后"}
    assert "渝遂高速拓宽改造" in set(late["name"])
    early = filter_projects(gdf, Query(zones=None, as_of_year=2024, progress=("滞后",)))
    assert "渝遂高速拓宽改造" not in set(early["name"])
    query, problems = parse_params({"progress": "滞后,火星"})
    assert query.progress == ("滞后",) and len(problems) == 1
    assert Query(progress=("滞后",)).to_params() == {"progress": "滞后"}
    assert set(PROGRESS) == {"超前", "正常", "滞后", "未知"}


def test_a_one_year_window_reads_as_one_year():
    """A project planned for 2025 alone: 「计划 2025 年」, not 「计划 2025–2025 年」."""
    history = [{"year": 2025, "status": "规划", "part": "plan", "doc": "002_a49a076aed9fb39a.txt"}]
    label, why = progress(history, 2025, 2025, "规划", as_of=date(2026, 3, 1))
    assert label == "滞后" and "计划 2025 年" in why and "2025–2025" not in why
