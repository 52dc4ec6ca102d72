"""Backup and restore: a snapshot taken while a writer saves (and is killed) restores whole."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading

import pytest

from projects import store
from projects.errors import CatalogError
from projects.schema import empty_properties
from projects.sources import ROOT
from projects.store import audit, backup, users

PASSWORD = "backup-test-pw"

# Saves forever (singles and batches), printing one line after each save.
WRITER = r"""
import random, sys
from projects import store
from projects.store import users

editor = users.authenticate("writer", sys.argv[1])
rng = random.Random(int(sys.argv[2]))
ids = [f["properties"]["id"] for f in store.load()]
n = 0
while True:
    n += 1
    current = {f["properties"]["id"]: f["properties"]["version"] for f in store.load()}
    picks = rng.sample(ids, 3)
    edits = [store.Edit(p, {"notes": f"第{n}次"}, current[p]) for p in picks]
    store.save_many(editor, edits, reason=f"batch {n}")
    print(n, flush=True)
"""


def initial(n: int = 40) -> list[dict]:
    out = []
    for i in range(n):
        props = empty_properties()
        props.update(id=f"SPB-{i:04d}", name=f"备份测试项目{i}", sector="产业", status="在建")
        out.append({"type": "Feature", "properties": props, "geometry": None})
    return out


@pytest.fixture
def live(tmp_path, monkeypatch):
    """A file store in tmp_path/live with one account, plus two documents."""
    folder = tmp_path / "live"
    folder.mkdir()
    docs = tmp_path / "seeds"
    docs.mkdir()
    (docs / "001_plan.txt").write_text("第一章 总则\n", "utf-8")
    (docs / "INDEX.md").write_text("# 文件\n", "utf-8")
    catalog = folder / "projects.geojson"
    for name, value in (
        ("SHAPINGBA_CATALOG", catalog),
        ("SHAPINGBA_USERS", folder / "users.json"),
        ("SHAPINGBA_SEEDS", docs),
    ):
        monkeypatch.setenv(name, str(value))
    monkeypatch.delenv("SHAPINGBA_AUDIT", raising=False)
    monkeypatch.delenv(store.DATABASE_ENV, raising=False)
    store.rebuild(initial(), catalog)
    users.add_user("writer", PASSWORD, rounds=4)
    return catalog


def test_a_backup_taken_while_a_writer_is_killed_restores_whole(live, tmp_path):
    env = {**os.environ}
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, PASSWORD, "7"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(5):
            assert writer.stdout.readline(), writer.stderr.read()
        snapshot = tmp_path / "backup"
        done: list[object] = []
        thread = threading.Thread(target=lambda: done.append(backup.backup(snapshot)))
        thread.start()
        writer.send_signal(signal.SIGKILL)  # while the backup runs, perhaps mid-save
        thread.join(60)
    finally:
        writer.kill()
        writer.wait()
        writer.stdout.close()
        writer.stderr.close()
    assert done and done[0].files["catalog"] == 1 and done[0].files["document"] == 2
    entries = backup.check(snapshot)
    assert {e["role"] for e in entries} >= {"catalog", "history", "users", "audit", "document"}

    # The snapshot is consistent: its catalog is its history replayed over the built records.
    saved = json.loads((snapshot / "projects.geojson").read_text("utf-8"))["features"]
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "projects.geojson").write_text((snapshot / "projects.geojson").read_text("utf-8"))
    (copy / "history.jsonl").write_bytes((snapshot / "history.jsonl").read_bytes())
    assert store.load(copy / "projects.geojson") == store.replay(
        initial(), store.history(path=copy / "projects.geojson")
    )
    del saved

    # Later saves, a lost history, then the restore brings back exactly the snapshot.
    editor = users.authenticate("writer", PASSWORD)
    version = store.get("SPB-0001")["properties"]["version"]
    store.save(editor, "SPB-0001", {"notes": "备份之后的修改"}, expected_version=version)
    store.history_path().unlink()
    version = store.get("SPB-0002")["properties"]["version"]
    with pytest.raises(CatalogError, match="不存在"):
        store.save(editor, "SPB-0002", {"notes": "x"}, expected_version=version)
    summary = backup.restore(snapshot)
    assert summary.files["history"] == 1
    assert store.load() == store.load(copy / "projects.geojson")
    store.recover()  # a save the kill cut after its commit rolls forward
    assert store.load() == store.replay(initial(), store.history())
    editor = users.authenticate("writer", PASSWORD)
    version = store.get("SPB-0002")["properties"]["version"]
    store.save(editor, "SPB-0002", {"notes": "恢复后可以保存"}, expected_version=version)
    events = [e["event"] for e in audit.read()]
    assert "backup" in events and events[-2:] == ["restore", "login_ok"]


def test_a_damaged_or_unfinished_backup_is_refused_and_nothing_changes(live, tmp_path):
    snapshot = tmp_path / "backup"
    backup.backup(snapshot)
    before = live.read_bytes()
    (snapshot / "history.jsonl").write_text("{}\n", "utf-8") if (
        snapshot / "history.jsonl"
    ).exists() else None
    (snapshot / "projects.geojson").write_bytes(before.replace(b"SPB-0001", b"SPB-9999"))
    with pytest.raises(CatalogError, match="校验值不符"):
        backup.restore(snapshot)
    assert live.read_bytes() == before
    (snapshot / "manifest.json").unlink()
    with pytest.raises(CatalogError, match="不是完整的备份"):
        backup.restore(snapshot)
    with pytest.raises(CatalogError, match="不是空的"):
        backup.backup(snapshot)


def test_the_command_backs_up_and_restores(live, tmp_path):
    env = {**os.environ}
    run = [sys.executable, "-m", "projects.store"]
    done = subprocess.run(
        [*run, "backup", str(tmp_path / "b")], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "已备份到" in done.stdout and "项目目录 1 个" in done.stdout
    live.write_text("broken", "utf-8")
    done = subprocess.run(
        [*run, "restore", str(tmp_path / "b")], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert len(store.load()) == 40
