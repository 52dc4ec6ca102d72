"""LISTEN/NOTIFY: how an app server learns of every save, on any server, as it commits.

Each save notifies ``shapingba_catalog`` with ``{"version", "ids"}`` (ids None: everything may
have changed, e.g. after a rebuild); :func:`changed_since` then fetches just those records.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg import sql

from projects.store.postgis.tables import CHANNEL, connect

#: Seconds between attempts to listen again after the connection dropped.
RETRY_SECONDS = 2.0


def watch(
    url: str, on_change: Callable[[dict[str, Any]], None], channel: str = CHANNEL
) -> Callable[[], None]:
    """Call ``on_change(payload)`` in a daemon thread for every save (every notice on
    ``channel``: :data:`~projects.store.postgis.tables.PLACES_CHANNEL` for the places table's
    writes); returns ``stop()``.

    Listening starts before this returns, so no save after the call is missed. A dropped
    connection is reopened (and ``on_change`` told ``{"version": None, "ids": None}``, since
    saves may have been missed meanwhile).
    """
    stopping = threading.Event()
    ready = threading.Event()
    holder: dict[str, Any] = {}

    def run() -> None:
        first = True
        while not stopping.is_set():
            try:
                with psycopg.connect(url, autocommit=True) as conn:
                    holder["conn"] = conn
                    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
                    ready.set()
                    if not first:  # notices may have been missed meanwhile
                        on_change({"version": None, "ids": None})
                    first = False
                    while not stopping.is_set():
                        for note in conn.notifies(timeout=1.0):
                            on_change(json.loads(note.payload))
            except psycopg.Error:
                ready.set()
                stopping.wait(RETRY_SECONDS)

    thread = threading.Thread(target=run, name="shapingba-listen", daemon=True)
    thread.start()
    ready.wait(30)

    def stop() -> None:
        stopping.set()
        thread.join(5)

    return stop


def changed_since(url: str, version: str) -> tuple[str, list[dict[str, Any]] | None, int]:
    """(current version, records changed after ``version`` in catalog order, deleted ones
    included, how many records there are now), read in one snapshot.

    Records are None for a version this store did not give ("read everything"; the cheap way to
    learn the current version before a full read). The count lets a caller that patched its
    copy notice records that vanished (a rebuild or a migrate replaces every row).
    """
    known = version.startswith("pg-") and version[3:].isdigit()
    after = int(version[3:]) if known else 2**62
    conn = connect(url)
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        newest, total = conn.execute("SELECT max(changed), count(*) FROM projects").fetchone()
        rows = conn.execute(
            "SELECT feature FROM projects WHERE changed > %s ORDER BY ord, id", (after,)
        ).fetchall()
    current = "missing" if newest is None else f"pg-{newest}"
    return current, ([r[0] for r in rows] if known else None), total
