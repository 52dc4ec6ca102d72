"""Accounts: salted bcrypt hashes on disk or in the database, the login check, the throttle,
and the shell command. Tests taking ``anywhere`` run on both stores' accounts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

from projects import store
from projects.clock import china_text
from projects.errors import CatalogError, NotAllowed
from projects.sources import ROOT
from projects.store import audit, users

PASSWORD = "青木关-2025-pw"


@pytest.fixture
def accounts(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "users.json"
    monkeypatch.setenv("SHAPINGBA_USERS", str(path))
    return path


@pytest.fixture(params=["file", "postgis"])
def anywhere(request, tmp_path, monkeypatch) -> dict[str, str]:
    """Accounts in a file, or (no SHAPINGBA_USERS, the PostGIS store chosen) in the database;
    returns the environment a command needs to find them."""
    if request.param == "file":
        return {"SHAPINGBA_USERS": str(request.getfixturevalue("accounts"))}
    url = request.getfixturevalue("postgres_db")
    monkeypatch.delenv("SHAPINGBA_USERS", raising=False)
    monkeypatch.setenv(store.DATABASE_ENV, url)
    assert users.accounts_location() == url
    return {store.DATABASE_ENV: url}


def test_no_file_means_editing_is_off(accounts):
    assert not accounts.exists()
    assert not users.editing_enabled()
    assert users.list_users() == []
    assert users.authenticate("wang", PASSWORD) is None
    assert "python -m projects.store.users add" in users.ENABLE_HINT


def test_accounts_are_salted_hashes_never_the_password(accounts):
    users.add_user("wang", PASSWORD, rounds=4)
    users.add_user("li", PASSWORD, rounds=4)
    text = accounts.read_text("utf-8")
    assert PASSWORD not in text
    stored = json.loads(text)["users"]
    assert stored["wang"]["hash"].startswith("$2b$04$")
    assert stored["wang"]["hash"] != stored["li"]["hash"]  # same password, different salt
    assert users.list_users() == ["li", "wang"]
    assert users.editing_enabled()
    assert oct(accounts.stat().st_mode & 0o777) == oct(0o600)


def test_authenticate_accepts_only_the_right_password(anywhere):
    users.add_user("wang", PASSWORD, rounds=4)
    editor = users.authenticate("wang", PASSWORD)
    assert editor is not None and editor.name == "wang"
    assert users.authenticate("wang", PASSWORD + "x") is None
    assert users.authenticate("wang", PASSWORD.upper()) is None
    assert users.authenticate("zhang", PASSWORD) is None
    assert users.authenticate("wang", "长" * 40) is None  # > 72 bytes: refused, not truncated


def test_a_hand_made_editor_is_refused_and_removal_ends_a_session(anywhere):
    users.add_user("wang", PASSWORD, rounds=4)
    editor = users.authenticate("wang", PASSWORD)
    assert users.require_editor(editor) is editor
    for fake in (users.Editor("wang"), users.Editor("wang", b"x" * 32), "wang", None):
        with pytest.raises(NotAllowed) as info:
            users.require_editor(fake)
        assert "登录" in info.value.message_zh
    users.remove_user("wang")
    with pytest.raises(NotAllowed, match="不存在"):
        users.require_editor(editor)


def test_bad_names_and_passwords_are_refused_with_reasons(accounts):
    with pytest.raises(CatalogError, match="至少"):
        users.add_user("wang", "short", rounds=4)
    with pytest.raises(CatalogError, match="72"):
        users.add_user("wang", "密" * 30, rounds=4)
    with pytest.raises(CatalogError, match="用户名"):
        users.add_user("wang li", PASSWORD, rounds=4)
    with pytest.raises(CatalogError, match="没有名为"):
        users.remove_user("nobody")
    assert not accounts.exists()


def test_a_broken_account_file_is_a_clear_error(accounts):
    accounts.write_text("{not json", "utf-8")
    with pytest.raises(CatalogError, match="无法读取"):
        users.editing_enabled()
    accounts.write_text(json.dumps({"users": {"wang": {"hash": "not-bcrypt"}}}), "utf-8")
    with pytest.raises(CatalogError, match="已损坏"):
        users.authenticate("wang", PASSWORD)


def run_cli(where: Path | dict, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    extra = where if isinstance(where, dict) else {"SHAPINGBA_USERS": str(where)}
    return _run(extra, ["-m", "projects.store.users", *args], stdin)


def _run(where: dict, argv: list[str], stdin: str = "") -> subprocess.CompletedProcess:
    """Python with ``argv`` in another process, its accounts where ``where`` says."""
    env = {k: v for k, v in os.environ.items() if k != "SHAPINGBA_USERS"} | where
    return subprocess.run(
        [sys.executable, *argv],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )


def test_the_command_adds_lists_and_removes(anywhere):
    added = run_cli(anywhere, "add", "wang", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    # Only the Chinese lines: no runpy RuntimeWarning ('projects.store.users' found in
    # sys.modules …) on every run of the command the README gives staff.
    assert added.stderr == "", added.stderr
    assert users.authenticate("wang", PASSWORD) is not None
    listed = run_cli(anywhere, "list")
    assert listed.stdout.split() == ["wang"]
    short = run_cli(anywhere, "add", "li", "--password-stdin", stdin="abc\n")
    assert short.returncode == 1 and "至少" in short.stderr
    removed = run_cli(anywhere, "remove", "wang")
    assert removed.returncode == 0
    assert users.list_users() == []
    missing = run_cli(anywhere, "remove", "wang")
    assert missing.returncode == 1 and "没有名为" in missing.stderr


def test_a_password_reset_ends_every_session_at_once(anywhere):
    users.add_user("wang", PASSWORD, rounds=4)
    first, second = users.authenticate("wang", PASSWORD), users.authenticate("wang", PASSWORD)
    users.add_user("wang", "新密码-2026-pw", rounds=4)
    for session in (first, second):
        with pytest.raises(NotAllowed, match="重新登录"):
            users.require_editor(session)
    users.require_editor(users.authenticate("wang", "新密码-2026-pw"))


def test_a_removed_name_added_again_does_not_revive_old_sessions(anywhere):
    users.add_user("wang", PASSWORD, rounds=4)
    old = users.authenticate("wang", PASSWORD)
    users.remove_user("wang")
    users.add_user("wang", PASSWORD, rounds=4)  # even with the same password
    with pytest.raises(NotAllowed):
        users.require_editor(old)
    assert [e["event"] for e in audit.read()][-3:] == [
        "account_removed",
        "account_added",
        "session_ended",
    ]


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(users, "_clock", c)
    return c


def attempts(name, password, n, clock, client=None, step=0.0):
    """Outcomes of n attempts: "ok", "wrong" or the refusal's message with digits masked."""
    out = []
    for _ in range(n):
        try:
            editor = users.authenticate(name, password, client=client)
        except users.LoginRefused as exc:
            out.append("".join("#" if c.isdigit() else c for c in exc.message_zh))
        else:
            out.append("ok" if editor else "wrong")
        clock.now += step
    return out


