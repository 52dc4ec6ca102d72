"""Export downloads for everyone and file import for staff, in the sidebar.

Widgets only: the files come from ``geo.exchange.export.export`` (the same call as the command line),
the import from ``geo.exchange.imports`` and the save from ``projects.store`` (which checks the login
again, whatever this panel shows).
"""

from __future__ import annotations

import json
import logging
import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import exchange
from projects import filters, store
from projects.errors import CatalogError, StaleVersion
from ui import catalog
from ui.details import md_text
from ui.edit import EMPTY, current_editor, stale_lines

log = logging.getLogger(__name__)

K_SCOPE, K_FORMAT, K_CRS, K_SPLIT = "x_scope", "x_format", "x_crs", "x_split"
K_BUILD, K_BUILT = "x_build", "x_built"
K_IMPORT_NONCE, K_IMPORT_FLASH = "im_nonce", "im_flash"
#: The preview staff are shown, kept with what it was made from (upload, CRS, encoding), so
#: 确认导入 saves exactly that preview on the versions it showed: one remade on the click's rerun
#: would be based on a colleague's save made meanwhile, and overwrite it unseen.
K_IMPORT_PREVIEW = "im_preview"
#: The import dialog is open (kept across the page's full reruns until applied or dismissed).
K_IMPORT_OPEN = "im_open_dialog"
FILTERED, WHOLE = "filter", "all"
AUTO = "auto"

#: What an export file depends on: (catalog version, scope with its query as JSON, format, crs,
#: split, geometry). The filter result is a function of the catalog and the query, so this is
#: enough.
#: (A missing catalog is "missing": ``whole`` is then the page's own empty frame.)
Request = tuple[str, str, str, str, bool, str]


@st.cache_data(max_entries=8, ttl=300, show_spinner="正在生成导出文件……")
def _export(request: Request, _frame: gpd.GeoDataFrame, path: str) -> exchange.Export:
    """One export per request (shared between sessions); ``_frame`` is not hashed."""
    _, scope_json, fmt, crs, split, geometry = request
    zones, outline = exchange.boundary_layers() if fmt in exchange.WITH_BOUNDARIES else (None, None)
    with warnings.catch_warnings():  # the panel shows them from the result
        warnings.simplefilter("ignore", exchange.ExportWarning)
        return exchange.export(
            _frame,
            fmt,
            crs,
            scope=json.loads(scope_json),
            split_by_type=split,
            catalog_version=exchange.catalog_version(Path(path))
            if Path(path).exists()
            else "missing",
            zones=zones,
            outline=outline,
            geometry=geometry,
        )


def _live(whole: gpd.GeoDataFrame) -> Any:
    """The mask of projects not deleted."""
    return ~whole["deleted"].fillna(False).astype(bool)


