"""Places: the gazetteer, the geocoder and the placement of every project.

Also what a place id names (:mod:`geo.places.reference`) and the zone a position gives.
"""

from geo.places.gazetteer import Gazetteer, Place, load_gazetteer
from geo.places.geocode import GeocodeResult, geocode
from geo.places.placement import place_records, zone_from_position
from geo.places.reference import (
    DISTRICT_ID,
    ZONE_IDS,
    PlaceRef,
    place_geometry,
    place_name,
    representative_point,
    resolve,
)

__all__ = [
    "DISTRICT_ID",
    "GeocodeResult",
    "Gazetteer",
    "Place",
    "PlaceRef",
    "ZONE_IDS",
    "geocode",
    "load_gazetteer",
    "place_geometry",
    "place_name",
    "place_records",
    "representative_point",
    "resolve",
    "zone_from_position",
]
