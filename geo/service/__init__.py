"""The live OGC API – Features service (pygeoapi) over the catalog, the zones and the places."""

from geo.service.config import (
    DISTRICT_BBOX,
    PROVIDER,
    collections,
    config,
    extent,
    write_config,
)
from geo.service.provider import CatalogProvider

__all__ = [
    "DISTRICT_BBOX",
    "PROVIDER",
    "CatalogProvider",
    "collections",
    "config",
    "extent",
    "write_config",
]
