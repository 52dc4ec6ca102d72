"""The audit log: security events in ``audit.jsonl`` beside the edit history.

One JSON line per event: ``{"at", "event", "name"?, "client"?, ...}``. Logins (success, failure,
refused by the throttle, lockout), account changes, imports and bulk saves, backups and restores
are recorded; passwords never are. Read it with ``python -m projects.store.users audit``.

Writing an audit line must not stop the work it records (a full disk should not lock staff out),
so a failed write goes to the server log instead.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from filelock import FileLock

from projects.errors import CatalogError
from projects.store.catalog_file import catalog_path, now

AUDIT_NAME = "audit.jsonl"

#: Event codes and how they read in Chinese.
EVENTS = {
    "login_ok": "登录成功",
    "login_failed": "登录失败",
    "login_refused": "登录被限制（尝试过于频繁）",
    "lockout": "登录锁定",
    "account_added": "新建账号",
    "password_reset": "重设密码",
    "account_removed": "删除账号",
    "accounts_copied": "迁移账号",
    "session_ended": "会话已失效",
    "logout": "退出登录",
    "sessions_ended": "管理员结束会话",
    "session_resumed": "在另一服务器继续会话",
    "import": "导入文件",
    "bulk_save": "批量保存",
    "backup": "备份",
    "restore": "从备份恢复",
}

log = logging.getLogger(__name__)


def audit_path(path: Path | str | None = None) -> Path:
    """The audit file: ``$SHAPINGBA_AUDIT`` when set (tests), else beside the catalog's history."""
    chosen = os.environ.get("SHAPINGBA_AUDIT", "").strip()
    if chosen and path is None:
        return Path(chosen)
    return catalog_path(path).with_name(AUDIT_NAME)


def record(event: str, *, path: Path | str | None = None, **fields: Any) -> None:
    """Append one event line (fsynced); a failure is logged, never raised."""
    line = {"at": now(), "event": event, **{k: v for k, v in fields.items() if v is not None}}
    text = json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n"
    target = audit_path(path)
    try:
        with FileLock(f"{target}.lock", timeout=10), open(target, "a", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
    except Exception:  # noqa: BLE001 - the audit must not block the login or save it records
        log.exception("audit log write failed: %s", text.strip())


def read(path: Path | str | None = None) -> list[dict[str, Any]]:
    """Every audit event, oldest first; a damaged line is shown as such, not skipped."""
    target = audit_path(path)
    try:
        raw = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise CatalogError(f"审计日志 {target} 无法读取：{exc.strerror}") from exc
    out = []
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except ValueError:
            event = None
        if not isinstance(event, dict):
            event = {"at": "", "event": "damaged", "line": n}
        out.append(event)
    return out


def describe(event: dict[str, Any]) -> str:
    """One event as a line of text: time, event in Chinese, then its details."""
    label = EVENTS.get(str(event.get("event")), f"（第 {event.get('line')} 行已损坏）")
    details = "  ".join(
        f"{k}={v}" for k, v in event.items() if k not in ("at", "event") and v is not None
    )
    return f"{event.get('at', '')}  {label}  {details}".rstrip()
