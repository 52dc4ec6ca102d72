"""Which store a call goes to: PostGIS when given (or configured with) a database URL.

``SHAPINGBA_DATABASE_URL`` (e.g. ``postgresql://user@host:5432/shapingba``) makes every call
without an explicit location use the PostGIS store; unset, the embedded file store stays the
default, so ``make run`` needs no server. An explicit location decides by its form: a
``postgresql://`` URL goes to the database, anything else is a catalog file path.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

from projects.store import file_store
from projects.store import rebuild as file_rebuild
from projects.store.catalog_file import catalog_path
from projects.store.postgis import listen as postgis_listen
from projects.store.postgis import store as postgis_store
from projects.store.postgis.tables import configured_url, is_url


def database_url(location: Path | str | None = None) -> str | None:
    """The database URL a call with ``location`` goes to, or None for the file store."""
    if location:
        return location if is_url(location) else None
    return configured_url()


def location() -> Path | str:
    """Where the catalog lives now: the database URL if configured, else the catalog file."""
    return database_url() or catalog_path()


def _either(
    file_fn: Callable[..., Any], pg_fn: Callable[..., Any] | None = None
) -> Callable[..., Any]:
    """``file_fn``, or its PostGIS namesake when its ``path`` argument resolves to a URL."""
    signature = inspect.signature(file_fn)
    pg_fn = pg_fn or getattr(postgis_store, file_fn.__name__)

    @functools.wraps(file_fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        url = database_url(bound.arguments.get("path"))
        if url is None:
            return file_fn(*args, **kwargs)
        bound.arguments["path"] = url
        return pg_fn(*bound.args, **bound.kwargs)

    return call


load_collection = _either(file_store.load_collection)
load = _either(file_store.load)
get = _either(file_store.get)
catalog_version = _either(file_store.catalog_version)
history = _either(file_store.history)
recover = _either(file_store.recover)
save_many = _either(file_store.save_many)
save = _either(file_store.save)
create = _either(file_store.create)
delete = _either(file_store.delete)
restore = _either(file_store.restore)
revert = _either(file_store.revert)
undo = _either(file_store.undo)
undo_batch = _either(file_store.undo_batch)
rebuild = _either(file_rebuild.rebuild)
rebuilt_text = _either(file_rebuild.rebuilt_text)


def lifetime(location: Path | str | None = None) -> str:
    """What tells two lives of one location apart, for caches kept across restarts: the
    database's generation (made with its tables), or "" for a file, whose version already
    names the file itself (its inode)."""
    url = database_url(location)
    return postgis_store.generation(url) if url else ""


def _pg_changed_since(since: str, path: str = "") -> tuple[str, list[dict[str, Any]], int]:
    return postgis_listen.changed_since(path, since)


changed_since = _either(file_store.changed_since, _pg_changed_since)
