"""The store contract: history, restore, undo, version conflicts, rebuild, on both stores.

Tests taking ``catalog`` run against the file store and against PostGIS (a throwaway cluster,
see tests/conftest.py); those taking ``file_catalog`` check what only the file store has (atomic
replace, write-ahead recovery, byte-identical files, the catalog path).
"""

from __future__ import annotations

import errno
import gc
import json
import os
import threading
from pathlib import Path

import pytest

from projects import clock, store, vocab
from projects.errors import CatalogError, InvalidValue, NotAllowed, StaleVersion
from projects.schema import empty_properties
from projects.store import atomic_write, catalog_file, users, validate
from projects.store.catalog_file import dumps
from tests.helpers import district_outline

PASSWORD = "磁器口-2025-pw"


@pytest.fixture(scope="module")
def outline(request):
    return district_outline(request)


def feature(pid, name, status="规划", point=None, **props):
    p = empty_properties()
    p.update(id=pid, name=name, sector="交通", status=status, zone="中", **props)
    p["status_history"] = [
        {
            "doc": "001_597dad319c36e270.txt",
            "date": "2021",
            "year": 2021,
            "status": status,
            "cue": "规划",
            "line": 1,
            "part": None,
        }
    ]
    geometry = {"type": "Point", "coordinates": list(point)} if point else None
    return {"type": "Feature", "properties": p, "geometry": geometry}


@pytest.fixture
def built(outline):
    """Three records as the catalog build would make them (one unplaced)."""
    inside = outline.representative_point()
    return [
        feature(
            "T001", "测试轨道线", "在建", (round(inside.x, 4), round(inside.y, 4)), start_year=2021
        ),
        feature("T002", "测试公园", "规划"),
        feature("T003", "<b>测试</b>中心", "前期", (round(inside.x, 4), round(inside.y, 4))),
    ]


@pytest.fixture
def accounts(tmp_path, monkeypatch):
    monkeypatch.setenv("SHAPINGBA_USERS", str(tmp_path / "users.json"))
    users.add_user("wang", PASSWORD, rounds=4)
    users.add_user("li", PASSWORD, rounds=4)


@pytest.fixture
def file_catalog(tmp_path, monkeypatch, built, accounts):
    path = tmp_path / "projects.geojson"
    monkeypatch.setenv("SHAPINGBA_CATALOG", str(path))
    monkeypatch.delenv(store.DATABASE_ENV, raising=False)
    store.rebuild(built, path)
    return path


@pytest.fixture(params=["file", "postgis"])
def catalog(request, monkeypatch, built, accounts):
    """The catalog's location (a path or a database URL), also the default for calls without one."""
    if request.param == "file":
        return request.getfixturevalue("file_catalog")
    url = request.getfixturevalue("postgres_db")
    monkeypatch.setenv(store.DATABASE_ENV, url)
    store.rebuild(built, url)
    return url


def text(location):
    """The catalog as the file store writes it (for a database: its records in that form)."""
    if isinstance(location, Path):
        return location.read_text("utf-8")
    return dumps(store.load(location))


def state(location):
    """Everything a save could change: the records and the history."""
    return store.load(location), store.history(path=location)


@pytest.fixture
def wang(accounts):
    return users.authenticate("wang", PASSWORD)


@pytest.fixture
def li(accounts):
    return users.authenticate("li", PASSWORD)


def props(pid):
    return store.get(pid)["properties"]


def test_save_records_who_when_old_new_and_reason(catalog, wang):
    saved = store.save(
        wang,
        "T001",
        {"status": "建成"},
        expected_version=1,
        reason="竣工验收",
        status_date="2024-12-30",
    )
    assert saved["properties"]["version"] == 2
    assert props("T001")["status"] == "建成" and props("T001")["updated_by"] == "wang"
    staff = props("T001")["status_history"][-1]
    assert staff["doc"] is None and staff["date"] == "2024-12-30" and staff["status"] == "建成"
    [entry] = store.history("T001")
    assert entry["by"] == "wang" and entry["reason"] == "竣工验收" and entry["action"] == "update"
    assert entry["changes"]["status"] == ["在建", "建成"]
    assert entry["at"] == props("T001")["updated_at"] and entry["at"].endswith("+00:00")
    assert store.history("T002") == []


def test_a_stale_save_is_refused_showing_the_colleagues_change(catalog, wang, li):
    seen = props("T002")["version"]
    store.save(li, "T002", {"status": "前期", "lead_dept": "区住房城乡建委"}, expected_version=seen)
    before = state(catalog)
    with pytest.raises(StaleVersion) as info:
        store.save(wang, "T002", {"name": "改名公园"}, expected_version=seen)
    err = info.value
    assert (err.expected, err.actual) == (1, 2)
    assert err.changes["status"] == ("规划", "前期") and "lead_dept" in err.changes
    assert "li" in err.message_zh and "规划 → 前期" in err.message_zh and "未保存" in err.message_zh
    assert state(catalog) == before
    assert props("T002")["name"] == "测试公园" and len(store.history("T002")) == 1


