"""The table sends one page at a time: at a few thousand projects it holds at most a page, the
pager moves through the filtered set, and a filter change goes back to the first page."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from bench.synthetic import synthetic_collection
from projects import filters, store
from projects.sources import ROOT
from tests.helpers import open_tab, run_page, shown_count
from ui import sidebar, tables

APP = str(ROOT / "app.py")
N = 3000


@pytest.fixture
def catalog(tmp_path, monkeypatch):
    path = tmp_path / "projects.geojson"
    path.write_text(json.dumps(synthetic_collection(N, seed=5), ensure_ascii=False), "utf-8")
    monkeypatch.setenv("SHAPINGBA_CATALOG", str(path))
    monkeypatch.delenv(store.DATABASE_ENV, raising=False)
    return path


def pager(at: AppTest) -> tuple[int, int, int]:
    """(page, pages, rows) as the pager reads."""
    for md in at.markdown:
        found = re.search(r"第 (\d+) / (\d+) 页 · 共 (\d+) 行", md.value)
        if found:
            return tuple(int(g) for g in found.groups())
    raise AssertionError("pager missing")


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label and b.key.startswith(tables.K_TABLE))


def test_the_table_holds_one_page_and_the_pager_moves(catalog):
    at = run_page(AppTest.from_file(APP, default_timeout=180))
    total = shown_count(at)[0]
    table = at.dataframe[0].value
    assert len(table) == tables.PAGE_SIZE < total
    assert pager(at) == (1, -(-total // tables.PAGE_SIZE), total)
    assert button(at, "上一页").disabled and not button(at, "下一页").disabled
    live = filters.catalog_frame(store.load_collection(catalog))
    first = list(table["名称"])
    run_page(button(at, "下一页").click())
    assert pager(at)[0] == 2 and len(at.dataframe[0].value) <= tables.PAGE_SIZE
    assert list(at.dataframe[0].value["名称"]) != first
    assert set(at.dataframe[0].value["名称"]) <= set(live["name"])
    run_page(button(at, "上一页").click())
    assert pager(at)[0] == 1 and list(at.dataframe[0].value["名称"]) == first

    run_page(button(at, "下一页").click())
    at.text_input(key=sidebar.K_TEXT).set_value("医院")  # a filter change: back to page 1
    run_page(at)
    page, pages, rows = pager(at)
    assert (
        page == 1 and rows == shown_count(at)[0] < total and pages == -(-rows // tables.PAGE_SIZE)
    )
    assert all("医院" in name for name in at.dataframe[0].value["名称"])


def test_the_order_runs_across_pages(catalog):
    at = run_page(AppTest.from_file(APP, default_timeout=180))
    at.selectbox(key=f"{tables.K_TABLE}_order").set_value("start_year:desc")
    run_page(at)
    years = at.dataframe[0].value["起始年"]
    assert years.notna().all() and list(years) == sorted(years, reverse=True)
    _, pages, _ = pager(at)
    for _ in range(pages - 1):  # to the last page
        run_page(button(at, "下一页").click())
    assert pager(at)[0] == pages and button(at, "下一页").disabled
    last = at.dataframe[0].value["起始年"]
    assert len(last) <= tables.PAGE_SIZE and (last.dropna() <= years.min()).all()


def test_the_unplaced_tab_says_which_projects_it_lists(monkeypatch):
    """Its caption names every kind of project it holds: zone-level ones too (the zone labels on
    the map only count them)."""
    monkeypatch.delenv("SHAPINGBA_CATALOG", raising=False)
    at = open_tab(run_page(AppTest.from_file(APP, default_timeout=60)), "未上图的项目")
    caption = " ".join(c.value for c in at.main.caption)
    assert "只知道在区内或只知道在哪个片区的项目" in caption, caption
