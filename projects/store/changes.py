"""What changed between two versions of a record, and how to say it in Chinese.

Shared by the history view, the refusal of a stale save (which tells the editor what the colleague
changed) and the rebuild notes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from projects import schema, vocab
from projects.errors import StaleVersion
from projects.store.history_log import is_edit

BOOKKEEPING = ("version", "updated_by", "updated_at")


def _label(name: str) -> str:
    return {"geometry": "位置"}.get(name) or schema.FIELDS.get(name, (None, None, name))[2]


def _show(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "（空）"
    if isinstance(value, dict):
        kinds = {"Point": "点", "LineString": "线", "Polygon": "面"}
        kind = str(value.get("type", "")).removeprefix("Multi")
        return kinds.get(kind, "几何") + (
            f" {_lonlat(value)}" if value.get("type") == "Point" else ""
        )
    text = "、".join(map(str, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _lonlat(point: Mapping[str, Any]) -> str:
    coords = point.get("coordinates") or []
    try:
        return f"{float(coords[0]):.5f}, {float(coords[1]):.5f}"
    except (IndexError, TypeError, ValueError):
        return ""


def describe_changes(changes: Mapping[str, Any]) -> str:
    """「状态：在建 → 建成；…」 for messages (values shortened, geometry by type)."""
    parts = [
        f"{_label(k)}：{_show(vocab.code_label(k, old))} → {_show(vocab.code_label(k, new))}"
        for k, (old, new) in changes.items()
        if k not in ("status_history", "geo_method", "geo_basis")
    ]
    return "；".join(parts) or "（无字段变化）"


def stale(
    feature: dict[str, Any], expected: int | None, entries: list[dict[str, Any]]
) -> StaleVersion:
    """The refusal of a save based on ``expected``, naming who changed what since then."""
    props = feature["properties"]
    pid, actual = props["id"], props.get("version", 1)
    since = [
        e for e in entries if e.get("id") == pid and is_edit(e) and e["base"] >= (expected or 0)
    ]
    changes: dict[str, tuple[Any, Any]] = {}
    for e in since:
        for k, (old, new) in e["changes"].items():
            changes[k] = (changes[k][0] if k in changes else old, new)
    who = "、".join(dict.fromkeys(e["by"] for e in since)) or "其他人"
    head = (
        f"项目「{props.get('name')}」（{pid}）已被 {who} 修改（您看到的是版本 {expected}，"
        f"现在是版本 {actual}）"
    )
    return StaleVersion(
        f"{head}：{describe_changes(changes)}。您的修改未保存，请刷新后重新修改。",
        project_id=pid,
        expected=expected or 0,
        actual=actual,
        changes=changes,
        head=head,
    )


def stale_batch(refusals: list[StaleVersion]) -> StaleVersion:
    """One refusal for a batch in which several records changed meanwhile: the first one's,
    with the others in ``also`` and every one named in the message."""
    first, *rest = refusals
    if not rest:
        return first
    lines = "\n".join(f"{r.head}：{describe_changes(r.changes)}。" for r in refusals)
    return StaleVersion(
        f"{len(refusals)} 个项目已被其他人修改：\n{lines}\n您的修改未保存，请刷新后重新修改。",
        project_id=first.project_id or "",
        expected=first.expected,
        actual=first.actual,
        changes=first.changes,
        head=first.head,
        also=tuple(rest),
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` between two features, bookkeeping left out: what a save logs."""
    changes = {
        k: [before["properties"].get(k), v]
        for k, v in after["properties"].items()
        if k not in BOOKKEEPING and before["properties"].get(k) != v
    }
    if before.get("geometry") != after.get("geometry"):
        changes["geometry"] = [before.get("geometry"), after.get("geometry")]
    return changes
