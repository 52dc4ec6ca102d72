"""projects.filters on a synthetic catalog and on the real one, against a plain-Python reference."""

from __future__ import annotations

import itertools
import unicodedata

import pytest
import shapely
import shapely.geometry

from bench.synthetic import synthetic_collection
from projects import clock, filters, store, vocab
from projects.filters import DEFAULT_ZONES, Query, filter_projects, parse_params, status_as_of


@pytest.fixture(scope="module")
def collection():
    coll = synthetic_collection(600, seed=3)
    # A few hand-made edge cases on top of the random ones.
    extra = [
        {"id": "x-nodates", "name": "无年份项目", "start_year": None, "end_year": None},
        {
            "id": "x-nozone",
            "name": "无片区项目",
            "zone": None,
            "start_year": 2020,
            "end_year": 2030,
        },
        {"id": "x-wide", "name": "ＡＢＣ全角项目", "aliases": ["歌乐山隧道"]},
        {"id": "x-deleted", "name": "已删除项目", "deleted": True},
    ]
    for props in extra:
        base = dict(coll["features"][0]["properties"])
        base.update(props)
        coll["features"].append({"type": "Feature", "properties": base, "geometry": None})
    return coll


@pytest.fixture(scope="module")
def gdf(collection):
    return filters.catalog_frame(collection)


def reference_ids(collection, query: Query) -> set[str]:
    """A deliberately plain re-statement of the rules, one feature at a time."""
    keep = set()
    for feature in collection["features"]:
        p = feature["properties"]
        if p.get("deleted"):
            continue
        if query.sectors is not None and p["sector"] not in query.sectors:
            continue
        if query.zones is not None and p["zone"] is not None and p["zone"] not in query.zones:
            continue
        if query.years is not None:
            start = p["start_year"] if p["start_year"] is not None else vocab.MIN_YEAR
            end = p["end_year"] if p["end_year"] is not None else vocab.MAX_YEAR
            if end < query.years[0] or start > query.years[1]:
                continue
        # looking back, statuses are those by the end of the as-of year, and a project the
        # documents had not yet named is hidden (synthetic histories only ever advance)
        year = query.as_of_year
        status = p["status"]
        if year is not None and p["status_history"]:
            dated = [h for h in p["status_history"] if h["year"] <= year]
            if not dated:
                continue
            status = max(dated, key=lambda h: (h["year"], vocab.STATUSES.index(h["status"])))[
                "status"
            ]
        if query.statuses is not None and status not in query.statuses:
            continue
        if query.text:
            hays = [unicodedata.normalize("NFKC", t).casefold() for t in [p["name"], *p["aliases"]]]
            if not any(query.text.casefold() in hay for hay in hays):
                continue
        keep.add(p["id"])
    return keep


QUERIES = [
    Query(),
    Query(zones=None),
    Query(sectors=("交通", "产业")),
    Query(sectors=()),
    Query(years=(2021, 2021)),
    Query(years=(2024, 2026), statuses=("在建",)),
    Query(years=(2019, 2020), statuses=("规划", "前期")),
    Query(zones=("西",), sectors=("科技创新",), years=(2025, 2030)),
    Query(text="歌乐"),
    Query(text="abc", zones=None),
    Query(statuses=("建成", "运营")),
    Query(as_of_year=2022),
    Query(as_of_year=2020, statuses=("规划", "前期")),
    Query(years=(2024, 2026), as_of_year=2024, statuses=("在建",)),
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: repr(q.to_params()))
def test_filter_matches_the_plain_reference(collection, gdf, query):
    got = set(filter_projects(gdf, query)["id"])
    assert got == reference_ids(collection, query)


def test_default_hides_outside_and_deleted_but_not_projects_without_dates_or_zone(gdf):
    shown = filter_projects(gdf, Query(years=(2022, 2023)))
    assert vocab.OUTSIDE not in set(shown["zone"])
    assert (gdf["zone"] == vocab.OUTSIDE).any()  # so the line above tests something
    assert {"x-nodates", "x-nozone"} <= set(shown["id"])
    assert "x-deleted" not in set(shown["id"])


def test_full_width_and_alias_search(gdf):
    assert "x-wide" in set(filter_projects(gdf, Query(text="abc"))["id"])
    assert "x-wide" in set(filter_projects(gdf, Query(text="歌乐山隧道"))["id"])


