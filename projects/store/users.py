"""Staff accounts: salted bcrypt hashes in a local file, and the ``Editor`` value saves require.

Viewing needs no login. Editing needs an account in ``data/users.json`` (or ``$SHAPINGBA_USERS``);
without that file editing is off. Accounts are managed from the shell::

    python -m projects.store.users add wang          # asks for the password twice
    echo "$PW" | python -m projects.store.users add wang --password-stdin
    python -m projects.store.users list
    python -m projects.store.users remove wang

    python -m projects.store.users audit         # the security events (logins, accounts, imports)
    python -m projects.store.users sessions      # open login sessions (who, since when, from where)
    python -m projects.store.users end wang      # end every open session of an account

Every login opens a session: a random token that only the :class:`Editor` holds, recorded as a
row (its SHA-256, never the token; the account name; the password version it was made under;
created and last-seen times; the client) where the accounts live, so in ``sessions.json`` beside
the account file (changed atomically under its lock) or in the ``sessions`` table of the PostGIS
store. :func:`require_editor`, which the store calls before every write, checks three things:

- the account still exists and its password version (a digest of its salted hash: every reset
  and every re-add of a removed name makes a new one) is the session's;
- the Editor's seal, an HMAC with a key that lives only in this process over the name, the
  account's hash and the token, so a value built by hand (or a session made before a reset) is
  refused before any lookup;
- the session row still exists and was used within :data:`SESSION_IDLE`.

So 退出登录 (:func:`logout`), ``users end``, a password reset or a removal ends a session on every
app server at once. Across servers the token, not the process key, is what counts: server B
cannot check server A's seal, so a session made on A is carried to B only as its token, and
:func:`resume_session` on B makes an Editor sealed with B's key if, and only if, the token's row
exists for a live account and password version. A copy of the table or file gives no way in: it
holds hashes of tokens, not tokens.

Logins are throttled per account name and per client (:func:`authenticate`): after a few
failures each further attempt must wait twice as long as the one before, and many failures lock
logins out for a while. A wrong name and a wrong password are counted, timed and answered
alike, so the throttle does not tell which names exist. Every login, refusal and lockout is in the
audit log (:mod:`projects.store.audit`) and the server log.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import hmac
import json
import logging
import math
import os
import re
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import bcrypt
from filelock import FileLock

from projects import clock
from projects.errors import CatalogError, NotAllowed
from projects.sources import ROOT
from projects.store import audit
from projects.store.postgis import accounts as db_accounts
from projects.store.postgis.tables import configured_url

DEFAULT_USERS_PATH = ROOT / "data" / "users.json"
#: bcrypt work factor for new accounts (about 0.2 s per check on this machine).
ROUNDS = 12
#: bcrypt only reads the first 72 bytes of a password; longer ones are refused, not cut.
MAX_PASSWORD_BYTES = 72
MIN_PASSWORD_CHARS = 8
_NAME = re.compile(r"^[\w.\-]{1,32}$")
#: Per-process key sealing Editor values; never stored or sent anywhere.
_KEY = secrets.token_bytes(32)

#: Login throttle: failures allowed without delay, then each attempt waits 2**(n - FREE) s (at
#: most MAX_DELAY); LOCK_ACCOUNT failures of one name, or LOCK_CLIENT of one client, lock logins
#: out for LOCKOUT seconds. Failures older than WINDOW seconds are forgotten.
FREE_FAILURES = 3
MAX_DELAY = 300.0
LOCK_ACCOUNT = 10
LOCK_CLIENT = 30
LOCKOUT = 15 * 60.0
WINDOW = 24 * 60 * 60.0
#: The throttle's memory beside the account file (names and clients, times of failures).
THROTTLE_NAME = "login_failures.json"
#: How many names and clients the throttle remembers (the oldest are dropped beyond it).
THROTTLE_KEYS = 10_000
#: Open login sessions beside the account file (with the file store's accounts).
SESSIONS_NAME = "sessions.json"
#: A session not used for this long (seconds) has ended; staff log in again.
SESSION_IDLE = 12 * 60 * 60.0
#: A session's last-seen time is written at most this often (seconds), not at every save.
TOUCH_EVERY = 60.0
#: How many sessions the file keeps at most (the least recently used are dropped beyond it).
SESSIONS_KEPT = 10_000

log = logging.getLogger(__name__)
#: The throttle's clock (a test sets its own).
_clock = time.time


class LoginRefused(CatalogError):
    """Too many failed logins for this name or client: wait, or ask an administrator."""


ENABLE_HINT = (
    "编辑功能未开启。管理员可在服务器上运行 `python -m projects.store.users add 用户名` "
    "创建编辑账号（按提示输入密码），之后即可在此登录编辑。"
)


@dataclass(frozen=True)
class Editor:
    """A staff member who has logged in; only :func:`authenticate` (or :func:`resume_session`
    for a session opened on another server) makes valid ones."""

    #: Account name, recorded in the history as the author of each edit.
    name: str
    _seal: bytes = field(default=b"", repr=False, compare=False)
    #: The session's secret token (only its SHA-256 is stored anywhere).
    _token: str = field(default="", repr=False, compare=False)

    @property
    def token(self) -> str:
        """The session token, to carry the login to another app server (:func:`resume_session`)."""
        return self._token


def users_path() -> Path:
    """The account file: ``$SHAPINGBA_USERS``, else data/users.json (read at each call)."""
    return Path(os.environ.get("SHAPINGBA_USERS") or DEFAULT_USERS_PATH)


def accounts_location(path: Path | str | None = None) -> Path | str:
    """Where accounts live: ``path`` if given; else the file ``$SHAPINGBA_USERS`` names; else
    the database when the PostGIS store is chosen (``SHAPINGBA_DATABASE_URL``), so every app
    server shares them; else data/users.json."""
    if path:
        return path if isinstance(path, str) and path.startswith("postgres") else Path(path)
    if os.environ.get("SHAPINGBA_USERS"):
        return users_path()
    return configured_url() or DEFAULT_USERS_PATH


def _read(path: Path | str) -> dict[str, str]:
    """name -> bcrypt hash; an absent file means no accounts."""
    if isinstance(path, str):
        return db_accounts.read_accounts(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise CatalogError(f"账号文件 {path} 无法读取：{exc}") from exc
    users = data.get("users") if isinstance(data, dict) else None
    if not isinstance(users, dict):
        raise CatalogError(f"账号文件 {path} 格式不正确：缺少 users 字段。")
    return {str(k): str(v.get("hash", "")) for k, v in users.items() if isinstance(v, dict)}


def _write(path: Path, users: dict[str, str]) -> None:
    """Replace the account file atomically, readable by its owner only."""
    _write_json(path, {"users": {n: {"hash": h} for n, h in sorted(users.items())}}, 0o600)


def _write_json(path: Path, data: object, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def accounts(path: Path | str | None = None) -> dict[str, str]:
    """name -> bcrypt hash, wherever accounts live (for ``migrate``; never shown to anyone)."""
    return _read(accounts_location(path))


def replace_accounts(users: dict[str, str], path: Path | str | None = None) -> None:
    """Make the accounts exactly ``users`` (name -> bcrypt hash), as ``migrate`` copies them."""
    where = accounts_location(path)
    if isinstance(where, str):
        db_accounts.replace_accounts(where, users)
    else:
        _write(where, users)
    audit.record("accounts_copied", count=len(users))


def list_users(path: Path | str | None = None) -> list[str]:
    """Account names, sorted."""
    return sorted(_read(accounts_location(path)))


def editing_enabled(path: Path | str | None = None) -> bool:
    """True when there is at least one account (the file exists, or the table has a row)."""
    return bool(_read(accounts_location(path)))


def check_new_password(password: str) -> None:
    """Refuse passwords that are too short, or too long for bcrypt to use whole."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise CatalogError(f"密码至少需要 {MIN_PASSWORD_CHARS} 个字符。")
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise CatalogError(f"密码不能超过 {MAX_PASSWORD_BYTES} 字节（UTF-8）。")


