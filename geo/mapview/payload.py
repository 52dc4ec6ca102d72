"""The drawable projects as one compact payload the browser decodes, and its static file.

Encoded once per catalog version and datum, so a filter change never resends geometry (see
:mod:`geo.mapview`). Coordinates are integer offsets, delta-coded along lines and rings.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import crs
from geo.mapview.scripts import js_literal
from geo.mapview.style import PRECISION_CODES, PRECISION_DECIMALS
from geo.places.reference import resolve

#: Integer coordinates are offsets from this origin, in units of 10^-decimals degrees.
_ORIGIN = (106.0, 29.0)


_KINDS = {
    "Point": "P",
    "LineString": "L",
    "Polygon": "A",
    "MultiPoint": "Q",
    "MultiLineString": "M",
    "MultiPolygon": "N",
}


@dataclass(frozen=True)
class ProjectPayload:
    """The projects the map knows, encoded once per catalog version and datum."""

    #: The JavaScript literal embedded in the base map (or published, see ``publish``).
    js: str
    #: Project ids in payload order (the state string follows this order): own geometries,
    #: then references to areas and 镇街 (badges), zones and the district (counted, listed).
    ids: tuple[str, ...]
    #: Catalog ids not drawn on the map: zone- and district-level (listed from the zone labels
    #: and the district box) and those with no position.
    undrawn: tuple[str, ...]
    #: Where the browser fetches ``js`` from (see ``publish``); None embeds it in the page.
    url: str | None = None
    #: Lon/lat of every marker and badge drawn (own points, referenced areas and 镇街), in the
    #: payload's datum: where zone labels must not sit.
    marks: tuple[tuple[float, float], ...] = ()

    #: ``ids`` as a pandas index, built once: where each filtered project sits in the state
    #: string, found for all of them at once on every rerun.
    positions: pd.Index = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "positions", pd.Index(self.ids))


#: Payload kind per shapely type id (``shapely.get_type_id``); others are not drawn.
_KIND_OF_TYPE = {0: "P", 1: "L", 3: "A", 4: "Q", 5: "M", 6: "N"}
#: Drawing order, bottom to top: areas, lines, points (clicks reach the small).
DRAW_RANK = {"P": 3, "Q": 3, "L": 2, "M": 2, "A": 1, "N": 1}
#: One character per reference precision in the payload (after the own codes of the style).
REFERENCE_CODES: dict[str, str] = {
    "exact": "x",  # at a place's point (a station, a campus …), within 100 m
    "approximate": "y",  # at a place's point, within 1 km
    "area": "r",
    "township": "t",
    "zone": "z",
    "district": "d",
}
#: References drawn as one badge per place; the others are counted on zone labels / district box.
BADGE_PRECISIONS: tuple[str, ...] = ("exact", "approximate", "area", "township")
#: The payload codes of those drawn as badges (the map script's own list, BADGE_CODES).
BADGE_CODES = "".join(REFERENCE_CODES[p] for p in BADGE_PRECISIONS)


def drawable(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Which projects have a geometry of their own to draw (a marker, a line or a shape), as a
    printed or exported map draws them; references to places are not among them."""
    geom = gdf.geometry
    has = geom.notna().to_numpy() & ~geom.is_empty.fillna(True).to_numpy()
    return has & gdf["precision"].isin(list(PRECISION_CODES)).to_numpy()


def _references(gdf: gpd.GeoDataFrame, precisions: tuple[str, ...]) -> np.ndarray:
    if "place_id" not in gdf.columns:
        return np.zeros(len(gdf), dtype=bool)
    ids = gdf["place_id"].to_numpy(object)
    found = {p: resolve(p) is not None for p in set(ids.tolist())}  # a few hundred places
    known = np.fromiter((found[p] for p in ids), dtype=bool, count=len(ids))
    return known & gdf["precision"].isin(list(precisions)).to_numpy()