def test_failed_logins_are_delayed_exponentially_then_locked_out(anywhere, clock, caplog):
    users.add_user("wang", PASSWORD, rounds=4)
    assert attempts("wang", "guess-0000", 3, clock) == ["wrong"] * 3
    # From the third failure on, each attempt must wait 1, 2, 4 … s; a guess made earlier is
    # refused without being tried, even the right password.
    assert users.authenticate.__name__ and attempts("wang", PASSWORD, 1, clock) == [
        "登录尝试过于频繁，请 # 秒后再试。"
    ]
    waited = []
    for _ in range(users.LOCK_ACCOUNT - 3):
        while True:
            try:
                assert users.authenticate("wang", "guess-1111") is None
                break
            except users.LoginRefused:
                clock.now += 0.5
        waited.append(clock.now)
    gaps = [b - a for a, b in zip(waited, waited[1:], strict=False)]
    assert gaps == sorted(gaps) and gaps[-1] >= 4 * gaps[0]
    # Locked out now: the right password does not work until the lockout has passed.
    clock.now += 60
    assert "登录失败次数过多" in attempts("wang", PASSWORD, 1, clock)[0]
    assert "locked out" in caplog.text
    events = [e["event"] for e in audit.read()]
    assert events.count("login_failed") == users.LOCK_ACCOUNT and "lockout" in events
    assert all("guess" not in json.dumps(e) and PASSWORD not in json.dumps(e) for e in audit.read())
    clock.now += users.LOCKOUT
    assert attempts("wang", PASSWORD, 1, clock) == ["ok"]


def test_a_wrong_name_and_a_wrong_password_are_answered_alike(anywhere, clock):
    users.add_user("wang", PASSWORD, rounds=4)
    known = attempts("wang", "guess-2222", 14, clock, step=1.0)
    unknown = attempts("nobody", "guess-2222", 14, clock, step=1.0)
    assert known == unknown and "wrong" in known and any("频繁" in k for k in known)