def add_user(
    name: str, password: str, path: Path | str | None = None, rounds: int = ROUNDS
) -> None:
    """Create or reset an account (salted bcrypt hash; the password itself is never stored)."""
    if not _NAME.match(name):
        raise CatalogError(
            f"用户名 {name!r} 不合规：只能用 1–32 个字母、数字、下划线、点或连字符。"
        )
    check_new_password(password)
    where = accounts_location(path)
    users = _read(where)
    event = "password_reset" if name in users else "account_added"
    hashed = bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds)).decode("ascii")
    if isinstance(where, str):
        db_accounts.put_account(where, name, hashed)
    else:
        users[name] = hashed
        _write(where, users)
    _end_sessions(where, name=name)  # a reset ends the sessions made under the old password
    audit.record(event, name=name)


def remove_user(name: str, path: Path | str | None = None) -> None:
    """Delete an account; its open sessions can no longer save."""
    where = accounts_location(path)
    users = _read(where)
    if name not in users or (isinstance(where, str) and not db_accounts.drop_account(where, name)):
        raise CatalogError(f"没有名为 {name!r} 的账号。现有账号：{sorted(users)}")
    if not isinstance(where, str):
        del users[name]
        _write(where, users)
    _end_sessions(where, name=name)
    audit.record("account_removed", name=name)


