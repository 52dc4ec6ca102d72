"""Print-ready maps from the real catalog, read back with pypdf: page size, the title, the
legend's labels, the filters in words and the date are real text in a Chinese font."""

from __future__ import annotations

import io
import re
from datetime import date

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PIL import Image
from pypdf import PdfReader

from geo import printmap
from geo.boundaries import load_outline, load_zones
from geo.places import at_place_points
from geo.printmap import crowds, placing
from geo.printmap import sheet as sheet_module
from projects import filters, store, vocab

PT_PER_MM = 72 / 25.4
DAY = date(2026, 12, 6)


@pytest.fixture(scope="module")
def shown():
    gdf = filters.catalog_frame(store.load_collection(store.CATALOG_PATH))
    return filters.filter_projects(gdf, filters.Query(sectors=("交通", "城市更新")))


def _text(pdf: bytes) -> tuple[str, tuple[float, float]]:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    return page.extract_text(), (float(page.mediabox.width), float(page.mediabox.height))


def test_the_font_is_found_through_fontconfig_and_has_chinese():
    path = printmap.cjk_font_path()
    assert path.exists() and "cjk" in path.name.lower()


@pytest.mark.parametrize("paper, orientation", [("A4", "landscape"), ("A3", "portrait")])
def test_map_pdf_has_title_legend_filters_date_and_paper_size(shown, paper, orientation):
    query = filters.Query(sectors=("交通", "城市更新"))
    sheet = printmap.Sheet(
        paper, orientation, "沙坪坝区 交通与城市更新项目图", printmap.describe_query(query), DAY
    )
    pdf = printmap.render_map(shown, load_outline(), load_zones(), sheet)
    text, size = _text(pdf)
    w, h = printmap.PAPERS[paper]
    expected = (h, w) if orientation == "landscape" else (w, h)
    assert size == pytest.approx(tuple(x * PT_PER_MM for x in expected), abs=0.5)
    assert "沙坪坝区 交通与城市更新项目图" in text
    assert "领域：交通、城市更新" in text
    assert DAY.isoformat() in text
    for label in (*vocab.STATUS_COLOURS, "定位精度", "沙坪坝区界", "北", "公里"):
        assert label in text, label
    assert "EPSG:4544" in text and "数据来源" in text


def test_map_png_and_the_current_view(shown):
    sheet = printmap.Sheet("A4", "portrait", on=DAY)
    view = printmap.view_box((29.56, 106.46), 14)
    png = printmap.render_map(
        shown, load_outline(), load_zones(), sheet, fmt="png", view=view, dpi=60
    )
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size[0] / image.size[1] == pytest.approx(210 / 297, abs=0.01)


def _counts(pdf: bytes) -> tuple[int, int]:
    """(drawn, beyond the frame) as the printed note says them."""
    text = _text(pdf)[0].replace("\n", "")
    found = re.search(r"图中画出 (\d+) 个项目(?:（另有 (\d+) 个在图框以外）)?，", text)
    return int(found.group(1)), int(found.group(2) or 0)


def test_a_zoomed_print_counts_only_what_its_frame_shows(shown):
    drawn_at = at_place_points(shown)  # own positions, and places' points
    own = drawn_at[placing.own_positions(drawn_at)]
    sheet = printmap.Sheet("A4", "landscape", on=DAY)
    # On 沙滨路 (a line) at zoom 17: a few projects cross the frame, the rest are beyond it.
    middle = own.loc[own["id"] == "SPB-0320"].geometry.iloc[0].interpolate(0.5, normalized=True)
    view = printmap.view_box((middle.y, middle.x), 17)
    drawn, beyond = _counts(printmap.render_map(shown, load_outline(), None, sheet, view=view))
    in_view = int(own.intersects(view).sum())  # the printed frame is the view widened to fit
    assert 1 <= in_view <= drawn < len(own) and drawn + beyond == len(own)
    # A corner of the district's box, where nothing is: none drawn, every one beyond.
    x0, y0, _, _ = load_outline().bounds
    view = printmap.view_box((y0, x0), 17)
    pdf = printmap.render_map(shown, load_outline(), None, sheet, view=view)
    assert _counts(pdf) == (0, len(own))
    # The whole district holds them all.
    assert _counts(printmap.render_map(shown, load_outline(), None, sheet)) == (len(own), 0)


#: The north arrow's fill (``sheet._north_arrow``), which nothing else on the sheet uses.
ARROW_RGB = (0x22, 0x22, 0x22)


