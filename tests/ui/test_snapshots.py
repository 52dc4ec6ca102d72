"""A new app server starts from what the last one kept (ui.snapshots): the same frame as a full
read, brought up to date with what was saved in between, and never a snapshot it can't trust."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

import pandas as pd
import pytest

from bench.synthetic import synthetic_collection
from geo.places import gazetteer
from projects import filters, store
from projects.sources import ROOT
from projects.store import users
from projects.store.postgis import read_places_file, write_places
from projects.store.postgis.tables import connect, ensure_schema
from tests.ui.test_catalog import forget, same_as_a_full_read, unread_catalog
from ui import catalog as ui_catalog
from ui import snapshots

PASSWORD = "缙云山-2026-pw"


@pytest.fixture(params=["file", "postgis"])
def where(request, tmp_path, monkeypatch) -> str:
    """A 300-record synthetic catalog on either store that this server has not read yet."""
    return unread_catalog(request, tmp_path, monkeypatch, synthetic_collection(300, seed=11))


def restart(where: str) -> None:
    """What a new server process holds of ``where``: nothing (its snapshots stay on disk)."""
    assert snapshots.settle()
    with ui_catalog._lock:
        ui_catalog._live.pop(where, None)


def held(where: str) -> pd.DataFrame:
    return ui_catalog.load_catalog(ui_catalog.catalog_key(where))


def full_read(where: str) -> pd.DataFrame:
    return filters.catalog_frame(store.load_collection(where))


def test_a_restarted_server_takes_the_kept_frame_not_the_file(where):
    first = held(where)
    assert ui_catalog.refresh_stats(where)["full"] == 1
    restart(where)
    again = held(where)
    stats = ui_catalog.refresh_stats(where)
    assert (stats["full"], stats["restored"]) == (0, 1)
    pd.testing.assert_frame_equal(again, first)
    pd.testing.assert_frame_equal(again, full_read(where))


def test_what_was_saved_between_two_servers_is_fetched_on_top(where, tmp_path, monkeypatch):
    monkeypatch.setenv("SHAPINGBA_USERS", str(tmp_path / "users.json"))
    users.add_user("li", PASSWORD, rounds=4)
    editor = users.authenticate("li", PASSWORD)
    held(where)
    restart(where)
    pid = str(full_read(where)["id"].iloc[7])
    store.save(editor, pid, {"name": "磁器口码头（改名）"}, expected_version=1)
    now = held(where)
    stats = ui_catalog.refresh_stats(where)
    assert (stats["full"], stats["restored"], stats["fetched"]) == (0, 1, 1)
    assert now.loc[now["id"] == pid, "name"].item() == "磁器口码头（改名）"
    same_as_a_full_read(now, where)


def test_a_catalog_replaced_wholesale_is_read_again(where):
    held(where)
    restart(where)
    store.rebuild(synthetic_collection(120, seed=3)["features"], where)
    now = held(where)
    assert ui_catalog.refresh_stats(where)["full"] == 1
    assert len(now) == 120


def test_a_database_made_anew_is_not_taken_for_the_old_one(postgres_db, monkeypatch):
    monkeypatch.setenv(store.DATABASE_ENV, postgres_db)
    store.rebuild(synthetic_collection(300, seed=11)["features"], postgres_db)
    forget(postgres_db)
    held(postgres_db)
    restart(postgres_db)
    # What a dropped and recreated database looks like: other rows, a new generation, and a
    # change counter that may have reached the old one's number again.
    connect(postgres_db).execute("DELETE FROM store_meta")
    connect(postgres_db).execute("ALTER SEQUENCE project_changes RESTART")
    ensure_schema(connect(postgres_db))
    store.rebuild(synthetic_collection(300, seed=12)["features"], postgres_db)
    now = held(postgres_db)
    assert ui_catalog.refresh_stats(postgres_db)["full"] == 1
    same_as_a_full_read(now, postgres_db)


def test_a_broken_snapshot_is_rebuilt_not_trusted(where):
    first = held(where)
    restart(where)
    (kept,) = [p for p in snapshots.folder().glob("catalog-*.pickle")]
    kept.write_bytes(b"not a pickle")
    again = held(where)
    assert ui_catalog.refresh_stats(where)["full"] == 1
    pd.testing.assert_frame_equal(again, first)


def test_a_snapshot_is_used_only_for_the_same_key():
    calls = []

    def build(value):
        calls.append(value)
        return {"value": value}

    assert snapshots.built("demo", ("a", 1), lambda: build(1)) == {"value": 1}
    assert snapshots.settle()
    assert snapshots.built("demo", ("a", 1), lambda: build(2)) == {"value": 1}
    assert snapshots.built("demo", ("a", 2), lambda: build(3)) == {"value": 3}
    assert calls == [1, 3]


def test_a_changed_program_starts_afresh(monkeypatch):
    snapshots.built("demo", ("b",), lambda: "old")
    assert snapshots.settle()
    monkeypatch.setattr(snapshots, "fingerprint", lambda: "another-program")
    assert snapshots.built("demo", ("b",), lambda: "new") == "new"


def test_only_this_users_snapshots_are_read():
    snapshots.built("demo", ("c",), lambda: "mine")
    assert snapshots.settle()
    (path,) = snapshots.folder().glob("demo-*.pickle")
    assert path.stat().st_mode & 0o777 == 0o600
    assert snapshots.folder().stat().st_mode & 0o777 == 0o700
    try:
        os.chown(path, os.getuid() + 1, -1)
    except PermissionError:
        pytest.skip("changing a file's owner needs root")
    assert snapshots.load("demo", ("c",)) is None
    assert pickle.loads(path.read_bytes()) == "mine"


def test_off_turns_snapshots_off(monkeypatch):
    monkeypatch.setenv(snapshots.CACHE_ENV, "off")
    assert snapshots.folder() is None
    assert snapshots.built("demo", ("d",), lambda: 1) == 1
    assert snapshots.built("demo", ("d",), lambda: 2) == 2


def test_kept_snapshots_are_written_once_the_page_is_sent():
    """Pickling holds the interpreter: what a run keeps waits until the page has sent what it
    draws (``flush``, at the end of each run), then is written in the background."""
    snapshots.keep("demo", ("e",), "later")
    assert not list(snapshots.folder().glob("demo-*.pickle"))
    snapshots.flush()
    assert snapshots.settle()
    assert snapshots.load("demo", ("e",)) == "later"


def test_a_stopping_server_writes_what_it_kept(tmp_path):
    """A server stopped before any page flushed still leaves its snapshots for the next one."""
    code = "from ui import snapshots; snapshots.keep('demo', ('f',), {'n': 1})"
    env = {**os.environ, snapshots.CACHE_ENV: str(tmp_path), "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, timeout=120)
    (path,) = tmp_path.glob("demo-*.pickle")
    assert pickle.loads(path.read_bytes()) == {"n": 1}


def test_places_read_from_a_database_make_another_fingerprint(postgres_db, monkeypatch):
    """A server whose places came from the database's table does not reuse snapshots built
    with the file's places (or with other rows of the table)."""
    monkeypatch.delenv(store.DATABASE_ENV, raising=False)
    gazetteer._load.cache_clear()
    snapshots.fingerprint.cache_clear()
    try:
        from_file = snapshots.fingerprint()
        features = read_places_file()
        write_places(postgres_db, features)
        monkeypatch.setenv(store.DATABASE_ENV, postgres_db)
        gazetteer._load.cache_clear()
        snapshots.fingerprint.cache_clear()
        from_table = snapshots.fingerprint()
        features[0]["properties"]["basis"] += "（改）"
        write_places(postgres_db, features)
        gazetteer._load.cache_clear()
        snapshots.fingerprint.cache_clear()
        assert len({from_file, from_table, snapshots.fingerprint()}) == 3
    finally:
        connect(postgres_db).execute("DELETE FROM places")
        gazetteer._load.cache_clear()
        snapshots.fingerprint.cache_clear()
