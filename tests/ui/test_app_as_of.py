"""The 「状态截至」 slider on the page: statuses, progress, table and charts as of a past year,
the rule for projects not yet named, and the year in the link."""

from __future__ import annotations

import json
import re

from streamlit.testing.v1 import AppTest

from projects import clock, filters
from projects.sources import ROOT
from tests.helpers import open_tab, run_page, shown_count

APP = str(ROOT / "app.py")


def captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption)


def test_the_as_of_slider_shows_a_past_year(catalog_copy):
    at = run_page(AppTest.from_file(APP, default_timeout=90))
    this_year = clock.today().year
    slider = at.slider(key="f_as_of")
    assert slider.label == "状态截至" and slider.value == this_year
    assert "显示各项目的当前状态" in captions(at)
    now = shown_count(at)[0]
    assert "asof" not in at.query_params

    at.slider(key="f_as_of").set_value(2021)
    run_page(at)
    then = shown_count(at)[0]
    hidden = re.search(
        r"截至 2021 年底的状态与进度预警；全库有 (\d+) 个项目到该年文件尚未提及，不显示",
        captions(at),
    )
    assert hidden, captions(at)
    # the count line, the table and the charts all follow the slider
    assert 0 < then < now and now - then <= int(hidden.group(1))
    table = at.dataframe[0].value  # its first page
    assert len(table) == min(then, 100)
    gdf = filters.catalog_frame(json.loads(catalog_copy.read_text("utf-8")))
    expected = filters.filter_projects(gdf, filters.Query(as_of_year=2021))
    status_then = dict(zip(expected["name"], expected["status_shown"], strict=True))
    assert list(table["状态"].astype(str)) == [status_then[n] for n in table["名称"]]
    status_now = dict(zip(gdf["name"], gdf["status"], strict=True))
    assert any(status_then[n] != status_now[n] for n in status_then)
    open_tab(at, "统计图")
    assert "至“状态截至”的 2021 年" in captions(at)
    assert at.query_params["asof"] in ("2021", ["2021"])

    # back to this year: the same view as at first, and the link loses the year
    at.slider(key="f_as_of").set_value(this_year)
    run_page(at)
    assert shown_count(at)[0] == now and "asof" not in at.query_params


def test_a_link_opens_at_its_year_and_a_bad_year_is_noted(catalog_copy):
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["asof"] = "2022"
    run_page(at)
    assert at.slider(key="f_as_of").value == 2022
    assert "截至 2022 年底" in captions(at)
    bad = AppTest.from_file(APP, default_timeout=90)
    bad.query_params["asof"] = "2999"
    run_page(bad)
    assert bad.slider(key="f_as_of").value == clock.today().year
    assert any("状态截至年份“2999”无效" in i.value for i in bad.info)
