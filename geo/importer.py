"""Staff import: read an uploaded file, check every row, preview what changes, then save it once.

Reading (``read_upload``) accepts GeoJSON, GeoPackage, a zipped Shapefile (or this app's zipped
CSV export) and CSV with a WKT column or lon/lat columns. Text is UTF-8 or GBK (the usual culprit
from Chinese desktop GIS): a Shapefile's ``.cpg`` or dBASE language byte says which, otherwise the
bytes are tried as UTF-8, then GB18030 (a superset of GBK). A file that does not name its CRS
needs ``crs`` from the user; GeoJSON without a ``crs`` member is WGS84 by RFC 7946.

``preview`` validates every row against the vocabularies, the schema and the district outline,
matches rows to existing projects by id, else by name, and lists what would be added and what
would change (old → new). A row without geometry never removes a stored position, and a
Shapefile's 254-byte cut of a longer stored text is not taken for an edit. ``apply`` hands the
whole preview to ``projects.store.save_many`` as one batch: one lock, one history line, all or
nothing. Any problem raises ``BadFile`` or ``InvalidValue`` with a Chinese message before
anything is written.

Reading lives in :mod:`geo.import_read`, checking and matching in :mod:`geo.import_match`; this
module applies a preview and re-exports their public names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from geo.import_match import (
    IMPORTABLE,
    MAX_LISTED_PROBLEMS,
    SAME_GEOMETRY_DEG,
    Preview,
    Row,
    preview,
    preview_table,
    same_geometry,
)
from geo.import_read import (
    ALIASES,
    CRS_CHOICES,
    ENCODINGS,
    KINDS,
    LAT_COLUMNS,
    LON_COLUMNS,
    MAX_BYTES,
    MAX_UNZIPPED,
    WKT_COLUMNS,
    Upload,
    decode_text,
    read_upload,
)
from projects import store

__all__ = [
    "ALIASES",
    "CRS_CHOICES",
    "ENCODINGS",
    "IMPORTABLE",
    "KINDS",
    "LAT_COLUMNS",
    "LON_COLUMNS",
    "MAX_BYTES",
    "MAX_LISTED_PROBLEMS",
    "MAX_UNZIPPED",
    "SAME_GEOMETRY_DEG",
    "WKT_COLUMNS",
    "Preview",
    "Row",
    "Upload",
    "apply",
    "decode_text",
    "preview",
    "preview_table",
    "read_upload",
    "same_geometry",
]


def apply(
    preview_: Preview, editor: Any, *, path: Path | str | None = None, outline: Any = None
) -> list[dict[str, Any]]:
    """Save every add and change of the preview as ONE batch with history; nothing on error.

    The store checks the editor login and the versions again (a colleague's save in between
    raises StaleVersion and nothing is written).
    """
    edits = []
    for row in preview_.rows:
        values = {c: new for c, (_, new) in row.changes.items()}
        if row.action == "add":
            if row.project_id:
                values["id"] = row.project_id
            edits.append(store.Edit(None, values))
        elif row.action == "change":
            edits.append(store.Edit(row.project_id, values, row.base_version))
    if not edits:
        return []
    reason = f"导入 {preview_.upload.filename}（新增 {len(preview_.added)}，修改 {len(preview_.changed)}）"
    return store.save_many(
        editor, edits, reason=reason, action="import", path=path, outline=outline
    )
