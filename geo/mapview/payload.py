"""The drawable projects as one compact payload the browser decodes, and its static file.

Encoded once per catalog version and datum, so a filter change never resends geometry (see
:mod:`geo.mapview`). Coordinates are integer offsets, delta-coded along lines and rings.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from geo import crs
from geo.mapview.scripts import js_literal
from geo.mapview.style import PRECISION_CODES, PRECISION_DECIMALS

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
    """The drawable projects, encoded once per catalog version and datum."""

    #: The JavaScript literal embedded in the base map.
    js: str
    #: Project ids in payload order (the state string follows this order).
    ids: tuple[str, ...]
    #: Catalog ids that could not be drawn (no geometry, or precision "none").
    undrawn: tuple[str, ...]
    #: Where the browser fetches ``js`` from (see ``publish``); None embeds it in the page.
    url: str | None = None

    @property
    def index(self) -> dict[str, int]:
        return {pid: i for i, pid in enumerate(self.ids)}


#: Drawing order, bottom to top: zone outlines, areas, lines, points (clicks reach the small).
DRAW_RANK = {"P": 3, "Q": 3, "L": 2, "M": 2, "A": 1, "N": 1}


def drawable(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Which projects the map draws: a geometry and a precision finer than the district."""
    geom = gdf.geometry
    has = geom.notna().to_numpy() & ~geom.is_empty.fillna(True).to_numpy()
    return has & gdf["precision"].isin(list(PRECISION_CODES)).to_numpy()


def encode_projects(gdf: gpd.GeoDataFrame, *, gcj02: bool = False) -> ProjectPayload:
    """Encode every drawable project compactly: ids, names, precision codes and coordinates.

    Coordinates are integers (offsets from a fixed origin at the precision's decimals),
    delta-coded along lines and rings; only what the map needs to draw and label is sent —
    the details panel reads the rest from the catalog on click. Features are ordered so
    outlines and areas lie under lines and points.
    """
    mask = drawable(gdf)
    undrawn = tuple(str(pid) for pid in gdf["id"][~mask])
    rows = []
    for pid, name, precision, geom in zip(
        gdf["id"][mask], gdf["name"][mask], gdf["precision"][mask], gdf.geometry[mask], strict=True
    ):
        kind = _KINDS.get(geom.geom_type)
        if kind is None:  # a GeometryCollection: not drawn, listed
            undrawn += (str(pid),)
            continue
        code = PRECISION_CODES[precision]
        rank = 0 if code == "z" and kind in "AN" else DRAW_RANK[kind]
        rows.append((rank, str(pid), str(name or pid), code, kind, geom))
    rows.sort(key=lambda r: r[0])
    if gcj02 and rows:
        shifted = [crs.geometry_to_gcj02(r[5]) for r in rows]
        rows = [(*r[:5], g) for r, g in zip(rows, shifted, strict=True)]
    data = {
        "o": _ORIGIN,
        "id": [r[1] for r in rows],
        "n": [r[2] for r in rows],
        "p": "".join(r[3] for r in rows),
        "k": "".join(r[4] for r in rows),
        "g": [_encode_geometry(r[5], PRECISION_DECIMALS[r[3]]) for r in rows],
    }
    return ProjectPayload(js_literal(data), tuple(data["id"]), undrawn)


def publish(payload: ProjectPayload, folder: Path, url_prefix: str) -> ProjectPayload:
    """Write the payload to a content-named file the app serves statically; return it with its URL.

    Why: Streamlit re-sends a component's arguments on every rerun, so a layer embedded in the
    map script would travel again with each filter change; fetched once by URL it is sent once
    and cached by the browser. Older payload files in ``folder`` are removed.
    """
    digest = hashlib.sha1(payload.js.encode("utf-8")).hexdigest()[:16]
    name = f"projects-{digest}.json"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if not target.exists():  # unique temporary name: two sessions may publish at once
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, delete=False) as f:
            f.write(payload.js)
        Path(f.name).replace(target)
    stale = sorted(folder.glob("projects-*.json"), key=lambda p: p.stat().st_mtime)[:-8]
    for old in stale:
        old.unlink(missing_ok=True)
    return replace(payload, url=f"{url_prefix}/{name}")


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
