"""The edit panel in AppTest: viewers see no controls; staff log in, edit, place, undo."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from geo.zones import position_zones
from projects import store
from projects.errors import NotAllowed
from projects.schema import empty_properties
from projects.sources import ROOT
from projects.store import users
from ui.details import md_text

PASSWORD = "歌乐山-2025-pw"


def panel():
    """The sidebar as app.py arranges it, reduced to the edit panel."""
    import streamlit as st

    import ui.edit

    event = st.session_state.get("test_event")
    # what app.py marks on the map (before the panel, as there)
    st.session_state["test_pending"] = ui.edit.pending_click(event)
    with st.sidebar:
        ui.edit.render(st.session_state.get("selected_id"), event)


@pytest.fixture(scope="module")
def inside():
    """A point inside the district, from the committed outline."""
    from geo.boundaries import load_outline

    p = load_outline().representative_point()
    return round(p.x, 5), round(p.y, 5)


@pytest.fixture
def catalog(tmp_path, monkeypatch, inside):
    path = tmp_path / "projects.geojson"
    features = []
    for pid, name, status in [
        ("E001", "测试快速路", "在建"),
        ("E002", "<img src=x onerror=alert(1)>", "规划"),
    ]:
        props = empty_properties()
        props.update(id=pid, name=name, sector="交通", status=status, zone="中", start_year=2022)
        features.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": "Point", "coordinates": list(inside)},
            }
        )
    store.rebuild(features, path)
    monkeypatch.setenv("SHAPINGBA_CATALOG", str(path))
    monkeypatch.setenv("SHAPINGBA_USERS", str(tmp_path / "users.json"))
    return path


@pytest.fixture
def accounts(catalog):
    users.add_user("wang", PASSWORD, rounds=4)
    users.add_user("li", PASSWORD, rounds=4)


def app(selected="E001", event=None) -> AppTest:
    at = AppTest.from_function(panel, default_timeout=30)
    at.session_state["selected_id"] = selected
    at.session_state["test_event"] = event
    return at.run()


def login(at: AppTest, name="wang", password=PASSWORD) -> AppTest:
    """Log in, then open the selected project's edit dialog (where the form is)."""
    at.text_input(key="login-name").set_value(name)
    at.text_input(key="login-password").set_value(password)
    at = next(b for b in at.button if b.label == "登录").click().run()
    return open_editor(at)


def open_editor(at: AppTest) -> AppTest:
    """Click 「修改此项目…」 when it is offered (the form opens in a dialog)."""
    button = [b for b in at.button if b.label == "修改此项目…"]
    return button[0].click().run() if button else at


def widget(elements, label):
    return next(w for w in elements if w.label == label)


def texts(at: AppTest) -> str:
    parts = [
        e.value for e in (*at.caption, *at.success, *at.error, *at.info, *at.warning, *at.markdown)
    ]
    return "\n".join(map(str, parts))


def test_without_accounts_viewers_read_a_sentence_and_the_command_is_folded_for_admins(catalog):
    """The bundled ``make run`` has no account: every planner sees this panel. They read why
    they cannot edit in plain Chinese; the server command is under a closed 管理员说明."""
    at = app()
    assert not at.exception
    assert not at.text_input and not at.button
    [note] = at.expander
    assert note.label == "管理员说明" and not note.proto.expanded
    folded = "\n".join(c.value for c in note.caption)
    assert "python -m projects.store.users add" in folded
    shown = [c.value for c in at.caption if c.value not in folded]
    assert shown == ["查看项目无需登录。修改项目需要编辑账号，如需编辑请向管理员申请。"]
    for text in (*shown, *(m.value for m in at.markdown)):
        assert "python" not in text and "`" not in text, text


def test_a_viewer_sees_only_the_login_form(catalog, accounts):
    at = app()
    assert [w.label for w in at.text_input] == ["用户名", "密码"]
    assert [b.label for b in at.button] == ["登录"]
    assert not at.selectbox and not at.number_input
    at = login(at, password="wrong-password")
    assert "用户名或密码错误" in texts(at)
    assert [b.label for b in at.button] == ["登录"]


