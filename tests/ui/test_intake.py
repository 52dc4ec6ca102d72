"""The intake dialog in AppTest: staff upload the made-up 2026 report, check each new project's
proposed zone and its basis in the review rows, and apply; the saved records keep those bases.

Runs against a temporary copy of the committed catalog and a temporary account file.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from projects import store
from projects.sources import ROOT
from tests import report_2026 as report
from tests.helpers import staff_catalog

PASSWORD = "歌乐山-intake-pw"


def panel():
    """The staff's view as app.py arranges it, reduced to the login and the intake dialog."""
    import streamlit as st

    import ui.edit
    import ui.intake

    with st.sidebar:
        ui.edit.render(None, None)
    ui.intake.render()


@pytest.fixture
def catalog(tmp_path, monkeypatch):
    return staff_catalog(
        tmp_path, monkeypatch, ROOT / "data" / "projects.geojson", "wang", PASSWORD
    )


def review(name: str = "2026年政府工作报告.docx", data: bytes | None = None) -> AppTest:
    """Logged in as staff, the dialog open and the report (or ``data``) uploaded: the review
    rows."""
    at = AppTest.from_function(panel, default_timeout=120).run()
    at.text_input(key="login-name").set_value("wang")
    at.text_input(key="login-password").set_value(PASSWORD)
    at = next(b for b in at.button if b.label == "登录").click().run()
    at = next(b for b in at.button if b.label == "收录新文件…").click().run()
    upload = at.get("file_uploader")[0]
    upload.set_value((name, data or report.docx_bytes(), "application/octet-stream"))
    return at.run()


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def test_the_review_shows_each_new_projects_zone_and_basis_and_apply_keeps_them(catalog):
    at = review()
    assert not at.exception and not at.error
    shown = captions(at)
    # a new project's proposed zone, with what it rests on, beside its row
    assert "片区：中（依据：几何：位置（片区级）落在中）" in shown
    assert "片区：西（依据：几何：位置（片区级）落在西）" in shown
    # staff keep the one, pick another sector for the other (that sector rests on their word)
    sectors = [s for s in at.selectbox if s.label == "领域"]
    assert [s.value for s in sectors] == ["产业", "新型基础设施"]
    sectors[0].set_value("社会民生")
    at = next(b for b in at.button if b.label.startswith("应用已采纳的建议")).click().run()
    assert not at.exception and not at.error
    made = {
        f["properties"]["name"]: f["properties"]
        for f in store.load(include_deleted=False)
        if f["properties"]["name"] in report.NEW
    }
    spa, school = made["歌乐山森林康养中心"], made["西永智能网联汽车测试基地"]
    assert (spa["zone"], spa["zone_basis"]) == ("中", "几何：位置（片区级）落在中")
    assert spa["sector"] == "社会民生" and spa["sector_basis"].startswith("人工录入：wang 于 ")
    assert school["sector_basis"].startswith("专栏1的主题（据文件 doc-")
    assert school["years_basis"] == spa["years_basis"] == "plan_year"


def test_a_cross_zone_proposal_shows_the_zones_it_spans(catalog):
    text = "沙坪坝区2026年重点项目实施方案\n开工建设轨道交通1号线站点改造工程，完善配套设施。\n"
    at = review("方案.txt", text.encode())
    assert not at.exception and not at.error
    assert "片区：跨区（东、中、西）（依据：几何：位置（片区级）落在东、中、西）" in captions(at)
    at = next(b for b in at.button if b.label.startswith("应用已采纳的建议")).click().run()
    assert not at.exception and not at.error
    (made,) = [
        f["properties"]
        for f in store.load(include_deleted=False)
        if f["properties"]["name"] == "轨道1号线站点改造工程"
    ]
    assert (made["zone"], made["zones"]) == ("跨区", ["东", "中", "西"])
