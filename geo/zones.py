"""Which 东中西 zone a geometry lies in: 东, 中, 西, 跨区 (with the zones crossed) or 区外.

A point takes the zone that covers it; on a divider it takes the first such zone in
``vocab.ZONES`` order, so a point is never 跨区. A line counts a zone when at least
``LINE_MIN_SHARE`` of its in-district length lies there. A polygon is mostly a named area drawn
as schematically as the dividers themselves (both 1–2 km): it counts a zone only when at least
``AREA_MIN_SHARE`` of its in-district area lies there, so 国际物流城 drawn up the flank of 中梁山
stays 西 while an area really split between two zones is 跨区. ``zones`` lists the
东/中/西 zones the geometry lies in (one, or several for 跨区; empty when 区外 or unplaced).

>>> zone_of(shapely.Point(106.456, 29.557))  # 三峡广场
('东', ['东'])
>>> zone_of(shapely.Point(104.066, 30.657))  # 成都天府广场
('区外', [])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.geometry

from geo.boundaries import load_zones
from geo.crs import WGS84
from projects import vocab

#: Share of a line's length a zone must hold to count as crossed.
LINE_MIN_SHARE = 0.05
#: Share of a polygon's area a zone must hold to count as crossed.
AREA_MIN_SHARE = 1 / 3


def zone_of(
    geom: shapely.Geometry | None, zones: gpd.GeoDataFrame | None = None
) -> tuple[str | None, list[str]]:
    """(zone, zones) of one geometry; (None, []) when there is no geometry to place."""
    if geom is None or geom.is_empty:
        return None, []
    frame = gpd.GeoDataFrame(geometry=[geom], crs=_crs(zones))
    row = assign_zones(frame, zones).iloc[0]
    return row["zone"], list(row["zones"])


def position_zones(
    geometries: Sequence[dict[str, Any] | None], zones: gpd.GeoDataFrame | None = None
) -> list[tuple[str | None, tuple[str, ...]]]:
    """(zone, zones) each GeoJSON geometry (WGS84) lies in, by one spatial join for them all;
    (None, ()) for None. What a staff-set position gives ``projects.store.Edit.position_zone``.

    >>> position_zones([{"type": "Point", "coordinates": [106.456, 29.557]}, None])
    [('东', ('东',)), (None, ())]
    """
    shapes = [None if g is None else shapely.geometry.shape(g) for g in geometries]
    if not shapes:
        return []
    frame = gpd.GeoDataFrame(geometry=gpd.GeoSeries(shapes, crs=WGS84))
    joined = assign_zones(frame, zones)
    return [
        (None, ()) if shape is None else (zone, tuple(zs))
        for shape, zone, zs in zip(shapes, joined["zone"], joined["zones"], strict=True)
    ]


def assign_zones(gdf: gpd.GeoDataFrame, zones: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """A copy of ``gdf`` with columns ``zone`` and ``zones``, by one spatial join to the zones.

    ``sjoin(predicate="intersects")`` yields a feature once per zone it touches; the pairs are
    then weighed by the measure of their intersection and folded back to one row per feature.
    """
    zones = load_zones() if zones is None else zones
    # Positions, not labels, below: a zones frame indexed by zone works as well.
    zones = zones.reset_index() if "zone" not in zones.columns else zones.reset_index(drop=True)
    out = gdf.copy()
    geoms = out.geometry.to_crs(zones.crs) if out.crs and out.crs != zones.crs else out.geometry
    n = len(out)
    result_zone: list[str | None] = [None] * n
    result_zones: list[list[str]] = [[] for _ in range(n)]
    present = ~(geoms.isna() | geoms.is_empty).to_numpy()
    for i in np.flatnonzero(present):
        result_zone[i] = vocab.OUTSIDE
    left = gpd.GeoDataFrame({"_row": np.flatnonzero(present)}, geometry=geoms.values[present])
    pairs = gpd.sjoin(left, zones[["zone", "geometry"]], predicate="intersects", how="inner")
    if len(pairs):
        for row, zs in _zones_per_row(pairs, left, zones).items():
            result_zone[row] = zs[0] if len(zs) == 1 else vocab.CROSS_ZONE
            result_zones[row] = zs
    out["zone"] = pd.Series(result_zone, index=out.index, dtype=object)
    out["zones"] = pd.Series(result_zones, index=out.index, dtype=object)
    return out


def _zones_per_row(
    pairs: gpd.GeoDataFrame, left: gpd.GeoDataFrame, zones: gpd.GeoDataFrame
) -> dict[int, list[str]]:
    """{input row: zones it lies in, in vocab order} from the (feature, zone) pairs of a join."""
    geom = left.geometry.values[pairs.index.to_numpy()]
    zone_geom = zones.geometry.values[pairs["index_right"].to_numpy()]
    dim = shapely.get_dimensions(geom)
    piece = shapely.intersection(geom, zone_geom)
    points = shapely.get_num_geometries(piece) * ~shapely.is_empty(piece)
    measure = np.where(
        dim == 2, shapely.area(piece), np.where(dim == 1, shapely.length(piece), points)
    )
    # A line lying along a divider (or a polygon touching one) meets a zone in nothing of its
    # own dimension: measure 0, so that zone does not count.
    order = {z: i for i, z in enumerate(vocab.ZONES)}
    frame = pd.DataFrame(
        {
            "row": pairs["_row"].to_numpy(),
            "zone": pairs["zone"].to_numpy(),
            "rank": pairs["zone"].map(order).to_numpy(),
            "dim": dim,
            "single_point": shapely.get_type_id(geom) == 0,
            "measure": measure,
        }
    )
    frame["share"] = frame["measure"] / frame.groupby("row")["measure"].transform("sum")
    result: dict[int, list[str]] = {}
    for row, group in frame.sort_values("rank").groupby("row", sort=False):
        if group["single_point"].iloc[0]:
            picked = group["zone"].iloc[:1]  # a point on a divider: the first covering zone
        else:
            least = AREA_MIN_SHARE if group["dim"].iloc[0] == 2 else LINE_MIN_SHARE
            picked = group.loc[group["share"] >= least, "zone"]
            if picked.empty and group["measure"].sum() == 0:
                continue  # touches the district only along its edge: 区外
            if picked.empty:
                picked = group.sort_values("share", ascending=False)["zone"].iloc[:1]
        result[int(row)] = list(picked)
    return result


def _crs(zones: gpd.GeoDataFrame | None):
    return (load_zones() if zones is None else zones).crs
