"""Stable project ids (data/project_ids.csv): an id once given is never reused or renumbered."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from projects.sources import ROOT

IDS_PATH = ROOT / "data" / "project_ids.csv"


def read_registry(path: Path = IDS_PATH) -> dict[str, str]:
    """key -> id of every project ever built (ids are never reused or renumbered)."""
    if not Path(path).exists():
        return {}
    with open(path, encoding="utf-8", newline="") as f:
        return {r["key"]: r["id"] for r in csv.DictReader(f)}


def write_registry(registry: dict[str, str], path: Path = IDS_PATH) -> None:
    """Write the registry in id order (append-only in effect: existing rows never change)."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "key"])
        for key, pid in sorted(registry.items(), key=lambda kv: (kv[1], kv[0])):
            w.writerow([pid, key])


def next_id(registry: dict[str, str]) -> str:
    nums = [int(v.split("-")[1]) for v in registry.values() if re.match(r"^SPB-\d+$", v)]
    return f"SPB-{(max(nums) if nums else 0) + 1:04d}"


def assign_ids(records: list[dict[str, Any]], ids: dict[str, str]) -> None:
    """Give each record the id of its key, adding new keys to ``ids`` (the registry in memory)."""
    used = {ids[r["_key"]] for r in records if r["_key"] in ids}
    for rec in sorted(records, key=lambda r: r["_key"]):
        if rec["_key"] not in ids:
            # a project whose key a new merge changed keeps the id one of its forms already had
            old = sorted(k for k in rec["_forms"] if k in ids and ids[k] not in used)
            ids[rec["_key"]] = ids[old[0]] if old else next_id(ids)
            used.add(ids[rec["_key"]])
        rec["id"] = ids[rec["_key"]]
