"""The read-only page queries over the real catalog in a real PostgreSQL + PostGIS, checked
against the same filters worked out in Python (shapely for the bounding box)."""

from __future__ import annotations

import pytest
import shapely

from projects import store
from projects.sources import ROOT
from projects.store import users
from projects.store.postgis import (
    catalog_order,
    field_firsts,
    find_projects,
    live_project,
    project_fields,
    query,
    replace_all,
)
from projects.store.postgis.tables import (
    GENERATED,
    INDEXED,
    compact,
    connect,
    drop_property_columns,
    ensure_schema,
)
from tests.helpers import district_outline

CATALOG = store.load(ROOT / "data" / "projects.geojson")
LIVE = [f for f in CATALOG if not f["properties"]["deleted"]]
PASSWORD = "query-test-pass"


@pytest.fixture
def db(postgres_db, tmp_path, monkeypatch):
    """The real catalog in the test database, an editor's accounts in a file."""
    monkeypatch.setenv("SHAPINGBA_USERS", str(tmp_path / "users.json"))
    replace_all(postgres_db, CATALOG, [])
    return postgres_db


def _ids(features):
    return [f["properties"]["id"] for f in features]


def test_a_bbox_is_answered_on_the_gist_index_as_shapely_answers_it(db):
    box = (106.40, 29.55, 106.47, 29.62)
    expected = [
        f
        for f in LIVE
        if f["geometry"] and shapely.geometry.shape(f["geometry"]).intersects(shapely.box(*box))
    ]
    matched, page = find_projects(db, bbox=box, limit=1000)
    assert matched == len(expected) > 0
    assert _ids(page) == _ids(expected)  # catalog order
    connect(db).execute("SET enable_seqscan = off")  # a 600-row table: make the planner show it
    try:
        plan = connect(db).execute(
            "EXPLAIN SELECT id FROM projects WHERE geom && ST_MakeEnvelope(1, 2, 3, 4, 4326)"
        )
        assert "projects_geom_idx" in " ".join(r[0] for r in plan)
    finally:
        connect(db).execute("RESET enable_seqscan")


def test_pages_properties_years_and_sorting(db):
    matched, first = find_projects(db, limit=100)
    _, second = find_projects(db, limit=100, offset=100)
    assert matched == len(LIVE)
    assert _ids(first + second) == _ids(LIVE[:200])
    assert find_projects(db, offset=len(LIVE), limit=10) == (len(LIVE), [])
    assert find_projects(db, limit=0) == (len(LIVE), [])

    traffic = [f for f in LIVE if f["properties"]["sector"] == "交通"]
    assert find_projects(db, properties=[("sector", "交通")], limit=None)[1] == traffic
    no_zone = [f for f in LIVE if f["properties"]["zone"] is None]
    assert _ids(find_projects(db, properties=[("zone", "None")], limit=None)[1]) == _ids(no_zone)
    assert find_projects(db, properties=[("deleted", "False")], limit=0)[0] == len(LIVE)
    assert find_projects(db, properties=[("deleted", "false")], limit=0)[0] == 0

    def overlaps(p, start, end):
        first, last = p["start_year"], p["end_year"]
        if first is None and last is None:
            return False
        first, last = first if first is not None else last, last if last is not None else first
        return first <= end and last >= start

    in_2024 = [f for f in LIVE if overlaps(f["properties"], 2024, 2024)]
    assert _ids(find_projects(db, years=(2024, 2024), limit=None)[1]) == _ids(in_2024)

    by_name = sorted(LIVE, key=lambda f: f["properties"]["name"], reverse=True)
    found = find_projects(db, sortby=[{"property": "name", "order": "-"}], limit=None)[1]
    assert _ids(found) == _ids(by_name)
    by_lead = sorted(
        LIVE,
        key=lambda f: (f["properties"]["lead_dept"] is None, str(f["properties"]["lead_dept"])),
    )
    found = find_projects(db, sortby=[{"property": "lead_dept", "order": "+"}], limit=None)[1]
    assert _ids(found) == _ids(by_lead)


