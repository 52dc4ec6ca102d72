"""Copying a catalog with its whole history between the file store and the database, both ways.

``python -m projects.store migrate FROM TO`` where each side is a catalog file or a
``postgresql://`` URL. Nothing is lost on the way: the records keep their order and their keys'
order, the history keeps every batch (rebuild notes and undone saves too) with its number, so a
file copied into the database and out again is the same bytes. Staff accounts go along: the
account file (``$SHAPINGBA_USERS``, else ``users.json`` beside the catalog file) into the
``accounts`` table and back, hashes unchanged, so every password keeps working. So do the
taken-in plan documents: the ``documents/`` folder beside the catalog file (its index, each
original upload and its kept lines) into the ``documents`` table and back, byte for byte, so
every citation of a kept document's line still resolves. Open login sessions do not travel:
after a move staff log in again. Into a database, the places every record can refer to go too:
``data/places.geojson`` (or, from another database, its ``places`` table) fills the ``places``
table (:mod:`projects.store.postgis.places`), replacing what it held; out to a file they do not
travel (the file store reads the repository's gazetteer and zones).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from projects.errors import CatalogError
from projects.store import file_store, users
from projects.store.atomic_write import write_atomic
from projects.store.catalog_file import catalog_path, dumps, history_path, locked
from projects.store.history_log import read_batches
from projects.store.postgis import documents as db_docs
from projects.store.postgis import places as db_places
from projects.store.postgis import store as db
from projects.store.postgis.tables import compact, connect, is_url


@dataclass(frozen=True)
class Migrated:
    """What :func:`migrate` copied."""

    projects: int
    saves: int
    accounts: int = 0
    documents: int = 0
    places: int = 0


def accounts_file(catalog: Path) -> Path:
    """The account file that travels with a catalog file (see the module's doc)."""
    named = os.environ.get("SHAPINGBA_USERS")
    return Path(named) if named else catalog.with_name("users.json")


def _read_file(catalog: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(records, history batches) of a catalog file, any committed-but-unwritten save rolled in."""
    file_store.recover(catalog)
    with locked(catalog):
        return file_store.load(catalog), read_batches(history_path(catalog))


def occupied(url: str) -> bool:
    """True when the database already holds records or history (a migration would replace them)."""
    conn = connect(url)
    return conn.execute(
        "SELECT EXISTS (SELECT 1 FROM projects) OR EXISTS (SELECT 1 FROM batches) "
        "OR EXISTS (SELECT 1 FROM documents)"
    ).fetchone()[0]


def _write_file(catalog: Path, features: list[dict[str, Any]], batches: list[dict]) -> None:
    """The history first, then the catalog, each replaced atomically (as the file store does)."""
    catalog.parent.mkdir(parents=True, exist_ok=True)
    with locked(catalog):
        write_atomic(history_path(catalog), "".join(compact(b) + "\n" for b in batches))
        write_atomic(catalog, dumps(features))


def migrate(
    source: Path | str,
    target: Path | str,
    *,
    replace: bool = False,
    places_file: Path | str = db_places.PLACES_PATH,
) -> Migrated:
    """Copy the catalog and its history from ``source`` to ``target`` (a file or a URL each).

    Refuses (CatalogError, in Chinese) to overwrite a target that already holds a catalog unless
    ``replace``; the target then holds exactly the source's records and history. A database
    target also gets its places (from ``places_file``, or the source database's table).
    """
    places: list[dict[str, Any]] = []
    if is_url(source):
        features, batches = db.export(source)
        staff = users.accounts(source)
        kept = db_docs.export(source)
        places = db_places.read_places(source)
    else:
        source = catalog_path(source)
        if not source.exists():
            raise CatalogError(f"源目录文件不存在：{source}")
        features, batches = _read_file(source)
        staff = users.accounts(accounts_file(source))
        kept = db_docs.read_folder(db_docs.folder_of(source))
    if is_url(target):
        if not replace and occupied(target):
            raise CatalogError("目标数据库已有项目、修改记录或文件库；确认要覆盖请加 --replace。")
        places = places or db_places.read_places_file(places_file)
        db_places.write_places(target, places)  # first: bad places stop before anything moves
        db.replace_all(target, features, batches)
        db_docs.replace_all(target, kept)
        if staff:
            users.replace_accounts(staff, target)
    else:
        target = catalog_path(target)
        folder = db_docs.folder_of(target)
        if not replace and (target.exists() or history_path(target).exists()):
            raise CatalogError(f"目标文件已存在：{target}；确认要覆盖请加 --replace。")
        if not replace and (folder / db_docs.INDEX_NAME).exists():
            raise CatalogError(f"目标文件库已存在：{folder}；确认要覆盖请加 --replace。")
        staff_file = accounts_file(target)
        if staff and not replace and staff_file.exists() and users.accounts(staff_file) != staff:
            raise CatalogError(f"目标账号文件已存在：{staff_file}；确认要覆盖请加 --replace。")
        _write_file(target, features, batches)
        if kept or (folder / db_docs.INDEX_NAME).exists():
            db_docs.write_folder(folder, kept)
        if staff:
            users.replace_accounts(staff, staff_file)
        places = []
    return Migrated(len(features), len(batches), len(staff), len(kept), len(places))