def test_status_shown_is_status_at_the_end_of_the_as_of_year(gdf):
    history = [
        {"doc": "d", "year": 2021, "status": "规划", "part": "plan", "basis": "x"},
        {"doc": "d2", "year": 2024, "status": "在建", "part": "review", "basis": "x"},
        {"doc": "d2", "year": 2025, "status": "规划", "part": "plan", "basis": "x"},
    ]
    row = gdf.iloc[[0]].copy()
    row.at[row.index[0], "status_history"] = history
    row.at[row.index[0], "status"] = "在建"
    row.at[row.index[0], "start_year"], row.at[row.index[0], "end_year"] = 2021, 2023
    # the year range says which windows show; the 状态截至 year says which status
    assert filter_projects(row, Query(years=(2021, 2021)))["status_shown"].iloc[0] == "在建"
    assert filter_projects(row, Query(as_of_year=2023))["status_shown"].iloc[0] == "规划"
    # a plan of 2025 never undoes the 2024 review fact
    assert filter_projects(row, Query(as_of_year=2025))["status_shown"].iloc[0] == "在建"
    assert len(filter_projects(row, Query(as_of_year=2023, statuses=("在建",)))) == 0
    # progress as of the end of 2022: window to 2023 not over yet; as of 2024: behind
    assert filter_projects(row, Query(as_of_year=2022))["progress_shown"].iloc[0] == "正常"
    assert filter_projects(row, Query(as_of_year=2024))["progress_shown"].iloc[0] == "滞后"
    # before the documents named it, it is not shown at all
    assert len(filter_projects(row, Query(as_of_year=2020))) == 0
    assert filters.as_of(Query(as_of_year=2022)).isoformat() == "2022-12-31"


def test_the_as_of_year_in_links():
    this_year = clock.today().year
    assert Query(as_of_year=2023).to_params() == {"asof": "2023"}
    assert parse_params({"asof": "2023"}) == (Query(as_of_year=2023), [])
    # this year is the default: no parameter, and a link naming it opens the same view
    assert parse_params({"asof": str(this_year)}) == (Query(), [])
    for bad in ("abc", str(this_year + 1), "1900"):
        query, problems = parse_params({"asof": bad, "sector": "交通"})
        assert query == Query(sectors=("交通",)) and len(problems) == 1
        assert "状态截至年份" in problems[0] and "已按今年显示" in problems[0]
    with pytest.raises(ValueError, match="as_of_year"):
        Query(as_of_year=1800)


def test_a_bad_year_range_in_a_link_is_named_and_leaves_the_rest():
    assert parse_params({"years": "2021-2025"}) == (Query(years=(2021, 2025)), [])
    for bad in ("2025-2021", "abc", "2021", "x" * 5000):
        query, problems = parse_params({"years": bad, "status": "在建"})
        assert query == Query(statuses=("在建",)) and len(problems) == 1
        assert "年份范围" in problems[0] and "已忽略" in problems[0]
        assert len(problems[0]) < 120  # a long value is cut in the message


def test_looking_back_at_the_real_catalog():
    gdf = filters.catalog_frame(store.load_collection())
    now = filter_projects(gdf, Query())
    then = filter_projects(gdf, Query(as_of_year=2021))
    # 2021: only what the 十四五 plan (001, 2021) named; the 2023 and 2025 documents came later
    assert 0 < len(then) < len(now)
    for _, row in then.iterrows():
        first = filters.first_mentioned(row["status_history"])
        assert first is None or first <= 2021  # 001 also reviews 2016–2020
    assert set(then["status_shown"]) <= {"规划", "前期", "在建", "建成", "运营", "未知"}
    assert (
        then["status_shown"] != now.set_index("id").loc[then["id"], "status_shown"].values
    ).any()


def test_status_as_of_ties_and_gaps():
    h = [
        {"year": 2024, "date": "2025-02-12", "status": "在建"},
        {"year": 2024, "date": "2025-02-12", "status": "建成"},
        {"year": 2026, "status": "运营"},
    ]
    assert status_as_of(h, 2024, "运营") == "建成"
    assert status_as_of(h, 2030, "运营") == "运营"
    assert status_as_of(h, 2023, "运营") == vocab.UNKNOWN_STATUS
    assert status_as_of([], 2023, "前期") == "前期"
    assert status_as_of(None, 2023, "nonsense") == vocab.UNKNOWN_STATUS


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: repr(q.to_params()))
def test_url_params_round_trip(query):
    params = query.to_params()
    assert all(isinstance(v, str) for v in params.values())
    back, problems = parse_params(params)
    assert back == query and problems == []


def test_streamlit_style_list_params_and_bad_values_are_reported_in_chinese():
    query, problems = parse_params(
        {"sector": ["交通", "不存在"], "zone": "东,区外", "years": "abc", "status": "在建"}
    )
    assert query.sectors == ("交通",) and query.zones == ("东", "区外")
    assert query.years is None and query.statuses == ("在建",)
    assert len(problems) == 2 and all("忽略" in p for p in problems)
    assert parse_params({"zone": "*"})[0].zones is None
    assert parse_params({})[0] == Query() and Query().zones == DEFAULT_ZONES


def test_query_rejects_values_outside_the_vocabulary():
    with pytest.raises(ValueError, match="sectors"):
        Query(sectors=("火星",))
    with pytest.raises(ValueError, match="years"):
        Query(years=(2030, 2020))
    with pytest.raises(TypeError):
        Query(zones=["东"])


