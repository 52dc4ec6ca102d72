"""Kept documents on both stores: the folder beside the catalog file, or the ``documents`` table
of the PostGIS store, give the same index and the same cited lines; a document taken in by one
app server (another process) is read and cited by another."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace

import pytest

from projects import documents as docs
from projects import store
from projects.errors import BadFile, StaleVersion
from projects.sources import ROOT
from projects.store import users
from projects.store.postgis import documents as db_docs
from projects.store.postgis import replace_all
from projects.store.postgis.tables import connect
from tests import report_2026 as report
from tests.helpers import staff_catalog

PASSWORD = "井口-2026-pw"
FILENAME = "2026年政府工作报告.docx"

#: Another app server: takes the report in through the database and prints what it kept.
SERVER_A = """
import sys
from dataclasses import replace
from projects.documents import NEW, REJECT, apply_intake, take_in
from projects.store import users
from tests import report_2026 as report
wang = users.authenticate("wang", sys.argv[1])
taken = take_in(report.docx_bytes(), "2026年政府工作报告.docx")
rows = [replace(r, decision=REJECT) if r.kind == NEW else r for r in taken.rows]
applied = apply_intake(taken, rows, wang)
print(applied.doc_id, applied.seq)
"""


@pytest.fixture(scope="module")
def data() -> bytes:
    return report.docx_bytes()


@pytest.fixture
def catalog(tmp_path, monkeypatch):
    """A copy of the committed catalog and an account; the file store chosen."""
    return staff_catalog(
        tmp_path, monkeypatch, ROOT / "data" / "projects.geojson", "wang", PASSWORD
    )


@pytest.fixture
def database(postgres_db, catalog):
    """The same catalog in the database (no kept documents yet, and none left after)."""
    connect(postgres_db).execute("TRUNCATE documents, sessions")
    replace_all(postgres_db, store.load(catalog))
    yield postgres_db
    connect(postgres_db).execute("TRUNCATE documents, sessions")


@pytest.fixture(params=["file", "postgis"])
def where(request, catalog, monkeypatch):
    """The catalog's location, also the default of calls without one."""
    if request.param == "file":
        return catalog
    url = request.getfixturevalue("database")
    monkeypatch.setenv(store.DATABASE_ENV, url)
    return url


def updates_only(taken: docs.Intake) -> list[docs.Proposal]:
    """The reviewed rows: every status update as proposed, the new projects rejected."""
    return [replace(r, decision=docs.REJECT) if r.kind == docs.NEW else r for r in taken.rows]


def cited_lines(seq: int, location) -> dict[str, int]:
    """record id -> the line its change in batch ``seq`` cites."""
    return {
        e["id"]: int(e["cite"].split("第 ")[1].split(" 行")[0])
        for e in store.history(path=location)
        if e["seq"] == seq
    }


def test_a_kept_document_is_indexed_cited_recognised_and_undone(where, catalog, data):
    wang = users.authenticate("wang", PASSWORD)
    taken = docs.take_in(data, FILENAME)
    applied = docs.apply_intake(taken, updates_only(taken), wang)
    entry = docs.read_index()[taken.doc_id]
    assert entry["sha256"] == taken.sha256 and entry["title"] == report.TITLE
    assert entry["original"] == f"{taken.doc_id}.docx" and entry["filename"] == FILENAME
    assert [b["seq"] for b in entry["batches"]] == [applied.seq]
    lines = docs.kept_lines(taken.doc_id)
    assert lines == list(taken.text.lines)
    cites = cited_lines(applied.seq, where)
    assert set(cites) == set(applied.updated)
    for pid, line in cites.items():
        assert store.get(pid)["properties"]["name"][:4] in lines[line - 1]
    assert docs.take_in(data, "副本.docx").known["doc_id"] == taken.doc_id
    docs.undo_intake(taken.doc_id, wang)
    assert docs.read_index()[taken.doc_id]["batches"][0]["undone"] is not None
    with pytest.raises(BadFile, match="文件库中没有 doc-000000000000"):
        docs.kept_lines("doc-000000000000")
    folder = docs.documents_dir()
    if where == catalog:
        assert (folder / f"{taken.doc_id}.docx").read_bytes() == data
    else:  # nothing beside this server's catalog file: the row holds the bytes
        assert not folder.exists()
        assert db_docs.original(where, taken.doc_id) == data


