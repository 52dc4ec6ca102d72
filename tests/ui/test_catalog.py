"""Viewers refresh only what changed: the app server's catalog copy is patched with the records
a save changed (on either store), and with PostGIS a save's notice patches it unasked."""

from __future__ import annotations

import json
import re
import threading
import time

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from bench.synthetic import synthetic_collection
from geo import mapview
from projects import filters, store
from projects.sources import ROOT
from projects.store import users
from tests.helpers import stored_catalog
from ui import catalog as ui_catalog
from ui import snapshots

APP = str(ROOT / "app.py")
PASSWORD = "歌乐山-2026-pw"
COLUMNS = ["id", "name", "version", "status", "deleted", "start_year"]


@pytest.fixture
def editor(tmp_path, monkeypatch):
    monkeypatch.setenv("SHAPINGBA_USERS", str(tmp_path / "users.json"))
    users.add_user("wang", PASSWORD, rounds=4)
    return users.authenticate("wang", PASSWORD)


@pytest.fixture(params=["file", "postgis"])
def location(request, tmp_path, monkeypatch, editor):
    """A 200-record synthetic catalog on either store, the page's default; no copy held yet."""
    return unread_catalog(request, tmp_path, monkeypatch, synthetic_collection(200, seed=7))


def unread_catalog(request, tmp_path, monkeypatch, collection: dict) -> str:
    """``collection`` in the store ``request.param`` names ("file" or "postgis"), made the
    page's default, and not yet read by this server."""
    where = stored_catalog(request, tmp_path, monkeypatch, collection["features"])
    forget(where)
    return where


def forget(where: str) -> None:
    """This server holds no copy of ``where`` and no snapshot of it is kept (a test's catalog
    starts unread). With PostGIS a notice of an earlier save may still have been read into a
    snapshot meanwhile: once nothing is held, nothing writes one again."""
    with ui_catalog._lock:
        ui_catalog._live.pop(where, None)
    assert snapshots.settle()
    for kept in snapshots.folder().glob("catalog-*.pickle"):
        kept.unlink()


def held(where: str):
    """What this server shows now (a rerun's call)."""
    return ui_catalog.load_catalog(ui_catalog.catalog_key(where))


def same_as_a_full_read(frame, where: str) -> None:
    full = filters.catalog_frame(store.load_collection(where))
    pd.testing.assert_frame_equal(frame[COLUMNS], full[COLUMNS], check_dtype=False)
    assert list(frame.geometry.to_wkt()) == list(full.geometry.to_wkt())
    # Inference may differ (a column that was all empty), but numbers stay numbers.
    numeric = [c for c in full.columns if full[c].dtype.kind in "fiu"]
    assert all(frame[c].dtype.kind in "fiu" for c in numeric), frame.dtypes


def test_a_save_fetches_only_the_records_it_changed(location, editor):
    first = held(location)
    assert len(first) == 200 and ui_catalog.refresh_stats(location)["full"] == 1
    pid = str(first["id"].iloc[10])
    store.save(editor, pid, {"name": "凤凰湖公园（改名）"}, expected_version=1)
    now = held(location)
    assert now.loc[now["id"] == pid, "name"].item() == "凤凰湖公园（改名）"
    assert first.loc[first["id"] == pid, "name"].item() != "凤凰湖公园（改名）"  # not changed
    # With PostGIS the listener may have patched already: count what all patches fetched.
    stats = ui_catalog.refresh_stats(location)
    assert stats["full"] == 1 and stats["fetched"] == 1
    same_as_a_full_read(now, location)

    gone, back = str(first["id"].iloc[0]), str(first["id"].iloc[199])
    store.delete(editor, gone, expected_version=1)
    store.save(editor, back, {"status": "在建"}, expected_version=1)
    made = store.create(editor, {"name": "土主新建学校", "sector": "社会民生"})
    now = held(location)
    assert gone not in set(now["id"]) and len(now) == 200
    assert now["id"].iloc[-1] == made["properties"]["id"]
    stats = ui_catalog.refresh_stats(location)
    assert stats["full"] == 1 and stats["fetched"] == 4
    same_as_a_full_read(now, location)

    store.restore(editor, gone, expected_version=2)
    now = held(location)
    assert now["id"].iloc[0] == gone and ui_catalog.refresh_stats(location)["fetched"] == 5
    same_as_a_full_read(now, location)
    assert held(location) is now  # nothing new: the same frame, nothing fetched
    assert ui_catalog.refresh_stats(location)["fetched"] == 5


