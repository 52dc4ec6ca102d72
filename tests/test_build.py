"""The catalog build against the real documents: merges, status history, sources, stable ids."""

from __future__ import annotations

import re

import pytest

from projects.build import build_records, merge_key
from projects.schema import FIELDS
from projects.sources import read_lines
from projects.vocab import ALL_STATUSES, DOCUMENTS, SECTORS


@pytest.fixture(scope="module")
def records(seeds):
    return build_records(seeds)


def by_name(records, name):
    hits = [r for r in records if r["name"] == name or name in r["aliases"]]
    assert hits, f"{name} not in the catalog"
    return hits[0]


def test_every_record_has_the_schema_fields_and_required_values(records):
    for r in records:
        assert set(r) == set(FIELDS), r["name"]
        assert r["sector"] in SECTORS, r["name"]
        assert r["status"] in ALL_STATUSES, r["name"]
        assert isinstance(r["start_year"], int) and isinstance(r["end_year"], int), r["name"]
        assert r["start_year"] <= r["end_year"], r["name"]
        assert r["sources"], r["name"]
        assert r["geo_method"] == "none" and r["precision"] == "none"


def test_every_source_line_contains_the_name_or_an_alias(records, seeds):
    lines = {d.file: read_lines(d.file, seeds) for d in DOCUMENTS}
    for r in records:
        forms = [re.sub(r"\s+", "", f) for f in [r["name"], *r["aliases"]]]
        for s in r["sources"]:
            text = re.sub(r"\s+", "", lines[s["doc"]][s["line"] - 1])
            assert any(f in text for f in forms), (r["name"], s)


def test_ids_are_unique_and_stable_across_builds(records, seeds, tmp_path):
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    again = build_records(seeds)
    assert [(r["id"], r["name"]) for r in again] == [(r["id"], r["name"]) for r in records]


def test_merge_key_joins_forms_of_one_project():
    assert merge_key("重庆国际物流城") == merge_key("国际物流城")
    assert merge_key("西永污水处理厂扩建工程") == merge_key("西永污水处理厂")
    assert merge_key("重庆西站TOD一期") != merge_key("西站TOD二期")
