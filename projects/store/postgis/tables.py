"""The PostGIS store's tables, its connections, and how a record becomes a row and back.

A record is kept whole as ``json`` (not ``jsonb``), so its keys keep their order and a catalog
copied in and out again is the same bytes; the columns beside it (version, deleted, name,
sector, status, zone, years and the geometry as ``geometry(Geometry, 4326)`` with a GiST index)
are what SQL filters and locks on. The history is one row per save (``batches``, numbered from
0 like the file's lines) and one per record change (``entries``), again as ``json``. Staff
accounts, the login throttle and open login sessions are ``accounts``, ``login_failures`` and
``sessions`` (:mod:`projects.store.postgis.accounts`); taken-in plan documents are
``documents`` (:mod:`projects.store.postgis.documents`). Every place a record can refer to by its
``place_id`` is a row of ``places`` (:mod:`projects.store.postgis.places`); ``projects.place_id``
is a column generated from the record, and the view ``project_places`` shows each
reference-level record at its place's representative point (never copying the place's shape).
"""

from __future__ import annotations

import atexit
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from projects.errors import CatalogError
from projects.schema import FIELDS

#: Every save takes this transaction-level advisory lock just before it writes, so saves commit
#: in the order their batch numbers and change counters were given (readers never miss one).
SAVE_LOCK = 0x5350_4247  # "SPBG"
#: The variable that selects the PostGIS store (for the catalog, and for accounts unless
#: ``SHAPINGBA_USERS`` names a file).
DATABASE_ENV = "SHAPINGBA_DATABASE_URL"
#: The channel every save notifies, with {"version", "ids"} as its payload.
CHANNEL = "shapingba_catalog"
#: The channel every write of the places table notifies, with {"version", "places"}.
PLACES_CHANNEL = "shapingba_places"

SCHEMA = """
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE SEQUENCE IF NOT EXISTS project_changes;
CREATE SEQUENCE IF NOT EXISTS project_order;
CREATE TABLE IF NOT EXISTS projects (
    id text PRIMARY KEY,
    ord bigint NOT NULL,
    version integer NOT NULL,
    deleted boolean NOT NULL DEFAULT false,
    changed bigint NOT NULL,
    name text,
    sector text,
    status text,
    zone text,
    start_year integer,
    end_year integer,
    feature json NOT NULL,
    geom geometry(Geometry, 4326),
    place_id text GENERATED ALWAYS AS (feature -> 'properties' ->> 'place_id') STORED
);
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                   WHERE table_name = 'projects' AND column_name = 'place_id') THEN
        ALTER TABLE projects ADD COLUMN place_id text
            GENERATED ALWAYS AS (feature -> 'properties' ->> 'place_id') STORED;
    END IF;
END $$;
CREATE INDEX IF NOT EXISTS projects_place_idx ON projects (place_id);
CREATE INDEX IF NOT EXISTS projects_geom_idx ON projects USING gist (geom);
CREATE INDEX IF NOT EXISTS projects_changed_idx ON projects (changed);
CREATE INDEX IF NOT EXISTS projects_ord_idx ON projects (ord, id);
CREATE TABLE IF NOT EXISTS batches (
    seq bigint PRIMARY KEY,
    at text NOT NULL,
    by_name text NOT NULL,
    reason text NOT NULL,
    batch json NOT NULL
);
CREATE TABLE IF NOT EXISTS entries (
    seq bigint NOT NULL REFERENCES batches ON DELETE CASCADE,
    idx integer NOT NULL,
    project_id text NOT NULL,
    action text NOT NULL,
    version integer,
    entry json NOT NULL,
    PRIMARY KEY (seq, idx)
);
CREATE INDEX IF NOT EXISTS entries_project_idx ON entries (project_id, seq);
CREATE TABLE IF NOT EXISTS accounts (
    name text PRIMARY KEY,
    hash text NOT NULL
);
CREATE TABLE IF NOT EXISTS login_failures (
    key text PRIMARY KEY,
    times json NOT NULL,
    last double precision NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash text PRIMARY KEY,
    name text NOT NULL,
    version text NOT NULL,
    created double precision NOT NULL,
    last_seen double precision NOT NULL,
    client text
);
CREATE INDEX IF NOT EXISTS sessions_name_idx ON sessions (name);
CREATE TABLE IF NOT EXISTS documents (
    id text PRIMARY KEY,
    sha256 text NOT NULL,
    title text,
    date text,
    kind text,
    filename text,
    original bytea,
    lines bytea,
    entry json NOT NULL
);
CREATE TABLE IF NOT EXISTS places (
    id text PRIMARY KEY,
    ord integer NOT NULL,
    name text NOT NULL,
    aliases text[] NOT NULL,
    kind text NOT NULL,
    precision text NOT NULL,
    basis text NOT NULL,
    properties jsonb NOT NULL,
    geom geometry(Geometry, 4326) NOT NULL,
    point geometry(Point, 4326)
);
CREATE INDEX IF NOT EXISTS places_geom_idx ON places USING gist (geom);
CREATE OR REPLACE VIEW project_places AS
    SELECT p.id, p.name, p.sector, p.status, p.zone, p.start_year, p.end_year,
           p.feature -> 'properties' ->> 'precision' AS precision, p.place_id,
           l.name AS place_name, l.kind AS place_kind, l.basis AS place_basis, l.point AS geom
    FROM projects p JOIN places l ON l.id = p.place_id
    WHERE NOT p.deleted AND p.geom IS NULL;
CREATE TABLE IF NOT EXISTS store_meta (
    key text PRIMARY KEY,
    value text NOT NULL
);
INSERT INTO store_meta VALUES ('generation', md5(random()::text || clock_timestamp()::text))
    ON CONFLICT (key) DO NOTHING;
"""

