"""The file store's fast save: a canonical catalog read as lines, only the records a save and
the checks need parsed, the changed lines spliced into the old bytes.

Every test here compares with the whole-file path (``_lines_snapshot`` turned off) or with what
a person reading the file sees, so a fast path that edits the wrong line, misses a hand edit or
skips a check fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from projects import store
from projects.errors import CatalogError, StaleVersion
from projects.sources import ROOT
from projects.store import catalog_file, file_store, users
from projects.store.catalog_file import dumps, read_lines
from tests.projects.store.test_store import PASSWORD, feature

#: A record's text that holds another record's line start, id and version keys.
LOOKALIKE = '{"type":"Feature","properties":{"id":"T001","version":9,"updated_by":"某人"}'


@pytest.fixture
def wang(tmp_path, monkeypatch):
    monkeypatch.setenv("SHAPINGBA_USERS", str(tmp_path / "users.json"))
    monkeypatch.delenv(store.DATABASE_ENV, raising=False)
    users.add_user("wang", PASSWORD, rounds=4)
    return users.authenticate("wang", PASSWORD)


def records() -> list[dict]:
    """Five records; T002 holds T001's line start in its text and a nested id and version."""
    out = [feature(f"T00{n}", f"测试项目{n}") for n in range(1, 5)]
    out.insert(2, feature("staff-0007", "已有的新建编号"))  # a made-up id must be staff-0008
    out[1]["properties"]["notes"] = LOOKALIKE
    out[1]["properties"]["status_history"][0]["id"] = "T001"
    out[1]["properties"]["status_history"][0]["updated_by"] = "某人"
    return out


def pair(tmp_path: Path) -> tuple[Path, Path]:
    """Two equal catalogs in their own folders (each has its own history)."""
    paths = []
    for name in ("lines", "whole"):
        (tmp_path / name).mkdir()
        paths.append(tmp_path / name / "projects.geojson")
        store.rebuild(records(), paths[-1])
    return paths[0], paths[1]


def whole_path(monkeypatch) -> None:
    monkeypatch.setattr(file_store, "_lines_snapshot", lambda *_: None)


def test_every_kind_of_save_writes_the_same_bytes_as_the_whole_file_path(
    tmp_path, wang, monkeypatch
):
    monkeypatch.setattr(file_store, "now", lambda: "2026-12-07T12:00:00+00:00")
    fast, slow = pair(tmp_path)
    steps = [
        lambda p: store.save(wang, "T001", {"notes": "改"}, expected_version=1, path=p),
        lambda p: store.save(wang, "T004", {"name": "末行"}, expected_version=1, path=p),
        lambda p: store.create(wang, {"name": "新建", "sector": "交通"}, path=p),
        lambda p: store.create(wang, {"id": "SPB-9001", "name": "带号", "sector": "交通"}, path=p),
        lambda p: store.save_many(
            wang,
            [
                store.Edit("T002", {"notes": "批量"}, 1),
                store.Edit(None, {"name": "批量新建", "sector": "交通"}),
                store.Edit("T003", {"status": "在建"}, 1),
            ],
            path=p,
        ),
        lambda p: store.delete(wang, "T003", expected_version=2, path=p),
        lambda p: store.restore(wang, "T003", expected_version=3, path=p),
        lambda p: store.revert(wang, "T001", 1, expected_version=2, path=p),
        lambda p: store.undo(wang, "T004", expected_version=2, path=p),
        lambda p: store.undo_batch(wang, 3, path=p),
        lambda p: store.save(wang, "T001", {"notes": "同值"}, expected_version=3, path=p),
    ]
    for n, step in enumerate(steps):
        with monkeypatch.context() as m:
            whole_path(m)
            step(slow)
        step(fast)
        assert fast.read_bytes() == slow.read_bytes(), n
        assert read_lines(fast) is not None, n  # the next save takes the fast path again
        assert (fast.parent / "history.jsonl").read_bytes() == (
            slow.parent / "history.jsonl"
        ).read_bytes(), n
    with pytest.raises(StaleVersion):
        store.save(wang, "T001", {"notes": "旧"}, expected_version=1, path=fast)
    assert store.load(fast) == store.load(slow)


