"""The export/import sidebar under streamlit.testing: every format downloads from the real page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_export import EXPORTED, sample_collection

from geo import export as ex
from projects import users

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PASSWORD = "transfer-test-pass"


@pytest.fixture
def catalog(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "projects.geojson"
    path.write_text(json.dumps(sample_collection(), ensure_ascii=False), "utf-8")
    monkeypatch.setenv("SHAPINGBA_CATALOG", str(path))
    monkeypatch.setenv("SHAPINGBA_USERS", str(tmp_path / "users.json"))
    users.add_user("wang", PASSWORD, rounds=4)
    return path


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def download_label(at: AppTest) -> str:
    (button,) = at.get("download_button")
    return button.proto.label


def test_every_format_and_crs_downloads_from_the_page(catalog):
    at = run(AppTest.from_file(APP, default_timeout=60))
    at.radio(key="x_scope").set_value("all")
    run(at)
    for fmt, spec in ex.FORMATS.items():
        at.selectbox(key="x_format").set_value(fmt)
        run(at)
        crs_box = at.selectbox(key=f"x_crs_{fmt}")
        assert list(crs_box.options) == [ex.CRSS[c].label for c in spec.crss]
        for crs in spec.crss:
            at.selectbox(key=f"x_crs_{fmt}").set_value(crs)
            run(at)
            assert download_label(at) == f"下载 {spec.label}（{len(EXPORTED)} 个项目）"
            if crs == ex.GCJ02:
                assert any("GCJ-02 不是标准坐标系" in c.value.replace("\\", "") for c in at.caption)


def test_import_panel_is_for_staff_only(catalog):
    at = run(AppTest.from_file(APP, default_timeout=60))
    assert not at.get("file_uploader")
    assert any("登录编辑账号后，可上传" in c.value for c in at.caption)
    at.session_state["editor"] = users.authenticate("wang", PASSWORD)
    run(at)
    assert len(at.get("file_uploader")) == 1
