"""Where each project lands on a printed map sheet: the ground the sheet's frame shows, the
projects it draws, the groups that share a spot (and their letters), and the index strip under
the map that lists them.

One :func:`plan` serves both prints: the map sheet (:mod:`geo.printmap.sheet`) draws it, and the
project list (:mod:`geo.printmap.listing`) names, for every project, its place on that sheet
(:func:`places`), so a group's letter on the list is the letter beside its circle on the map.
No matplotlib here (positions and words only).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from geo.mapview import PRECISION_CODES
from geo.places import at_place_points
from geo.printmap import crowds
from geo.printmap.paper import Sheet

#: Drawing CRS: CGCS2000 3° Gauss–Krüger CM 105°E (the whole district lies west of 106.5°E).
PLANE = "EPSG:4544"

#: The margin around the district's outline on a sheet of the whole district (a view's frame
#: is the view itself, widened to the frame's shape only).
DISTRICT_PAD = 1.08

#: The sheet's fixed parts, millimetres: margin, title block, foot notes, the legend's column
#: beside a landscape map and its rows under a portrait one.
MARGIN_MM, HEADER_MM, FOOTER_MM, LEGEND_MM, BAND_MM = 12, 26, 30, 62, 44

#: The index of shared spots: its type size (points), line pitch (whole millimetres) and the
#: largest share of the map's height it may take (the rest of a long list: 见项目清单).
INDEX_PT, INDEX_LINE_MM, MAX_INDEX_SHARE = 6.5, 3, 0.22

#: The project list's column that says where a project is on the sheet (:func:`places`).
PLACE_COLUMN = "图上位置"
#: :func:`places`' words for a project drawn on its own, and one whose position is beyond the
#: frame (a print of a zoomed view).
ON_MAP, OFF_MAP = "图中", "图外"
#: Why a project is not drawn, by precision (a reference to an area, not a position of its own).
NOT_DRAWN = {
    "area": "仅知片区",
    "township": "仅知镇街",
    "zone": "仅知东/中/西",
    "district": "仅知区内",
}
UNPLACED = "未定位"


def own_positions(projects: gpd.GeoDataFrame) -> Any:
    """Projects with a position to draw (point, line, shape) at a drawn precision: their own,
    or a place's point once :func:`geo.places.at_place_points` has set it; the rest (known only
    by area, 镇街, zone or district) are counted in the note, not drawn."""
    geom = projects.geometry
    has = geom.notna().to_numpy() & ~geom.is_empty.fillna(True).to_numpy()
    return has & projects["precision"].isin(list(PRECISION_CODES)).to_numpy()


@dataclass(frozen=True)
class Plan:
    """A sheet's layout and what its frame holds. Box and parts in figure units (0–1)."""

    #: Margin (x, y), title block, foot notes, legend column (landscape) and band (portrait).
    margin: tuple[float, float]
    header: float
    footer: float
    legend_w: float
    band: float
    #: The map's box on the sheet (left, bottom, width, height) and the ground it shows.
    map_box: list[float]
    ground: tuple[float, float, float, float]
    metres_per_mm: float
    #: The district's outline in :data:`PLANE` (None without one).
    outline: shapely.Geometry | None
    #: Projects with a position to draw (their own, or a place's point), in :data:`PLANE`,
    #: and where they sit in the projects given (positions).
    shown: gpd.GeoDataFrame
    shown_at: np.ndarray
    #: Those the frame shows (drawn), and their positions in the projects given.
    framed: gpd.GeoDataFrame
    framed_at: np.ndarray
    #: Every drawn single point's group (rows of ``framed``), singles too (:func:`_crowds`).
    groups: list[list[int]]
    #: The index strip's printed lines.
    index: list[str]

    @property
    def lonlat(self) -> tuple[float, float, float, float]:
        """The WGS84 (west, south, east, north) the frame shows (:func:`lonlat_bounds`)."""
        return lonlat_bounds(self.ground)

    @property
    def shared(self) -> list[list[int]]:
        """The groups of more than one project, in the order their letters run."""
        return shared(self.groups)


def shared(groups: list[list[int]]) -> list[list[int]]:
    """The groups of more than one project, in the order their letters run."""
    return [members for members in groups if len(members) > 1]