def test_a_batch_names_every_record_a_colleague_changed_meanwhile(catalog, wang, li):
    store.save(li, "T001", {"investment": 12000.0}, expected_version=1)
    store.save(li, "T003", {"status": "在建"}, expected_version=1)
    before = state(catalog)
    edits = [
        store.Edit("T001", {"notes": "我的修改"}, 1),
        store.Edit("T002", {"notes": "我的修改"}, 1),
        store.Edit("T003", {"notes": "我的修改"}, 1),
    ]
    with pytest.raises(StaleVersion) as info:
        store.save_many(wang, edits, action="import")
    err = info.value
    assert [r.project_id for r in (err, *err.also)] == ["T001", "T003"]
    assert err.changes == {"investment": (None, 12000.0)}
    assert err.also[0].changes["status"] == ("前期", "在建")
    assert all("li" in r.head for r in (err, *err.also))
    assert "2 个项目" in err.message_zh and "前期 → 在建" in err.message_zh
    assert state(catalog) == before


def test_no_login_no_save_and_nothing_changes(catalog):
    before = state(catalog)
    for fake in (None, users.Editor("wang"), "wang"):
        with pytest.raises(NotAllowed):
            store.save(fake, "T001", {"status": "建成"}, expected_version=1)
        with pytest.raises(NotAllowed):
            store.create(fake, {"name": "x", "sector": "交通"})
        with pytest.raises(NotAllowed):
            store.delete(fake, "T001", expected_version=1)
    assert state(catalog) == before
    assert store.history() == []


@pytest.mark.parametrize(
    "changes",
    [
        {"name": ""},
        {"name": "名" * 101},
        {"start_year": 1989},
        {"end_year": 2101},
        {"end_year": 2020},  # before start_year 2021
        {"status": "完成"},
        {"sector": "教育"},
        {"investment": -5},
        {"version": 9},
        {"geometry": {"type": "Point", "coordinates": [104.066, 30.657]}},
        {
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[106.3, 29.6], [106.4, 29.7], [106.4, 29.6], [106.3, 29.7], [106.3, 29.6]]
                ],
            }
        },
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(catalog, wang, outline, changes):
    before = state(catalog)
    with pytest.raises(InvalidValue) as info:
        store.save(wang, "T001", changes, expected_version=1, outline=outline)
    assert info.value.project_id == "T001" and info.value.message_zh
    assert state(catalog) == before
    assert store.history() == []


def test_html_is_stored_as_typed(catalog, wang):
    store.save(wang, "T003", {"notes": "<script>alert(1)</script>"}, expected_version=1)
    assert props("T003")["notes"] == "<script>alert(1)</script>"
    assert props("T003")["name"] == "<b>测试</b>中心"


def test_placement_is_manual_with_the_editors_name(catalog, wang, outline):
    p = outline.representative_point()
    line = {"type": "LineString", "coordinates": [[p.x, p.y], [p.x + 0.01, p.y + 0.01]]}
    store.save(wang, "T002", {"geometry": line}, expected_version=1, outline=outline)
    rec = store.get("T002")
    assert rec["geometry"] == line
    assert (
        rec["properties"]["precision"] == "manual" and rec["properties"]["geo_method"] == "manual"
    )
    assert "wang" in rec["properties"]["geo_basis"]
    far = {"type": "Point", "coordinates": [104.066, 30.657]}
    with pytest.raises(InvalidValue, match=vocab.OUTSIDE):
        store.save(wang, "T002", {"geometry": far}, expected_version=2, outline=outline)
    store.save(
        wang, "T002", {"geometry": far, "zone": vocab.OUTSIDE}, expected_version=2, outline=outline
    )
    assert store.get("T002")["geometry"] == far
    with pytest.raises(InvalidValue, match=vocab.OUTSIDE):  # the zone cannot leave 区外 alone
        store.save(wang, "T002", {"zone": "西"}, expected_version=3, outline=outline)


def test_a_staff_edit_says_it_is_the_basis_of_what_it_changed(catalog, wang, outline):
    """Years, zone and sector set by staff no longer rest on what the build read: the details
    and every export said 「年份：2024–2027（文件规划期，文中无具体年份）」 after staff had typed
    2024–2027, and a project placed by hand kept the place name it had been matched to. The
    basis now names the edit; an undo puts the build's basis back."""
    store.rebuild(
        [
            feature(
                "T001",
                "测试轨道线",
                start_year=2021,
                end_year=2025,
                years_basis="period",
                zone_basis="文中：名称含磁器口",
                sector_basis="专栏12的主题",
                geo_matched="沙坪坝区",
            )
        ],
        catalog,
    )
    store.save(wang, "T001", {"notes": "只改备注"}, expected_version=1, reason="备注")
    assert props("T001")["years_basis"] == "period"  # untouched fields keep their basis
    store.save(
        wang,
        "T001",
        {"start_year": 2024, "end_year": 2027, "zone": "东", "sector": "产业"},
        expected_version=2,
        reason="区交通局函",
    )
    after = props("T001")
    assert after["years_basis"] == "manual"
    assert vocab.code_label("years_basis", "manual") == "人工修改"
    assert after["zone_basis"].startswith("人工修改：wang 于 ")
    assert after["sector_basis"].startswith("人工修改：wang 于 ")
    assert after["geo_matched"] == "沙坪坝区"
    p = outline.representative_point()
    point = {"type": "Point", "coordinates": [round(p.x, 5), round(p.y, 5)]}
    store.save(wang, "T001", {"geometry": point}, expected_version=3, outline=outline)
    assert props("T001")["geo_matched"] is None  # placed by hand: no matched place
    store.undo(wang, "T001", expected_version=4, reason="撤销")
    store.undo(wang, "T001", expected_version=5, reason="撤销")
    back = props("T001")
    assert back["years_basis"] == "period" and back["zone_basis"] == "文中：名称含磁器口"
    assert back["sector_basis"] == "专栏12的主题" and back["geo_matched"] == "沙坪坝区"


