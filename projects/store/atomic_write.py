"""Writing a file so a reader or a crash sees the old text or the new, never half of either.

The store's catalog is replaced this way; the steps (temp file in the same folder, fsync,
``os.replace``, fsync of the folder) are what POSIX needs for the rename to survive a power cut.
They are split in two (:func:`prepare` and :func:`install`) so the store can put its commit
record (the history line) between them: a full disk is met while the temp file is written,
before anything is committed.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from projects.errors import CatalogError

#: What an OS error means for the person saving, by errno (the rest: a generic read/write error).
_OS_ERRORS = {
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "文件系统为只读",
    errno.EIO: "磁盘读写出错",
}


def os_error_text(exc: OSError) -> str:
    """A short Chinese cause for an OS error (the traceback goes to the server log)."""
    return _OS_ERRORS.get(exc.errno or 0, "文件读写出错")


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable (the entry lives in the folder)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check_writable(target: Path) -> int:
    """The mode the new file keeps (the old file's, else 0644); refuse a read-only target.

    The process may run as root, which may write anything, so the mode bits decide: a file
    someone made read-only stays as it is.
    """
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return 0o644
    if not mode & stat.S_IWUSR:
        raise CatalogError(
            f"文件 {target.name} 被设为只读，未作任何修改；如需保存，请管理员先恢复其写权限。"
        )
    return mode


def prepare(target: Path, text: str | bytes) -> Path:
    """Write ``text`` (UTF-8, or bytes as they are) to a fsynced temp file beside ``target``
    (same mode); return its path."""
    mode = check_writable(target)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        binary = isinstance(text, bytes)
        with os.fdopen(fd, "wb" if binary else "w", encoding=None if binary else "utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def install(tmp: Path, target: Path) -> None:
    """Rename the prepared temp file over ``target`` and make the rename durable."""
    try:
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)


def write_atomic(target: Path, text: str | bytes) -> None:
    """Write to a temp file in the same folder, fsync, then os.replace: old or new, never half."""
    install(prepare(target, text), target)


def clean_temp_files(target: Path) -> None:
    """Remove temp files left by killed writers (called under the lock, so none is live)."""
    for tmp in target.parent.glob(f".{target.name}.*.tmp"):
        tmp.unlink(missing_ok=True)
