"""The catalog store: the only module that reads or writes data/projects.geojson.

(First cut: loading. Saving with versions, history and locking follows in the editing work.)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from projects.sources import ROOT

CATALOG_PATH = ROOT / "data" / "projects.geojson"


def load_collection(path: Path = CATALOG_PATH) -> dict[str, Any]:
    """The catalog as a GeoJSON FeatureCollection dict."""
    return json.loads(Path(path).read_text(encoding="utf-8"))