def test_create_soft_delete_and_restore(catalog, wang, outline):
    p = outline.representative_point()
    rec = store.create(
        wang,
        {"name": "新建测试项目", "sector": "社会民生", "status": "规划"},
        {"type": "Point", "coordinates": [p.x, p.y]},
        reason="新立项",
        outline=outline,
    )
    pid = rec["properties"]["id"]
    assert pid == "staff-0001" and rec["properties"]["precision"] == "manual"
    assert (
        store.create(wang, {"name": "第二个", "sector": "交通"})["properties"]["id"] == "staff-0002"
    )
    with pytest.raises(InvalidValue):
        store.create(wang, {"name": "缺领域"})
    with pytest.raises(InvalidValue):
        store.create(wang, {"id": "T001", "name": "重号", "sector": "交通"})
    store.delete(wang, pid, expected_version=1, reason="重复录入")
    shown = [f["properties"]["id"] for f in store.load_collection()["features"]]
    assert pid not in shown and "T001" in shown
    assert props(pid)["deleted"] is True
    store.restore(wang, pid, expected_version=2)
    assert pid in [f["properties"]["id"] for f in store.load_collection()["features"]]
    assert [e["action"] for e in store.history(pid)] == ["create", "delete", "restore"]


def test_a_project_staff_create_says_who_entered_what(catalog, wang, outline):
    # A created project said 「领域依据：无」 and 「定位依据：未注明」 in its details.
    rec = store.create(
        wang,
        {"name": "新建无位置项目", "sector": "社会民生", "zone": "西", "start_year": 2026},
        reason="新立项",
    )["properties"]
    assert rec["sector_basis"].startswith("人工录入：wang 于 ")
    assert rec["zone_basis"].startswith("人工录入：wang 于 ")
    assert rec["years_basis"] == "manual"
    assert rec["precision"] is None and rec["geo_basis"].endswith("新建，尚未定位")
    assert rec["geo_basis"].startswith("wang 于 ")
    p = outline.representative_point()
    placed = store.create(
        wang,
        {"name": "新建有位置项目", "sector": "交通"},
        {"type": "Point", "coordinates": [p.x, p.y]},
        outline=outline,
    )["properties"]
    assert placed["precision"] == "manual" and placed["geo_basis"].endswith("在地图上放置")
    assert placed["zone_basis"] in (None, "")  # no zone given, none claimed


def test_revert_to_an_earlier_version(catalog, wang, li):
    original = store.get("T001")
    store.save(wang, "T001", {"status": "建成", "investment": 1000}, expected_version=1)
    store.save(li, "T001", {"name": "测试轨道线（改）", "investment": 2500.0}, expected_version=2)
    store.revert(wang, "T001", 1, expected_version=3, reason="录入有误")
    now = store.get("T001")
    for key in ("name", "status", "investment", "status_history"):
        assert now["properties"][key] == original["properties"][key]
    assert now["properties"]["version"] == 4 and store.history("T001")[-1]["to_version"] == 1
    with pytest.raises(InvalidValue):
        store.revert(wang, "T001", 4, expected_version=4)


def test_undo_walks_back_one_edit_at_a_time(catalog, wang):
    store.save(wang, "T002", {"status": "前期"}, expected_version=1)
    store.save(wang, "T002", {"notes": "第二次"}, expected_version=2)
    store.undo(wang, "T002", expected_version=3)
    assert props("T002")["notes"] == "" and props("T002")["status"] == "前期"
    store.undo(wang, "T002", expected_version=4)
    assert props("T002")["status"] == "规划" and len(props("T002")["status_history"]) == 1
    with pytest.raises(InvalidValue, match="没有可撤销"):
        store.undo(wang, "T002", expected_version=5)
    made = store.create(wang, {"name": "误建", "sector": "交通"})
    store.undo(wang, made["properties"]["id"], expected_version=1)
    assert props(made["properties"]["id"])["deleted"] is True


def test_save_replaces_the_file_atomically_and_leaves_no_temp_files(file_catalog, wang):
    inode, key = file_catalog.stat().st_ino, store.catalog_version()
    store.save(wang, "T001", {"notes": "一"}, expected_version=1)
    assert file_catalog.stat().st_ino != inode and store.catalog_version() != key
    assert sorted(p.name for p in file_catalog.parent.iterdir() if p.name.startswith(".")) == []
    json.loads(file_catalog.read_text("utf-8"))


def _files(catalog):
    hist = store.history_path()
    return catalog.read_bytes(), hist.read_bytes() if hist.exists() else None


def test_a_full_disk_changes_nothing_and_says_so_in_chinese(
    file_catalog, wang, monkeypatch, caplog
):
    store.save(wang, "T002", {"notes": "先有一条记录"}, expected_version=1)
    before = _files(file_catalog)

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(atomic_write.tempfile, "mkstemp", full_disk)
        with pytest.raises(CatalogError, match="磁盘空间已满") as err:
            store.save(wang, "T001", {"notes": "丢失"}, expected_version=1)
    assert "Traceback" not in err.value.message_zh and "Errno" not in err.value.message_zh
    assert "No space left" in caplog.text  # the traceback is in the server log instead
    assert _files(file_catalog) == before
    assert not [p for p in file_catalog.parent.iterdir() if p.suffix == ".tmp"]
    store.save(wang, "T001", {"notes": "成功"}, expected_version=1)  # and nothing rolls forward
    assert [e["changes"]["notes"][1] for e in store.history("T001")] == ["成功"]


