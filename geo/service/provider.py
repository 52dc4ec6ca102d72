"""A read-only pygeoapi feature provider over this repository's GeoJSON files or its database.

pygeoapi's own GeoJSON provider has no datetime filter and rewrites ids; this one reads the file
again whenever it changed (so a staff edit saved through :mod:`projects.store` is in the next
response),
filters by bbox, properties and a datetime interval on the project's start/end years, pages,
and never writes. When the projects collection's data is the database URL (the PostGIS store),
each request is one SQL query for its page (:func:`projects.store.postgis.find_projects`: the
GiST index for the bbox, ``LIMIT``/``OFFSET`` for the page), so a save is in the next response
and no request reads the whole catalog; the queryables are kept per process and brought up to
date from the store's change counter (:func:`projects.store.changed_since`).
"""

from __future__ import annotations

import json
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import shapely
from pygeoapi.provider.base import BaseProvider, ProviderItemNotFoundError

from projects import store
from projects.store.postgis import (
    find_projects,
    is_url,
    live_project,
    pooled,
    project_fields,
    read_places,
)

#: JSON Schema types for the property filter and the queryables page.
_JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", list: "array"}


def _features(path: str, catalog: bool) -> list[dict[str, Any]]:
    """The live features of a GeoJSON file; the project catalog through the store's reader (the
    same the app uses: committed saves, never deleted records); places from the database's
    ``places`` table when ``path`` is its URL.

    A file is read again only when it changed (the store's version of the catalog, which a
    save always changes; the stat of any other file): every request used to parse the whole
    catalog, twice (1 s at 10 000 projects). The list is shared: callers must not change it."""
    if not catalog and is_url(path):
        with pooled(path):
            return read_places(path)
    version = store.catalog_version(path) if catalog else store.file_stamp(Path(path))
    with _FILES_LOCK:
        kept = _FILES.get((path, catalog))
    if kept is not None and kept[0] == version:
        return kept[1]
    if catalog:
        features = store.load_collection(path)["features"]
    else:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        features = [
            f for f in doc.get("features", []) if not f.get("properties", {}).get("deleted")
        ]
    with _FILES_LOCK:
        _FILES[(path, catalog)] = (version, features)
    return features


#: Per file: (its version when read, its live features).
_FILES: dict[tuple[str, bool], tuple[str, list[dict[str, Any]]]] = {}
_FILES_LOCK = threading.Lock()


#: Per database URL: (the catalog version they were taken at, the queryable fields' types).
_DB_FIELDS: dict[str, tuple[str, dict[str, str]]] = {}
_DB_FIELDS_LOCK = threading.Lock()


def database_fields(url: str) -> dict[str, str]:
    """The live projects' fields and types (the queryables), read whole once per process (4 s
    at 100 000 projects, so the service reads them before it serves) and then patched with the
    records saved since (a field is never dropped: a filter on it then matches nothing)."""
    with _DB_FIELDS_LOCK, pooled(url):
        version, fields = _DB_FIELDS.get(url, ("", {}))
        current = store.catalog_version(url)
        if version and current == version:
            return fields
        changed = None
        if version:
            current, changed, _ = store.changed_since(version, url)
        if changed is None:
            fields = project_fields(url)
        else:
            fields = dict(fields)
            for feature in changed:
                props = feature["properties"]
                if props.get("deleted"):
                    continue
                for key, value in props.items():
                    if value is not None and key not in fields:
                        fields[key] = _JSON_TYPES.get(type(value), "string")
        _DB_FIELDS[url] = (current, fields)
        return fields


