"""Give every catalog record a position, its precision and its zone; drop none.

For each record, the first of these that answers is used:

1. ``curated``: a row of ``data/placements.csv`` for its id or name (a gazetteer place, or a
   WKT geometry with its own precision and basis), each with a ``why``.
2. The geocoder on its name, then on its aliases (``geo.places.geocode``).
3. ``section``: the heading the documents list it under names a place (第二节 重庆国际物流城
   开放引领示范区, 专栏1：西部（重庆）科学城…): that area, or the zone the place lies in. Only
   when the name names no place of its own: a place the gazetteer knows to the district only
   (轨道15号线) stays so, since a heading says where one part of a line is, not where it runs.
4. ``district``: a project of 沙坪坝区 that nothing locates is known to the district only.

The answer becomes one of two kinds of position (``projects.vocab``):

- the record's *own* geometry (exact or approximate: a point or a line that is this project),
  with ``place_id`` null;
- a *reference* to a place (area, 镇街, zone or the district): ``place_id`` names it, the
  geometry stays null, and the place's shape is kept once, in the gazetteer or the zones file
  (:mod:`geo.places.reference`). No record copies an area, zone or district polygon.

A record that nothing places keeps ``geometry: null``, ``place_id`` null and precision null, and
is listed by ``python -m geo.places.placement``. ``zone`` comes from the position
(:func:`zone_from_position`), except that a district-level position says nothing about the zone
(``None``) and a record of another district is always 区外. Every ``geo_basis`` is a Chinese
sentence with short citations.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from collections import Counter
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import mapping

from geo.boundaries import METRIC_CRS, load_outline
from geo.crs import WGS84, transformer
from geo.places.gazetteer import Gazetteer, Place, load_gazetteer
from geo.places.geocode import GeocodeResult, geocode, place_result, zone_result
from geo.places.reference import (
    DISTRICT_ID,
    ZONE_BASIS,
    reference_id,
    resolve,
    zone_from_position,
    zone_id,
)
from geo.zones import assign_zones, zone_of
from projects import vocab
from projects.errors import BadFile
from projects.sources import ROOT, citations, read_lines

PLACEMENTS_PATH = ROOT / "data" / "placements.csv"
COLUMNS: tuple[str, ...] = ("key", "place", "wkt", "precision", "basis", "why")
HOME = "沙坪坝区"
DIGITS = 7

#: A geocoded point of a 沙坪坝区 project that falls this close outside the outline (a
#: riverside place drawn in the 嘉陵江) is moved onto the outline; farther out it is refused.
SNAP_METRES = 500.0
#: Precisions that say where in the district a project is (the zone follows from them).
LOCATING: tuple[str, ...] = (*vocab.OWN_PRECISIONS, "area", "township", "zone")
#: What a record of another district may take from the gazetteer: positions, not 沙坪坝's
#: district outline or zones.
OUTSIDE_OK: tuple[str, ...] = ("exact", "approximate", "area")

_RANK = {p: i for i, p in enumerate(vocab.PRECISIONS)}
#: A clause opening with one of these lists partners of the district, not parts of it
#: (与礼嘉半岛、大竹林半岛…协同联动; 联动长嘉汇大景区、广阳岛…; 加快与快速路二横线…).
_LINK_WORDS = re.compile(r"^.{0,4}?(?:与|联动|衔接|对接|融入|辐射|对标)")
_HEADING_NUMBER = re.compile(
    r"^(?:专栏\d+[:：]|第[一二三四五六七八九十百]+[章节篇]|[（(]?[0-9一二三四五六七八九十]+[）)、.．])\s*"
)


def read_placements(path: Path = PLACEMENTS_PATH) -> dict[str, dict[str, str]]:
    """Curated placements by project id or name; each row is checked (Chinese errors name it)."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(row for row in fh if not row.startswith("#"))
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise BadFile(f"{path.name} 缺少列 {missing}（应有 {list(COLUMNS)}）")
        rows = [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]
    out: dict[str, dict[str, str]] = {}
    for number, row in enumerate(rows, start=2):
        where = f"{path.name} 第 {number} 行"
        if not row["key"] or not row["why"]:
            raise BadFile(f"{where}：key 与 why 必填")
        if bool(row["place"]) == bool(row["wkt"]):
            raise BadFile(f"{where}：place 与 wkt 须且只须填一项")
        if row["precision"] and row["precision"] not in vocab.PRECISIONS:
            raise BadFile(f"{where}：precision {row['precision']!r} 不在 {list(vocab.PRECISIONS)}")
        if row["wkt"]:
            if not row["precision"] or not row["basis"]:
                raise BadFile(f"{where}：用 wkt 定位时 precision 与 basis 必填")
            if row["precision"] not in vocab.OWN_PRECISIONS:
                raise BadFile(
                    f"{where}：wkt 是项目自身的几何，precision 应为 {list(vocab.OWN_PRECISIONS)} 之一"
                    "（片区、镇街、分区和全区请用 place 引用地名）"
                )
            try:
                geom = shapely.from_wkt(row["wkt"])
            except shapely.errors.GEOSException as exc:
                raise BadFile(f"{where}：wkt 无法解析（{exc}）") from exc
            if geom.is_empty or not geom.is_valid:
                raise BadFile(f"{where}：wkt 几何为空或无效")
        if row["key"] in out:
            raise BadFile(f"{where}：{row['key']} 重复")
        out[row["key"]] = row
    return out


