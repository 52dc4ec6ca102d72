"""The committed catalog against a fresh build, and the invariants every record keeps."""

from __future__ import annotations

import json
import re

import shapely
from shapely.geometry import shape

from geo import places
from geo.boundaries import load_outline
from geo.catalog import build_features
from projects import store, vocab
from projects.sources import read_lines


def _squeeze(text: str) -> str:
    return "".join(text.split())


def test_committed_catalog_equals_a_fresh_build(seeds):
    committed = store.catalog_path().read_text(encoding="utf-8")
    fresh = store.rebuilt_text(build_features(seeds))
    assert committed == fresh, "data/projects.geojson is stale: run `make catalog` and commit it"


def test_every_record_is_complete_and_in_its_vocabularies():
    features = store.load()
    assert len(features) > 300
    ids = [f["properties"]["id"] for f in features]
    assert len(ids) == len(set(ids))
    for f in features:
        p = f["properties"]
        assert p["name"] and p["sector"] in vocab.SECTORS, p["id"]
        assert p["status"] in vocab.ALL_STATUSES, p["id"]
        assert vocab.MIN_YEAR <= p["start_year"] <= p["end_year"] <= vocab.MAX_YEAR, p["id"]
        assert p["precision"] is None or p["precision"] in vocab.PRECISIONS, p["id"]
        assert p["sources"], p["id"]
        if p["district"] != "沙坪坝区":
            assert p["zone"] == vocab.OUTSIDE, p["id"]


def test_every_source_line_contains_the_name_or_an_alias(seeds):
    lines = {d.file: read_lines(d.file, seeds) for d in vocab.DOCUMENTS}
    for f in store.load():
        p = f["properties"]
        # 004 breaks lines and spaces Latin runs inside names ("江北国际机场 T3B 航站"): compare
        # without white space.
        # Where a list or a line break splits the name, the source keeps the verbatim words as
        # its "form".
        for src in p["sources"]:
            forms = [_squeeze(form) for form in (p["name"], *p["aliases"], src.get("form") or "")]
            text = _squeeze(lines[src["doc"]][src["line"] - 1])
            assert any(form and form in text for form in forms), (p["id"], src)


def test_placed_in_district_projects_lie_in_the_outline_and_carry_their_basis():
    outline = load_outline().buffer(1e-6)
    in_district = [f for f in store.load() if f["properties"]["district"] == "沙坪坝区"]
    placed = [f for f in in_district if f["properties"]["precision"]]
    assert len(placed) >= 0.95 * len(in_district)
    for f in placed:
        p = f["properties"]
        assert p["geo_basis"], p["id"]
        if f["geometry"] is not None:
            geom = shape(f["geometry"])
            assert shapely.is_valid(geom) and not geom.is_empty, p["id"]
            assert geom.intersects(outline), p["id"]
        else:
            assert f["geometry"] is None and places.resolve(p["place_id"]), p["id"]
    for f in in_district:
        if not f["properties"]["precision"]:
            assert f["geometry"] is None and f["properties"]["place_id"] is None


def test_no_project_copies_a_place_and_no_two_share_a_geometry():
    """A reference-level position names its place and copies no shape, not even a point: the
    15 projects named after 磁器口's hills and streets, once 15 copies of its point, refer to
    磁器口, whose point is kept once, in the gazetteer. No two own geometries are the same, and
    none is a gazetteer place's point."""
    features = store.load()
    copies = [
        f["properties"]["id"]
        for f in features
        if f["geometry"] is not None
        and (
            f["properties"]["precision"] not in vocab.OWN_PRECISIONS or f["properties"]["place_id"]
        )
    ]
    assert copies == []
    shared: dict[str, list[str]] = {}
    for f in features:
        if f["geometry"] is not None:
            key = json.dumps(f["geometry"], sort_keys=True)
            shared.setdefault(key, []).append(f["properties"]["id"])
    assert [ids for ids in shared.values() if len(ids) > 1] == []
    points = {
        json.dumps(list(p.geometry.coords[0]))
        for p in places.load_gazetteer().places
        if p.geometry.geom_type == "Point"
    }
    own_points = [
        f["properties"]["id"]
        for f in features
        if f["geometry"] is not None
        and f["geometry"]["type"] == "Point"
        and json.dumps(f["geometry"]["coordinates"]) in points
        # the project's own point, which a gazetteer point stands in for (新桥社区卫生服务中心:
        # the 镇街 seat proxies are the centres' own points), says so
        and "本身的点位" not in f["properties"]["geo_basis"]
    ]
    assert own_points == []
    at = [
        p
        for p in (f["properties"] for f in features)
        if p["place_id"] == "P048" and p["precision"] == "approximate"
    ]
    assert places.resolve("P048").name == "磁器口" and len(at) >= 15


def _by_id() -> dict[str, dict]:
    return {f["properties"]["id"]: f["properties"] for f in store.load()}


