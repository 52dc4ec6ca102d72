"""Cached loading for the page: the catalog (kept per app server and patched with just the
records a save changed), the areas, and the encoded project layer, so a rerun after a filter
change reads and encodes nothing, and one after a save fetches only what it changed."""

from __future__ import annotations

import errno
import gc
import logging
import threading
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import streamlit as st

from geo import mapview
from geo.mapview.assets import URL_PREFIX, VENDOR
from projects import clock, filters, store
from projects.store import database_url
from projects.store.postgis import watch
from ui import snapshots

log = logging.getLogger(__name__)

#: Encoded project layers, served by the app (inside the git-ignored static/vendor).
PAYLOAD_DIR = VENDOR / "cache"


def catalog_path() -> Path | str:
    """Where the store keeps the catalog: the database URL (``SHAPINGBA_DATABASE_URL``) or the
    file (``SHAPINGBA_CATALOG``), read on every call."""
    return store.location()


def catalog_key(path: Path | str) -> tuple[str, str]:
    """(location, ``store.catalog_version``): for the file its inode, mtime_ns and size, so every
    save misses the cache, even two saves within one mtime tick (each replace gives the file a
    new inode); for the database its newest change number.

    Raises FileNotFoundError for a missing catalog (the page reports it).
    """
    version = store.catalog_version(path)
    if version == "missing":
        raise FileNotFoundError(errno.ENOENT, "项目库文件不存在", str(path))
    return str(path), version


@dataclass
class _Live:
    """One location's catalog as this app server holds it (shared by every session)."""

    token: str  # what store.changed_since gave at the last refresh
    frame: gpd.GeoDataFrame  # every record, deleted ones too; index = the record's slot
    slots: dict[str, int]  # id -> slot
    view: gpd.GeoDataFrame  # the records not deleted, what the page shows
    stats: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATS, 0))

    @property
    def version(self) -> str:
        return self.token.split("|", 1)[0]


#: What :func:`refresh_stats` counts: full reads, copies taken from a snapshot an earlier
#: server kept, patches, records fetched by the last patch and by all patches together.
STATS = ("full", "restored", "patched", "last_fetched", "fetched")
_live: dict[str, _Live] = {}
_lock = threading.RLock()
_watching: set[str] = set()


def load_catalog(key: tuple[str, str]) -> gpd.GeoDataFrame:
    """The catalog frame for ``key`` (shared between sessions: callers must not modify it).

    The first call reads everything; after a save (this server's or another's) only the
    records it changed are fetched (``store.changed_since``) and patched into the frame. With
    the PostGIS store a listener also patches it as soon as a save is notified, so the next
    rerun finds it current.
    """
    location = key[0]
    live = _live.get(location)
    if live is not None and live.version == key[1]:
        return live.view
    if database_url(location):
        _watch(location)
    if live is None:
        with st.spinner("正在读取项目库……"):
            return refresh(location).view  # type: ignore[union-attr]
    return refresh(location).view  # type: ignore[union-attr]


def refresh(location: str, *, held_only: bool = False) -> _Live | None:
    """Bring this server's copy of the catalog at ``location`` up to date, fetching only what
    changed where the store can tell (else everything); returns it (None when ``held_only``
    and this server holds no copy: a notice alone does not make it read a catalog)."""
    with _lock:
        live = _live.get(location)
        if live is None and held_only:
            return None
        if live is None:
            live = _restored(location)
            if live is None:
                live = _live[location] = _read_all(location, dict.fromkeys(STATS, 0))
                return live
            _live[location] = live  # then brought up to date like any copy
        token, records, total = store.changed_since(live.token, location)
        if records is None:
            live = _live[location] = _read_all(location, live.stats)
        elif records:
            live = _patch(live, token, records)
            if total is not None and total != len(live.frame):  # rows vanished: a rebuild
                live = _read_all(location, live.stats)
            _live[location] = live
        else:
            live.token = token
        return live


def _settled(stats: dict[str, int], token: str, frame: gpd.GeoDataFrame) -> _Live:
    """The server's copy of a whole catalog read or restored, with what lives
    in memory moved out of the cyclic collector's sight (``gc.freeze``). Called with the
    collector paused (``store.paused_gc``), so that it is frozen before the collector is back.

    The server's copy of the catalog holds about a dozen Python objects a project (lists and
    dicts of its history and sources): at 100 000 projects each collector pass over them took
    a good part of a second, and a fresh read was followed by several. Even the first pass
    after the pause walked them all once (0.17 s). The frame holds no reference cycles, so
    reference counting still frees it when a newer copy replaces it. Only whole reads do this
    (a server's first, a rebuild's), not the patches after each save.
    """
    live = _Live(token, frame, _slots(frame), _visible(frame), stats)
    gc.freeze()
    return live


def refresh_stats(location: str) -> dict[str, int]:
    """How this server refreshed the catalog at ``location`` (see :data:`STATS`)."""
    live = _live.get(location)
    return dict(live.stats) if live else dict.fromkeys(STATS, 0)