def test_a_failed_history_append_changes_nothing(file_catalog, wang, monkeypatch):
    store.save(wang, "T002", {"notes": "先有一条记录"}, expected_version=1)
    before = _files(file_catalog)
    real_fsync = os.fsync
    calls = []

    def failing_second_fsync(fd):  # the temp file_catalog syncs, the history line does not
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.EIO, "Input/output error")
        real_fsync(fd)

    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", failing_second_fsync)
        with pytest.raises(CatalogError, match="磁盘读写出错"):
            store.save(wang, "T001", {"notes": "丢失"}, expected_version=1)
    assert _files(file_catalog) == before
    assert store.recover() == []


def test_a_failed_directory_fsync_keeps_catalog_and_history_together(
    file_catalog, built, wang, monkeypatch
):
    """After os.replace the save is in the file_catalog; its history line must stay (write-ahead)."""

    def broken_dir_sync(folder):
        raise OSError(errno.EIO, "Input/output error")

    with monkeypatch.context() as patch:
        patch.setattr(atomic_write, "fsync_dir", broken_dir_sync)
        store.save(wang, "T001", {"notes": "已提交"}, expected_version=1)
    assert props("T001")["notes"] == "已提交"
    assert [e["changes"]["notes"][1] for e in store.history("T001")] == ["已提交"]
    assert store.replay(built, store.history()) == store.load()
    assert json.loads(file_catalog.read_text("utf-8")) == store.load_collection(
        include_deleted=True
    )


def test_a_failed_replace_after_the_commit_is_rolled_forward(
    file_catalog, built, wang, monkeypatch
):
    before = file_catalog.read_bytes()

    def refused(src, dst):
        raise OSError(errno.EIO, "Input/output error")

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", refused)
        store.save(wang, "T001", {"notes": "已记入历史"}, expected_version=1)
    assert file_catalog.read_bytes() == before  # the file lags …
    assert props("T001")["notes"] == "已记入历史"  # … but every reader sees the commit
    assert store.replay(built, store.history()) == store.load()
    assert store.recover() == ["T001"]
    assert json.loads(file_catalog.read_text("utf-8"))["features"] == store.load()
    assert not [p for p in file_catalog.parent.iterdir() if p.suffix == ".tmp"]


def test_a_missing_history_stops_saves_and_is_not_recreated(file_catalog, built, wang):
    store.save(wang, "T001", {"notes": "人工修改"}, expected_version=1)
    store.history_path().unlink()
    with pytest.raises(CatalogError, match="history.jsonl 不存在"):
        store.save(wang, "T002", {"notes": "之后的修改"}, expected_version=1)
    with pytest.raises(CatalogError, match="history.jsonl 不存在"):
        store.rebuild(built, file_catalog)  # would drop the edit for good
    assert not store.history_path().exists()
    assert props("T001")["notes"] == "人工修改"


@pytest.mark.parametrize(
    "line",
    ['{"edits": 5}', "[1, 2]", '{"at": "x", "by": "y", "edits": [{"id": "T001"}]}', "{"],
)
def test_a_damaged_history_line_gives_a_chinese_message(file_catalog, wang, line):
    store.save(wang, "T001", {"notes": "人工修改"}, expected_version=1)
    with store.history_path().open("a", encoding="utf-8") as f:
        f.write(line + "\n")
    for call in (
        lambda: store.save(wang, "T002", {"notes": "x"}, expected_version=1),
        lambda: store.history("T001"),
    ):
        with pytest.raises(CatalogError, match="第 2 行已损坏"):
            call()


def test_a_read_only_catalog_is_left_alone(file_catalog, wang):
    file_catalog.chmod(0o444)
    before = _files(file_catalog)
    with pytest.raises(CatalogError, match="只读"):
        store.save(wang, "T001", {"notes": "x"}, expected_version=1)
    assert _files(file_catalog) == before
    assert file_catalog.stat().st_mode & 0o777 == 0o444
    file_catalog.chmod(0o640)
    store.save(wang, "T001", {"notes": "x"}, expected_version=1)
    assert file_catalog.stat().st_mode & 0o777 == 0o640  # the owner's choice of mode is kept


def test_a_record_line_duplicated_by_hand_gets_a_clear_message(file_catalog, wang):
    lines = file_catalog.read_text("utf-8").split("\n")
    copy_of = next(i for i, line in enumerate(lines) if '"T002"' in line)
    lines.insert(copy_of, lines[copy_of].rstrip(",") + ",")
    file_catalog.write_text("\n".join(lines), "utf-8")
    with pytest.raises(CatalogError, match="T002 出现了两次"):
        store.save(wang, "T002", {"notes": "x"}, expected_version=1)