def test_real_catalog_facets_partition_the_shown_projects():
    gdf = filters.catalog_frame(store.load_collection())
    everything = filter_projects(gdf, Query(zones=None))
    per_sector = [len(filter_projects(gdf, Query(zones=None, sectors=(s,)))) for s in vocab.SECTORS]
    assert sum(per_sector) == len(everything)
    per_zone = [len(filter_projects(gdf, Query(zones=(z,)))) for z in vocab.ALL_ZONES]
    no_zone = int(everything["zone"].isna().sum())
    assert sum(per_zone) - no_zone * (len(vocab.ALL_ZONES) - 1) == len(everything)
    for a, b in itertools.pairwise(vocab.ALL_STATUSES):
        both = filter_projects(gdf, Query(zones=None, statuses=(a, b)))
        assert len(both) == len(filter_projects(gdf, Query(zones=None, statuses=(a,)))) + len(
            filter_projects(gdf, Query(zones=None, statuses=(b,)))
        )


@pytest.mark.parametrize(
    "query",
    [
        Query(),
        Query(as_of_year=2021, statuses=("在建", "未知")),
        Query(zones=None, progress=("滞后", "未知"), sectors=("交通", "产业")),
        Query(as_of_year=2024, progress=("正常",), years=(2020, 2026)),
    ],
)
def test_precomputed_as_of_columns_give_the_same_projects(gdf, query):
    shown = filters.shown_columns(gdf, Query(as_of_year=query.as_of_year))
    fast, slow = filter_projects(gdf, query, shown), filter_projects(gdf, query)
    assert fast["id"].tolist() == slow["id"].tolist()
    assert fast["status_shown"].tolist() == slow["status_shown"].tolist()
    assert fast["progress_shown"].tolist() == slow["progress_shown"].tolist()


ODD_GEOMETRIES = [
    {"type": "Point", "coordinates": [106.4, 29.6]},
    {"type": "Point", "coordinates": [106.4, 29.6, 250.0]},  # 3D: not a 2D bulk point
    {"type": "Point", "coordinates": []},
    {"type": "LineString", "coordinates": [[106.4, 29.6], [106.5, 29.7], [106.6, 29.65]]},
    {"type": "Polygon", "coordinates": [[[106.4, 29.6], [106.5, 29.6], [106.5, 29.7]]]},
    {
        "type": "Polygon",
        "coordinates": [
            [[106.4, 29.6], [106.5, 29.6], [106.5, 29.7], [106.4, 29.6]],
            [[106.45, 29.62], [106.46, 29.62], [106.46, 29.63], [106.45, 29.62]],
        ],
    },
    {"type": "MultiPoint", "coordinates": [[106.4, 29.6], [106.41, 29.61]]},
    {"type": "MultiLineString", "coordinates": [[[106.4, 29.6], [106.5, 29.7]]]},
    {"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [106, 29]}]},
    None,
    {},
]


@pytest.mark.parametrize("repeat", [1, 3])
def test_frame_geometries_are_what_shape_reads_of_each(repeat):
    """The frame makes points, lines and simple polygons in bulk: each must be exactly what
    ``shapely.geometry.shape`` makes of its GeoJSON, whatever the mix around it (a 3D or empty
    point among 2D ones sends that kind back to one by one)."""
    geometries = ODD_GEOMETRIES * repeat
    coll = {
        "features": [
            {"properties": {"id": str(n)}, "geometry": g} for n, g in enumerate(geometries)
        ]
    }
    frame = filters.catalog_frame(coll)
    for got, g in zip(frame.geometry, geometries, strict=True):
        want = shapely.geometry.shape(g) if g else None
        if want is None:
            assert got is None
        else:
            assert got.geom_type == want.geom_type and got.equals_exact(want, 0)
            assert shapely.has_z(got) == shapely.has_z(want)


def test_frame_fills_defaults_and_gives_each_record_its_own_lists():
    frame = filters.catalog_frame(
        {"features": [{"properties": {"id": "a"}}, {"properties": {"id": "b", "notes": None}}]}
    )
    assert list(frame["status"]) == ["未知", "未知"] and frame["notes"].isna().tolist() == [
        False,
        True,
    ]
    assert frame["notes"].iloc[0] == "" and frame["version"].tolist() == [1, 1]
    frame["aliases"].iloc[0].append("x")
    assert frame["aliases"].iloc[1] == []


def test_shown_columns_without_progress_leave_only_the_warnings_out(gdf):
    """A first page colouring by status skips the warnings (most of the per-row work); what it
    filters is the same, and a progress facet still filters by the warnings it works out."""
    query = Query(statuses=("在建", "规划"))
    full = filters.shown_columns(gdf, query)
    light = filters.shown_columns(gdf, query, progress=False)
    assert "progress_shown" not in light
    assert light.equals(full.drop(columns="progress_shown"))
    with_all = filter_projects(gdf, query, full)
    without = filter_projects(gdf, query, light)
    assert "progress_shown" not in without
    assert without.drop(columns="status_shown").equals(
        with_all.drop(columns=["status_shown", "progress_shown"])
    )
    behind = Query(progress=("滞后",))
    lagging = filter_projects(gdf, behind, filters.shown_columns(gdf, behind, progress=False))
    expected = filter_projects(gdf, behind, filters.shown_columns(gdf, behind))
    assert len(expected) and list(lagging["id"]) == list(expected["id"])
