"""A made-up 2026 report, as .docx and as .pdf, taken in through the app's code: proposals,
positions, apply, history, the kept document, undo, and ``make catalog`` reproducing it all."""

from __future__ import annotations

import copy
import io
import json
import sys
from dataclasses import replace

import pytest

from geo import intake
from geo.boundaries import load_outline
from geo.catalog import build_features
from geo.places.placement import place_records
from geo.zones import position_zones
from projects import documents as docs
from projects import store
from projects.documents.sector_rules import sector_with_basis
from projects.errors import BadFile, CatalogError, InvalidValue, StaleVersion
from projects.store import users
from tests import report_2026 as report
from tests.helpers import staff_catalog

PASSWORD = "沙坪坝-2026-pw"
FILES = {
    "docx": ("2026年政府工作报告.docx", report.docx_bytes),
    "pdf": ("报告.pdf", report.pdf_bytes),
}


@pytest.fixture(scope="module")
def built(seeds, tmp_path_factory):
    """The catalog as ``make catalog`` writes it from the documents (no staff edits)."""
    features = build_features(seeds)
    folder = tmp_path_factory.mktemp("built")
    store.rebuild(copy.deepcopy(features), folder / "projects.geojson")
    return features, folder / "projects.geojson"


@pytest.fixture
def catalog(built, tmp_path, monkeypatch):
    return staff_catalog(tmp_path, monkeypatch, built[1], "wang", PASSWORD)


@pytest.fixture
def wang(catalog):
    return users.authenticate("wang", PASSWORD)


def _record(name):
    return next(f["properties"] for f in store.load() if f["properties"]["name"] == name)


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_a_new_report_is_proposed_applied_cited_undone_and_rebuilt(kind, built, catalog, wang):
    filename, make = FILES[kind]
    data = make()
    before_text = catalog.read_text(encoding="utf-8")
    before = {n: _record(n) for n in [*report.FINISHED, *report.STARTED]}
    taken = intake.take_in(data, filename)
    assert taken.meta.kind == docs.REPORT and taken.meta.date == report.DATE
    assert taken.known is None
    rows = {r.name: r for r in taken.rows}
    # proposals: updates of catalog records, two new projects with a proposed position
    for name, (cue, status) in {**report.FINISHED, **report.STARTED}.items():
        row = next(r for r in taken.rows if r.project_id == before[name]["id"])
        assert (row.status, row.old_status) == (status, before[name]["status"])
        assert cue in row.cue
        assert name in taken.text.lines[row.line - 1]
    new = [rows[n] for n in report.NEW]
    assert all(r.kind == docs.NEW for r in new)
    for row in new:
        assert row.precision and row.geo_basis
        # its own geometry, or a reference to a place (no copy of the place's shape)
        assert (row.geometry is not None) == (row.place_id is None)
    # staff reject one update, accept the rest as proposed
    rejected = before["凤凰山文化公园"]["id"]
    reviewed = [
        replace(r, decision=docs.REJECT) if r.project_id == rejected else r for r in taken.rows
    ]
    applied = intake.apply(taken, reviewed, wang)
    assert set(applied.created) and len(applied.created) == 2
    # applied statuses and their citations
    for name, (_cue, status) in {**report.FINISHED, **report.STARTED}.items():
        now = _record(name)
        if name == "凤凰山文化公园":
            assert now == before[name]
            continue
        assert now["status"] == status
        if before[name]["status"] != status:
            entry = store.history(now["id"])[-1]
            assert entry["seq"] == applied.seq
            assert entry["cite"].startswith(f"文件 {taken.doc_id}《{report.TITLE}》第 ")
            assert now["status_history"][-1]["cue"] == entry["cite"]
            assert now["status_history"][-1]["date"] == report.DATE
    for pid in applied.created:
        p = store.get(pid)["properties"]
        assert p["name"] in report.NEW and p["status"] == report.NEW[p["name"]]
        assert p["precision"] != "none" and p["geo_basis"]
        assert p["status_history"][-1]["cue"].startswith(f"文件 {taken.doc_id}")
    # one batch in the history, naming the document
    batch = [e for e in store.history() if e["seq"] == applied.seq]
    assert {e["reason"] for e in batch} == {batch[0]["reason"]}
    assert report.TITLE in batch[0]["reason"] and taken.doc_id in batch[0]["reason"]
    # the document is kept beside the catalog, with its hash, and each cited line can be shown
    folder = docs.documents_dir()
    assert folder == catalog.parent / "documents"
    assert (folder / f"{taken.doc_id}.{kind}").read_bytes() == data
    index = docs.read_index()[taken.doc_id]
    assert index["sha256"] == taken.sha256 and index["batches"][0]["seq"] == applied.seq
    lines = docs.kept_lines(taken.doc_id)
    for e in batch:
        line = int(e["cite"].split("第 ")[1].split(" 行")[0])
        assert store.get(e["id"])["properties"]["name"][:4] in lines[line - 1]
    # the same document again is recognised
    again = intake.take_in(data, "副本" + filename)
    assert again.known["doc_id"] == taken.doc_id
    # make catalog: the rebuilt catalog is the applied one, byte for byte
    after_text = catalog.read_text(encoding="utf-8")
    store.rebuild(copy.deepcopy(built[0]), catalog)
    assert catalog.read_text(encoding="utf-8") == after_text
    # undo: the whole batch in one save; a rebuild keeps it undone
    docs.undo_intake(taken.doc_id, wang)
    for name in report.FINISHED:
        assert _record(name)["status"] == before[name]["status"]
        assert _record(name)["status_history"] == before[name]["status_history"]
    assert all(store.get(pid)["properties"]["deleted"] for pid in applied.created)
    live = {f["properties"]["name"] for f in store.load(include_deleted=False)}
    assert not live & set(report.NEW)
    undone_text = catalog.read_text(encoding="utf-8")
    store.rebuild(copy.deepcopy(built[0]), catalog)
    assert catalog.read_text(encoding="utf-8") == undone_text
    assert docs.read_index()[taken.doc_id]["batches"][0]["undone"] is not None
    with pytest.raises(InvalidValue, match="没有可撤销"):
        docs.undo_intake(taken.doc_id, wang)
    assert before_text != undone_text  # the history and versions moved on