def test_a_save_on_a_canonical_catalog_parses_only_what_it_needs(tmp_path, wang, monkeypatch):
    fast, _ = pair(tmp_path)
    store.save(wang, "T003", {"notes": "先改"}, expected_version=1, path=fast)
    parsed = []
    real = catalog_file.CatalogLines.__getitem__

    def spy(self, pid):
        parsed.append(pid)
        return real(self, pid)

    monkeypatch.setattr(catalog_file.CatalogLines, "__getitem__", spy)
    monkeypatch.setattr(file_store, "read_catalog", None)  # the whole read is not taken
    monkeypatch.setattr(catalog_file, "_BRIEFS", {})
    store.save(wang, "T001", {"notes": "改"}, expected_version=1, path=fast)
    # T003 (logged), T002 (a nested updated_by: parsed to be sure), T001 (saved)
    assert sorted(set(parsed)) == ["T001", "T002", "T003"]
    parsed.clear()
    store.save(wang, "T004", {"notes": "改"}, expected_version=1, path=fast)
    # T001's line is new (checked), T004 is saved; T002's and T003's lines are known
    assert sorted(set(parsed)) == ["T001", "T004"]


def test_a_records_id_inside_another_records_text_does_not_fool_the_save(tmp_path, wang):
    fast, _ = pair(tmp_path)
    before = {f["properties"]["id"]: f for f in store.load(fast)}
    store.save(wang, "T001", {"notes": "只改这一条"}, expected_version=1, path=fast)
    after = {f["properties"]["id"]: f for f in store.load(fast)}
    assert after["T001"]["properties"]["notes"] == "只改这一条"
    assert after["T002"] == before["T002"]
    assert after["T002"]["properties"]["notes"] == LOOKALIKE
    assert json.loads(fast.read_text("utf-8"))["features"] == store.load(fast)


def test_a_line_edited_by_hand_between_two_saves_is_kept_and_checked(tmp_path, wang):
    fast, _ = pair(tmp_path)
    store.save(wang, "T001", {"notes": "一"}, expected_version=1, path=fast)
    fast.write_text(fast.read_text("utf-8").replace("测试项目3", "人工改名"), "utf-8")
    store.save(wang, "T001", {"notes": "二"}, expected_version=2, path=fast)
    assert store.get("T003", fast)["properties"]["name"] == "人工改名"
    assert store.get("T001", fast)["properties"]["notes"] == "二"
    # an editor and version set by hand on a record the history never names (so it is found
    # by its updated_by alone) stop the save, with the whole path's words
    text = fast.read_text("utf-8")
    start = '{"type":"Feature","properties":{"id":"T004"'
    line = next(x for x in text.split("\n") if x.startswith(start))
    forged = line.replace('"version":1', '"version":2').replace(
        '"updated_by":null', '"updated_by":"某人"'
    )
    fast.write_text(text.replace(line, forged), "utf-8")
    with pytest.raises(CatalogError, match="T004") as fast_refusal:
        store.save(wang, "T001", {"notes": "x"}, expected_version=3, path=fast)
    file_store_lines = file_store._lines_snapshot
    try:
        file_store._lines_snapshot = lambda *_: None
        with pytest.raises(CatalogError) as whole_refusal:
            store.save(wang, "T001", {"notes": "x"}, expected_version=3, path=fast)
    finally:
        file_store._lines_snapshot = file_store_lines
    assert str(fast_refusal.value) == str(whole_refusal.value)
    assert "找不到" in str(fast_refusal.value)


def test_a_line_that_is_not_the_record_its_start_names_falls_back_to_the_whole_read(tmp_path, wang):
    fast, _ = pair(tmp_path)
    text = fast.read_text("utf-8")
    # T004's line now starts like T004 but is broken JSON: the save of T004 must not trust it
    fast.write_text(text.replace('"name":"测试项目4"', '"name":"测试项目4'), "utf-8")
    assert read_lines(fast) is not None  # the line starts still look canonical
    with pytest.raises(CatalogError, match="损坏"):
        store.save(wang, "T004", {"notes": "x"}, expected_version=1, path=fast)