def test_an_edit_or_a_deletion_is_in_the_next_query(db, request):
    users.add_user("wang", PASSWORD, rounds=4)
    editor = users.authenticate("wang", PASSWORD)
    target = next(f for f in LIVE if f["geometry"] is None)["properties"]["id"]
    assert live_project(db, target)["geometry"] is None
    moved = {"type": "Point", "coordinates": [106.3333, 29.5555]}
    store.save(
        editor,
        target,
        {"geometry": moved, "status": "在建"},
        expected_version=1,
        reason="现场核实位置",
        path=db,
        outline=district_outline(request),
    )
    matched, page = find_projects(db, bbox=(106.333, 29.555, 106.334, 29.556))
    assert _ids(page) == [target] and page[0]["properties"]["status"] == "在建"
    store.delete(editor, target, expected_version=2, reason="重复项目", path=db)
    assert live_project(db, target) is None
    assert find_projects(db, bbox=(106.333, 29.555, 106.334, 29.556)) == (0, [])
    assert find_projects(db, limit=0)[0] == len(LIVE) - 1


def test_the_fields_are_the_live_records_properties_with_their_types(db):
    fields = project_fields(db)
    assert fields["name"] == "string" and fields["start_year"] == "integer"
    assert fields["aliases"] == "array" and fields["deleted"] == "boolean"
    keys = {k for f in LIVE for k, v in f["properties"].items() if v is not None}
    assert set(fields) == keys


def test_a_fields_first_record_is_found_alone_as_in_the_whole_read(db):
    """Looked up a few at a time (by the ``prop_`` column or the JSON), each field has the
    type and first record the whole read gives it; a field no live record holds is left out."""
    whole = field_firsts(db)
    first = LIVE[0]["properties"]
    at = (catalog_order(db, [first["id"]])[first["id"]], first["id"])
    assert all(whole[k][1] == at for k, v in first.items() if v is not None)
    assert field_firsts(db, [*whole, "not_in_the_schema"]) == whole
    assert "investment" not in whole  # no record of the real catalog has one
    few = ["investment", "notes", "sources"]  # none, a prop_ column, the JSON only
    assert field_firsts(db, few) == {k: whole[k] for k in few[1:]}
    assert catalog_order(db, ["no-such-id"]) == {}


def _python_str(props, key):
    value = props.get(key)
    return "None" if value is None else str(value)


def test_every_queryable_filters_and_sorts_as_python_does(db):
    """Each property the service offers (but the two long lists) filtered by a value it has,
    by None, and sorted both ways, against Python's ``str`` on the real catalog."""
    fields = set(project_fields(db)) - {"sources", "status_history"}
    assert set(GENERATED) <= fields | {"progress", "investment", "updated_by", "updated_at"}
    for key in sorted(fields):
        if isinstance(LIVE[0]["properties"].get(key), list):
            value = compact(LIVE[-1]["properties"][key])  # a list matches as its JSON text
            expected = [f for f in LIVE if compact(f["properties"].get(key)) == value]
        else:
            value = _python_str(LIVE[-1]["properties"], key)
            expected = [f for f in LIVE if _python_str(f["properties"], key) == value]
        found = find_projects(db, properties=[(key, value)], limit=None)[1]
        assert _ids(found) == _ids(expected), key
        nothing = [f for f in LIVE if f["properties"].get(key) is None]
        found = find_projects(db, properties=[(key, "None")], limit=None)[1]
        assert _ids(found) == _ids(nothing), key
        if key in GENERATED or isinstance(LIVE[0]["properties"].get(key), str):
            for order in "+-":
                expected = sorted(
                    LIVE,
                    key=lambda f, k=key: (f["properties"].get(k) is None, str(f["properties"][k])),
                    reverse=order == "-",
                )
                if key in GENERATED and isinstance(LIVE[0]["properties"].get(key), list):
                    continue  # a list sorts by its JSON text, not Python's
                sort = [{"property": key, "order": order}]
                found = find_projects(db, sortby=sort, limit=None)[1]
                assert _ids(found) == _ids(expected), (key, order)
    assert find_projects(db, properties=[("deleted", "False")], limit=0)[0] == len(LIVE)
    assert find_projects(db, properties=[("deleted", "false")], limit=0)[0] == 0


