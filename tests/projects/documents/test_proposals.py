"""Proposals of a new document against the real catalog, and 002 taken in as if it were new."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from projects import documents as docs
from projects.records import build_records, merge_key, read_curation
from projects.sources import ROOT
from projects.vocab import DOCUMENTS
from tests import report_2026 as report

CATALOG = ROOT / "data" / "projects.geojson"


@pytest.fixture(scope="module")
def catalog() -> list[dict]:
    return json.loads(CATALOG.read_text(encoding="utf-8"))["features"]


@pytest.fixture(scope="module")
def rows(catalog) -> list[docs.Proposal]:
    lines = report.lines()
    meta = docs.propose_meta(lines)
    return docs.propose(lines, "r.txt", meta, catalog, *docs.curation_keys(read_curation()))


def _by_name(catalog, name):
    return next(f["properties"] for f in catalog if f["properties"]["name"] == name)


def test_the_text_proposes_its_own_title_date_kind_and_boundary():
    meta = docs.propose_meta(report.lines())
    assert (meta.title, meta.date, meta.kind, meta.period) == (
        report.TITLE,
        report.DATE,
        docs.REPORT,
        (2026, 2026),
    )
    assert report.lines()[meta.boundary - 1] == "2026年工作安排"


def test_finished_and_started_projects_are_status_updates_with_cue_line_and_old_new(rows, catalog):
    lines = report.lines()
    for name, (cue, status) in {**report.FINISHED, **report.STARTED}.items():
        record = _by_name(catalog, name)
        row = next(r for r in rows if r.project_id == record["id"])
        assert (row.status, row.old_status) == (status, record["status"]) and cue in row.cue
        assert row.kind == (docs.SAME if record["status"] == status else docs.UPDATE)
        assert name in lines[row.line - 1] and row.source_text == lines[row.line - 1]
        assert row.part == ("review" if name in report.FINISHED else "plan")


def test_the_two_new_projects_come_with_sector_years_and_district(rows):
    new = {r.name: r for r in rows if r.kind == docs.NEW}
    assert set(new) == set(report.NEW)
    for name, status in report.NEW.items():
        row = new[name]
        assert (row.status, row.start_year, row.end_year) == (status, 2026, 2026)
        assert row.district == "沙坪坝区" and row.decision == docs.ACCEPT
    # the box title names the sector of its items
    assert new["西永智能网联汽车测试基地"].sector == "新型基础设施"
    assert new["西永智能网联汽车测试基地"].section.startswith("专栏1")


def test_an_ambiguous_or_verb_wrapped_name_is_undecided_and_not_applied_by_default():
    features = [
        {"properties": {"id": "A1", "name": "国际法务区", "status": "在建"}},
        {"properties": {"id": "A2", "name": "双碑公园", "status": "规划"}},
        {"properties": {"id": "A3", "name": "双碑公园项目", "status": "在建"}},
    ]
    lines = ["推动机构落户国际法务区。", "加快建设双碑公园。"]
    meta = docs.DocumentMeta("方案", "沙坪坝区人民政府", "2026-03-01", docs.PLAN, (2026, 2028))
    rows = {r.name: r for r in docs.propose(lines, "p.txt", meta, features)}
    assert rows["机构落户国际法务区"].kind == docs.UNDECIDED
    assert rows["机构落户国际法务区"].candidates == (("A1", "国际法务区"),)
    assert rows["双碑公园"].kind == docs.UNDECIDED
    assert {c[0] for c in rows["双碑公园"].candidates} == {"A2", "A3"}
    assert all(r.decision == docs.REJECT for r in rows.values())


def test_a_status_going_backwards_is_proposed_but_not_accepted_by_default():
    features = [{"properties": {"id": "B1", "name": "沙滨全民健身中心", "status": "运营"}}]
    meta = docs.DocumentMeta("方案", "沙坪坝区人民政府", "2026-03-01", docs.PLAN, (2026, 2028))
    (row,) = docs.propose(["加快建设沙滨全民健身中心。"], "p.txt", meta, features)
    assert (row.kind, row.old_status, row.status, row.decision) == (
        docs.UPDATE,
        "运营",
        "在建",
        docs.REJECT,
    )
    assert "早于" in row.note


def test_002_taken_in_as_new_proposes_what_the_full_build_derives(seeds, tmp_path):
    """Against a catalog built from 000 and 001 only, 002's proposals agree with the full build.

    For every record 002 names in the full build, the intake must propose the status the build
    ends with (002 is the latest document): as an update (or no change) of the same record, or
    as a new project of that name. The misses are mentions only a reviewed ``accept`` row of the
    curation file adds (the extractor does not find them; those rows cite 002's lines, so a
    document taken in as new cannot use them).
    """
    later = {d.file for d in DOCUMENTS[2:]}
    folder = tmp_path / "seeds"
    folder.mkdir()
    for d in DOCUMENTS:
        text = "" if d.file in later else (seeds / d.file).read_text(encoding="utf-8")
        (folder / d.file).write_text(text, encoding="utf-8")
    curation = tmp_path / "curation.csv"
    with (
        open(ROOT / "data" / "curation.csv", encoding="utf-8", newline="") as f,
        open(curation, "w", encoding="utf-8", newline="") as g,
    ):
        reader = csv.DictReader(f)
        writer = csv.DictWriter(g, reader.fieldnames, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(r for r in reader if (r.get("doc") or "") not in later)
    early = build_records(folder, curation=curation)
    full = build_records(seeds)
    features = [{"properties": {**r, "version": 1}, "geometry": None} for r in early]
    f002 = DOCUMENTS[2].file
    intake = docs.take_in(
        (seeds / f002).read_bytes(), "002.txt", features=features, path=tmp_path / "c.geojson"
    )
    assert intake.meta.kind == docs.REPORT and intake.meta.date == "2025-02-12"
    by_id = {r.project_id: r for r in intake.rows if r.project_id}
    new = {merge_key(r.name): r for r in intake.rows if r.kind == docs.NEW}
    early_ids = {r["id"] for r in early}
    named = [r for r in full if any(h["doc"] == f002 for h in r["status_history"])]
    # mentions only a reviewed accept row of 002 adds are not the extractor's to find
    accepted = {
        (merge_key(r.name), r.line)
        for r in read_curation()
        if r.action == "accept" and r.doc == f002
    }
    named = [
        r
        for r in named
        if not all(
            any((merge_key(n), h["line"]) in accepted for n in [r["name"], *r["aliases"]])
            for h in r["status_history"]
            if h["doc"] == f002
        )
    ]
    agree = []
    for record in named:
        want = record["status"]  # 002 is the latest document: the status it leaves
        if record["id"] in early_ids:
            row = by_id.get(record["id"])
        else:
            keys = {merge_key(n) for n in [record["name"], *record["aliases"]]}
            row = next((new[k] for k in keys if k in new), None)
        agree.append(row is not None and row.status == want)
    share = sum(agree) / len(agree)
    print(f"002 as new: {sum(agree)}/{len(agree)} = {share:.1%} of the records it names")
    assert len(named) > 50
    assert share >= 0.9
    assert not (tmp_path / "documents").exists()  # proposing writes nothing


def test_proposals_write_nothing(tmp_path, catalog):
    docs.take_in(report.docx_bytes(), "r.docx", features=catalog, path=tmp_path / "c.geojson")
    assert list(Path(tmp_path).iterdir()) == []
