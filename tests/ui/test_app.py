"""The page under streamlit.testing: counts from the data, URL round trip, escaping, empty results."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from bench.synthetic import synthetic_collection
from geo import mapview
from projects import filters, store, vocab
from projects.filters import Query
from projects.sources import ROOT
from tests.helpers import run_page, shown_count
from ui.details import md_text

APP = str(ROOT / "app.py")
EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture
def catalog(tmp_path, monkeypatch) -> Path:
    coll = synthetic_collection(300, seed=21)
    props = coll["features"][5]["properties"]
    props["name"] = EVIL
    props["aliases"] = ["**粗体**"]
    path = tmp_path / "projects.geojson"
    path.write_text(json.dumps(coll, ensure_ascii=False), "utf-8")
    monkeypatch.setenv("SHAPINGBA_CATALOG", str(path))
    return path


def frame(path: Path):
    return filters.catalog_frame(store.load_collection(path))


def published(script: str) -> dict:
    """The project layer the page told the browser to fetch."""
    url = re.search(r'"url":"([^"]+/projects-[^"]+)"', script).group(1)
    return json.loads((ROOT / "static" / url.removeprefix("/app/static/")).read_text("utf-8"))


def map_args(at: AppTest) -> dict:
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)


def test_filters_change_the_shown_count(catalog):
    gdf = frame(catalog)
    at = run_page(AppTest.from_file(APP, default_timeout=60))
    assert shown_count(at) == (len(filters.filter_projects(gdf, Query())), len(gdf))
    at.multiselect(key="f_sectors").set_value(["交通", "产业"])
    run_page(at)
    q = Query(sectors=("交通", "产业"))
    assert shown_count(at)[0] == len(filters.filter_projects(gdf, q))
    at.slider(key="f_years").set_range(2021, 2023)
    at.slider(key="f_as_of").set_value(2023)
    at.multiselect(key="f_zones").set_value(["西", "区外"])
    run_page(at)
    q = Query(sectors=("交通", "产业"), zones=("西", "区外"), years=(2021, 2023), as_of_year=2023)
    expected = filters.filter_projects(gdf, q)
    assert shown_count(at)[0] == len(expected)
    # The map state carries one visible character per shown project the map knows (drawn, or
    # counted on a zone label or the district box).
    state = re.search(r'__spApply\("(.*?)"', map_args(at)["feature_group"]).group(1)
    ids = published(map_args(at)["script"])["id"]
    drawn = expected[expected["id"].isin(ids)]
    assert len(state) - state.count(".") == len(drawn) and len(drawn) <= len(expected)
    assert mapview.drawable(drawn).sum() <= len(drawn)  # zone and district level: not drawn
    # Each project is coloured by its status at the end of the 状态截至 year (2023).
    colour_of = {
        pid: vocab.ALL_STATUSES[int(c)] for pid, c in zip(ids, state, strict=True) if c != "."
    }
    assert colour_of == dict(zip(drawn["id"], drawn["status_shown"], strict=True))
    assert any(
        s != r for s, r in zip(drawn["status_shown"], drawn["status"], strict=True)
    )  # the as-of year really changed some colours


def test_url_parameters_round_trip(catalog):
    gdf = frame(catalog)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["sector"] = "交通,生态环保"
    at.query_params["years"] = "2022-2024"
    at.query_params["q"] = "歌乐"
    run_page(at)
    assert at.multiselect(key="f_sectors").value == ["交通", "生态环保"]
    assert at.slider(key="f_years").value == (2022, 2024)
    assert at.text_input(key="f_text").value == "歌乐"
    q = Query(sectors=("交通", "生态环保"), years=(2022, 2024), text="歌乐")
    assert shown_count(at)[0] == len(filters.filter_projects(gdf, q))
    at.multiselect(key="f_zones").set_value(["东"])
    run_page(at)
    params = {
        k: at.query_params[k][0] if isinstance(at.query_params[k], list) else at.query_params[k]
        for k in at.query_params
    }
    assert Query.from_params(params) == Query(
        sectors=("交通", "生态环保"), years=(2022, 2024), text="歌乐", zones=("东",)
    )


def test_bad_url_values_are_reported_and_the_rest_kept(catalog):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["sector"] = "交通,火星"
    at.query_params["years"] = "1800-3000"
    run_page(at)
    assert at.multiselect(key="f_sectors").value == ["交通"]
    notes = " ".join(i.value for i in at.info)
    assert "火星" in notes and md_text("1800-3000") in notes


def test_url_values_are_plain_text_and_unknown_ones_really_ignored(catalog):
    at = AppTest.from_file(APP, default_timeout=60)
    phishing = "[重新登录请点这里](http://example.invalid/x) ![](http://example.invalid/i.png)"
    at.query_params["sector"] = phishing
    at.query_params["status"] = "foo"
    run_page(at)
    notes = [i.value for i in at.info]
    assert any(md_text(phishing) in n for n in notes)
    assert not any("](http" in n for n in notes)  # no link or image the page would render
    assert not any("http://" in n.replace("\\", "") for n in notes)  # nor a bare address
    plain = run_page(AppTest.from_file(APP, default_timeout=60))
    assert shown_count(at) == shown_count(plain)  # the view as without those values
    assert at.multiselect(key="f_sectors").value == list(vocab.SECTORS)


def test_html_laden_name_is_shown_as_text(catalog):
    gdf = frame(catalog)
    evil_id = gdf.loc[gdf["name"] == EVIL, "id"].iloc[0]
    at = run_page(AppTest.from_file(APP, default_timeout=60))
    assert "<img" not in map_args(at)["script"]
    at.selectbox(key="picker").set_value(evil_id)
    run_page(at)
    details = " ".join(md.value for md in at.markdown)
    assert md_text(EVIL) in details and md_text("**粗体**") in details
    assert EVIL not in details
    assert (
        re.search(
            r'__spApply\(".*?", (\d+), "status", null\)', map_args(at)["feature_group"]
        ).group(1)
        != "-1"
    )


def test_map_click_selects_the_project(catalog):
    gdf = frame(catalog)
    pid = gdf["id"].iloc[7]
    at = run_page(AppTest.from_file(APP, default_timeout=60))
    at.session_state["map"] = {"last_active_drawing": {"properties": {"id": pid}}}
    run_page(at)
    details = " ".join(md.value for md in at.markdown)
    assert md_text(pid) in details
    assert md_text(gdf["name"].iloc[7]) in details


def test_empty_result_shows_a_clear_message(catalog):
    at = run_page(AppTest.from_file(APP, default_timeout=60))
    at.multiselect(key="f_sectors").set_value([])
    run_page(at)
    assert shown_count(at)[0] == 0
    assert any("没有符合筛选条件的项目" in w.value for w in at.warning)
    at.text_input(key="f_text").set_value("不可能存在的名称xyz")
    at.button[0].click()  # 重置筛选
    run_page(at)
    assert shown_count(at)[0] > 0 and at.text_input(key="f_text").value == ""


def test_broken_catalog_file_gives_a_chinese_error_not_a_crash(tmp_path, monkeypatch):
    path = tmp_path / "broken.geojson"
    path.write_text("{not json", "utf-8")
    monkeypatch.setenv("SHAPINGBA_CATALOG", str(path))
    at = run_page(AppTest.from_file(APP, default_timeout=60))
    assert any("无法读取" in w.value for w in at.warning)
    assert shown_count(at) == (0, 0)


def test_real_catalog_page(monkeypatch):
    monkeypatch.delenv("SHAPINGBA_CATALOG", raising=False)
    gdf = filters.catalog_frame(store.load_collection())
    at = run_page(AppTest.from_file(APP, default_timeout=60))
    assert shown_count(at) == (
        len(filters.filter_projects(gdf, Query())),
        int((~gdf["deleted"].astype(bool)).sum()),
    )


def test_basemaps_explain_themselves_and_amap_shifts_what_is_drawn(catalog, monkeypatch):
    monkeypatch.delenv("TIANDITU_TOKEN", raising=False)
    stored = catalog.read_bytes()
    at = run_page(AppTest.from_file(APP, default_timeout=60))
    plain = map_args(at)["script"]
    at.selectbox(key="f_basemap").set_value("tianditu")
    run_page(at)
    assert any("TIANDITU_TOKEN" in i.value for i in at.info)
    assert "tianditu" not in map_args(at)["script"]  # falls back to no basemap
    at.selectbox(key="f_basemap").set_value("amap")
    run_page(at)
    amap = map_args(at)["script"]
    assert "autonavi.com" in amap and any("GCJ-02" in i.value for i in at.info)
    # The drawn layer moved (a different published payload), the stored catalog did not.
    wgs, gcj = published(plain), published(amap)
    assert wgs["id"] == gcj["id"] and plain != amap
    i = next(j for j, (k, p) in enumerate(zip(wgs["k"], wgs["p"], strict=True)) if k + p == "Pe")
    shift = (np.array(gcj["g"][i]) - np.array(wgs["g"][i])) / 1e5
    assert shift == pytest.approx([0.0040, -0.0026], abs=3e-4)
    assert catalog.read_bytes() == stored
    monkeypatch.setenv("TIANDITU_TOKEN", "test-key")
    at.selectbox(key="f_basemap").set_value("tianditu")
    run_page(at)
    assert "tk=test-key" in map_args(at)["script"]


def test_drawing_mode_adds_the_draw_control_and_reports_clicks(catalog):
    at = run_page(AppTest.from_file(APP, default_timeout=60))
    assert "last_clicked" not in map_args(at)["returned_objects"]  # pans and clicks: no rerun
    at.toggle(key="f_editing").set_value(True)
    run_page(at)
    args = map_args(at)
    assert "last_clicked" in args["returned_objects"] and "all_drawings" in args["returned_objects"]
    if mapview.draw_available():
        assert "L.Control.Draw" in args["script"]
        assert all(
            link.startswith("/app/static/vendor/") for link in args["js_links"] + args["css_links"]
        )


def test_chosen_filters_survive_a_catalog_change(catalog):
    """A project added meanwhile changes the counts; the planner's choices must stay as they were."""
    at = run_page(AppTest.from_file(APP, default_timeout=60))
    at.multiselect(key="f_sectors").set_value(["交通", "产业"])
    at.multiselect(key="f_zones").set_value(["东", "西"])
    run_page(at)
    before = shown_count(at)
    coll = json.loads(catalog.read_text("utf-8"))
    extra = json.loads(json.dumps(coll["features"][0]))
    extra["properties"].update(id="SPB-9999", name="新增测试项目", sector="交通", zone="西")
    coll["features"].append(extra)
    catalog.write_text(json.dumps(coll, ensure_ascii=False), "utf-8")
    run_page(at)
    assert at.multiselect(key="f_sectors").value == ["交通", "产业"]
    assert at.multiselect(key="f_zones").value == ["东", "西"]
    assert shown_count(at)[1] == before[1] + 1


