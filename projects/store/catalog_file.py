"""The catalog file on disk: where it is, its lock, how it is read and its canonical text.

Only :mod:`projects.store` and :mod:`projects.store.rebuild` use this; everyone else goes through the
store, so a database could replace the file later.
"""

from __future__ import annotations

import bisect
import gc
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
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


def file_stamp(file: Path) -> str:
    """What tells one state of ``file`` from the next (inode, mtime, size; OSError when it is
    missing): a save replaces the file, so the stamp changes with every save."""
    st = file.stat()
    return f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}"


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
        data = catalog.read_bytes()
    except FileNotFoundError as exc:
        raise CatalogError(f"项目目录文件不存在：{catalog}（请先运行 make catalog）") from exc
    except OSError as exc:
        raise CatalogError(f"项目目录文件无法读取：{catalog}（{os_error_text(exc)}）") from exc
    parsed = None if lines else _strict_parse(data)
    if parsed is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CatalogError(
                f"项目目录文件不是 UTF-8 编码的文本，无法读取：{catalog}（第 {exc.start} 字节起）"
            ) from exc
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
                parsed = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise CatalogError(f"项目目录文件已损坏，无法读取：{catalog}（{exc}）") from exc
    if not isinstance(parsed, dict) or not isinstance(parsed.get("features"), list):
        raise CatalogError(f"项目目录文件不是 GeoJSON FeatureCollection：{catalog}")
    return parsed["features"], {}


#: Strict JSON with the standard library's result for every text it accepts (big integers
#: stay integers): it refuses NaN, out-of-range numbers and lone surrogates, which
#: :func:`json.loads` still reads, so a refusal falls back to that.
_STRICT = msgspec.json.Decoder()


def _strict_parse(data: bytes) -> Any:
    """``data`` parsed by msgspec, or None where it refuses it (then ``json`` reads it, or
    says what is wrong). A whole 100 000-project file in about 0.95 s instead of 1.3 s (the
    bytes need no decoding into a str first), on the path of a server's first read."""
    try:
        with paused_gc():
            return _STRICT.decode(data)
    except (msgspec.MsgspecError, RecursionError):
        return None


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


#: A canonical feature line begins with the record's id (its first key): found by this alone.
_LINE_START = re.compile(rb'\n\{"type":"Feature","properties":\{"id":"([^"\\\n]*)"')
#: A record an editor saved (its ``updated_by`` not null): the history must hold its version.
#: Spaces a hand edit may leave are allowed; a ``\u`` escape (which could spell the key, and
#: which canonical text has only for control characters) counts too.
_EDITED = re.compile(rb'"updated_by"[ \t\r]*:(?![ \t\r]*null[ \t\r]*[,}])')
_ESCAPE = re.compile(rb"\\u")


#: :meth:`CatalogLines.brief` by a digest of the line (a few hundred bytes each).
_BRIEFS: dict[bytes, tuple] = {}
_BRIEFS_KEPT = 300_000


class NotCanonical(Exception):
    """The catalog is not one well-formed feature a line: the caller reads it whole."""


