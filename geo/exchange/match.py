"""Checking an upload's rows and matching them to the catalog: the preview of an import.

Pure: reads the store's features as given and writes nothing, so the page can show exactly what
:func:`geo.exchange.imports.apply` would save, and refuse the whole file with every problem listed.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geo.exchange.formats import DBF_TEXT_BYTES, DERIVED_FIELDS, SHAPEFILE_FIELDS
from geo.exchange.read import Upload
from geo.zones import position_zones
from projects import schema, store, vocab
from projects.errors import CatalogError, InvalidValue
from projects.store import validate

#: Fields an import may set: exactly those the store lets staff edit.
IMPORTABLE: tuple[str, ...] = store.SETTABLE


#: Geometries closer than this (degrees, about 10 cm) are "unchanged" by a round trip: exports
#: write 6 decimals in degrees (RFC 7946's advice), so a re-imported vertex moves up to 7e-7°.
SAME_GEOMETRY_DEG = 1e-6


MAX_LISTED_PROBLEMS = 10


#: Every spelling of a column an export derives (labels beside codes, the place's name, where a
#: geometry comes from): an exported file read back has them, and they are never imported.
_DERIVED_NAMES = {
    name for f, (_, _, label) in DERIVED_FIELDS.items() for name in (f, label, SHAPEFILE_FIELDS[f])
}
#: Each of those names -> the Chinese label a person reads (a GeoJSON's columns are codes).
_DERIVED_LABELS = {
    name: label
    for f, (_, _, label) in DERIVED_FIELDS.items()
    for name in (f, label, SHAPEFILE_FIELDS[f])
}


@dataclass(frozen=True)
class Row:
    """One row of the preview."""

    #: "add", "change" or "same".
    action: str
    #: 1-based row number in the file.
    line: int
    project_id: str | None
    name: str
    #: field -> (old, new); for "add", old is None.
    changes: dict[str, tuple[Any, Any]]
    #: The record version the change is based on (None for "add").
    base_version: int | None = None
    #: (zone, zones) the row's new geometry lies in (``projects.store.Edit.position_zone``);
    #: None when the row does not change the position.
    position_zone: tuple[str | None, tuple[str, ...]] | None = None
    #: The zone the record takes from that position, (old, new), when it follows it: shown in
    #: the preview, set by the store (with its basis) when the row is saved.
    zone_follows: tuple[Any, Any] | None = None
    #: The warning when the record keeps a zone its new position does not lie in.
    zone_note: str | None = None


@dataclass(frozen=True)
class Preview:
    """What an import would do; ``apply`` saves exactly this."""

    upload: Upload
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = field(default=())
    #: What staff should look at before saving (records keeping a zone their new position does
    #: not lie in): shown as warnings, apart from the notes.
    warnings: tuple[str, ...] = field(default=())

    @property
    def added(self) -> list[Row]:
        return [r for r in self.rows if r.action == "add"]

    @property
    def changed(self) -> list[Row]:
        return [r for r in self.rows if r.action == "change"]

    @property
    def unchanged(self) -> list[Row]:
        return [r for r in self.rows if r.action == "same"]


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


#: How GDAL writes a string list where the format has none (GeoPackage, CSV): "(2:a,b)".
_GDAL_LIST = re.compile(r"\((\d+):(.*)\)", re.S)


def _typed(field_name: str, value: Any, line: int) -> Any:
    """A cell as the schema types the field; InvalidValue naming the row when it cannot be."""
    kind, default, label = schema.FIELDS[field_name]
    if kind is list:
        if _missing(value):
            return []
        if isinstance(value, str):
            text = value.strip()
            gdal_list = _GDAL_LIST.fullmatch(text)
            if gdal_list:  # GDAL's text for a string list ("(2:a,b)"): a GeoJSON list via ogr2ogr
                items = gdal_list.group(2)
                return [p for p in items.split(",") if p] if int(gdal_list.group(1)) else []
            if text.startswith("["):
                try:
                    value = json.loads(text)
                except RecursionError as exc:
                    raise InvalidValue(
                        f"第 {line} 行「{label}」嵌套层数过深，不是名称列表。", field=field_name
                    ) from exc
                except ValueError as exc:
                    if _dbase_sized(text):  # a list cut by a Shapefile: keeps the stored one
                        return CUT
                    raise InvalidValue(
                        f"第 {line} 行「{label}」不是有效的列表（JSON）：“{text[:40]}”。",
                        field=field_name,
                    ) from exc
            else:
                value = [
                    p.strip()
                    for p in text.replace("，", "、").replace(",", "、").split("、")
                    if p.strip()
                ]
        return list(value)
    if _missing(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    try:
        if kind is int:
            number = float(value)
            if not number.is_integer():
                raise ValueError(value)
            return int(number)
        if kind is float:
            return float(value)
    except (TypeError, ValueError) as exc:
        raise InvalidValue(
            f"第 {line} 行「{label}」应为数字，而不是“{value}”。", field=field_name
        ) from exc
    if kind is bool:
        return (
            value if isinstance(value, bool) else str(value).strip().lower() in ("true", "1", "是")
        )
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value).strip()


def _check_vocab(line: int, props: dict[str, Any]) -> None:
    for field_name, options in (
        ("sector", vocab.SECTORS),
        ("status", vocab.ALL_STATUSES),
        ("zone", vocab.ALL_ZONES),
        ("precision", vocab.PRECISIONS),
    ):
        value = props.get(field_name)
        if value is not None and value not in options:
            label = schema.FIELDS[field_name][2]
            raise InvalidValue(
                f"第 {line} 行（{props.get('name')}）的「{label}」“{value}”无法识别；可选：{'、'.join(options)}。",
                field=field_name,
            )


def _key(name: Any) -> str:
    return "".join(unicodedata.normalize("NFKC", str(name or "")).split())


#: A cell that is a Shapefile's cut of a list (broken JSON of 251–254 bytes): the stored value
#: stays, whatever the container the file went through.
CUT = object()


def _dbase_sized(text: str) -> bool:
    """251–254 UTF-8 bytes: the length a dBASE field cuts a longer text to (a character of up to
    4 bytes may not fit the last bytes)."""
    return DBF_TEXT_BYTES - 3 <= len(text.encode("utf-8")) <= DBF_TEXT_BYTES


def _cut_by_dbase(old: str, new: str) -> bool:
    """``new`` is ``old`` cut at a Shapefile's 254-byte text limit: not an edit, a loss to undo
    (also after the Shapefile was saved as a GeoPackage or CSV, and with the cut's trailing
    spaces trimmed)."""
    if old == new or not old.startswith(new):
        return False
    return _dbase_sized(new) or _cut_text(old) == new


def _cut_text(text: str) -> str:
    """``text`` as a dBASE field stores it: at most 254 bytes, whole characters, right-trimmed."""
    return text.encode("utf-8")[:DBF_TEXT_BYTES].decode("utf-8", "ignore").rstrip()


def _single(geom: shapely.Geometry) -> shapely.Geometry:
    """A one-part multi-geometry as its part (GeoPackage and Shapefile may promote them)."""
    if geom.geom_type.startswith("Multi") and len(geom.geoms) == 1:
        return geom.geoms[0]
    return geom


def same_geometry(old: dict | None, new: dict | None) -> bool:
    """Whether two GeoJSON geometries are the same position (within ~1 cm, any winding).

    Vertex counts must match and every vertex must lie within ``SAME_GEOMETRY_DEG`` of the
    other shape, so a re-projected round trip is "unchanged" but a moved vertex is not.
    """
    if old is None or new is None:
        return old is None and new is None
    a, b = _single(shapely.geometry.shape(old)), _single(shapely.geometry.shape(new))
    if a.geom_type != b.geom_type or shapely.get_num_coordinates(a) != shapely.get_num_coordinates(
        b
    ):
        return False
    return bool(shapely.hausdorff_distance(a, b) < SAME_GEOMETRY_DEG)


def _same(field_name: str, old: Any, new: Any) -> bool:
    if field_name == "geometry":
        return same_geometry(old, new)
    if _missing(old) and _missing(new):
        return True
    if new is CUT or (isinstance(old, str) and isinstance(new, str) and _cut_by_dbase(old, new)):
        return True
    if isinstance(old, float) or isinstance(new, float):
        try:
            return math.isclose(float(old), float(new), rel_tol=1e-12)
        except (TypeError, ValueError):
            return False
    return old == new


#: Upload formats whose rows sit under a header row.
TABLE_FORMATS = ("csv", "xlsx")


def preview(upload: Upload, catalog: list[dict[str, Any]], outline: Any) -> Preview:
    """Check every row and match it to the catalog's features; InvalidValue lists what is wrong.

    ``catalog`` is the store's feature list (``store.load()``); ``outline`` the district polygon
    (WGS84) for the location check. Rows are matched by ``id``, else by name (width and spaces
    folded); a name that two live projects share must be given with its id.
    """
    live = [f for f in catalog if not f["properties"].get("deleted")]
    by_id = {f["properties"]["id"]: f for f in catalog}
    by_name: dict[str, list[dict[str, Any]]] = {}
    for f in live:
        by_name.setdefault(_key(f["properties"].get("name")), []).append(f)
    fields = [
        c for c in upload.frame.columns if c in schema.FIELDS and c != upload.frame.geometry.name
    ]
    settable = [c for c in fields if c in IMPORTABLE]
    has_geometry = bool(upload.frame.geometry.notna().any())
    rows: list[Row] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    # A table's rows are numbered as Excel and WPS number them (row 1 is the header); a
    # spatial file's features from 1, as QGIS lists them.
    first = 2 if upload.source_format in TABLE_FORMATS else 1
    for line, (record, geom) in enumerate(
        zip(upload.frame[fields].to_dict("records"), upload.frame.geometry, strict=True),
        start=first,
    ):
        try:
            rows.append(
                _row(
                    line,
                    record,
                    geom,
                    settable,
                    has_geometry,
                    by_id,
                    by_name,
                    outline,
                    upload,
                )
            )
        except CatalogError as exc:
            problems.append(exc.message_zh)
            continue
        key = rows[-1].project_id or _key(rows[-1].name)
        if key in seen:
            problems.append(
                f"第 {line} 行与第 {seen[key]} 行是同一个项目（{rows[-1].name}），请合并为一行。"
            )
        seen[key] = line
    if problems:
        shown = problems[:MAX_LISTED_PROBLEMS]
        more = f"……共 {len(problems)} 处问题。" if len(problems) > len(shown) else ""
        raise InvalidValue("导入文件有问题，未做任何修改：\n" + "\n".join(shown) + more)
    rows, kept = _with_zones(rows, by_id)
    notes = []
    derived = [c for c in upload.ignored_columns if c in _DERIVED_NAMES]
    foreign = [c for c in upload.ignored_columns if c not in _DERIVED_NAMES]
    if upload.borrowed:
        notes.append(
            f"{upload.borrowed} 行的位置是所在地名的代表点（导出时勾选了“按地名定位的项目画在所在地名"
            "的代表点上”），不是项目自身的位置，不会导入：这些项目的位置保持原样。"
        )
    if derived:
        said = dict.fromkeys(_DERIVED_LABELS.get(c, c) for c in derived)
        notes.append(f"以下列是导出时生成的说明，不会导入：{'、'.join(said)}。")
    if foreign:
        notes.append(f"以下列不是项目字段，不会导入：{'、'.join(foreign)}。")
    updates = ["位置" if c == "geometry" else schema.FIELDS[c][2] for c in settable]
    if has_geometry:
        updates.append("位置")
    if updates:
        notes.append(
            f"本文件只更新这些字段：{'、'.join(dict.fromkeys(updates))}；"
            "文件中没有的列和空白单元格保持原值。"
        )
    skipped = [schema.FIELDS[c][2] for c in fields if c not in IMPORTABLE and c not in ("id",)]
    if skipped:
        notes.append(f"以下字段由系统维护，导入时保持原值：{'、'.join(skipped)}。")
    followed = sum(r.zone_follows is not None for r in rows)
    if followed:
        notes.append(
            f"{followed} 个项目的片区按文件中的新位置确定（原为未定或按原位置确定），"
            "片区依据记为「按导入文件的位置」。"
        )
    warnings = []
    if kept:
        shown = kept[:MAX_LISTED_PROBLEMS]
        more = f"……共 {len(kept)} 个项目。" if len(kept) > len(shown) else ""
        warnings.append(
            "注意：以下项目的片区依据文件原文或工作人员的设定，不随位置改变，但新位置在另一片区"
            "（仍可导入）：\n" + "\n".join(shown) + more
        )
    return Preview(upload, tuple(rows), tuple(notes), tuple(warnings))


def _with_zones(rows: list[Row], by_id: dict[str, dict[str, Any]]) -> tuple[list[Row], list[str]]:
    """The rows with the zone each new position lies in (one spatial join for the file) and the
    zone their record takes from it, and a line for each record keeping a zone its new position
    does not lie in (:func:`projects.store.zone_note`)."""
    moved = [i for i, r in enumerate(rows) if r.action != "same" and "geometry" in r.changes]
    found = position_zones([rows[i].changes["geometry"][1] for i in moved])
    out, kept = list(rows), []
    for i, position_zone in zip(moved, found, strict=True):
        row = rows[i]
        match = by_id.get(row.project_id) if row.action == "change" else None
        before = match["properties"] if match else schema.empty_properties()
        after = {**before, **{c: v for c, (_, v) in row.changes.items() if c != "geometry"}}
        geometry = row.changes["geometry"][1]
        zone = store.followed_zone(before, after, geometry, position_zone, "")
        follows = (before.get("zone"), zone["zone"]) if zone else None
        note = store.zone_note({**after, **zone}, position_zone)
        if note:
            kept.append(f"第 {row.line} 行（{row.name}）：{note}")
        out[i] = replace(row, position_zone=position_zone, zone_follows=follows, zone_note=note)
    return out, kept


def _row(line, record, geom, settable, has_geometry, by_id, by_name, outline, upload) -> Row:
    # Only what may be imported is read: system fields (sources, history …) are left as stored.
    props = {c: _typed(c, record.get(c), line) for c in record if c in (*settable, "id", "name")}
    name = props.get("name")
    pid = props.get("id")
    if not name and not pid:
        raise InvalidValue(f"第 {line} 行没有项目名称。", field="name")
    _check_vocab(line, props)
    match = None
    if pid:
        match = by_id.get(pid)
        if match is None:
            if not name:  # a new project needs its name; a known id stands for its project
                raise InvalidValue(f"第 {line} 行没有项目名称。", field="name")
            _check_new_id(line, pid)
        name = name or match["properties"].get("name")
        if match is not None and match["properties"].get("deleted"):
            raise InvalidValue(
                f"第 {line} 行的项目 {pid}（{name}）已被删除，请先在编辑面板恢复。", project_id=pid
            )
    else:
        candidates = by_name.get(_key(name), [])
        if len(candidates) > 1:
            ids = "、".join(c["properties"]["id"] for c in candidates)
            raise InvalidValue(
                f"第 {line} 行的名称“{name}”对应多个项目（{ids}），请填写编号（id）列。"
            )
        match = candidates[0] if candidates else None
    new_values = {c: props.get(c) for c in settable if props.get(c) is not CUT}
    geometry = None if geom is None else shapely.geometry.mapping(geom)
    if has_geometry and geometry is not None:
        new_values["geometry"] = geometry
    old_props = match["properties"] if match else schema.empty_properties()
    old = (
        {c: (match.get("geometry") if c == "geometry" else old_props.get(c)) for c in new_values}
        if match
        else {}
    )
    if match is None:
        changes = {c: (None, v) for c, v in new_values.items() if not _missing(v) and v != []}
        if "sector" not in changes:
            raise InvalidValue(
                f"第 {line} 行是新项目（{name}），必须填写「领域」。", field="sector"
            )
    else:
        # A dBASE cut survives any conversion (Shapefile saved as GeoPackage, CSV, …): never an edit.
        # An empty cell (or a key a feature lacks) leaves the field as it is: a partial file
        # (only statuses, say) changes only what it gives. Clearing is done in the editor.
        changes = {
            c: (old[c], v)
            for c, v in new_values.items()
            if not _missing(v) and v != [] and not _same(c, old[c], v)
        }
    if "geometry" in changes:
        zone = changes.get("zone", (None, old_props.get("zone")))[1]
        try:
            validate.check_geometry(pid, geometry, zone, outline)
        except InvalidValue as exc:
            raise InvalidValue(
                f"第 {line} 行（{name}）：{exc.message_zh}", project_id=pid, field="geometry"
            ) from exc
        if "precision" not in changes:
            changes["precision"] = (old_props.get("precision"), "imported")
        changes.setdefault("geo_method", (old_props.get("geo_method"), "imported"))
        changes.setdefault("geo_basis", (old_props.get("geo_basis"), f"导入自 {upload.filename}"))
        if old_props.get("place_id"):  # the file's geometry is the record's own from now on
            changes.setdefault("place_id", (old_props["place_id"], None))
    probe = {**old_props, **{c: v for c, (_, v) in changes.items() if c != "geometry"}}
    probe["id"] = match["properties"]["id"] if match else pid
    try:
        validate.check_properties(
            probe,
            None if match is None else [c for c in changes if c in validate.RULES],
            new=match is None,
        )
    except InvalidValue as exc:
        raise InvalidValue(
            f"第 {line} 行（{name}）：{exc.message_zh}", project_id=pid, field=exc.field
        ) from exc
    if match is None:
        return Row("add", line, pid, name, changes)
    action = "change" if changes else "same"
    version = match["properties"].get("version", 1)
    return Row(action, line, match["properties"]["id"], name, changes, version)


def _check_new_id(line: int, pid: Any) -> None:
    """A new project's id from the file must be in the store's documented form."""
    try:
        validate.check_id(pid)
    except InvalidValue as exc:
        raise InvalidValue(f"第 {line} 行：{exc.message_zh}", field="id") from exc


def preview_table(preview_: Preview) -> pd.DataFrame:
    """The preview as a table for the page: one line per changed field (text, never HTML)."""
    lines = []
    labels = {"add": "新增", "change": "修改", "same": "无变化"}
    for row in preview_.rows:
        if row.action == "same":
            continue
        shown = {c: (_show(old, c), _show(new, c)) for c, (old, new) in row.changes.items()}
        if row.zone_follows is not None:
            old, new = row.zone_follows
            shown["zone"] = (_show(old, "zone") or "未定", f"{new}（按导入文件的位置）")
        for c, (old, new) in shown.items():
            label = "位置" if c == "geometry" else schema.FIELDS[c][2]
            lines.append(
                {
                    "行": row.line,
                    "操作": labels[row.action],
                    "编号": row.project_id or "（新编号）",
                    "名称": row.name,
                    "字段": label,
                    "原值": old,
                    "新值": new,
                }
            )
    return pd.DataFrame(lines, columns=["行", "操作", "编号", "名称", "字段", "原值", "新值"])


def _show(value: Any, field_name: str) -> str:
    if value is None:
        return ""
    if field_name == "geometry":
        geom = shapely.geometry.shape(value)
        kind = {"Point": "点", "LineString": "线", "Polygon": "面"}.get(
            geom.geom_type, geom.geom_type
        )
        c = geom.centroid
        return f"{kind}（{c.x:.5f}, {c.y:.5f}）"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
