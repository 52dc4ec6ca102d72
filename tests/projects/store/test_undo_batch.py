"""One save undone as a whole (a document intake), and changes that cite their source line."""

from __future__ import annotations

import pytest

from projects import store
from projects.errors import InvalidValue
from projects.store import users
from tests.projects.store.test_store import PASSWORD, feature


@pytest.fixture
def catalog(tmp_path, monkeypatch):
    path = tmp_path / "projects.geojson"
    monkeypatch.setenv("SHAPINGBA_CATALOG", str(path))
    monkeypatch.setenv("SHAPINGBA_USERS", str(tmp_path / "users.json"))
    users.add_user("wang", PASSWORD, rounds=4)
    store.rebuild([feature("T001", "测试轨道线", "在建"), feature("T002", "测试公园")], path)
    return path


@pytest.fixture
def wang(catalog):
    return users.authenticate("wang", PASSWORD)


def _batch(wang):
    cite = "《2026年工作报告》第7行：建成投用"
    return store.save_many(
        wang,
        [
            store.Edit("T001", {"status": "运营"}, 1, "2026-02-10", cite=cite),
            store.Edit(None, {"name": "新建测试馆", "sector": "社会民生", "status": "规划"}),
        ],
        reason="采纳文件《2026年工作报告》",
    )


def test_a_cited_change_keeps_its_source_in_the_log_and_the_status_history(catalog, wang):
    _batch(wang)
    entry = store.history("T001")[-1]
    assert entry["cite"] == "《2026年工作报告》第7行：建成投用"
    last = store.get("T001")["properties"]["status_history"][-1]
    assert (last["status"], last["date"], last["cue"]) == (
        "运营",
        "2026-02-10",
        "《2026年工作报告》第7行：建成投用",
    )


def test_undo_batch_reverts_updates_and_deletes_creations_in_one_save(catalog, wang):
    before = store.get("T001")["properties"]
    created = _batch(wang)[1]["properties"]["id"]
    seq = store.history("T001")[-1]["seq"]
    store.undo_batch(wang, seq, reason="撤销文件采纳")
    after = store.get("T001")["properties"]
    assert after["status"] == "在建"
    assert after["status_history"] == before["status_history"]
    assert store.get(created)["properties"]["deleted"] is True
    undo_seqs = {e["seq"] for e in store.history() if e["action"] == "undo"}
    assert len(undo_seqs) == 1  # one save
    with pytest.raises(InvalidValue, match="已撤销"):
        store.undo_batch(wang, seq)


def test_undo_batch_refuses_when_a_record_changed_since(catalog, wang):
    _batch(wang)
    seq = store.history("T001")[-1]["seq"]
    store.save(wang, "T001", {"notes": "后来的修改"}, expected_version=2)
    text = catalog.read_text(encoding="utf-8")
    with pytest.raises(InvalidValue, match="又被修改过"):
        store.undo_batch(wang, seq)
    assert catalog.read_text(encoding="utf-8") == text
    with pytest.raises(InvalidValue, match="没有第 99 次"):
        store.undo_batch(wang, 99)
