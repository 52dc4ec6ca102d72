"""The details panel on the real catalog, under streamlit.testing: what a planner reads there."""

from __future__ import annotations

import json
import re

from streamlit.testing.v1 import AppTest

from projects import store
from projects.documents import DEFAULT_BASIS
from projects.sources import ROOT
from projects.store import users
from tests.helpers import run_page
from ui.details import DEFAULT_PROGRESS_NOTE, china_time, md_text

APP = str(ROOT / "app.py")


def _first_live(wanted) -> dict:
    """The properties of the committed catalog's first live project for which ``wanted`` holds."""
    features = json.loads(store.catalog_path().read_text("utf-8"))["features"]
    return next(
        f["properties"]
        for f in features
        if not f["properties"].get("deleted") and wanted(f["properties"])
    )


def test_zone_basis_cites_documents_by_name_not_by_file_code(monkeypatch):
    """A rule-written zone basis cites ``001:728``; the panel says 十四五规划第 728 行."""
    monkeypatch.delenv("SHAPINGBA_CATALOG", raising=False)
    coded = _first_live(lambda p: re.search(r"001:\d+", p.get("zone_basis") or ""))
    line = re.search(r"001:(\d+)", coded["zone_basis"]).group(1)
    at = run_page(AppTest.from_file(APP, default_timeout=60))
    at.selectbox(key="picker").set_value(coded["id"])
    run_page(at)
    details = " ".join(md.value for md in at.markdown)
    assert coded["id"].replace("-", "\\-") in details
    assert not re.search(r"00[0-4]\\?:\d", details), details
    assert f"十四五规划第 {line} 行" in details


def test_a_sector_from_the_name_says_the_box_theme_did_not_decide_it(monkeypatch):
    """「名称：剧院（所在专栏10的主题为城市更新）」 beside 领域 文化旅游 read as a contradiction: the
    panel says the name decided and the box's other theme did not (a project of the real
    catalog whose name gave another sector than its box)."""
    monkeypatch.delenv("SHAPINGBA_CATALOG", raising=False)
    chosen = _first_live(
        lambda p: (
            (
                m := re.fullmatch(
                    r"名称：(.+?)（所在专栏(\d+)的主题为([^）]+)）", p.get("sector_basis") or ""
                )
            )
            and m.group(3) != p["sector"]
        )
    )
    word, box, theme = re.fullmatch(
        r"名称：(.+?)（所在专栏(\d+)的主题为([^）]+)）", chosen["sector_basis"]
    ).groups()
    at = run_page(AppTest.from_file(APP, default_timeout=60))
    at.selectbox(key="picker").set_value(chosen["id"])
    run_page(at)
    details = _details(at)
    assert (
        f"名称含“{word}”，按名称归为{chosen['sector']}（所在专栏{box}的主题为{theme}，未据此归类）"
        in details
    ), details
    assert f"名称：{word}（" not in details


def _details(at: AppTest) -> str:
    return "\n".join(md.value for md in at.main.markdown)


def test_a_default_status_reads_in_one_bracket(monkeypatch):
    """「规划（默认：文中无进度表述）」, not 「规划（默认（文中无进度表述））」."""
    monkeypatch.delenv("SHAPINGBA_CATALOG", raising=False)
    props = _first_live(
        lambda p: (
            p["status_history"]
            and all(e.get("basis") == DEFAULT_BASIS for e in p["status_history"])
        )
    )
    at = run_page(AppTest.from_file(APP, default_timeout=60))
    at.selectbox(key="picker").set_value(props["id"])
    details = _details(run_page(at))
    assert f"**状态**：{props['status']}（默认：文中无进度表述）" in details
    assert "（默认（" not in details