def plan(
    projects: gpd.GeoDataFrame,
    outline: shapely.Geometry | None,
    sheet: Sheet,
    view: shapely.Geometry | None = None,
) -> Plan:
    """Lay out the sheet of ``projects`` (WGS84, with ``status_shown``) over ``view`` (WGS84:
    the frame holds it exactly along one side, widened along the other to the frame's shape),
    else over the district's ``outline`` with a margin: the map's box, the ground it shows,
    what it draws and the groups sharing a spot. The index strip under the map takes room from
    the map, which changes the ground and so the groups: they are found again on the final
    frame."""
    width_mm, height_mm = sheet.size_mm()
    margin = MARGIN_MM / width_mm, MARGIN_MM / height_mm
    header, footer = HEADER_MM / height_mm, FOOTER_MM / height_mm
    landscape = sheet.orientation == "landscape"
    legend_w = (LEGEND_MM if landscape else 0) / width_mm
    band = 0 if landscape else BAND_MM / height_mm  # the legend's rows below a portrait map

    plane_outline = (
        gpd.GeoSeries([outline], crs="EPSG:4326").to_crs(PLANE).iloc[0] if outline else None
    )
    projects = at_place_points(projects)
    own = own_positions(projects) if len(projects) else np.zeros(0, dtype=bool)
    shown = projects[own].to_crs(PLANE) if len(projects) else projects
    basis = (
        [gpd.GeoSeries([_dense(view)], crs="EPSG:4326").to_crs(PLANE).iloc[0]]
        if view is not None
        else [plane_outline]
        if plane_outline is not None
        else list(shown.geometry)
    )

    def layout(index_mm: float) -> tuple[list[float], tuple[float, float, float, float]]:
        """The map's box on the sheet (figure units) above an index strip ``index_mm`` high,
        and the ground it shows."""
        box = [
            margin[0],
            margin[1] + footer + band + index_mm / height_mm,
            1 - 2 * margin[0] - legend_w,
            1 - 2 * margin[1] - header - footer - band - index_mm / height_mm,
        ]
        aspect = (box[2] * width_mm) / (box[3] * height_mm)
        shapes = [g for g in basis if g is not None] or [shapely.Point(0, 0)]
        ground = _extent(shapes, aspect, 1.0 if view is not None else DISTRICT_PAD)
        return box, ground

    def frame(index_mm: float, most: int | None) -> tuple:
        box, ground = layout(index_mm)
        inside = _inside(shown, ground)
        framed = shown[inside]
        groups = _crowds(framed, ground, box[2] * width_mm)
        metres_per_mm = (ground[2] - ground[0]) / (box[2] * width_mm)
        index = _index_lines(framed, groups, metres_per_mm, index_width_em, most)
        return box, ground, inside, framed, groups, metres_per_mm, index

    # Projects sharing a spot are drawn once, with a count, and listed in an index strip under
    # the map (under the legend's rows on a portrait sheet), which the map gives room to.
    index_width_em = (1 - 2 * margin[0]) * width_mm / (INDEX_PT * 25.4 / 72)
    most_lines = int(MAX_INDEX_SHARE * (1 - 2 * margin[1] - header - footer - band) * height_mm)
    most_lines //= INDEX_LINE_MM
    found = frame(0, None)
    if found[-1]:
        found = frame(min(len(found[-1]), most_lines) * INDEX_LINE_MM + 2, most_lines)
    box, ground, inside, framed, groups, metres_per_mm, index = found
    shown_at = np.flatnonzero(own)
    return Plan(
        margin=margin,
        header=header,
        footer=footer,
        legend_w=legend_w,
        band=band,
        map_box=box,
        ground=ground,
        metres_per_mm=metres_per_mm,
        outline=plane_outline,
        shown=shown,
        shown_at=shown_at,
        framed=framed,
        framed_at=shown_at[inside],
        groups=groups,
        index=index,
    )


def frame_extent(
    projects: gpd.GeoDataFrame,
    outline: shapely.Geometry | None,
    sheet: Sheet,
    view: shapely.Geometry | None = None,
) -> tuple[float, float, float, float]:
    """The WGS84 (west, south, east, north) the sheet of these arguments (:func:`plan`'s)
    frames, as it prints them: for the page to say what a built file shows."""
    return plan(projects, outline, sheet, view).lonlat


def places(projects: gpd.GeoDataFrame, laid: Plan) -> list[str]:
    """Where each of ``projects`` (the frame ``laid`` was planned from, in its order) is on the
    sheet: its group's letter when it shares a spot (A, B …, as beside its circle),
    :data:`ON_MAP` when drawn on its own, :data:`OFF_MAP` when its position lies beyond the
    frame, else 「未画出（…）」 with the reason (:data:`NOT_DRAWN`). What has a position to draw
    is the plan's (``laid.shown_at``), not worked out again."""
    said = [
        f"未画出（{NOT_DRAWN.get(precision, UNPLACED)}）"
        for precision in (projects["precision"] if len(projects) else [])
    ]
    for at in laid.shown_at:
        said[at] = OFF_MAP
    for at in laid.framed_at:
        said[at] = ON_MAP
    for i, members in enumerate(laid.shared):
        for j in members:
            said[laid.framed_at[j]] = crowds.group_letter(i)
    return said


