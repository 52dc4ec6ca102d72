"""The catalog file on disk: where it is, its lock, how it is read and its canonical text.

Only :mod:`projects.store` and :mod:`projects.store.rebuild` use this; everyone else goes through the
store, so a database could replace the file later.
"""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from projects.errors import CatalogError
from projects.sources import ROOT
from projects.store.atomic_write import os_error_text

DEFAULT_CATALOG = ROOT / "data" / "projects.geojson"


HISTORY_NAME = "history.jsonl"


LOCK_TIMEOUT = 30.0


def catalog_path(path: Path | str | None = None) -> Path:
    """``path``, else $SHAPINGBA_CATALOG (read now; relative to the repository), else the default."""
    if path:
        return Path(path)
    chosen = Path(os.environ.get("SHAPINGBA_CATALOG", "").strip() or DEFAULT_CATALOG)
    return chosen if chosen.is_absolute() else ROOT / chosen


#: The catalog used when a function is given no path (as resolved at import).
CATALOG_PATH = catalog_path()


def history_path(path: Path | str | None = None) -> Path:
    """The append-only history beside the catalog."""
    return catalog_path(path).with_name(HISTORY_NAME)


@contextmanager
def locked(catalog: Path) -> Iterator[None]:
    """The catalog's file lock, with a Chinese message when a colleague holds it too long."""
    lock = FileLock(f"{catalog}.lock", timeout=LOCK_TIMEOUT)
    try:
        lock.acquire()
    except Timeout as exc:
        raise CatalogError("其他人正在保存，请稍后再试（目录文件被锁定）。") from exc
    try:
        yield
    finally:
        lock.release()


def read_features(catalog: Path) -> list[dict[str, Any]]:
    """The catalog's features; CatalogError (Chinese) when the file is missing or broken.

    Parsed as one text: a reader needs no line of each feature, and one parse of the whole
    file takes about two thirds of the time of one per line (100 000 projects: 1.0 s, 1.5 s).
    """
    return read_catalog(catalog, lines=False)[0]


#: How the canonical text (:func:`dumps`) begins.
_HEAD = '{"type":"FeatureCollection","features":['


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while the block makes many long-lived objects (a catalog
    read, a frame built from it): the collector would walk all that was made so far again and
    again (at 100 000 projects more than half of a read). Reference counting still frees
    what the block drops. Safe with threads: it is only turned back on if it was on before."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def read_catalog(
    catalog: Path, *, lines: bool = True
) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """The features, and for a file in canonical form each feature's own line of text
    (none when not ``lines``).

    The lines (keyed by ``id()`` of the feature read from them) let a save write back every
    record it did not touch without encoding it again: a large catalog is then saved in a
    fraction of the time, which is time other staff wait for the lock.
    """
    try:
        text = catalog.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CatalogError(f"项目目录文件不存在：{catalog}（请先运行 make catalog）") from exc
    except OSError as exc:
        raise CatalogError(f"项目目录文件无法读取：{catalog}（{os_error_text(exc)}）") from exc
    rows = text.split("\n") if lines else []
    if rows and rows[0] == _HEAD and rows[-2:] == ["]}", ""]:
        try:
            features, raw = [], {}
            with paused_gc():
                for line in rows[1:-2]:
                    own = line[:-1] if line.endswith(",") else line
                    feature = json.loads(own)
                    features.append(feature)
                    raw[id(feature)] = own
            return features, raw
        except (ValueError, RecursionError):
            pass  # not one feature a line after all: read it as a whole below
    try:
        with paused_gc():
            data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise CatalogError(f"项目目录文件已损坏，无法读取：{catalog}（{exc}）") from exc
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise CatalogError(f"项目目录文件不是 GeoJSON FeatureCollection：{catalog}")
    return data["features"], {}


def check_unique_ids(features: list[dict[str, Any]], catalog: Path) -> None:
    """Refuse to save over a catalog in which an id appears twice (a line copied by hand).

    Otherwise one copy would be edited and the other, older one shown, and every later save of
    that project would look like a colleague's conflicting change.
    """
    seen: dict[str, int] = {}
    for n, feature in enumerate(features, 1):
        pid = feature.get("properties", {}).get("id") if isinstance(feature, dict) else None
        if pid in seen:
            raise CatalogError(
                f"项目目录文件 {catalog.name} 中编号 {pid} 出现了两次（第 {seen[pid]} 和第 {n} 个"
                "项目），无法判断哪一条有效，已停止保存。请管理员删除多余的一行，"
                "或运行 make catalog 重建目录（人工修改会保留）。"
            )
        seen[pid] = n


def encode_feature(feature: dict[str, Any]) -> str:
    """One feature's line of the canonical text."""
    return json.dumps(feature, ensure_ascii=False, separators=(",", ":"))


def dumps(features: Iterable[dict[str, Any]], raw: dict[int, str] | None = None) -> str:
    """Canonical text: one compact feature a line, so equal catalogs are equal bytes.

    ``raw`` (from :func:`read_catalog`, or :func:`encode_feature` ahead of time) gives the text
    of features by ``id()``; the caller drops the entries of those it changed since.
    """
    raw = raw or {}
    lines = [raw.get(id(f)) or encode_feature(f) for f in features]
    body = ",\n".join(lines)
    return _HEAD + "\n" + body + ("\n" if lines else "") + "]}\n"


def now() -> str:
    """The time a batch is logged: UTC, to the second, ISO 8601."""
    return datetime.now(UTC).isoformat(timespec="seconds")
