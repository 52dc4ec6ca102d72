"""Staff accounts: salted bcrypt hashes in a local file, and the ``Editor`` value saves require.

Viewing needs no login. Editing needs an account in ``data/users.json`` (or ``$SHAPINGBA_USERS``);
without that file editing is off. Accounts are managed from the shell::

    python -m projects.store.users add wang          # asks for the password twice
    echo "$PW" | python -m projects.store.users add wang --password-stdin
    python -m projects.store.users list
    python -m projects.store.users remove wang

An :class:`Editor` carries a seal computed with a key that lives only in this process, so the
store can tell one made by :func:`authenticate` from one built by hand; :func:`require_editor`
also re-reads the account file, so removing an account stops its open sessions from saving.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import hmac
import json
import os
import re
import secrets
import sys
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import bcrypt

from projects.errors import CatalogError, NotAllowed
from projects.sources import ROOT

DEFAULT_USERS_PATH = ROOT / "data" / "users.json"
#: bcrypt work factor for new accounts (about 0.2 s per check on this machine).
ROUNDS = 12
#: bcrypt only reads the first 72 bytes of a password; longer ones are refused, not cut.
MAX_PASSWORD_BYTES = 72
MIN_PASSWORD_CHARS = 8
_NAME = re.compile(r"^[\w.\-]{1,32}$")
#: Per-process key sealing Editor values; never stored or sent anywhere.
_KEY = secrets.token_bytes(32)

ENABLE_HINT = (
    "编辑功能未开启。管理员可在服务器上运行 `python -m projects.store.users add 用户名` "
    "创建编辑账号（按提示输入密码），之后即可在此登录编辑。"
)


@dataclass(frozen=True)
class Editor:
    """A staff member who has logged in; only :func:`authenticate` makes valid ones."""

    #: Account name, recorded in the history as the author of each edit.
    name: str
    _seal: bytes = field(default=b"", repr=False, compare=False)


def users_path() -> Path:
    """The account file: ``$SHAPINGBA_USERS``, else data/users.json (read at each call)."""
    return Path(os.environ.get("SHAPINGBA_USERS") or DEFAULT_USERS_PATH)


def _read(path: Path) -> dict[str, str]:
    """name -> bcrypt hash; an absent file means no accounts."""
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
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(
        {"users": {n: {"hash": h} for n, h in sorted(users.items())}},
        ensure_ascii=False,
        indent=2,
    )
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def list_users(path: Path | None = None) -> list[str]:
    """Account names, sorted."""
    return sorted(_read(path or users_path()))


def editing_enabled(path: Path | None = None) -> bool:
    """True when the account file exists and holds at least one account."""
    return bool(_read(path or users_path()))


def check_new_password(password: str) -> None:
    """Refuse passwords that are too short, or too long for bcrypt to use whole."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise CatalogError(f"密码至少需要 {MIN_PASSWORD_CHARS} 个字符。")
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise CatalogError(f"密码不能超过 {MAX_PASSWORD_BYTES} 字节（UTF-8）。")


def add_user(name: str, password: str, path: Path | None = None, rounds: int = ROUNDS) -> None:
    """Create or reset an account (salted bcrypt hash; the password itself is never stored)."""
    if not _NAME.match(name):
        raise CatalogError(
            f"用户名 {name!r} 不合规：只能用 1–32 个字母、数字、下划线、点或连字符。"
        )
    check_new_password(password)
    path = path or users_path()
    users = _read(path)
    users[name] = bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds)).decode("ascii")
    _write(path, users)


def remove_user(name: str, path: Path | None = None) -> None:
    """Delete an account; its open sessions can no longer save."""
    path = path or users_path()
    users = _read(path)
    if name not in users:
        raise CatalogError(f"没有名为 {name!r} 的账号。现有账号：{sorted(users)}")
    del users[name]
    _write(path, users)


@cache
def _dummy_hash() -> bytes:
    """Checked when a name is unknown, so a wrong name costs as long as a wrong password."""
    return bcrypt.hashpw(b"not-a-password", bcrypt.gensalt(ROUNDS))


def _seal(name: str) -> bytes:
    return hmac.new(_KEY, name.encode("utf-8"), hashlib.sha256).digest()


def authenticate(name: str, password: str, path: Path | None = None) -> Editor | None:
    """The Editor for a correct name and password, else None (same cost either way)."""
    stored = _read(path or users_path()).get(name)
    candidate = password.encode("utf-8")
    if len(candidate) > MAX_PASSWORD_BYTES:
        candidate = candidate[:0]  # cannot match; still spend the hashing time below
    try:
        ok = bcrypt.checkpw(candidate, stored.encode("ascii") if stored else _dummy_hash())
    except ValueError as exc:
        raise CatalogError(f"账号 {name} 的密码记录已损坏，请用 add 命令重设密码。") from exc
    if not (ok and stored):
        return None
    return Editor(name, _seal(name))


def require_editor(editor: object, path: Path | None = None) -> Editor:
    """Return ``editor`` if it came from :func:`authenticate` and its account still exists.

    Raises NotAllowed otherwise: the store calls this before every write, so a page that merely
    hides its buttons cannot be bypassed.
    """
    if not isinstance(editor, Editor) or not hmac.compare_digest(editor._seal, _seal(editor.name)):
        raise NotAllowed("需要登录编辑账号才能保存修改。")
    if editor.name not in _read(path or users_path()):
        raise NotAllowed(f"账号 {editor.name} 已不存在或编辑功能已关闭，修改未保存。")
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
        description="管理编辑账号（data/users.json 或 $SHAPINGBA_USERS）",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="新建账号或重设密码")
    add.add_argument("name")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（一行）")
    remove = sub.add_parser("remove", help="删除账号")
    remove.add_argument("name")
    sub.add_parser("list", help="列出账号")
    args = parser.parse_args(argv)
    path = users_path()
    try:
        if args.command == "add":
            if args.password_stdin:
                password = sys.stdin.readline().rstrip("\r\n")
            else:
                password = _prompt_password()
            add_user(args.name, password, path)
            print(f"已保存账号 {args.name}（{path}）")
        elif args.command == "remove":
            remove_user(args.name, path)
            print(f"已删除账号 {args.name}")
        else:
            for name in list_users(path):
                print(name)
    except CatalogError as exc:
        print(f"错误：{exc.message_zh}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
