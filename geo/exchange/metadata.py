"""What an export says about itself: time, scope, count, CRS, source documents, warnings.

Written into every file (``metadata.json``, GeoPackage metadata, the KML description), so a file
found later still tells which filter and which catalog version it came from.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import shapely

from geo.exchange.formats import CRSS, EXPORT_FIELDS
from geo.exchange.records import groups
from projects import vocab


def metadata(
    records: list[dict[str, Any]],
    geometries: list[shapely.Geometry | None],
    fmt: str,
    crs: str,
    scope: dict[str, Any],
    catalog_version: str | None,
) -> dict[str, Any]:
    """What a file says about itself: when, which projects, how many, where from, in which CRS."""
    out_crs = CRSS[crs]
    cited = {s.get("doc") for r in records for s in r["sources"] if isinstance(s, dict)}
    documents = [
        {"file": d.file, "title": d.title, "issuer": d.issuer, "date": d.date}
        for d in vocab.DOCUMENTS
        if d.file in cited
    ]
    return {
        "title": "沙坪坝 项目一张图：项目导出",
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "format": fmt,
        "scope": scope,
        "count": len(records),
        "counts": {fam: len(idx) for fam, idx in groups(geometries).items()},
        "crs": {
            "code": crs,
            "epsg": out_crs.epsg,
            "label": out_crs.label,
            "standard": out_crs.epsg is not None,
            "note": out_crs.note,
        },
        "catalog_version": catalog_version,
        "source_documents": documents,
        "unplaced": "Projects without a position are kept without geometry (GeoPackage: table "
        "projects_unplaced; Shapefile: projects_unplaced.dbf).",
        "fields": {f: label for f, (_, _, label) in EXPORT_FIELDS.items()},
        "status_note": "status is each record's latest status; a year filter selects by the "
        "status as of the range's end (status_history holds every dated mention).",
        "warnings": [],
    }


def meta_json(meta: dict[str, Any], notes: list[str]) -> bytes:
    """The metadata file's bytes, with the notes the writers added since it was made."""
    meta = {**meta, "warnings": list(notes)}
    return json.dumps(meta, ensure_ascii=False, indent=2).encode("utf-8")
