"""The details panel on the real catalog, under streamlit.testing: what a planner reads there."""

from __future__ import annotations

import json
import re

from streamlit.testing.v1 import AppTest

from projects import store
from projects.sources import ROOT
from tests.helpers import run_page

APP = str(ROOT / "app.py")


def test_zone_basis_cites_documents_by_name_not_by_file_code(monkeypatch):
    """A rule-written zone basis cites ``001:728``; the panel says 十四五规划第 728 行."""
    monkeypatch.delenv("SHAPINGBA_CATALOG", raising=False)
    features = json.loads(store.catalog_path().read_text("utf-8"))["features"]
    coded = next(
        f["properties"]
        for f in features
        if re.search(r"001:\d+", f["properties"].get("zone_basis") or "")
        and not f["properties"].get("deleted")
    )
    line = re.search(r"001:(\d+)", coded["zone_basis"]).group(1)
    at = run_page(AppTest.from_file(APP, default_timeout=60))
    at.selectbox(key="picker").set_value(coded["id"])
    run_page(at)
    details = " ".join(md.value for md in at.markdown)
    assert coded["id"].replace("-", "\\-") in details
    assert not re.search(r"00[0-4]\\?:\d", details), details
    assert f"十四五规划第 {line} 行" in details
