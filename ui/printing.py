"""「导出地图」: the current view as a print-ready PDF or PNG (A4/A3, portrait/landscape), and a
项目清单 PDF of the filtered table (every project, as many pages as it takes, each with its place
on the map of the same paper, orientation and 范围). Drawn on the server by :mod:`geo.printmap`, built only
when asked for (a filter change costs nothing), and never offered once the view has changed.

Which view: the map writes its centre and zoom into the page URL as it is panned (see
:mod:`geo.mapview.view`), and pans report nothing to the server, so the URL the page was opened
with is stale once the map has moved. A small page-side module (``st.components.v2``) reads the
URL's view when 「生成…」 is pressed and hands it to the server with that press.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from geo import mapview, printmap
from projects import clock, filters
from projects.errors import CatalogError
from ui import catalog
from ui.details import md_text

K_BUILT = "print_built"
#: The 「生成…」 button, and the page-side module that reads the map's view when it is pressed.
K_BUILD, K_VIEW = "pm_build", "pm_view"

_VIEW_JS = """
export default function ({ data, setStateValue }) {
  window.__spPrintView = { data, setStateValue };
  if (window.__spPrintViewOn) { return; }
  window.__spPrintViewOn = true;
  const grab = (e) => {
    const now = window.__spPrintView;
    if (e.type === "keydown" && e.key !== "Enter" && e.key !== " ") { return; }
    if (!now || !e.target.closest || !e.target.closest(now.data.selector)) { return; }
    const view = new URLSearchParams(window.location.search).get(now.data.param) || "";
    if (view !== now.data.known) { now.setStateValue("view", view); }
  };
  // Before the button's own click: the view arrives with (or just before) the press.
  document.addEventListener("pointerdown", grab, true);
  document.addEventListener("keydown", grab, true);
}
"""
_view_reader = st.components.v2.component("print_view", js=_VIEW_JS)
SCOPES = {"view": "当前地图范围", "district": "全区"}
KINDS = {"pdf": "地图 PDF", "png": "地图 PNG 图片", "list": "项目清单 PDF"}
LIST_CAPTION = (
    "清单列出全部筛选出的项目（可多页）；「图上位置」列对应同一纸张、方向与范围的地图："
    "圈旁字母、图中、图外，或未画出及原因。"
)


@st.cache_data(max_entries=6, ttl=600, show_spinner="正在绘制地图……")
def _build(request: tuple, _projects: Any, _view: Any) -> bytes:
    """One file per request (shared between sessions); the frames are not hashed."""
    kind, paper, orientation, title, filters_text, _, _ = request
    sheet = printmap.Sheet(paper, orientation, title, filters_text, clock.today())
    outline, zones, _ = catalog.load_areas()
    if kind == "list":
        return printmap.render_list(_projects, sheet, outline=outline, view=_view)
    return printmap.render_map(_projects, outline, zones, sheet, fmt=kind, view=_view)


def current_view(linked: str | None) -> str | None:
    """The map's view as the page last reported it (「生成…」 pressed after a pan), else the
    view of the link the page was opened with. Draws the (invisible) module that reports it."""
    known = st.session_state.get(K_VIEW, {}).get("view") or linked
    data = {
        "param": mapview.VIEW_PARAM,
        "selector": f".st-key-{K_BUILD} button",
        "known": known or "",
    }
    _view_reader(key=K_VIEW, data=data, on_view_change=_ignore, height=0)
    return known


def _ignore() -> None:
    """The view is read where it is used (:func:`current_view`); nothing to do on its change."""


def view_caption(parsed: tuple[float, float, int] | None) -> str:
    """What 「当前地图范围」 prints, in words.

    >>> view_caption((29.62361, 106.36899, 14))
    '按点击“生成”时地图显示的范围出图（最近读到：中心 29.62361, 106.36899，第 14 级）。'
    >>> view_caption(None)
    '按点击“生成”时地图显示的范围出图；地图未移动或缩放时为全区。'
    """
    if parsed is None:
        return "按点击“生成”时地图显示的范围出图；地图未移动或缩放时为全区。"
    lat, lng, zoom = parsed
    return (
        f"按点击“生成”时地图显示的范围出图（最近读到：中心 {lat:.5f}, {lng:.5f}，第 {zoom} 级）。"
    )


def render(filtered: Any, query: filters.Query, view_text: str | None) -> None:
    """Draw the print panel into the current container (app.py: the sidebar). ``view_text``: the
    view in the link the page was opened with (the map's later pans: :func:`current_view`)."""
    st.divider()
    st.subheader("导出地图（专题图）")
    kind = st.radio("内容", list(KINDS), format_func=KINDS.get, key="pm_kind", horizontal=True)
    left, right = st.columns(2)
    paper = left.selectbox("纸张", list(printmap.PAPERS), key="pm_paper", placeholder="请选择")
    orientation = right.selectbox(
        "方向",
        list(printmap.ORIENTATIONS),
        format_func=printmap.ORIENTATIONS.get,
        index=1,
        key="pm_orientation",
        placeholder="请选择",
    )
    title = st.text_input("标题", value="沙坪坝区 项目分布图", max_chars=40, key="pm_title")
    view_box = None
    # The list too: its 图上位置 column names each project's place on the map of this 范围.
    scope = st.radio("范围", list(SCOPES), format_func=SCOPES.get, key="pm_scope", horizontal=True)
    parsed = mapview.parse_view(current_view(view_text))
    if scope == "view":
        st.caption(view_caption(parsed))
        if parsed is not None:
            view_box = printmap.view_box(parsed[:2], parsed[2])
    if kind == "list":
        st.caption(LIST_CAPTION)
    try:
        version = catalog.catalog_key(catalog.catalog_path())[1]
    except OSError:
        version = "missing"
    request = (
        kind,
        paper,
        orientation,
        title.strip() or "沙坪坝区 项目分布图",
        printmap.describe_query(query),
        version,
        None if view_box is None else tuple(round(v, 5) for v in view_box.bounds),
    )
    built = st.session_state.get(K_BUILT)
    if built is not None and built[0] != request:
        del st.session_state[K_BUILT]
        built = None
    # One place for the button, as in the export panel (ui/transfer.py): 生成 until the file is
    # built, then 下载 instead of it. Drawn below the button, the download stayed on screen with
    # the 生成 just clicked until the next rerun.
    slot = st.empty()
    if built is None:
        label = f"生成{KINDS[kind]}（筛选出 {len(filtered)} 个项目）"
        if not slot.button(label, key=K_BUILD, width="stretch"):
            return
        slot.empty()  # the click is taken: the button goes while the file is drawn
        try:
            built = (request, _build(request, filtered, view_box))
        except CatalogError as exc:
            st.error(md_text(exc.message_zh))
            return
        st.session_state[K_BUILT] = built
    ext = "png" if kind == "png" else "pdf"
    name = download_name(kind, paper, orientation, clock.today())
    slot.download_button(
        f"下载{KINDS[kind]}",
        data=built[1],
        file_name=name,
        mime="image/png" if ext == "png" else "application/pdf",
        key="pm_download",
        on_click="ignore",
        width="stretch",
    )


def download_name(kind: str, paper: str, orientation: str, day: Any) -> str:
    """The printed file's name, in Chinese like the data exports' (沙坪坝项目_筛选_…), since
    planners file it by name.

    >>> download_name("pdf", "A4", "landscape", __import__("datetime").date(2026, 12, 7))
    '沙坪坝项目分布图_A4横向_20261207.pdf'
    >>> download_name("list", "A3", "portrait", __import__("datetime").date(2026, 12, 7))
    '沙坪坝项目清单_A3纵向_20261207.pdf'
    """
    what = "清单" if kind == "list" else "分布图"
    side = "横向" if orientation == "landscape" else "纵向"
    ext = "png" if kind == "png" else "pdf"
    return f"沙坪坝项目{what}_{paper}{side}_{day:%Y%m%d}.{ext}"