def _label_touches_arrow(png: bytes) -> bool:
    """True when the 北 label's pure-black glyph is joined to the north arrow without a gap:
    from the arrow's shaft, go up through the dark rows around it and see if they reach ink."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    width = pixels.shape[1]
    arrow = np.all(pixels == ARROW_RGB, axis=2)
    arrow[:, : width // 2] = False  # the arrow is in the map frame's upper right
    column = int(np.argmax(arrow.sum(axis=0)))
    row = int(np.median(np.nonzero(arrow[:, column])[0]))
    half = width // 40
    ink = pixels[:, column - half : column + half + 1].sum(axis=2)
    top = row
    while top > 0 and (ink[top - 1] < 450).any():
        top -= 1
    return bool((ink[top:row] < 30).any())


@pytest.mark.parametrize("paper, orientation", [("A4", "landscape"), ("A3", "portrait")])
def test_the_north_label_stands_clear_of_the_arrow(shown, paper, orientation):
    sheet = printmap.Sheet(paper, orientation, on=DAY)
    png = printmap.render_map(shown, load_outline(), load_zones(), sheet, fmt="png", dpi=120)
    assert not _label_touches_arrow(png)


def test_filters_in_words():
    assert printmap.describe_query(filters.Query()) == (
        "领域：全部；状态：全部；年份：全部；片区：区内全部（不含区外）"
    )
    words = printmap.describe_query(
        filters.Query(statuses=("在建",), years=(2021, 2025), text="轨道")
    )
    assert "状态：在建" in words and "年份：2021–2025" in words and "名称含“轨道”" in words
    # One year is a year, not a span.
    assert "年份：2025；" in printmap.describe_query(filters.Query(years=(2025, 2025)))


@pytest.fixture(scope="module")
def district():
    """The default view of the real catalog (every sector, the district's zones)."""
    gdf = filters.catalog_frame(store.load_collection(store.CATALOG_PATH))
    return filters.filter_projects(gdf, filters.Query())


def _labelled(text: str, key: tuple[str, str]) -> bool:
    """Whether every line of a style's legend label is in the page's text."""
    return all(part in text for part in sheet_module.STYLE_LABELS[key].split("\n"))


@pytest.mark.parametrize("paper, orientation", [("A4", "landscape"), ("A3", "portrait")])
def test_legend_names_every_line_style_the_sheet_draws(district, paper, orientation):
    """The real catalog draws schematic routes (示意走向, dash-dot) and approximate lines
    (dashed): the legend names both, and no style the sheet does not draw."""
    sheet = sheet_module
    drawn = sheet.drawn_styles(district)
    assert ("line", "sketch") in drawn and ("line", "approximate") in drawn
    pdf = printmap.render_map(
        district, load_outline(), load_zones(), printmap.Sheet(paper, orientation, on=DAY)
    )
    text, _ = _text(pdf)
    assert "示意走向" in text and "不是实际走向" in text and "大致走向" in text
    for key in sheet.STYLE_LABELS:
        assert _labelled(text, key) == (key in drawn), key


def test_a_sheet_of_points_lists_no_line_style(district):
    sheet = sheet_module
    points = district[district.geometry.geom_type.isin(["Point"]).to_numpy()]
    assert {family for family, _ in sheet.drawn_styles(points)} == {"point"}
    text, _ = _text(
        printmap.render_map(points, load_outline(), load_zones(), printmap.Sheet("A4", on=DAY))
    )
    assert "虚线：" not in text and "点划线" not in text and "空心虚线圈" in text


def test_sketches_are_told_by_their_basis_and_drawn_dash_dot():
    sheet = sheet_module
    assert sheet.drawn_style("LineString", "approximate", "示意走向：按车站顺序以直线连接") == (
        "line",
        "sketch",
    )
    assert sheet.drawn_style("MultiPolygon", "approximate", "手绘示意范围，非测绘边界") == (
        "polygon",
        "sketch",
    )
    assert sheet.drawn_style("LineString", "approximate", "沿嘉陵江") == ("line", "approximate")
    assert sheet.drawn_style("Point", "approximate", "示意走向的站点") == ("point", "approximate")
    assert sheet.drawn_style("Polygon", "manual", None) == ("polygon", "exact")
    assert sheet.LINE_STYLES["sketch"] != sheet.LINE_STYLES["approximate"]


@pytest.mark.parametrize("paper", list(printmap.PAPERS))
@pytest.mark.parametrize("orientation", list(printmap.ORIENTATIONS))
def test_the_legend_stays_on_the_sheet(district, monkeypatch, paper, orientation):
    """Every legend group lies inside the sheet's margins: on a portrait A4 the zone group ran
    off the right edge (西部现代新城 cut), and now starts a row of its own. The lines of a
    two-line label do not touch either."""
    seen = []
    real = sheet_module._legend

    def legend(fig, *args, **kwargs):
        real(fig, *args, **kwargs)
        renderer = fig.canvas.get_renderer()
        for group in fig.legends:
            box = group.get_window_extent(renderer).transformed(fig.transFigure.inverted())
            seen.append((box.x0, box.x1, box.y0, box.y1))
            for text in group.get_texts():
                assert "\n" not in text.get_text() or text.get_linespacing() >= 1.3

    monkeypatch.setattr(sheet_module, "_legend", legend)
    printmap.render_map(
        district, load_outline(), load_zones(), printmap.Sheet(paper, orientation, on=DAY)
    )
    assert len(seen) == 3
    for x0, x1, y0, y1 in seen:
        assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1, (x0, x1, y0, y1)


@pytest.mark.parametrize("orientation", list(printmap.ORIENTATIONS))
def test_projects_sharing_a_spot_print_as_one_counted_circle_listed_by_letter(
    district, orientation
):
    """15 projects are placed on one point at 磁器口: a zoomed print draws one circle for them
    and its index lists every one of them, with its status, under that circle's letter."""
    drawn = at_place_points(district)  # 磁器口古镇 and the rest refer to 磁器口's point
    own = drawn[placing.own_positions(drawn)]
    spot = own.loc[own["id"] == "SPB-0370"].geometry.iloc[0]
    here = own[own.geometry.geom_type.eq("Point") & own.geometry.geom_equals(spot)]
    assert len(here) >= 10
    view = printmap.view_box((spot.y, spot.x), 14)
    sheet = printmap.Sheet("A4", orientation, on=DAY)
    text = _text(printmap.render_map(district, load_outline(), load_zones(), sheet, view=view))[0]
    assert "同一位置的项目：图上相距 5 毫米" in text and "圈内数字为项目数" in text
    entries = re.findall(r"^([A-Z]+)（(\d+) 个）：(.*?)(?=^[A-Z]+（|^位置精度)", text, re.S | re.M)
    (letter, count, listed) = next(e for e in entries if "磁器口古镇〔运营〕" in e[2])
    listed = listed.replace("\n", "")
    assert int(count) == listed.count("〔") >= len(here)
    for name, status in zip(here["name"], here["status_shown"], strict=True):
        assert f"{name}〔{status}〕" in listed, name
    assert [e[0] for e in entries] == [chr(ord("A") + i) for i in range(len(entries))]


def test_shared_spots_keep_every_marker_clear_of_the_others():
    """Whatever the points, each is in one group, within 5 mm of its group's leader (where the
    circle is drawn), and the circles (leaders) stand more than 5 mm apart."""
    rng = np.random.default_rng(7)
    xy = np.vstack([rng.normal(50, 6, (300, 2)), rng.uniform(0, 200, (200, 2)), [[9, 9]] * 15])
    groups = crowds.group_points(xy)
    assert sorted(i for g in groups for i in g) == list(range(len(xy)))
    leaders = xy[[g[0] for g in groups]]
    for g in groups:
        assert np.all(np.hypot(*(xy[g] - xy[g[0]]).T) <= crowds.CROWD_MM)
    gaps = np.hypot(*(leaders[:, None, :] - leaders[None, :, :]).transpose(2, 0, 1))
    assert gaps[~np.eye(len(leaders), dtype=bool)].min() > crowds.CROWD_MM
    assert max(len(g) for g in groups) >= 15


def _near(pixel: np.ndarray, colour: tuple[float, float, float], tolerance: float = 12) -> bool:
    return bool(np.all(np.abs(pixel[:3].astype(float) - np.array(colour)) <= tolerance))


def test_areas_lines_and_points_keep_their_colours_order_and_open_holes(district):
    """An area under a line under a point, each in its status colour (the area at half
    strength), and the area's hole left open even where its ring winds the way the outline does
    (as some files hold them; it printed filled). The real catalog draws no area of its own on a
    sheet, so the positions here are made up around 磁器口."""
    drawn = at_place_points(district)
    own = drawn[placing.own_positions(drawn)]
    at = own.loc[own["id"] == "SPB-0370"].to_crs(placing.PLANE).geometry.iloc[0]
    x, y = at.x, at.y
    # both rings anticlockwise: nonzero filling takes such a hole as more of the area
    ring = shapely.Polygon(
        [(x - 400, y - 400), (x + 400, y - 400), (x + 400, y + 400), (x - 400, y + 400)],
        [[(x - 150, y - 150), (x + 150, y - 150), (x + 150, y + 150), (x - 150, y + 150)]],
    )
    road = shapely.LineString([(x - 600, y + 250), (x + 600, y + 250)])
    shapes = [ring, road, shapely.Point(x, y + 250)]
    made = gpd.GeoDataFrame(
        {
            "name": ["片区", "道路", "站点"],
            "status_shown": ["在建", "运营", "规划"],
            "precision": ["exact"] * 3,
            "geo_basis": [None] * 3,
        },
        geometry=shapes,
        crs=placing.PLANE,
    ).to_crs("EPSG:4326")
    centre = made.geometry.iloc[0].centroid
    view = printmap.view_box((centre.y, centre.x), 15)
    png = printmap.render_map(
        made, None, None, printmap.Sheet("A4", "landscape", on=DAY), fmt="png", view=view, dpi=200
    )
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    rgb = {
        k: np.array([int(c[i : i + 2], 16) for i in (1, 3, 5)])
        for k, c in vocab.STATUS_COLOURS.items()
    }
    half = (rgb["在建"] + 255) / 2  # the area's fill at 0.5 over white paper
    filled = np.all(np.abs(pixels.astype(float) - half) <= 6, axis=2)
    rows, cols = np.nonzero(filled)
    top, bottom, left, right = rows.min(), rows.max(), cols.min(), cols.max()
    per_m = ((right - left) / 800, (bottom - top) / 800)

    def pixel(dx: float, dy: float) -> np.ndarray:
        cx, cy = (left + right) / 2, (top + bottom) / 2
        return pixels[round(cy - dy * per_m[1]), round(cx + dx * per_m[0])]

    assert per_m[0] == pytest.approx(per_m[1], rel=0.05)  # the square prints square
    assert _near(pixel(0, 0), (255, 255, 255))  # the hole is open
    assert _near(pixel(0, -275), half)  # the area, under nothing
    assert _near(pixel(300, 250), rgb["运营"])  # the line over the area
    assert _near(pixel(0, 250), rgb["规划"])  # the point over the line


#: A row of the printed list as pypdf reads it: number, name and the rest, its place last.
ROW = re.compile(r"^(\d+) (.+) (图中|图外|[A-Z]+|未画出（[^）]+）)$", re.M)
#: The sheet's index entries: letter, count, the names with their statuses.
ENTRY = re.compile(r"^([A-Z]+)（(\d+) 个）：(.*?)(?=^[A-Z]+（|^……|^位置精度)", re.S | re.M)


def _list_rows(pdf: bytes) -> tuple[int, dict[int, tuple[str, str]]]:
    """(pages, {number: (the row's text before its place, its place)}) of a printed list."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    rows = {}
    for page in pages:
        for number, name, place in ROW.findall(page.extract_text()):
            rows.setdefault(int(number), (name, place))
    return len(pages), rows


@pytest.fixture(scope="module")
def district_list(district):
    """The list of the default view for an A4 portrait sheet of the whole district, and its
    sheet (whose index has no room for its last groups: 「……H–J 共 3 组」)."""
    sheet = printmap.Sheet("A4", "portrait", filters_text="领域：全部", on=DAY)
    pdf = printmap.render_list(district, sheet, outline=load_outline())
    return pdf, printmap.render_map(district, load_outline(), load_zones(), sheet)


def test_the_list_holds_every_project_over_numbered_pages(district, district_list):
    pdf, _ = district_list
    reader = PdfReader(io.BytesIO(pdf))
    n = len(reader.pages)
    assert n == pytest.approx(len(district) / 58, abs=1.5) and n > 1
    first = reader.pages[0].extract_text()
    assert "项目清单" in first and DAY.isoformat() in first and "筛选条件：领域：全部" in first
    assert f"共 {len(district)} 个项目" in first
    for k, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"第 {k} / {n} 页" in text
        assert float(page.mediabox.width) == pytest.approx(210 * PT_PER_MM, abs=0.5)
        if ROW.search(text):  # every page of rows repeats the header row
            assert "序号 名称 领域 状态 年份 片区 定位精度 图上位置" in text
    pages, rows = _list_rows(pdf)
    assert sorted(rows) == list(range(1, len(district) + 1))  # every one, in the table's order
    for number, name in zip(rows, district["name"], strict=True):
        assert rows[number][0].startswith(str(name)[:6]), (number, name)


def test_the_list_gives_each_project_the_letter_the_sheet_gives_it(district, district_list):
    """Every letter the sheet's index lists holds the same projects on the list, and the groups
    the index has no room for (「……H–J 共 3 组（16 个项目）未列出」) are on the list too, with
    their projects by number at its end."""
    pdf, sheet_pdf = district_list
    sheet_text = _text(sheet_pdf)[0]
    entries = ENTRY.findall(sheet_text)
    left_out = re.search(r"……([A-Z]+)(?:–([A-Z]+))? 共 (\d+) 组（(\d+) 个项目）未列出", sheet_text)
    assert entries and left_out, sheet_text
    _, rows = _list_rows(pdf)
    by_letter: dict[str, list[str]] = {}
    for name, place in rows.values():
        if place.isascii() and place.isalpha():
            by_letter.setdefault(place, []).append(name)
    for letter, count, listed in entries:
        listed = listed.replace("\n", "")
        assert len(by_letter[letter]) == int(count), letter
        for name in by_letter[letter]:
            assert name.split(" ")[0].rstrip("…")[:6] in listed, (letter, name)
    first, last = left_out.group(1), left_out.group(2) or left_out.group(1)
    unlisted = [k for k in by_letter if (len(k), k) >= (len(first), first)]
    assert max(unlisted, key=lambda k: (len(k), k)) == last
    assert len(unlisted) == int(left_out.group(3))
    assert sum(len(by_letter[k]) for k in unlisted) == int(left_out.group(4))
    end = PdfReader(io.BytesIO(pdf)).pages[-1].extract_text()
    assert f"{last}（{len(by_letter[last])} 个）：" in end
    # the 15 projects placed at 磁器口 share one letter
    spot = district.loc[district["id"] == "SPB-0370"]
    number = int(np.flatnonzero((district["id"] == "SPB-0370").to_numpy())[0]) + 1
    letter = rows[number][1]
    assert len(by_letter[letter]) >= 10
    assert f"{letter}（" in sheet_text or (len(letter), letter) >= (len(first), first)
    assert str(spot["name"].iloc[0]) in rows[number][0]


def test_a_zoomed_list_says_what_is_beyond_the_frame_and_why_the_rest_is_not_drawn(district):
    """On a print of the view around 磁器口, the list's letters are the sheet's (at 磁器口古镇
    too), its 图外 are the sheet's 「另有 N 个在图框以外」, and each project with no position of
    its own says why it is not drawn."""
    spot = at_place_points(district).loc[district["id"] == "SPB-0370"].geometry.iloc[0]
    view = printmap.view_box((spot.y, spot.x), 14)
    sheet = printmap.Sheet("A4", "landscape", on=DAY)
    sheet_pdf = printmap.render_map(district, load_outline(), None, sheet, view=view)
    sheet_text = _text(sheet_pdf)[0]
    laid = placing.plan(district, load_outline(), sheet, view)
    places = placing.places(district, laid)
    drawn, beyond = _counts(sheet_pdf)
    assert places.count(placing.OFF_MAP) == beyond > 0
    assert (
        len(places) - places.count(placing.OFF_MAP) - sum(p.startswith("未画出") for p in places)
        == drawn
    )
    named = {letter: listed.replace("\n", "") for letter, _, listed in ENTRY.findall(sheet_text)}
    at = int(np.flatnonzero((district["id"] == "SPB-0370").to_numpy())[0])
    assert f"{district['name'].iloc[at]}〔" in named[places[at]]
    reasons = {
        "district": "未画出（仅知区内）",
        "zone": "未画出（仅知东/中/西）",
        "area": "未画出（仅知片区）",
        "township": "未画出（仅知镇街）",
    }
    for precision, place in zip(district["precision"], places, strict=True):
        if precision in reasons:
            assert place == reasons[precision]
    pdf = printmap.render_list(district, sheet, outline=load_outline(), view=view)
    _, rows = _list_rows(pdf)
    assert [rows[i + 1][1] for i in range(len(district))] == places
    assert "当前地图范围" in _text(pdf)[0]


def _font_names(pdf: bytes) -> set[str]:
    """The names of the fonts a PDF's pages draw with (a subset's 「ABCDEF+」 tag dropped)."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


