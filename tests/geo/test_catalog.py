"""The committed catalog against a fresh build, and the invariants every record keeps."""

from __future__ import annotations

import json

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
        if p["precision"] in vocab.OWN_PRECISIONS:
            geom = shape(f["geometry"])
            assert shapely.is_valid(geom) and not geom.is_empty, p["id"]
            assert geom.intersects(outline), p["id"]
        else:
            assert f["geometry"] is None and places.resolve(p["place_id"]), p["id"]
    for f in in_district:
        if not f["properties"]["precision"]:
            assert f["geometry"] is None and f["properties"]["place_id"] is None


def test_no_project_copies_a_place_and_shared_geometries_say_why():
    """A reference-level position names its place and copies no shape; where two projects share
    an own geometry, each basis says which place they share (the same gazetteer point)."""
    features = store.load()
    copies = [
        f["properties"]["id"]
        for f in features
        if f["geometry"] is not None and f["properties"]["precision"] not in vocab.OWN_PRECISIONS
    ]
    assert copies == []
    shared: dict[str, list[dict]] = {}
    for f in features:
        if f["geometry"] is not None:
            shared.setdefault(json.dumps(f["geometry"], sort_keys=True), []).append(f["properties"])
    for group in shared.values():
        if len(group) > 1:
            for p in group:
                assert p["geo_matched"] and p["geo_matched"] in p["geo_basis"], p["id"]
