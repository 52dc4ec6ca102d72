"""The catalog's persistence: versioned saves with history and undo, validation, staff accounts."""

import warnings

from projects.store.backend import (
    catalog_version,
    changed_since,
    create,
    database_url,
    delete,
    get,
    history,
    lifetime,
    load,
    load_collection,
    location,
    rebuild,
    rebuilt_text,
    recover,
    restore,
    revert,
    save,
    save_many,
    undo,
    undo_batch,
)
from projects.store.catalog_file import (
    CATALOG_PATH,
    DEFAULT_CATALOG,
    HISTORY_NAME,
    LOCK_TIMEOUT,
    catalog_path,
    file_stamp,
    history_path,
    paused_gc,
)
from projects.store.changes import (
    BOOKKEEPING,
    describe_changes,
)
from projects.store.edits import (
    POSITION_ZONE_BASES,
    SETTABLE,
    STAFF_PREFIX,
    Edit,
    followed_zone,
    position_zone_basis,
    zone_note,
    zone_rests_on_position,
)
from projects.store.file_store import ACTIONS
from projects.store.history_log import (
    last_undoable,
    replay,
    state_at,
)
from projects.store.postgis.tables import DATABASE_ENV
from projects.store.rebuild import RebuildReport

# ``python -m projects.store.users`` (the staff account command of the README) runs a module
# this package imports itself, and runpy warned about it in English on every run. The command
# runs the imported module's ``main`` (users.py), so one copy of it holds the state.
warnings.filterwarnings(
    "ignore",
    message=r"'projects\.store\.users' found in sys\.modules after import of package",
    category=RuntimeWarning,
)

__all__ = [
    "ACTIONS",
    "BOOKKEEPING",
    "DATABASE_ENV",
    "CATALOG_PATH",
    "DEFAULT_CATALOG",
    "Edit",
    "HISTORY_NAME",
    "LOCK_TIMEOUT",
    "POSITION_ZONE_BASES",
    "RebuildReport",
    "SETTABLE",
    "STAFF_PREFIX",
    "catalog_path",
    "catalog_version",
    "changed_since",
    "create",
    "database_url",
    "delete",
    "describe_changes",
    "file_stamp",
    "followed_zone",
    "get",
    "history",
    "history_path",
    "last_undoable",
    "lifetime",
    "paused_gc",
    "position_zone_basis",
    "load",
    "load_collection",
    "location",
    "rebuild",
    "rebuilt_text",
    "recover",
    "replay",
    "restore",
    "revert",
    "save",
    "save_many",
    "state_at",
    "undo",
    "undo_batch",
    "zone_note",
    "zone_rests_on_position",
]