def _plan(db, sql, params):
    return "\n".join(r[0] for r in connect(db).execute(f"EXPLAIN (VERBOSE) {sql}", params))


def test_filters_and_sorts_on_queryables_read_no_json(db):
    """A filter or a sort on any queryable property but the two long lists reads a column, not
    the record's JSON (which took 1.3–1.8 s at 100 000 projects); on the indexed ones a count
    of the matches and an ascending sort's first page walk the property's index, and a count
    of every live row walks the index of the live rows."""
    fields = set(project_fields(db)) - {"sources", "status_history"}
    for key in fields:
        params = {}
        where = query._where(None, None, [(key, "x")], None, params)
        order = query._order([{"property": key, "order": "-"}], params)
        plan = _plan(db, f"SELECT id FROM projects WHERE {where} ORDER BY {order}", params)
        assert "feature" not in plan, (key, plan)
    assert set(INDEXED) <= fields | {"progress", "investment", "updated_by", "updated_at"}
    connect(db).execute("SET enable_seqscan = off")  # a 600-row table: make the planner show it
    try:
        plan = _plan(
            db, f"SELECT count(*) FROM projects WHERE {query._where(None, None, [], None, {})}", {}
        )
        assert "projects_live_idx" in plan
        for key in INDEXED:
            params = {}
            where = query._where(None, None, [(key, "x")], None, params)
            plan = _plan(db, f"SELECT count(*) FROM projects WHERE {where}", params)
            assert f"projects_live_{key}_idx" in plan, (key, plan)
            order = query._order([{"property": key, "order": "+"}], params)
            sql = f"SELECT id FROM projects WHERE NOT deleted ORDER BY {order} LIMIT 100"
            plan = _plan(db, sql, params)
            assert f"projects_live_{key}_idx" in plan and "Sort" not in plan, (key, plan)
    finally:
        connect(db).execute("RESET enable_seqscan")


def test_an_older_database_gains_the_property_columns_in_place(db):
    """A database made before the property columns gets them, filled from its records, and
    the indexes over the live rows, when the store next connects."""
    conn = connect(db)
    drop_property_columns(conn)  # as the bench's "before" (bench/bench_service.py)
    assert "prop_precision" not in _plan(db, "SELECT * FROM projects", {})
    kept = conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'projects'")
    assert {r[0] for r in kept} == {  # those of the schema made before the columns
        "projects_pkey",
        "projects_place_idx",
        "projects_geom_idx",
        "projects_changed_idx",
        "projects_ord_idx",
    }
    ensure_schema(conn)
    near = [f for f in LIVE if f["properties"]["precision"] == "approximate"]
    count = conn.execute("SELECT count(*) FROM projects WHERE prop_precision = 'approximate'")
    assert count.fetchone()[0] == len(near) > 0
    assert conn.execute("SELECT DISTINCT prop_deleted FROM projects").fetchall() == [("False",)]
    names = {r[0] for r in conn.execute("SELECT indexname FROM pg_indexes")}
    assert {f"projects_live_{k}_idx" for k in INDEXED} | {"projects_live_idx"} <= names
    found = find_projects(db, properties=[("precision", "approximate")], limit=None)[1]
    assert _ids(found) == _ids(near)


def test_every_sort_compares_code_points_whatever_the_databases_collation(db):
    """A sort is by code point as Python's, also where the database's default collation is
    another (``id`` kept its own: an English locale would sort it otherwise)."""
    for key in set(project_fields(db)) | {"id", "not_in_the_schema"}:
        order = query._order([{"property": key, "order": "+"}], {})
        first = order.split(",")[0]
        assert 'COLLATE "C"' in first or first.startswith("prop_"), (key, first)
