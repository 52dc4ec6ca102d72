"""Copy Leaflet and its plugins from pinned XStatic wheels into ``static/vendor``.

Streamlit serves ``static/`` at ``/app/static/`` so the map needs no CDN; the files are copied
(not linked) because Streamlit refuses symlinks that leave the folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import xstatic.pkg.font_awesome
import xstatic.pkg.jquery
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"
#: URL prefix under which Streamlit serves ``static/vendor``.
URL_PREFIX = "/app/static/vendor"

#: package module -> folder name under static/vendor
PACKAGES = {
    xstatic.pkg.leaflet: "leaflet",
    xstatic.pkg.jquery: "jquery",
    xstatic.pkg.font_awesome: "font-awesome",
    xstatic.pkg.leaflet_markercluster: "leaflet-markercluster",
}


def copy_assets(dest: Path = VENDOR) -> list[Path]:
    """Copy every package's data folder into ``dest``; return the folders written."""
    written = []
    for module, name in PACKAGES.items():
        target = dest / name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(module.BASE_DIR, target)
        written.append(target)
    return written


if __name__ == "__main__":
    for path in copy_assets():
        print(path.relative_to(ROOT))
