"""「导出地图」 on the real page (AppTest): a file is built only when asked for, offered for
download, and withdrawn once the filters change."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from geo import crs, printmap
from projects.sources import ROOT
from ui import printing


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
    # no map reported its bounds here (no browser) and the link has no view: the district
    assert any(c.value.endswith("尚未读到时为全区。") for c in at.caption)
    assert any(c.value.startswith("本次出图的图框范围：东经 106.") for c in at.caption)
    at.text_input(key="f_text").set_value("轨道").run()
    assert not [d for d in at.get("download_button") if "项目清单" in d.proto.label]
    assert any(b.key == "pm_build" for b in at.button)


def test_the_screen_bounds_print_and_without_them_the_links_centre_and_zoom():
    """With the bounds the map reported, those print; with none (a link opened, the map not yet
    reported), the link's centre and zoom are read as a screen of FALLBACK_PX; with neither, the
    district prints. On 高德 (GCJ-02) both are turned back into WGS84 first."""
    box, source = printing.print_extent("29.6,106.45,14", "106.43,29.59,106.47,29.61")
    assert source == "screen" and box.bounds == (106.43, 29.59, 106.47, 29.61)
    box, source = printing.print_extent("29.6,106.45,14", None)
    assert source == "link"
    assert box.equals(printmap.view_box((29.6, 106.45), 14, printing.FALLBACK_PX))
    assert printing.print_extent(None, "106.4,29.6,106.4,29.6") == (None, None)  # not laid out
    assert printing.print_extent("29.6,abc,14", "x") == (None, None)
    moved, _ = printing.print_extent(None, "106.43,29.59,106.47,29.61", gcj02=True)
    lng, lat = crs.wgs84_to_gcj02(moved.bounds[0], moved.bounds[1])
    assert (float(lng), float(lat)) == pytest.approx((106.43, 29.59), abs=1e-6)
    assert moved.bounds[0] < 106.43  # 高德's coordinates lie east of WGS84's here
    centre, _ = printing.print_extent("29.6,106.45,14", None, gcj02=True)
    assert centre.centroid.x < 106.45


def test_the_caption_says_which_extent_prints():
    box, source = printing.print_extent(None, "106.43,29.59,106.47,29.61")
    said = printing.view_caption(box, source)
    assert "东经 106.43000°–106.47000°，北纬 29.59000°–29.61000°" in said
    said = printing.view_caption(*printing.print_extent("29.6,106.45,14", None), "29.6,106.45,14")
    assert "中心 29.60000, 106.45000、第 14 级" in said and "900 像素" in said
    assert printing.view_caption(None, None).endswith("尚未读到时为全区。")
