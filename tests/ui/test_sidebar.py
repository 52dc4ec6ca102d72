"""The sidebar's filters on the real catalog, under streamlit.testing: what the captions promise."""

from __future__ import annotations

import json
import re

from streamlit.testing.v1 import AppTest

from bench.synthetic import synthetic_collection
from projects import filters, store
from projects.sources import ROOT
from tests.helpers import run_page, shown_count
from ui import sidebar
from ui.details import md_text

APP = str(ROOT / "app.py")


def test_zone_caption_explains_why_one_zone_shows_more_than_its_count(monkeypatch):
    """Projects without a zone pass the zone filter, so 西 alone shows 西's count plus them:
    the caption under 片区 says how many, and the shown count adds up."""
    monkeypatch.delenv("SHAPINGBA_CATALOG", raising=False)
    gdf = filters.catalog_frame(store.load_collection())
    live = gdf[~gdf["deleted"].fillna(False).astype(bool)]
    west, unzoned = int((live["zone"] == "西").sum()), int(live["zone"].isna().sum())
    assert unzoned > 0, "the real catalog has projects without a zone"
    at = run_page(AppTest.from_file(APP, default_timeout=60))
    at.multiselect(key="f_zones").set_value(["西"])
    run_page(at)
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert f"片区未定的 {unzoned} 个项目不按片区筛选，始终显示" in captions
    # The counts beside the options are the whole catalog's, whatever the filter: they say so.
    assert f"全库项目数：东 {int((live['zone'] == '东').sum())} · " in captions
    shown, _ = shown_count(at)
    hidden_unzoned = filters.not_yet_mentioned(live, filters.Query()) & live["zone"].isna()
    assert shown == west + unzoned - int(hidden_unzoned.sum())


def test_as_of_bounds_from_kept_first_years_are_the_same():
    gdf = filters.catalog_frame(store.load_collection(store.CATALOG_PATH))
    firsts = filters.first_mentioned_years(gdf)
    assert sidebar.as_of_bounds(gdf, firsts) == sidebar.as_of_bounds(gdf)
    dated = [y for h in gdf["status_history"] if (y := filters.first_mentioned(h)) is not None]
    assert int(firsts.min()) == min(dated) and int(firsts.notna().sum()) == len(dated)


def test_picker_searches_a_large_catalog_by_what_is_typed(tmp_path, monkeypatch):
    """Above PICKER_LIST_MAX projects the 定位项目 box lists only the names matching the typed
    text (the first PICKER_MATCHES, names that start with it first), found among all of them;
    picking one selects it, and the box keeps showing it when the text changes."""
    coll = synthetic_collection(sidebar.PICKER_LIST_MAX + 500, seed=5)
    names = {f["properties"]["id"]: f["properties"]["name"] for f in coll["features"]}
    last_id = coll["features"][-1]["properties"]["id"]
    path = tmp_path / "projects.geojson"
    path.write_text(json.dumps(coll, ensure_ascii=False), "utf-8")
    monkeypatch.setenv("SHAPINGBA_CATALOG", str(path))
    at = run_page(AppTest.from_file(APP, default_timeout=90))
    box = at.selectbox(key=sidebar.K_PICKER)
    assert box.label == "匹配的项目" and box.options == ["（未选择）"]

    # The last project's own name: found however far down the catalog it is.
    at.text_input(key=sidebar.K_PICKER_TEXT).input(names[last_id])
    run_page(at)
    box = at.selectbox(key=sidebar.K_PICKER)
    assert box.options[1] == names[last_id], "the exact name comes first"
    box.set_value(last_id)
    run_page(at)
    assert md_text(last_id) in " ".join(md.value for md in at.markdown)

    # A common part of many names: capped, said so, the selected project still listed.
    at.text_input(key=sidebar.K_PICKER_TEXT).input("项目")
    run_page(at)
    box = at.selectbox(key=sidebar.K_PICKER)
    hits = sum("项目" in n for n in names.values())
    assert hits > sidebar.PICKER_MATCHES
    assert len(box.options) == 1 + sidebar.PICKER_MATCHES + ("项目" not in names[last_id])
    listed = box.options[1 : 1 + sidebar.PICKER_MATCHES]
    assert not any(n.startswith("项目") for n in names.values())
    assert [len(n) for n in listed] == sorted(len(n) for n in listed), "the closest first"
    assert box.value == last_id
    captions = " ".join(c.value for c in at.sidebar.caption)
    said = re.search(rf"共 (\d+) 个项目名称含“项目”，列出前 {sidebar.PICKER_MATCHES} 个", captions)
    assert said and sidebar.PICKER_MATCHES < int(said.group(1)) <= hits  # of those shown


def _years_catalog(path, first: int, last: int) -> None:
    """A small synthetic catalog of projects 2021–2025 but one, which runs ``first``–``last``."""
    coll = synthetic_collection(60, seed=8)
    for f in coll["features"]:
        f["properties"].update(start_year=2021, end_year=2025, zone="东")
    coll["features"][0]["properties"].update(start_year=first, end_year=last)
    path.write_text(json.dumps(coll, ensure_ascii=False), "utf-8")


def test_year_slider_follows_the_catalog_when_a_save_widens_or_narrows_its_span(
    tmp_path, monkeypatch
):
    """A save (or an undo, here or by a colleague) moves the catalog's year span. The slider left
    on the whole span kept the old one: a filter nobody chose, which hid a project just saved
    with later years; and where the span shrank, its value lay past the new end, which stopped
    the page in the browser (Streamlit's English StreamlitValueAboveMaxError). A slider on the
    whole span follows it; a chosen range is kept, cut to the span."""
    path = tmp_path / "projects.geojson"
    monkeypatch.setenv("SHAPINGBA_CATALOG", str(path))
    _years_catalog(path, 2021, 2028)
    at = run_page(AppTest.from_file(APP, default_timeout=60))
    everything = shown_count(at)
    assert at.slider(key=sidebar.K_YEARS).value == (2021, 2028)
    assert everything[0] == everything[1]
    _years_catalog(path, 2029, 2030)  # saved with later years: still shown
    run_page(at)
    assert at.slider(key=sidebar.K_YEARS).value == (2021, 2030)
    assert shown_count(at) == everything
    _years_catalog(path, 2021, 2027)  # undone, and more: the span ends sooner
    run_page(at)
    assert at.slider(key=sidebar.K_YEARS).value == (2021, 2027)
    assert shown_count(at) == everything
    # A range the planner chose is kept, cut to the catalog's span when that shrinks.
    at.slider(key=sidebar.K_YEARS).set_value((2026, 2027))
    run_page(at)
    assert shown_count(at)[0] == 1
    _years_catalog(path, 2021, 2026)
    run_page(at)
    assert at.slider(key=sidebar.K_YEARS).value == (2026, 2026)
    assert shown_count(at)[0] == 1