def _inside(shown: gpd.GeoDataFrame, ground: tuple[float, float, float, float]) -> np.ndarray:
    """Which rows of ``shown`` the frame over ``ground`` shows (the ones drawn)."""
    if not len(shown):
        return np.zeros(0, dtype=bool)
    return shown.intersects(shapely.box(*ground)).to_numpy(dtype=bool)


def _crowds(framed: gpd.GeoDataFrame, ground: tuple[float, ...], width_mm: float) -> list:
    """Groups (:func:`crowds.group_points`) of ``framed``'s single points, as row indexes;
    lines, shapes and multi-points are drawn as they are. Singles are groups of one."""
    single = (
        np.flatnonzero((framed.geometry.geom_type == "Point").to_numpy()) if len(framed) else []
    )
    if not len(single):
        return []
    x0, y0, x1, _ = ground
    scale = width_mm / (x1 - x0)
    points = framed.geometry.iloc[single]
    xy = np.column_stack([(points.x - x0) * scale, (points.y - y0) * scale])
    return [[int(single[i]) for i in members] for members in crowds.group_points(xy)]


def _index_lines(
    framed: gpd.GeoDataFrame,
    groups: list[list[int]],
    metres_per_mm: float,
    width_em: float,
    most: int | None = None,
) -> list[str]:
    """The index of shared spots as printed lines: a heading, then each group by its letter
    (in the order of :func:`shared`), at most ``most`` lines, the groups that do not fit
    counted in the last (they are on the project list, by letter). None without a shared
    spot."""
    together = shared(groups)
    if not together:
        return []
    ground = nice_length(crowds.CROWD_MM * metres_per_mm * 2) / 2
    near = f"约 {ground / 1000:g} 公里" if ground >= 1000 else f"约 {ground:g} 米"
    lines = crowds.wrap(
        f"同一位置的项目：图上相距 {crowds.CROWD_MM:g} 毫米（实地{near}）以内的项目合画为一个"
        "圆圈，圈内数字为项目数，圈旁字母对应下列名单（〔〕内为状态）：",
        width_em,
    )
    names, statuses = list(framed["name"]), list(framed["status_shown"].fillna("未知"))
    for i, members in enumerate(together):
        entry = crowds.wrap(
            crowds.index_entry(
                crowds.group_letter(i),
                [str(names[j]) for j in members],
                [str(statuses[j]) for j in members],
            ),
            width_em,
        )
        if most is not None and len(lines) + len(entry) > most - (i < len(together) - 1):
            rest = together[i:]
            count = sum(len(m) for m in rest)
            first, last = crowds.group_letter(i), crowds.group_letter(len(together) - 1)
            which = first if len(rest) == 1 else f"{first}–{last}"
            return [
                *lines,
                f"……{which} 共 {len(rest)} 组（{count} 个项目）未列出，"
                f"见项目清单「{PLACE_COLUMN}」列中的字母。",
            ]
        lines += entry
    return lines


def _dense(shape: shapely.Geometry) -> shapely.Geometry:
    """``shape`` with points every 1/16 of its width along its edges, so that it keeps its
    curved sides in the plane (a box's parallels are not straight there)."""
    x0, _, x1, _ = shape.bounds
    return shapely.segmentize(shape, (x1 - x0) / 16) if x1 > x0 else shape


def lonlat_bounds(ground: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The WGS84 (west, south, east, north) of a frame over ``ground`` (in :data:`PLANE`): what
    the sheet says it shows. The frame's edges are not quite meridians and parallels (the
    plane's north turns from true north east of 105°E), so this box holds the frame."""
    frame = _dense(shapely.box(*ground))
    return tuple(
        float(v) for v in gpd.GeoSeries([frame], crs=PLANE).to_crs("EPSG:4326").total_bounds
    )


def nice_length(max_m: float) -> float:
    """The largest 1/2/5 × 10^n metres not above ``max_m`` (the scale bar's length)."""
    exp = 10 ** math.floor(math.log10(max_m))
    return max(step * exp for step in (1, 2, 5) if step * exp <= max_m)


def _extent(
    shapes: list[shapely.Geometry], aspect: float, pad: float = 1.0
) -> tuple[float, float, float, float]:
    """Bounds around ``shapes`` widened to the map frame's aspect (width / height), each side
    grown by ``pad`` (1.08: a 4 % margin)."""
    x0, y0, x1, y1 = shapely.total_bounds(shapes)
    w, h = (x1 - x0) * pad or 1000.0, (y1 - y0) * pad or 1000.0
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2
