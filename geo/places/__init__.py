"""Places: the gazetteer, the geocoder and the placement of every project.

Public here: the gazetteer, what a place id names and where it is (:mod:`geo.places.reference`),
and the zone a position gives. The geocoder and the placement are used from their modules
(``geo.places.geocode.geocode``, ``geo.places.placement.place_records``), so
``python -m geo.places.placement`` runs its module once.
"""

from geo.places.gazetteer import Gazetteer, Place, load_gazetteer
from geo.places.reference import (
    DISTRICT_ID,
    ZONE_IDS,
    PlaceRef,
    at_place_points,
    place_geometry,
    place_name,
    representative_point,
    resolve,
    zone_from_position,
)

__all__ = [
    "DISTRICT_ID",
    "Gazetteer",
    "Place",
    "PlaceRef",
    "ZONE_IDS",
    "at_place_points",
    "load_gazetteer",
    "place_geometry",
    "place_name",
    "representative_point",
    "resolve",
    "zone_from_position",
]