def render(filtered: Any, query: Any) -> None:
    """Draw the export panel (and the import panel for a logged-in editor) into the sidebar.

    The file is built only when asked for (the 生成文件 button): building one takes seconds at
    10 000 projects, and a filter change must not pay for it. The built file is kept in this
    session for as long as the request (catalog version, scope, format, crs, split) is unchanged,
    so its download button survives unrelated reruns and never offers a stale file.
    """
    st.divider()
    st.subheader("导出")
    path = catalog.catalog_path()
    try:
        key = catalog.catalog_key(path)
        whole = catalog.load_catalog(key)
        version = key[1]
    except (OSError, CatalogError):
        version, whole = "missing", filtered
    counts = {FILTERED: len(filtered), WHOLE: int(_live(whole).sum()) if len(whole) else 0}
    scope_kind = st.radio(
        "范围",
        [FILTERED, WHOLE],
        format_func=lambda k: f"{'当前筛选' if k == FILTERED else '全部项目'}（{counts[k]} 个）",
        horizontal=True,
        key=K_SCOPE,
    )
    fmt = st.selectbox(
        "格式",
        list(exchange.FORMATS),
        format_func=lambda f: exchange.FORMATS[f].label,
        key=K_FORMAT,
        placeholder="请选择",
    )
    spec = exchange.FORMATS[fmt]
    crs = st.selectbox(
        "坐标系",
        list(spec.crss),
        format_func=lambda c: exchange.CRSS[c].label,
        key=f"{K_CRS}_{fmt}",
        placeholder="请选择",
    )
    split = False
    if spec.splittable:
        split = bool(st.checkbox("每种几何类型一个文件（ArcGIS「JSON 转要素」需要）", key=K_SPLIT))
    geometry = (
        "representative"
        if st.checkbox(
            "按地名定位的项目画在所在地名的代表点上",
            key="x_representative",
            help="默认这些项目没有几何，只带所在地名编号和名称（地名本身单独成层）；"
            "勾选后用地名的代表点，并在“几何来源”中注明不是项目自身的位置。",
        )
        else "own"
    )
    holds = contents(fmt, crs, split, geometry)
    if holds:
        st.caption(md_text(holds))
    scope: dict[str, Any] = {"kind": scope_kind}
    if scope_kind == FILTERED:
        scope["query"] = query.to_params()
    request: Request = (
        version,
        json.dumps(scope, ensure_ascii=False, sort_keys=True),
        fmt,
        crs,
        split,
        geometry,
    )
    built = st.session_state.get(K_BUILT)
    if built is not None and built[0] != request:
        del st.session_state[K_BUILT]  # the options or the catalog changed: that file is stale
        built = None
    # One place for the button: 生成 until the file is built, then 下载 instead of it. The run
    # of the 生成 click draws the download; drawn below the button, both stayed on screen until
    # the next rerun.
    slot = st.empty()
    if built is None:
        label = f"生成 {spec.label} 文件（{counts[scope_kind]} 个项目）"
        if not slot.button(label, key=K_BUILD, width="stretch"):
            st.caption("选好范围、格式和坐标系后生成文件，再下载。")
            _render_import()
            return
        slot.empty()  # the click is taken: the button goes while the file is built
        # From the frame ``version`` was read with, so the file and its cache key agree even if a
        # save landed since app.py loaded ``filtered``.
        frame = (
            filters.filter_projects(whole, query) if scope_kind == FILTERED else whole[_live(whole)]
        )
        try:
            built = (request, _export(request, frame, str(path)))
        except CatalogError as exc:
            st.error(md_text(exc.message_zh))
            _render_import()
            return
        st.session_state[K_BUILT] = built
    result: exchange.Export = built[1]
    slot.download_button(
        f"下载 {spec.label}（{result.count} 个项目）",
        # Handed over on click: a rerun with the file on offer doesn't re-register its bytes.
        data=lambda: result.data,
        file_name=result.filename,
        mime=result.mime,
        key="x_download",
        on_click="ignore",
        width="stretch",
    )
    st.caption(md_text(f"文件：{result.filename}"))
    for note in result.warnings:
        st.caption(md_text(f"注意：{note}"))
    _render_import()