def test_a_staff_edit_is_named_beside_the_values_it_changed(catalog_copy, tmp_path, monkeypatch):
    """A value typed by staff does not read like a document fact: the panel says who saved the
    record, when (China time) and as which version."""
    monkeypatch.setenv("SHAPINGBA_USERS", str(tmp_path / "users.json"))
    users.add_user("zhao", "歌乐山-2025-pw", rounds=4)
    editor = users.authenticate("zhao", "歌乐山-2025-pw")
    props = next(f["properties"] for f in store.load() if not f["properties"].get("deleted"))
    untouched = next(
        f["properties"]["id"]
        for f in store.load()
        if not f["properties"].get("deleted") and f["properties"]["id"] != props["id"]
    )
    store.save(
        editor, props["id"], {"lead_dept": "区文化旅游委"}, expected_version=1, reason="核实"
    )
    saved = store.get(props["id"])["properties"]["updated_at"]

    at = run_page(AppTest.from_file(APP, default_timeout=60))
    at.selectbox(key="picker").set_value(props["id"])
    details = _details(run_page(at))
    assert "**牵头部门**：区文化旅游委" in details
    when = md_text(china_time(saved))
    assert f"**人工修改**：zhao 于 {when}（北京时间）保存为版本 2" in details, details

    at.selectbox(key="picker").set_value(untouched)
    assert "人工修改" not in _details(run_page(at))


def test_china_time_reads_a_utc_time_on_the_planners_clock():
    assert china_time("2026-12-31T16:30:00+00:00") == "2027-01-01 00:30"
    assert china_time("2026-12-31T16:30:00") == "2027-01-01 00:30"  # naive means UTC
    assert china_time(float("nan")) == ""


def test_a_warning_resting_on_a_default_status_says_so(monkeypatch):
    """滞后 for a project no document said anything about the progress of means only that the
    plan's years are over: the panel says so, beside the warning."""
    monkeypatch.delenv("SHAPINGBA_CATALOG", raising=False)
    at = run_page(AppTest.from_file(APP, default_timeout=60))
    at.selectbox(key="picker").set_value("SPB-0201")  # 土主隧道: named in the 十四五 plan only
    details = _details(run_page(at))
    assert "**进度预警**：滞后：计划 2021–2025 年" in details.replace("\\", ""), details
    assert md_text(DEFAULT_PROGRESS_NOTE) in details


def test_one_year_reads_as_one_year(monkeypatch):
    """A project planned within one year reads 「2025」, not 「2025–2025」."""
    monkeypatch.delenv("SHAPINGBA_CATALOG", raising=False)
    one = _first_live(lambda p: p.get("start_year") and p.get("start_year") == p.get("end_year"))
    year = one["start_year"]
    at = run_page(AppTest.from_file(APP, default_timeout=60))
    at.selectbox(key="picker").set_value(one["id"])
    details = _details(run_page(at)).replace("\\", "")
    assert re.search(rf"\*\*年份\*\*：{year}(（|$)", details, re.M), details
    assert f"{year}–{year}" not in details, details  # nor in 进度预警's 「计划 … 年」


def test_a_theme_only_sector_basis_names_the_column_and_its_document(monkeypatch):
    """「领域依据：专栏14的主题」 (234 projects) says which 专栏, of which document, and its theme."""
    monkeypatch.delenv("SHAPINGBA_CATALOG", raising=False)
    at = run_page(AppTest.from_file(APP, default_timeout=60))
    at.selectbox(key="picker").set_value("SPB-0001")  # 110千伏梨亭东线路局部迁改
    details = _details(run_page(at))
    expected = "所在专栏14“市政设施重点项目”（十四五规划第 815 行）的主题为市政设施"
    assert f"**领域依据**：{md_text(expected)}" in details, details


def test_a_status_history_line_says_why_its_words_give_its_status(monkeypatch):
    """「规划 — “建成改造…”（建成）」 read as a contradiction: 建成 was the word read, which a
    multi-year plan's target makes 规划. Each line says the whole rule, its lines named, and
    borrowed words are quoted once, without the 「第846行：」 the rules mark them with."""
    from ui.details import history_lines

    monkeypatch.delenv("SHAPINGBA_CATALOG", raising=False)
    target = _first_live(
        lambda p: any(
            e.get("status") == "规划" and (e.get("basis") or "").startswith("建成：")
            for e in p["status_history"]
        )
    )
    lines = history_lines(target["status_history"])
    assert any("（建成：多年规划里的建成、投用是期末目标" in x and "视为规划" in x for x in lines)
    borrowed = _first_live(
        lambda p: any(re.match(r"第\d+行：", e.get("cue") or "") for e in p["status_history"])
    )
    for text in history_lines(borrowed["status_history"]):
        assert not re.search(r"“第\d+行：", text), text
        assert not re.search(r"00[0-4]:\d", text), text
    said = " ".join(history_lines(borrowed["status_history"]))
    assert re.search(r"取同一文件正文 \S+第 \d+ 行 的表述；", said), said
