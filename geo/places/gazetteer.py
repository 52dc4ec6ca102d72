"""The offline gazetteer: named places of the plan documents, each with how sure its position is.

The app and the geocoder read the committed ``data/gazetteer.geojson`` (built by
``python -m geo.places.gazetteer_build`` from the hand-reviewed table under ``data/gazetteer/``),
or, with the PostGIS store (``SHAPINGBA_DATABASE_URL``), the same entries from the database's
``places`` table once it is filled, so every app server uses the places the database holds.
Every entry carries a precision class (``vocab.PRECISIONS``) and the basis of its position, the
way a pyproj transformer carries its accuracy, so a caller can say how far to trust an answer.

>>> gaz = load_gazetteer()
>>> gaz.by_name("磁器口古镇").name
'磁器口'
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import shapely

from projects import store
from projects.errors import BadFile
from projects.sources import ROOT
from projects.store.postgis import read_places, read_places_file
from projects.vocab import PRECISIONS

DEFAULT = ROOT / "data" / "gazetteer.geojson"

#: Kinds of place, with the Chinese label the UI shows.
KINDS: dict[str, str] = {
    "district": "区",
    "subdistrict": "街道",
    "town": "镇",
    "neighbourhood": "地名",
    "station": "铁路车站",
    "metro_station": "轨道站",
    "metro_line": "轨道线路",
    "railway": "铁路",
    "road": "道路",
    "tunnel": "隧道",
    "bridge": "桥梁",
    "interchange": "立交",
    "river": "河流",
    "lake": "湖泊",
    "park": "公园",
    "mountain": "山",
    "scenic": "景区",
    "campus": "校区",
    "hospital": "医院",
    "area": "片区",
    "industrial_park": "园区",
    "landmark": "地标",
    "port": "港口",
}

#: Precision classes a gazetteer entry may have (staff placements and imports belong to projects).
PLACE_PRECISIONS: tuple[str, ...] = tuple(p for p in PRECISIONS if p not in ("manual", "imported"))

#: Feature properties every entry must carry.
REQUIRED: tuple[str, ...] = ("id", "name", "aliases", "kind", "precision", "basis")


@dataclass(frozen=True)
class Place:
    """One named place."""

    #: The name as the documents write it.
    name: str
    #: Other spellings that mean the same place (short forms, old names, full names).
    aliases: tuple[str, ...]
    #: One of ``KINDS``.
    kind: str
    #: WGS84 lon/lat: a point, a line (roads, rivers, metro lines) or a polygon (areas).
    geometry: shapely.Geometry
    #: exact | approximate | area | zone | district (``vocab.PRECISIONS``).
    precision: str
    #: Where the position comes from.
    basis: str
    #: True for a place genuinely outside 沙坪坝区 (e.g. 渝中区 stations named by document 003).
    outside: bool = False
    #: For a metro line, the station entries it is drawn through, in order.
    members: tuple[str, ...] = ()
    #: The id of the place whose geometry this one borrows (``same:`` rows), else "".
    same_as: str = ""
    #: Stable id: the 9-digit 民政部 code of a 镇街, 500106 for the district, P… for the rest
    #: (records refer to a place by it; "" only for places made up in tests).
    id: str = ""

    @property
    def schematic(self) -> bool:
        """Whether the geometry is a sketch (hand-drawn extent, line through stations), not a
        surveyed shape: the map labels it 示意."""
        return "示意" in self.basis


class Gazetteer:
    """The places, indexed by name and alias; build it with ``Gazetteer.from_file(path)``."""

    def __init__(
        self,
        places: tuple[Place, ...] | list[Place],
        origin: str = "",
        others: dict[str, dict[str, Any]] | None = None,
    ):
        self.places: tuple[Place, ...] = tuple(places)
        #: Places of the same source that are not gazetteer entries (the 东中西 zones of the
        #: database's ``places`` table), as GeoJSON Features by id; empty for a file.
        self.others: dict[str, dict[str, Any]] = dict(others or {})
        #: Where the places were read: "" for a file (its bytes are part of the code's
        #: fingerprint), else "database:" and a digest of the rows, so a server's snapshots built
        #: with other places are not reused (:mod:`ui.snapshots`).
        self.origin = origin
        index: dict[str, Place] = {}
        by_id: dict[str, Place] = {}
        for place in self.places:
            if place.id in by_id:
                raise BadFile(
                    f"地名库编号“{place.id}”重复出现（{by_id[place.id].name} 与 {place.name}）"
                )
            if place.id:
                by_id[place.id] = place
            for key in (place.name, *place.aliases):
                if key in index:
                    raise BadFile(f"地名库中“{key}”重复出现（{index[key].name} 与 {place.name}）")
                index[key] = place
        self._index = index
        self._by_id = by_id

    @classmethod
    def from_file(cls, path: Path | str = DEFAULT) -> Gazetteer:
        """Read and check a gazetteer GeoJSON file (RFC 7946 FeatureCollection)."""
        return cls.from_features(read_places_file(path, what="地名库文件"))

    @classmethod
    def from_features(cls, features: list[Any]) -> Gazetteer:
        """Check a gazetteer file's features (as :meth:`from_file` does, the file read)."""
        return cls([place_from_feature(f, i) for i, f in enumerate(features)])

    @classmethod
    def from_database(cls, url: str) -> Gazetteer | None:
        """The gazetteer entries of the database's ``places`` table (rows of a gazetteer kind),
        checked like the file's, with the other rows (the zones) as ``others``; None while the
        table holds no gazetteer entry."""
        rows = read_places(url)
        features = [f for f in rows if f["properties"]["kind"] in KINDS]
        if not features:
            return None
        text = json.dumps(rows, ensure_ascii=False, sort_keys=True).encode()
        origin = "database:" + hashlib.sha256(text).hexdigest()[:16]
        others = {f["properties"]["id"]: f for f in rows if f["properties"]["kind"] not in KINDS}
        return cls([place_from_feature(f, i) for i, f in enumerate(features)], origin, others)

    def by_name(self, name: str) -> Place | None:
        """The place whose name or alias is exactly ``name`` (surrounding spaces ignored)."""
        if not isinstance(name, str):
            return None
        return self._index.get(name.strip())

    def by_id(self, place_id: str) -> Place | None:
        """The place with this id, or None."""
        return self._by_id.get(place_id) if isinstance(place_id, str) else None

    def names(self) -> list[tuple[str, Place]]:
        """Every (name or alias, place), longest first: the order for contained-place matching.

        A project called 重庆大学人工智能研究院 should meet 重庆大学 before 重庆; ties are broken
        by the text so the order is stable.
        """
        return sorted(self._index.items(), key=lambda kv: (-len(kv[0]), kv[0]))

    def of_kind(self, *kinds: str) -> tuple[Place, ...]:
        """The places of the given kinds, in file order."""
        return tuple(p for p in self.places if p.kind in kinds)

    def __len__(self) -> int:
        return len(self.places)

    def __iter__(self):
        return iter(self.places)