def test_log_in_change_a_status_and_see_it_saved_and_in_the_history(catalog, accounts):
    at = login(app())
    assert "已登录：wang" in texts(at)
    widget(at.selectbox, "状态").set_value("建成")
    widget(at.text_input, "修改原因（记入修改记录）").set_value("已通车")
    at = widget(at.button, "保存").click().run()
    assert not at.exception and not at.error
    saved = store.get("E001")["properties"]
    assert saved["status"] == "建成" and saved["version"] == 2 and saved["updated_by"] == "wang"
    [entry] = store.history("E001")
    assert entry["changes"]["status"] == ["在建", "建成"] and entry["reason"] == "已通车"
    assert "状态：在建 → 建成" in texts(at)  # the success message
    at = open_editor(at)  # a save closes the dialog; open it again
    assert "版本 2 · " in texts(at) and " · wang · 修改" in texts(at)
    changes = at.table[0].value
    assert changes.to_numpy().tolist()[0] == ["状态", "在建", "建成"]
    assert "原因：已通车" in texts(at)
    assert widget(at.selectbox, "状态").value == "建成"  # the form shows version 2


def test_a_stale_form_is_refused_and_keeps_what_was_typed(catalog, accounts):
    at = login(app())
    li = users.authenticate("li", PASSWORD)
    store.save(li, "E001", {"lead_dept": "区交通局"}, expected_version=1)
    widget(at.text_input, "名称").set_value("测试快速路二期")
    at = widget(at.button, "保存").click().run()
    assert "已被 li 修改" in at.error[0].value and "牵头部门" in at.error[0].value
    assert widget(at.text_input, "名称").value == "测试快速路二期"
    assert store.get("E001")["properties"]["name"] == "测试快速路"


def test_a_stale_form_says_the_colleagues_changes_in_words(catalog, accounts):
    """「投资：（空） → 1.2 亿元」 as the history reads it, not the stored 「12000.0」."""
    at = login(app())
    li = users.authenticate("li", PASSWORD)
    store.save(li, "E001", {"investment": 12000.0, "status": "建成"}, expected_version=1)
    widget(at.text_input, "名称").set_value("测试快速路二期")
    at = widget(at.button, "保存").click().run()
    [error] = at.error
    assert "已被 li 修改（您看到的是版本 1，现在是版本 2）" in error.value
    assert md_text("投资：（空） → 1.2 亿元") in error.value and "12000" not in error.value
    assert "状态：在建 → 建成" in error.value and "点击“取消”载入最新内容" in error.value
    assert widget(at.text_input, "名称").value == "测试快速路二期"


def test_bad_input_shows_a_chinese_error_and_saves_nothing(catalog, accounts):
    at = login(app())
    before = catalog.read_bytes()
    widget(at.text_input, "名称").set_value("")
    at = widget(at.button, "保存").click().run()
    assert "名称" in at.error[0].value and "为空" in at.error[0].value
    widget(at.number_input, "起始年").set_value(2024)
    widget(at.number_input, "结束年").set_value(2023)
    widget(at.text_input, "名称").set_value("测试快速路")
    at = widget(at.button, "保存").click().run()
    assert "结束年" in at.error[0].value
    assert catalog.read_bytes() == before


def test_place_by_clicking_the_map(catalog, accounts, inside):
    lon, lat = inside[0] + 0.001, inside[1] + 0.001
    at = login(app(event={"last_clicked": {"lat": lat, "lng": lon}}))
    widget(at.radio, "位置").set_value("地图上点击的点")
    at = widget(at.button, "保存").click().run()
    assert not at.error
    rec = store.get("E001")
    assert rec["geometry"] == {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}
    assert rec["properties"]["precision"] == "manual" and "wang" in rec["properties"]["geo_basis"]