def contents(fmt: str, crs: str, split: bool, geometry: str = "own") -> str:
    """What a download of several layers holds, in the words of its file and folder names, so
    the places layers are found before the file is opened ("" for a one-table file).

    With ``geometry="representative"`` the projects placed by a place are drawn on its point,
    so only those without a position are left in projects_unplaced."""
    places = (
        "places_point、places_line、places_polygon 为所选项目所在的地名（片区、园区、镇街等，"
        "每个一次，按所在地名编号 place_id 与项目关联）"
    )
    bare = "没有位置的项目" if geometry == "representative" else "没有自身几何的项目"
    if fmt == "shp":
        prj = "UTF-8 .cpg" if crs == exchange.GCJ02 else ".prj 与 UTF-8 .cpg"
        return (
            "压缩包内：projects_point、projects_line、projects_polygon 为项目，每种几何类型一套 "
            f"Shapefile，projects_unplaced.dbf 为{bare}（只有属性）；{places}。每套含 {prj}；"
            f"字段名对照见 fields.csv，列表与超长文字的完整内容在 {exchange.RELATED_TABLE}，"
            "按编号 id 关联。"
        )
    if fmt in ("kml", "kmz"):
        return (
            "文件夹：projects_point、projects_line、projects_polygon 为项目（按状态着色），"
            f"projects_unplaced 为{bare}（只有属性）；{places.replace('地名（', '地名（灰色，', 1)}。"
        )
    if fmt == "geojson" and split:
        return (
            "压缩包内：projects_point、projects_line、projects_polygon.geojson 为项目，"
            f"projects_unplaced.geojson 为{bare}；{places.replace(' 为', '.geojson 为', 1)}；"
            "另有 metadata.json。"
        )
    if fmt in exchange.WITH_BOUNDARIES:
        return (
            "图层：projects_point、projects_line、projects_polygon 为项目，"
            f"projects_unplaced 为{bare}（只有属性）；{places}；zones 为东中西片区，"
            "outline 为区界。"
        )
    return ""


def shown_preview(table: pd.DataFrame) -> pd.DataFrame:
    """The preview as staff read it: an empty 原值/新值 says （空）, not a blank cell that looks
    like a value not yet loaded.

    >>> shown_preview(pd.DataFrame({"原值": ["", "2021"], "新值": ["区规划自然资源局", ""]}))
         原值        新值
    0   （空）  区规划自然资源局
    1  2021       （空）
    """
    values = [c for c in ("原值", "新值") if c in table]
    out = table.copy()
    out[values] = out[values].fillna("").replace("", EMPTY)
    return out


def import_refusal(exc: CatalogError) -> str:
    """Why an import was not saved, one line a sentence. When colleagues saved some of the
    file's projects after its preview, it names each, what they changed in words (as the edit
    form's refusal does) and what to do: nothing of the file was saved, and uploading it again
    would preview their values back to the file's old ones wherever the file gives that field.
    """
    if not isinstance(exc, StaleVersion) or not exc.head:
        return exc.message_zh
    lines = stale_lines(exc)
    return "\n".join(
        [
            f"导入未保存：预览之后，其他人修改了文件中的 {len(lines)} 个项目：",
            *(f"· {line}。" for line in lines),
            "文件中的新增和修改都没有保存，项目库保持原样。请重新导出这些项目（或全部项目），"
            "在新文件中重做您的修改后再导入；若直接重新上传原文件，文件中这些字段的旧值会把"
            "同事的修改改回去。",
        ]
    )


def _render_import() -> None:
    st.subheader("导入（工作人员）")
    flash = st.session_state.pop(K_IMPORT_FLASH, None)
    if flash:
        st.success(md_text(flash))
    editor = current_editor()
    if editor is None:
        st.caption(
            "登录编辑账号后，可上传 GeoJSON、GeoPackage、zip 压缩的 Shapefile 或 File Geodatabase、Excel 或 CSV 批量新增、修改项目。"
        )
        return
    st.button("导入文件…", key="im_open", width="stretch", on_click=_open_import)
    if st.session_state.get(K_IMPORT_OPEN):
        _import_dialog(editor)


def _open_import() -> None:
    st.session_state[K_IMPORT_OPEN] = True


def _close_import() -> None:
    st.session_state[K_IMPORT_OPEN] = False
    st.session_state.pop(K_IMPORT_PREVIEW, None)


