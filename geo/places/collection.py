"""Every place a record can refer to, in one file and one database table.

A record placed only to an area, a 镇街, a zone or the district keeps that place's id
(``place_id``). The places behind those ids live in two files the app reads
(``data/gazetteer.geojson`` for the gazetteer, the district among it as ``500106``;
``data/boundaries/zones.geojson`` for the 东中西 zones). This module writes them together, each
once, as ``data/places.geojson`` (:data:`projects.store.postgis.PLACES_PATH`): the gazetteer's
features as they are, then the three zones (kind ``zone``, ids ``zone-east`` …), every feature
with the ``point`` the map badges and ``--geometry representative`` exports use (on the 1e-7°
grid of the boundaries). ``projects.store`` copies that file into the PostGIS ``places`` table
when a catalog is migrated into a database, so SQL and QGIS can join a record to its place.

``python -m geo.places.collection`` (run by ``make gazetteer`` and ``make boundaries``) rewrites
the file and, when ``SHAPINGBA_DATABASE_URL`` is set (or ``--database URL`` is given), refreshes
the table too.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import shapely

from geo.boundaries import ZONES_PATH
from geo.places.gazetteer import DEFAULT, Gazetteer
from geo.places.gazetteer_build import dumps
from geo.places.reference import ZONE_BASIS, ZONE_IDS, representative
from projects import store
from projects.errors import CatalogError
from projects.store.postgis import PLACES_PATH, read_places_file, write_places

#: The kind of a 东中西 zone in the places file and table (not a gazetteer kind).
ZONE_KIND = "zone"
#: Decimal places of a representative point (1e-7°, about 1 cm: the boundaries' grid).
POINT_DECIMALS = 7


def point_of(geometry: dict[str, Any] | shapely.Geometry) -> list[float]:
    """The representative point of a geometry (GeoJSON or shapely), as [lon, lat] on the grid."""
    if not isinstance(geometry, shapely.Geometry):
        geometry = shapely.geometry.shape(geometry)
    point = representative(geometry)
    return [round(point.x, POINT_DECIMALS), round(point.y, POINT_DECIMALS)]


def place_features(gazetteer: Path = DEFAULT, zones: Path = ZONES_PATH) -> list[dict[str, Any]]:
    """Every place as a GeoJSON Feature: the gazetteer's entries (checked, in file order), then
    the three zones. The gazetteer file is read and each entry's geometry parsed once (the
    checks' parse gives the representative point)."""
    features = read_places_file(gazetteer, what="地名库文件")  # the file is read once
    checked = Gazetteer.from_features(features)  # the same checks the app makes; raises BadFile
    out = [
        {**f, "properties": {**f["properties"], "point": point_of(place.geometry)}}
        for f, place in zip(features, checked, strict=True)
    ]
    by_zone = {
        f["properties"]["zone"]: f
        for f in json.loads(zones.read_text(encoding="utf-8"))["features"]
    }
    for zone, place_id in ZONE_IDS.items():
        feature = by_zone[zone]
        props = feature["properties"]
        out.append(
            {
                "type": "Feature",
                "geometry": feature["geometry"],
                "properties": {
                    "id": place_id,
                    "name": props["name"],
                    "aliases": [],
                    "kind": ZONE_KIND,
                    "precision": "zone",
                    "basis": ZONE_BASIS,
                    "zone": zone,
                    "colour": props["colour"],
                    "named_places": props["places"],
                    "sources": props["basis"],
                    "point": point_of(feature["geometry"]),
                },
            }
        )
    return out


def build_text(gazetteer: Path = DEFAULT, zones: Path = ZONES_PATH) -> str:
    """The text ``data/places.geojson`` should hold for these inputs (one feature a line)."""
    return dumps({"features": place_features(gazetteer, zones)})


def main(argv: list[str] | None = None) -> int:
    """Write ``data/places.geojson``; refresh the database's table when one is configured."""
    parser = argparse.ArgumentParser(
        prog="python -m geo.places.collection",
        description="写出 data/places.geojson（项目可引用的全部地名），并刷新数据库地名表",
    )
    parser.add_argument("--database", help="postgresql:// 地址（默认取 SHAPINGBA_DATABASE_URL）")
    args = parser.parse_args(argv)
    text = build_text()
    PLACES_PATH.write_text(text, encoding="utf-8")
    features = json.loads(text)["features"]  # as written: the table gets the file's values
    print(f"已写出 {PLACES_PATH}：{len(features)} 个地名。")
    url = args.database or store.database_url()
    if url:
        try:
            written = write_places(url, features)
        except CatalogError as exc:
            print(f"错误：{exc.message_zh}", file=sys.stderr)
            return 1
        print(f"已刷新数据库地名表：{written} 个地名；应用服务重启后生效。")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
