"""The PostGIS store: the same public functions as the file store, over PostgreSQL tables."""

from projects.store.postgis.listen import changed_since, watch
from projects.store.postgis.store import export, replace_all
from projects.store.postgis.tables import CHANNEL, is_url

__all__ = ["CHANNEL", "changed_since", "export", "is_url", "replace_all", "watch"]