def test_one_client_guessing_many_names_is_locked_out(anywhere, clock):
    users.add_user("wang", PASSWORD, rounds=4)
    for i in range(users.LOCK_CLIENT):
        clock.now += users.MAX_DELAY
        assert users.authenticate(f"name{i}", "guess", client="10.0.0.9") is None
    clock.now += users.MAX_DELAY
    with pytest.raises(users.LoginRefused, match="登录失败次数过多"):
        users.authenticate("wang", PASSWORD, client="10.0.0.9")
    assert users.authenticate("wang", PASSWORD, client="10.0.0.10") is not None


def test_the_audit_command_lists_security_events(accounts, tmp_path):
    users.add_user("wang", PASSWORD, rounds=4)
    users.authenticate("wang", "wrong-password")
    users.authenticate("wang", PASSWORD, client="192.0.2.1")
    done = run_cli(accounts, "audit")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert ["新建账号" in lines[0], "登录失败" in lines[1], "登录成功" in lines[2]] == [True] * 3
    assert "192.0.2.1" in lines[2] and "wrong-password" not in done.stdout


def test_database_accounts_are_shared_and_a_file_named_wins(anywhere, tmp_path, monkeypatch):
    """With the PostGIS store every app server reads the same accounts and throttle; a file
    named by SHAPINGBA_USERS is still used when set."""
    users.add_user("wang", PASSWORD, rounds=4)
    url = anywhere.get(store.DATABASE_ENV)
    if url is None:
        assert "wang" in json.loads(Path(anywhere["SHAPINGBA_USERS"]).read_text("utf-8"))["users"]
        return
    # Another process (another app server) sees the account and this one's failures.
    users.authenticate("wang", "wrong-password-1", client="192.0.2.7")
    probe = (
        "from projects.store import users; import sys; "
        "print(users.list_users(), users._failures(users.accounts_location(), "
        "['client:192.0.2.7'])[0])"
    )
    env = {k: v for k, v in os.environ.items() if k != "SHAPINGBA_USERS"} | anywhere
    seen = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert seen.returncode == 0, seen.stderr
    assert seen.stdout.startswith("['wang'] {'client:192.0.2.7': [")
    monkeypatch.setenv("SHAPINGBA_USERS", str(tmp_path / "own.json"))
    assert users.list_users() == []  # the named file, not the table


# --- login sessions: rows where the accounts are, ended by logout, end, reset or removal ---

SESSION_CLIENT = """
import sys
from projects.store import users
editor = users.authenticate("wang", sys.argv[1], client="10.0.0.7")
print(editor.token)
"""


def _run_python(where: dict, code: str, *args: str) -> subprocess.CompletedProcess:
    return _run(where, ["-c", code, *args])


def test_a_login_opens_a_session_row_holding_only_a_hash_of_its_token(anywhere):
    users.add_user("wang", PASSWORD, rounds=4)
    assert users.list_sessions() == []
    editor = users.authenticate("wang", PASSWORD, client="10.0.0.7")
    (row,) = users.list_sessions()
    assert row["name"] == "wang" and row["client"] == "10.0.0.7"
    assert row["created"] == row["last_seen"] and row["id"] == users._token_hash(editor.token)[:8]
    assert editor.token and editor.token not in repr(editor)
    if "SHAPINGBA_USERS" in anywhere:
        text = users._sessions_path(Path(anywhere["SHAPINGBA_USERS"])).read_text("utf-8")
        assert editor.token not in text and users._token_hash(editor.token) in text
        assert oct(
            users._sessions_path(Path(anywhere["SHAPINGBA_USERS"])).stat().st_mode & 0o777
        ) == oct(0o600)
    assert users.authenticate("wang", "wrong-password") is None
    assert len(users.list_sessions()) == 1  # a failed login opens none


def test_logout_ends_the_session_and_only_that_one(anywhere):
    users.add_user("wang", PASSWORD, rounds=4)
    first, second = users.authenticate("wang", PASSWORD), users.authenticate("wang", PASSWORD)
    assert users.logout(first) is True
    with pytest.raises(NotAllowed, match="已结束") as info:
        users.require_editor(first)
    assert "重新登录" in info.value.message_zh
    assert users.require_editor(second) is second
    assert users.logout(first) is False  # already ended
    assert [s["name"] for s in users.list_sessions()] == ["wang"]
    assert [e["event"] for e in audit.read()][-2:] == ["logout", "session_ended"]


