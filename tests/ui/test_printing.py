"""「导出地图」 on the real page (AppTest): a file is built only when asked for, offered for
download, and withdrawn once the filters change."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from projects.sources import ROOT


def test_print_panel_builds_a_list_and_withdraws_it_when_the_view_changes():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    at.radio(key="pm_kind").set_value("list").run()
    # the list names each project's place on the map of a 范围, so it is asked for too
    assert at.radio(key="pm_scope").value == "view"
    assert any("「图上位置」列对应同一纸张、方向与范围的地图" in c.value for c in at.caption)
    build = next(b for b in at.button if b.key == "pm_build")
    assert "项目清单 PDF" in build.label
    # the filtered count: how many a zoomed map shows is said on the sheet, once it is drawn
    assert re.search(r"（筛选出 \d+ 个项目）$", build.label), build.label
    at = build.click().run()
    assert not at.exception and not at.error
    assert [d for d in at.get("download_button") if "项目清单" in d.proto.label]
    at.text_input(key="f_text").set_value("轨道").run()
    assert not [d for d in at.get("download_button") if "项目清单" in d.proto.label]
    assert any(b.key == "pm_build" for b in at.button)
