"""Cached loading for the page: the catalog (keyed by the store's catalog version), the areas,
and the encoded project layer, so a rerun after a filter change reads and encodes nothing."""

from __future__ import annotations

import errno
from pathlib import Path

import geopandas as gpd
import shapely
import streamlit as st

from geo import mapview
from geo.mapview.assets import URL_PREFIX, VENDOR
from projects import filters, store

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


@st.cache_resource(max_entries=4, show_spinner="正在读取项目库……")
def _load(key: tuple[str, str]) -> gpd.GeoDataFrame:
    return filters.catalog_frame(store.load_collection(key[0]))


def load_catalog(key: tuple[str, str]) -> gpd.GeoDataFrame:
    """The catalog frame for ``key`` (shared between sessions: callers must not modify it)."""
    return _load(key)


@st.cache_resource(max_entries=8, show_spinner=False)
def project_payload(key: tuple[str, str], gcj02: bool) -> mapview.ProjectPayload:
    """The encoded project layer for one catalog version and datum, published as a static file
    (so it crosses the network once, not on every rerun); embedded if the file can't be written."""
    gdf = _load(key)
    live = gdf[~gdf["deleted"].fillna(False).astype(bool)]
    payload = mapview.encode_projects(live, gcj02=gcj02)
    try:
        return mapview.publish(payload, PAYLOAD_DIR, f"{URL_PREFIX}/cache")
    except OSError:
        return payload


@st.cache_resource(show_spinner=False)
def load_areas() -> tuple[shapely.Geometry | None, gpd.GeoDataFrame | None, str | None]:
    """(outline, zones, problem): the district outline and 东中西 zones, or a Chinese note."""
    try:
        from geo import boundaries

        return boundaries.load_outline(), boundaries.load_zones(), None
    except Exception as exc:  # noqa: BLE001 - the map still works without the areas
        return None, None, f"区界与片区数据读取失败（{type(exc).__name__}），地图只显示项目。"