def place_from_feature(feature: object, position: int = 0) -> Place:
    """One checked ``Place`` from a GeoJSON Feature; the error names what is missing or wrong."""
    if not isinstance(feature, dict):
        raise BadFile(f"地名库第 {position + 1} 条不是 GeoJSON Feature")
    props = feature.get("properties")
    if not isinstance(props, dict):
        raise BadFile(f"地名库第 {position + 1} 条缺少 properties")
    label = props.get("name") or f"第 {position + 1} 条"
    for key in REQUIRED:
        if key not in props:
            raise BadFile(f"地名库条目“{label}”缺少属性 {key}", field=key)
    for key in ("id", "name", "basis"):
        if not isinstance(props[key], str) or not props[key].strip():
            raise BadFile(f"地名库条目“{label}”的 {key} 为空", field=key)
    if props["kind"] not in KINDS:
        raise BadFile(
            f"地名库条目“{label}”的类型 {props['kind']!r} 不在 {list(KINDS)} 之中", field="kind"
        )
    if props["precision"] not in PLACE_PRECISIONS:
        raise BadFile(
            f"地名库条目“{label}”的精度 {props['precision']!r} 不在 {list(PLACE_PRECISIONS)} 之中",
            field="precision",
        )
    aliases = props["aliases"]
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
        raise BadFile(f"地名库条目“{label}”的 aliases 应为非空文字列表", field="aliases")
    if feature.get("geometry") is None:
        raise BadFile(f"地名库条目“{label}”缺少 geometry", field="geometry")
    try:
        geometry = shapely.from_geojson(json.dumps(feature["geometry"]))
    except (shapely.errors.GEOSException, ValueError, TypeError) as exc:
        raise BadFile(f"地名库条目“{label}”的 geometry 无法解析：{exc}", field="geometry") from exc
    if geometry.is_empty or not geometry.is_valid:
        raise BadFile(f"地名库条目“{label}”的 geometry 为空或无效", field="geometry")
    return Place(
        id=props["id"].strip(),
        name=props["name"].strip(),
        aliases=tuple(aliases),
        kind=props["kind"],
        geometry=geometry,
        precision=props["precision"],
        basis=props["basis"],
        outside=bool(props.get("outside", False)),
        members=tuple(props.get("members") or ()),
        same_as=str(props.get("same_as") or ""),
    )


def load_gazetteer(path: Path = DEFAULT) -> Gazetteer:
    """The gazetteer, read once per process: the database's ``places`` table when the PostGIS
    store is configured and the table is filled, else the committed file (the embedded
    default)."""
    return _load(path, store.database_url() if path == DEFAULT else None)


@cache
def _load(path: Path, url: str | None) -> Gazetteer:
    from_table = Gazetteer.from_database(url) if url else None
    return from_table if from_table is not None else Gazetteer.from_file(path)