def place_records(
    records: list[dict[str, Any]],
    curated: dict[str, dict[str, str]] | None = None,
    gazetteer: Gazetteer | None = None,
) -> list[dict[str, Any]]:
    """GeoJSON Feature dicts, one per record and in the same order, with position fields filled."""
    curated = read_placements() if curated is None else curated
    gaz = load_gazetteer() if gazetteer is None else gazetteer
    features = []
    for record in records:
        props = dict(record)
        home = props.get("district", HOME) in (HOME, None, "")
        found = _curated(props, curated, gaz)
        if found is None:
            found = _geocoded(props, gaz, home)
            if home and (found is None or _only_the_district(found)):
                found = _from_section(props, gaz) or found or _district(props, gaz)
        geometry, fields = position(found, gaz)
        props.update(fields)
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    _fill_zones(features, gaz)
    return features


def point_reference(place: Place | None, geometry: shapely.Geometry) -> bool:
    """Whether an answer at a gazetteer place's point is a reference to that place: the point
    is the place's (a 沙坪坝站, a campus, 磁器口), not the project's own, so several projects
    named after one place share it by its id. A line or an area drawn as the place's (沙滨路,
    the 轨道9号线 sketch) and a point moved onto the district's edge stay the record's own."""
    return (
        place is not None
        and bool(place.id)
        and place.geometry.geom_type == "Point"
        and shapely.equals_exact(place.geometry, geometry, tolerance=0)
    )


def position(
    found: GeocodeResult | None, gazetteer: Gazetteer | None = None
) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """(GeoJSON geometry or None, position fields) for a geocoder answer.

    An exact or approximate answer is the record's own geometry; anything vaguer becomes a
    reference to the place (area, 镇街), the zone or the district, with a null geometry.
    """
    gaz = load_gazetteer() if gazetteer is None else gazetteer
    if found is None:
        empty = {"precision": None, "place_id": None, "geo_method": "none", "geo_basis": ""}
        return None, {**empty, "geo_matched": None}
    fields = {
        "precision": found.precision,
        "place_id": None,
        "geo_method": found.method,
        "geo_basis": found.basis,
        "geo_matched": found.matched_name,
    }
    place = found.matched if not isinstance(found.matched, str) else None
    if found.precision in vocab.OWN_PRECISIONS:
        if point_reference(place, found.geometry):
            # 凤凰山创意园 and 14 more named after 磁器口's hills and streets: each is near
            # 磁器口, none is at its point, so the point stays once, in the gazetteer.
            fields["place_id"] = reference_id(place, gaz)
            return None, fields
        return _rounded(found.geometry), fields
    if found.precision in ("area", "township") and place is not None:
        fields["place_id"] = reference_id(place, gaz) if found.precision == "area" else place.id
        return None, fields
    zone, _ = zone_of(found.geometry) if found.precision == "zone" else (None, [])
    if zone in vocab.ZONES:
        fields.update(precision="zone", place_id=zone_id(zone))
        name = resolve(zone_id(zone), gaz).name
        if "只知在" not in found.basis:
            fields["geo_basis"] = f"{found.basis}；只知在{name}"
    else:
        fields.update(precision="district", place_id=DISTRICT_ID)
        if found.precision == "zone":
            fields["geo_basis"] = f"{found.basis}；跨越几个分区，只知在{HOME}"
    return None, fields