@cache
def _dummy_hash() -> bytes:
    """Checked when a name is unknown, so a wrong name costs as long as a wrong password."""
    return bcrypt.hashpw(b"not-a-password", bcrypt.gensalt(ROUNDS))


def _seal(name: str, stored_hash: str, token: str) -> bytes:
    """The Editor's seal: this process's key over the name, the account's hash and the token."""
    message = b"\0".join(
        (name.encode("utf-8"), stored_hash.encode("ascii", "replace"), token.encode("ascii"))
    )
    return hmac.new(_KEY, message, hashlib.sha256).digest()


def _version(stored_hash: str) -> str:
    """The password version a session is made under: a digest of the account's salted hash, so
    a reset changes it and the sessions file or table holds nothing to attack the password with."""
    return hashlib.sha256(stored_hash.encode("ascii", "replace")).hexdigest()[:16]


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def _sessions_path(path: Path) -> Path:
    return path.with_name(SESSIONS_NAME)


def _load_sessions(file: Path) -> dict[str, dict[str, Any]]:
    """token hash -> session; a damaged file ends every session (logged), it never lets one in."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        log.warning("session file %s unreadable; every session has ended", file)
        return {}
    found = data.get("sessions") if isinstance(data, dict) else None
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if isinstance(v, dict)}


def _change_sessions(where: Path, change: Callable[[dict[str, dict[str, Any]]], int]) -> int:
    """Apply ``change`` to the session file under its lock and write it back atomically."""
    file = _sessions_path(where)
    with FileLock(f"{file}.lock", timeout=10):
        sessions = _load_sessions(file)
        out = change(sessions)
        if len(sessions) > SESSIONS_KEPT:
            newest = sorted(sessions, key=lambda k: sessions[k].get("last_seen", 0))
            for key in newest[:-SESSIONS_KEPT]:
                del sessions[key]
        _write_json(file, {"sessions": sessions}, 0o600)
    return out


def _open_session(where: Path | str, row: dict[str, Any]) -> None:
    """Record a new session; sessions idle too long are dropped on the way."""
    stale = row["created"] - SESSION_IDLE
    if isinstance(where, str):
        db_accounts.open_session(where, row, stale)
        return

    def add(sessions: dict[str, dict[str, Any]]) -> int:
        for key in [k for k, v in sessions.items() if v.get("last_seen", 0) < stale]:
            del sessions[key]
        sessions[row["token_hash"]] = {k: v for k, v in row.items() if k != "token_hash"}
        return 1

    _change_sessions(where, add)


def _get_session(where: Path | str, token_hash: str) -> dict[str, Any] | None:
    if isinstance(where, str):
        return db_accounts.get_session(where, token_hash)
    found = _load_sessions(_sessions_path(where)).get(token_hash)
    return {"token_hash": token_hash, **found} if found else None


def _touch_session(where: Path | str, token_hash: str, now: float) -> None:
    if isinstance(where, str):
        db_accounts.touch_session(where, token_hash, now)
        return

    def touch(sessions: dict[str, dict[str, Any]]) -> int:
        if token_hash in sessions:
            sessions[token_hash]["last_seen"] = now
        return 0

    _change_sessions(where, touch)


def _end_sessions(
    where: Path | str, *, token_hash: str | None = None, name: str | None = None
) -> int:
    """Delete one session (by its token's hash) or every session of ``name``; how many."""
    if isinstance(where, str):
        return db_accounts.end_sessions(where, token_hash=token_hash, name=name)
    if not _sessions_path(where).exists():
        return 0

    def drop(sessions: dict[str, dict[str, Any]]) -> int:
        ended = [
            k
            for k, v in sessions.items()
            if (k == token_hash if token_hash is not None else v.get("name") == name)
        ]
        for key in ended:
            del sessions[key]
        return len(ended)

    return _change_sessions(where, drop)


def _live(session: dict[str, Any] | None, name: str, stored: str | None) -> bool:
    """True when ``session`` belongs to ``name`` under its current password and is not idle."""
    return (
        session is not None
        and stored is not None
        and session.get("name") == name
        and session.get("version") == _version(stored)
        and _clock() - float(session.get("last_seen", 0)) < SESSION_IDLE
    )


def _throttle_path(path: Path) -> Path:
    return path.with_name(THROTTLE_NAME)


def _prune(times: object, now: float) -> list[float]:
    if not isinstance(times, list):
        return []
    return [t for t in times if isinstance(t, int | float) and now - t < WINDOW]


def _failures(
    where: Path | str,
    keys: list[str],
    change: Callable[[dict[str, list[float]]], None] | None = None,
) -> tuple[dict[str, list[float]], float]:
    """(the recent failure times per key, now), changed by ``change`` and saved if given, under
    the throttle's lock: the file's FileLock, or the database's advisory lock."""
    if isinstance(where, str):
        now = _clock()
        found = db_accounts.with_failures(
            where, keys, lambda t: _prune(t, now), change, keep=THROTTLE_KEYS
        )
        return found, now
    file = _throttle_path(where)
    with FileLock(f"{file}.lock", timeout=10):
        now = _clock()
        failures = _load_throttle(file, now)
        if change is not None:
            change(failures)
            _save_throttle(file, failures)
    return failures, now


def _keys(name: str, client: str | None) -> list[str]:
    """Throttle keys: the name as typed (so unknown names are throttled alike) and the client."""
    keys = ["name:" + name[:64]]
    if client:
        keys.append("client:" + str(client)[:64])
    return keys


def _load_throttle(file: Path, now: float) -> dict[str, list[float]]:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        log.warning("login throttle file %s unreadable; starting afresh", file)
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: _prune(v, now) for k, v in data.items() if isinstance(v, list)}


