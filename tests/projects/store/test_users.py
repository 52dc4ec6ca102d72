"""Accounts: salted bcrypt hashes on disk, the login check, and the shell command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from projects.errors import CatalogError, NotAllowed
from projects.sources import ROOT
from projects.store import users

PASSWORD = "青木关-2025-pw"


@pytest.fixture
def accounts(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "users.json"
    monkeypatch.setenv("SHAPINGBA_USERS", str(path))
    return path


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


def test_authenticate_accepts_only_the_right_password(accounts):
    users.add_user("wang", PASSWORD, rounds=4)
    editor = users.authenticate("wang", PASSWORD)
    assert editor is not None and editor.name == "wang"
    assert users.authenticate("wang", PASSWORD + "x") is None
    assert users.authenticate("wang", PASSWORD.upper()) is None
    assert users.authenticate("zhang", PASSWORD) is None
    assert users.authenticate("wang", "长" * 40) is None  # > 72 bytes: refused, not truncated


def test_a_hand_made_editor_is_refused_and_removal_ends_a_session(accounts):
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


def run_cli(accounts: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "SHAPINGBA_USERS": str(accounts)}
    return subprocess.run(
        [sys.executable, "-m", "projects.store.users", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )


def test_the_command_adds_lists_and_removes(accounts):
    added = run_cli(accounts, "add", "wang", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert users.authenticate("wang", PASSWORD) is not None
    listed = run_cli(accounts, "list")
    assert listed.stdout.split() == ["wang"]
    short = run_cli(accounts, "add", "li", "--password-stdin", stdin="abc\n")
    assert short.returncode == 1 and "至少" in short.stderr
    removed = run_cli(accounts, "remove", "wang")
    assert removed.returncode == 0
    assert users.list_users() == []
    missing = run_cli(accounts, "remove", "wang")
    assert missing.returncode == 1 and "没有名为" in missing.stderr