def test_a_rebuild_is_read_whole(location, editor):
    held(location)
    store.rebuild(synthetic_collection(150, seed=8)["features"], location)
    now = held(location)
    assert len(now) == 150 and ui_catalog.refresh_stats(location)["full"] == 2
    same_as_a_full_read(now, location)


def test_postgis_notice_patches_the_copy_before_any_rerun(postgres_db, monkeypatch, editor):
    monkeypatch.setenv(store.DATABASE_ENV, postgres_db)
    store.rebuild(synthetic_collection(50, seed=9)["features"], postgres_db)
    forget(postgres_db)
    pid = str(held(postgres_db)["id"].iloc[3])
    before = ui_catalog.refresh_stats(postgres_db)["fetched"]
    # Another connection (another thread, as another app server would) saves.
    saver = threading.Thread(
        target=store.save,
        args=(editor, pid, {"name": "西永综合枢纽"}),
        kwargs={"expected_version": 1},
    )
    saver.start()
    saver.join()
    deadline = time.monotonic() + 10
    while ui_catalog.refresh_stats(postgres_db)["fetched"] == before:
        assert time.monotonic() < deadline, "no notice patched the copy within 10 s"
        time.sleep(0.05)
    live = ui_catalog._live[postgres_db]
    assert live.view.loc[live.view["id"] == pid, "name"].item() == "西永综合枢纽"
    assert ui_catalog.refresh_stats(postgres_db)["fetched"] == before + 1


def table_names(at: AppTest) -> set[str]:
    return set(at.dataframe[0].value["名称"])


def test_the_page_shows_a_colleagues_save_after_fetching_one_record(location, editor):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    count = next(m.value for m in at.markdown if re.search(r"显示 \d+ / \d+", m.value))
    pid = str(held(location)["id"].iloc[0])
    assert "磁器口新名字" not in table_names(at)
    # The save comes from elsewhere (another server would do the same through the store).
    store.save(editor, pid, {"name": "磁器口新名字"}, expected_version=1)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "磁器口新名字" in table_names(at)
    assert count in [m.value for m in at.markdown]
    stats = ui_catalog.refresh_stats(location)
    assert stats["full"] == 1 and stats["fetched"] == 1


def test_a_warmed_server_builds_nothing_for_the_first_page(location, monkeypatch):
    """``python -m ui`` (``make run``) reads the catalog and works out the default first page
    as the server starts (``catalog.warm``): the first page then reads and builds none of it
    itself. Fails when the page asks for something the warm-up did not make (another key). The
    progress warnings are the page's to work out: without a browser (AppTest) it draws its table
    at once, which asks for them; a browser's first page asks once its map has painted."""
    ui_catalog.warm()
    assert ui_catalog.refresh_stats(location)["full"] == 1

    def refuse(*args, **kwargs):
        raise AssertionError("built again after the warm-up")

    for module, name in [
        (filters, "catalog_frame"),
        (filters, "shown_columns"),
        (filters, "first_mentioned_years"),
        (mapview, "encode_projects"),
        (mapview, "background"),
    ]:
        monkeypatch.setattr(module, name, refuse)
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, at.exception
    assert any("个项目" in m.value for m in at.markdown)
    assert ui_catalog.refresh_stats(location)["full"] == 1


def test_a_published_layer_removed_by_another_server_is_written_again(tmp_path, monkeypatch):
    """The layer files are shared by every app server of the checkout, which keeps the eight
    newest: a server beside this one (another catalog, the browser tests, a bench) pushed this
    server's current layer out, and every page it served from then on said 「项目图层加载失败，
    请刷新页面」, refreshing or not, until it restarted. A layer that has gone is written again."""
    path = tmp_path / "projects.geojson"
    path.write_text(json.dumps(synthetic_collection(30, seed=3), ensure_ascii=False), "utf-8")
    monkeypatch.setenv("SHAPINGBA_CATALOG", str(path))
    monkeypatch.setattr(ui_catalog, "PAYLOAD_DIR", tmp_path / "cache")
    key = ui_catalog.catalog_key(path)
    for gcj02 in (False, True):
        url = ui_catalog.project_payload(key, gcj02).url
        served = tmp_path / "cache" / url.rsplit("/", 1)[1]
        assert served.exists()
        served.unlink()  # pruned by another server
        assert ui_catalog.project_payload(key, gcj02).url == url
        assert served.exists()
    url = ui_catalog.background_url(False)
    served = tmp_path / "cache" / url.rsplit("/", 1)[1]
    served.unlink()
    assert ui_catalog.background_url(False) == url and served.exists()
