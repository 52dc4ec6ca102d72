"""The PostGIS store: the same public functions as the file store, over PostgreSQL tables."""

from projects.store.postgis.listen import changed_since, watch
from projects.store.postgis.places import (
    PLACES_PATH,
    place_count,
    places_version,
    read_places,
    read_places_file,
    write_places,
)
from projects.store.postgis.query import (
    catalog_order,
    field_firsts,
    find_projects,
    live_project,
    project_fields,
)
from projects.store.postgis.store import export, replace_all
from projects.store.postgis.tables import (
    CHANNEL,
    PLACES_CHANNEL,
    close_pools,
    is_url,
    pooled,
)

__all__ = [
    "CHANNEL",
    "PLACES_CHANNEL",
    "PLACES_PATH",
    "catalog_order",
    "changed_since",
    "close_pools",
    "export",
    "field_firsts",
    "find_projects",
    "is_url",
    "live_project",
    "place_count",
    "places_version",
    "pooled",
    "project_fields",
    "read_places",
    "read_places_file",
    "replace_all",
    "watch",
    "write_places",
]
