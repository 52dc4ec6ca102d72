"""The history's change tables on real edits of the committed catalog: every value whole, every
code by its Chinese label (precision, method, place, flags, amounts, positions)."""

from __future__ import annotations

import re

import pytest

from geo.boundaries import load_outline
from geo.places import place_name
from projects import clock, store, vocab
from projects.store import users
from ui.edit import change_table, entry_heading, value_text

PASSWORD = "歌乐山-2025-pw"
#: Longer than any shortened message (40 characters), with punctuation that must stay as typed.
NOTES = (
    "（二期）2026-2028 年：" + "沿线排水管网改造与道路绿化同步实施，" * 4 + "详见区住建委 3 号函。"
)


@pytest.fixture
def editor(catalog_copy, tmp_path, monkeypatch) -> users.Editor:
    monkeypatch.setenv("SHAPINGBA_USERS", str(tmp_path / "users.json"))
    users.add_user("zhao", PASSWORD, rounds=4)
    return users.authenticate("zhao", PASSWORD)


def _district_project() -> dict:
    """A project of the real catalog known only to lie in the district (no position of its own)."""
    for feature in store.load():
        props = feature["properties"]
        if props.get("precision") == "district" and not props.get("deleted"):
            return props
    raise AssertionError("the committed catalog has no district-level project")


def test_a_placement_reads_in_words_with_every_value_whole(editor):
    props = _district_project()
    point = load_outline().representative_point()
    where = {"type": "Point", "coordinates": [round(point.x, 6), round(point.y, 6)]}
    changes = {"geometry": where, "notes": NOTES, "investment": 12500.0, "status": "建成"}
    store.save(
        editor,
        props["id"],
        changes,
        expected_version=props.get("version", 1),
        reason="现场核实",
        outline=load_outline(),
    )
    [entry] = store.history(props["id"])
    table = change_table(entry["changes"])
    rows = {r[0]: (r[1], r[2]) for r in table.to_numpy().tolist()}

    assert rows["状态"] == (props["status"], "建成")
    assert rows["备注"] == (value_text("notes", props.get("notes")), NOTES)
    assert rows["投资"] == ("（空）", "1.25 亿元")  # the value carries its unit
    assert rows["定位精度"] == (
        vocab.PRECISION_LABELS["district"],
        vocab.PRECISION_LABELS["manual"],
    )
    assert rows["定位方法"] == (
        vocab.GEO_METHOD_LABELS["district"],
        vocab.GEO_METHOD_LABELS["manual"],
    )
    assert rows["所在地名"] == (place_name(props["place_id"]), "（空）")
    # the point in the words the sidebar and the form use for the clicked point
    assert rows["位置"] == ("（空）", f"点：东经 {point.x:.5f}°，北纬 {point.y:.5f}°")
    before, after = rows["状态沿革（增减的条目）"]
    assert before == "（无）" and after.startswith(f"{clock.today().year} 年：建成 — ")
    # No code, no Python value, no shortened text anywhere.
    cells = " ".join(" ".join(r) for r in table.to_numpy().tolist())
    assert not re.search(r"district|manual|None|True|False|…", cells)
    assert props["place_id"] not in cells
    assert entry_heading(entry).startswith("版本 2 · ") and entry_heading(entry).endswith(
        " · zhao · 修改"
    )


def test_a_delete_and_a_restore_read_as_yes_and_no(editor):
    props = _district_project()
    store.delete(editor, props["id"], expected_version=props.get("version", 1), reason="重复")
    store.restore(editor, props["id"], expected_version=props.get("version", 1) + 1)
    deleted, restored = store.history(props["id"])
    assert change_table(deleted["changes"]).to_numpy().tolist() == [["已删除", "否", "是"]]
    assert change_table(restored["changes"]).to_numpy().tolist() == [["已删除", "是", "否"]]


def test_values_of_every_kind_read_in_words():
    line = {"type": "LineString", "coordinates": [[106.4, 29.5], [106.41, 29.51], [106.42, 29.5]]}
    parts = {"type": "MultiPolygon", "coordinates": [[[[0, 0], [1, 0], [0, 1], [0, 0]]]] * 2}
    assert value_text("geometry", line) == "线（3 个节点）"
    assert value_text("geometry", parts) == "2 个面（共 8 个节点）"
    assert value_text("precision", None) == vocab.UNPLACED_LABEL
    assert value_text("years_basis", "period") == vocab.YEARS_BASIS_LABELS["period"]
    assert value_text("aliases", ["磁器口", "瓷器口"]) == "磁器口、瓷器口"
    assert value_text("place_id", "no-such-place") == "未知地名（编号 no-such-place）"
    assert value_text("start_year", 2025) == "2025"
    doc = vocab.DOCUMENTS[0]
    sources = [{"doc": doc.file, "section": "专栏1", "line": 12}]
    table = change_table({"sources": [[], sources]})
    assert table.to_numpy().tolist() == [
        ["来源（增减的条目）", "（无）", f"《{doc.title}》 专栏1 第 12 行"]
    ]
