"""「导出地图」: the current view as a print-ready PDF or PNG (A4/A3, portrait/landscape), and a
one-page 项目清单 PDF of the filtered table. Drawn on the server by :mod:`geo.printmap`, built only
when asked for (a filter change costs nothing), and never offered once the view has changed.
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
SCOPES = {"view": "当前地图范围", "district": "全区"}
KINDS = {"pdf": "地图 PDF", "png": "地图 PNG 图片", "list": "项目清单 PDF"}


@st.cache_data(max_entries=6, ttl=600, show_spinner="正在绘制地图……")
def _build(request: tuple, _projects: Any, _view: Any) -> bytes:
    """One file per request (shared between sessions); the frames are not hashed."""
    kind, paper, orientation, title, filters_text, _, _ = request
    sheet = printmap.Sheet(paper, orientation, title, filters_text, clock.today())
    if kind == "list":
        return printmap.render_list(_projects, sheet)
    outline, zones, _ = catalog.load_areas()
    return printmap.render_map(_projects, outline, zones, sheet, fmt=kind, view=_view)


def render(filtered: Any, query: filters.Query, view_text: str | None) -> None:
    """Draw the print panel into the current container (app.py: the sidebar)."""
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
    if kind != "list":
        scope = st.radio(
            "范围", list(SCOPES), format_func=SCOPES.get, key="pm_scope", horizontal=True
        )
        parsed = mapview.parse_view(view_text)
        if scope == "view":
            if parsed is None:
                st.caption("地图尚未移动或缩放，按全区出图。")
            else:
                view_box = printmap.view_box(parsed[:2], parsed[2])
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
    if built is None:
        if not st.button(
            f"生成{KINDS[kind]}（{len(filtered)} 个项目）", key="pm_build", width="stretch"
        ):
            return
        try:
            built = (request, _build(request, filtered, view_box))
        except CatalogError as exc:
            st.error(md_text(exc.message_zh))
            return
        st.session_state[K_BUILT] = built
    ext = "png" if kind == "png" else "pdf"
    name = download_name(kind, paper, orientation, clock.today())
    st.download_button(
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
