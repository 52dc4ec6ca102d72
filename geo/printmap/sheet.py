"""A print-ready thematic map (专题图) of the current view, as PDF or PNG, drawn on the server.

Why matplotlib: it runs offline with no browser, embeds the Chinese font in the PDF (as real
text, so the title and legend can be searched and copied), and sizes the page in millimetres.
The map is drawn in CGCS2000 3° Gauss–Krüger (EPSG:4544), so the scale bar is true metres.
"""

from __future__ import annotations

import io
import math
from datetime import date
from typing import Any

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import shapely  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import FancyArrow, Patch, Rectangle  # noqa: E402

from geo.mapview import PRECISION_CODES, PRECISION_STYLES, ZONE_COLOURS  # noqa: E402
from geo.printmap.fonts import cjk_font  # noqa: E402
from geo.printmap.paper import MM, Sheet  # noqa: E402
from geo.printmap.words import SOURCES, precision_note  # noqa: E402
from projects import vocab  # noqa: E402

#: Drawing CRS: CGCS2000 3° Gauss–Krüger CM 105°E (the whole district lies west of 106.5°E).
PLANE = "EPSG:4544"


def own_positions(projects: gpd.GeoDataFrame) -> Any:
    """Projects with a position of their own (point, line, shape) at a drawn precision; the
    rest (known only by area, 镇街, zone or district) are counted in the note, not drawn."""
    geom = projects.geometry
    has = geom.notna().to_numpy() & ~geom.is_empty.fillna(True).to_numpy()
    return has & projects["precision"].isin(list(PRECISION_CODES)).to_numpy()


#: Words in a position's basis that mark its own line or shape as a sketch: a route drawn
#: through known stations or end points, an outline that was never surveyed.
SKETCH_WORDS = ("示意走向", "示意范围")

#: Line style per drawn kind (matplotlib): solid where the position is exact, manual or
#: imported, dashed where it is approximate, dash-dot where it is a sketch.
LINE_STYLES = {"exact": "-", "approximate": "--", "sketch": "-."}

#: What the legend says for each style the sheet can draw, (family, kind) -> label (broken
#: to fit the 62 mm legend column); only the styles a sheet draws are listed.
STYLE_LABELS: dict[tuple[str, str], str] = {
    ("point", "exact"): "实心点：精确位置或人工标绘",
    ("point", "approximate"): "空心虚线圈：" + vocab.PRECISION_LABELS["approximate"],
    ("line", "exact"): "实线：线路走向（精确或人工标绘）",
    ("line", "approximate"): "虚线：大致走向（1 公里内）",
    ("line", "sketch"): "点划线：示意走向\n站点间以直线相连，不是实际走向",
    ("polygon", "exact"): "实线轮廓：项目范围",
    ("polygon", "approximate"): "虚线轮廓：大致范围（1 公里内）",
    ("polygon", "sketch"): "点划线轮廓：示意范围\n手绘示意，不是测绘边界",
}


def drawn_style(geom_type: str, precision: str | None, basis: object) -> tuple[str, str]:
    """(family, kind) of a drawn position: point, line or polygon; exact, approximate or
    sketch. A point is never a sketch (a sketch is a route or an outline)."""
    family = {"Point": "point", "LineString": "line"}.get(
        geom_type.removeprefix("Multi"), "polygon"
    )
    if family != "point" and any(w in str(basis or "") for w in SKETCH_WORDS):
        return family, "sketch"
    dashed = bool(PRECISION_STYLES[PRECISION_CODES[precision]]["dashArray"]) if precision else False
    return family, "approximate" if dashed else "exact"