@pytest.mark.parametrize(
    "data, name, message",
    [
        (report.scanned_pdf_bytes(), "扫描件.pdf", "文字层"),
        (report.pdf_bytes(encrypt="pw"), "加密.pdf", "已加密"),
        (report.docx_bytes()[:2000], "损坏.docx", "已损坏"),
        (
            "今年我们继续努力工作，认真落实各项部署，推动各项事业取得新进展。".encode(),
            "空.txt",
            "没有",
        ),
    ],
    ids=["scan", "encrypted", "broken", "no-project"],
)
def test_bad_input_gets_a_chinese_message_and_changes_nothing(data, name, message, catalog):
    text = catalog.read_text(encoding="utf-8")
    with pytest.raises(BadFile, match=message):
        intake.take_in(data, name)
    assert catalog.read_text(encoding="utf-8") == text
    assert not docs.documents_dir().exists()


def test_a_colleagues_save_in_between_refuses_the_whole_batch(catalog, wang):
    taken = intake.take_in(report.docx_bytes(), "r.docx")
    target = next(r for r in taken.rows if r.kind == docs.UPDATE)
    store.save(wang, target.project_id, {"notes": "同事的修改"}, expected_version=target.version)
    text = catalog.read_text(encoding="utf-8")
    with pytest.raises(StaleVersion):
        intake.apply(taken, list(taken.rows), wang)
    assert catalog.read_text(encoding="utf-8") == text
    assert docs.read_index() == {} and not any(docs.documents_dir().glob("doc-*"))


def test_nothing_accepted_is_refused(catalog, wang):
    taken = intake.take_in(report.docx_bytes(), "r.docx")
    rows = intake.decided(list(taken.rows), reject={r.row for r in taken.rows})
    with pytest.raises(InvalidValue, match="没有采纳"):
        intake.apply(taken, rows, wang)


def test_command_line_proposes_applies_lists_and_undoes(catalog, tmp_path, monkeypatch, capsys):
    file = tmp_path / "2026年报告.pdf"
    file.write_bytes(report.pdf_bytes())
    assert intake.main(["propose", str(file)]) == 0
    out = capsys.readouterr().out
    assert "新项目" in out and "歌乐山森林康养中心" in out and "状态更新" in out
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    open_before = len(users.list_sessions())
    assert intake.main(["apply", str(file), "--user", "wang", "--password-stdin"]) == 0
    assert "已采纳" in capsys.readouterr().out
    assert len(users.list_sessions()) == open_before  # the command's login ended with it
    assert _record("歌乐山森林康养中心")["status"] == report.NEW["歌乐山森林康养中心"]
    assert intake.main(["list"]) == 0
    listed = capsys.readouterr().out
    doc_id = listed.split()[0]
    assert doc_id.startswith("doc-") and "报告" in listed
    cited = store.history(_record("歌乐山森林康养中心")["id"])[-1]["cite"]
    line = cited.split("第 ")[1].split(" 行")[0]
    assert intake.main(["show", doc_id, line]) == 0
    assert "歌乐山森林康养" in capsys.readouterr().out
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert intake.main(["undo", doc_id, "--user", "wang", "--password-stdin"]) == 0
    assert len(users.list_sessions()) == open_before
    assert "歌乐山森林康养中心" not in {
        f["properties"]["name"] for f in store.load(include_deleted=False)
    }
    bad = tmp_path / "扫描.pdf"
    bad.write_bytes(report.scanned_pdf_bytes())
    assert intake.main(["propose", str(bad)]) == 2
    assert "文字层" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO("wrong-password\n"))
    assert intake.main(["apply", str(file), "--user", "wang", "--password-stdin"]) == 2