def test_save_many_is_all_or_nothing(catalog, wang):
    before = state(catalog)
    good = store.Edit("T001", {"status": "建成"}, 1)
    bad = store.Edit("T002", {"start_year": 3000}, 1)
    with pytest.raises(InvalidValue):
        store.save_many(wang, [good, bad], reason="导入")
    with pytest.raises(StaleVersion):
        store.save_many(wang, [good, store.Edit("T002", {"status": "在建"}, 7)])
    with pytest.raises(InvalidValue, match="两次"):
        store.save_many(wang, [good, store.Edit("T001", {"notes": "x"}, 1)])
    assert state(catalog) == before
    out = store.save_many(
        wang,
        [
            good,
            store.Edit("T002", {"status": "在建"}, 1),
            store.Edit(None, {"name": "导入项目", "sector": "产业"}),
        ],
        reason="批量导入",
        action="import",
    )
    assert [f["properties"]["version"] for f in out] == [2, 2, 1]
    assert [e["seq"] for e in store.history()] == [0, 0, 0]  # one save, three records
    assert [e["action"] for e in store.history()] == ["import", "import", "create"]


def test_catalog_equals_the_history_replayed(catalog, built, wang, li):
    store.save(wang, "T001", {"status": "建成"}, expected_version=1, status_date="2024-01-02")
    store.create(li, {"name": "补充项目", "sector": "产业", "investment": 12.5})
    store.delete(li, "T003", expected_version=1)
    store.undo(wang, "T001", expected_version=2)
    store.save(li, "T001", {"aliases": ["别名一"]}, expected_version=3)
    assert store.replay(built, store.history()) == store.load()
    # untouched records are written back from their own lines: still the canonical text
    assert text(catalog) == dumps(store.load())


def test_history_is_append_only(file_catalog, wang):
    store.save(wang, "T001", {"notes": "一"}, expected_version=1)
    first = store.history_path().read_bytes()
    store.save(wang, "T001", {"notes": "二"}, expected_version=2)
    assert store.history_path().read_bytes().startswith(first)


def test_rebuild_keeps_staff_edits_and_says_so(catalog, built, wang):
    store.save(wang, "T001", {"status": "建成"}, expected_version=1, reason="现场核实")
    created = store.create(wang, {"name": "人工新增", "sector": "产业"})["properties"]["id"]
    fresh = json.loads(json.dumps(built))
    fresh[0]["properties"]["lead_dept"] = "区交通局"  # the documents now say more
    fresh[0]["properties"]["status_history"].append(
        {
            "doc": "002_a49a076aed9fb39a.txt",
            "date": "2025-02-12",
            "year": 2024,
            "status": "在建",
            "cue": "加快建设",
            "line": 5,
            "part": "review",
        }
    )
    report = store.rebuild(fresh, catalog)
    rec = props("T001")
    assert rec["status"] == "建成" and rec["lead_dept"] == "区交通局" and rec["version"] == 2
    assert [e["doc"] for e in rec["status_history"]] == [
        fresh[0]["properties"]["status_history"][0]["doc"],
        "002_a49a076aed9fb39a.txt",
        None,
    ]
    assert props(created)["name"] == "人工新增"
    assert report.kept == {"T001": ("status",)} and report.created_by_staff == 1
    [note] = [e for e in store.history() if e["action"] == "rebuild"]
    assert note["changes"]["status"] == ["在建", "建成"]
    first = text(catalog)
    assert store.rebuilt_text(fresh, catalog) == first
    store.rebuild(fresh, catalog)
    assert text(catalog) == first
    assert len([e for e in store.history() if e["action"] == "rebuild"]) == 1


def test_rebuild_twice_is_byte_identical_and_notes_orphans_once(catalog, built, wang):
    first = text(catalog)
    store.rebuild(json.loads(json.dumps(built)), catalog)
    assert text(catalog) == first
    assert [f["properties"]["id"] for f in store.load(catalog)] == ["T001", "T002", "T003"]
    store.save(wang, "T002", {"notes": "x"}, expected_version=1, path=catalog)
    store.rebuild(built[:1], catalog)
    store.rebuild(built[:1], catalog)
    assert [e["id"] for e in store.history(path=catalog) if e["action"] == "orphan"] == ["T002"]


def test_env_path_and_missing_file_errors(tmp_path, monkeypatch):
    monkeypatch.setenv("SHAPINGBA_CATALOG", str(tmp_path / "nope.geojson"))
    assert store.catalog_path() == tmp_path / "nope.geojson"
    assert store.history_path() == tmp_path / "history.jsonl"
    assert store.catalog_version() == "missing"
    with pytest.raises(CatalogError, match="不存在"):
        store.load()
    (tmp_path / "nope.geojson").write_text('{"type": "FeatureCollection", "feat', "utf-8")
    with pytest.raises(CatalogError, match="损坏"):
        store.load()


def test_an_imported_position_says_it_was_imported(catalog, wang, outline):
    p = outline.representative_point()
    point = {"type": "Point", "coordinates": [round(p.x, 5), round(p.y, 5)]}
    edits = [store.Edit("T002", {"geometry": point}, 1)]
    [rec] = store.save_many(wang, edits, reason="导入 GeoPackage", action="import", outline=outline)
    assert rec["properties"]["precision"] == "imported"
    assert "wang" in rec["properties"]["geo_basis"] and "导入" in rec["properties"]["geo_basis"]
    given = [
        store.Edit("T001", {"geometry": point, "precision": "exact", "geo_basis": "测绘成果"}, 1)
    ]
    [rec] = store.save_many(wang, given, action="import", outline=outline)
    assert (rec["properties"]["precision"], rec["properties"]["geo_basis"]) == ("exact", "测绘成果")