#: Properties with a column written by :func:`row` or generated from the record above.
OWN_COLUMNS = ("id", "name", "sector", "status", "zone", "start_year", "end_year", "place_id")
#: Properties the feature service offers as queryables that have a column of their own,
#: ``prop_<name>``, generated from the record: Python's text of the value (``True``/``False``
#: for a boolean, the JSON text otherwise, NULL when missing or null), so a filter or a sort on
#: them reads no JSON (1.3–1.8 s at 100 000 projects when every row's JSON was parsed). All the
#: schema's fields but the ones above and the two long lists of objects (``sources``,
#: ``status_history``: hundreds of bytes each, nobody filters on a whole list).
GENERATED = tuple(k for k in FIELDS if k not in OWN_COLUMNS + ("sources", "status_history"))
#: Properties with a partial B-tree index on (their text, catalog order) over the live rows:
#: values the store's checks keep short (a vocabulary, a code, a year, a name of at most 100
#: characters; an index entry holds at most about 2.7 kB), so a count of a filter's matches
#: reads the index alone and an ascending sort's first page walks it. Not the free texts (notes
#: and the ``*_basis`` texts, up to 2 000 characters) nor the lists: a column only.
INDEXED = (
    "name",
    "sector",
    "status",
    "zone",
    "place_id",
    "start_year",
    "end_year",
    "precision",
    "geo_method",
    "geo_matched",
    "years_basis",
    "progress",
    "phase",
    "district",
    "lead_dept",
    "investment",
    "version",
    "deleted",
    "updated_by",
    "updated_at",
)


def generated_column(key: str) -> str:
    """The ``prop_`` column that holds property ``key``'s value as text (see GENERATED)."""
    return f"prop_{key}"


def property_sql(key: str) -> str | None:
    """SQL for property ``key``'s text where a column holds it (None: only the record's JSON),
    in code-point order (collation "C") as the page queries filter and sort, the same
    expression as its index's."""
    if key in GENERATED:
        return generated_column(key)  # of collation "C"
    if key == "id":
        return "id"  # the primary key's own collation (equality is the same in any)
    if key in ("start_year", "end_year"):
        return f'({key}::text COLLATE "C")'
    if key in OWN_COLUMNS:
        return f'({key} COLLATE "C")'
    return None


