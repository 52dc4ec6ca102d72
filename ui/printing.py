"""「导出地图」: the current view as a print-ready PDF or PNG (A4/A3, portrait/landscape), and a
项目清单 PDF of the filtered table (every project, as many pages as it takes, each with its place
on the map of the same paper, orientation and 范围). Drawn on the server by :mod:`geo.printmap`, built only
when asked for (a filter change costs nothing), and never offered once the view has changed.

Which view: what the map shows on the person's screen. Pans and zooms report nothing to the
server, so the URL the page was opened with is stale once the map has moved; the map keeps its
bounds on screen in the page (``__spBounds``, :mod:`geo.mapview.view`'s script) and its centre and
zoom in the URL. A small page-side module (``st.components.v2``) reads both when 「生成…」 is
pressed and hands them to the server with that press. The bounds are what prints (the frame holds
them, widened along one side to the paper's shape); a centre and zoom alone (a link opened, the
map not yet reported) are read as a screen of :data:`FALLBACK_PX`.
"""

from __future__ import annotations

import math
from typing import Any

import shapely
import streamlit as st

from geo import crs, mapview, printmap
from projects import clock, filters
from projects.errors import CatalogError
from ui import catalog, sidebar
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
    // "lat,lng,zoom|west,south,east,north": the URL's view and the bounds the map shows.
    const view = new URLSearchParams(window.location.search).get(now.data.param) || "";
    const seen = view + "|" + (window.__spBounds || "");
    if (seen !== now.data.known) { now.setStateValue("view", seen); }
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


#: The screen width, in pixels, a centre and zoom are read as when the map has not reported
#: its bounds (a link opened, nothing pressed yet).
FALLBACK_PX = 900


@st.cache_data(max_entries=6, ttl=600, show_spinner="正在绘制地图……")
def _build(request: tuple, _projects: Any, _view: Any) -> tuple[bytes, tuple[float, ...]]:
    """One file per request (shared between sessions), and the WGS84 bounds its map frames;
    the frames are not hashed."""
    kind, paper, orientation, title, filters_text, _, _ = request
    sheet = printmap.Sheet(paper, orientation, title, filters_text, clock.today())
    outline, zones, _ = catalog.load_areas()
    framed = printmap.frame_extent(_projects, outline, sheet, _view)
    if kind == "list":
        return printmap.render_list(_projects, sheet, outline=outline, view=_view), framed
    return printmap.render_map(_projects, outline, zones, sheet, fmt=kind, view=_view), framed


def current_view(linked: str | None) -> tuple[str | None, str | None]:
    """(the map's view "lat,lng,zoom", the bounds it shows "west,south,east,north") as the page
    last reported them (「生成…」 pressed), else the view of the link the page was opened with
    and no bounds. Draws the (invisible) module that reports them."""
    reported = st.session_state.get(K_VIEW, {}).get("view")
    view, _, bounds = (reported or "").partition("|")
    data = {
        "param": mapview.VIEW_PARAM,
        "selector": f".st-key-{K_BUILD} button",
        "known": reported or "",
    }
    _view_reader(key=K_VIEW, data=data, on_view_change=_ignore, height=0)
    return view or linked, bounds or None


def _ignore() -> None:
    """The view is read where it is used (:func:`current_view`); nothing to do on its change."""


def parse_bounds(text: str | None) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) from the map's report (Leaflet's ``toBBoxString``), or None
    when it is not a box on the earth (a map not laid out yet reports one point).

    >>> parse_bounds("106.4,29.55,106.45,29.6")
    (106.4, 29.55, 106.45, 29.6)
    >>> parse_bounds("106.4,29.55,106.4,29.55") is None
    True
    """
    try:
        west, south, east, north = (float(v) for v in str(text or "").split(","))
    except ValueError:
        return None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        return None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        return None
    return west, south, east, north


def print_extent(
    view_text: str | None, bounds_text: str | None, gcj02: bool = False
) -> tuple[shapely.Geometry | None, str | None]:
    """The ground 「当前地图范围」 prints (a WGS84 box) and what it rests on: ``"screen"``, the
    bounds the map showed; else ``"link"``, a centre and zoom read as a screen of
    :data:`FALLBACK_PX`; else (None, None): nothing known, the district prints. ``gcj02``: the
    map is drawn over 高德 (its coordinates are GCJ-02, the prints' are WGS84)."""
    bounds = parse_bounds(bounds_text)
    if bounds is not None:
        west, south, east, north = bounds
        if gcj02:
            west, south = (float(v) for v in crs.gcj02_to_wgs84(west, south))
            east, north = (float(v) for v in crs.gcj02_to_wgs84(east, north))
        return shapely.box(west, south, east, north), "screen"
    parsed = mapview.parse_view(view_text)
    if parsed is None:
        return None, None
    lat, lng, zoom = parsed
    if gcj02:
        lng, lat = (float(v) for v in crs.gcj02_to_wgs84(lng, lat))
    return printmap.view_box((lat, lng), zoom, FALLBACK_PX), "link"


def _map_gcj02() -> bool:
    """Whether the map is drawn over a GCJ-02 basemap (高德), as the sidebar's choice says."""
    chosen = mapview.BASEMAPS.get(st.session_state.get(sidebar.K_BASEMAP) or "none")
    return chosen is not None and chosen.datum == "GCJ02"


def view_caption(
    extent: shapely.Geometry | None, source: str | None, view_text: str | None = None
) -> str:
    """What 「当前地图范围」 prints, in words: the screen's bounds as last read, else what it is
    worked out from until they are.

    >>> view_caption(__import__("shapely").box(106.4, 29.55, 106.45, 29.6), "screen")[:50]
    '按点击“生成”时屏幕上地图显示的范围出图（最近读到：东经 106.40000°–106.45000°'
    >>> view_caption(None, None)
    '按点击“生成”时屏幕上地图显示的范围出图；尚未读到时为全区。'
    """
    said = "按点击“生成”时屏幕上地图显示的范围出图"
    if source == "screen" and extent is not None:
        west, south, east, north = extent.bounds
        return (
            f"{said}（最近读到：东经 {west:.5f}°–{east:.5f}°，北纬 {south:.5f}°–{north:.5f}°）。"
            "纸张与屏幕的长宽比不同时，图框在较宽的方向上比屏幕多出一些。"
        )
    parsed = mapview.parse_view(view_text)
    if source == "link" and parsed is not None:
        lat, lng, zoom = parsed
        return (
            f"{said}；尚未读到时，按链接中的中心 {lat:.5f}, {lng:.5f}、第 {zoom} 级，"
            f"以约 {FALLBACK_PX} 像素宽的屏幕估算。"
        )
    return f"{said}；尚未读到时为全区。"


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
    view_text, bounds_text = current_view(view_text)
    if scope == "view":
        view_box, source = print_extent(view_text, bounds_text, _map_gcj02())
        st.caption(view_caption(view_box, source, view_text))
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
            built = (request, *_build(request, filtered, view_box))
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
    st.caption(f"本次出图的{printmap.extent_words(built[2])}（WGS84）。")


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