@pytest.mark.parametrize("bad", ["SPB-0001\u200b", "<img src=x>", "SPB-" + "9" * 10_000])
def test_a_created_id_must_be_in_the_documented_form(catalog, wang, bad):
    before = state(catalog)
    with pytest.raises(InvalidValue, match="SPB- 加数字"):
        store.create(wang, {"id": bad, "name": "新项目", "sector": "交通"})
    assert state(catalog) == before
    made = store.create(wang, {"id": "SPB-9001", "name": "新项目", "sector": "交通"})
    assert made["properties"]["id"] == "SPB-9001"


def test_a_big_batch_is_planned_without_the_lock(file_catalog, wang, li, monkeypatch):
    """A colleague's save made while a batch is being checked goes through at once."""

    monkeypatch.setattr(catalog_file, "LOCK_TIMEOUT", 1.0)
    real_check = validate.check_properties
    colleague: list[object] = []

    def check_and_meanwhile_save(*args, **kwargs):
        if not colleague:
            colleague.append(None)
            worker = threading.Thread(
                target=lambda: colleague.append(
                    store.save(li, "T002", {"notes": "同事的修改"}, expected_version=1)
                )
            )
            worker.start()
            worker.join(10)
        return real_check(*args, **kwargs)

    monkeypatch.setattr(validate, "check_properties", check_and_meanwhile_save)
    edits = [store.Edit(None, {"name": f"批量{i}", "sector": "产业"}) for i in range(50)]
    made = store.save_many(wang, edits, reason="批量导入", action="import")
    assert len(colleague) == 2 and colleague[1]["properties"]["notes"] == "同事的修改"
    assert props("T002")["notes"] == "同事的修改" and len(made) == 50
    assert [f["properties"]["id"] for f in made][:2] == ["staff-0001", "staff-0002"]


def test_a_batch_whose_record_changed_meanwhile_is_refused_as_stale(
    file_catalog, wang, li, monkeypatch
):
    real_check = validate.check_properties
    done: list[object] = []

    def check_and_meanwhile_save(*args, **kwargs):
        if not done:
            done.append(None)
            store.save(li, "T001", {"notes": "同事先改"}, expected_version=1)
        return real_check(*args, **kwargs)

    monkeypatch.setattr(validate, "check_properties", check_and_meanwhile_save)
    with pytest.raises(StaleVersion, match="li"):
        store.save_many(wang, [store.Edit("T001", {"notes": "我的修改"}, 1)])
    assert props("T001")["notes"] == "同事先改"


def test_a_paused_collector_is_turned_back_on_only_if_it_was_on():
    assert gc.isenabled()
    with store.paused_gc():
        assert not gc.isenabled()
        with store.paused_gc():  # nested, or another thread's read meanwhile
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), store.paused_gc():
        raise ValueError("a broken catalog")
    assert gc.isenabled()


# --- the zone follows a staff-set position -------------------------------------------------------

#: Points inside the western and eastern zones (大学城, 三峡广场) and where each lies, as
#: ``geo.zones.position_zones`` works it out for the caller (tests/geo/test_zones.py checks it).
WEST = {"type": "Point", "coordinates": [106.3, 29.6]}
EAST = {"type": "Point", "coordinates": [106.456, 29.557]}
IN_WEST, IN_EAST = ("西", ("西",)), ("东", ("东",))


def _zoned(pid, zone, basis, geometry=None, precision="district"):
    f = feature(pid, f"片区测试{pid}")
    f["properties"].update(zone=zone, zones=[zone] if zone else [], zone_basis=basis)
    f["properties"]["precision"] = precision
    f["geometry"] = geometry
    return f


def _zoned_records():
    """Records whose zones rest on different grounds."""
    return [
        _zoned("Z001", None, None),
        _zoned("Z002", "东", "几何：位置（大致）落在东", EAST, "approximate"),
        _zoned("Z003", "东", "文中：001:700 列于“东部人文母城”之下", precision="area"),
        _zoned("Z004", "东", "人工修改：li 于 2026-12-01"),
    ]


@pytest.fixture
def zoned(catalog):
    """:func:`_zoned_records` in a catalog of either store."""
    store.rebuild(_zoned_records(), catalog)
    return catalog


def _today():
    return clock.today().isoformat()


def test_a_placed_project_without_a_zone_takes_its_positions_zone_and_undo_takes_it_back(
    zoned, wang, outline
):
    before = props("Z001")
    saved = store.save(
        wang, "Z001", {"geometry": WEST}, expected_version=1, outline=outline, position_zone=IN_WEST
    )["properties"]
    assert (saved["zone"], saved["zones"]) == ("西", ["西"])
    assert saved["zone_basis"] == f"按人工标绘位置（wang 于 {_today()}）"
    [entry] = store.history("Z001")
    assert entry["changes"]["zone"] == [None, "西"]
    assert entry["changes"]["zones"] == [[], ["西"]]
    assert entry["changes"]["zone_basis"] == [None, saved["zone_basis"]]
    assert "zone_note" not in entry
    assert store.load(zoned) == store.replay(_zoned_records(), store.history(path=zoned))
    store.undo(wang, "Z001", expected_version=2)
    after = props("Z001")
    for f in ("zone", "zones", "zone_basis", "precision", "geo_basis"):
        assert after[f] == before[f], f
    assert store.get("Z001")["geometry"] is None