def on_map(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Which projects the web map shows: an own geometry (marker, line or shape), or a reference
    to an area or 镇街, drawn once per place as a badge that counts and lists its projects."""
    return drawable(gdf) | _references(gdf, BADGE_PRECISIONS)


def encode_projects(gdf: gpd.GeoDataFrame, *, gcj02: bool = False) -> ProjectPayload:
    """Encode what the map needs: ids, names, precision codes, own coordinates, references.

    Own coordinates are integers (offsets from a fixed origin at the precision's decimals),
    delta-coded along lines and rings. Each referenced place (an area, a 镇街, a zone, the
    district) is encoded once — name, representative point, and an area's outline — and its
    projects point to it. The details panel reads the rest from the catalog on click.
    """
    own = drawable(gdf)
    counted = _references(gdf, tuple(REFERENCE_CODES))
    undrawn = tuple(str(pid) for pid in gdf["id"][~on_map(gdf)])
    geoms = gdf.geometry.to_numpy()[own]
    kinds = np.array(
        [_KIND_OF_TYPE.get(t, "") for t in shapely.get_type_id(geoms).tolist()], dtype="<U1"
    )
    ids = np.array([str(p) for p in gdf["id"].to_numpy(object)[own]], dtype=object)
    undrawn += tuple(ids[kinds == ""])  # GeometryCollections: not drawn, listed
    keep = np.flatnonzero(kinds != "")
    order = keep[np.argsort(np.array([DRAW_RANK[k] for k in kinds[keep]]), kind="stable")]
    ids, kinds, geoms = ids[order], kinds[order], geoms[order]
    names = [
        str(n or p) for n, p in zip(gdf["name"].to_numpy(object)[own][order], ids, strict=True)
    ]
    codes = [PRECISION_CODES[p] for p in gdf["precision"].to_numpy(object)[own][order]]
    if gcj02 and len(geoms):
        geoms = crs.geometry_to_gcj02(geoms)
    places: dict[str, int] = {}
    place_rows: list[dict] = []
    refs = []
    for pid, name, precision, place_id in zip(
        gdf["id"][counted],
        gdf["name"][counted],
        gdf["precision"][counted],
        gdf["place_id"][counted],
        strict=True,
    ):
        if place_id not in places:
            places[place_id] = len(place_rows)
            place_rows.append(_place_entry(place_id, gcj02))
        refs.append((str(pid), str(name or pid), REFERENCE_CODES[precision], places[place_id]))
    sketched = _sketched(gdf)
    decimals = np.array([PRECISION_DECIMALS[c] for c in codes], dtype=np.int64)
    data = {
        "o": _ORIGIN,
        "id": list(ids) + [r[0] for r in refs],
        "n": names + [r[1] for r in refs],
        "p": "".join(codes) + "".join(r[2] for r in refs),
        "k": "".join(kinds),
        "g": _encode_geometries(geoms, decimals),
        "s": "".join("1" if pid in sketched else "0" for pid in ids),
        "r": [r[3] for r in refs],
        "places": place_rows,
    }
    marked = geoms[np.isin(kinds, ("P", "Q"))]
    xy = shapely.get_coordinates(marked)
    marks = [(round(x, 5), round(y, 5)) for x, y in xy.tolist()]
    marks += [(pl["at"][0], pl["at"][1]) for pl in place_rows if pl["p"] in BADGE_CODES]
    return ProjectPayload(js_literal(data), tuple(data["id"]), undrawn, marks=tuple(marks))


def _sketched(gdf: gpd.GeoDataFrame) -> set[str]:
    """Ids whose own line is a sketch between known points (示意走向 in the basis)."""
    if "geo_basis" not in gdf.columns:
        return set()
    mask = gdf["geo_basis"].fillna("").astype(str).str.contains("示意走向", regex=False)
    return set(gdf["id"][mask].astype(str))


def _place_entry(place_id: str, gcj02: bool) -> dict:
    """One referenced place: id, name, precision code, badge point, and (for an area) its
    outline, drawn dashed and labelled 示意 when it is not surveyed."""
    ref = resolve(place_id)
    point, geom = ref.point, ref.geometry
    if gcj02:
        point, geom = crs.geometry_to_gcj02(point), crs.geometry_to_gcj02(geom)
    outline = None
    if ref.precision == "area" and geom.geom_type != "Point" and _KINDS.get(geom.geom_type):
        outline = {"k": _KINDS[geom.geom_type], "g": _encode_geometry(geom, 4)}
    return {
        "id": ref.id,
        "n": ref.name,
        "p": REFERENCE_CODES[ref.precision],
        "at": [round(point.x, 5), round(point.y, 5)],
        "o": outline,
        "s": ref.schematic,
    }


def publish(payload: ProjectPayload, folder: Path, url_prefix: str) -> ProjectPayload:
    """Write the payload to a content-named file the app serves statically; return it with its URL.

    Why: Streamlit re-sends a component's arguments on every rerun, so a layer embedded in the
    map script would travel again with each filter change; fetched once by URL it is sent once
    and cached by the browser. Older payload files in ``folder`` are removed.
    """
    return replace(payload, url=publish_text(payload.js, folder, url_prefix, "projects"))


def publish_text(text: str, folder: Path, url_prefix: str, stem: str) -> str:
    """Write ``text`` to ``folder/<stem>-<content hash>.json`` (once) and return its URL under
    ``url_prefix``; the eight newest files of that stem are kept. A new content gets a new name,
    so a browser's cached copy is never stale."""
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
    name = f"{stem}-{digest}.json"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if not target.exists():  # unique temporary name: two sessions may publish at once
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, delete=False) as f:
            f.write(text)
        Path(f.name).replace(target)
    stale = sorted(folder.glob(f"{stem}-*.json"), key=lambda p: p.stat().st_mtime)[:-8]
    for old in stale:
        old.unlink(missing_ok=True)
    return f"{url_prefix}/{name}"


def _encode_geometries(geoms: np.ndarray, decimals: np.ndarray) -> list:
    """:func:`_encode_geometry` of each geometry, with ``decimals`` each: points, lines and
    polygons in bulk (one coordinate array for all, split afterwards), multi-part ones singly.
    At 100 000 projects one by one took about a second of a server's first read."""
    out: list = [None] * len(geoms)
    types = shapely.get_type_id(geoms) if len(geoms) else np.zeros(0, dtype=int)
    bulk = ~shapely.is_empty(geoms) if len(geoms) else np.zeros(0, dtype=bool)
    for type_id in (0, 1, 3):  # Point, LineString, Polygon
        rows = np.flatnonzero((types == type_id) & bulk)
        if not rows.size:
            continue
        if type_id == 3:
            rings, owner = shapely.get_rings(geoms[rows], return_index=True)
        else:
            rings, owner = geoms[rows], np.arange(rows.size)
        parts = _delta_parts(rings, decimals[rows][owner], single=type_id == 0)
        if type_id == 3:
            grouped: list[list] = [[] for _ in rows]
            for o, part in zip(owner.tolist(), parts, strict=True):
                grouped[o].append(part)
            parts = grouped
        for n, part in zip(rows.tolist(), parts, strict=True):
            out[n] = part
    for n in np.flatnonzero(~np.isin(types, (0, 1, 3)) | ~bulk).tolist():
        out[n] = _encode_geometry(geoms[n], int(decimals[n]))
    return out


def _delta_parts(parts: np.ndarray, decimals: np.ndarray, single: bool = False) -> list[list[int]]:
    """Each point sequence as flat integer offsets, delta-coded from its first coordinate
    (``single``: every part is one point, so listed in one call)."""
    xy, which = shapely.get_coordinates(parts, return_index=True)
    scale = (10 ** decimals[which]).astype(float)[:, None]
    ints = np.rint((xy - _ORIGIN) * scale).astype(np.int64)
    if single:
        return ints.tolist()
    delta = ints.copy()
    delta[1:] -= ints[:-1]
    starts = np.flatnonzero(np.r_[True, which[1:] != which[:-1]])
    delta[starts] = ints[starts]
    return [p.ravel().tolist() for p in np.split(delta, starts[1:])]


def _encode_geometry(geom: shapely.Geometry, decimals: int) -> list:
    scale = 10**decimals

    def part(coords: np.ndarray) -> list[int]:
        xy = np.rint((coords[:, :2] - _ORIGIN) * scale).astype(np.int64)
        xy[1:] -= xy[:-1].copy()
        return xy.ravel().tolist()

    def polygon(p: shapely.Polygon) -> list[list[int]]:
        return [part(np.asarray(p.exterior.coords))] + [
            part(np.asarray(r.coords)) for r in p.interiors
        ]

    kind = geom.geom_type
    if kind in ("Point", "LineString"):
        return part(np.asarray(geom.coords))
    if kind == "Polygon":
        return polygon(geom)
    if kind in ("MultiPoint", "MultiLineString"):
        return [part(np.asarray(g.coords)) for g in geom.geoms]
    return [polygon(g) for g in geom.geoms]