def test_a_zone_level_project_says_what_placed_it_in_its_zone_not_geometry():
    """A project known only by its zone said 「几何：位置（分区级）落在西」: circular, since its
    position is that zone. Its zone basis now names the placement that put it there."""
    records = _by_id()
    zone_level = [p for p in records.values() if p["precision"] == "zone"]
    assert len(zone_level) > 40
    for p in zone_level:
        basis = p["zone_basis"] or ""
        assert not basis.startswith("几何"), (p["id"], basis)
        assert basis.startswith(("文中：", "定位：")), (p["id"], basis)
        assert "只知在" not in basis and "示意分区" not in basis, (p["id"], basis)
    # a 人工核定 row of data/placements.csv, with the document lines it rests on
    assert records["SPB-0022"]["zone_basis"] == "定位：人工核定（据十四五规划第 665、711 行）"
    assert records["SPB-0021"]["zone_basis"] == (
        "定位：人工核定（据双城行动方案第 31、147 行，十四五规划第 711 行）"
    )
    # a place named in the name, with the line that says where it is
    assert records["SPB-0106"]["zone_basis"] == (
        "定位：名称“佛罗伦萨小镇二期”是“佛罗伦萨小镇”的别称：西部新城商圈的奥特莱斯小镇"
        "（十四五规划第 619 行）；位置未知"
    )
    # a place drawn at a smaller one: the basis says where, and no longer claims a zone its
    # position does not lie in (青木湖 read 「只知在西部」 beside 片区 中)
    qingmu = records["SPB-0522"]
    assert qingmu["zone"] == "中" and "画在青木关镇" in qingmu["zone_basis"]
    assert "西部" not in qingmu["geo_basis"]
    assert records["SPB-0377"]["zone_basis"].startswith("定位：名称含地名“科学城”")
    # 几何 is kept where a position of its own, or a place smaller than a zone, put it there
    geometric = [p for p in records.values() if str(p["zone_basis"]).startswith("几何")]
    assert geometric and {p["precision"] for p in geometric} <= {
        "exact",
        "approximate",
        "area",
        "township",
    }


def test_a_staff_move_leaves_a_zone_the_placement_gave_and_says_so():
    """A zone-level project staff later place by hand keeps its zone (the placement's evidence,
    a document line or a curator's reading, is not undone by a point), with a note, as a zone
    from the text does; a zone worked out from a position of its own follows the move."""
    records = _by_id()
    curated = records["SPB-0022"]  # 人工核定 to 西 by 十四五规划第 665、711 行
    assert curated["zone"] == "西" and not store.zone_rests_on_position(curated)
    east = ("东", ("东",))
    moved = {**curated}
    assert store.followed_zone(curated, moved, {"type": "Point"}, east, "b") == {}
    assert store.zone_note(curated, east).startswith(
        "新位置在东片区，片区仍为「西」（片区依据：定位："
    )
    own = next(
        p for p in records.values() if p["precision"] == "approximate" and p["zone"] in vocab.ZONES
    )
    assert store.zone_rests_on_position(own)
    other = next(z for z in vocab.ZONES if z != own["zone"])
    follows = store.followed_zone(own, {**own}, {"type": "Point"}, (other, (other,)), "b")
    assert follows["zone"] == other


#: A basis that says one thing twice: a name then the same name in brackets (名称含地名“重庆大学”
#: （重庆大学）), a label repeated inside its own bracket (GeoNames 点位（GeoNames 点位“Cuntan”…）),
#: a document named again for its next line (十四五规划第 665 行、十四五规划第 711 行), the same
#: line cited twice, 「文中」 twice, or 区外 said twice.
_REPEATS = (
    re.compile(r"“([^“”]+)”（\1）"),
    re.compile(r"([^（）“”，；：、]{4,})（\1"),
    re.compile(
        r"((?:十四五规划|双城行动方案|政府工作报告|十项行动方案|重庆市行动方案)第 [\d、–]+ 行)、[^，；）]*\1"
    ),
    re.compile(
        r"(十四五规划|双城行动方案|政府工作报告|十项行动方案|重庆市行动方案)第[^，；）]*、\1第"
    ),
    re.compile(r"\b(\d{3}:\d+)\b.*\b\1\b"),
    re.compile(r"文中：(?:\S+ )?文中“"),
    re.compile(r"（区外）[^；]*；区外；"),
)


def test_no_basis_repeats_itself():
    doubled = [
        (p["id"], field, p[field])
        for p in (f["properties"] for f in store.load())
        for field in ("geo_basis", "zone_basis")
        if any(r.search(str(p[field] or "")) for r in _REPEATS)
    ]
    assert doubled == []
    # the checks find what the QA pass found
    for text in (
        "名称含地名“寸滩”（寸滩）：江北区；GeoNames 点位（GeoNames 点位“Cuntan”：北纬 29.6）",
        "人工核定（据十四五规划第 665 行、十四五规划第 711 行）",
        "文中：001:534 文中“打造嘉陵江科技创新带”一段（001:534 打造…）",
        "渝中区（区外）袁家岗主校区；区外；凭一般地理知识",
    ):
        assert any(r.search(text) for r in _REPEATS), text