class CatalogLines(Mapping[str, dict[str, Any]]):
    """A canonical catalog file as bytes, each record found by its id and parsed only when read.

    What lets a save at 100 000 projects cost what the edit costs rather than a parse of every
    line (about 1.5 s): the ids come from the start of each line (a regular expression over
    the whole file), and only the records a save reads are parsed. A line that turns out not
    to hold the record its start names raises :class:`NotCanonical`.
    """

    def __init__(self, data: bytes, starts: list[int], ids: list[str]) -> None:
        #: ``starts[i]`` is the newline before line i; the last line ends before ``\n]}\n``.
        self.data, self.starts, self.ids = data, starts, ids
        self.position = dict(zip(ids, range(len(ids)), strict=True))
        self.parsed: dict[str, dict[str, Any]] = {}

    def span(self, i: int) -> tuple[int, int]:
        """Where line ``i`` is in the bytes, without its comma and newline."""
        more = i + 1 < len(self.starts)
        end = self.starts[i + 1] - 1 if more else len(self.data) - len(b"\n]}\n")
        return self.starts[i] + 1, end

    def __getitem__(self, pid: str) -> dict[str, Any]:
        feature = self.parsed.get(pid)
        if feature is None:
            start, end = self.span(self.position[pid])
            try:
                feature = json.loads(self.data[start:end])
            except (ValueError, RecursionError) as exc:
                raise NotCanonical(pid) from exc
            props = feature.get("properties") if isinstance(feature, dict) else None
            if not isinstance(props, dict) or props.get("id") != pid:
                raise NotCanonical(pid)
            self.parsed[pid] = feature
        return feature

    def brief(self, pid: str) -> dict[str, Any]:
        """The record's id, version and editor only (the keys it has), as ``{"properties": …}``.

        What the checks of a save read of every record an editor saved: after a bulk import
        that is every record. Kept per process by a digest of the line's bytes (the same bytes
        are the same record), so a later save hashes such a line instead of parsing it.
        """
        start, end = self.span(self.position[pid])
        key = hashlib.blake2b(self.data[start:end], digest_size=16).digest()
        known = _BRIEFS.get(key)
        if known is None:
            props = self[pid]["properties"]
            known = tuple((k, props[k]) for k in ("id", "version", "updated_by") if k in props)
            if len(_BRIEFS) >= _BRIEFS_KEPT:
                _BRIEFS.clear()
            _BRIEFS[key] = known
        return {"properties": dict(known)}

    def __contains__(self, pid: object) -> bool:
        return pid in self.position

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def edited(self) -> list[str]:
        """The ids of the lines that name an editor (or might: a nested key counts too)."""
        found = [*_EDITED.finditer(self.data), *_ESCAPE.finditer(self.data)]
        lines = {bisect.bisect(self.starts, m.start()) - 1 for m in found}
        return [self.ids[i] for i in sorted(lines) if i >= 0]

    def spliced(self, replaced: Mapping[str, bytes], added: list[bytes]) -> bytes:
        """The canonical text with the lines of ``replaced`` ids swapped and ``added`` appended."""
        chunks, at = [], 0
        for i in sorted(self.position[pid] for pid in replaced):
            start, end = self.span(i)
            chunks += [self.data[at:start], replaced[self.ids[i]]]
            at = end
        if added:
            tail = len(self.data) - len(b"\n]}\n")
            chunks.append(self.data[at:tail])
            chunks.append((b",\n" if self.ids else b"\n") + b",\n".join(added))
            at = tail
        chunks.append(self.data[at:])
        return b"".join(chunks)


def read_lines(catalog: Path) -> CatalogLines | None:
    """The catalog as :class:`CatalogLines`; None when the file is not in canonical form (as
    :func:`dumps` writes it) or an id appears twice: the caller then reads it whole.

    Canonical means: the head line, then lines that each begin with their record's id and end
    with a comma (but the last), then ``]}``. JSON strings hold no raw newline, so a newline
    followed by a record's start can only begin a line."""
    try:
        data = catalog.read_bytes()
    except OSError:
        return None
    head = _HEAD.encode() + b"\n"
    if not data.startswith(head) or not data.endswith(b"\n]}\n"):
        return None
    first, last = len(head) - 1, len(data) - len(b"\n]}\n")
    starts = [m.start() for m in _LINE_START.finditer(data, first, last)]
    if len(starts) != data.count(b"\n", first, last):
        return None  # a line that does not begin with its record's id
    comma = ord(",")
    if any(data[at - 1] != comma for at in starts[1:]) or data[last - 1] == comma:
        return None
    try:
        ids = [pid.decode("utf-8") for pid in _LINE_START.findall(data, first, last)]
    except UnicodeDecodeError:
        return None
    if len(set(ids)) != len(ids):
        return None  # the whole read names the id twice, in its own words
    return CatalogLines(data, starts, ids)


def now() -> str:
    """The time a batch is logged: UTC, to the second, ISO 8601."""
    return datetime.now(UTC).isoformat(timespec="seconds")