def test_a_refused_batch_leaves_no_kept_document(where, data):
    wang = users.authenticate("wang", PASSWORD)
    taken = docs.take_in(data, FILENAME)
    target = next(r for r in taken.rows if r.kind == docs.UPDATE)
    store.save(wang, target.project_id, {"notes": "同事的修改"}, expected_version=target.version)
    with pytest.raises(StaleVersion):
        docs.apply_intake(taken, updates_only(taken), wang)
    assert docs.read_index() == {}
    with pytest.raises(BadFile, match="文件库中没有"):
        docs.kept_lines(taken.doc_id)


def test_both_stores_keep_the_same_index_and_lines(catalog, database, data):
    wang = users.authenticate("wang", PASSWORD)
    kept = {}
    for location in (catalog, database):
        taken = docs.take_in(data, FILENAME, path=location)
        applied = docs.apply_intake(taken, updates_only(taken), wang, path=location)
        kept[location] = (
            docs.read_index(location),
            docs.kept_lines(taken.doc_id, location),
            cited_lines(applied.seq, location),
        )
    (file_index, file_lines, file_cites), (db_index, db_lines, db_cites) = kept.values()
    for index in (file_index, db_index):
        for entry in index.values():
            for batch in entry["batches"]:
                batch.pop("at")
    assert db_index == file_index and db_lines == file_lines and db_cites == file_cites


def test_a_document_taken_in_on_one_server_is_cited_on_another(database, monkeypatch, data):
    env = {**os.environ, store.DATABASE_ENV: database}
    server_a = subprocess.run(
        [sys.executable, "-c", SERVER_A, PASSWORD],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert server_a.returncode == 0, server_a.stderr
    doc_id, seq = server_a.stdout.split()
    monkeypatch.setenv(store.DATABASE_ENV, database)  # this process is server B
    assert docs.read_index()[doc_id]["batches"][0]["seq"] == int(seq)
    lines = docs.kept_lines(doc_id)
    pid, line = next(iter(cited_lines(int(seq), database).items()))
    assert store.get(pid)["properties"]["name"][:4] in lines[line - 1]
    shown = subprocess.run(  # a third process: the command line shows the cited line
        [sys.executable, "-m", "geo.intake", "show", doc_id, str(line)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == f"{doc_id}:{line} {lines[line - 1]}"
    # the same document taken in on server B is recognised, not kept twice
    again = docs.take_in(data, "副本.docx")
    assert again.known["doc_id"] == doc_id
    assert connect(database).execute("SELECT count(*) FROM documents").fetchone()[0] == 1


def test_a_new_projects_bases_cite_the_document_in_both_stores(where, data):
    # what a new project's sector and years rest on is the document's line, said as the build
    # says it, not 「人工录入」 / manual (the geography step is not run here: no zone yet)
    wang = users.authenticate("wang", PASSWORD)
    taken = docs.take_in(data, FILENAME)
    rows = {r.name: r for r in taken.rows if r.kind == docs.NEW}
    applied = docs.apply_intake(taken, list(taken.rows), wang)
    made = {p["name"]: p for p in (store.get(i)["properties"] for i in applied.created)}
    assert set(made) == set(report.NEW)
    box = rows["西永智能网联汽车测试基地"]
    cited = f"文件 {taken.doc_id}《{report.TITLE}》第 {box.line} 行"
    assert made[box.name]["sector_basis"] == f"专栏1的主题（据{cited}）"
    assert made["歌乐山森林康养中心"]["sector_basis"] == "默认（名称与专栏都未说明）"
    for name, p in made.items():
        assert p["years_basis"] == rows[name].years_basis == "plan_year"
        assert f"年份据第 {rows[name].line} 行" in p["notes"]
    entry = [e for e in store.history() if e["seq"] == applied.seq and e["id"] in applied.created]
    assert len(entry) == 2 and all(e["changes"]["years_basis"][1] == "plan_year" for e in entry)