@st.dialog("导入项目文件", width="large", on_dismiss=_close_import)
def _import_dialog(editor: Any) -> None:
    """Upload, preview (full width) and apply, over the main area."""
    nonce = st.session_state.setdefault(K_IMPORT_NONCE, 0)
    upload = st.file_uploader(
        f"上传文件（不超过 {exchange.MAX_BYTES // 2**20} MB）",
        type=["geojson", "json", "gpkg", "zip", "csv", "xlsx"],
        max_upload_size=exchange.MAX_BYTES // 2**20,
        key=f"im_file_{nonce}",
    )
    crs = st.selectbox(
        "坐标系（文件未注明时使用）",
        [AUTO, *exchange.CRS_CHOICES],
        format_func=lambda c: "按文件（未注明时请选择）" if c == AUTO else exchange.CRS_CHOICES[c],
        key="im_crs",
        help="文件没有注明坐标系（CSV、缺 .prj 的 Shapefile）时按此读取；没有 crs 的 GeoJSON "
        "默认为 WGS84，在此另选即按所选读取。选 GCJ-02 时，标为 WGS84 的文件也按 GCJ-02 读取"
        "（高德、腾讯地图导出的数据常见这种情况）。",
        placeholder="请选择",
    )
    encoding = st.selectbox(
        "文字编码",
        [AUTO, "UTF-8", "GBK"],
        format_func=lambda e: "自动识别" if e == AUTO else e,
        key="im_encoding",
        placeholder="请选择",
    )
    if upload is None:
        return
    path = catalog.catalog_path()
    outline = catalog.load_areas()[0]
    made_from = (nonce, upload.file_id, upload.name, crs, encoding)
    held = st.session_state.get(K_IMPORT_PREVIEW)
    if held is not None and held[0] == made_from:
        read, result = held[1], held[2]
    else:
        st.session_state.pop(K_IMPORT_PREVIEW, None)
        try:
            read = exchange.read_upload(
                upload.getvalue(),
                upload.name,
                crs=None if crs == AUTO else crs,
                encoding=None if encoding == AUTO else encoding,
            )
            result = exchange.preview(read, store.load(path), outline)
        except CatalogError as exc:
            st.error("  \n".join(md_text(line) for line in exc.message_zh.splitlines()))
            return
        st.session_state[K_IMPORT_PREVIEW] = (made_from, read, result)
    st.caption(
        md_text(
            f"{read.filename}：编码 {read.encoding}，"
            + (
                f"坐标系 {read.crs}{'（文件注明）' if read.crs_from_file else '（按所选）'}。"
                if read.crs
                else "文件没有几何，位置不变。"
            )
        )
    )
    st.markdown(
        f"**新增 {len(result.added)} 个，修改 {len(result.changed)} 个，无变化 {len(result.unchanged)} 个**"
    )
    for note in result.notes:
        st.caption(md_text(note))
    for warning in result.warnings:  # kept zones the new positions do not lie in
        st.warning("  \n".join(md_text(line) for line in warning.splitlines()))
    table = shown_preview(exchange.preview_table(result))
    if len(table):
        st.dataframe(table, hide_index=True, width="stretch")
    if not (result.added or result.changed):
        st.info("文件与项目库一致，无需导入。")
        return
    if st.button("确认导入（一次保存，记入修改历史）", key="im_apply", type="primary"):
        try:
            exchange.apply(result, editor, path=path, outline=outline)
        except CatalogError as exc:
            st.error("  \n".join(md_text(line) for line in import_refusal(exc).splitlines()))
            return
        except Exception:  # a fault of ours: a sentence for staff, the traceback for the log
            log.exception("import apply failed")
            st.error("导入未完成：系统出现意外错误，详情已记入服务器日志。请刷新页面查看后重试。")
            return
        followed = sum(r.zone_follows is not None for r in result.rows)
        kept = sum(r.zone_note is not None for r in result.rows)
        st.session_state[K_IMPORT_FLASH] = (
            f"已导入 {read.filename}：新增 {len(result.added)} 个，修改 {len(result.changed)} 个。"
            + (f"{followed} 个项目的片区按新位置确定。" if followed else "")
            + (
                f"{kept} 个项目的片区依据原文或人工设定，未随新位置改变（已记入修改历史）。"
                if kept
                else ""
            )
        )
        st.session_state[K_IMPORT_NONCE] = nonce + 1
        st.session_state[K_IMPORT_OPEN] = False
        st.session_state.pop(K_IMPORT_PREVIEW, None)
        st.rerun()
