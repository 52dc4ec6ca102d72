"""A read-only pygeoapi feature provider over this repository's GeoJSON files or its database.

pygeoapi's own GeoJSON provider has no datetime filter and rewrites ids; this one reads the file
again whenever it changed (so a staff edit saved through :mod:`projects.store` is in the next
response),
filters by bbox, properties and a datetime interval on the project's start/end years, pages,
and never writes. When the projects collection's data is the database URL (the PostGIS store),
each request is one SQL query for its page (:func:`projects.store.postgis.find_projects`: the
GiST index for the bbox, ``LIMIT``/``OFFSET`` for the page), so a save is in the next response
and no request reads the whole catalog; the queryables are kept per process and brought up to
date from the store's change counter (:func:`projects.store.changed_since`), dropping a field
once no live record holds it.
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
    catalog_order,
    field_firsts,
    find_projects,
    is_url,
    live_project,
    pooled,
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


#: Per database URL: (the catalog version they were taken at, per queryable field its type and
#: the (catalog order, id) of the first live record holding it, which gave the type).
_DB_FIELDS: dict[str, tuple[str, dict[str, tuple[str, tuple[int, str]]]]] = {}
_DB_FIELDS_LOCK = threading.Lock()


def database_fields(url: str) -> dict[str, str]:
    """The live projects' fields and types (the queryables), each typed by its value in the
    first live record (in catalog order) that holds it, as the file's reader types them.

    Read whole once per process (4 s at 100 000 projects, so the service reads them before it
    serves), then kept as the data is: a save's records alone are read (the store's change
    counter), and only a field whose first record was among them (deleted, the field emptied
    or its type changed) is looked up again in SQL, so a field no live record holds any more is
    no longer offered. A save that rewrote every row (a rebuild, a migrate) reads them whole.
    """
    with _DB_FIELDS_LOCK, pooled(url):
        version, firsts = _DB_FIELDS.get(url, ("", {}))
        current = store.catalog_version(url)
        if not version or current != version:
            changed, total = None, 0
            if version:
                current, changed, total = store.changed_since(version, url)
            if changed is None or len(changed) >= total:
                firsts = field_firsts(url)
            else:
                firsts = _patched(url, firsts, changed)
            _DB_FIELDS[url] = (current, firsts)
        return {key: kind for key, (kind, _) in firsts.items()}


def _patched(
    url: str,
    firsts: dict[str, tuple[str, tuple[int, str]]],
    changed: list[dict[str, Any]],
) -> dict[str, tuple[str, tuple[int, str]]]:
    """``firsts`` (see :data:`_DB_FIELDS`) after the ``changed`` records' saves.

    A field whose first record is unchanged keeps it unless a changed record holding the field
    now comes before it; a field whose first record changed is looked up again.
    """
    ids = {f["properties"]["id"] for f in changed}
    again = {key for key, (_, (_, first)) in firsts.items() if first in ids}
    out = {key: first for key, first in firsts.items() if key not in again}
    live = [f["properties"] for f in changed if not f["properties"].get("deleted")]
    order = catalog_order(url, [props["id"] for props in live])
    for props in live:
        if props["id"] not in order:  # gone since (a rebuild: the next call reads all)
            continue
        at = (order[props["id"]], props["id"])
        for key, value in props.items():
            if value is not None and key not in again and (key not in out or at < out[key][1]):
                out[key] = (_JSON_TYPES.get(type(value), "string"), at)
    out.update(field_firsts(url, again))
    return out


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