def test_a_zone_worked_out_from_the_old_position_follows_a_move(zoned, wang, outline):
    saved = store.save(
        wang, "Z002", {"geometry": WEST}, expected_version=1, outline=outline, position_zone=IN_WEST
    )["properties"]
    assert (saved["zone"], saved["zones"]) == ("西", ["西"])
    assert saved["zone_basis"].startswith("按人工标绘位置（wang")
    # Moved again: a zone that followed a staff position follows the next one too.
    again = store.save_many(
        wang,
        [store.Edit("Z002", {"geometry": EAST}, 2, position_zone=IN_EAST)],
        action="import",
        outline=outline,
    )[0]["properties"]
    assert (again["zone"], again["zone_basis"]) == ("东", f"按导入文件的位置（wang 于 {_today()}）")


def test_a_reference_to_a_place_clears_the_point_and_the_zone_follows_the_place(
    zoned, wang, outline
):
    """Staff who know only that Z002 (own point in the east) is in 西永 refer it to the place:
    the point goes, the zone follows the place as it follows a drawing (the ui resolves where
    the place lies), and a later move follows again; undo brings the point back."""
    place = {
        "geometry": None,
        "place_id": "P040",
        "precision": "area",
        "geo_method": "manual_place",
        "geo_basis": "wang 于 今天 归入地名“西永”",
    }
    before = store.get("Z002")
    saved = store.save(
        wang, "Z002", place, expected_version=1, outline=outline, position_zone=IN_WEST
    )
    props_ = saved["properties"]
    assert saved["geometry"] is None and props_["place_id"] == "P040"
    assert (props_["zone"], props_["zones"]) == ("西", ["西"])
    assert props_["zone_basis"] == f"按所归地名（wang 于 {_today()}）"
    # a record already without a geometry (Z001, 区级) refers to a place: its zone follows too
    z1 = store.save(
        wang,
        "Z001",
        {k: v for k, v in place.items() if k != "geometry"},
        expected_version=1,
        outline=outline,
        position_zone=IN_WEST,
    )["properties"]
    assert (z1["zone"], z1["zone_basis"]) == ("西", f"按所归地名（wang 于 {_today()}）")
    # a zone stated in the text stays, and the history notes where the place lies
    z3 = store.save(
        wang, "Z003", place, expected_version=1, outline=outline, position_zone=IN_WEST
    )["properties"]
    assert z3["zone"] == "东" and store.history("Z003")[-1]["zone_note"].startswith("新位置在西")
    store.undo(wang, "Z002", expected_version=2)
    after = store.get("Z002")
    assert after == {
        **before,
        "properties": {
            **before["properties"],
            **{k: after["properties"][k] for k in ("version", "updated_by", "updated_at")},
        },
    }


@pytest.mark.parametrize("pid", ["Z003", "Z004"])
def test_a_zone_from_the_text_or_staff_stays_and_the_history_notes_the_new_positions(
    zoned, wang, outline, pid
):
    before = props(pid)
    saved = store.save(
        wang, pid, {"geometry": WEST}, expected_version=1, outline=outline, position_zone=IN_WEST
    )["properties"]
    assert (saved["zone"], saved["zones"], saved["zone_basis"]) == (
        "东",
        ["东"],
        before["zone_basis"],
    )
    [entry] = store.history(pid)
    assert not {"zone", "zones", "zone_basis"} & set(entry["changes"])
    assert entry["zone_note"].startswith("新位置在西片区，片区仍为「东」（片区依据：")
    assert entry["zone_note"] == store.zone_note(saved, IN_WEST)


def test_a_zone_staff_set_in_the_same_save_stays(zoned, wang, outline):
    saved = store.save(
        wang,
        "Z001",
        {"geometry": WEST, "zone": "中"},
        expected_version=1,
        outline=outline,
        position_zone=IN_WEST,
    )["properties"]
    assert saved["zone"] == "中" and saved["zone_basis"] == f"人工修改：wang 于 {_today()}"
    assert "新位置在西片区" in store.history("Z001")[0]["zone_note"]


def test_a_zone_staff_set_brings_its_zones_along_and_undo_takes_them_back(zoned, wang, outline):
    """The form asks for one zone; the zones the exports and details show follow it (a 跨区
    [西, 中] set to 东 listed 西 and 中 still)."""
    crossing = _zoned("Z005", "西", "文中：…")
    crossing["properties"].update(zone="跨区", zones=["西", "中"])
    store.rebuild([*_zoned_records(), crossing], zoned)
    saved = store.save(wang, "Z005", {"zone": "东"}, expected_version=1, outline=outline)
    assert (saved["properties"]["zone"], saved["properties"]["zones"]) == ("东", ["东"])
    assert store.history("Z005")[0]["changes"]["zones"] == [["西", "中"], ["东"]]
    store.undo(wang, "Z005", expected_version=2)
    assert (props("Z005")["zone"], props("Z005")["zones"]) == ("跨区", ["西", "中"])
    made = store.save(wang, "Z001", {"zone": "中"}, expected_version=1, outline=outline)
    assert made["properties"]["zones"] == ["中"]