def test_decisions_by_row_number_and_choosing_the_record_of_an_undecided_row(catalog):
    taken = intake.take_in(report.docx_bytes(), "r.docx")
    first = taken.rows[0]
    rows = intake.decided(list(taken.rows), reject={first.row})
    assert rows[0].decision == docs.REJECT
    other = store.load(include_deleted=False)[0]["properties"]
    undecided = replace(
        first, kind=docs.UNDECIDED, project_id=None, candidates=((other["id"], other["name"]),)
    )
    with pytest.raises(CatalogError, match="待定"):
        intake.decided([undecided], accept={first.row})
    with pytest.raises(CatalogError, match="候选项目"):
        intake.decided([undecided], choose={first.row: "SPB-9999"})
    chosen = intake.decided([undecided], choose={first.row: other["id"]}, catalog=store.load())[0]
    assert (chosen.kind, chosen.project_id, chosen.decision) == (
        docs.UPDATE,
        other["id"],
        docs.ACCEPT,
    )
    assert json.dumps(chosen.candidates, ensure_ascii=False) == json.dumps(
        [[other["id"], other["name"]]], ensure_ascii=False
    )


def test_a_new_projects_zone_rests_on_its_position_and_follows_staff_placing_it(catalog, wang):
    """A project a document brings in has the zone its proposed position lies in, with the
    basis ``make catalog`` writes for that position; it said 「人工录入」 as if staff had set the
    zone, so when staff then placed the project by hand its zone stayed where it was."""
    taken = intake.take_in(report.docx_bytes(), "r.docx")
    rows = {r.name: r for r in taken.rows if r.kind == docs.NEW}
    applied = intake.apply(taken, list(taken.rows), wang)
    made = {p["name"]: p for p in (store.get(i)["properties"] for i in applied.created)}
    assert set(made) == set(report.NEW) == set(rows)
    for name, row in rows.items():
        placed = place_records(
            [{"id": "x", "name": name, "aliases": [], "district": row.district, "sources": []}]
        )[0]["properties"]
        assert made[name]["zone"] == row.zone == placed["zone"]
        assert made[name]["zone_basis"] == placed["zone_basis"], name
        assert row.zone_basis == placed["zone_basis"]  # shown in the review as proposed
    school = made["西永智能网联汽车测试基地"]  # 西永: a hand-drawn area in the west
    assert (school["zone"], school["zones"]) == ("西", ["西"])
    assert school["zone_basis"] == "几何：位置（片区级）落在西"
    # placed by hand in the east, the zone follows the position, as for any placed project
    east = {"type": "Point", "coordinates": [106.456, 29.557]}
    [(zone, zones)] = position_zones([east])
    assert zone == "东"
    saved = store.save(
        wang,
        school["id"],
        {"geometry": east},
        expected_version=school["version"],
        outline=load_outline(),
        position_zone=(zone, zones),
    )["properties"]
    assert (saved["zone"], saved["zones"]) == ("东", ["东"])
    assert saved["zone_basis"].startswith("按人工标绘位置（wang 于 ")
    assert "zone_note" not in store.history(school["id"])[-1]


def test_a_new_projects_sector_and_years_rest_on_the_documents_lines(built, catalog, wang):
    """A project a document brings in says what its sector and years rest on, in the words
    ``make catalog`` writes for a record of the five documents, citing the new document and
    line; both said 「人工录入」 / ``manual`` as if staff had typed them."""
    taken = intake.take_in(report.docx_bytes(), "r.docx")
    rows = {r.name: r for r in taken.rows if r.kind == docs.NEW}
    applied = intake.apply(taken, list(taken.rows), wang)
    made = {p["name"]: p for p in (store.get(i)["properties"] for i in applied.created)}
    lines = docs.kept_lines(taken.doc_id)
    box = made["西永智能网联汽车测试基地"]  # listed in 专栏1 (新型基础设施重点项目)
    line = rows["西永智能网联汽车测试基地"].line
    assert "西永智能网联汽车测试基地" in lines[line - 1]
    assert box["sector"] == "新型基础设施"
    assert (
        box["sector_basis"] == f"专栏1的主题（据文件 {taken.doc_id}《{report.TITLE}》第 {line} 行）"
    )
    text = made["歌乐山森林康养中心"]  # running text: no name rule, no box (the build's default)
    assert text["sector_basis"] == sector_with_basis("歌乐山森林康养中心", [])[1]
    for name, p in made.items():
        # a report's plan part plans its own year: the build's plan_year, read off that line
        assert (p["start_year"], p["end_year"], p["years_basis"]) == (2026, 2026, "plan_year")
        assert p["notes"].endswith(f"；年份据第 {rows[name].line} 行（年度计划所定年份）")
        assert not p["sector_basis"].startswith("人工录入"), name
    # make catalog replays the history: the bases come back as applied
    path = store.catalog_path()
    applied_text = path.read_text(encoding="utf-8")
    store.rebuild(copy.deepcopy(built[0]), path)
    assert path.read_text(encoding="utf-8") == applied_text


