"""``python -m projects.store migrate``: file → database → file gives the same bytes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace

import pytest

from projects import documents as docs
from projects import store
from projects.sources import ROOT
from projects.store import users
from projects.store.postgis import documents as db_docs
from projects.store.postgis import replace_all
from tests import report_2026 as report
from tests.projects.store.test_store import PASSWORD, feature


@pytest.fixture
def edited_copy(tmp_path, monkeypatch):
    """The real catalog copied, with a history of every kind of save on top."""
    monkeypatch.setenv("SHAPINGBA_USERS", str(tmp_path / "users.json"))
    monkeypatch.delenv(store.DATABASE_ENV, raising=False)
    users.add_user("wang", PASSWORD, rounds=4)
    wang = users.authenticate("wang", PASSWORD)
    catalog = tmp_path / "file" / "projects.geojson"
    catalog.parent.mkdir()
    shutil.copy(ROOT / "data" / "projects.geojson", catalog)
    first, second = (f["properties"] for f in store.load(catalog)[:2])
    store.save(
        wang,
        first["id"],
        {"notes": "迁移测试「一」"},
        expected_version=first["version"],
        reason="核实",
        path=catalog,
    )
    store.save_many(
        wang,
        [
            store.Edit(second["id"], {"status": "建成"}, second["version"], "2025-06-30"),
            store.Edit(None, {"name": "迁移新建项目", "sector": "产业"}),
        ],
        reason="批量",
        path=catalog,
    )
    store.undo(wang, first["id"], expected_version=first["version"] + 1, path=catalog)
    store.delete(wang, "staff-0001", expected_version=1, reason="重复", path=catalog)
    return catalog


def test_file_to_database_and_back_is_byte_identical(edited_copy, postgres_db, tmp_path):
    history = store.history_path(edited_copy)
    done = store_migrate(edited_copy, postgres_db)
    assert "已迁移" in done
    assert store.load(postgres_db) == store.load(edited_copy)
    assert store.history(path=postgres_db) == store.history(path=edited_copy)
    back = tmp_path / "back" / "projects.geojson"
    store_migrate(postgres_db, back)
    assert back.read_bytes() == edited_copy.read_bytes()
    assert store.history_path(back).read_bytes() == history.read_bytes()


def test_a_database_edit_survives_the_way_back(edited_copy, postgres_db, tmp_path, monkeypatch):
    store_migrate(edited_copy, postgres_db)
    wang = users.authenticate("wang", PASSWORD)
    pid = store.load(postgres_db)[5]["properties"]["id"]
    version = store.get(pid, postgres_db)["properties"]["version"]
    store.save(wang, pid, {"notes": "在数据库中修改"}, expected_version=version, path=postgres_db)
    back = tmp_path / "back" / "projects.geojson"
    store_migrate(postgres_db, back)
    assert store.get(pid, back)["properties"]["notes"] == "在数据库中修改"
    assert store.history(path=back) == store.history(path=postgres_db)
    store.save(wang, pid, {"notes": "回到文件后继续修改"}, expected_version=version + 1, path=back)


def test_an_occupied_target_is_refused_unless_replace(postgres_db, tmp_path, monkeypatch):
    monkeypatch.delenv(store.DATABASE_ENV, raising=False)
    catalog = tmp_path / "projects.geojson"
    store.rebuild([feature("T001", "测试轨道线")], catalog)
    store_migrate(catalog, postgres_db)
    out = store_migrate(catalog, postgres_db, ok=False)
    assert "已有项目" in out and "--replace" in out
    store.rebuild([feature("T001", "测试轨道线"), feature("T002", "测试公园")], catalog)
    store_migrate(catalog, postgres_db, "--replace")
    assert [f["properties"]["id"] for f in store.load(postgres_db)] == ["T001", "T002"]
    assert "已存在" in store_migrate(postgres_db, catalog, ok=False)


def store_migrate(source, target, *extra, ok=True) -> str:
    """Run the command line as an operator would; its output (stdout, or stderr on refusal)."""
    done = subprocess.run(
        [sys.executable, "-m", "projects.store", "migrate", str(source), str(target), *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert (done.returncode == 0) == ok, done.stderr
    return done.stdout if ok else done.stderr


def test_accounts_go_along_both_ways(postgres_db, tmp_path, monkeypatch):
    """The account file beside the catalog goes into the accounts table and back, hashes and
    all: the same password logs in on every side."""
    monkeypatch.delenv(store.DATABASE_ENV, raising=False)
    monkeypatch.delenv("SHAPINGBA_USERS", raising=False)
    catalog = tmp_path / "file" / "projects.geojson"
    store.rebuild([feature("T001", "测试轨道线")], catalog)
    users.add_user("zhao", PASSWORD, catalog.with_name("users.json"), rounds=4)
    assert "1 个账号" in store_migrate(catalog, postgres_db)
    assert users.authenticate("zhao", PASSWORD, postgres_db) is not None
    assert users.authenticate("zhao", "wrong-password", postgres_db) is None
    back = tmp_path / "back" / "projects.geojson"
    assert "1 个账号" in store_migrate(postgres_db, back)
    assert users.accounts(back.with_name("users.json")) == users.accounts(postgres_db)
    assert users.authenticate("zhao", PASSWORD, back.with_name("users.json")) is not None
    users.add_user("qian", PASSWORD, postgres_db, rounds=4)  # the copies now differ
    out = store_migrate(postgres_db, back, ok=False)
    assert "已存在" in out
    store_migrate(postgres_db, back, "--replace")
    assert users.list_users(back.with_name("users.json")) == ["qian", "zhao"]


def _files(folder):
    """name -> bytes of a documents folder (its lock files are not data)."""
    return {f.name: f.read_bytes() for f in folder.iterdir() if not f.name.endswith(".lock")}


def test_kept_documents_go_in_and_back_byte_for_byte(edited_copy, postgres_db, tmp_path):
    """A document taken in on the file store is cited from the database after ``migrate``, and
    the documents folder made from the database again is the same bytes; an undo done in the
    database comes back with it."""
    wang = users.authenticate("wang", PASSWORD)
    taken = docs.take_in(report.docx_bytes(), "2026年政府工作报告.docx", path=edited_copy)
    rows = [replace(r, decision=docs.REJECT) if r.kind == docs.NEW else r for r in taken.rows]
    applied = docs.apply_intake(taken, rows, wang, path=edited_copy)
    folder = docs.documents_dir(edited_copy)
    before = _files(folder)
    assert set(before) == {"index.json", f"{taken.doc_id}.docx", f"{taken.doc_id}.txt"}
    assert "1 份已收录文件" in store_migrate(edited_copy, postgres_db)
    assert docs.read_index(postgres_db) == docs.read_index(edited_copy)
    assert docs.kept_lines(taken.doc_id, postgres_db) == docs.kept_lines(taken.doc_id, edited_copy)
    back = tmp_path / "back" / "projects.geojson"
    store_migrate(postgres_db, back)
    assert _files(docs.documents_dir(back)) == before
    docs.undo_intake(taken.doc_id, wang, path=postgres_db)
    assert "已存在" in store_migrate(postgres_db, back, ok=False)
    store_migrate(postgres_db, back, "--replace")
    (batch,) = docs.read_index(back)[taken.doc_id]["batches"]
    assert batch["seq"] == applied.seq and batch["undone"] is not None
    assert docs.read_index(back) == docs.read_index(postgres_db)
    after = _files(docs.documents_dir(back))
    assert {k: v for k, v in after.items() if k != "index.json"} == {
        k: v for k, v in before.items() if k != "index.json"
    }


def test_a_database_holding_only_documents_is_not_overwritten(postgres_db, tmp_path, monkeypatch):
    monkeypatch.delenv(store.DATABASE_ENV, raising=False)
    catalog = tmp_path / "projects.geojson"
    store.rebuild([feature("T001", "测试轨道线")], catalog)
    store_migrate(catalog, postgres_db)
    replace_all(postgres_db, [], [])
    kept = db_docs.Kept(
        "doc-0123456789ab", {"batches": [], "lines": "doc-0123456789ab.txt"}, None, b"x"
    )
    db_docs.replace_all(postgres_db, [kept])
    assert "文件库" in store_migrate(catalog, postgres_db, ok=False)
    assert docs.kept_lines("doc-0123456789ab", postgres_db) == ["x"]


def test_a_bad_documents_index_is_refused_in_chinese(tmp_path, postgres_db, monkeypatch):
    monkeypatch.delenv(store.DATABASE_ENV, raising=False)
    catalog = tmp_path / "projects.geojson"
    store.rebuild([feature("T001", "测试轨道线")], catalog)
    folder = docs.documents_dir(catalog)
    folder.mkdir()
    (folder / "index.json").write_text('{"doc-1": {"lines": "../../etc/passwd"}}', "utf-8")
    assert "文件名不合规" in store_migrate(catalog, postgres_db, ok=False)
    (folder / "index.json").write_text("{broken", "utf-8")
    assert "文件库索引无法读取" in store_migrate(catalog, postgres_db, ok=False)
