"""The sidebar's filters on the real catalog, under streamlit.testing: what the captions promise."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from projects import filters, store
from projects.sources import ROOT
from tests.helpers import run_page, shown_count
from ui import sidebar

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
    shown, _ = shown_count(at)
    hidden_unzoned = filters.not_yet_mentioned(live, filters.Query()) & live["zone"].isna()
    assert shown == west + unzoned - int(hidden_unzoned.sum())


def test_as_of_bounds_from_kept_first_years_are_the_same():
    gdf = filters.catalog_frame(store.load_collection(store.CATALOG_PATH))
    firsts = filters.first_mentioned_years(gdf)
    assert sidebar.as_of_bounds(gdf, firsts) == sidebar.as_of_bounds(gdf)
    dated = [y for h in gdf["status_history"] if (y := filters.first_mentioned(h)) is not None]
    assert int(firsts.min()) == min(dated) and int(firsts.notna().sum()) == len(dated)