def test_a_cross_zone_placement_keeps_its_zones_and_a_year_the_text_gives(catalog, wang):
    """A 跨区 placement's zones are saved with the project (the list was empty), and a name
    rule and an end year 「到2027年」 say so as the build does, citing their lines."""
    text = (
        "沙坪坝区2026年重点项目实施方案\n"
        "开工建设轨道交通1号线站点改造工程，完善配套设施。\n"
        "到2027年建成歌乐山森林康养中心。\n"
    )
    meta = docs.DocumentMeta("方案", "沙坪坝区人民政府", "2026-03-01", docs.PLAN, (2026, 2028))
    taken = intake.take_in(text.encode(), "方案.txt", meta)
    rows = {r.name: r for r in taken.rows}
    rail, spa = rows["轨道1号线站点改造工程"], rows["歌乐山森林康养中心"]
    placed = place_records(
        [{"id": "x", "name": rail.name, "aliases": [], "district": "沙坪坝区", "sources": []}]
    )[0]["properties"]
    assert (
        (rail.zone, list(rail.zones)) == ("跨区", placed["zones"]) == ("跨区", ["东", "中", "西"])
    )
    assert "片区：跨区（东、中、西）" in intake.table([rail])
    # refused: zones that do not agree with the zone (nothing saved)
    with pytest.raises(InvalidValue, match="所跨片区"):
        intake.apply(taken, [replace(rail, zones=("东",))], wang)
    applied = intake.apply(taken, list(taken.rows), wang)
    made = {p["name"]: p for p in (store.get(i)["properties"] for i in applied.created)}
    saved = made[rail.name]
    assert (saved["zone"], saved["zones"]) == ("跨区", ["东", "中", "西"])
    assert saved["zone_basis"] == placed["zone_basis"] == "几何：位置（片区级）落在东、中、西"
    word = sector_with_basis(rail.name, [])[1]  # 「名称：轨道」, as the build says it
    assert saved["sector_basis"] == f"{word}（据文件 {taken.doc_id}《方案》第 2 行）"
    assert (saved["start_year"], saved["end_year"], saved["years_basis"]) == (2026, 2028, "period")
    assert (made[spa.name]["end_year"], made[spa.name]["years_basis"]) == (2027, "text")
    assert made[spa.name]["notes"].endswith("；年份据第 3 行（文中写明的年份）")


def test_a_new_name_at_a_site_of_known_projects_offers_them_and_can_become_an_update(catalog):
    text = "沙坪坝区2026年重点项目实施方案\n加快建设重庆大学智能建造研究院，完善配套设施。\n"
    meta = docs.DocumentMeta("方案", "沙坪坝区人民政府", "2026-03-01", docs.PLAN, (2026, 2027))
    taken = intake.take_in(text.encode(), "方案.txt", meta)
    (row,) = [r for r in taken.rows if r.name == "重庆大学智能建造研究院"]
    assert row.kind == docs.NEW and row.decision == docs.ACCEPT
    at_site = [
        f["properties"]
        for f in store.load(include_deleted=False)
        if f["properties"].get("geo_matched") == "重庆大学"
        and f["properties"]["precision"] in intake.SITE_PRECISIONS
    ]
    assert at_site, "the catalog has no project placed at 重庆大学"
    assert {c[0] for c in row.candidates} <= {p["id"] for p in at_site}
    assert row.candidates and "同在“重庆大学”" in row.note
    pid = row.candidates[0][0]
    (chosen,) = intake.decided([row], choose={row.row: pid}, catalog=store.load())
    assert (chosen.kind, chosen.project_id, chosen.decision) == (docs.UPDATE, pid, docs.ACCEPT)
    assert chosen.version == store.get(pid)["properties"]["version"]