# --- the steps ---------------------------------------------------------------------------------


def _curated(props, curated, gaz) -> GeocodeResult | None:
    # by id, else by name, else by a name the record also goes by: a row keyed by the spelling of
    # one line (量子通信器件联合重点实验室, 001:701) still places the record named by another (001:540)
    keys = [props.get("id"), props.get("name"), *(props.get("aliases") or [])]
    row = next((curated[str(k)] for k in keys if k and str(k) in curated), None)
    if row is None:
        return None
    cites = citations(row["why"])
    lead = f"人工核定（据{cites}）" if cites else "人工核定"
    if row["wkt"]:
        geom = shapely.from_wkt(row["wkt"])
        return GeocodeResult(
            geom, row["precision"], "curated", row["key"], f"{lead}：{row['basis']}"
        )
    place = gaz.by_name(row["place"])
    if place is None:
        raise BadFile(f"placements.csv：{row['key']} 指向的地名“{row['place']}”不在地名库中")
    found = place_result(place, "curated", row["place"], row["precision"] or place.precision)
    basis = f"{lead}，归入地名“{place.name}”：{row['basis'] or place.basis}"
    if found.precision == "zone" and isinstance(found.matched, Place):
        basis = f"{lead}，只知在{_zone_name(found.geometry)}（{ZONE_BASIS}）"
    return GeocodeResult(found.geometry, found.precision, "curated", place, basis)


def _zone_name(geom: shapely.Geometry) -> str:
    zone, _ = zone_of(geom)
    ref = resolve(zone_id(zone)) if zone in vocab.ZONES else None
    return ref.name if ref else "区内"


def _geocoded(props, gaz, home: bool) -> GeocodeResult | None:
    """The geocoder's answer for the name; the aliases are asked only when the name gives
    nothing or only the district (an alias is a second spelling, not a better one)."""
    answer = None
    for name in [props.get("name") or "", *(props.get("aliases") or [])]:
        result = geocode(name, gaz)
        if result is not None and home:
            result = _inside(result)
        if result is None or (not home and result.precision not in OUTSIDE_OK):
            continue
        if answer is None or _RANK[result.precision] < _RANK[answer.precision]:
            answer = result
        if answer.precision != "district":
            break
    return answer


def _only_the_district(result: GeocodeResult) -> bool:
    """Whether an answer says no more than "in the district" and names no place of its own.

    A named place known only to the district (轨道15号线, G212 …) keeps that honest answer:
    the heading it is listed under says where one part of it is, not where it runs.
    """
    place = result.matched
    return result.precision == "district" and (isinstance(place, str) or place.kind == "district")


def _inside(result: GeocodeResult) -> GeocodeResult | None:
    """A 沙坪坝区 project's position must be in the district: snap a near miss, refuse the rest."""
    outline = load_outline()
    geom = result.geometry
    if geom.intersects(outline):
        return result
    if geom.geom_type != "Point":
        return None
    on_edge = shapely.ops.nearest_points(outline, geom)[0]
    metres = _metres(geom, on_edge)
    if metres > SNAP_METRES:
        return None
    precision = (
        result.precision if _RANK[result.precision] >= _RANK["approximate"] else "approximate"
    )
    basis = f"{result.basis}（原位置在区界外约 {metres:.0f} 米，已移至区界上）"
    return GeocodeResult(on_edge, precision, result.method, result.matched, basis)


def _from_section(props, gaz) -> GeocodeResult | None:
    """The place a record's section heading names: its area, or the zone it lies in.

    Not when the line names the project as a partner to link with (与礼嘉半岛…协同联动,
    联动长嘉汇大景区): those lie elsewhere.
    """
    for source in props.get("sources") or []:
        section = source.get("section") or ""
        if _linked(source, props.get("name") or ""):
            continue
        for part in section.split("/"):
            if part.strip().startswith(_NO_ZONE_HEADINGS):
                continue
            heading = _HEADING_NUMBER.sub("", part.strip())
            result = geocode(heading, gaz) if heading else None
            if result is None or result.precision == "district":
                continue
            where = citations(f"{source.get('doc', '')[:3]}:{source.get('line', '')}")
            why = f"列于“{part.strip()}”之下（{where}）"
            polygon = result.geometry.geom_type.endswith("Polygon")
            if result.precision in ("area", "township") and (polygon or result.precision != "area"):
                basis = f"{why}，{result.basis}"
                return GeocodeResult(
                    result.geometry, result.precision, "section", result.matched, basis
                )
            zone, _ = zone_of(result.geometry)
            if zone in vocab.ZONES:
                z = zone_result(zone, f"{why}，“{result.matched_name}”在{zone}部")
                return GeocodeResult(z.geometry, "zone", "section", z.matched, z.basis)
    return None