def _postscript_name(path) -> str:
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        return font["name"].getDebugName(6)


def test_prints_use_the_simplified_chinese_face_and_a_bold_one_for_bold(shown):
    """Noto Sans CJK is a collection whose first face (the one matplotlib drew with) is the
    Japanese one: the prints now embed its SC face, and the title, the legend's headings and
    the shared spots' letters the SC face of the Bold collection (set bold, they were regular)."""
    sheet = printmap.Sheet("A4", "landscape", "沙坪坝区 项目分布图", on=DAY)
    names = _font_names(printmap.render_map(shown, load_outline(), load_zones(), sheet))
    assert {"NotoSansCJKsc-Regular", "NotoSansCJKsc-Bold"} <= names, names
    assert not any("jp" in name.lower() for name in names), names
    listed = _font_names(printmap.render_list(shown, sheet, outline=load_outline()))
    assert "NotoSansCJKsc-Regular" in listed and not any("jp" in n.lower() for n in listed)
    regular, bold = printmap.cjk_font_path(), printmap.cjk_font_path("bold")
    assert _postscript_name(regular) == "NotoSansCJKsc-Regular"
    assert _postscript_name(bold) == "NotoSansCJKsc-Bold"


def test_the_sc_face_is_copied_out_once(tmp_path, monkeypatch):
    from geo.printmap import fonts

    collection, _ = fonts._fc_match("Noto Sans CJK SC:lang=zh-cn")
    monkeypatch.setenv(fonts.CACHE_ENV, str(tmp_path))
    faces = fonts._faces(collection)
    index = fonts._sc_face(faces, 0)
    assert faces[index][0] == "Noto Sans CJK SC" and index != 0  # not the collection's first
    own = fonts.standalone_face(collection, index)
    assert own.parent == tmp_path and _postscript_name(own) == "NotoSansCJKsc-Regular"
    written = own.stat().st_mtime_ns
    assert fonts.standalone_face(collection, index) == own
    assert own.stat().st_mtime_ns == written  # kept, not written again


