"""What an app server built from the catalog, kept on disk so that the next server starts warm.

Reading a 100 000-project catalog and working out what the first page shows (the frame, each
row's status and progress today, the encoded map layer) takes seconds of Python; loading the
same objects from a pickle takes a fraction of that. A snapshot is keyed by what it was built
from (the catalog's location and version, the options) *and* by the code and data that build it
(:func:`fingerprint`), so a changed program never reads an old snapshot. A snapshot that is
missing, unreadable or not this user's is rebuilt; a snapshot is a cache, never the record.

Pickles run code when loaded, so snapshots live in a folder only this user may write
(``$SHAPINGBA_CACHE_DIR``, else ``~/.cache/shapingba``), never under the served ``static/``,
and a file owned by anyone else is ignored. ``SHAPINGBA_CACHE_DIR=off`` turns them off.

Building or loading them makes millions of small objects that live as long as the server, so
both run with Python's cyclic collector paused (``projects.store.paused_gc``).
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import pickle
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from geo.places import load_gazetteer
from projects.sources import ROOT
from projects.store import paused_gc

log = logging.getLogger(__name__)

T = TypeVar("T")

#: The variable naming the snapshot folder ("off" turns snapshots off).
CACHE_ENV = "SHAPINGBA_CACHE_DIR"
#: Snapshots kept per kind (older ones are removed when a new one is written).
KEEP = 6
#: What the snapshots are built by: a change to any of these files starts afresh.
_BUILT_BY = ("projects", "geo", "ui", "data/boundaries", "data/gazetteer", "data/gazetteer.geojson")
_LIBRARIES = ("numpy", "pandas", "geopandas", "shapely", "pyarrow", "folium")
#: Seconds after a snapshot is kept by which it is written even if no page says it is done.
LATEST = 30.0
_writing: set[Path] = set()
_pending: dict[Path, Any] = {}
_timer: threading.Timer | None = None
_writing_lock = threading.Lock()


def folder() -> Path | None:
    """Where snapshots live, read on every call; None when they are turned off."""
    given = os.environ.get(CACHE_ENV, "").strip()
    if given.lower() == "off":
        return None
    if given:
        return Path(given)
    home = os.environ.get("XDG_CACHE_HOME", "").strip() or Path.home() / ".cache"
    return Path(home) / "shapingba"


@cache
def fingerprint() -> str:
    """A digest of the code and data that build snapshots, and of the libraries' versions."""
    digest = hashlib.sha256(sys.version.encode())
    for name in _LIBRARIES:
        digest.update(f"{name}={metadata.version(name)}".encode())
    digest.update(load_gazetteer().origin.encode())  # places read from a database, if so
    for top in _BUILT_BY:
        root = ROOT / top
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for file in files:
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(str(file.relative_to(ROOT)).encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def _path(kind: str, key: tuple) -> Path | None:
    where = folder()
    if where is None:
        return None
    name = hashlib.sha256(repr((kind, key, fingerprint())).encode()).hexdigest()[:24]
    return where / f"{kind}-{name}.pickle"


def load(kind: str, key: tuple) -> Any:
    """The snapshot of ``kind`` for ``key``, or None when there is none to trust."""
    path = _path(kind, key)
    if path is None:
        return None
    try:
        with path.open("rb") as f:
            if os.fstat(f.fileno()).st_uid != os.getuid():
                log.warning("忽略他人的缓存文件 %s", path)
                return None
            with paused_gc():
                return pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a broken snapshot is rebuilt, never trusted
        log.warning("缓存文件 %s 无法读取，将重新生成", path, exc_info=True)
        return None


def keep(kind: str, key: tuple, value: Any) -> None:
    """Keep ``value`` as the snapshot of ``kind`` for ``key``: written once a page's map has
    painted (:func:`flush`), or :data:`LATEST` seconds from now if no page says so. The
    newest :data:`KEEP` of a kind stay.

    Why later: pickling a 100 000-project catalog holds the interpreter for seconds. Written
    at once, it competed with the first page for it; written as soon as the page was sent, it
    held up the map's own requests (its scripts and layers) while the browser drew it."""
    path = _path(kind, key)
    if path is None:
        return
    global _timer
    with _writing_lock:
        if path in _writing or path in _pending:
            return
        _pending[path] = value
        if _timer is None:
            _timer = threading.Timer(LATEST, flush)
            _timer.daemon = True
            _timer.start()


def flush() -> None:
    """Start writing, in the background, the snapshots kept so far (the page calls this at the
    end of each run once its map has painted; a no-op when nothing waits)."""
    global _timer
    with _writing_lock:
        items = list(_pending.items())
        _pending.clear()
        _writing.update(path for path, _ in items)
        if _timer is not None:
            _timer.cancel()
            _timer = None
    if items:
        threading.Thread(target=_write_all, args=(items,), daemon=True).start()


def settle(timeout: float = 30.0) -> bool:
    """Write what waits and wait until the snapshots being written are on disk (tests, a
    bench's restart, a server stopping); False if some are still being written after
    ``timeout`` seconds."""
    flush()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with _writing_lock:
            if not _writing:
                return True
        time.sleep(0.02)
    return False


def built(kind: str, key: tuple, build: Callable[[], T]) -> T:
    """``build()``, or the snapshot an earlier server kept of it (then kept for the next)."""
    value = load(kind, key)
    if value is not None:
        return value
    with paused_gc():
        value = build()
    keep(kind, key, value)
    return value


def _write_all(items: list[tuple[Path, Any]]) -> None:
    for path, value in items:
        _write(path, value)


def _write(path: Path, value: Any) -> None:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        kind = path.name.rsplit("-", 1)[0]
        with tempfile.NamedTemporaryFile(
            "wb", dir=path.parent, prefix=f".{kind}-", delete=False
        ) as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.chmod(f.name, 0o600)
        Path(f.name).replace(path)
        mine = sorted(path.parent.glob(f"{kind}-*.pickle"), key=lambda p: p.stat().st_mtime)
        # and what a server stopped in the middle of a write left behind
        stray = [
            p for p in path.parent.glob(f".{kind}-*") if time.time() - p.stat().st_mtime > 3600
        ]
        for old in [*mine[:-KEEP], *stray]:
            old.unlink(missing_ok=True)
    except Exception:  # noqa: BLE001 - without a snapshot the next server reads the catalog
        log.warning("缓存文件 %s 无法写入", path, exc_info=True)
    finally:
        with _writing_lock:
            _writing.discard(path)


# A server that stops finishes writing what it kept (a few seconds at most), so that the next
# one finds it.
atexit.register(settle, 20.0)