def _linked(source: dict[str, Any], name: str, unknown: bool = True) -> bool:
    """Whether the cited line names ``name`` after a linking word in the same clause;
    ``unknown`` when the line cannot be read."""
    lines = _document_lines(source.get("doc") or "")
    number = source.get("line")
    if not lines or not isinstance(number, int) or not 0 < number <= len(lines):
        return unknown
    line = lines[number - 1]
    at = line.find(name)
    if at < 0:
        return False  # the name was shortened by the extractor; nothing to go on
    clause = re.split(r"[，。；：,;:]", line[:at])[-1]
    return bool(_LINK_WORDS.match(clause))


@cache
def _document_lines(doc: str) -> tuple[str, ...]:
    try:
        return tuple(read_lines(doc))
    except OSError:
        return ()


def _district(props, gaz) -> GeocodeResult | None:
    """The district itself, unless every line names the project only as a partner elsewhere."""
    place = gaz.by_name(HOME)
    sources = props.get("sources") or []
    name = props.get("name") or ""
    if place is None or (sources and all(_linked(s, name, unknown=False) for s in sources)):
        return None
    basis = f"文件只说明在{HOME}，未给出更具体的位置"
    return GeocodeResult(place.geometry, "district", "district", place, basis)


# --- assembly ----------------------------------------------------------------------------------


def _rounded(geom: shapely.Geometry) -> dict[str, Any]:
    return mapping(shapely.transform(geom, lambda xy: np.round(xy, DIGITS)))


#: A heading that is no fact about where its items are: 专栏1 lists 三峡广场 (east) and an
#: incubator in 深圳 under 西部（重庆）科学城 (issue 11), so it places nothing.
_NO_ZONE_HEADINGS = ("专栏1：",)


def _fill_zones(features: list[dict[str, Any]], gaz: Gazetteer) -> None:
    """zone/zones of every feature: what the documents say first (``zone_basis`` 文中…, set by
    projects.records), else the position's (:func:`zone_from_position`): own geometries by one
    spatial join, references by their place; district-level positions and other districts
    excepted."""
    rows, geoms = [], []
    for i, f in enumerate(features):
        props = f["properties"]
        home = props.get("district", HOME) in (HOME, None, "")
        if not home:
            props["zone"], props["zones"], props["zone_basis"] = vocab.OUTSIDE, [], None
            continue
        if str(props.get("zone_basis") or "").startswith("文中") and props.get("zone"):
            continue  # the text wins; the position fills only where it says nothing
        props["zone"], props["zones"], props["zone_basis"] = None, [], None
        if props["precision"] not in LOCATING:
            continue
        if f["geometry"] is not None:
            rows.append(i)
            geoms.append(shapely.geometry.shape(f["geometry"]))
        else:
            zone, zones = _place_zone(props.get("place_id"), gaz)
            _set_zone(props, zone, zones)
    if not rows:
        return
    joined = assign_zones(gpd.GeoDataFrame({"row": rows}, geometry=geoms, crs=WGS84))
    for i, zone, zones in zip(joined["row"], joined["zone"], joined["zones"], strict=True):
        _set_zone(features[i]["properties"], zone, list(zones))


#: How a zone basis resting on the placement (not on a position) begins. It is no position's:
#: projects.store.edits.zone_rests_on_position leaves such a zone where it is when staff place
#: the project by hand, and tells them so, as it does a zone the text states (「文中：」).
PLACEMENT_ZONE_BASIS = "定位："
#: Where a clause of a placement's basis says no more than the zone it found: cut there.
_ZONE_TAIL = re.compile(r"[，；]?只知在.*$|（示意分区.*$")


def _set_zone(props: dict[str, Any], zone: str | None, zones: list[str]) -> None:
    props["zone"], props["zones"] = zone, list(zones)
    if zone not in vocab.ZONES and zone != vocab.CROSS_ZONE:
        return
    if props["precision"] == "zone":
        # its position is the zone itself (「几何：位置（分区级）落在西」 was circular): what put
        # it there is the placement, a 人工核定 row or a place in the name, and where the
        # documents say so
        props["zone_basis"] = PLACEMENT_ZONE_BASIS + placement_reason(props.get("geo_basis"))
        return
    label = vocab.precision_label(props["precision"]).split("（")[0]
    props["zone_basis"] = f"几何：位置（{label}）落在{'、'.join(zones)}"