def test_without_a_chinese_font_the_error_says_so_in_chinese(monkeypatch):
    from geo.printmap import fonts

    monkeypatch.setattr(fonts, "_candidates", lambda weight: [])
    fonts.cjk_font_path.cache_clear()
    try:
        with pytest.raises(printmap.NoChineseFont) as caught:
            printmap.cjk_font_path()
        assert "没有找到含中文字形的字体" in caught.value.message_zh
        assert "fonts-noto-cjk" in caught.value.message_zh
    finally:
        fonts.cjk_font_path.cache_clear()


def test_without_a_bold_face_bold_text_is_set_regular(monkeypatch):
    from geo.printmap import fonts

    real = fonts._candidates
    monkeypatch.setattr(fonts, "_candidates", lambda weight: real("normal"))
    fonts.cjk_font_path.cache_clear()
    try:
        assert printmap.cjk_font_path("bold") == printmap.cjk_font_path()
    finally:
        fonts.cjk_font_path.cache_clear()


def test_a_view_prints_exactly_what_it_holds_along_one_side(shown):
    """The frame of a view is the view widened to the map box's shape: along one side it is the
    view (within the plane's slight turn from true north), along the other it holds it; the sheet
    prints that frame in degrees. It had a 4 % margin all round, as the district's sheet has."""
    view = shapely.box(106.44, 29.58, 106.46, 29.61)  # a tall view (a phone's)
    sheet = printmap.Sheet("A4", "landscape", on=DAY)
    laid = placing.plan(shown, load_outline(), sheet, view)
    west, south, east, north = laid.lonlat
    assert west < 106.44 and east > 106.46  # widened east and west
    # the sheet's north is the plane's, 0.7° from true north here: 2 % of the height
    near = 0.02 * (29.61 - 29.58)
    assert south == pytest.approx(29.58, abs=near) and north == pytest.approx(29.61, abs=near)
    assert south <= 29.58 and north >= 29.61
    text = _text(printmap.render_map(shown, load_outline(), None, sheet, view=view))[0]
    assert printmap.extent_words(laid.lonlat) in text.replace("\n", "")
    # the district's sheet keeps its margin around the outline
    x0, y0, x1, y1 = load_outline().bounds
    whole = placing.plan(shown, load_outline(), sheet).lonlat
    assert whole[1] < y0 - 0.01 and whole[3] > y1 + 0.01