def test_a_map_click_is_shown_in_words_until_saved_or_cancelled(catalog, accounts, inside):
    lon, lat = inside[0] + 0.001, inside[1] + 0.001
    event = {"last_clicked": {"lat": lat, "lng": lon}}
    at = login(app(event=event))
    where = f"东经 {lon:.5f}°，北纬 {lat:.5f}°"
    assert at.session_state["test_pending"]["coordinates"] == [round(lon, 6), round(lat, 6)]
    assert f"地图上点击的点：{where}（未保存" in texts(at)
    assert f"地图上点击的点（点：{where}）" in widget(at.radio, "位置").options
    # Cancelled: the map still reports that click, but it is no longer marked nor offered.
    at = widget(at.button, "取消").click().run()
    assert at.session_state["test_pending"] is None and where not in texts(at)
    at = open_editor(at)
    assert not at.radio
    # A new click is marked again; once saved, it is not.
    lon += 0.001
    at.session_state["test_event"] = {"last_clicked": {"lat": lat, "lng": lon}}
    at = at.run()
    assert at.session_state["test_pending"]["coordinates"] == [round(lon, 6), round(lat, 6)]
    widget(at.radio, "位置").set_value("地图上点击的点")
    at = widget(at.button, "保存").click().run()
    assert not at.error and at.session_state["test_pending"] is None
    assert store.get("E001")["geometry"]["coordinates"] == [round(lon, 6), round(lat, 6)]


def test_a_click_on_a_project_is_not_offered_as_a_drawing(catalog, accounts):
    event = {
        "last_active_drawing": {
            "type": "Feature",
            "properties": {"id": "E002"},
            "geometry": {"type": "Point", "coordinates": [106.4, 29.6]},
        }
    }
    at = login(app(event=event))
    assert not at.radio


def test_undo_delete_and_restore(catalog, accounts):
    at = login(app())
    widget(at.text_area, "备注").set_value("<script>alert(1)</script>")
    at = widget(at.button, "保存").click().run()
    assert store.get("E001")["properties"]["notes"] == "<script>alert(1)</script>"
    at = open_editor(at)
    at = next(b for b in at.button if b.label.startswith("撤销上次修改")).click().run()
    assert store.get("E001")["properties"]["notes"] == "" and not at.error
    at = open_editor(at)
    at = widget(at.button, "删除此项目（可恢复）").click().run()
    assert store.get("E001")["properties"]["deleted"] is True
    assert "E001" not in [f["properties"]["id"] for f in store.load_collection()["features"]]
    at = open_editor(at)
    at = widget(at.button, "恢复此项目").click().run()
    assert store.get("E001")["properties"]["deleted"] is False
    assert [e["action"] for e in store.history("E001")] == ["update", "undo", "delete", "restore"]


def test_create_a_project_and_it_becomes_selected(catalog, accounts):
    at = login(app(selected=None))
    assert "选择一个项目" in texts(at)
    at = widget(at.button, "新建项目…").click().run()
    widget(at.text_input, "名称").set_value("新建测试项目")
    widget(at.selectbox, "领域").set_value("社会民生")
    at = widget(at.button, "新建").click().run()
    assert not at.error
    created = [f for f in store.load() if f["properties"]["name"] == "新建测试项目"]
    assert len(created) == 1 and at.session_state["selected_id"] == created[0]["properties"]["id"]
    at = open_editor(at)
    assert widget(at.text_input, "名称").value == "新建测试项目"  # now in the edit form


def test_a_removed_account_can_no_longer_save(catalog, accounts):
    at = login(app())
    users.remove_user("wang")
    at.run()
    assert [b.label for b in at.button] == ["登录"]
    assert json.loads(catalog.read_text("utf-8"))  # untouched, still whole


def test_the_real_page_edit_flow_updates_details_and_history(catalog, accounts):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert "保存" not in [b.label for b in at.sidebar.button]  # a viewer: login only
    at.text_input(key="login-name").set_value("wang")
    at.text_input(key="login-password").set_value(PASSWORD)
    at = next(b for b in at.sidebar.button if b.label == "登录").click().run()
    at = at.selectbox(key="picker").set_value("E001").run()
    at = open_editor(at)
    at.selectbox(key="edit-E001-0-status").set_value("建成")
    at = next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception and not at.error
    assert store.get("E001")["properties"]["status"] == "建成"
    details = "\n".join(m.value for m in at.main.markdown)
    assert "**状态**：建成" in details  # the page reloaded the saved catalog
    at = open_editor(at)
    assert at.table[-1].value.to_numpy().tolist()[0] == ["状态", "在建", "建成"]


