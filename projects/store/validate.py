"""Rules a record must meet before the store saves it, each with a Chinese message.

Every check raises :class:`projects.errors.InvalidValue` naming the project, the field, the
rejected value and what is allowed, and carrying them as ``value`` and ``allowed`` attributes.
Text is stored as typed (HTML included): escaping is the display's job, not the store's.
The district outline is passed in, so this module needs neither files nor maps.
"""

from __future__ import annotations

import math
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


def _text(pid, field, value, limit, required=False) -> None:
    if value is None and not required:
        return
    if not isinstance(value, str):
        raise invalid(pid, field, value, "应为文字")
    if required and not value.strip():
        raise invalid(pid, field, value, f"应为 1–{limit} 个字符", "为空")
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
    for alias in value:
        _text(pid, "aliases", alias, MAX_NAME, required=True)


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
    if not outline.intersects(geom):
        raise invalid(
            project_id,
            "geometry",
            geometry.get("type"),
            f"位置在沙坪坝区以外；区外项目请先把「片区」设为{vocab.OUTSIDE}",
        )


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
    "precision": lambda pid, p: _choice(pid, "precision", p.get("precision"), vocab.PRECISIONS),
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