def test_a_catalog_not_one_record_a_line_is_saved_through_the_whole_read(tmp_path, wang):
    fast, _ = pair(tmp_path)
    fast.write_text(json.dumps(json.loads(fast.read_text("utf-8")), indent=1), "utf-8")
    assert read_lines(fast) is None
    store.save(wang, "T002", {"notes": "缩进的文件"}, expected_version=1, path=fast)
    assert store.get("T002", fast)["properties"]["notes"] == "缩进的文件"
    assert read_lines(fast) is not None  # written back in canonical form
    assert fast.read_text("utf-8") == dumps(store.load(fast))


def test_a_committed_save_the_file_lacks_is_rolled_forward_by_the_next_save(tmp_path, wang):
    fast, _ = pair(tmp_path)
    old = fast.read_bytes()
    store.save(wang, "T001", {"notes": "已提交"}, expected_version=1, path=fast)
    fast.write_bytes(old)  # as if the writer died between the history line and the rename
    store.save(wang, "T002", {"notes": "下一次"}, expected_version=1, path=fast)
    on_disk = {f["properties"]["id"]: f for f in json.loads(fast.read_text("utf-8"))["features"]}
    assert on_disk["T001"]["properties"]["notes"] == "已提交"
    assert on_disk["T002"]["properties"]["notes"] == "下一次"


def test_a_missing_history_still_stops_the_save(tmp_path, wang):
    fast, _ = pair(tmp_path)
    store.save(wang, "T001", {"notes": "一"}, expected_version=1, path=fast)
    (fast.parent / "history.jsonl").unlink()
    with pytest.raises(CatalogError, match="修改记录文件 history.jsonl 不存在"):
        store.save(wang, "T004", {"notes": "x"}, expected_version=1, path=fast)


WRITER = r"""
import sys
from projects import store
from projects.store import users
editor = users.authenticate("wang", sys.argv[3])
for i in range(15):
    pid = sys.argv[2]
    version = store.get(pid, sys.argv[1])["properties"]["version"]
    store.save(editor, pid, {"notes": f"{pid}-{i}"}, expected_version=version, path=sys.argv[1])
"""


@pytest.mark.slow
def test_two_processes_saving_at_once_lose_nothing(tmp_path, wang):
    fast, _ = pair(tmp_path)
    env = {**os.environ, "SHAPINGBA_USERS": str(tmp_path / "users.json")}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(fast), pid, PASSWORD],
            cwd=ROOT,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for pid in ("T001", "T004")
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    final = {f["properties"]["id"]: f["properties"] for f in store.load(fast)}
    for pid in ("T001", "T004"):
        assert final[pid]["version"] == 16 and final[pid]["notes"] == f"{pid}-14"
    assert json.loads(fast.read_text("utf-8"))["features"] == store.replay(
        records(), store.history(path=fast)
    )


@pytest.mark.parametrize(
    "forged",
    ['"version":2,"deleted":false,"updated_by" : "某人"', '"version":2,"updated\\u005fby":"某人"'],
)
def test_an_editor_written_by_hand_in_other_spelling_is_still_checked(tmp_path, wang, forged):
    fast, _ = pair(tmp_path)
    text = fast.read_text("utf-8")
    start = '{"type":"Feature","properties":{"id":"T004"'
    line = next(x for x in text.split("\n") if x.startswith(start))
    assert '"version":1,"deleted":false,"updated_by":null' in line
    forged_line = line.replace('"version":1,"deleted":false,"updated_by":null', forged)
    fast.write_text(text.replace(line, forged_line), "utf-8")
    assert store.get("T004", fast)["properties"]["updated_by"] == "某人"  # as JSON reads it
    with pytest.raises(CatalogError, match="T004.*找不到"):
        store.save(wang, "T001", {"notes": "x"}, expected_version=1, path=fast)
