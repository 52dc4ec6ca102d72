"""The ``places`` table: every place a record can refer to by its ``place_id``, for SQL and QGIS.

What the places are is decided by :mod:`geo` (the gazetteer, the 东中西 zones, the district),
which writes them as one GeoJSON FeatureCollection, ``data/places.geojson``
(:data:`PLACES_PATH`); this module only moves such features in and out of the table. Each
feature's properties carry ``id``, ``name``, ``aliases``, ``kind``, ``precision`` and ``basis``
(columns of their own), ``point`` (the representative point [lon, lat] geo chose, the column
``point``), and anything else (``outside``, ``same_as``, ``members``, a zone's colour…) goes to
``properties`` as ``jsonb``. Writing replaces the whole table in one transaction, so a reader
sees the old places or the new ones, never a mix, and notifies ``shapingba_places`` as it
commits (:func:`places_version`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from projects.errors import BadFile, CatalogError
from projects.sources import ROOT
from projects.store.postgis.tables import PLACES_CHANNEL, SAVE_LOCK, compact, connect

#: The committed file of every place (built by ``python -m geo.places.collection``).
PLACES_PATH = ROOT / "data" / "places.geojson"
#: Properties with a column of their own (``point`` too); the rest go to ``properties``.
COLUMN_KEYS = ("id", "name", "aliases", "kind", "precision", "basis")
#: Serialises writers of the places table (readers never wait: one transaction replaces all).
PLACES_LOCK = SAVE_LOCK + 2

_INSERT = (
    "INSERT INTO places (id, ord, name, aliases, kind, precision, basis, properties, geom, point) "
    "VALUES (%(id)s, %(ord)s, %(name)s, %(aliases)s, %(kind)s, %(precision)s, %(basis)s, "
    "%(properties)s, ST_SetSRID(ST_GeomFromGeoJSON(%(geometry)s::text), 4326), "
    "ST_SetSRID(ST_MakePoint(%(x)s, %(y)s), 4326))"
)
_SELECT = (
    "SELECT id, name, aliases, kind, precision, basis, properties, ST_AsGeoJSON(geom, 15), "
    "ST_X(point), ST_Y(point) FROM places ORDER BY ord"
)


def read_places_file(
    path: Path | str = PLACES_PATH, *, what: str = "地名文件"
) -> list[dict[str, Any]]:
    """The features of a places (or gazetteer) file; BadFile in Chinese, naming the file as
    ``what``, when it cannot be read or is not a FeatureCollection."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BadFile(f"无法读取{what} {path}：{exc}") from exc
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise BadFile(f"{what} {path} 不是 GeoJSON FeatureCollection（缺少 features）")
    return features


def _row(position: int, feature: Any) -> dict[str, Any]:
    """The parameters of one place row; CatalogError naming what is missing."""
    props = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(props, dict):
        raise CatalogError(f"第 {position + 1} 个地名不是带 properties 的 GeoJSON Feature")
    label = props.get("id") or f"第 {position + 1} 个地名"
    for key in ("id", "name", "kind", "precision", "basis"):
        if not isinstance(props.get(key), str) or not props[key].strip():
            raise CatalogError(f"地名“{label}”缺少 {key}")
    aliases = props.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise CatalogError(f"地名“{label}”的 aliases 应为文字列表")
    if not isinstance(feature.get("geometry"), dict):
        raise CatalogError(f"地名“{label}”缺少 geometry")
    point = props.get("point")
    if point is not None and not (
        isinstance(point, list)
        and len(point) == 2
        and all(isinstance(c, int | float) and not isinstance(c, bool) for c in point)
    ):
        raise CatalogError(f"地名“{label}”的 point 应为 [经度, 纬度]")
    rest = {k: v for k, v in props.items() if k not in COLUMN_KEYS and k != "point"}
    return {
        **{k: props[k] for k in COLUMN_KEYS if k != "aliases"},
        "ord": position,
        "aliases": aliases,
        "properties": Jsonb(rest, dumps=compact),
        "geometry": compact(feature["geometry"]),
        "x": point[0] if point else None,
        "y": point[1] if point else None,
    }


def write_places(url: str, features: list[dict[str, Any]]) -> int:
    """Replace the ``places`` table with ``features`` (one transaction); the number written.

    Refuses (CatalogError, in Chinese) features without an id, a name, a kind, a precision, a
    basis or a geometry, a repeated id, and a geometry PostGIS cannot read: nothing is written.
    """
    rows = [_row(i, f) for i, f in enumerate(features)]
    seen: set[str] = set()
    for r in rows:
        if r["id"] in seen:
            raise CatalogError(f"地名编号“{r['id']}”重复出现")
        seen.add(r["id"])
    conn = connect(url)
    try:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (PLACES_LOCK,))
            conn.execute("DELETE FROM places")
            with conn.cursor() as cur:
                cur.executemany(_INSERT, rows)
            version = conn.execute(
                "INSERT INTO store_meta VALUES ('places', '1') ON CONFLICT (key) DO UPDATE "
                "SET value = (store_meta.value::bigint + 1)::text RETURNING value"
            ).fetchone()[0]
            note = compact({"version": version, "places": len(rows)})
            conn.execute("SELECT pg_notify(%s, %s)", (PLACES_CHANNEL, note))
    except psycopg.Error as exc:
        raise CatalogError(f"地名无法写入数据库：{exc}") from exc
    return len(rows)


def places_version(url: str) -> str:
    """A counter of the writes of the ``places`` table ("0" before the first): a process that
    keeps the places compares it with the one it read them at, or listens on
    :data:`~projects.store.postgis.tables.PLACES_CHANNEL` (each write notifies it with
    ``{"version", "places"}`` as it commits; nothing when a write is refused)."""
    found = connect(url).execute("SELECT value FROM store_meta WHERE key = 'places'").fetchone()
    return found[0] if found else "0"


def read_places(url: str) -> list[dict[str, Any]]:
    """Every place in the table as a GeoJSON Feature (the file's order); [] when it is empty."""
    out = []
    for pid, name, aliases, kind, precision, basis, rest, geometry, x, y in connect(url).execute(
        _SELECT
    ):
        props = {
            "id": pid,
            "name": name,
            "aliases": list(aliases),
            "kind": kind,
            "precision": precision,
            "basis": basis,
            **rest,
        }
        if x is not None:
            props["point"] = [x, y]
        out.append({"type": "Feature", "geometry": json.loads(geometry), "properties": props})
    return out


def place_count(url: str) -> int:
    """How many places the table holds (0: not filled yet)."""
    return connect(url).execute("SELECT count(*) FROM places").fetchone()[0]