def _read_all(location: str, stats: dict[str, int]) -> _Live:
    token = store.changed_since("", location)[0]  # before the read: no later save is missed
    stats = {**stats, "full": stats["full"] + 1}
    with store.paused_gc():
        frame = filters.catalog_frame(store.load_collection(location, include_deleted=True))
        live = _settled(stats, token, frame)
    snapshots.keep("catalog", (location, store.lifetime(location)), (token, frame))
    return live


def _restored(location: str) -> _Live | None:
    """The copy of the catalog an earlier server kept with the token it was read at (the
    caller then fetches what was saved since), or None. Keyed by the location's lifetime too:
    a database made anew counts its changes from 1 again, so an old token could seem current."""
    stats = {**dict.fromkeys(STATS, 0), "restored": 1}
    with store.paused_gc():
        kept = snapshots.load("catalog", (location, store.lifetime(location)))
        return None if kept is None else _settled(stats, *kept)


def _slots(frame: gpd.GeoDataFrame) -> dict[str, int]:
    return {str(pid): n for n, pid in enumerate(frame["id"])}


def _kept(kind: str, key: tuple, build):
    """``build()`` for one version of the catalog at ``key[0]``, or the snapshot an earlier
    server kept of it (see :mod:`ui.snapshots`; the location's lifetime is part of the key)."""
    return snapshots.built(kind, (*key, store.lifetime(key[0][0])), build)


def _patch(live: _Live, token: str, records: list[dict]) -> _Live:
    """A new frame with ``records`` in place of their old rows (new ones after the rest)."""
    fresh = filters.catalog_frame({"features": records})
    slots = dict(live.slots)
    following = max(slots.values(), default=-1) + 1
    index = []
    for pid in fresh["id"].astype(str):
        if pid not in slots:
            slots[pid], following = following, following + 1
        index.append(slots[pid])
    fresh.index = pd.Index(index)
    kept = live.frame.drop(index=[i for i in index if i in live.frame.index])
    frame = pd.concat([kept, fresh]).sort_index()
    for column, dtype in live.frame.dtypes.items():  # a few rows may infer another dtype
        if frame[column].dtype != dtype:
            try:
                frame[column] = frame[column].astype(dtype)
            except (TypeError, ValueError):  # e.g. whole years, and now one missing
                if dtype.kind in "iuf":
                    frame[column] = pd.to_numeric(frame[column], errors="coerce")
    stats = {
        **live.stats,
        "patched": live.stats["patched"] + 1,
        "last_fetched": len(records),
        "fetched": live.stats["fetched"] + len(records),
    }
    return _Live(token, frame, slots, _visible(frame), stats)