def test_background_is_a_published_file_not_sent_with_each_rerun(catalog):
    """The outline, zones and context layers are the same for every filter: the page publishes
    them once (the browser caches the file) instead of sending them with every rerun."""
    at = run_page(AppTest.from_file(APP, default_timeout=60))
    script = map_args(at)["script"]
    url = re.search(r'"url":"([^"]+/background-[^"]+)"', script).group(1)
    data = json.loads((ROOT / "static" / url.removeprefix("/app/static/")).read_text("utf-8"))
    assert len(data["context"]["neighbours"]) == 6 and len(data["areas"]["features"]) == 4
    assert "璧山区" in json.dumps(data, ensure_ascii=False)
    assert "璧山区" not in script and '"neighbours"' not in script
    # The map's own scripts are about 51 kB (2026-12-08); the background file is about 74 kB,
    # so the bound catches it coming back into the script while leaving the scripts room.
    assert len(script.encode("utf-8")) < 60_000


def test_two_projects_of_one_name_can_each_be_chosen_in_the_picker(tmp_path, monkeypatch):
    """The box hands back the text chosen; the second of two same-named projects was not
    choosable (its name turned back into the first)."""
    coll = synthetic_collection(40, seed=5)
    twins = [f["properties"] for f in coll["features"][3:5]]
    for props in twins:
        props["name"] = "沙坪公园"
    path = tmp_path / "projects.geojson"
    path.write_text(json.dumps(coll, ensure_ascii=False), "utf-8")
    monkeypatch.setenv("SHAPINGBA_CATALOG", str(path))
    at = run_page(AppTest.from_file(APP, default_timeout=60))
    for props in twins:
        at.selectbox(key="picker").set_value(props["id"])
        run_page(at)
        assert at.selectbox(key="picker").value == props["id"]
        details = " ".join(md.value for md in at.markdown)
        assert md_text(props["id"]) in details
    assert f"沙坪公园（{twins[1]['id']}）" in at.selectbox(key="picker").options