def test_html_in_a_name_is_stored_as_typed_and_shown_escaped(catalog, accounts):
    at = login(app(selected="E002"))
    widget(at.text_area, "备注").set_value("**粗体** <b>x</b>")
    at = widget(at.button, "保存").click().run()
    assert store.get("E002")["properties"]["name"] == "<img src=x onerror=alert(1)>"
    flash = at.success[0].value
    assert "\\<img src\\=x onerror\\=alert\\(1\\)\\>" in flash and "\\*\\*粗体" in flash


def test_restore_an_earlier_version_from_the_history(catalog, accounts):
    at = login(app())
    widget(at.selectbox, "状态").set_value("建成")
    at = open_editor(widget(at.button, "保存").click().run())
    widget(at.text_input, "名称").set_value("测试快速路（更名）")
    at = open_editor(widget(at.button, "保存").click().run())
    choice = widget(at.selectbox, "恢复到版本")
    assert choice.options[-1].startswith("版本 1（来自规划文件")
    choice.set_value(1)
    at = widget(at.button, "恢复到所选版本").click().run()
    rec = store.get("E001")["properties"]
    assert (rec["name"], rec["status"], rec["version"]) == ("测试快速路", "在建", 4)
    assert store.history("E001")[-1]["action"] == "revert"


def test_an_unexpected_fault_is_a_chinese_sentence_and_a_log_line(catalog, accounts, monkeypatch):
    from projects.store import file_store

    def broken(*args, **kwargs):
        raise RuntimeError("internal detail")

    monkeypatch.setattr(file_store, "apply_plan", broken)
    at = login(app())
    widget(at.selectbox, "状态").set_value("建成")
    at = widget(at.button, "保存").click().run()
    assert not at.exception
    shown = texts(at)
    assert "系统出现意外错误" in shown and "internal detail" not in shown
    assert "RuntimeError" not in shown and "Traceback" not in shown
    assert store.get("E001")["properties"]["status"] != "建成"


def test_logging_out_ends_the_session_on_every_server(catalog, accounts):
    """「退出登录」 deletes the session row, so the same login no longer saves anywhere."""
    at = login(app())
    editor = at.session_state["editor"]
    assert [s["name"] for s in users.list_sessions()] == ["wang"]
    elsewhere = users.resume_session(editor.token)  # as another app server would
    users.require_editor(elsewhere)
    at = next(b for b in at.button if b.label == "退出登录").click().run()
    assert not at.exception
    assert [b.label for b in at.button] == ["登录"]
    assert users.list_sessions() == []
    for session in (editor, elsewhere):
        with pytest.raises(NotAllowed, match="已结束"):
            users.require_editor(session)


def test_a_session_ended_by_an_administrator_shows_the_login_again(catalog, accounts):
    at = login(app())
    assert users.end_sessions("wang") == 1
    at.run()
    assert [b.label for b in at.button] == ["登录"]
    assert "已结束" in texts(at)


def test_a_new_project_without_name_or_sector_is_asked_for_both_in_words(catalog, accounts):
    """Not 「项目 staff-0001 的「名称」不能为 “”…」: the id is one nobody has seen yet."""
    at = login(app(selected=None))
    at = widget(at.button, "新建项目…").click().run()
    widget(at.selectbox, "状态").set_value("在建")
    at = widget(at.button, "新建").click().run()
    assert [e.value for e in at.error] == ["请填写名称并选择领域后再新建（已填写的内容保留）。"]
    assert widget(at.selectbox, "状态").value == "在建"  # what was chosen stays
    widget(at.text_input, "名称").set_value("新建测试项目")
    at = widget(at.button, "新建").click().run()
    assert [e.value for e in at.error] == ["请选择领域后再新建（已填写的内容保留）。"]
    widget(at.selectbox, "领域").set_value("社会民生")
    widget(at.number_input, "起始年").set_value(2030)
    widget(at.number_input, "结束年").set_value(2026)
    at = widget(at.button, "新建").click().run()
    assert at.error and "staff-" not in at.error[0].value and at.error[0].value.startswith("新项目")
    assert not [f for f in store.load() if f["properties"]["name"] == "新建测试项目"]


