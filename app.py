"""沙坪坝 项目一张图: the Streamlit page (widgets only; logic lives in projects/ and geo/).

What makes the map rerun: filter widgets (the map keeps its iframe: only the small project state
changes), a click on a project (``last_active_drawing``), and in drawing mode clicks and drawings.
Pans and zooms report nothing back.

A session's first page draws the map before the sidebar's widgets, the table and charts: they
follow once the map has painted its projects (``map_painted`` tells, or after
``mapview.PAINT_WAIT_MS`` if it never does), because the map's frame shares the browser's main
thread with them, and their scripts (the data grid, Vega, the widgets) would otherwise hold the
map back by a second or more. The widgets' values are read from their state, seeded from the
link, before any widget is drawn.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components
from streamlit_folium import st_folium

import ui.edit
import ui.intake
import ui.transfer
from geo import exchange, mapview
from projects import filters
from projects.errors import CatalogError
from ui import catalog, chrome, details, permalink, printing, sidebar, snapshots

K_SELECTED, K_MAP, K_SEEN = "selected_id", "map", "seen_events"
#: Session key: the table and charts may be drawn (the map painted once in this session).
K_BELOW = "below_map_shown"
#: The tabs below the map (the open one is kept under K_BELOW_TAB); only the open one is drawn.
BELOW_TABS, K_BELOW_TAB = ("项目列表", "未上图的项目", "统计图"), "below_tab"

st.set_page_config(page_title="沙坪坝 项目一张图", layout="wide")
chrome.apply(exchange.MAX_BYTES // 2**20)
map_painted = components.declare_component("map_painted", path=str(mapview.PAINTED_DIR))


def tianditu_token() -> str | None:
    """The 天地图 key: environment first, then Streamlit secrets (absent secrets are fine)."""
    token = mapview.token_from_env()
    if token:
        return token
    try:
        return str(st.secrets.get("TIANDITU_TOKEN", "")).strip() or None
    except Exception:  # noqa: BLE001 - no secrets file is the normal case
        return None


def new_selection(source: str, value: str | None) -> str | None:
    """``value`` if this source reports something it did not report on the previous rerun."""
    seen = st.session_state.setdefault(K_SEEN, {})
    if value is None or seen.get(source) == value:
        seen[source] = value
        return None
    seen[source] = value
    return value


def _wait_for_map() -> None:
    """The first page's placeholder below the map: once the map says it has painted, the whole
    page runs again with the table and charts."""
    painted = map_painted(
        key="map_painted", frame=mapview.MAP_FRAME, timeout=mapview.PAINT_WAIT_MS, default=False
    )
    if painted:
        st.session_state[K_BELOW] = True
        st.rerun()
    st.caption("项目表和统计图随后显示……")


def below_map_ready() -> bool:
    """Draw the table and charts in this run? Not on a browser session's first page before its
    map has painted (a placeholder asks for them then). Without a browser (AppTest, bare runs)
    there is no map to wait for."""
    return bool(st.session_state.get(K_BELOW)) or st.context.url is None


# ---- data -------------------------------------------------------------------------------
path = catalog.catalog_path()
gdf, load_problem = None, None
try:
    key = catalog.catalog_key(path)
    gdf = catalog.load_catalog(key)
except (OSError, ValueError, CatalogError) as exc:
    load_problem = (
        getattr(exc, "message_zh", None)
        or f"项目库 {getattr(path, 'name', '数据库')} 无法读取：{exc}"
    )
    key = None
    gdf = filters.catalog_frame({"features": []})
outline, zones, area_problem = catalog.load_areas()

# ---- the view: filters, selection and map options, from the widgets' state -----------------
# The sidebar is drawn after the map (see ``sidebar.current_query``).
url = st.query_params.to_dict()
url_problems = sidebar.seed_from_url(url, sidebar.year_bounds(gdf))
below = below_map_ready()
if below:
    # Only now: a first page, which draws the map first, then loads neither these modules nor
    # altair, so a cold server starts sooner (imports are most of its first run).
    from ui import charts, tables

    charts.apply_pending()  # a chart click's filter, before the filters are read
# The ids as an index: looked up only when a link names a project (a set cost 60 ms at 100 000).
linked, link_problems = permalink.seed_selection(url, pd.Index(gdf["id"]))
if linked:
    st.session_state[K_SELECTED] = linked
# Notes on a link's bad values stay for the session: the runs that follow a first page (the
# map's first report, the table below it) would otherwise take them away before anyone reads.
url_problems = permalink.kept_notes([*url_problems, *link_problems])
firsts = catalog.first_mentioned(key) if key is not None else None
query = sidebar.current_query(gdf, firsts)
token = tianditu_token()
basemap, editing, basemap_note = sidebar.map_choice(token)
colour_by = sidebar.colour_choice()

# The per-row work of a filter (status and progress as of a year) once per catalog version.
# The progress warnings only when the page shows them: a first page colouring by status
# draws the map without waiting for them (at 100 000 projects most of that work).
shows_progress = below or colour_by == "progress" or query.progress is not None
as_of_columns = (
    catalog.shown_columns(key, query.as_of_year, filters.as_of(query), progress=shows_progress)
    if key is not None
    else None
)
filtered = filters.filter_projects(gdf, query, as_of_columns)
live_total = int((~gdf["deleted"].fillna(False).astype(bool)).sum()) if len(gdf) else 0
gcj02 = mapview.BASEMAPS[basemap].datum == "GCJ02"
payload = (
    catalog.project_payload(key, gcj02)
    if key is not None
    else mapview.encode_projects(gdf, gcj02=gcj02)
)

# Selection: the latest of a map click, a table row or the sidebar picker.
event = mapview.event_to_wgs84(st.session_state.get(K_MAP), basemap)
clicked = mapview.clicked_project(event, payload.ids)
# The click position tells a second click on the same project from a stale report: the map
# moves it by a step new at each click (geo/mapview/js/project_layer.js, apart).
if clicked and new_selection("map", f"{clicked}@{(event or {}).get('last_object_clicked')}"):
    st.session_state[K_SELECTED] = clicked
if new_selection("picker", sidebar.picked()):
    st.session_state[K_SELECTED] = sidebar.picked()
selected_id = st.session_state.get(K_SELECTED)
params = {**query.to_params(), **permalink.view_params(url, selected_id)}
if params != url:
    st.query_params.from_dict(params)

# ---- main area ----------------------------------------------------------------------------
st.title("沙坪坝 项目一张图")
count_line = f"**显示 {len(filtered)} / {live_total} 个项目**"
with st.container(key=chrome.COUNT_KEY):  # hidden while the sidebar shows its own (ui.chrome)
    st.markdown(count_line)
for problem in filter(None, [load_problem, area_problem]):
    st.warning(problem)
# URL values are untrusted: shown as literal text, never as Markdown (links, images).
for note in filter(None, [basemap_note, *(details.md_text(p) for p in url_problems)]):
    st.info(note)
if filtered.empty:
    st.warning("没有符合筛选条件的项目。请放宽筛选条件，或点击侧栏的“重置筛选”。")

ui.intake.render()  # staff only: take in a new report or plan

map_col, detail_col = st.columns([3, 1])
with map_col:
    m = mapview.base_map(
        payload,
        outline,
        zones,
        basemap=basemap,
        token=token,
        editing=editing,
        background_url=catalog.background_url(gcj02),
    )
    colours = filtered[f"{colour_by}_shown"]
    # 标绘模式: where staff clicked and have not saved or cancelled yet, in the map's own datum.
    click = (st.session_state.get(K_MAP) or {}).get("last_clicked")
    placing = editing and ui.edit.current_editor() and ui.edit.pending_click(event)
    pending = (click["lat"], click["lng"]) if placing else None
    if key is not None:  # positions by row number, not by id: a rerun looks up no strings
        rows = gdf.index.get_indexer(filtered.index)
        at = catalog.state_positions(key, gcj02)[rows]
        state = mapview.project_state(
            payload, colours, selected_id, positions=at, colour_by=colour_by, pending=pending
        )
    else:
        state = mapview.project_state(
            payload,
            colours.set_axis(filtered["id"]),
            selected_id,
            colour_by=colour_by,
            pending=pending,
        )
    st_folium(
        m,
        key=K_MAP,
        height=chrome.MAP_PX,  # on a phone, the page's style fits it to the screen (ui.chrome)
        use_container_width=True,
        returned_objects=mapview.returned_objects(editing),
        feature_group_to_add=state,
    )
with detail_col:
    chosen = gdf[gdf["id"] == selected_id] if selected_id is not None else gdf.iloc[:0]
    record = chosen.iloc[0] if len(chosen) else None
    shown = filtered.loc[filtered["id"] == selected_id, "status_shown"]
    details.render(record, shown.iloc[0] if len(shown) else None, filters.as_of(query))

# The sidebar after the map, before anything below that may rerun the page (a click's
# trigger, such as a sidebar button's, is read only by the run that draws its widget). A first
# page draws its widgets with the table, once the map has painted: some fifty widget scripts
# would otherwise load beside the map's frame and hold it back by about 0.7 s.
with st.sidebar:
    st.markdown(count_line)
    if below:
        sidebar.render_filters(gdf, firsts)
        sidebar.render_map_options(token)
        sidebar.render_colour_option()
        sidebar.render_picker(filtered, selected_id)
        # the box now shows the selection: that is not a new pick on the next run
        st.session_state[K_SEEN]["picker"] = sidebar.picked()
        ui.edit.render(selected_id, event)
        ui.transfer.render(filtered, query)
        printing.render(filtered, query, url.get(mapview.VIEW_PARAM))
    else:
        st.caption("筛选条件随后显示……")

if not below:
    st.fragment(_wait_for_map)()
else:
    # What this run built and keeps for the next server is written once the map has painted (or
    # after ``snapshots.LATEST`` if it never says so): pickling holds the interpreter for
    # seconds at 100 000 projects, and while the browser draws the map it still asks this
    # server for the map's scripts and layers, which then waited behind the pickling.
    snapshots.flush()
    # The table, the projects not on the map and the charts are tabs, and only the open one is
    # drawn: a filter change rebuilds one of them, not two tables and five charts, which shared
    # the browser's main thread with the map's repaint (and the server's time).
    listed, unplaced_tab, charted = st.tabs(list(BELOW_TABS), key=K_BELOW_TAB, on_change="rerun")
    row = None
    if listed.open and len(filtered):
        with listed:
            row = new_selection("table", tables.render_table(filtered, selected_id))
    if unplaced_tab.open:
        with unplaced_tab:
            undrawn = set(payload.undrawn)
            row = new_selection("unplaced", tables.render_unplaced(filtered, undrawn, selected_id))
    if charted.open and len(filtered):
        with charted:
            charts.render(
                filtered,
                (lambda year: catalog.status_by_year(key, year)) if key is not None else None,
            )
    if listed.open and filtered.empty:
        listed.caption("没有符合筛选条件的项目。")
    if row and row != selected_id:
        st.session_state[K_SELECTED] = row
        st.rerun()