def _years(interval: str) -> tuple[int | None, int | None]:
    """An OGC datetime (instant or interval, ``..`` open) as a year range."""

    def year(text: str) -> int | None:
        text = text.strip()
        if text in ("", ".."):
            return None
        if len(text) <= 4:
            return int(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00")).year

    if "/" in interval:
        start, end = interval.split("/", 1)
        return year(start), year(end)
    y = year(interval)
    return y, y


def _in_years(props: dict[str, Any], start: int | None, end: int | None) -> bool:
    """Whether a project's start–end window overlaps the asked years (the app's year filter)."""
    first, last = props.get("start_year"), props.get("end_year")
    if first is None and last is None:
        return False
    first = first if first is not None else last
    last = last if last is not None else first
    return (end is None or first <= end) and (start is None or last >= start)


class CatalogProvider(BaseProvider):
    """Features of one GeoJSON file, read anew for every request."""

    def __init__(self, provider_def: dict[str, Any]) -> None:
        super().__init__(provider_def)
        #: Whether this collection is the project catalog (read through the store).
        self.catalog = bool((self.options or {}).get("catalog"))
        #: Whether the catalog is the database's (queried page by page in SQL).
        self.database = self.catalog and is_url(self.data)
        self.get_fields()

    def get_fields(self) -> dict[str, Any]:
        if not self._fields and self.database:
            self._fields = {k: {"type": t} for k, t in database_fields(self.data).items()}
        elif not self._fields:
            kinds: dict[str, str] = {}
            for feature in _features(self.data, self.catalog):
                for key, value in feature["properties"].items():
                    if value is None or key in kinds:
                        continue
                    kinds[key] = _JSON_TYPES.get(type(value), "string")
            self._fields = {k: {"type": t} for k, t in kinds.items()}
        return self._fields

    def query(
        self,
        offset: int = 0,
        limit: int = 10,
        resulttype: str = "results",
        bbox: list[float] | None = None,
        datetime_: str | None = None,
        properties: list[tuple[str, str]] | None = None,
        sortby: list[dict[str, str]] | None = None,
        select_properties: list[str] | None = None,
        skip_geometry: bool = False,
        q: str | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        if self.database:
            with pooled(self.data):
                matched, page = find_projects(
                    self.data,
                    bbox=bbox,
                    years=_years(datetime_) if datetime_ and self.time_field else None,
                    properties=properties or (),
                    text=q,
                    sortby=sortby or (),
                    offset=offset,
                    limit=0 if resulttype == "hits" else limit,
                )
            return self._collection(page, matched, skip_geometry, select_properties)
        features = _features(self.data, self.catalog)
        if properties:
            features = [
                f
                for f in features
                if all(str(f["properties"].get(k)) == str(v) for k, v in properties)
            ]
        if bbox:
            box = shapely.box(*bbox[:4])
            features = [
                f
                for f in features
                if f.get("geometry") and shapely.geometry.shape(f["geometry"]).intersects(box)
            ]
        if datetime_ and self.time_field:
            start, end = _years(datetime_)
            features = [f for f in features if _in_years(f["properties"], start, end)]
        if q:
            features = [f for f in features if q in json.dumps(f["properties"], ensure_ascii=False)]
        for order in reversed(sortby or []):
            key = order["property"]
            features = sorted(  # a new list: the file's features are shared between requests
                features,
                key=lambda f: (f["properties"].get(key) is None, str(f["properties"].get(key))),
                reverse=order.get("order") == "-",
            )
        page = [] if resulttype == "hits" else features[offset : offset + limit]
        return self._collection(page, len(features), skip_geometry, select_properties)

    def _collection(
        self,
        page: list[dict[str, Any]],
        matched: int,
        skip_geometry: bool,
        select: list[str] | None,
    ) -> dict[str, Any]:
        return {
            "type": "FeatureCollection",
            "features": [self._shown(f, skip_geometry, select) for f in page],
            "numberMatched": matched,
            "numberReturned": len(page),
        }

    def get(self, identifier: str, **kwargs: Any) -> dict[str, Any]:
        if self.database:
            with pooled(self.data):
                feature = live_project(self.data, str(identifier))
            if feature is not None:
                return self._shown(feature, False, None)
            raise ProviderItemNotFoundError(f"没有编号为 {identifier} 的要素。")
        for feature in _features(self.data, self.catalog):
            if str(self._id(feature)) == str(identifier):
                return self._shown(feature, False, None)
        raise ProviderItemNotFoundError(f"没有编号为 {identifier} 的要素。")

    def _id(self, feature: dict[str, Any]) -> Any:
        return feature["properties"].get(self.id_field, feature.get("id"))

    def _shown(
        self, feature: dict[str, Any], skip_geometry: bool, select: list[str] | None
    ) -> dict[str, Any]:
        props = dict(feature["properties"])  # a copy: the file's features are shared
        if select:
            props = {k: v for k, v in props.items() if k in select}
        return {
            "type": "Feature",
            "id": self._id(feature),
            "geometry": None if skip_geometry else feature.get("geometry"),
            "properties": props,
        }
