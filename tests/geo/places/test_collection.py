"""Every place a record can refer to: the committed file, and the app's gazetteer read back from
a real PostgreSQL + PostGIS ``places`` table."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest
import shapely

from geo.places import collection, gazetteer
from geo.places.gazetteer import Gazetteer, load_gazetteer
from geo.places.reference import ZONE_IDS, representative_point, resolve
from projects import store
from projects.errors import BadFile
from projects.sources import ROOT
from projects.store.postgis import PLACES_PATH, read_places, write_places
from projects.store.postgis.tables import connect

FILE_GAZETTEER = Gazetteer.from_file(gazetteer.DEFAULT)
PLACES = json.loads(PLACES_PATH.read_text(encoding="utf-8"))["features"]
IDS = [f["properties"]["id"] for f in PLACES]


@pytest.fixture
def db(postgres_db, monkeypatch):
    """The test database with its places emptied, and the process's gazetteer cache forgotten
    before and after (so no other test meets a gazetteer read from here)."""
    connect(postgres_db).execute("DELETE FROM places")
    gazetteer._load.cache_clear()
    yield postgres_db
    connect(postgres_db).execute("DELETE FROM places")
    gazetteer._load.cache_clear()


def test_the_committed_file_is_what_the_gazetteer_and_zones_give():
    """Rebuild with ``python -m geo.places.collection`` (``make gazetteer``) after a change."""
    assert PLACES_PATH.read_text(encoding="utf-8") == collection.build_text()


def test_every_place_is_there_once():
    assert len(IDS) == len(set(IDS)) == len(FILE_GAZETTEER) + 3
    assert IDS[: len(FILE_GAZETTEER)] == [p.id for p in FILE_GAZETTEER]
    assert IDS.count("500106") == 1
    zones = [f["properties"] for f in PLACES if f["properties"]["kind"] == collection.ZONE_KIND]
    assert [z["id"] for z in zones] == list(ZONE_IDS.values())
    assert {z["zone"] for z in zones} == set(ZONE_IDS)


def test_every_place_id_of_the_catalog_is_a_place():
    catalog = store.load(ROOT / "data" / "projects.geojson")
    referred = {f["properties"]["place_id"] for f in catalog if f["properties"].get("place_id")}
    assert referred and referred <= set(IDS)


@pytest.mark.parametrize("feature", PLACES, ids=IDS)
def test_each_point_is_the_one_the_map_and_exports_use(feature):
    props = feature["properties"]
    point = shapely.Point(props["point"])
    assert point.distance(representative_point(props["id"])) < 1e-7
    assert resolve(props["id"]).name == props["name"]
    assert shapely.geometry.shape(feature["geometry"]).distance(point) < 1e-7


def test_the_gazetteer_file_is_read_once_and_still_checked(tmp_path, monkeypatch):
    """It was read twice (once for the checks, once for the features)."""
    copy = tmp_path / "gazetteer.geojson"
    copy.write_text(gazetteer.DEFAULT.read_text(encoding="utf-8"), encoding="utf-8")
    reads = []
    real = Path.read_text
    monkeypatch.setattr(Path, "read_text", lambda p, *a, **k: reads.append(p) or real(p, *a, **k))
    assert collection.place_features(copy) == collection.place_features()
    assert reads.count(copy) == 1
    doc = json.loads(copy.read_text(encoding="utf-8"))
    doc["features"][1]["properties"]["name"] = doc["features"][0]["properties"]["name"]
    copy.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(BadFile, match="重复"):
        collection.place_features(copy)
    del doc["features"][1]["properties"]["basis"]
    copy.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(BadFile, match="basis"):
        collection.place_features(copy)


def _same(a: Gazetteer, b: Gazetteer) -> None:
    assert len(a) == len(b)
    for mine, theirs in zip(a, b, strict=True):
        for field in fields(mine):
            x, y = getattr(mine, field.name), getattr(theirs, field.name)
            if field.name == "geometry":
                assert shapely.equals_exact(x, y, tolerance=0), mine.id
            else:
                assert x == y, (mine.id, field.name)


def test_a_gazetteer_read_from_the_database_is_the_files(db):
    assert Gazetteer.from_database(db) is None  # an empty table gives no gazetteer
    write_places(db, collection.place_features())
    _same(Gazetteer.from_database(db), FILE_GAZETTEER)


def test_the_app_reads_the_table_when_the_database_is_configured(db, monkeypatch):
    """Shown by a place renamed only in the table: the app's gazetteer has the new name."""
    monkeypatch.setenv(store.DATABASE_ENV, db)
    assert load_gazetteer() is load_gazetteer()  # read once per process
    _same(load_gazetteer(), FILE_GAZETTEER)  # empty table: the embedded file
    gazetteer._load.cache_clear()
    features = collection.place_features()
    changed = next(f for f in features if f["properties"]["id"] == "P041")
    changed["properties"]["name"] = "只在数据库里改过的名字"
    write_places(db, features)
    gaz = load_gazetteer()
    assert gaz.by_id("P041").name == "只在数据库里改过的名字"
    assert gaz.by_name("只在数据库里改过的名字") is gaz.by_id("P041")
    assert len(gaz) == len(FILE_GAZETTEER)  # the zones are places, not gazetteer entries
    assert gaz.origin.startswith("database:") and FILE_GAZETTEER.origin == ""
    monkeypatch.delenv(store.DATABASE_ENV)
    assert load_gazetteer().by_id("P041").name == FILE_GAZETTEER.by_id("P041").name


def test_the_command_writes_the_file_and_refreshes_the_table(db, tmp_path, monkeypatch, capsys):
    target = tmp_path / "places.geojson"
    monkeypatch.setattr(collection, "PLACES_PATH", target)
    assert collection.main(["--database", db]) == 0
    out = capsys.readouterr().out
    assert f"{len(PLACES)} 个地名" in out and "已刷新数据库地名表" in out
    assert target.read_text(encoding="utf-8") == PLACES_PATH.read_text(encoding="utf-8")
    assert [f["properties"]["id"] for f in read_places(db)] == IDS


def test_a_zone_a_record_refers_to_resolves_from_the_table_too(db):
    write_places(db, collection.place_features())
    from_table = Gazetteer.from_database(db)
    assert set(from_table.others) == set(ZONE_IDS.values())
    for zid in ZONE_IDS.values():
        ours, theirs = resolve(zid, FILE_GAZETTEER), resolve(zid, from_table)
        assert (theirs.name, theirs.precision, theirs.basis, theirs.schematic) == (
            ours.name,
            ours.precision,
            ours.basis,
            ours.schematic,
        )
        assert shapely.equals_exact(theirs.geometry, ours.geometry, tolerance=0)
        assert shapely.equals_exact(theirs.point, ours.point, tolerance=0)
    features = collection.place_features()
    next(f for f in features if f["properties"]["id"] == "zone-west")["properties"]["name"] = "改名"
    write_places(db, features)
    assert resolve("zone-west", Gazetteer.from_database(db)).name == "改名"