def _save_throttle(file: Path, failures: dict[str, list[float]]) -> None:
    kept = {k: v for k, v in failures.items() if v}
    if len(kept) > THROTTLE_KEYS:
        newest = sorted(kept, key=lambda k: kept[k][-1])[-THROTTLE_KEYS:]
        kept = {k: kept[k] for k in newest}
    _write_json(file, kept, 0o600)


def _wait(key: str, times: list[float], now: float) -> float:
    """Seconds this key must still wait before its next attempt (0: it may try now)."""
    if len(times) < FREE_FAILURES:
        return 0.0
    limit = LOCK_CLIENT if key.startswith("client:") else LOCK_ACCOUNT
    if len(times) >= limit:
        return max(0.0, times[-1] + LOCKOUT - now)
    delay = min(MAX_DELAY, 2.0 ** (len(times) - FREE_FAILURES))
    return max(0.0, times[-1] + delay - now)


def _refusal(wait: float, locked_out: bool) -> LoginRefused:
    if locked_out:
        minutes = max(1, math.ceil(wait / 60))
        return LoginRefused(
            f"登录失败次数过多，已暂停登录约 {minutes} 分钟。"
            "如忘记密码，请联系管理员在服务器上重设（python -m projects.store.users add 用户名）。"
        )
    return LoginRefused(f"登录尝试过于频繁，请 {max(1, math.ceil(wait))} 秒后再试。")