def test_the_message_after_a_save_reads_values_in_words(catalog, accounts):
    """「投资：（空） → 1.2 亿元」 as the history reads it, not 「投资（万元）：（空） → 12000.0」."""
    at = login(app())
    widget(at.number_input, "投资（万元，可不填）").set_value(12000.0)
    at = widget(at.button, "保存").click().run()
    assert not at.error
    assert store.get("E001")["properties"]["investment"] == 12000.0
    assert md_text("已保存「测试快速路」：投资：（空） → 1.2 亿元") in texts(at), texts(at)


def _add_district_project(catalog) -> None:
    """Add E003, a project known only to be in the district (仅知在区内, no zone)."""
    features = store.load(catalog)
    props = empty_properties()
    props.update(id="E003", name="测试区级项目", sector="交通", status="规划")
    props.update(precision="district", place_id="500106", geo_method="district")
    features.append({"type": "Feature", "properties": props, "geometry": None})
    store.rebuild(features, catalog)


def test_the_message_after_placing_a_project_says_where_it_was(catalog, accounts, inside):
    """A project known only to be in the district, placed by a click: the message said
    「位置：（空） → 点 …」, as if it had had no position; it was 仅知在区内 (沙坪坝区)."""
    _add_district_project(catalog)
    lon, lat = inside[0] + 0.001, inside[1] + 0.001
    at = login(app(selected="E003", event={"last_clicked": {"lat": lat, "lng": lon}}))
    widget(at.radio, "位置").set_value("地图上点击的点")
    at = widget(at.button, "保存").click().run()
    assert not at.error
    said = texts(at)
    assert "定位精度：区级（仅知在区内） → 人工标绘" in said, said
    assert "所在地名：沙坪坝区" in said, said


def test_a_placed_project_takes_the_zone_of_the_click_and_undo_takes_it_back(
    catalog, accounts, inside
):
    """A project without a zone placed by a click takes the zone the click lies in; the message
    says so in words, and undo takes the zone back with the position."""
    _add_district_project(catalog)
    lon, lat = inside[0] + 0.001, inside[1] + 0.001
    [(zone, zones)] = position_zones([{"type": "Point", "coordinates": [lon, lat]}])
    assert zone in ("东", "中", "西")
    at = login(app(selected="E003", event={"last_clicked": {"lat": lat, "lng": lon}}))
    widget(at.radio, "位置").set_value("地图上点击的点")
    at = widget(at.button, "保存").click().run()
    assert not at.error and not at.warning
    assert f"片区：未定 → {zone}" in texts(at) and "涉及片区" not in texts(at)
    saved = store.get("E003")["properties"]
    assert (saved["zone"], saved["zones"]) == (zone, list(zones))
    assert saved["zone_basis"].startswith("按人工标绘位置（wang 于 ")
    at = open_editor(at)
    at = next(b for b in at.button if b.label.startswith("撤销上次修改")).click().run()
    after = store.get("E003")["properties"]
    assert (after["zone"], after["zones"], after["zone_basis"]) == (None, [], None)


def test_a_stated_zone_stays_with_a_warning_that_the_history_keeps(catalog, accounts):
    """E001's zone (中) is stated, not worked out: placed in the west, it stays 中, the message
    warns, and the history card shows the note."""
    at = login(app(event={"last_clicked": {"lat": 29.6, "lng": 106.3}}))  # 大学城: 西
    widget(at.radio, "位置").set_value("地图上点击的点")
    at = widget(at.button, "保存").click().run()
    assert not at.error and store.get("E001")["properties"]["zone"] == "中"
    [warning] = [w.value for w in at.warning]
    assert warning.startswith("新位置在西片区，片区仍为「中」"), warning
    assert warning == md_text(store.history("E001")[-1]["zone_note"])  # the store's, said once
    at = open_editor(at)
    assert "片区提示：新位置在西片区" in texts(at)