def drawn_styles(
    projects: gpd.GeoDataFrame, frame: shapely.Geometry | None = None
) -> list[tuple[str, str]]:
    """The styles a sheet of ``projects`` draws (within ``frame``, in the projects' CRS, where
    given), in legend order (``STYLE_LABELS``)."""
    own = projects[own_positions(projects)] if len(projects) else projects
    if frame is not None and len(own):
        own = own[own.intersects(frame)]
    basis = own["geo_basis"] if "geo_basis" in own.columns else [None] * len(own)
    found = {
        drawn_style(g.geom_type, p, b)
        for g, p, b in zip(own.geometry, own["precision"], basis, strict=True)
    }
    return [key for key in STYLE_LABELS if key in found]


def _nice_length(max_m: float) -> float:
    """The largest 1/2/5 × 10^n metres not above ``max_m`` (the scale bar's length)."""
    exp = 10 ** math.floor(math.log10(max_m))
    return max(step * exp for step in (1, 2, 5) if step * exp <= max_m)


def _extent(shapes: list[shapely.Geometry], aspect: float) -> tuple[float, float, float, float]:
    """Bounds around ``shapes`` widened to the map frame's aspect (width / height), 4 % margin."""
    x0, y0, x1, y1 = shapely.total_bounds(shapes)
    w, h = (x1 - x0) * 1.08 or 1000.0, (y1 - y0) * 1.08 or 1000.0
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def render_map(
    projects: gpd.GeoDataFrame,
    outline: shapely.Geometry | None,
    zones: gpd.GeoDataFrame | None,
    sheet: Sheet,
    *,
    fmt: str = "pdf",
    view: shapely.Geometry | None = None,
    dpi: int = 200,
) -> bytes:
    """The map as PDF or PNG bytes. ``projects`` are the filtered projects (WGS84) with
    ``status_shown``; ``view`` (WGS84) limits the map to the current view, else the district."""
    if fmt not in ("pdf", "png"):
        raise ValueError(f"fmt was {fmt!r} but is expected to be 'pdf' or 'png'")
    width_mm, height_mm = sheet.size_mm()
    fig = plt.figure(figsize=(width_mm * MM, height_mm * MM))
    margin = 12 / width_mm, 12 / height_mm
    header, footer = 26 / height_mm, 30 / height_mm
    landscape = sheet.orientation == "landscape"
    legend_w = (62 if landscape else 0) / width_mm
    map_box = [
        margin[0],
        margin[1] + footer + (0 if landscape else 44 / height_mm),
        1 - 2 * margin[0] - legend_w,
        1 - 2 * margin[1] - header - footer - (0 if landscape else 44 / height_mm),
    ]
    ax = fig.add_axes(map_box)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_linewidth(0.8)

    plane_outline = (
        gpd.GeoSeries([outline], crs="EPSG:4326").to_crs(PLANE).iloc[0] if outline else None
    )
    shown = projects[own_positions(projects)].to_crs(PLANE) if len(projects) else projects
    frame_aspect = (map_box[2] * width_mm) / (map_box[3] * height_mm)
    basis = (
        [gpd.GeoSeries([view], crs="EPSG:4326").to_crs(PLANE).iloc[0]]
        if view is not None
        else [plane_outline]
        if plane_outline is not None
        else list(shown.geometry)
    )
    x0, y0, x1, y1 = _extent(
        [g for g in basis if g is not None] or [shapely.Point(0, 0)], frame_aspect
    )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")

    zone_rows = []
    if zones is not None and len(zones):
        plane_zones = zones.to_crs(PLANE)
        for _, z in plane_zones.iterrows():
            short = str(z.get("zone") or z.get("short_name") or z.get("name") or "")
            colour = z.get("colour") or ZONE_COLOURS.get(short, "#dddddd")
            label = str(z.get("name") or short)
            gpd.GeoSeries([z.geometry]).plot(
                ax=ax, color=colour, alpha=0.45, edgecolor="#888888", linewidth=0.5, zorder=1
            )
            zone_rows.append((label, colour))
    if plane_outline is not None:
        gpd.GeoSeries([plane_outline]).boundary.plot(
            ax=ax, color="#333333", linewidth=1.4, zorder=2
        )

    # Only what the printed frame shows is drawn and counted (a zoomed view holds a few).
    frame = shapely.box(x0, y0, x1, y1)
    inside = shown.intersects(frame).to_numpy(dtype=bool) if len(shown) else np.zeros(0, bool)
    codes = (
        projects.loc[own_positions(projects), "precision"].map(PRECISION_CODES)[inside]
        if len(projects)
        else []
    )
    for (_, row), code in zip(shown[inside].iterrows(), codes, strict=True):
        style = PRECISION_STYLES[code]
        colour = vocab.STATUS_COLOURS.get(row.get("status_shown"), vocab.STATUS_COLOURS["未知"])
        geom = row.geometry
        family, kind = drawn_style(geom.geom_type, row.get("precision"), row.get("geo_basis"))
        dash = LINE_STYLES[kind]
        series = gpd.GeoSeries([geom])
        if family == "point":
            filled = style["fillOpacity"] > 0.5
            series.plot(
                ax=ax,
                markersize=(style["radius"] * 2.4) ** 2 / 4,
                color=colour if filled else "none",
                edgecolor=colour,
                linewidth=1.0,
                linestyle=dash,
                zorder=5,
            )
        elif family == "line":
            series.plot(ax=ax, color=colour, linewidth=1.6, linestyle=dash, zorder=4)
        else:
            series.plot(
                ax=ax,
                color=colour,
                alpha=min(0.5, style["fillOpacity"]),
                edgecolor=colour,
                linewidth=1.0,
                linestyle=dash,
                zorder=3,
            )

    ax.set_xlabel("")
    ax.set_ylabel("")
    _scale_bar(ax, x0, y0, x1, y1)
    _north_arrow(ax)
    today = sheet.on or date.today()
    fig.text(
        0.5,
        1 - margin[1] - 9 / height_mm,
        sheet.title,
        ha="center",
        va="center",
        fontproperties=cjk_font(18, "bold"),
    )
    if sheet.filters_text:
        fig.text(
            0.5,
            1 - margin[1] - 19 / height_mm,
            "筛选条件：" + sheet.filters_text,
            ha="center",
            va="center",
            fontproperties=cjk_font(8.5),
            wrap=True,
        )
    legend_at = (
        (1 - margin[0] - legend_w + 4 / width_mm, map_box[1] + map_box[3])
        if landscape
        else (margin[0], margin[1] + footer + 40 / height_mm)
    )
    styles = drawn_styles(shown, frame)
    _legend(fig, legend_at, zone_rows, landscape, styles)
    drawn = int(inside.sum())
    note = precision_note(drawn, int(len(projects) - len(shown)), int(len(shown) - drawn))
    foot = [
        note,
        "数据来源：" + SOURCES,
        f"坐标系：CGCS2000 / 3° 高斯-克吕格 105°E（EPSG:4544）。制图日期：{today.isoformat()}。"
        "本图为规划项目示意，不作为用地与权属依据。",
    ]
    for i, line in enumerate(foot):
        fig.text(
            margin[0],
            margin[1] + footer - (4 + i * 8.5) / height_mm,
            line,
            ha="left",
            va="top",
            fontproperties=cjk_font(6.5),
            wrap=True,
        )
    out = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 42, "svg.fonttype": "none"}):
        fig.savefig(out, format=fmt, dpi=dpi if fmt == "png" else None)
    plt.close(fig)
    return out.getvalue()


