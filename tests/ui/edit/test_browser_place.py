"""标绘模式 in the real app, in headless Chromium: an editor places a project by clicking the map
right on top of another project. The click places the project being edited and never selects the
one under the cursor; the saved history changes only the edited project.

Runs against a temporary copy of the committed catalog and a temporary account file.
Skips when Chromium is absent, unless SHAPINGBA_REQUIRE_BROWSER=1 (CI), where that is a failure.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from projects import store
from projects.sources import ROOT
from tests.helpers import (
    IFRAME,
    WAIT_MS,
    app_in_browser,
    log_in,
    map_frame,
    open_page,
    press,
    save_edit,
    select_project,
    settled,
    sidebar,
    staff_files,
)

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "tests" / "artifacts"
EDITOR, PASSWORD = "qian", "标绘-test-2026"
#: The project under the click: a point of its own that no other project shares (新桥社区卫生服务中心).
UNDER = "SPB-0596"


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("place")
    made = staff_files(folder, EDITOR, PASSWORD)
    catalog, accounts = made["catalog"], made["users"]
    return {"catalog": catalog, "users": accounts}


def _edited(catalog: Path) -> dict:
    """A project known only to the district, with a name no other project has."""
    features = json.loads(catalog.read_text("utf-8"))["features"]
    names = [f["properties"]["name"] for f in features]
    for f in features:
        p = f["properties"]
        if p["precision"] == "district" and names.count(p["name"]) == 1 and not p.get("deleted"):
            return p
    raise AssertionError("no district-level project with a unique name")


def _details(page, pid: str):
    item = page.get_by_role("listitem").filter(has_text=re.compile(f"^编号：{re.escape(pid)}$"))
    return item.first


def _marked_at(frame, x: float, y: float) -> None:
    """Wait for the map's mark of an unsaved placement centred within 2 px of (x, y)."""
    frame.wait_for_function(
        """([x, y]) => { const icon = document.querySelector('.sp-pending');
          if (!icon || !window.__sp.pendingAt()) return false;
          const r = icon.getBoundingClientRect();
          return Math.abs(r.x + r.width / 2 - x) <= 2 && Math.abs(r.y + r.height / 2 - y) <= 2; }""",
        arg=[x, y],
        timeout=WAIT_MS,
    )


def _open_form(page, pid: str):
    """Open the selected project's edit dialog from the sidebar; the dialog."""
    sidebar(page).get_by_role("button", name="修改此项目…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text(re.compile(f"^修改项目 {re.escape(pid)}"))).to_be_visible(
        timeout=WAIT_MS
    )
    return dialog


def test_a_placement_click_on_another_project_moves_only_the_edited_one(files):
    edited = _edited(files["catalog"])
    pid, name = edited["id"], edited["name"]
    under_before = store.get(UNDER, files["catalog"])
    with app_in_browser(files["catalog"], files["users"]) as (browser, url):
        page = open_page(browser, url, viewport={"width": 1400, "height": 1500})
        side = sidebar(page)
        expect(side.get_by_role("button", name="登录")).to_be_visible(timeout=WAIT_MS)
        log_in(page, EDITOR, PASSWORD)

        # Select the project to edit as a user would: search, then pick it.
        select_project(page, name)
        expect(_details(page, pid)).to_be_visible(timeout=WAIT_MS)
        search = side.get_by_label("搜索名称或别名")
        search.fill("")
        search.press("Enter")

        # 标绘模式 on; then click the map exactly on another project's marker.
        side.get_by_text("标绘模式（工作人员）").click()
        # The map is rebuilt with the draw toolbar: wait for that frame and its projects.
        page.wait_for_function(
            f"""() => [...document.querySelectorAll('{IFRAME}')].some(f => f.contentDocument &&
              f.contentDocument.querySelector('.leaflet-draw-draw-marker'))""",
            timeout=WAIT_MS,
        )
        frame = next(f for f in page.frames if f.query_selector(".leaflet-draw-draw-marker"))
        frame.wait_for_function(
            "(id) => window.__sp && window.__sp.ready && window.__sp.applied >= 1 &&"
            " window.__sp.index(id) >= 0",
            arg=UNDER,
            timeout=WAIT_MS,
        )
        frame.evaluate(
            "(id) => window.map.setView(window.__sp.anchorOf(id), 16, {animate: false})", UNDER
        )
        frame.wait_for_function(
            "(id) => !!window.__sp.parts[window.__sp.index(id)].layers[0]._icon",
            arg=UNDER,
            timeout=WAIT_MS,
        )
        at = frame.evaluate("(id) => window.__sp.screenPoint(id)", UNDER)
        box = page.query_selector(IFRAME).bounding_box()
        x, y = box["x"] + at["x"], box["y"] + at["y"]
        # What is under the cursor really is that project's marker, and it takes no click.
        under = frame.evaluate(
            """([x, y, id]) => { const el = document.elementFromPoint(x, y);
              const icon = window.__sp.parts[window.__sp.index(id)].layers[0]._icon;
              return {inside: icon.contains(el) || el === icon,
                      events: getComputedStyle(icon).pointerEvents}; }""",
            [at["x"], at["y"], UNDER],
        )
        assert under["events"] == "none"

        # A first click beside it is marked where it was made, with its position in words;
        # cancelled, the mark goes.
        page.mouse.click(x + 60, y + 40)
        _marked_at(frame, at["x"] + 60, at["y"] + 40)
        expect(side.get_by_text(re.compile("^地图上点击的点：东经 1"))).to_be_visible(
            timeout=WAIT_MS
        )
        shot = ARTIFACTS / "place_mark_1400.png"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot))
        dialog = _open_form(page, pid)
        expect(
            dialog.get_by_text(re.compile(r"^地图上点击的点（点：东经 \d+\.\d{5}°，北纬 "))
        ).to_be_visible()
        dialog.get_by_role("button", name="取消").click()
        frame.wait_for_function("() => !window.__sp.pendingAt()", timeout=WAIT_MS)
        expect(side.get_by_text(re.compile("^地图上点击的点："))).to_have_count(0)

        # The click on the other project: the mark moves there.
        page.mouse.click(x, y)
        _marked_at(frame, at["x"], at["y"])
        expect(side.get_by_text(re.compile("^地图上点击的点：东经 1"))).to_be_visible(
            timeout=WAIT_MS
        )

        # The edit form offers the clicked point; the selection did not change.
        dialog = _open_form(page, pid)
        dialog.get_by_text(re.compile("^地图上点击的点")).click()
        save_edit(page, "浏览器测试：在另一项目上标绘")
        expect(side.get_by_text(re.compile(f"^已保存「{re.escape(name)}」"))).to_be_visible(
            timeout=WAIT_MS
        )
        expect(_details(page, pid)).to_be_visible(timeout=WAIT_MS)
        # Saved: the map (rebuilt for the new catalog) has applied a state and marks nothing.
        page.wait_for_function(
            f"""() => {{ const fs = [...document.querySelectorAll('{IFRAME}')];
              return fs.length > 0 && fs.every(f => {{ const sp = f.contentWindow.__sp;
                return sp && sp.applied >= 1 && !sp.pendingAt(); }}); }}""",
            timeout=WAIT_MS,
        )
        assert page.errors == []

    # Only the edited project changed: placed (manual) near the other project's point.
    [entry] = store.history(pid, files["catalog"])
    assert entry["by"] == EDITOR and "geometry" in entry["changes"]
    saved = store.get(pid, files["catalog"])
    assert saved["properties"]["precision"] == "manual" and saved["properties"]["place_id"] is None
    lon, lat = saved["geometry"]["coordinates"]
    ulon, ulat = under_before["geometry"]["coordinates"]
    assert abs(lon - ulon) < 2e-4 and abs(lat - ulat) < 2e-4
    assert store.history(UNDER, files["catalog"]) == []
    assert store.get(UNDER, files["catalog"]) == under_before