def authenticate(
    name: str, password: str, path: Path | str | None = None, *, client: str | None = None
) -> Editor | None:
    """The Editor for a correct name and password, else None (same cost either way).

    ``client`` names where the attempt comes from (the browser's address). Raises LoginRefused
    while the name or the client must wait or is locked out; the password is then not checked,
    so a guess made while waiting is not even tried.
    """
    where = accounts_location(path)
    client = client if isinstance(client, str) and client else None
    keys = _keys(name, client)
    failures, now = _failures(where, keys)
    waits = {k: _wait(k, failures.get(k, []), now) for k in keys}
    if any(waits.values()):
        key = max(waits, key=waits.get)
        limit = LOCK_CLIENT if key.startswith("client:") else LOCK_ACCOUNT
        locked_out = len(failures.get(key, [])) >= limit
        audit.record("login_refused", name=name[:64], client=client, reason=key.split(":")[0])
        raise _refusal(waits[key], locked_out)
    stored = _read(where).get(name)
    candidate = password.encode("utf-8")
    if len(candidate) > MAX_PASSWORD_BYTES:
        candidate = candidate[:0]  # cannot match; still spend the hashing time below
    try:
        ok = bcrypt.checkpw(candidate, stored.encode("ascii") if stored else _dummy_hash())
    except ValueError as exc:
        log.error("password hash of account %r is damaged", name)
        raise CatalogError(f"账号 {name} 的密码记录已损坏，请用 add 命令重设密码。") from exc

    def count(failures: dict[str, list[float]]) -> None:
        if ok and stored:
            failures.pop(keys[0], None)
        else:
            for key in keys:
                failures.setdefault(key, []).append(_clock())

    failures, _ = _failures(where, keys, count)
    if not (ok and stored):
        audit.record("login_failed", name=name[:64], client=client)
        for key in keys:
            limit = LOCK_CLIENT if key.startswith("client:") else LOCK_ACCOUNT
            if len(failures.get(key, [])) == limit:
                audit.record("lockout", name=name[:64], client=client, reason=key.split(":")[0])
                log.warning("login locked out for %s after %d failures", key, limit)
        return None
    token = secrets.token_urlsafe(32)
    now = _clock()
    session = {
        "token_hash": _token_hash(token),
        "name": name,
        "version": _version(stored),
        "created": now,
        "last_seen": now,
        "client": client,
    }
    _open_session(where, session)
    audit.record("login_ok", name=name, client=client)
    return Editor(name, _seal(name, stored, token), token)


def resume_session(
    token: str, path: Path | str | None = None, *, client: str | None = None
) -> Editor | None:
    """The Editor of an open session given its token (made on this server or another), sealed
    with this process's key; None when the session has ended or its account or password changed.
    """
    if not isinstance(token, str) or not token:
        return None
    where = accounts_location(path)
    session = _get_session(where, _token_hash(token))
    name = session.get("name") if session else None
    stored = _read(where).get(name) if isinstance(name, str) else None
    if not _live(session, name, stored):
        return None
    audit.record("session_resumed", name=name, client=client)
    return Editor(name, _seal(name, stored, token), token)


def logout(editor: object, path: Path | str | None = None) -> bool:
    """End this Editor's session everywhere (退出登录); False when it had ended already."""
    if not isinstance(editor, Editor) or not editor._token:
        return False
    ended = _end_sessions(accounts_location(path), token_hash=_token_hash(editor._token))
    if ended:
        audit.record("logout", name=editor.name)
    return bool(ended)


def end_sessions(name: str, path: Path | str | None = None) -> int:
    """End every open session of account ``name`` (``users end``); how many were open."""
    where = accounts_location(path)
    ended = _end_sessions(where, name=name)
    if not ended and name not in _read(where):
        raise CatalogError(f"没有名为 {name!r} 的账号，也没有它的登录会话。")
    audit.record("sessions_ended", name=name, count=ended)
    return ended


def list_sessions(path: Path | str | None = None) -> list[dict[str, Any]]:
    """Open sessions, oldest login first: name, created, last_seen (seconds since the epoch),
    client, and ``id`` (the first 8 hex digits of the token's hash, to tell them apart)."""
    where = accounts_location(path)
    if isinstance(where, str):
        rows = db_accounts.list_sessions(where)
    else:
        found = _load_sessions(_sessions_path(where))
        rows = [{"token_hash": k, **v} for k, v in found.items()]
        rows.sort(key=lambda r: (r.get("created", 0), r["token_hash"]))
    now = _clock()
    return [
        {
            "id": r["token_hash"][:8],
            "name": r.get("name"),
            "created": r.get("created"),
            "last_seen": r.get("last_seen"),
            "client": r.get("client"),
        }
        for r in rows
        if now - float(r.get("last_seen", 0)) < SESSION_IDLE
    ]


def _china_time(seconds: float) -> str:
    return clock.china_text(datetime.fromtimestamp(seconds, UTC), seconds=True)