def test_a_reset_or_a_removal_drops_the_accounts_session_rows(anywhere):
    users.add_user("wang", PASSWORD, rounds=4)
    users.add_user("li", PASSWORD, rounds=4)
    users.authenticate("wang", PASSWORD)
    li = users.authenticate("li", PASSWORD)
    users.add_user("wang", "新密码-2026-pw", rounds=4)
    assert [s["name"] for s in users.list_sessions()] == ["li"]
    users.remove_user("li")
    assert users.list_sessions() == []
    with pytest.raises(NotAllowed, match="不存在"):
        users.require_editor(li)


def test_a_session_is_carried_to_another_process_by_its_token_only(anywhere):
    """Server A logs in (another process); server B (this one) resumes by the token, and an
    administrator's ``end`` (a third process) ends it for B at once."""
    users.add_user("wang", PASSWORD, rounds=4)
    made = _run_python(anywhere, SESSION_CLIENT, PASSWORD)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    editor = users.resume_session(token)
    assert editor is not None and editor.name == "wang"
    assert users.require_editor(editor) is editor  # sealed with this process's key
    # the seal of another process is not this one's: a copied value must be resumed, not reused
    with pytest.raises(NotAllowed, match="重新登录"):
        users.require_editor(users.Editor("wang", b"\0" * 32, token))
    assert users.resume_session("x" + token) is None and users.resume_session("") is None
    listed = run_cli(anywhere, "sessions")
    assert listed.returncode == 0, listed.stderr
    assert "北京时间" in listed.stdout and "wang" in listed.stdout and "10.0.0.7" in listed.stdout
    ended = run_cli(anywhere, "end", "wang")
    assert ended.returncode == 0 and "已结束账号 wang 的 1 个登录会话" in ended.stdout
    with pytest.raises(NotAllowed, match="已结束"):
        users.require_editor(editor)
    assert users.resume_session(token) is None
    assert run_cli(anywhere, "sessions").stdout.strip() == "没有打开的登录会话。"
    unknown = run_cli(anywhere, "end", "nobody")
    assert unknown.returncode == 1 and "没有名为" in unknown.stderr


def test_a_session_resumed_after_a_reset_is_refused(anywhere):
    users.add_user("wang", PASSWORD, rounds=4)
    token = users.authenticate("wang", PASSWORD).token
    users.add_user("wang", "新密码-2026-pw", rounds=4)
    assert users.resume_session(token) is None


def test_an_idle_session_ends_and_use_keeps_it_open(anywhere, clock):
    users.add_user("wang", PASSWORD, rounds=4)
    editor = users.authenticate("wang", PASSWORD)
    clock.now += users.SESSION_IDLE - 10
    users.require_editor(editor)  # used: its last-seen time moves on
    assert users.list_sessions()[0]["last_seen"] == clock.now
    clock.now += users.SESSION_IDLE - 10
    users.require_editor(editor)
    clock.now += users.SESSION_IDLE
    with pytest.raises(NotAllowed, match="小时未操作"):
        users.require_editor(editor)
    assert users.list_sessions() == []


def test_sessions_are_shown_in_china_time():
    assert china_text(datetime.fromtimestamp(0, UTC), seconds=True) == "1970-01-01 08:00:00"
    (line,) = users.describe_sessions([])
    assert line == "没有打开的登录会话。"
    head, row = users.describe_sessions(
        [{"id": "ab12cd34", "name": "wang", "created": 0, "last_seen": 60, "client": None}]
    )
    assert "北京时间" in head
    assert row.split("\t") == [
        "wang",
        "1970-01-01 08:00:00",
        "1970-01-01 08:01:00",
        "未知",
        "ab12cd34",
    ]


def test_a_damaged_session_file_ends_every_session_not_opens_one(accounts):
    users.add_user("wang", PASSWORD, rounds=4)
    editor = users.authenticate("wang", PASSWORD)
    users._sessions_path(accounts).write_text("{broken", "utf-8")
    with pytest.raises(NotAllowed, match="已结束"):
        users.require_editor(editor)
    users.require_editor(users.authenticate("wang", PASSWORD))  # a new login works again


def test_logins_at_once_each_keep_their_session_row(anywhere):
    """The session file is changed under its lock: no login's row is lost to another's write."""
    users.add_user("wang", PASSWORD, rounds=4)
    with ThreadPoolExecutor(8) as pool:
        editors = list(pool.map(lambda _: users.authenticate("wang", PASSWORD), range(16)))
    assert len(users.list_sessions()) == 16
    for editor in editors:
        assert users.require_editor(editor) is editor