def placement_reason(geo_basis: Any) -> str:
    """A placement's basis without what it says of the zone it found (「只知在西部现代新城
    （示意分区…）」): what placed the project, and where that is written.

    >>> placement_reason("人工核定（据十四五规划第 665、711 行），只知在西部现代新城（示意分区（…））")
    '人工核定（据十四五规划第 665、711 行）'
    >>> placement_reason("名称含地名“清水溪”：流经磁器口汇入嘉陵江的两条溪之一；河道未画，只知在东部")
    '名称含地名“清水溪”：流经磁器口汇入嘉陵江的两条溪之一；河道未画'
    """
    clauses, depth, start = [], 0, 0
    text = str(geo_basis or "")
    for i, ch in enumerate(text):
        depth += (ch == "（") - (ch == "）")
        if ch == "；" and depth == 0:
            clauses.append(text[start:i])
            start = i + 1
    clauses.append(text[start:])
    kept = [c for c in (_ZONE_TAIL.sub("", c) for c in clauses) if c]
    return "；".join(kept) or "未注明"


@cache
def _place_zone(place_id: str | None, gaz: Gazetteer) -> tuple[str | None, list[str]]:
    zone, zones = zone_from_position(None, place_id, gaz)
    return zone, list(zones)


def _metres(a: shapely.Point, b: shapely.Point) -> float:
    to_m = transformer(WGS84, METRIC_CRS)
    (ax, bx), (ay, by) = to_m.transform([a.x, b.x], [a.y, b.y])
    return float(np.hypot(ax - bx, ay - by))


# --- command line ------------------------------------------------------------------------------


def summary(features: Iterable[dict[str, Any]]) -> str:
    """Counts by precision and method (沙坪坝区 and other districts apart), the share placed at
    approximate or better, the number of distinct positions, then the unplaced."""
    features = list(features)
    lines = []
    for label, home in (("沙坪坝区", True), ("其他区县", False)):
        group = [
            f
            for f in features
            if (f["properties"].get("district", HOME) in (HOME, None, "")) == home
        ]
        props = [f["properties"] for f in group]
        placed = sum(1 for p in props if p["precision"])
        fine = sum(
            1 for p in props if p["precision"] in ("exact", "approximate", "manual", "imported")
        )
        n = len(group) or 1
        lines.append(
            f"{label}: {len(group)} 项，已定位 {placed}（{placed / n:.1%}），"
            f"大致或更精确 {fine}（{fine / n:.1%}）"
        )
        by_precision = Counter(p["precision"] for p in props)
        lines.append(
            "  精度: "
            + "，".join(
                f"{vocab.PRECISION_LABELS[k]} {by_precision[k]}"
                for k in vocab.PRECISIONS
                if by_precision[k]
            )
            + (f"，{vocab.UNPLACED_LABEL} {by_precision[None]}" if by_precision[None] else "")
        )
        own = {json.dumps(f["geometry"], sort_keys=True) for f in group if f["geometry"]}
        places = {p["place_id"] for p in props if p.get("place_id")}
        lines.append(
            f"  不同位置: {len(own) + len(places)}（自身几何 {len(own)}，引用地名 {len(places)}）"
        )
        by_method = Counter(p["geo_method"] for p in props)
        lines.append(
            "  方法: "
            + "，".join(
                f"{vocab.code_label('geo_method', k)} {v}" for k, v in by_method.most_common()
            )
        )
        by_zone = Counter(p["zone"] or "未定" for p in props)
        lines.append("  片区: " + "，".join(f"{k} {v}" for k, v in by_zone.most_common()))
    unplaced = [f["properties"] for f in features if not f["properties"]["precision"]]
    lines.append(f"未定位 {len(unplaced)} 项:")
    lines += [f"  {p.get('id')}  {p.get('name')}  （{p.get('district')}）" for p in unplaced]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    from projects.records import build_records

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=None, help="folder of plan documents")
    args = parser.parse_args(argv)
    print(summary(place_records(build_records(args.seeds))))


if __name__ == "__main__":
    main()