def test_a_new_project_with_a_zone_placed_elsewhere_warns_as_its_history_notes(catalog, accounts):
    """A new project given the zone 东 and placed by a click in the west keeps 东 (staff set
    it); the message after the save warns with the note its history entry keeps."""
    at = login(app(selected=None, event={"last_clicked": {"lat": 29.6, "lng": 106.3}}))
    at = widget(at.button, "新建项目…").click().run()
    widget(at.text_input, "名称").set_value("新建片区测试")
    widget(at.selectbox, "领域").set_value("社会民生")
    widget(at.selectbox, "片区").set_value("东")
    widget(at.radio, "位置").set_value("地图上点击的点")
    at = widget(at.button, "新建").click().run()
    assert not at.error
    [made] = [f["properties"] for f in store.load() if f["properties"]["name"] == "新建片区测试"]
    assert made["zone"] == "东"
    [warning] = [w.value for w in at.warning]
    assert warning.startswith("新位置在西片区，片区仍为「东」"), warning
    assert warning == md_text(store.history(made["id"])[-1]["zone_note"])


def test_a_project_known_only_to_be_at_a_place_refers_to_it_and_undo_takes_it_back(
    catalog, accounts
):
    """E001 has its own point; a planner who knows only that it is 「在重庆大学」 chooses the
    place: the record refers to it (no geometry), takes its precision and zone, says who put it
    there, and one history entry logs it; undo brings the point back."""
    before = store.get("E001")
    at = login(app())
    widget(at.selectbox, "归入地名（只知在某地）").set_value("P055")  # 重庆大学
    at = widget(at.button, "保存").click().run()
    assert not at.error, [e.value for e in at.error]
    saved = store.get("E001")
    props = saved["properties"]
    assert saved["geometry"] is None
    assert (props["place_id"], props["precision"], props["geo_method"]) == (
        "P055",
        "approximate",
        "manual_place",
    )
    assert props["geo_basis"].startswith("wang 于 ") and props["geo_basis"].endswith(
        "归入地名“重庆大学”"
    )
    assert "所在地名：" in texts(at) and "重庆大学" in texts(at)
    [entry] = store.history("E001")
    assert entry["changes"]["place_id"] == [None, "P055"]
    at = open_editor(at)
    shown = {row[0]: row[1:] for row in at.table[0].value.to_numpy().tolist()}
    assert shown["所在地名"] == ["（空）", "重庆大学"], shown
    assert shown["定位方法"][1] == "人工归入地名", shown
    at = next(b for b in at.button if b.label.startswith("撤销上次修改")).click().run()
    after = store.get("E001")
    assert after["geometry"] == before["geometry"]
    assert (after["properties"]["place_id"], after["properties"]["precision"]) == (
        before["properties"]["place_id"],
        before["properties"]["precision"],
    )


def test_a_project_put_in_a_place_takes_the_zone_of_the_place(catalog, accounts):
    """A project known only to the district, put in 西永综合保税区 (an area, west), refers to
    the area and its zone follows the place, as it follows a drawing."""
    _add_district_project(catalog)
    at = login(app(selected="E003"))
    widget(at.selectbox, "归入地名（只知在某地）").set_value("P040:西永综合保税区")
    at = widget(at.button, "保存").click().run()
    assert not at.error, [e.value for e in at.error]
    props = store.get("E003")["properties"]
    assert (props["place_id"], props["precision"], props["zone"]) == ("P040", "area", "西")
    assert props["geo_basis"].endswith("归入地名“西永综合保税区”（即“西永”）")
    assert props["zone_basis"].startswith("按所归地名（wang 于 ")
    assert "片区：未定 → 西" in texts(at)


def test_a_map_click_and_a_place_at_once_are_refused_in_words(catalog, accounts, inside):
    """One position per save: a click and a place both chosen save nothing and say why."""
    lon, lat = inside[0] + 0.001, inside[1] + 0.001
    at = login(app(event={"last_clicked": {"lat": lat, "lng": lon}}))
    widget(at.radio, "位置").set_value("地图上点击的点")
    widget(at.selectbox, "归入地名（只知在某地）").set_value("500106017")  # 西永街道
    at = widget(at.button, "保存").click().run()
    assert [e.value for e in at.error] == [
        "一次只能设置一种位置：地图上的点或图形，或「归入地名」。"
        "请把「位置」改回“不修改位置”，或清空「归入地名」。"
    ]
    assert store.get("E001")["properties"]["version"] == 1 and not store.history("E001")
