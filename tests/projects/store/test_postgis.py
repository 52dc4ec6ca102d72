"""What only the PostGIS store has: crash safety by transaction, notifications, the geometry
column, and the choice of store by URL. The shared contract is in test_store.py."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import psycopg
import pytest

from projects import store
from projects.errors import InvalidValue
from projects.store import users, validate
from projects.store.postgis import watch
from projects.store.postgis.tables import connect
from tests.projects.store.test_crash import WRITER, initial_records
from tests.projects.store.test_store import PASSWORD, feature

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def db(postgres_db, tmp_path, monkeypatch):
    monkeypatch.setenv("SHAPINGBA_USERS", str(tmp_path / "users.json"))
    monkeypatch.setenv(store.DATABASE_ENV, postgres_db)
    users.add_user("wang", PASSWORD, rounds=4)
    return postgres_db


def test_a_url_selects_the_database_and_a_path_the_file(tmp_path, monkeypatch):
    url = "postgresql://u@127.0.0.1:5432/db"
    monkeypatch.delenv(store.DATABASE_ENV, raising=False)
    assert store.database_url() is None and store.location() == store.catalog_path()
    assert store.database_url(url) == url and store.database_url(tmp_path / "c.geojson") is None
    monkeypatch.setenv(store.DATABASE_ENV, url)
    assert store.database_url() == url and store.location() == url
    assert store.database_url(str(tmp_path / "c.geojson")) is None  # an explicit path wins


@pytest.mark.slow
def test_sigkill_mid_save_leaves_the_history_replayed_catalog(db, tmp_path):
    """A writer killed at random moments: every committed save is whole, none is half there."""
    initial = initial_records()[:60]
    store.rebuild(initial, db)
    users.add_user("crash", "crash-test-pw", rounds=4)
    env = {**os.environ, store.DATABASE_ENV: db, "SHAPINGBA_USERS": os.environ["SHAPINGBA_USERS"]}
    rng = random.Random()
    for round_ in range(8):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, "crash-test-pw", str(round_)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(rng.randint(1, 10)):
            assert writer.stdout.readline(), writer.stderr.read()
        for _ in range(rng.randint(0, 200_000)):  # a random point, mid-save more often than not
            pass
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
        writer.stderr.close()
        assert store.recover(db) == []  # nothing to roll forward: a save commits whole or not
        assert store.load(db) == store.replay(initial, store.history(path=db))
    for entries in _by_id(store.history(path=db)).values():
        assert [e["version"] for e in entries] == list(range(2, len(entries) + 2))


def _by_id(entries):
    out: dict[str, list] = {}
    for e in entries:
        out.setdefault(e["id"], []).append(e)
    return out


def test_every_save_notifies_the_ids_it_changed(db):
    store.rebuild([feature("T001", "测试轨道线"), feature("T002", "测试公园")], db)
    wang = users.authenticate("wang", PASSWORD)
    heard: list[dict] = []
    got = threading.Event()

    def on_change(payload):
        heard.append(payload)
        got.set()

    stop = watch(db, on_change)
    try:
        store.save(wang, "T002", {"notes": "通知测试"}, expected_version=1)
        assert got.wait(10), "no notification within 10 s"
    finally:
        stop()
    assert heard[0]["ids"] == ["T002"] and heard[0]["version"] == store.catalog_version(db)


def test_geometry_is_a_postgis_column_with_a_gist_index(db):
    point = feature("T001", "测试轨道线", point=(106.4, 29.55))
    store.rebuild([point, feature("T002", "测试公园")], db)
    conn = connect(db)
    found = conn.execute(
        "SELECT id, ST_SRID(geom) FROM projects "
        "WHERE ST_DWithin(geom, ST_SetSRID(ST_MakePoint(106.4, 29.55), 4326), 0.001)"
    ).fetchall()
    assert found == [("T001", 4326)]
    kinds = conn.execute(
        "SELECT am.amname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "JOIN pg_am am ON am.oid = c.relam WHERE i.indrelid = 'projects'::regclass"
    ).fetchall()
    assert ("gist",) in kinds
    assert json.loads(store.rebuilt_text([point], db))["features"][0] == point


def test_undo_batch_on_the_database(db):
    store.rebuild([feature("T001", "测试轨道线", "在建")], db)
    wang = users.authenticate("wang", PASSWORD)
    store.save_many(
        wang,
        [
            store.Edit("T001", {"status": "运营"}, 1, "2026-02-10"),
            store.Edit(None, {"name": "新建测试馆", "sector": "社会民生"}),
        ],
        reason="采纳文件",
    )
    [seq] = {e["seq"] for e in store.history()}
    store.undo_batch(wang, seq, reason="撤销")
    assert store.get("T001")["properties"]["status"] == "在建"
    assert store.get("staff-0001")["properties"]["deleted"] is True
    assert store.load() == store.replay([feature("T001", "测试轨道线", "在建")], store.history())


def _english(text: str) -> list[str]:
    """Words of Latin letters in a message staff read (ids like T001 and codes aside)."""
    return re.findall(r"[A-Za-z]{3,}", text)


def test_a_value_the_database_refuses_is_named_in_chinese(db, monkeypatch):
    """A row the database will not take is refused as the checks refuse: an InvalidValue that
    names the project and the field by its label, in Chinese (psycopg's English text is only
    its cause), and nothing of the save is written. Here an indexed field longer than an index
    entry can hold (the checks keep it to 100 characters; loosened here, as a new field's might
    be) and a rule an administrator added to the table."""
    store.rebuild([feature("T001", "测试轨道线"), feature("T002", "测试公园")], db)
    wang = users.authenticate("wang", PASSWORD)
    monkeypatch.setattr(validate, "MAX_NAME", 100_000)
    rng = random.Random(16)
    long = "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(1500))  # 4.5 kB
    with pytest.raises(InvalidValue) as refused:
        changes = {"notes": "备注", "lead_dept": long}
        store.save(wang, "T002", changes, expected_version=1, reason="核实")
    err = refused.value
    assert (err.project_id, err.field) == ("T002", "lead_dept")
    assert err.message_zh.startswith("项目 T002 的「牵头部门」不能为 “")
    assert "共 1500 个字符" in err.message_zh and "缩短" in err.message_zh
    assert not _english(err.message_zh), err.message_zh
    assert isinstance(err.__cause__, psycopg.errors.ProgramLimitExceeded)

    conn = connect(db)
    conn.execute(
        "ALTER TABLE projects ADD CONSTRAINT district_short CHECK (char_length(prop_district) < 6)"
    )
    try:
        with pytest.raises(InvalidValue) as refused:
            store.save_many(
                wang,
                [
                    store.Edit("T001", {"notes": "备注"}, 1),
                    store.Edit("T002", {"district": "沙坪坝区西永街道", "notes": "备注"}, 1),
                ],
                reason="核实",
            )
    finally:
        conn.execute("ALTER TABLE projects DROP CONSTRAINT district_short")
    err = refused.value
    assert (err.project_id, err.field) == ("T002", "district")
    assert err.message_zh.startswith("项目 T002 的「所在区」不能为 “沙坪坝区西永街道”")
    assert "不符合项目数据库的规则（district_short）" in err.message_zh
    assert isinstance(err.__cause__, psycopg.errors.CheckViolation)
    assert [f["properties"]["version"] for f in store.load()] == [1, 1]  # nothing written
    assert store.history() == []