def describe_sessions(sessions: list[dict[str, Any]]) -> list[str]:
    """The lines ``users sessions`` prints (Chinese headings, China time)."""
    if not sessions:
        return ["没有打开的登录会话。"]
    lines = ["账号\t登录时间（北京时间）\t最近活动（北京时间）\t来源\t会话编号"]
    for s in sessions:
        lines.append(
            f"{s['name']}\t{_china_time(s['created'])}\t{_china_time(s['last_seen'])}\t"
            f"{s['client'] or '未知'}\t{s['id']}"
        )
    return lines


def require_editor(editor: object, path: Path | str | None = None) -> Editor:
    """Return ``editor`` if it came from :func:`authenticate` (or :func:`resume_session`) in
    this process, its password is unchanged and its session is still open.

    Raises NotAllowed otherwise: the store calls this before every write, so a page that merely
    hides its buttons cannot be bypassed, and a logout, ``users end``, a reset or a removal ends
    the account's sessions on every server at once.
    """
    if not isinstance(editor, Editor):
        raise NotAllowed("需要登录编辑账号才能保存修改。")
    where = accounts_location(path)
    stored = _read(where).get(editor.name)
    sealed = stored is not None and hmac.compare_digest(
        editor._seal, _seal(editor.name, stored, editor._token)
    )
    session = _get_session(where, _token_hash(editor._token)) if sealed else None
    live = sealed and _live(session, editor.name, stored)
    if not live:
        audit.record("session_ended", name=editor.name)
    if stored is None:
        raise NotAllowed(f"账号 {editor.name} 已不存在或编辑功能已关闭，修改未保存。")
    if not sealed:
        raise NotAllowed(
            f"账号 {editor.name} 的登录已失效（密码已重设，或不是通过登录得到的），"
            "修改未保存。请重新登录。"
        )
    if not live:
        raise NotAllowed(
            f"账号 {editor.name} 的登录已结束（已退出登录、被管理员结束，或超过 "
            f"{SESSION_IDLE / 3600:.0f} 小时未操作），修改未保存。请重新登录。"
        )
    now = _clock()
    if now - float(session.get("last_seen", 0)) >= TOUCH_EVERY:
        _touch_session(where, session["token_hash"], now)
    return editor


def _prompt_password() -> str:
    first = getpass.getpass("密码：")
    if getpass.getpass("再次输入密码：") != first:
        raise CatalogError("两次输入的密码不一致。")
    return first


def main(argv: list[str] | None = None) -> int:
    """``python -m projects.store.users``: accounts are made on the server, never through the page."""
    parser = argparse.ArgumentParser(
        prog="python -m projects.store.users",
        description="管理编辑账号（$SHAPINGBA_USERS 文件；未设置时选用 PostGIS 库则存于数据库，否则 data/users.json）",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="新建账号或重设密码")
    add.add_argument("name")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（一行）")
    remove = sub.add_parser("remove", help="删除账号")
    remove.add_argument("name")
    sub.add_parser("list", help="列出账号")
    sub.add_parser("sessions", help="列出打开的登录会话（北京时间）")
    end = sub.add_parser("end", help="结束某账号的全部登录会话（各服务器立即生效）")
    end.add_argument("name")
    show = sub.add_parser("audit", help="显示审计日志（登录、账号变更、导入）")
    show.add_argument("--last", type=int, default=0, help="只显示最后 N 条")
    args = parser.parse_args(argv)
    path = accounts_location()
    try:
        if args.command == "add":
            if args.password_stdin:
                password = sys.stdin.readline().rstrip("\r\n")
            else:
                password = _prompt_password()
            add_user(args.name, password, path)
            print(f"已保存账号 {args.name}（{'数据库' if isinstance(path, str) else path}）")
        elif args.command == "remove":
            remove_user(args.name, path)
            print(f"已删除账号 {args.name}")
        elif args.command == "sessions":
            print("\n".join(describe_sessions(list_sessions(path))))
        elif args.command == "end":
            print(f"已结束账号 {args.name} 的 {end_sessions(args.name, path)} 个登录会话。")
        elif args.command == "audit":
            events = audit.read()
            for event in events[-args.last :] if args.last > 0 else events:
                print(audit.describe(event))
        else:
            for name in list_users(path):
                print(name)
    except CatalogError as exc:
        print(f"错误：{exc.message_zh}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    # The package imported this module already (projects.store): run that copy, whose state
    # (accounts path, locks) every other module shares.
    from projects.store import users as _imported

    sys.exit(_imported.main())
