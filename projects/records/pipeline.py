"""Build the catalog records from the five plan documents and the reviewed curation file.

Pipeline: read each document, extract mentions, map curation merges onto merge keys, group
mentions of one project across documents, apply the rest of the curation (accept, reject, rename,
set), assign stable ids from ``data/project_ids.csv``. The result is a list of property dicts per
``projects/schema.py`` with no geometry (the geography step places them).

``python -m projects.records.pipeline [--out records.json] [--update-ids]`` prints a summary.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

from projects.documents import Mention, extract_mentions
from projects.documents.status import plan_boundary
from projects.errors import BadFile
from projects.records.assemble import link_phases, make_record
from projects.records.curation import (
    CURATION_PATH,
    accepted_mentions,
    apply_forms,
    apply_settings,
    group_mentions,
    read_curation,
)
from projects.records.id_registry import IDS_PATH, assign_ids, read_registry, write_registry
from projects.records.linking import link_further_mentions
from projects.records.merge_keys import merge_key
from projects.sources import read_lines, seeds_dir
from projects.vocab import DOCUMENTS


def document_mentions(folder: Path | None = None) -> list[Mention]:
    """Every mention of the five documents, in document then reading order."""
    out: list[Mention] = []
    for d in DOCUMENTS:
        lines = read_lines(d.file, folder)
        out.extend(_mentions_of(d.file, "\n".join(lines)))
    return out


def _boundaries(folder: Path | None) -> dict[str, int | None]:
    return {d.file: plan_boundary(read_lines(d.file, folder)) for d in DOCUMENTS}


def build_records(
    seeds: Path | None = None,
    curation: Path = CURATION_PATH,
    registry: Path = IDS_PATH,
    update_registry: bool = False,
) -> list[dict[str, Any]]:
    """Catalog records (schema property dicts, no geometry), sorted by id.

    Ids come from the registry; a project new to it gets the next free id (written back only
    with ``update_registry``), so two builds of the same input give the same ids.
    """
    folder = Path(seeds or seeds_dir())
    missing = [d.file for d in DOCUMENTS if not (folder / d.file).is_file()]
    if missing:
        raise BadFile(f"在 {folder} 找不到源文件 {'、'.join(missing)}（请设置 SHAPINGBA_SEEDS）")
    lines_by_doc = {d.file: read_lines(d.file, folder) for d in DOCUMENTS}
    bounds = _boundaries(folder)
    rows = read_curation(curation)
    mentions = document_mentions(folder)
    mentions += accepted_mentions(rows, lines_by_doc, mentions)
    groups = group_mentions(mentions, rows)
    link_further_mentions(groups, rows, lines_by_doc)
    targets = {merge_key(r.value): r.value for r in rows if r.action == "merge"}
    records = [
        make_record(key, ms, bounds, lines_by_doc, targets.get(key)) for key, ms in groups.items()
    ]
    apply_settings(records, rows)
    apply_forms(records, rows, lines_by_doc)
    link_phases(records)
    ids = read_registry(registry)
    assign_ids(records, ids)
    by_key = {r["_key"]: r["id"] for r in records}
    for rec in records:
        rec["related"] = sorted(by_key[k] for k in rec.pop("_related") if k in by_key)
        for private in ("_key", "_forms", "_boxed", "_sector_set"):
            rec.pop(private, None)
    if update_registry:
        write_registry(ids, registry)
    return sorted(records, key=lambda r: r["id"])


@lru_cache(maxsize=16)
def _mentions_of(doc: str, text: str) -> tuple[Mention, ...]:
    """Mentions of one document text (cached: rebuilds with another curation file reuse them)."""
    return tuple(extract_mentions(text, doc))


def summary(records: list[dict[str, Any]]) -> str:
    """Counts by sector, status and document, for a quick look after a rebuild."""
    lines = [f"records: {len(records)}"]
    for field in ("sector", "status", "district"):
        c = Counter(r[field] for r in records)
        lines.append(f"{field}: " + ", ".join(f"{k} {v}" for k, v in c.most_common()))
    per_doc = Counter(s for r in records for s in {x["doc"] for x in r["sources"]})
    lines.append(
        "records per document: " + ", ".join(f"{k[:3]} {v}" for k, v in sorted(per_doc.items()))
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, help="write the records as JSON to this path")
    p.add_argument("--update-ids", action="store_true", help="append new projects to the registry")
    args = p.parse_args(argv)
    records = build_records(update_registry=args.update_ids)
    print(summary(records))
    if args.out:
        args.out.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
