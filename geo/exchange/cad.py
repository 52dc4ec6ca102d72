"""DXF for AutoCAD and CASS (ezdxf): one layer per status, names as text, metres in Gauss–Krüger.

CAD drawings at 规划院 are in CGCS2000 Gauss–Krüger metres, so only EPSG:4544/4545 are offered.
Points are POINT entities (drawn as a circled cross, 20 m), lines open polylines, polygons one
closed polyline per ring. Each project's name is a TEXT on the layer 项目名称; every entity
carries the project id and name as XDATA (application ``SHAPINGBA``). Projects without a
position have nothing to draw and are left out (the note says how many). Projects drawn on their
place's representative point (on request) go on layers of their own, ``项目_<status>_地名代表点``
and ``项目名称_地名代表点``, so they are never taken for positions.
"""

from __future__ import annotations

import io
from typing import Any

import shapely

from geo.exchange.formats import METRE_DECIMALS
from projects import vocab

#: The layer the project names are written on.
LABEL_LAYER = "项目名称"

#: XDATA application name: the project id and name on every entity.
APPID = "SHAPINGBA"

#: Text height and point symbol size, in metres (readable at 1:10 000).
TEXT_HEIGHT, POINT_SIZE = 25.0, 20.0


#: Suffix of the layers of projects drawn on their place's representative point (drawn only on
#: request): a CAD user turns them off, or tells them from projects' own positions.
BORROWED = "_地名代表点"


def status_layer(status: str | None, borrowed: bool = False) -> str:
    """The layer a project is drawn on: 项目_<status>, or 项目_<status>_地名代表点 where the
    point is its place's, not the project's."""
    status = status if status in vocab.ALL_STATUSES else vocab.UNKNOWN_STATUS
    return f"项目_{status}{BORROWED if borrowed else ''}"


def _rgb(hex_rgb: str) -> tuple[int, int, int]:
    return int(hex_rgb[1:3], 16), int(hex_rgb[3:5], 16), int(hex_rgb[5:7], 16)


def _nearest_aci(rgb: tuple[int, int, int]) -> int:
    """The AutoCAD colour index closest to ``rgb`` (R2000 layers have no true colour)."""
    from ezdxf import colors

    return min(
        range(1, 256),
        key=lambda i: sum((a - b) ** 2 for a, b in zip(colors.aci2rgb(i), rgb, strict=True)),
    )


def _xy(coords: Any) -> list[tuple[float, float]]:
    return [(round(x, METRE_DECIMALS), round(y, METRE_DECIMALS)) for x, y, *_ in coords]


def _draw(msp: Any, geom: shapely.Geometry, attribs: dict[str, Any]) -> list[Any]:
    kind = geom.geom_type
    if kind.startswith("Multi"):
        return [e for part in geom.geoms for e in _draw(msp, part, attribs)]
    if kind == "Point":
        return [msp.add_point(_xy(geom.coords)[0], dxfattribs=attribs)]
    if kind == "LineString":
        return [msp.add_lwpolyline(_xy(geom.coords), dxfattribs=attribs)]
    rings = [geom.exterior, *geom.interiors]
    return [msp.add_lwpolyline(_xy(r.coords[:-1]), close=True, dxfattribs=attribs) for r in rings]


def write_dxf(records, geometries, crs, meta, notes, split, **_) -> tuple[bytes, str]:
    """The drawing's bytes: DXF R2000 in GBK (code page ANSI_936), which AutoCAD, CASS and GDAL
    all read as Chinese (GDAL 3.6 reads an R2010 file's UTF-8 as code page 1252).

    ezdxf is imported here, not with the module: it takes about a second, which every page
    start would otherwise pay for a format few ask for."""
    import ezdxf
    from ezdxf import colors, units

    doc = ezdxf.new("R2000", setup=True)
    doc.encoding = "gbk"
    doc.units = units.M
    doc.header["$PDMODE"] = 34  # a point is a circled cross
    doc.header["$PDSIZE"] = POINT_SIZE
    doc.appids.add(APPID)
    doc.styles.add("项目注记", font="simsun.ttc")  # 宋体, which Chinese CAD systems have
    borrowing = any(r.get("geometry_source") == "place_point" for r in records)
    for status, colour in vocab.STATUS_COLOURS.items():
        layer = doc.layers.add(status_layer(status), color=_nearest_aci(_rgb(colour)))
        layer.description = f"状态为“{status}”的项目"
        if borrowing:
            layer = doc.layers.add(status_layer(status, True), color=_nearest_aci(_rgb(colour)))
            layer.description = (
                f"状态为“{status}”、按地名定位的项目：画在所在地名的代表点上，不是项目自身的位置"
            )
    doc.layers.add(LABEL_LAYER, color=colors.BLACK).description = "项目名称注记"
    if borrowing:
        doc.layers.add(
            LABEL_LAYER + BORROWED, color=colors.BLACK
        ).description = "按地名定位的项目的名称注记（在所在地名的代表点上）"
    msp = doc.modelspace()
    unplaced = by_place = drawn_by_place = 0
    for record, geom in zip(records, geometries, strict=True):
        if geom is None:
            if record.get("place_id"):
                by_place += 1
            else:
                unplaced += 1
            continue
        borrowed = record.get("geometry_source") == "place_point"
        drawn_by_place += borrowed
        xdata = [(1000, record["id"] or ""), (1000, record["name"] or "")]
        for entity in _draw(msp, geom, {"layer": status_layer(record["status"], borrowed)}):
            entity.set_xdata(APPID, xdata)
        anchor = shapely.point_on_surface(geom)
        text = msp.add_text(
            record["name"] or "",
            height=TEXT_HEIGHT,
            dxfattribs={
                "layer": LABEL_LAYER + (BORROWED if borrowed else ""),
                "style": "项目注记",
            },
        )
        text.set_placement(_xy(anchor.coords)[0])
        text.set_xdata(APPID, xdata)
    left = [
        f"{by_place} 个按地名定位的项目（只知在区内或所在的片区、园区、镇街；勾选“按地名定位的项目画在"
        "所在地名的代表点上”可画出）"
        if by_place
        else "",
        f"{unplaced} 个没有位置的项目" if unplaced else "",
    ]
    if by_place or unplaced:
        notes.append(f"DXF 只画项目自身的几何：{'和 '.join(x for x in left if x)}未写入。")
    if drawn_by_place:
        notes.append(
            f"{drawn_by_place} 个按地名定位的项目画在所在地名的代表点上，那不是项目自身的位置："
            f"它们在以“{BORROWED[1:]}”结尾的图层上（名称注记在“{LABEL_LAYER}{BORROWED}”图层），"
            "可整层关闭。"
        )
    stream = io.StringIO()
    doc.write(stream)
    # Characters GBK lacks become DXF's \U+XXXX escapes, as AutoCAD writes them.
    return stream.getvalue().encode(doc.output_encoding, errors="dxfreplace"), ".dxf"
