"""Accounts: salted bcrypt hashes on disk or in the database, the login check, the throttle,
and the shell command. Tests taking ``anywhere`` run on both stores' accounts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from projects import store
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
    env = {k: v for k, v in os.environ.items() if k != "SHAPINGBA_USERS"} | extra
    return subprocess.run(
        [sys.executable, "-m", "projects.store.users", *args],
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
