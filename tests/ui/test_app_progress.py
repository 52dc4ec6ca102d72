"""The progress warning on the page: sidebar filter, table column, details rule, charts."""

from __future__ import annotations

import json
import re

from streamlit.testing.v1 import AppTest

from projects.sources import ROOT
from tests.helpers import open_tab, run_page, shown_count
from ui.details import md_text

APP = str(ROOT / "app.py")


def test_progress_filter_column_details_and_charts(catalog_copy):
    at = run_page(AppTest.from_file(APP, default_timeout=90))
    everything = shown_count(at)[0]
    assert at.multiselect(key="f_progress").value == ["超前", "正常", "滞后", "未知"]
    table = at.dataframe[0].value
    assert "进度预警" in table.columns
    assert not {"进度预警：按领域", "进度预警：按片区"} & {s.value for s in at.subheader}
    open_tab(at, "统计图")  # only the open tab below the map is drawn
    assert {"进度预警：按领域", "进度预警：按片区"} <= {s.value for s in at.subheader}
    open_tab(at, "项目列表")
    at.multiselect(key="f_progress").set_value(["滞后"])
    run_page(at)
    late = shown_count(at)[0]
    assert 0 < late < everything
    assert set(at.dataframe[0].value["进度预警"]) == {"滞后"}
    assert at.query_params["progress"] in ("滞后", ["滞后"])
    features = json.loads(catalog_copy.read_text("utf-8"))["features"]
    (pid,) = [
        f["properties"]["id"] for f in features if f["properties"]["name"] == "渝遂高速拓宽改造"
    ]
    at.selectbox(key="picker").set_value(pid)
    run_page(at)
    details = " ".join(md.value for md in (*at.markdown, *at.main.caption))  # the rule: a caption
    assert md_text("滞后：") in details and md_text("计划结束年已过") in details


def map_state(at: AppTest) -> str:
    (component,) = at.get("component_instance")
    group = json.loads(component.proto.json_args)["feature_group"]
    return re.search(r'__spApply\("(.*?)"', group).group(1)


def test_the_map_colours_by_progress_when_asked(catalog_copy):
    at = run_page(AppTest.from_file(APP, default_timeout=90))
    by_status = map_state(at)
    assert set(by_status) <= set(".012345")
    at.radio(key="f_colour").set_value("progress")
    run_page(at)
    by_progress = map_state(at)
    # the same projects drawn, now with progress codes 6–9 (超前/正常/滞后/未知)
    assert [c == "." for c in by_progress] == [c == "." for c in by_status]
    assert set(by_progress) - {"."} <= set("6789") and "8" in by_progress  # 滞后 exists today
    legend = json.loads(component_args(at))["script"]
    assert "进度预警（截至所选年份）" in legend
    # The state says which colour key the legend shows (the other one is folded away).
    assert re.search(r'__spApply\(".*?", -?\d+, "progress", null\)', group_js(at))


def group_js(at: AppTest) -> str:
    return json.loads(component_args(at))["feature_group"]


def component_args(at: AppTest) -> str:
    (component,) = at.get("component_instance")
    return component.proto.json_args
