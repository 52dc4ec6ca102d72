"""The page's own chrome: the upload limit shown is the real one, in three places that must agree."""

from __future__ import annotations

import tomllib

from geo import exchange
from projects.sources import ROOT
from ui import chrome


def test_upload_limit_agrees_with_the_reader_and_the_server():
    limit = exchange.MAX_BYTES // 2**20
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["server"]["maxUploadSize"] == limit
    assert f"不超过 {limit} MB" in chrome.page_css(limit)


def test_no_developer_menu_or_deploy_button():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["client"]["toolbarMode"] == "minimal"
