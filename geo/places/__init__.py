"""Places: the gazetteer, the geocoder and the placement of every project."""

from geo.places.gazetteer import Gazetteer, Place, load_gazetteer
from geo.places.geocode import GeocodeResult, geocode
from geo.places.placement import place_records

__all__ = ["GeocodeResult", "Gazetteer", "Place", "geocode", "load_gazetteer", "place_records"]
