"""Cue → status, and the review/plan split of the 2025 government work report (002)."""

from __future__ import annotations

import pytest

from projects.documents.status import part_of, plan_boundary, rank, status_of
from projects.records import build_records
from projects.sources import read_lines
from projects.vocab import DOCUMENTS, STATUSES

REPORT = DOCUMENTS[2].file  # 2025年沙坪坝区人民政府工作报告


@pytest.mark.parametrize(
    ("cue", "part", "status"),
    [
        ("建成投运", "review", "运营"),
        ("投用", "review", "运营"),
        ("开街运营", "review", "运营"),
        ("蝶变网红", "review", "运营"),
        ("基本完工", "review", "建成"),
        ("主体封顶", "review", "在建"),
        ("加快建设", "review", "在建"),
        ("投用", "plan", "在建"),
        ("建成投用", "plan", "在建"),
        ("开工建设", "plan", "前期"),
        ("争取开工", None, "前期"),
        ("前期研究", None, "前期"),
        ("加快推进", None, "在建"),
        ("提速建设", None, "在建"),
        ("打造", None, "规划"),
        ("", None, "规划"),
    ],
)
def test_status_of_cue(cue, part, status):
    assert status_of(cue, part) == status


def test_every_status_is_in_the_vocabulary():
    for cue in ("建成投运", "主体封顶", "争取开工", "打造", "完成总量的70%", "不认识的词"):
        for part in ("review", "plan", None):
            assert status_of(cue, part) in (*STATUSES, "未知")
    assert rank("规划") < rank("前期") < rank("在建") < rank("建成") < rank("运营")


def test_plan_boundary_of_the_report_is_found_in_the_text(seeds):
    lines = read_lines(REPORT, seeds)
    b = plan_boundary(lines)
    assert b is not None
    assert lines[b - 1].strip() == "2025年工作安排"
    assert "2024年工作回顾" in [x.strip() for x in lines[: b - 1]]
    assert part_of(b - 1, b) == "review" and part_of(b, b) == "plan"


def test_plans_throughout_have_no_boundary(seeds):
    for d in (DOCUMENTS[0], DOCUMENTS[3], DOCUMENTS[4]):
        assert plan_boundary(read_lines(d.file, seeds)) is None


@pytest.fixture(scope="module")
def records(seeds):
    return {r["name"]: r for r in build_records(seeds)}


def report_entry(record):
    (entry,) = [h for h in record["status_history"] if h["doc"] == REPORT]
    return entry


def test_toucyong_in_the_review_means_operating(records):
    # 小龙坎人才公寓投用 (2024 review) and 夏大湾公园建成投用
    for name in ("小龙坎人才公寓", "夏大湾公园"):
        entry = report_entry(records[name])
        assert entry["part"] == "review" and entry["status"] == "运营" and entry["year"] == 2024
        assert records[name]["status"] == "运营"
        assert records[name]["end_year"] == 2024


def test_toucyong_in_the_plan_means_not_yet(records):
    # 投用重药进出口医疗器械分拨中心 and 投用数智重电科技园 are 2025 targets
    for name in ("重药进出口医疗器械分拨中心", "数智重电科技园"):
        entry = report_entry(records[name])
        assert entry["part"] == "plan" and entry["cue"].endswith("投用")
        assert entry["status"] == "在建" and records[name]["status"] == "在建"
        assert records[name]["start_year"] == records[name]["end_year"] == 2025


def test_review_fact_outranks_plan_intention_in_one_report(records):
    # 云湖未来社区: 主体封顶 in 2024 (review), 投用 planned for 2025 — one entry, still 在建
    entry = report_entry(records["云湖未来社区"])
    assert entry["status"] == "在建"
    assert {entry["cue"]} <= {"主体封顶", "投用"}
