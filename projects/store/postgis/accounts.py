"""Staff accounts and the login throttle in the database, for every app server to share.

:mod:`projects.store.users` keeps its rules (hashing, sealing, throttling) and asks this module
instead of its files when the PostGIS store is chosen. ``accounts`` holds name -> bcrypt hash
(the password version every save re-reads, so a reset or a removal ends sessions on every
server); ``login_failures`` holds the times of recent failures per name or client, read and
written under a transaction-level advisory lock, so throttling counts attempts on all servers;
``sessions`` holds one row per open login (the SHA-256 of its token, never the token), so a
logout, a password reset or ``users end`` ends it on every server at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from projects.store.postgis.tables import SAVE_LOCK, connect

#: The advisory lock the throttle's read-change-write takes (the file store's FileLock).
THROTTLE_LOCK = SAVE_LOCK + 2


def read_accounts(url: str) -> dict[str, str]:
    """name -> bcrypt hash (empty when there are no accounts)."""
    return dict(connect(url).execute("SELECT name, hash FROM accounts ORDER BY name").fetchall())


def put_account(url: str, name: str, hashed: str) -> None:
    """Create the account or replace its hash (a password reset)."""
    connect(url).execute(
        "INSERT INTO accounts (name, hash) VALUES (%s, %s) "
        "ON CONFLICT (name) DO UPDATE SET hash = excluded.hash",
        (name, hashed),
    )


def drop_account(url: str, name: str) -> bool:
    """Delete the account; False when there was none."""
    return connect(url).execute("DELETE FROM accounts WHERE name = %s", (name,)).rowcount > 0


def replace_accounts(url: str, accounts: dict[str, str]) -> None:
    """Make the table hold exactly ``accounts`` (for ``migrate``), in one transaction."""
    conn = connect(url)
    with conn.transaction():
        conn.execute("DELETE FROM accounts")
        for name, hashed in sorted(accounts.items()):
            conn.execute("INSERT INTO accounts (name, hash) VALUES (%s, %s)", (name, hashed))


def with_failures(
    url: str,
    keys: list[str],
    prune: Callable[[list], list[float]],
    change: Callable[[dict[str, list[float]]], None] | None = None,
    keep: int = 10_000,
) -> dict[str, list[float]]:
    """The failure times of ``keys`` (each list passed through ``prune``), changed by
    ``change`` and written back if given, all under the throttle lock; the oldest keys beyond
    ``keep`` are forgotten."""
    conn = connect(url)
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (THROTTLE_LOCK,))
        rows = conn.execute(
            "SELECT key, times FROM login_failures WHERE key = ANY(%s)", (keys,)
        ).fetchall()
        failures = {key: prune(times) for key, times in rows}
        if change is None:
            return failures
        change(failures)
        for key in keys:
            times = failures.get(key) or []
            if times:
                conn.execute(
                    "INSERT INTO login_failures (key, times, last) VALUES (%s, %s, %s) "
                    "ON CONFLICT (key) DO UPDATE SET times = excluded.times, last = excluded.last",
                    (key, json.dumps(times), times[-1]),
                )
            else:
                conn.execute("DELETE FROM login_failures WHERE key = %s", (key,))
        conn.execute(
            "DELETE FROM login_failures WHERE key IN (SELECT key FROM login_failures "
            "ORDER BY last DESC OFFSET %s)",
            (keep,),
        )
        return failures


#: A session row's fields, in this order.
SESSION_FIELDS = ("token_hash", "name", "version", "created", "last_seen", "client")


def open_session(url: str, row: dict[str, Any], stale_before: float) -> None:
    """Insert a session row; rows idle since before ``stale_before`` are dropped on the way."""
    conn = connect(url)
    with conn.transaction():
        conn.execute("DELETE FROM sessions WHERE last_seen < %s", (stale_before,))
        conn.execute(
            f"INSERT INTO sessions ({', '.join(SESSION_FIELDS)}) "
            f"VALUES ({', '.join('%s' for _ in SESSION_FIELDS)})",
            tuple(row[k] for k in SESSION_FIELDS),
        )


def get_session(url: str, token_hash: str) -> dict[str, Any] | None:
    """The session row with this token hash, or None."""
    found = (
        connect(url)
        .execute(
            f"SELECT {', '.join(SESSION_FIELDS)} FROM sessions WHERE token_hash = %s", (token_hash,)
        )
        .fetchone()
    )
    return dict(zip(SESSION_FIELDS, found, strict=True)) if found else None


def touch_session(url: str, token_hash: str, now: float) -> None:
    """Record that the session was used now."""
    connect(url).execute(
        "UPDATE sessions SET last_seen = %s WHERE token_hash = %s", (now, token_hash)
    )


def end_sessions(url: str, *, token_hash: str | None = None, name: str | None = None) -> int:
    """Delete one session (by token hash) or every session of an account; how many ended."""
    if token_hash is not None:
        cur = connect(url).execute("DELETE FROM sessions WHERE token_hash = %s", (token_hash,))
    else:
        cur = connect(url).execute("DELETE FROM sessions WHERE name = %s", (name,))
    return cur.rowcount


def list_sessions(url: str) -> list[dict[str, Any]]:
    """Every session row, oldest login first."""
    rows = (
        connect(url)
        .execute(f"SELECT {', '.join(SESSION_FIELDS)} FROM sessions ORDER BY created, token_hash")
        .fetchall()
    )
    return [dict(zip(SESSION_FIELDS, r, strict=True)) for r in rows]
