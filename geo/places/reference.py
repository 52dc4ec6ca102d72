"""References to places: what a reference-level position (``place_id``) names and where it is.

A record placed only to an area, a 镇街, a zone or the district does not copy that place's shape:
it stores the place's id (``schema.FIELDS["place_id"]``) and its geometry stays null. This module
turns such an id back into the place's name, its shape and one representative point, for the
map (one badge per place), the details panel and the exports (``--geometry representative``).

Ids: a gazetteer row's ``id`` (镇街 by their 民政部 code, the district as ``500106``), and the
three 东中西 zones as ``zone-east``, ``zone-middle``, ``zone-west`` (their shapes live in
``data/boundaries/zones.geojson``).

>>> place_name("zone-west")
'西部现代新城'
>>> place_name("500106017")
'西永街道'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import shapely
import shapely.geometry

from geo.boundaries import load_zones
from geo.places.gazetteer import Gazetteer, Place, load_gazetteer
from geo.zones import zone_of
from projects import vocab

#: The gazetteer id of the district itself.
DISTRICT_ID = "500106"
#: Place ids of the 东中西 zones.
ZONE_IDS: dict[str, str] = {"东": "zone-east", "中": "zone-middle", "西": "zone-west"}
#: Where the zones' basis is cited.
ZONE_BASIS = "示意分区（十四五规划第 706–715 行“东中西”总体空间布局及其示意图）"


#: The precisions a reference to a place's point gives (the place's own: within 100 m or
#: 1 km); a reference to any other place gives the place's extent only (area, 镇街, zone …).
POINT_PRECISIONS: tuple[str, ...] = ("exact", "approximate")


@dataclass(frozen=True)
class PlaceRef:
    """What a place id stands for."""

    #: The id itself.
    id: str
    #: The place's name (a zone's full name).
    name: str
    #: The precision it gives a record: exact or approximate for a place's point
    #: (``POINT_PRECISIONS``), else area, township, zone or district.
    precision: str
    #: Its shape (WGS84): an area's extent, a line, a seat point, a zone or the outline.
    geometry: shapely.Geometry
    #: Where its badge goes: the point itself, the middle of a line, a point inside a polygon.
    point: shapely.Point
    #: True when the shape is a sketch, not surveyed (the map labels its outline 示意).
    schematic: bool
    #: Where the shape comes from, in Chinese.
    basis: str


def representative(geom: shapely.Geometry) -> shapely.Point:
    """One point that lies on ``geom``: a point itself, the middle of a line, inside a polygon
    (the largest part of a multi-part shape)."""
    if geom.geom_type.startswith("Multi") or geom.geom_type == "GeometryCollection":
        geom = max(geom.geoms, key=lambda g: (g.area, g.length))
    if geom.geom_type == "Point":
        return geom
    if geom.geom_type == "LineString":
        return geom.interpolate(0.5, normalized=True)
    return geom.representative_point()


def reference_id(place: Place, gazetteer: Gazetteer | None = None) -> str:
    """The id a record refers to for ``place``: an area that only borrows another area's extent
    (a campus known only to lie in 大学城) refers to that area, and a place drawn at another's
    point (凤凰山 at 磁器口) to that place, so its shape or point is drawn once."""
    gaz = load_gazetteer() if gazetteer is None else gazetteer
    seen = {place.id}
    while place.same_as:
        target = gaz.by_id(place.same_as)
        if target is None or target.id in seen or not _borrows(place, target):
            break
        place = target
        seen.add(place.id)
    return place.id


def _borrows(place: Place, target: Place) -> bool:
    if place.precision == "area":
        return target.precision == "area"
    return place.geometry.geom_type == "Point" and place.geometry.equals(target.geometry)


def zone_id(zone: str) -> str:
    """The place id of a 东中西 zone (``ValueError`` for anything else)."""
    return ZONE_IDS[vocab.check_choice("zone", zone, vocab.ZONES)]


def resolve(place_id: str | None, gazetteer: Gazetteer | None = None) -> PlaceRef | None:
    """The place an id names, or None for an unknown id."""
    if not isinstance(place_id, str) or not place_id:
        return None
    if gazetteer is None:
        return _resolve_default(place_id)
    return _resolve(place_id, gazetteer)


@cache
def _resolve_default(place_id: str) -> PlaceRef | None:
    return _resolve(place_id, load_gazetteer())


def _resolve(place_id: str, gaz: Gazetteer) -> PlaceRef | None:
    for zone, zid in ZONE_IDS.items():
        if place_id == zid:
            row = gaz.others.get(zid)  # the zone's row, when the places came from a database
            if row is not None:
                geom = shapely.geometry.shape(row["geometry"])
                name, basis = row["properties"]["name"], row["properties"]["basis"]
            else:
                frame = load_zones().set_index("zone")
                geom = frame.loc[zone, "geometry"]
                name, basis = str(frame.loc[zone, "name"]), ZONE_BASIS
            return PlaceRef(zid, name, "zone", geom, representative(geom), True, basis)
    place = gaz.by_id(place_id)
    if place is None:
        return None
    precision = place.precision if place.precision in vocab.REFERENCE_PRECISIONS else "area"
    if place.geometry.geom_type == "Point" and place.precision in POINT_PRECISIONS:
        precision = place.precision  # a station, a campus point, 磁器口: where it is, ±1 km
    return PlaceRef(
        place.id,
        place.name,
        precision,
        place.geometry,
        representative(place.geometry),
        place.schematic,
        place.basis,
    )


def place_name(place_id: str | None) -> str | None:
    """The name of the place an id names (None for an unknown id)."""
    ref = resolve(place_id)
    return None if ref is None else ref.name


def representative_point(place_id: str | None) -> shapely.Point | None:
    """The place's representative point (WGS84), for a badge or a ``--geometry representative``
    export; None for an unknown id."""
    ref = resolve(place_id)
    return None if ref is None else ref.point


def place_geometry(place_id: str | None) -> shapely.Geometry | None:
    """The place's own shape (WGS84), kept once in the gazetteer or the zones file."""
    ref = resolve(place_id)
    return None if ref is None else ref.geometry


def at_place_points(gdf: Any) -> Any:
    """``gdf`` (a GeoDataFrame) with each reference to a place's point (``POINT_PRECISIONS``:
    a station, a campus, 磁器口) drawn at that point, for a printed sheet that shows where
    such projects are as it shows an own point; other rows are unchanged (a copy, when any
    changes)."""
    if "place_id" not in gdf.columns or not len(gdf):
        return gdf
    pick = gdf.geometry.isna().to_numpy() & gdf["precision"].isin(POINT_PRECISIONS).to_numpy()
    points = [representative_point(p) for p in gdf["place_id"].to_numpy(object)[pick]]
    if not any(p is not None for p in points):
        return gdf
    out = gdf.copy()
    out.loc[pick, out.geometry.name] = points
    return out


def zone_from_position(
    geometry: dict[str, Any] | shapely.Geometry | None,
    place_id: str | None,
    gazetteer: Gazetteer | None = None,
) -> tuple[str | None, list[str]]:
    """(zone, zones) a position gives: from the record's own geometry, else from the place it
    refers to (an area's extent, a 镇街's seat, the zone itself); (None, []) for the district or
    no position. ``projects`` uses it only where the document text names no zone."""
    if geometry is not None:
        geom = (
            geometry if isinstance(geometry, shapely.Geometry) else shapely.geometry.shape(geometry)
        )
        return zone_of(geom)
    ref = resolve(place_id, gazetteer)
    if ref is None or ref.precision == "district":
        return None, []
    return zone_of(ref.geometry)
