"""Rules a record must meet before the store saves it, each with a Chinese message.

Every check raises :class:`projects.errors.InvalidValue` naming the project, the field, the
rejected value and what is allowed, and carrying them as ``value`` and ``allowed`` attributes.
Text is stored as typed (HTML included): escaping is the display's job, not the store's.
The district outline is passed in, so this module needs neither files nor maps.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import shapely
from shapely.geometry import shape

from projects import clock, vocab
from projects.errors import InvalidValue
from projects.schema import FIELDS

MAX_NAME = 100
MAX_TEXT = 2000
#: Items a list field (aliases) may hold; the documents give at most a handful.
MAX_ITEMS = 50
#: Vertices one geometry may have: a detailed district-scale line has a few hundred; a million
#: would make every save and every viewer's map data many megabytes.
MAX_VERTICES = 10_000
#: How a position was found: a short code (exact, alias, manual …), never free text.
GEO_METHOD = re.compile(r"[a-z_]{1,32}", re.ASCII)
#: Project ids: ``SPB-`` and digits (the document ids, data/project_ids.csv) or ``staff-`` and
#: digits (made up for projects staff add); ASCII only, so no look-alike or invisible character.
ID_PATTERN = re.compile(r"(SPB|staff)-[0-9]{1,8}", re.ASCII)
GEOMETRY_TYPES = (
    "Point",
    "LineString",
    "Polygon",
    "MultiPoint",
    "MultiLineString",
    "MultiPolygon",
)


def invalid(
    project_id: str | None, field: str, value: object, allowed: str, reason: str = ""
) -> InvalidValue:
    """An InvalidValue whose message names project, field, value and what is allowed."""
    label = FIELDS[field][2] if field in FIELDS else {"geometry": "位置"}.get(field, field)
    shown = f"“{value}”" if isinstance(value, str) else "空" if value is None else repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "…"
    who = f"项目 {project_id} 的" if project_id else ""
    message = f"{who}「{label}」不能为 {shown}{'（' + reason + '）' if reason else ''}：{allowed}。"
    err = InvalidValue(message, project_id=project_id, field=field)
    err.value = value
    err.allowed = allowed
    return err


def visible(text: str) -> bool:
    """Whether ``text`` has a character one can see (not only spaces or zero-width marks)."""
    return any(unicodedata.category(c)[0] not in "ZC" for c in text)


def check_id(value: object) -> str:
    """A project id as :data:`ID_PATTERN` allows (for creates and imports); InvalidValue else."""
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise invalid(
            None,
            "id",
            value,
            "编号应为 SPB- 加数字（如 SPB-0123），或工作人员新建项目的 staff- 加数字"
            "（如 staff-0001），不能含空格或其他字符；留空则自动编号",
        )
    return value


def _text(pid, field, value, limit, required=False) -> None:
    if value is None and not required:
        return
    if not isinstance(value, str):
        raise invalid(pid, field, value, "应为文字")
    if required and not visible(value):
        raise invalid(pid, field, value, f"应为 1–{limit} 个字符", "为空或只有空白字符")
    if len(value) > limit:
        raise invalid(pid, field, value, f"最多 {limit} 个字符", f"共 {len(value)} 个字符")


def _choice(pid, field, value, options: tuple[str, ...], optional=False) -> None:
    if optional and value is None:
        return
    if value not in options:
        raise invalid(pid, field, value, "应为以下之一：" + "、".join(options))


def _year(pid, field, value) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(pid, field, value, "应为整数年份")
    if not vocab.MIN_YEAR <= value <= vocab.MAX_YEAR:
        raise invalid(pid, field, value, f"应在 {vocab.MIN_YEAR}–{vocab.MAX_YEAR} 之间")


def _investment(pid, value) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise invalid(pid, "investment", value, "应为数字（万元），或留空")
    if value < 0:
        raise invalid(pid, "investment", value, "不能为负数（万元），或留空")


def _aliases(pid, value) -> None:
    if not isinstance(value, list):
        raise invalid(pid, "aliases", value, "应为名称列表")
    if len(value) > MAX_ITEMS:
        raise invalid(pid, "aliases", value, f"最多 {MAX_ITEMS} 个别名", f"共 {len(value)} 个")
    for alias in value:
        _text(pid, "aliases", alias, MAX_NAME, required=True)


def _geo_method(pid, value) -> None:
    if value is None:
        return
    if not isinstance(value, str) or not GEO_METHOD.fullmatch(value):
        raise invalid(pid, "geo_method", value, "应为小写英文代码（如 manual），最多 32 个字符")


def check_status_date(project_id: str | None, value: object) -> date:
    """The date a status changed: an ISO date string within the valid years, not in the future."""
    try:
        day = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        day = None
    if day is None:
        raise invalid(project_id, "status", value, "状态变更日期应为 YYYY-MM-DD 格式的日期")
    if not vocab.MIN_YEAR <= day.year <= vocab.MAX_YEAR or day > clock.today():
        raise invalid(
            project_id, "status", value, f"状态变更日期应在 {vocab.MIN_YEAR} 年至今天之间"
        )
    return day


def check_geometry(
    project_id: str | None, geometry: dict | None, zone: str | None, outline: Any
) -> None:
    """A GeoJSON geometry must be valid lon/lat and touch the district, unless zone is 区外.

    ``outline`` is the district polygon (shapely, WGS84); ``None`` geometry means "not placed".
    """
    if geometry is None:
        return
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES:
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        raise invalid(project_id, "geometry", kind, "应为点、线或面（GeoJSON）")
    _check_coordinates(project_id, geometry)
    if _plain_point_inside(geometry, zone, outline):
        return
    try:
        geom = shape(geometry)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise invalid(
            project_id, "geometry", geometry.get("type"), "坐标格式不正确", str(exc)
        ) from exc
    if geom.is_empty:
        raise invalid(project_id, "geometry", geometry.get("type"), "不能为空几何")
    coords = shapely.get_coordinates(geom)
    if not (
        ((coords[:, 0] >= -180) & (coords[:, 0] <= 180)).all()
        and ((coords[:, 1] >= -90) & (coords[:, 1] <= 90)).all()
    ):
        raise invalid(project_id, "geometry", geometry.get("type"), "应为 WGS84 经纬度（度）")
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        raise invalid(project_id, "geometry", geometry.get("type"), "几何无效，请重新绘制", reason)
    if zone == vocab.OUTSIDE:
        return
    if outline is None:
        raise invalid(
            project_id, "geometry", geometry.get("type"), "区界数据缺失，暂时无法检查位置"
        )
    if not _prepared(outline).intersects(geom):
        raise invalid(
            project_id,
            "geometry",
            geometry.get("type"),
            f"位置在沙坪坝区以外；区外项目请先把「片区」设为{vocab.OUTSIDE}",
        )


def _prepared(outline: Any) -> Any:
    """The outline with its spatial index built once (many checks in an import reuse it)."""
    if not shapely.is_prepared(outline):
        shapely.prepare(outline)
    return outline


def _plain_point_inside(geometry: dict[str, Any], zone: str | None, outline: Any) -> bool:
    """The common case, checked without building a shapely object: a finite lon/lat point in
    the district. False means "use the full check" (which then gives the message)."""
    if geometry["type"] != "Point" or outline is None or zone == vocab.OUTSIDE:
        return False
    coords = geometry.get("coordinates")
    if not isinstance(coords, list | tuple) or len(coords) not in (2, 3):
        return False
    x, y = coords[0], coords[1]
    if not all(type(v) in (int, float) and math.isfinite(v) for v in (x, y)):
        return False
    if not (-180 <= x <= 180 and -90 <= y <= 90):
        return False
    return bool(shapely.intersects_xy(_prepared(outline), x, y))


def _positions(coords: Any, depth: int, budget: list[int]) -> Iterable[Any]:
    """The positions of a GeoJSON coordinate array ``depth`` levels deep, counted against
    ``budget`` so a huge or oddly nested geometry is refused before shapely sees it."""
    if not isinstance(coords, list | tuple):
        raise TypeError("坐标应为数组")
    if depth == 0:
        budget[0] -= 1
        if budget[0] < 0:
            raise OverflowError
        yield coords
        return
    for item in coords:
        yield from _positions(item, depth - 1, budget)


_DEPTH = {"Point": 0, "LineString": 1, "MultiPoint": 1, "Polygon": 2, "MultiLineString": 2}


def _check_coordinates(project_id: str | None, geometry: dict[str, Any]) -> None:
    """At most MAX_VERTICES positions, and every polygon ring closed (first = last position)."""
    kind = geometry["type"]
    coords = geometry.get("coordinates")
    budget = [MAX_VERTICES]
    try:
        if kind in ("Polygon", "MultiPolygon"):
            polygons = [coords] if kind == "Polygon" else list(_positions(coords, 1, [1 << 62]))
            for polygon in polygons:
                for ring in _positions(polygon, 1, [1 << 62]):
                    ring = list(_positions(ring, 1, budget))
                    if len(ring) < 4 or list(ring[0]) != list(ring[-1]):
                        raise invalid(
                            project_id,
                            "geometry",
                            kind,
                            "面的每个环应首尾相接（第一个点与最后一个点相同），且至少有 4 个点",
                            "环未闭合",
                        )
        else:
            for _ in _positions(coords, _DEPTH[kind], budget):
                pass
    except OverflowError:
        raise invalid(
            project_id, "geometry", kind, f"一个位置最多 {MAX_VERTICES} 个坐标点，请先简化"
        ) from None
    except TypeError as exc:
        raise invalid(project_id, "geometry", kind, "坐标格式不正确", str(exc)) from exc


#: The rule of each field, run in this order (the first failing field is the one reported).
_CHECKS: dict[str, Callable[[str | None, dict[str, Any]], None]] = {
    "name": lambda pid, p: _text(pid, "name", p.get("name"), MAX_NAME, required=True),
    "aliases": lambda pid, p: _aliases(pid, p.get("aliases", [])),
    "sector": lambda pid, p: _choice(pid, "sector", p.get("sector"), vocab.SECTORS),
    "status": lambda pid, p: _choice(pid, "status", p.get("status"), vocab.ALL_STATUSES),
    "start_year": lambda pid, p: _year(pid, "start_year", p.get("start_year")),
    "end_year": lambda pid, p: _year(pid, "end_year", p.get("end_year")),
    "zone": lambda pid, p: _choice(pid, "zone", p.get("zone"), vocab.ALL_ZONES, optional=True),
    "district": lambda pid, p: _text(pid, "district", p.get("district"), MAX_NAME),
    "lead_dept": lambda pid, p: _text(pid, "lead_dept", p.get("lead_dept"), MAX_NAME),
    "investment": lambda pid, p: _investment(pid, p.get("investment")),
    "notes": lambda pid, p: _text(pid, "notes", p.get("notes"), MAX_TEXT),
    "precision": lambda pid, p: _choice(
        pid, "precision", p.get("precision"), vocab.PRECISIONS, optional=True
    ),
    "geo_method": lambda pid, p: _geo_method(pid, p.get("geo_method")),
    "geo_basis": lambda pid, p: _text(pid, "geo_basis", p.get("geo_basis"), MAX_TEXT),
}
#: The fields with a rule here; the store checks each one an edit touches.
RULES: tuple[str, ...] = tuple(_CHECKS)


def check_properties(
    props: dict[str, Any], fields: Iterable[str] | None = None, *, new: bool = False
) -> None:
    """Check ``fields`` of a record (all ruled fields by default), plus end ≥ start.

    A new record must have a name and a sector; an existing one is only checked where edited, so
    an old extraction quirk never blocks an unrelated edit.
    """
    pid = props.get("id")
    todo = set(RULES if fields is None else fields)
    if new:
        todo |= {"name", "sector"}
    for name, check in _CHECKS.items():
        if name in todo:
            check(pid, props)
    start, end = props.get("start_year"), props.get("end_year")
    if {"start_year", "end_year"} & todo and start is not None and end is not None and end < start:
        raise invalid(pid, "end_year", end, f"结束年不能早于起始年 {start}")