def _scale_bar(ax, x0: float, y0: float, x1: float, y1: float) -> None:
    length = _nice_length((x1 - x0) / 4)
    left, bottom = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.04
    h = (y1 - y0) * 0.008
    for i in range(2):
        ax.add_patch(
            Rectangle(
                (left + i * length / 2, bottom),
                length / 2,
                h,
                facecolor="#333333" if i == 0 else "white",
                edgecolor="#333333",
                linewidth=0.6,
                zorder=10,
            )
        )
    label = f"{length / 1000:g} 公里" if length >= 1000 else f"{length:g} 米"
    ax.text(left, bottom + h * 2.2, "0", fontproperties=cjk_font(7), ha="center", zorder=10)
    ax.text(
        left + length, bottom + h * 2.2, label, fontproperties=cjk_font(7), ha="center", zorder=10
    )


def _north_arrow(ax) -> None:
    ax.add_patch(
        FancyArrow(
            0.94,
            0.84,
            0,
            0.09,
            width=0.012,
            head_width=0.035,
            head_length=0.035,
            # The tip at 0.93, below the 北 label at 0.945 (else the glyph sits on the tip).
            length_includes_head=True,
            transform=ax.transAxes,
            color="#222222",
            zorder=10,
        )
    )
    ax.text(
        0.94,
        0.945,
        "北",
        transform=ax.transAxes,
        ha="center",
        va="bottom",
        fontproperties=cjk_font(10, "bold"),
        zorder=10,
    )


