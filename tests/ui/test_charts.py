"""The charts: vocabulary order, no bar for projects without a zone, status over the years from
the real catalog's status histories, and a chart click turned into a filter."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from projects import filters, store, vocab
from projects.sources import ROOT
from tests.helpers import open_tab, run_page, shown_count
from ui import charts, sidebar


def _shown():
    gdf = filters.catalog_frame(store.load_collection(store.CATALOG_PATH))
    return filters.filter_projects(gdf, filters.Query())


def test_sectors_follow_the_vocabulary_order_and_statuses_the_life_cycle():
    spec = charts.sector_chart(_shown()).to_dict()
    order = spec["encoding"]["y"]["sort"]
    assert order == [s for s in vocab.SECTORS if s in order] and len(order) > 5
    assert spec["encoding"]["color"]["scale"]["domain"] == list(vocab.ALL_STATUSES)


def test_zone_chart_has_no_bar_for_an_unknown_zone():
    shown = _shown()
    assert shown["zone"].isna().any(), "the real catalog has projects without a zone"
    data = charts.zone_chart(shown).to_dict()
    values = next(iter(data["datasets"].values()))
    assert {v["片区"] for v in values} <= set(vocab.ALL_ZONES)
    assert sum(v["项目数"] for v in values) == int(shown["zone"].notna().sum())


def test_status_over_years_agrees_with_the_map_as_of_each_year():
    shown = _shown()
    frame = charts.status_years_frame(shown, 2025)
    assert frame["年份"].max() == 2025
    per_year = frame.groupby("年份")["项目数"].sum()
    # projects join the count in the year the documents first name them, and never leave
    assert per_year.is_monotonic_increasing and per_year.iloc[-1] == len(shown)
    gdf = filters.catalog_frame(store.load_collection(store.CATALOG_PATH))
    for year in (2021, 2024, 2025):
        bars = frame[frame["年份"] == year].set_index("状态")["项目数"].to_dict()
        on_map = filters.filter_projects(gdf, filters.Query(as_of_year=year))
        on_map = on_map[on_map["id"].isin(shown["id"])]["status_shown"].value_counts()
        assert bars == on_map.to_dict(), year


def test_a_click_becomes_a_filter():
    assert charts.filter_from_selection({"sector_pick": [{"领域": "交通"}]}) == {
        sidebar.K_SECTORS: ["交通"]
    }
    assert charts.filter_from_selection(
        {"status_pick": [{"状态": "在建"}], "zone_pick": [{"片区": "西"}]}
    ) == {sidebar.K_STATUSES: ["在建"], sidebar.K_ZONES: ["西"]}
    assert charts.filter_from_selection({"sector_pick": []}) == {}


def test_status_over_years_reaches_the_status_as_of_year():
    """The caption says 「至“状态截至”的 N 年」: the last bar is that year, as the map shows it,
    even when the documents' latest fact is older (2025's report, viewed at the end of 2026)."""
    shown = _shown()
    year = 2026
    frame = charts.status_years_frame(shown, year)
    assert frame["年份"].max() == year
    bars = frame[frame["年份"] == year].set_index("状态")["项目数"].to_dict()
    gdf = filters.catalog_frame(store.load_collection(store.CATALOG_PATH))
    on_map = filters.filter_projects(gdf, filters.Query(as_of_year=year))
    on_map = on_map[on_map["id"].isin(shown["id"])]["status_shown"].value_counts()
    assert bars == on_map.to_dict()


def test_progress_charts_follow_the_vocabulary_and_leave_out_the_unzoned():
    shown = _shown()
    for column, label, vocabulary in (
        ("sector", "领域", vocab.SECTORS),
        ("zone", "片区", vocab.ALL_ZONES),
    ):
        spec = charts.progress_chart(shown, column, label).to_dict()
        axis = "x" if column == "zone" else "y"  # zones stand, sectors lie
        order = spec["encoding"][axis]["sort"]
        assert order == [k for k in vocabulary if k in order] and len(order) >= 3
        values = next(iter(spec["datasets"].values()))
        assert {v[label] for v in values} <= set(vocabulary)  # no 未定 bar
        assert sum(v["项目数"] for v in values) == int(shown[column].notna().sum())


def test_a_chart_speaks_chinese_to_a_screen_reader():
    spec = charts._spoken(charts.zone_chart(_shown()), "按片区统计").to_dict()
    assert spec["description"] == "按片区统计" and spec["config"]["aria"] is False


def test_status_over_years_from_the_catalog_table_is_the_same_frame():
    gdf = filters.catalog_frame(store.load_collection(store.CATALOG_PATH))
    for query in (
        filters.Query(),
        filters.Query(sectors=("交通",)),
        filters.Query(as_of_year=2022),
    ):
        shown = filters.filter_projects(gdf, query)
        for year in (2021, 2025):
            table = filters.status_by_year(gdf, year)
            fast = charts.status_years_frame(shown, year, table)
            slow = charts.status_years_frame(shown, year)
            assert fast.to_dict("records") == slow.to_dict("records"), (query, year)


def test_a_longer_catalog_table_counts_the_same_years():
    gdf = filters.catalog_frame(store.load_collection(store.CATALOG_PATH))
    shown = filters.filter_projects(gdf, filters.Query(as_of_year=2022))
    longer = filters.status_by_year(gdf, 2026)
    fast = charts.status_years_frame(shown, 2022, longer)
    assert fast.to_dict("records") == charts.status_years_frame(shown, 2022).to_dict("records")


def test_a_filter_a_chart_click_narrowed_is_widened_again_from_the_charts(monkeypatch):
    """After a click on the 交通 bar, 「显示全部领域」 beside the charts brings every sector back
    (and no button is offered while nothing is narrowed)."""
    monkeypatch.delenv("SHAPINGBA_CATALOG", raising=False)
    at = open_tab(run_page(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)), "统计图")
    everything = shown_count(at)[0]
    assert not [b for b in at.button if b.label.startswith("显示")]
    at.session_state[charts.K_PENDING] = {sidebar.K_SECTORS: ["交通"]}  # what the click leaves
    run_page(at)
    assert shown_count(at)[0] < everything
    (widen,) = [b for b in at.button if b.label.startswith("显示")]
    assert widen.label == "显示全部领域"
    run_page(widen.click())
    assert shown_count(at)[0] == everything
    assert at.multiselect(key=sidebar.K_SECTORS).value == list(vocab.SECTORS)
    assert not [b for b in at.button if b.label.startswith("显示")]
