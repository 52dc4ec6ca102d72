"""The ``places`` table in a real PostgreSQL + PostGIS: filled by a migration, read back whole,
and joined to the records that refer to a place."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
import threading

import pytest
import shapely

from projects import store
from projects.errors import CatalogError
from projects.sources import ROOT
from projects.store.postgis import (
    PLACES_CHANNEL,
    PLACES_PATH,
    place_count,
    places_version,
    read_places,
    read_places_file,
    watch,
    write_places,
)
from projects.store.postgis.migrate import migrate
from projects.store.postgis.tables import connect, ensure_schema, forget
from tests.geo.exchange.test_export import gdal_cli

FILE_PLACES = read_places_file()
#: The second database one test copies into.
OTHER = "shapingba_places"
CATALOG = store.load(ROOT / "data" / "projects.geojson")


@pytest.fixture
def db(postgres_db, tmp_path, monkeypatch):
    """An empty database with no places, emptied of places again afterwards (other tests read
    the places of the shared test database as the app's gazetteer)."""
    monkeypatch.setenv("SHAPINGBA_USERS", str(tmp_path / "users.json"))
    connect(postgres_db).execute("DELETE FROM places")
    yield postgres_db
    connect(postgres_db).execute("DELETE FROM places")


@pytest.fixture
def migrated(db, tmp_path):
    """The real catalog migrated into the database (with its places)."""
    catalog = tmp_path / "projects.geojson"
    shutil.copy(ROOT / "data" / "projects.geojson", catalog)
    done = migrate(catalog, db)
    assert done.places == len(FILE_PLACES)
    return db


def test_migration_fills_every_place_a_record_refers_to(migrated):
    referred = {f["properties"]["place_id"] for f in CATALOG if f["properties"].get("place_id")}
    assert len(referred) > 40  # the real catalog: 镇街, areas, zones and the district
    assert {"500106", "zone-east", "zone-middle", "zone-west"} <= referred
    conn = connect(migrated)
    in_table = {r[0] for r in conn.execute("SELECT id FROM places")}
    assert referred <= in_table
    missing = conn.execute(
        "SELECT DISTINCT place_id FROM projects WHERE place_id IS NOT NULL "
        "EXCEPT SELECT id FROM places"
    ).fetchall()
    assert missing == []
    assert place_count(migrated) == len(FILE_PLACES) == len(in_table)


def test_geometry_and_properties_round_trip(migrated):
    back = read_places(migrated)
    assert [f["properties"]["id"] for f in back] == [f["properties"]["id"] for f in FILE_PLACES]
    for mine, theirs in zip(FILE_PLACES, back, strict=True):
        assert theirs["properties"] == mine["properties"]
        ours, stored = (shapely.geometry.shape(f["geometry"]) for f in (mine, theirs))
        assert stored.geom_type == ours.geom_type
        assert shapely.equals_exact(stored, ours, tolerance=0), mine["properties"]["id"]


def test_the_geometry_column_is_what_postgis_measures(migrated):
    """PostGIS itself (not only our reader) sees the same shapes: areas and lengths agree."""
    rows = connect(migrated).execute(
        "SELECT id, ST_GeometryType(geom), ST_Area(geom), ST_Length(geom) + ST_Perimeter(geom), ST_SRID(geom), "
        "ST_X(point), ST_Y(point), ST_Intersects(geom, ST_Buffer(point, 1e-6)) FROM places"
    )
    by_id = {f["properties"]["id"]: f for f in FILE_PLACES}
    for pid, kind, area, length, srid, x, y, touches in rows:
        ours = shapely.geometry.shape(by_id[pid]["geometry"])
        assert kind == f"ST_{ours.geom_type}"
        assert area == pytest.approx(ours.area, abs=1e-12)
        assert length == pytest.approx(ours.length, abs=1e-12)
        assert srid == 4326
        assert [x, y] == by_id[pid]["properties"]["point"]
        assert touches, f"{pid}: its point is not on its shape"


def test_join_gives_one_row_per_reference_level_project(migrated):
    reference = {
        f["properties"]["id"]: f["properties"]
        for f in CATALOG
        if f["properties"].get("place_id") and not f["properties"].get("deleted")
    }
    assert len(reference) > 400
    rows = (
        connect(migrated)
        .execute(
            "SELECT id, place_id, place_name, ST_GeometryType(geom), ST_X(geom), ST_Y(geom) "
            "FROM project_places"
        )
        .fetchall()
    )
    assert sorted(r[0] for r in rows) == sorted(reference)  # one row each, no other
    points = {f["properties"]["id"]: f["properties"] for f in FILE_PLACES}
    for pid, place_id, place_name, kind, x, y in rows:
        assert place_id == reference[pid]["place_id"]
        assert place_name == points[place_id]["name"]
        assert kind == "ST_Point"
        assert [x, y] == points[place_id]["point"]
    own = (
        connect(migrated)
        .execute(
            "SELECT count(*) FROM projects p JOIN project_places v USING (id) WHERE p.geom IS NOT NULL"
        )
        .fetchone()[0]
    )
    assert own == 0  # a record with its own geometry is not drawn at a place


def test_the_join_follows_an_edit_and_a_deletion(migrated):
    """``place_id`` is generated from the record, so a save moves the row; a deletion drops it."""
    first = next(f["properties"] for f in CATALOG if f["properties"].get("place_id") == "500106")
    conn = connect(migrated)
    feature = store.get(first["id"], migrated)
    moved = copy.deepcopy(feature)
    moved["properties"]["place_id"] = "zone-west"
    conn.execute("UPDATE projects SET feature = %s WHERE id = %s", (json.dumps(moved), first["id"]))
    assert conn.execute(
        "SELECT place_id, place_name FROM project_places WHERE id = %s", (first["id"],)
    ).fetchone() == ("zone-west", "西部现代新城")
    conn.execute("UPDATE projects SET deleted = true WHERE id = %s", (first["id"],))
    assert not conn.execute("SELECT 1 FROM project_places WHERE id = %s", (first["id"],)).fetchall()


def test_an_older_database_gains_the_place_column(migrated):
    """A database made before places existed gets ``place_id`` filled from its records."""
    conn = connect(migrated)
    conn.execute("DROP VIEW project_places")
    conn.execute("ALTER TABLE projects DROP COLUMN place_id")
    ensure_schema(conn)
    count = conn.execute("SELECT count(place_id) FROM projects").fetchone()[0]
    assert count == sum(1 for f in CATALOG if f["properties"].get("place_id"))
    assert conn.execute("SELECT count(*) FROM project_places").fetchone()[0] > 400


def test_bad_places_are_refused_and_nothing_is_written(db):
    write_places(db, FILE_PLACES)
    twice = [*FILE_PLACES, FILE_PLACES[0]]
    with pytest.raises(CatalogError, match="重复"):
        write_places(db, twice)
    no_name = copy.deepcopy(FILE_PLACES[:3])
    no_name[2]["properties"]["name"] = ""
    with pytest.raises(CatalogError, match="缺少 name"):
        write_places(db, no_name)
    broken = copy.deepcopy(FILE_PLACES[:3])
    broken[1]["geometry"] = {"type": "Polygon", "coordinates": [[1, 2]]}
    with pytest.raises(CatalogError, match="地名无法写入数据库"):
        write_places(db, broken)
    assert place_count(db) == len(FILE_PLACES)  # the earlier places are all still there
    assert read_places(db) == read_places(db) and len(read_places(db)) == len(FILE_PLACES)


def test_the_places_command_refreshes_the_table(db, tmp_path):
    smaller = tmp_path / "places.geojson"
    smaller.write_text(
        json.dumps({"type": "FeatureCollection", "features": FILE_PLACES[:5]}, ensure_ascii=False),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "projects.store", "places", db, "--file", str(smaller)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "已把 5 个地名写入数据库的地名表" in done.stdout
    assert place_count(db) == 5
    bad = subprocess.run(
        [sys.executable, "-m", "projects.store", "places", db, "--file", str(tmp_path / "no")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert bad.returncode == 1 and "无法读取地名文件" in bad.stderr
    assert place_count(db) == 5


def test_the_committed_places_file_is_the_default():
    assert PLACES_PATH == ROOT / "data" / "places.geojson"
    assert len(FILE_PLACES) == len({f["properties"]["id"] for f in FILE_PLACES})


def test_gdal_reads_the_view_as_a_point_layer(migrated):
    """GDAL's PostgreSQL driver (what QGIS uses) sees one WGS84 point per reference project."""
    gdal_cli()
    info = subprocess.run(
        ["ogrinfo", "-ro", "-so", f"PG:{migrated}", "project_places"],
        capture_output=True,
        text=True,
    )
    assert info.returncode == 0, info.stderr
    assert "Geometry: Point" in info.stdout and 'ID["EPSG",4326]' in info.stdout
    done = subprocess.run(
        ["ogr2ogr", "-f", "GeoJSON", "/vsistdout/", f"PG:{migrated}", "project_places"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    read = json.loads(done.stdout)["features"]
    reference = [f for f in CATALOG if f["properties"].get("place_id")]
    assert len(read) == len(reference)
    points = {f["properties"]["id"]: f["properties"]["point"] for f in FILE_PLACES}
    for feature in read:
        props = feature["properties"]
        assert feature["geometry"]["coordinates"] == points[props["place_id"]]


@pytest.fixture
def other_database(postgres_cluster):
    """A second database in the test cluster, dropped again afterwards (with its connections):
    the cluster is shared with the rest of the session, and with ``.ci/run``'s whole run."""
    conn = connect(postgres_cluster)
    conn.execute(f"DROP DATABASE IF EXISTS {OTHER} WITH (FORCE)")
    conn.execute(f"CREATE DATABASE {OTHER}")
    other = postgres_cluster.rsplit("/", 1)[0] + "/" + OTHER
    try:
        yield other
    finally:
        connect(other).close()  # this thread's kept connection to it
        forget(other)
        conn.execute(f"DROP DATABASE IF EXISTS {OTHER} WITH (FORCE)")


def _databases(url: str) -> set[str]:
    return {r[0] for r in connect(url).execute("SELECT datname FROM pg_database")}


def test_database_to_database_copies_the_sources_places(migrated, other_database, tmp_path):
    """From another database its own places travel (here five of them), not the file's; out to
    a file none do."""
    other = other_database
    write_places(migrated, FILE_PLACES[:5])
    done = migrate(migrated, other, replace=True)
    assert done.places == 5
    assert read_places(other) == read_places(migrated)
    assert store.load(other) == store.load(migrated)
    back = migrate(migrated, tmp_path / "back" / "projects.geojson")
    assert back.places == 0


def test_the_second_database_is_dropped_after_the_test(postgres_cluster):
    """The test above, run on its own against this cluster, leaves its databases as it found
    them (it used to leave ``shapingba_places`` behind for good)."""
    before = _databases(postgres_cluster)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"{__file__}::test_database_to_database_copies_the_sources_places",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "SHAPINGBA_TEST_DATABASE_URL": postgres_cluster},
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert _databases(postgres_cluster) == before - {OTHER}


def test_the_places_command_needs_a_database(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != store.DATABASE_ENV}
    done = subprocess.run(
        [sys.executable, "-m", "projects.store", "places"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert done.returncode == 1 and "请给出 postgresql:// 地址" in done.stderr


def test_a_write_of_the_places_is_announced_as_it_commits(db):
    """Servers that keep the places can learn of a refresh without a restart: each write
    notifies ``shapingba_places`` and moves the places' version; a write PostGIS refuses
    (rolled back) does neither."""
    notes: list[dict] = []
    heard = threading.Event()

    def on_note(payload: dict) -> None:
        notes.append(payload)
        heard.set()

    stop = watch(db, on_note, PLACES_CHANNEL)
    try:
        before = places_version(db)
        write_places(db, FILE_PLACES[:5])
        assert heard.wait(5)
        assert notes == [{"version": places_version(db), "places": 5}]
        assert places_version(db) != before
        heard.clear()
        broken = copy.deepcopy(FILE_PLACES[:3])
        broken[1]["geometry"] = {"type": "Polygon", "coordinates": [[1, 2]]}
        with pytest.raises(CatalogError):
            write_places(db, broken)
        assert not heard.wait(1.0) and len(notes) == 1
        assert notes[0]["version"] == places_version(db) and place_count(db) == 5
    finally:
        stop()