def test_a_new_project_placed_without_a_zone_takes_its_positions(zoned, wang, outline):
    made = store.create(
        wang,
        {"name": "新建测试", "sector": "交通", "status": "规划", "zone": None},
        WEST,
        outline=outline,
        position_zone=IN_WEST,
    )["properties"]
    assert (made["zone"], made["zones"]) == ("西", ["西"])
    assert made["zone_basis"] == f"按人工标绘位置（wang 于 {_today()}）"


def test_without_the_positions_zone_or_outside_the_district_nothing_follows(zoned, wang, outline):
    saved = store.save(wang, "Z002", {"geometry": WEST}, expected_version=1, outline=outline)
    assert saved["properties"]["zone"] == "东"  # the caller did not say where WEST lies
    with pytest.raises(InvalidValue):  # a point in 成都 lies in no zone: refused as before
        store.save(
            wang,
            "Z001",
            {"geometry": {"type": "Point", "coordinates": [104.066, 30.657]}},
            expected_version=1,
            outline=outline,
            position_zone=("区外", ()),
        )
    assert props("Z001")["zone"] is None


def test_a_removed_position_takes_a_zone_that_rested_on_it_with_it(zoned, wang, outline):
    saved = store.save(wang, "Z002", {"geometry": None}, expected_version=1, outline=outline)
    assert (saved["properties"]["zone"], saved["properties"]["zones"]) == (None, [])
    kept = store.save(wang, "Z003", {"geometry": WEST}, expected_version=1, outline=outline)
    kept = store.save(wang, "Z003", {"geometry": None}, expected_version=2, outline=outline)
    assert kept["properties"]["zone"] == "东"  # the text's zone never rested on a position


def test_a_zone_the_caller_placed_says_its_basis_not_staffs(zoned, wang, outline):
    # A project a document brings in (geo.intake) takes the zone its placement gives, with the
    # placement's basis: it said 「人工录入」, so a later move by hand left the zone behind.
    placed = "几何：位置（片区级）落在西"
    made, outside, typed = store.save_many(
        wang,
        [
            store.Edit(
                None, {"name": "收录测试", "sector": "交通", "zone": "西"}, zone_basis=placed
            ),
            store.Edit(
                None,
                {"name": "区外测试", "sector": "交通", "zone": "区外", "district": "渝中区"},
                zone_basis="",
            ),
            store.Edit(None, {"name": "人工测试", "sector": "交通", "zone": "西"}),
        ],
        outline=outline,
    )
    assert (made["properties"]["zone"], made["properties"]["zone_basis"]) == ("西", placed)
    assert outside["properties"]["zone_basis"] is None  # as the build leaves a 区外 zone
    assert typed["properties"]["zone_basis"].startswith("人工录入：wang 于 ")
    moved = store.save(
        wang,
        made["properties"]["id"],
        {"geometry": EAST},
        expected_version=1,
        outline=outline,
        position_zone=IN_EAST,
    )["properties"]
    assert (moved["zone"], moved["zone_basis"]) == ("东", f"按人工标绘位置（wang 于 {_today()}）")
    with pytest.raises(InvalidValue, match="片区依据"):
        store.save_many(
            wang,
            [store.Edit(None, {"name": "坏", "sector": "交通", "zone": "西"}, zone_basis=["x"])],
            outline=outline,
        )


def test_a_sector_years_and_zones_the_caller_read_off_a_document_are_kept(zoned, wang, outline):
    # A project a document brings in (projects.documents.intake) says what its sector and
    # years rest on, as the build does; they said 「人工录入」 and manual. A 跨区 placement's
    # zones are kept (zones_of gives a new record none).
    sector = "专栏1的主题（据文件 doc-0123456789ab《报告》第 13 行）"
    made, typed = store.save_many(
        wang,
        [
            store.Edit(
                None,
                {"name": "收录测试", "sector": "交通", "zone": "跨区", "start_year": 2026},
                zone_basis="几何：位置（片区级）落在东、中、西",
                zones=("东", "中", "西"),
                sector_basis=sector,
                years_basis="plan_year",
            ),
            store.Edit(None, {"name": "人工测试", "sector": "交通", "start_year": 2026}),
        ],
        outline=outline,
    )
    p = made["properties"]
    assert (p["zone"], p["zones"]) == ("跨区", ["东", "中", "西"])
    assert (p["sector_basis"], p["years_basis"]) == (sector, "plan_year")
    assert typed["properties"]["sector_basis"].startswith("人工录入：wang 于 ")
    assert typed["properties"]["years_basis"] == "manual"
    # a later staff change of the sector rests on the staff's word again
    changed = store.save(wang, p["id"], {"sector": "产业"}, expected_version=1, outline=outline)[
        "properties"
    ]
    assert changed["sector_basis"].startswith("人工修改：wang 于 ")
    assert changed["years_basis"] == "plan_year"  # the years did not change
    for bad, field in [
        ({"zone": "跨区", "zones": ("东",)}, "所跨片区"),
        ({"zone": "西", "zones": ("东",)}, "所跨片区"),
        ({"zone": "西", "zones": "西"}, "所跨片区"),
        ({"years_basis": "我说的"}, "年份依据"),
        ({"sector_basis": ["x"]}, "领域依据"),
    ]:
        changes = {"name": "坏", "sector": "交通", "zone": bad.pop("zone", None)}
        with pytest.raises(InvalidValue, match=field):
            store.save_many(wang, [store.Edit(None, changes, **bad)], outline=outline)
    assert len(store.load()) == len(_zoned_records()) + 2  # nothing saved