#: The place the planner knows the project is in, as the 归入地名 list spells it (an alias of
#: 西永, P040) and as the map's badge names it.
XIYONG, XIYONG_ID, XIYONG_BADGE = "西永综合保税区", "P040", "西永"


def _badge(frame):
    """The badge of 西永 on the map, the map moved to it (its badge spot, from the page)."""
    at = frame.evaluate(
        """(place) => { const sp = window.__sp;
          const b = sp.badges.find(b => sp.places[b._spPlace].id === place);
          const at = b.getLatLng(); return [at.lat, at.lng]; }""",
        XIYONG_ID,
    )
    frame.evaluate("(at) => window.map.setView(at, 15, {animate: false})", at)
    badge = frame.locator(".sp-badge-label").filter(has_text=re.compile(f"^{XIYONG_BADGE} · "))
    expect(badge.first).to_be_visible(timeout=WAIT_MS)
    return badge.first


def test_a_project_put_in_a_place_from_the_list_joins_its_badge(tmp_path):
    """A planner who knows only that a project is in 西永综合保税区 chooses it in the dialog's
    「归入地名」 list: the details say 所在地 西永 and the map's 西永 badge counts one more."""
    made = staff_files(tmp_path, EDITOR, PASSWORD)
    edited = _edited(made["catalog"])
    pid, name = edited["id"], edited["name"]
    with app_in_browser(made["catalog"], made["users"]) as (browser, url):
        page = open_page(browser, url, viewport={"width": 1600, "height": 1200})
        log_in(page, EDITOR, PASSWORD)
        select_project(page, name)
        expect(_details(page, pid)).to_be_visible(timeout=WAIT_MS)
        search = sidebar(page).get_by_label("搜索名称或别名")  # the map shows every project
        search.fill("")
        search.press("Enter")
        settled(page)
        before = int(_badge(map_frame(page)).inner_text().split(" · ")[1])

        dialog = _open_form(page, pid)
        box = dialog.locator('[data-testid="stSelectbox"]').filter(has_text="归入地名")
        press(page, box)
        page.keyboard.type(XIYONG)
        option = page.get_by_role("option", name=f"{XIYONG}（片区，即西永）", exact=True)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "place_choice_1600.png"))
        press(page, option)
        expect(box.get_by_role("combobox")).to_have_value(f"{XIYONG}（片区，即西永）")
        save_edit(page, "浏览器测试：只知在西永综保区")
        side = sidebar(page)
        expect(side.get_by_text(re.compile(f"^已保存「{re.escape(name)}」"))).to_be_visible(
            timeout=WAIT_MS
        )
        where = page.get_by_role("listitem").filter(has_text=re.compile("^所在地："))
        expect(where.first).to_have_text(re.compile("^所在地：西永"), timeout=WAIT_MS)
        settled(page)
        expect(_badge(map_frame(page))).to_have_text(
            f"{XIYONG_BADGE} · {before + 1}", timeout=WAIT_MS
        )
        assert page.errors == []
    saved = store.get(pid, made["catalog"])
    assert saved["geometry"] is None and saved["properties"]["place_id"] == XIYONG_ID
