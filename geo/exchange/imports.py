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

Reading lives in :mod:`geo.exchange.read`, checking and matching in :mod:`geo.exchange.match`; this
module applies a preview.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from geo.exchange.match import (
    Preview,
)
from projects import store


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
            edits.append(store.Edit(None, values, position_zone=row.position_zone))
        elif row.action == "change":
            edits.append(
                store.Edit(
                    row.project_id, values, row.base_version, position_zone=row.position_zone
                )
            )
    if not edits:
        return []
    reason = f"导入 {preview_.upload.filename}（新增 {len(preview_.added)}，修改 {len(preview_.changed)}）"
    return store.save_many(
        editor, edits, reason=reason, action="import", path=path, outline=outline
    )
