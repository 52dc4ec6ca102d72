"""A print-ready thematic map (专题图) of the current view, as PDF or PNG, drawn on the server.

Why matplotlib: it runs offline with no browser, embeds the Chinese font in the PDF (as real
text, so the title and legend can be searched and copied), and sizes the page in millimetres.
The map is drawn in CGCS2000 3° Gauss–Krüger (EPSG:4544), so the scale bar is true metres.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import shapely  # noqa: E402
from matplotlib import patheffects  # noqa: E402
from matplotlib.collections import LineCollection, PatchCollection  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import FancyArrow, Patch, PathPatch, Rectangle  # noqa: E402
from matplotlib.path import Path as MplPath  # noqa: E402

from geo.mapview import PRECISION_CODES, PRECISION_STYLES, ZONE_COLOURS  # noqa: E402
from geo.places import at_place_points  # noqa: E402
from geo.printmap import crowds, placing  # noqa: E402
from geo.printmap.fonts import cjk_font  # noqa: E402
from geo.printmap.paper import MM, Sheet  # noqa: E402
from geo.printmap.words import SOURCES, extent_words, precision_note  # noqa: E402
from projects import vocab  # noqa: E402

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
    projects = at_place_points(projects)
    own = projects[placing.own_positions(projects)] if len(projects) else projects
    if frame is not None and len(own):
        own = own[own.intersects(frame)]
    basis = own["geo_basis"] if "geo_basis" in own.columns else [None] * len(own)
    found = {
        drawn_style(g.geom_type, p, b)
        for g, p, b in zip(own.geometry, own["precision"], basis, strict=True)
    }
    return [key for key in STYLE_LABELS if key in found]


#: A shared spot's circle, across in points (4.2 mm: room for a two-digit count).
CROWD_MARKER_PT = 12.0
#: Where a shared spot's letter may stand: upper right first, then the other corners.
LETTER_SIDES = ((1, 1), (-1, 1), (1, -1), (-1, -1))


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
    laid = placing.plan(projects, outline, sheet, view)
    margin, footer, band = laid.margin, laid.footer, laid.band
    landscape, legend_w = sheet.orientation == "landscape", laid.legend_w
    plane_outline, shown, framed, groups = laid.outline, laid.shown, laid.framed, laid.groups
    map_box, ground, metres_per_mm, index = (
        laid.map_box,
        laid.ground,
        laid.metres_per_mm,
        laid.index,
    )
    x0, y0, x1, y1 = ground

    fig = plt.figure(figsize=(width_mm * MM, height_mm * MM))
    ax = fig.add_axes(map_box)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_linewidth(0.8)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")

    zone_rows = []
    if zones is not None and len(zones):
        plane_zones = zones.to_crs(placing.PLANE)
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

    # Only what the printed frame shows (``framed``) is drawn and counted (a zoomed view holds a
    # few).
    crowded = {i for members in laid.shared for i in members}
    _draw_projects(ax, framed.iloc[[i for i in range(len(framed)) if i not in crowded]])
    _draw_crowds(ax, framed, groups, metres_per_mm)
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
        else (margin[0], map_box[1] - 4 / height_mm)
    )
    for i, line in enumerate(index):
        fig.text(
            margin[0],
            map_box[1] - band - (3 + i * placing.INDEX_LINE_MM) / height_mm,
            line,
            ha="left",
            va="top",
            fontproperties=cjk_font(placing.INDEX_PT, "bold" if i == 0 else "normal"),
        )
    styles = drawn_styles(framed)
    _legend(fig, legend_at, zone_rows, landscape, styles)
    drawn = len(framed)
    note = precision_note(drawn, int(len(projects) - len(shown)), int(len(shown) - drawn))
    foot = [
        note,
        "数据来源：" + SOURCES,
        f"坐标系：CGCS2000 / 3° 高斯-克吕格 105°E（EPSG:4544）；{extent_words(laid.lonlat)}"
        f"（WGS84）。制图日期：{today.isoformat()}。"
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


#: Per family: z-order (areas under lines under points) and stroke width in points.
AREA_Z, LINE_Z, POINT_Z = 3, 4, 5
LINE_PT, OUTLINE_PT = 1.6, 1.0


def _draw_projects(ax, drawn: gpd.GeoDataFrame) -> None:
    """``drawn``'s own positions in their status colours and precision styles: one collection
    per family (areas, lines, points), each project keeping its own colour, dash and size and
    the frame's order within its family. One artist per project made a sheet of 2 000 cost a
    minute (each artist redrew the figure); three cost what their paths cost, and draw the same."""
    if not len(drawn):
        return
    unknown = vocab.STATUS_COLOURS["未知"]
    statuses = drawn["status_shown"] if "status_shown" in drawn.columns else [None] * len(drawn)
    colours = [vocab.STATUS_COLOURS.get(s, unknown) for s in statuses]
    basis = drawn["geo_basis"] if "geo_basis" in drawn.columns else [None] * len(drawn)
    geoms = drawn.geometry.to_numpy()
    precision = list(drawn["precision"])
    keys = [drawn_style(g.geom_type, p, b) for g, p, b in zip(geoms, precision, basis, strict=True)]
    styles = [PRECISION_STYLES[PRECISION_CODES[p]] for p in precision]
    family = np.array([key[0] for key in keys])
    dashes = [LINE_STYLES[key[1]] for key in keys]

    areas = np.flatnonzero(family == "polygon")
    if len(areas):
        faces = [to_rgba(colours[i], min(0.5, styles[i]["fillOpacity"])) for i in areas]
        ax.add_collection(
            PatchCollection(
                [PathPatch(_area_path(geoms[i])) for i in areas],
                facecolors=faces,
                edgecolors=faces,
                linewidths=OUTLINE_PT,
                linestyles=[dashes[i] for i in areas],
                zorder=AREA_Z,
            ),
            autolim=False,
        )
    lines = np.flatnonzero(family == "line")
    if len(lines):
        parts, owner = shapely.get_parts(geoms[lines], return_index=True)
        xy, part = shapely.get_coordinates(parts, return_index=True)
        cuts = np.flatnonzero(np.diff(part)) + 1
        ax.add_collection(
            LineCollection(
                np.split(xy, cuts),
                colors=[colours[lines[k]] for k in owner],
                linewidths=LINE_PT,
                linestyles=[dashes[lines[k]] for k in owner],
                zorder=LINE_Z,
            ),
            autolim=False,
        )
    points = np.flatnonzero(family == "point")
    if len(points):
        parts, owner = shapely.get_parts(geoms[points], return_index=True)
        xy = shapely.get_coordinates(parts)
        which = points[owner]
        filled = [styles[i]["fillOpacity"] > 0.5 for i in which]
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=[(styles[i]["radius"] * 2.4) ** 2 / 4 for i in which],
            facecolors=[
                colours[i] if full else "none" for i, full in zip(which, filled, strict=True)
            ],
            edgecolors=[colours[i] for i in which],
            linewidths=OUTLINE_PT,
            linestyles=[dashes[i] for i in which],
            zorder=POINT_Z,
        )


def _area_path(area: shapely.Geometry) -> MplPath:
    """One path for a (multi)polygon: each part's outline and holes. matplotlib fills by
    winding (nonzero), so the rings are turned first (outline anticlockwise, holes clockwise):
    a hole wound like its outline, as some files hold them, was printed filled."""
    rings = [
        MplPath(np.asarray(ring.coords)[:, :2], closed=True)
        for part in shapely.get_parts(shapely.orient_polygons(area))
        for ring in (part.exterior, *part.interiors)
    ]
    return MplPath.make_compound_path(*rings)


def _letter_side(centre: np.ndarray, others: np.ndarray, reach: float) -> tuple[int, int]:
    """The first of :data:`LETTER_SIDES` whose letter (``reach`` mm from ``centre``) keeps
    :data:`crowds.CROWD_MM` clear of ``others`` (circles and letters, mm), else the clearest."""

    def clearance(side: tuple[int, int]) -> float:
        spot = centre + np.array(side) * reach
        return float(np.min(np.hypot(*(others - spot).T))) if len(others) else np.inf

    clear = [side for side in LETTER_SIDES if clearance(side) >= crowds.CROWD_MM]
    return clear[0] if clear else max(LETTER_SIDES, key=clearance)


def _draw_crowds(ax, framed: gpd.GeoDataFrame, groups: list[list[int]], mm: float) -> None:
    """One white circle per shared spot, at its leading project's own position, ringed in the
    projects' status colour (dark grey when their statuses differ), with their count inside
    and the group's letter beside it (haloed, so it reads over the zones) on the side
    farthest from the other circles and letters. ``groups``: every drawn single point's group
    (:func:`_crowds`), singles too; ``mm``: ground metres per sheet millimetre."""
    halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
    shared = placing.shared(groups)
    at = [framed.geometry.iloc[m[0]] for m in shared]
    centres = np.array([(p.x, p.y) for p in at]) / mm if at else np.zeros((0, 2))
    singles = [framed.geometry.iloc[m[0]] for m in groups if len(m) == 1]
    letters: list[np.ndarray] = [np.array([(p.x, p.y) for p in singles]) / mm] if singles else []
    offset = CROWD_MARKER_PT * 0.55 * 25.4 / 72  # the letter's corner from the centre, mm
    status = list(framed["status_shown"])
    rings = []
    for members in shared:
        statuses = {status[j] for j in members}
        rings.append(
            vocab.STATUS_COLOURS.get(next(iter(statuses)), vocab.STATUS_COLOURS["未知"])
            if len(statuses) == 1
            else "#444444"
        )
    if shared:  # every circle in one artist, under every count and letter
        ax.scatter(
            [p.x for p in at],
            [p.y for p in at],
            s=CROWD_MARKER_PT**2,
            c="white",
            edgecolors=rings,
            linewidths=1.5,
            zorder=6,
        )
    for i, point in enumerate(at):
        members = shared[i]
        ax.text(
            point.x,
            point.y,
            str(len(members)),
            ha="center",
            va="center_baseline",
            color="#222222",
            fontproperties=cjk_font(6.5, "bold"),
            zorder=7,
        )
        others = [np.delete(centres, i, axis=0), *letters]
        best = _letter_side(centres[i], np.vstack(others), offset * 1.6)
        letters.append((centres[i] + np.array(best) * offset * 1.6)[None, :])
        ax.annotate(
            crowds.group_letter(i),
            (point.x, point.y),
            xytext=(best[0] * offset / 25.4 * 72, best[1] * offset / 25.4 * 72),
            textcoords="offset points",
            ha="left" if best[0] > 0 else "right",
            va="bottom" if best[1] > 0 else "top",
            color="#111111",
            fontproperties=cjk_font(7.5, "bold"),
            path_effects=halo,
            zorder=7,
        )


def _scale_bar(ax, x0: float, y0: float, x1: float, y1: float) -> None:
    length = placing.nice_length((x1 - x0) / 4)
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
    box = legend.get_window_extent(fig.canvas.get_renderer()).transformed(
        fig.transFigure.inverted()
    )
    return legend, box
