"""Each validation rule refuses what it should, with a Chinese message naming field and value."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from shapely.geometry import MultiPolygon, mapping

from projects import schema, vocab
from projects.errors import InvalidValue
from projects.schema import empty_properties
from projects.store import validate
from tests.helpers import district_outline


@pytest.fixture(scope="module")
def outline(request):
    return district_outline(request)


def record(**changes):
    props = empty_properties()
    props.update(id="T1", name="测试项目", sector=vocab.SECTORS[0], status="在建")
    props.update(changes)
    return props


def refused(props, fields=None, **kwargs) -> InvalidValue:
    with pytest.raises(InvalidValue) as info:
        validate.check_properties(props, fields, **kwargs)
    return info.value


def test_a_plain_record_passes():
    validate.check_properties(record(start_year=2021, end_year=2025, investment=1200.5))


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("name", "", "为空"),
        ("name", "   ", "为空"),
        ("name", "长" * (validate.MAX_NAME + 1), f"最多 {validate.MAX_NAME}"),
        ("name", 42, "文字"),
        ("start_year", vocab.MIN_YEAR - 1, f"{vocab.MIN_YEAR}–{vocab.MAX_YEAR}"),
        ("end_year", vocab.MAX_YEAR + 1, f"{vocab.MIN_YEAR}–{vocab.MAX_YEAR}"),
        ("start_year", 2020.5, "整数"),
        ("start_year", True, "整数"),
        ("status", "完工", vocab.STATUSES[0]),
        ("sector", "教育", vocab.SECTORS[0]),
        ("zone", "北", vocab.OUTSIDE),
        ("investment", -1.0, "负数"),
        ("investment", float("nan"), "数字"),
        ("investment", "很多", "数字"),
        ("aliases", ["", "别名"], "为空"),
        ("aliases", "别名", "列表"),
        ("notes", "x" * (validate.MAX_TEXT + 1), f"最多 {validate.MAX_TEXT}"),
    ],
)
def test_each_rule_refuses_with_field_value_and_allowed(field, value, words):
    err = refused(record(**{field: value}), [field])
    assert err.field == field
    assert err.project_id == "T1"
    assert err.value is value or (isinstance(value, list) and err.value in value)
    assert words in err.message_zh
    assert err.allowed in err.message_zh
    assert "T1" in err.message_zh


def test_name_at_the_limit_and_html_are_accepted_as_typed():
    validate.check_properties(record(name="长" * validate.MAX_NAME), ["name"])
    validate.check_properties(record(name="<script>alert(1)</script>"), ["name"])


def test_years_at_the_bounds_pass_and_end_before_start_is_refused():
    validate.check_properties(record(start_year=vocab.MIN_YEAR, end_year=vocab.MAX_YEAR))
    err = refused(record(start_year=2025, end_year=2021), ["end_year"])
    assert err.field == "end_year" and "2025" in err.message_zh


def test_only_the_named_fields_are_checked_for_an_existing_record():
    legacy = record(sector=None)  # an extraction quirk must not block a status edit
    validate.check_properties(legacy, ["status"])
    assert refused(legacy, None).field == "sector"
    assert refused(legacy, ["status"], new=True).field == "sector"


def test_every_vocabulary_value_is_accepted():
    for status in vocab.ALL_STATUSES:
        validate.check_properties(record(status=status), ["status"])
    for sector in vocab.SECTORS:
        validate.check_properties(record(sector=sector), ["sector"])
    for zone in (*vocab.ALL_ZONES, None):
        validate.check_properties(record(zone=zone), ["zone"])


def test_status_date_rules():
    assert validate.check_status_date("T1", "2024-06-30") == date(2024, 6, 30)
    for bad in (
        "2024-13-01",
        "昨天",
        None,
        "1989-12-31",
        (date.today() + timedelta(2)).isoformat(),
    ):
        with pytest.raises(InvalidValue) as info:
            validate.check_status_date("T1", bad)
        assert info.value.field == "status"


def test_geometry_inside_passes_and_outside_needs_the_outside_zone(outline):
    inside = mapping(outline.representative_point())
    validate.check_geometry("T1", inside, "中", outline)
    chengdu = {"type": "Point", "coordinates": [104.066, 30.657]}
    with pytest.raises(InvalidValue) as info:
        validate.check_geometry("T1", chengdu, "中", outline)
    assert info.value.field == "geometry" and vocab.OUTSIDE in info.value.message_zh
    validate.check_geometry("T1", chengdu, vocab.OUTSIDE, outline)


def test_a_line_reaching_into_the_district_counts_as_inside(outline):
    p = outline.representative_point()
    line = {"type": "LineString", "coordinates": [[p.x, p.y], [p.x + 1.0, p.y]]}
    validate.check_geometry("T1", line, vocab.CROSS_ZONE, outline)


@pytest.mark.parametrize(
    ("geometry", "words"),
    [
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [[106.3, 29.6], [106.4, 29.7], [106.4, 29.6], [106.3, 29.7], [106.3, 29.6]]
                ],
            },
            "无效",
        ),
        ({"type": "Point", "coordinates": [29.6, 106.4]}, "经纬度"),
        ({"type": "Point", "coordinates": []}, "为空"),
        ({"type": "Circle", "coordinates": [106.4, 29.6]}, "点、线或面"),
        ({"type": "LineString", "coordinates": [[106.4]]}, "坐标"),
        ("POINT (106.4 29.6)", "点、线或面"),
    ],
)
def test_invalid_geometry_is_refused(outline, geometry, words):
    with pytest.raises(InvalidValue) as info:
        validate.check_geometry("T1", geometry, vocab.OUTSIDE, outline)
    assert info.value.field == "geometry"
    assert words in info.value.message_zh


def test_no_outline_refuses_a_location_check_instead_of_passing_it():
    with pytest.raises(InvalidValue, match="区界"):
        validate.check_geometry("T1", {"type": "Point", "coordinates": [106.4, 29.6]}, "中", None)


def test_every_field_staff_may_edit_has_a_rule():
    assert set(schema.EDITABLE) <= set(validate.RULES)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("name", "\u200b\u200b\u200b", "为空或只有空白字符"),
        ("name", "\u3000\ufeff ", "为空或只有空白字符"),
        ("aliases", ["别名"] * (validate.MAX_ITEMS + 1), f"最多 {validate.MAX_ITEMS} 个别名"),
        ("aliases", ["\u200b"], "为空"),
        ("geo_basis", "依据" * validate.MAX_TEXT, f"最多 {validate.MAX_TEXT}"),
        ("geo_method", "manual<script>", "小写英文代码"),
        ("geo_method", "m" * 33, "小写英文代码"),
    ],
)
def test_every_field_has_a_limit(field, value, words):
    err = refused(record(**{field: value}), [field])
    assert words in err.message_zh and err.field == field


@pytest.mark.parametrize("good", ["SPB-0001", "SPB-123456", "staff-0001"])
def test_ids_in_the_documented_forms_pass(good):
    assert validate.check_id(good) == good


@pytest.mark.parametrize(
    "bad",
    [
        "SPB-0001\u200b",
        "SPB-０００１",
        "<b>SPB-1</b>",
        "SPB-" + "1" * 10_000,
        "spb-1",
        "",
        " SPB-1",
        7,
    ],
)
def test_ids_outside_the_documented_forms_are_refused(bad):
    with pytest.raises(InvalidValue, match="SPB- 加数字"):
        validate.check_id(bad)


def test_an_unclosed_ring_is_refused(outline):
    ring = [list(c) for c in outline.representative_point().buffer(0.001).exterior.coords]
    closed = {"type": "Polygon", "coordinates": [ring]}
    validate.check_geometry("T1", closed, "中", outline)
    with pytest.raises(InvalidValue, match="首尾相接"):
        validate.check_geometry(
            "T1", {"type": "Polygon", "coordinates": [ring[:-1]]}, "中", outline
        )
    with pytest.raises(InvalidValue, match="首尾相接"):
        validate.check_geometry(
            "T1", {"type": "MultiPolygon", "coordinates": [[ring[:-1]]]}, "中", outline
        )


def test_a_geometry_with_too_many_vertices_is_refused(outline):
    p = outline.representative_point()
    line = [[p.x + i * 1e-7, p.y] for i in range(validate.MAX_VERTICES + 1)]
    with pytest.raises(InvalidValue, match=f"最多 {validate.MAX_VERTICES} 个坐标点"):
        validate.check_geometry("T1", {"type": "LineString", "coordinates": line}, "中", outline)
    validate.check_geometry("T1", {"type": "LineString", "coordinates": line[:-1]}, "中", outline)
    with pytest.raises(InvalidValue, match="坐标格式"):
        validate.check_geometry("T1", {"type": "LineString", "coordinates": 5}, "中", outline)


def test_rings_given_as_tuples_are_read_as_rings(outline):
    square = outline.representative_point().buffer(0.001, cap_style="square")
    validate.check_geometry("T1", mapping(square), "中", outline)  # shapely gives tuples
    validate.check_geometry("T1", mapping(MultiPolygon([square])), "中", outline)
