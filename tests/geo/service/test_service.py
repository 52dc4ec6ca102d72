"""The OGC API – Features service, started for real and read with GDAL's OAPIF driver."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from geo import service as api
from geo.service.config import main
from geo.service.provider import CatalogProvider
from projects import store
from projects.sources import ROOT
from projects.store import users
from projects.store.postgis import PLACES_PATH, replace_all, write_places
from projects.store.postgis.tables import POOL_NAME, POOL_SIZE, close_pools, connect
from tests.geo.exchange.test_export import EXPORTED, built_collection, gdal_cli
from tests.helpers import district_outline

PASSWORD = "service-test-pass"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """The service on a free local port over a sample catalog; stopped after the module."""
    folder = tmp_path_factory.mktemp("api")
    catalog = folder / "projects.geojson"
    catalog.write_text(json.dumps(built_collection(), ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "SHAPINGBA_USERS": str(folder / "users.json")}
    with _serving(["--catalog", str(catalog)], env) as base:
        yield base, catalog


@contextmanager
def _serving(options: list[str], env: dict[str, str]) -> Iterator[str]:
    """``python -m geo.service`` on a free port with ``options``: its base URL once it answers
    (the test fails with its output if it never does); stopped on exit."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "geo.service", "--port", str(port), *options],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                _get(f"{base}/collections?f=json")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"service did not start: {process.stdout.read()[-2000:]}")
                time.sleep(0.5)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _ogrinfo(url: str, *extra: str) -> str:
    done = subprocess.run(
        ["ogrinfo", "-ro", "-so", f"OAPIF:{url}", *extra], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _count(text: str) -> int:
    (line,) = [x for x in text.splitlines() if x.startswith("Feature Count:")]
    return int(line.split(":")[1])


def _items(base: str, collection: str, **params: str) -> dict:
    query = urllib.parse.urlencode({"f": "json", **params})
    return _get(f"{base}/collections/{collection}/items?{query}")


def test_collections_projects_zones_places(service):
    base, _ = service
    ids = {c["id"] for c in _get(f"{base}/collections?f=json")["collections"]}
    assert ids == {"projects", "zones", "places"}


def test_gdal_reads_counts_bbox_and_property_filters(service):
    gdal_cli()
    base, _ = service
    layers = subprocess.run(["ogrinfo", "-ro", f"OAPIF:{base}"], capture_output=True, text=True)
    assert layers.returncode == 0 and "projects" in layers.stdout and "zones" in layers.stdout
    info = _ogrinfo(f"{base}/collections/projects", "projects")
    assert _count(info) == len(EXPORTED)  # the deleted record is never served
    # bbox around the western point only (西永综保区 二期 at 106.2988, 29.5912).
    spat = _ogrinfo(
        f"{base}/collections/projects",
        "projects",
        "-spat",
        "106.295",
        "29.585",
        "106.302",
        "29.595",
    )
    assert _count(spat) == 1
    traffic = [f for f in EXPORTED if f["properties"]["sector"] == "交通"]
    where = _ogrinfo(f"{base}/collections/projects", "projects", "-where", "sector = '交通'")
    assert _count(where) == len(traffic)
    # The same filters as the server applies them (not GDAL on its side).
    assert _items(base, "projects", sector="交通")["numberMatched"] == len(traffic)
    assert _items(base, "projects", bbox="106.295,29.585,106.302,29.595")["numberMatched"] == 1
    assert [f["id"] for f in _items(base, "zones", limit="10")["features"]]


def test_a_web_map_on_another_site_may_read_the_service(service):
    """CORS: a browser page served from elsewhere (a web GIS client) gets the features, not a
    blocked request: the answer allows any origin, also to the preflight of a GET."""
    base, _ = service
    origin = {"Origin": "http://gis.example.org"}
    request = urllib.request.Request(
        f"{base}/collections/projects/items?f=json&limit=1", headers=origin
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Access-Control-Allow-Origin"] in ("*", origin["Origin"])
        assert json.loads(response.read())["features"]
    preflight = urllib.request.Request(
        f"{base}/collections/projects/items",
        method="OPTIONS",
        headers={**origin, "Access-Control-Request-Method": "GET"},
    )
    with urllib.request.urlopen(preflight, timeout=30) as response:
        assert response.headers["Access-Control-Allow-Origin"] in ("*", origin["Origin"])


def test_paging_and_datetime(service):
    base, _ = service
    first = _items(base, "projects", limit="2")
    second = _items(base, "projects", limit="2", offset="2")
    assert first["numberMatched"] == len(EXPORTED) and len(first["features"]) == 2
    assert not {f["id"] for f in first["features"]} & {f["id"] for f in second["features"]}
    assert any(link["rel"] == "next" for link in first["links"])
    # Only 27号线 has years (2021–2025): it overlaps 2024, not 2030 onwards.
    hit = _items(base, "projects", datetime="2024-01-01T00:00:00Z/2024-12-31T00:00:00Z")
    assert [f["id"] for f in hit["features"]] == ["t-line"]
    assert _items(base, "projects", datetime="2030-01-01T00:00:00Z/..")["numberMatched"] == 0


def test_read_only_and_an_edit_shows_at_the_next_request(service, tmp_path, monkeypatch):
    base, catalog = service
    request = urllib.request.Request(
        f"{base}/collections/projects/items",
        data=b'{"type": "Feature", "geometry": null, "properties": {}}',
        headers={"Content-Type": "application/geo+json"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code >= 400
    monkeypatch.setenv("SHAPINGBA_USERS", str(Path(catalog).parent / "users.json"))
    users.add_user("wang", PASSWORD, rounds=4)
    editor = users.authenticate("wang", PASSWORD)
    version = store.get("t-line", catalog)["properties"]["version"]
    store.save(
        editor, "t-line", {"status": "建成"}, expected_version=version, reason="通车", path=catalog
    )
    line = _get(f"{base}/collections/projects/items/t-line?f=json")
    assert line["properties"]["status"] == "建成"
    assert _items(base, "projects", status="建成")["numberMatched"] >= 1


def test_the_configuration_points_at_the_app_catalog():
    cfg = api.config(store.catalog_path(), "127.0.0.1", 8502)
    projects = cfg["resources"]["projects"]["providers"][0]
    assert projects["data"] == str(store.catalog_path())
    assert not any(p.get("editable") for r in cfg["resources"].values() for p in r["providers"])


def test_places_are_every_place_a_record_refers_to_by_its_id(service):
    base, _ = service
    places = json.loads(PLACES_PATH.read_text(encoding="utf-8"))["features"]
    assert _items(base, "places", limit="1")["numberMatched"] == len(places)
    west = _get(f"{base}/collections/places/items/zone-west?f=json")
    assert west["properties"]["name"] == "西部现代新城" and west["geometry"]["type"] == "Polygon"


def test_places_come_from_the_database_when_it_is_configured(postgres_db, monkeypatch):
    """The places collection reads the ``places`` table (here holding five places only)."""
    places = json.loads(PLACES_PATH.read_text(encoding="utf-8"))["features"]
    connect(postgres_db).execute("DELETE FROM places")
    write_places(postgres_db, places[:5])
    try:
        monkeypatch.setenv(store.DATABASE_ENV, postgres_db)
        provider_def = api.collections(ROOT / "data" / "projects.geojson")["places"]["providers"][0]
        assert provider_def["data"] == postgres_db
        provider = CatalogProvider(provider_def)
        found = provider.query(limit=100)
        assert found["numberMatched"] == 5
        first = places[0]["properties"]["id"]
        assert provider.get(first)["geometry"] == places[0]["geometry"]
        write_places(postgres_db, places[:7])  # refreshed while the service runs
        assert provider.query(limit=100)["numberMatched"] == 7
        monkeypatch.delenv(store.DATABASE_ENV)
        assert api.collections(ROOT)["places"]["providers"][0]["data"] == str(PLACES_PATH)
    finally:
        connect(postgres_db).execute("DELETE FROM places")


# --- the projects collection on the PostGIS store ---------------------------------------------

#: Requests both collections answer alike (pygeoapi's own parameters, as a GIS client sends them).
SAME_ANSWERS = [
    {"limit": "2"},
    {"limit": "2", "offset": "2"},
    {"bbox": "106.295,29.585,106.302,29.595"},
    {"bbox": "106.20,29.45,106.55,29.80", "sortby": "-name"},
    {"sector": "交通"},
    {"sector": "交通", "status": "在建", "sortby": "name"},
    {"datetime": "2024-01-01T00:00:00Z/2024-12-31T00:00:00Z"},
    {"datetime": "2030-01-01T00:00:00Z/.."},
    {"resulttype": "hits"},
    {"skipGeometry": "true", "properties": "name,status"},
]


@pytest.fixture
def db_service(postgres_db, tmp_path, monkeypatch):
    """The service with SHAPINGBA_DATABASE_URL set (no --catalog) over the sample in the test
    database, an editor's accounts in a file; stopped after the test."""
    replace_all(postgres_db, built_collection()["features"], [])
    monkeypatch.setenv("SHAPINGBA_USERS", str(tmp_path / "users.json"))
    monkeypatch.setenv(store.DATABASE_ENV, postgres_db)
    with _serving([], dict(os.environ)) as base:
        yield base, postgres_db


def _answer(found: dict) -> tuple:
    return found.get("numberMatched"), found["features"]


def test_the_database_collection_answers_as_the_file_one_and_follows_saves(
    service, db_service, request
):
    file_base, catalog = service
    base, url = db_service
    replace_all(url, store.load(catalog), [])  # as the file is now (an earlier test edited it)
    for params in SAME_ANSWERS:
        assert _answer(_items(base, "projects", **params)) == _answer(
            _items(file_base, "projects", **params)
        ), params
    assert _get(f"{base}/collections/projects/items/t-park?f=json") == _get(
        f"{file_base}/collections/projects/items/t-park?f=json"
    ) | {"links": _get(f"{base}/collections/projects/items/t-park?f=json")["links"]}
    assert _items(base, "projects", limit="1")["numberMatched"] == len(EXPORTED)

    # Saved through the store: the next requests see it (no restart).
    users.add_user("wang", PASSWORD, rounds=4)
    editor = users.authenticate("wang", PASSWORD)
    moved = {"type": "Point", "coordinates": [106.3333, 29.5555]}
    store.save(
        editor,
        "t-point",
        {"status": "建成", "geometry": moved},
        expected_version=1,
        reason="现场核实",
        path=url,
        outline=district_outline(request),
    )
    point = _get(f"{base}/collections/projects/items/t-point?f=json")
    assert point["properties"]["status"] == "建成" and point["geometry"] == moved
    assert point["properties"]["version"] == 2 and point["properties"]["updated_by"] == "wang"
    assert _items(base, "projects", bbox="106.295,29.585,106.302,29.595")["numberMatched"] == 0
    near = _items(base, "projects", bbox="106.333,29.555,106.334,29.556")
    assert [f["id"] for f in near["features"]] == ["t-point"]
    assert "t-point" in {f["id"] for f in _items(base, "projects", status="建成")["features"]}

    store.delete(editor, "t-point", expected_version=2, reason="重复", path=url)
    with pytest.raises(urllib.error.HTTPError) as gone:
        urllib.request.urlopen(f"{base}/collections/projects/items/t-point?f=json", timeout=30)
    assert gone.value.code == 404
    assert _items(base, "projects", limit="1")["numberMatched"] == len(EXPORTED) - 1


def _pool_backends(url: str) -> set[tuple]:
    """The server processes of the pools' connections to ``url``'s database (pid, start)."""
    rows = connect(url).execute(
        "SELECT pid, backend_start FROM pg_stat_activity "
        "WHERE application_name = %s AND datname = current_database()",
        (POOL_NAME,),
    )
    return set(rows.fetchall())


def _without_pool_backends(url: str) -> bool:
    deadline = time.monotonic() + 5  # a server process ends just after its client closes
    while _pool_backends(url) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _pool_backends(url)


def test_requests_on_new_threads_reuse_the_pools_connections(postgres_db):
    """pygeoapi under Flask runs every request on a new thread, and a connection per thread
    meant a new connection (about 50 ms) per request: now they borrow the process's pool."""
    catalog = store.load(ROOT / "data" / "projects.geojson")
    replace_all(postgres_db, catalog, [])
    close_pools()
    definition = api.collections(postgres_db)["projects"]["providers"][0]
    seen = []
    first = catalog[0]["properties"]["id"]

    def request() -> None:
        provider = CatalogProvider(definition)
        assert provider.query(limit=2)["numberMatched"] == len(catalog)
        assert provider.get(first)["id"] == first

    for _ in range(5):
        thread = threading.Thread(target=request)
        thread.start()
        thread.join()
        seen.append(_pool_backends(postgres_db))
    assert 1 <= len(seen[0]) <= POOL_SIZE
    assert all(s == seen[0] for s in seen), seen  # no connection made after the first request
    close_pools()
    assert _without_pool_backends(postgres_db)


def test_the_service_keeps_its_connections_between_requests(db_service):
    """Over HTTP: the same server processes answer request after request."""
    base, url = db_service
    seen = []
    for n in range(6):
        _items(base, "projects", limit="1", offset=str(n))
        seen.append(_pool_backends(url))
    assert 1 <= len(seen[0]) <= POOL_SIZE and all(s == seen[0] for s in seen), seen


def test_the_database_provider_answers_as_the_file_one_on_the_real_catalog(postgres_db):
    """Provider to provider over the whole real catalog: every filter, sort and page alike."""
    path = ROOT / "data" / "projects.geojson"
    replace_all(postgres_db, store.load(path), [])
    by_file = CatalogProvider(api.collections(path)["projects"]["providers"][0])
    by_sql = CatalogProvider(api.collections(postgres_db)["projects"]["providers"][0])
    assert by_sql.database and not by_file.database
    assert by_sql.fields == by_file.fields
    cases = [
        {"limit": 10},
        {"limit": 5, "offset": 600},
        {"bbox": [106.3, 29.5, 106.45, 29.6], "limit": 1000},
        {"properties": [("sector", "交通"), ("zone", "None")], "limit": 1000},
        {"properties": [("start_year", "2021"), ("deleted", "False")], "limit": 1000},
        {"datetime_": "2024/2024", "limit": 1000},
        {"datetime_": "../2020", "limit": 1000},
        {"sortby": [{"property": "zone", "order": "-"}, {"property": "start_year"}], "limit": 1000},
        {"sortby": [{"property": "lead_dept", "order": "+"}], "limit": 1000},
        {"q": "轨道", "limit": 1000},
        {"resulttype": "hits"},
        {"skip_geometry": True, "select_properties": ["name"], "limit": 3},
    ]
    for case in cases:
        assert by_sql.query(**case) == by_file.query(**case), case
    first = store.load(path)[0]["properties"]["id"]
    assert by_sql.get(first) == by_file.get(first)


def test_an_unreachable_database_is_refused_in_chinese_before_serving(capsys, monkeypatch):
    monkeypatch.setenv(store.DATABASE_ENV, f"postgresql://nobody:secret@127.0.0.1:{_free_port()}/x")
    assert main(["--port", str(_free_port())]) == 2
    err = capsys.readouterr().err
    assert "错误：无法连接项目数据库" in err and "secret" not in err


def test_the_file_is_read_again_only_when_it_changed(tmp_path, monkeypatch):
    """Every request parsed the whole catalog (twice). Now a file is read once per version: a
    save is still in the next answer, and a sorted answer does not reorder the next one."""
    catalog = tmp_path / "projects.geojson"
    catalog.write_text(json.dumps(built_collection(), ensure_ascii=False), encoding="utf-8")
    reads = []
    real = store.load_collection
    monkeypatch.setattr(store, "load_collection", lambda *a, **k: reads.append(1) or real(*a, **k))
    definition = api.collections(catalog)["projects"]["providers"][0]
    provider = CatalogProvider(definition)
    plain = CatalogProvider(definition).query(limit=1000)
    by_name = provider.query(limit=1000, sortby=[{"property": "name", "order": "-"}])
    assert [f["id"] for f in by_name["features"]] != [f["id"] for f in plain["features"]]
    assert CatalogProvider(definition).query(limit=1000) == plain
    assert len(reads) == 1
    monkeypatch.setenv("SHAPINGBA_USERS", str(tmp_path / "users.json"))
    users.add_user("zhao", "磁器口-2026-pw", rounds=4)
    editor = users.authenticate("zhao", "磁器口-2026-pw")
    first = plain["features"][0]
    store.save(
        editor,
        first["id"],
        {"name": "改过的名称"},
        expected_version=first["properties"]["version"],
        path=catalog,
    )
    assert CatalogProvider(definition).get(first["id"])["properties"]["name"] == "改过的名称"
    assert len(reads) == 2


@pytest.fixture(params=["file", "postgis"])
def stored(request, tmp_path, monkeypatch):
    """The sample catalog in either store (a fresh copy), and an editor."""
    from tests.helpers import stored_catalog

    where = stored_catalog(request, tmp_path, monkeypatch, built_collection()["features"])
    monkeypatch.setenv("SHAPINGBA_USERS", str(tmp_path / "users.json"))
    users.add_user("wang", PASSWORD, rounds=4)
    return where, users.authenticate("wang", PASSWORD)


def test_the_queryables_follow_the_data_fields_come_and_go(stored, monkeypatch):
    """A field no live record holds any more is no longer offered (the database's queryables
    were kept per process and only ever grew), and one that comes back is offered again,
    with the type of its first live record; the database's are never read whole again."""
    from geo.service import provider as module

    where, editor = stored
    definition = api.collections(where)["projects"]["providers"][0]
    module._DB_FIELDS.pop(where, None)
    whole = []
    real = module.field_firsts
    monkeypatch.setattr(
        module, "field_firsts", lambda url, keys=None: whole.append(keys is None) or real(url, keys)
    )

    def queryables() -> dict[str, str]:
        return {k: v["type"] for k, v in CatalogProvider(definition).fields.items()}

    def live_fields() -> dict[str, str]:
        out: dict[str, str] = {}
        for feature in store.load(where, include_deleted=False):
            for key, value in feature["properties"].items():
                if value is not None and key not in out:
                    out[key] = module._JSON_TYPES.get(type(value), "string")
        return out

    first = queryables()
    assert first["start_year"] == "integer" and first["investment"] == "number"
    assert "lead_dept" not in first and first == live_fields()

    def save(project_id: str, changes: dict) -> None:
        version = store.get(project_id, where)["properties"]["version"]
        store.save(editor, project_id, changes, expected_version=version, reason="核实", path=where)

    save("t-park", {"lead_dept": "区城市管理局"})
    assert queryables()["lead_dept"] == "string"
    save("t-park", {"lead_dept": None})
    assert "lead_dept" not in queryables()  # no record has one now
    store.delete(editor, "t-line", expected_version=1, reason="重复", path=where)
    gone = queryables()
    assert not {"start_year", "end_year", "investment"} & set(gone)  # only t-line had them
    assert gone == live_fields()
    store.restore(editor, "t-line", expected_version=2, reason="误删", path=where)
    back = queryables()
    assert back["start_year"] == "integer" and back["investment"] == "number"
    assert back == live_fields()
    assert whole.count(True) <= 1, whole  # the database's first read only


def _holds(box: list[float], bounds) -> bool:
    return (
        box[0] <= bounds[0] and box[1] <= bounds[1] and box[2] >= bounds[2] and box[3] >= bounds[3]
    )


def test_each_collections_extent_holds_its_data_the_district_at_least():
    """QGIS zooms a layer to the extent the service gives: the real catalog's projects reach
    106.64°E (outside the district) and its places 106.76°E, beyond the district box once fixed."""
    import pyogrio

    catalog = ROOT / "data" / "projects.geojson"
    given = {k: c["extents"]["spatial"]["bbox"] for k, c in api.collections(catalog).items()}
    projects = pyogrio.read_info(catalog, force_total_bounds=True)["total_bounds"]
    places = pyogrio.read_info(PLACES_PATH, force_total_bounds=True)["total_bounds"]
    assert projects[2] > api.DISTRICT_BBOX[2] and places[2] > api.DISTRICT_BBOX[2]
    assert _holds(given["projects"], projects) and _holds(given["places"], places)
    assert given["zones"] == api.DISTRICT_BBOX  # the zones lie inside the district
    for box in given.values():
        assert _holds(box, api.DISTRICT_BBOX)


def test_the_extent_comes_from_the_database_when_it_is_configured(postgres_db, monkeypatch):
    real = json.loads((ROOT / "data" / "projects.geojson").read_text(encoding="utf-8"))
    from_file = api.collections(ROOT / "data" / "projects.geojson")["projects"]
    replace_all(postgres_db, real["features"], [])
    write_places(postgres_db, json.loads(PLACES_PATH.read_text(encoding="utf-8"))["features"])
    try:
        monkeypatch.setenv(store.DATABASE_ENV, postgres_db)
        given = {
            k: c["extents"]["spatial"]["bbox"] for k, c in api.collections(postgres_db).items()
        }
        # the same box as the file's (beyond the district: the own points reach 江北, 渝中 …)
        assert given["projects"] == from_file["extents"]["spatial"]["bbox"]
        assert given["projects"][2] > api.DISTRICT_BBOX[2] and given["places"][2] == 106.76
    finally:
        connect(postgres_db).execute("DELETE FROM places")
    assert api.extent("postgresql://nobody@127.0.0.1:1/none", "projects") == api.DISTRICT_BBOX