def _generated_sql(key: str) -> str:
    value = f"feature -> 'properties' -> '{key}'"
    text = f"feature -> 'properties' ->> '{key}'"
    return (
        f'ADD COLUMN {generated_column(key)} text COLLATE "C" GENERATED ALWAYS AS '
        f"(CASE json_typeof({value}) WHEN 'boolean' THEN initcap({text}) ELSE {text} END) STORED"
    )


#: Columns written for a record, in this order (``geom`` is made from the GeoJSON in SQL).
COLUMNS = (
    "id",
    "version",
    "deleted",
    "name",
    "sector",
    "status",
    "zone",
    "start_year",
    "end_year",
    "feature",
)
GEOM_SQL = "ST_SetSRID(ST_GeomFromGeoJSON(%(geometry)s::text), 4326)"

#: How many connections a process's pool for one database holds at most (see :func:`pooled`).
POOL_SIZE = 4
#: The pools' ``application_name`` (how ``pg_stat_activity`` tells their connections apart).
POOL_NAME = "shapingba-pool"

_local = threading.local()
_pools: dict[str, Any] = {}
_pools_lock = threading.Lock()
_ready: set[str] = set()
_ready_lock = threading.Lock()


def is_url(location: object) -> bool:
    """True for a PostgreSQL connection URL (what selects this store)."""
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def configured_url() -> str | None:
    """The database URL from :data:`DATABASE_ENV`, or None (the file store)."""
    return os.environ.get(DATABASE_ENV, "").strip() or None


def compact(value: Any) -> str:
    """JSON text as the file store writes it (compact, UTF-8 kept), so copies stay byte-equal."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def connect(url: str):
    """This thread's connection to ``url`` (autocommit; transactions are explicit), schema ready.

    One per thread because Streamlit runs each session's script in its own thread and a psycopg
    connection serves one statement at a time.
    """
    borrowed = _local.__dict__.get("borrowed", {}).get(url)
    if borrowed is not None:
        return borrowed
    conns = _local.__dict__.setdefault("conns", {})
    conn = conns.get(url)
    if conn is not None and not conn.closed and not conn.broken:
        return conn
    conns[url] = conn = _open(url)
    return conn


def _open(url: str):
    """A new connection to ``url`` (autocommit), its schema made or upgraded once per process."""
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        raise CatalogError(f"无法连接项目数据库（{_safe(url)}）：{exc}") from exc
    with _ready_lock:
        if url not in _ready:
            ensure_schema(conn)
            _ready.add(url)
    return conn


@contextmanager
def pooled(url: str) -> Iterator[None]:
    """Within it, :func:`connect` on this thread gives a connection borrowed from ``url``'s
    pool, given back at the end (nested: the same one).

    For servers that run each request on a new thread (pygeoapi under Flask), where a
    connection per thread meant a new connection, about 50 ms, for every request. The pool is
    shared by the process's threads, holds at most :data:`POOL_SIZE` connections (a request
    waits up to 30 s for one), checks a connection before lending it (the server may have been
    restarted) and is closed by :func:`close_pools` (at exit at the latest).
    """
    held = _local.__dict__.setdefault("borrowed", {})
    if url in held:
        yield
        return
    try:
        with _pool(url).connection(timeout=30) as conn:
            held[url] = conn
            try:
                yield
            finally:
                del held[url]
    except PoolTimeout as exc:
        raise CatalogError(
            f"项目数据库连接已满或无法连接（{_safe(url)}），请稍后再试：{exc}"
        ) from exc


def _pool(url: str):
    """``url``'s pool, opened on first use with its first connection (schema ready)."""
    with _pools_lock:
        pool = _pools.get(url)
        if pool is not None:
            return pool
        pool = ConnectionPool(
            url,
            min_size=1,
            max_size=POOL_SIZE,
            kwargs={"autocommit": True, "connect_timeout": 10, "application_name": POOL_NAME},
            check=ConnectionPool.check_connection,
            name=POOL_NAME,
            open=False,
        )
        _open(url).close()  # fails at once, in Chinese, when there is no server
        pool.open()
        try:
            pool.wait(timeout=15)
        except PoolTimeout as exc:
            pool.close()
            raise CatalogError(f"无法连接项目数据库（{_safe(url)}）：{exc}") from exc
        _pools[url] = pool
        return pool


