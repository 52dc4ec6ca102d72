"""Backup and restore of the file store: a consistent snapshot with a manifest of hashes.

``python -m projects.store backup DIR`` copies, under the catalog lock (so no save lands half
in the copy), the catalog, its ``history.jsonl``, the audit log, the account file and the plan
documents into DIR, then writes ``manifest.json`` last: each file's role, name, size and SHA-256,
and where it came from. A backup without a manifest is unfinished and is never restored.

``python -m projects.store restore DIR`` checks every hash first and refuses (changing nothing)
when a file is missing or differs; then, under the lock, it puts the history back before the
catalog (the history is the commit record: a crash between the two leaves a catalog the next
save rolls forward), then the accounts. The audit log (evidence, which must keep what happened
after the backup, the restore included) and the documents (inputs kept beside the repository)
are checked and copied back only where they are missing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from projects.errors import CatalogError
from projects.sources import seeds_dir
from projects.store import audit, users
from projects.store.atomic_write import fsync_dir, os_error_text
from projects.store.catalog_file import catalog_path, history_path, locked, now

MANIFEST = "manifest.json"
FORMAT = 1

#: Roles restored (in this order: history before catalog) and how each is named in Chinese.
ROLES = {
    "history": "修改记录",
    "catalog": "项目目录",
    "audit": "审计日志",
    "users": "账号文件",
    "document": "规划文件",
}


@dataclass(frozen=True)
class Summary:
    """What a backup or restore handled: files per role, and the folder."""

    folder: Path
    files: dict[str, int]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _sources(path: Path | str | None) -> list[tuple[str, Path, str]]:
    """(role, file, name in the backup) of everything a backup holds that exists now."""
    catalog = catalog_path(path)
    found = [
        ("catalog", catalog, catalog.name),
        ("history", history_path(catalog), history_path(catalog).name),
        ("audit", audit.audit_path(path), audit.AUDIT_NAME),
        ("users", users.users_path(), "users.json"),
    ]
    docs = seeds_dir()
    if docs.is_dir():
        found += [
            ("document", f, f"documents/{f.name}") for f in sorted(docs.iterdir()) if f.is_file()
        ]
    return [(role, file, name) for role, file, name in found if file.is_file()]


def backup(folder: Path | str, path: Path | str | None = None) -> Summary:
    """Write a consistent snapshot of the store into ``folder`` (new or empty)."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise CatalogError(f"备份目录 {folder} 不是空的；请指定一个新的或空的目录。")
    catalog = catalog_path(path)
    if not catalog.is_file():
        raise CatalogError(f"项目目录文件不存在：{catalog}，没有可备份的内容。")
    try:
        (folder / "documents").mkdir(parents=True, exist_ok=True)
        entries = []
        with locked(catalog):
            for role, source, name in _sources(path):
                target = folder / name
                shutil.copyfile(source, target)
                with open(target, "rb+") as f:
                    os.fsync(f.fileno())
                entries.append(
                    {
                        "role": role,
                        "name": name,
                        "bytes": target.stat().st_size,
                        "sha256": _sha256(target),
                        "from": str(source),
                    }
                )
        fsync_dir(folder / "documents")
        manifest = {"format": FORMAT, "created_at": now(), "files": entries}
        _write_manifest(folder, manifest)
    except OSError as exc:
        raise CatalogError(f"备份失败：{os_error_text(exc)}（{folder}）。") from exc
    audit.record("backup", path=path, folder=str(folder), files=len(entries))
    return Summary(folder, _count(entries))


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    tmp = folder / f".{MANIFEST}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=2)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, folder / MANIFEST)
    fsync_dir(folder)


def _count(entries: list[dict[str, Any]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for e in entries:
        out[e["role"]] = out.get(e["role"], 0) + 1
    return out


def check(folder: Path | str) -> list[dict[str, Any]]:
    """The manifest's entries after checking every file's size and hash; CatalogError if any
    file is missing or differs, or the backup is unfinished (no manifest)."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CatalogError(f"{folder} 中没有 {MANIFEST}：不是完整的备份，未恢复。") from exc
    except (OSError, ValueError) as exc:
        raise CatalogError(f"{folder}/{MANIFEST} 无法读取或已损坏，未恢复。") from exc
    entries = manifest.get("files") if isinstance(manifest, dict) else None
    if manifest.get("format") != FORMAT or not isinstance(entries, list):
        raise CatalogError(f"{folder}/{MANIFEST} 格式不正确，未恢复。")
    if not any(e.get("role") == "catalog" for e in entries if isinstance(e, dict)):
        raise CatalogError(f"备份 {folder} 中没有项目目录文件，未恢复。")
    for e in entries:
        name = e.get("name") if isinstance(e, dict) else None
        file = folder / str(name)
        if not name or e.get("role") not in ROLES or ".." in Path(name).parts:
            raise CatalogError(f"{folder}/{MANIFEST} 中有无效的条目，未恢复。")
        if not file.is_file():
            raise CatalogError(f"备份文件 {name} 缺失，未恢复任何文件。")
        if file.stat().st_size != e.get("bytes") or _sha256(file) != e.get("sha256"):
            raise CatalogError(
                f"备份文件 {name} 与清单中的校验值不符（已损坏或被改动），未恢复任何文件。"
            )
    return entries


def restore(folder: Path | str, path: Path | str | None = None) -> Summary:
    """Check the backup in ``folder``, then put its files back in place (see the module doc)."""
    folder = Path(folder)
    entries = check(folder)
    catalog = catalog_path(path)
    targets = {
        "history": history_path(catalog),
        "catalog": catalog,
        "audit": audit.audit_path(path),
        "users": users.users_path(),
    }
    order = sorted(entries, key=lambda e: list(ROLES).index(e["role"]))
    try:
        catalog.parent.mkdir(parents=True, exist_ok=True)
        with locked(catalog):
            for e in order:
                source = folder / e["name"]
                if e["role"] == "document":
                    target = seeds_dir() / Path(e["name"]).name
                else:
                    target = targets[e["role"]]
                if e["role"] in ("document", "audit") and target.exists():
                    continue  # inputs and evidence: only put back where lost
                _copy_atomic(source, target, 0o600 if e["role"] == "users" else 0o644)
            if not any(e["role"] == "history" for e in entries):
                targets["history"].unlink(missing_ok=True)  # the snapshot had none
    except OSError as exc:
        raise CatalogError(f"恢复失败：{os_error_text(exc)}；请检查后重新运行恢复。") from exc
    audit.record("restore", path=path, folder=str(folder), files=len(entries))
    return Summary(folder, _count(entries))


def _copy_atomic(source: Path, target: Path, mode: int) -> None:
    """Copy to a temp file beside ``target``, fsync, rename: the old file or the new one.

    The new file keeps the old one's mode, else ``mode`` (the accounts: owner only)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.restore.tmp")
    shutil.copyfile(source, tmp)
    if target.exists():
        shutil.copymode(target, tmp)
    else:
        os.chmod(tmp, mode)
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, target)
    fsync_dir(target.parent)