def _style_handle(key: tuple[str, str]) -> Any:
    """A legend entry drawn as the sheet draws that style, in a neutral grey (the colour on the
    map is the status)."""
    family, kind = key
    grey, dash, label = "#636363", LINE_STYLES[key[1]], STYLE_LABELS[key]
    if family == "point":
        exact = kind == "exact"
        return Line2D(
            [],
            [],
            marker="o",
            linestyle="none",
            markersize=7 if exact else 8,
            markerfacecolor=grey if exact else "none",
            markeredgecolor=grey,
            label=label,
        )
    if family == "line":
        return Line2D([], [], color=grey, linewidth=1.6, linestyle=dash, label=label)
    return Patch(facecolor="#63636340", edgecolor=grey, linewidth=1.0, linestyle=dash, label=label)


def _legend(
    fig,
    at: tuple[float, float],
    zone_rows: list[tuple[str, str]],
    column: bool,
    styles: list[tuple[str, str]],
) -> None:
    status = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="none",
            markersize=7,
            markerfacecolor=c,
            markeredgecolor=c,
            label=s,
        )
        for s, c in vocab.STATUS_COLOURS.items()
    ]
    precision = [_style_handle(key) for key in styles]
    areas = [
        Patch(facecolor=c, alpha=0.45, edgecolor="#888888", label=label) for label, c in zone_rows
    ]
    areas.append(Line2D([], [], color="#333333", linewidth=1.4, label="沙坪坝区界"))
    groups = [("状态", status), ("定位精度与线型", precision), ("片区（示意）", areas)]
    groups = [(title, handles) for title, handles in groups if handles]
    y = at[1]
    x = at[0]
    row_bottom = y
    for title, handles in groups:
        legend, box = _legend_group(fig, title, handles, (x, y), column)
        if not column and box.x1 > 1 - at[0] and x > at[0]:
            # past the sheet's right margin: the group starts a new row below the others
            legend.remove()
            x, y = at[0], row_bottom - 0.01
            legend, box = _legend_group(fig, title, handles, (x, y), column)
        row_bottom = min(row_bottom, box.y0)
        if column:
            y = box.y0 - 0.01
        else:
            x = box.x1 + 0.02


def _legend_group(fig, title: str, handles: list, at: tuple[float, float], column: bool):
    """One titled group of the legend at ``at`` (its upper left), and its box in figure units."""
    legend = fig.legend(
        handles=handles,
        title=title,
        loc="upper left",
        bbox_to_anchor=at,
        frameon=False,
        prop=cjk_font(7.5),
        title_fontproperties=cjk_font(8.5, "bold"),
        alignment="left",
        ncols=1 if column else 2,
    )
    for text in legend.get_texts():  # a two-line label's lines must not touch
        text.set_linespacing(1.35)
    fig.canvas.draw_idle()
    box = legend.get_window_extent(fig.canvas.get_renderer()).transformed(
        fig.transFigure.inverted()
    )
    return legend, box