def close_pools() -> None:
    """Close every pool's connections (a server shutting down; also registered at exit)."""
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.close()


atexit.register(close_pools)


def forget(url: str) -> None:
    """Forget that ``url``'s tables were made (its database was dropped: one made again under
    the same name gets them anew)."""
    with _ready_lock:
        _ready.discard(url)


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    head, at, tail = url.rpartition("@")
    if not at:
        return url
    scheme, _, user = head.partition("://")
    return f"{scheme}://{user.split(':')[0]}@{tail}"


def ensure_schema(conn) -> None:
    """Create the tables and indexes if they are missing (idempotent; one process at a time)."""
    try:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (SAVE_LOCK + 1,))
            conn.execute(SCHEMA)
            _add_generated(conn)
    except psycopg.Error as exc:
        raise CatalogError(f"项目数据库无法建表（需要 PostGIS 扩展）：{exc}") from exc


def _add_generated(conn) -> None:
    """Add the generated property columns a database lacks (made before them, or before a
    field was added to the schema) in one ``ALTER TABLE`` (one rewrite of the table, once),
    then the indexes over the live rows. Nothing is locked when nothing is missing."""
    have = {
        r[0]
        for r in conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = 'projects'::regclass "
            "AND attnum > 0 AND NOT attisdropped"
        )
    }
    missing = [k for k in GENERATED if generated_column(k) not in have]
    if missing:
        conn.execute("ALTER TABLE projects " + ", ".join(_generated_sql(k) for k in missing))
    indexes = {
        r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'projects'")
    }
    if "projects_live_idx" not in indexes:  # counts every live row from the index alone
        conn.execute("CREATE INDEX projects_live_idx ON projects (ord, id) WHERE NOT deleted")
    for key in INDEXED:
        if f"projects_live_{key}_idx" not in indexes:
            conn.execute(
                f"CREATE INDEX projects_live_{key}_idx ON projects "
                f"(({property_sql(key)}), ord, id) WHERE NOT deleted"
            )


def drop_property_columns(conn) -> None:
    """Take the ``projects`` table back to what a database made before the property columns
    has (no ``prop_`` column, no index over the live rows): what :func:`_add_generated`
    upgrades in place. For the upgrade's test and the bench that compares before and after;
    every index it drops must be there."""
    drops = ", ".join(f"DROP COLUMN {generated_column(k)}" for k in GENERATED)
    conn.execute(f"ALTER TABLE projects {drops}")
    for key in INDEXED:
        conn.execute(f"DROP INDEX IF EXISTS projects_live_{key}_idx")  # a prop_'s went with it
    conn.execute("DROP INDEX projects_live_idx")


def _year(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def row(feature: dict[str, Any]) -> dict[str, Any]:
    """The parameters that write ``feature`` (see COLUMNS and GEOM_SQL)."""
    from psycopg.types.json import Json

    props = feature["properties"]
    geometry = feature.get("geometry")
    return {
        "id": props["id"],
        "version": props.get("version", 1),
        "deleted": bool(props.get("deleted")),
        "name": _text(props.get("name")),
        "sector": _text(props.get("sector")),
        "status": _text(props.get("status")),
        "zone": _text(props.get("zone")),
        "start_year": _year(props.get("start_year")),
        "end_year": _year(props.get("end_year")),
        "feature": Json(feature, dumps=compact),
        "geometry": compact(geometry) if geometry else None,
    }


def entry_row(seq: int, idx: int, entry: dict[str, Any]) -> dict[str, Any]:
    """The parameters of one history entry row."""
    from psycopg.types.json import Json

    return {
        "seq": seq,
        "idx": idx,
        "project_id": entry.get("id", ""),
        "action": entry.get("action", ""),
        "version": entry.get("version"),
        "entry": Json(entry, dumps=compact),
    }