def _visible(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame[~frame["deleted"].fillna(False).astype(bool)].reset_index(drop=True)


def _watch(url: str) -> None:
    """Listen for saves on ``url`` once per process; each notice patches the shared copy."""
    with _lock:
        if url in _watching:
            return
        _watching.add(url)

    def on_change(_payload: dict) -> None:
        try:
            refresh(url, held_only=True)
        except Exception:  # noqa: BLE001 - the next rerun reads again and reports it
            log.exception("项目库刷新失败")

    watch(url, on_change)


def project_payload(key: tuple[str, str], gcj02: bool) -> mapview.ProjectPayload:
    """The encoded project layer for one catalog version and datum, published as a static file
    (so it crosses the network once, not on every rerun); embedded if the file can't be written.

    The files are shared by every app server of this checkout, and each keeps only the newest
    (``mapview.publish_text``): one pushed out by another server is written again, else every
    page would fail to load the layer until this server restarted."""
    payload = _published_payload(key, gcj02)
    if payload.url is not None and not _served(payload.url):
        try:
            return mapview.publish(payload, PAYLOAD_DIR, f"{URL_PREFIX}/cache")
        except OSError:
            return replace(payload, url=None)
    return payload


def _served(url: str) -> bool:
    """Whether a published file's URL still has its file."""
    return (PAYLOAD_DIR / url.rsplit("/", 1)[-1]).exists()


@st.cache_resource(max_entries=8, show_spinner=False)
def _published_payload(key: tuple[str, str], gcj02: bool) -> mapview.ProjectPayload:
    payload = _kept(
        "payload", (key, gcj02), lambda: mapview.encode_projects(load_catalog(key), gcj02=gcj02)
    )
    try:
        return mapview.publish(payload, PAYLOAD_DIR, f"{URL_PREFIX}/cache")
    except OSError:
        return payload


def background_url(gcj02: bool) -> str | None:
    """The map's background (outline, zones, context layers) in a datum, published once as a
    static file like the project layer: it is the same for every filter and catalog version,
    so the browser fetches it once instead of receiving it with every rerun (75 kB). None
    (embed it) when the file can't be written or the areas can't be read. Written again when
    another server pushed it out (see :func:`project_payload`)."""
    url = _background_url(gcj02)
    if url is not None and not _served(url):
        _background_url.clear()
        url = _background_url(gcj02)
    return url


@st.cache_resource(max_entries=2, show_spinner=False)
def _background_url(gcj02: bool) -> str | None:
    outline, zones, problem = load_areas()
    if problem:
        return None
    try:
        text = mapview.background(outline, zones, gcj02=gcj02)
        return mapview.publish_text(text, PAYLOAD_DIR, f"{URL_PREFIX}/cache", "background")
    except OSError:
        return None


@st.cache_resource(max_entries=8, show_spinner=False)
def state_positions(key: tuple[str, str], gcj02: bool) -> np.ndarray:
    """Where each row of the catalog sits in the map's state string (-1: not on the map), found
    by id once per version, so a rerun takes the filtered rows' positions by row number."""
    return project_payload(key, gcj02).positions.get_indexer(load_catalog(key)["id"])


def shown_columns(
    key: tuple[str, str], as_of_year: int | None, day: date, *, progress: bool = True
) -> pd.DataFrame:
    """``filters.shown_columns`` of one catalog version for an as-of year (``day``, the day
    progress is judged on, keys today's view by the date): the per-row work of a filter
    change, done once per version and as-of day instead of on every rerun. Read-only.

    Without ``progress`` the warnings are left out (a page that does not show them yet: they
    are most of the work); with it they are added to the same status columns."""
    if not progress:
        return _shown_status(key, as_of_year, day)
    return _with_progress(key, as_of_year, day)


@st.cache_resource(max_entries=8, show_spinner=False)
def _shown_status(key: tuple[str, str], as_of_year: int | None, day: date) -> pd.DataFrame:
    query = filters.Query(as_of_year=as_of_year)
    # ``day`` only keys the caches: filters.as_of reads the clock itself.
    return _kept(
        "shown",
        (key, as_of_year, day),
        lambda: filters.shown_columns(load_catalog(key), query, progress=False),
    )


@st.cache_resource(max_entries=8, show_spinner=False)
def _with_progress(key: tuple[str, str], as_of_year: int | None, day: date) -> pd.DataFrame:
    query = filters.Query(as_of_year=as_of_year)
    progress = _kept(
        "progress",
        (key, as_of_year, day),
        lambda: filters.shown_progress(load_catalog(key), query),
    )
    shown = _shown_status(key, as_of_year, day)
    return shown.assign(progress_shown=progress)[["status_shown", "progress_shown", "hidden"]]


@st.cache_resource(max_entries=8, show_spinner=False)
def first_mentioned(key: tuple[str, str]) -> pd.Series:
    """``filters.first_mentioned_years`` of one catalog version (the 「状态截至」 slider's
    bounds and caption read it on every rerun). Read-only."""
    return _kept("firsts", (key,), lambda: filters.first_mentioned_years(load_catalog(key)))


def status_by_year(key: tuple[str, str], last_year: int) -> pd.DataFrame:
    """``filters.status_by_year`` of one catalog version, through this year at least (the
    per-year chart's counts come from its columns; a year's column does not depend on the
    last year asked for, so every 「状态截至」 year reads the same table). Read-only."""
    return _status_by_year(key, max(last_year, clock.today().year))


@st.cache_resource(max_entries=4, show_spinner=False)
def _status_by_year(key: tuple[str, str], last_year: int) -> pd.DataFrame:
    return filters.status_by_year(load_catalog(key), last_year)


@st.cache_resource(show_spinner=False)
def load_areas() -> tuple[shapely.Geometry | None, gpd.GeoDataFrame | None, str | None]:
    """(outline, zones, problem): the district outline and 东中西 zones, or a Chinese note."""
    try:
        from geo import boundaries

        return boundaries.load_outline(), boundaries.load_zones(), None
    except Exception as exc:  # noqa: BLE001 - the map still works without the areas
        return None, None, f"区界与片区数据读取失败（{type(exc).__name__}），地图只显示项目。"


def warm() -> None:
    """Read the catalog and work out what the default first page asks for before it draws its
    map, before any browser asks (``python -m ui`` runs this as the server starts). The table's
    progress warnings are left to the page, which asks for them once its map has painted:
    worked out here, they held up a browser that connected meanwhile by as much (about 1.5 s
    at 100 000 projects).

    Streamlit runs the page only once a browser connects: a server started otherwise begins
    reading then, and the first visitor waits for the imports, the read, the layer and the
    status columns (at 100 000 projects most of a cold start). A page that asks while this
    still runs waits for the same result (each cached value is computed once). A problem is
    only logged: the page reports it in Chinese when it reads the catalog itself.
    """
    try:
        key = catalog_key(catalog_path())
        refresh(key[0])
        if database_url(key[0]):
            _watch(key[0])
        load_areas()
        first_mentioned(key)
        query = filters.Query()
        shown_columns(key, query.as_of_year, filters.as_of(query), progress=False)
        gcj02 = mapview.BASEMAPS[next(iter(mapview.BASEMAPS))].datum == "GCJ02"
        state_positions(key, gcj02)
        background_url(gcj02)
    except Exception:  # noqa: BLE001 - the page reads again and says what is wrong
        log.exception("启动时预读项目库失败")
