"""Copy Leaflet and its plugins from pinned registry packages into ``static/vendor``.

Streamlit serves ``static/`` at ``/app/static/`` so the map needs no CDN; the files are copied
(not linked) because Streamlit refuses symlinks that leave the folder. Most come from PyPI's
XStatic wheels (installed with requirements.txt); leaflet.draw, which has no wheel, is fetched
from the npm registry with ``npm pack`` at a pinned version and checked against its integrity
hash. Without npm the app still runs: only the staff drawing control is left out.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import xstatic.pkg.font_awesome
import xstatic.pkg.jquery
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster

from projects.sources import ROOT

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


#: npm package -> (version, sha512 integrity as the registry states it, folder in the tarball)
NPM_PACKAGES = {
    "leaflet-draw": (
        "1.0.4",
        "sha512-rsQ6saQO5ST5Aj6XRFylr5zvarWgzWnrg46zQ1MEOEIHsppdC/8hnN8qMoFvACsPvTioAuysya/TVtog15tyAQ==",
        "package/dist/",
    ),
}


def fetch_npm(name: str, dest: Path = VENDOR) -> Path:
    """``npm pack`` one pinned package, verify its hash, unpack its dist folder to dest/name."""
    version, integrity, prefix = NPM_PACKAGES[name]
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "pack", f"{name}@{version}", "--silent"],
            cwd=tmp,
            check=True,
            capture_output=True,
            timeout=300,
        )
        (tarball,) = Path(tmp).glob("*.tgz")
        digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
        if f"sha512-{digest}" != integrity:
            raise RuntimeError(f"{tarball.name}: sha512 does not match the pinned integrity")
        target = dest / name
        if target.exists():
            shutil.rmtree(target)
        with tarfile.open(tarball) as tar:
            for member in tar.getmembers():
                if not member.isfile() or not member.name.startswith(prefix) or ".." in member.name:
                    continue
                out = target / member.name[len(prefix) :]
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(tar.extractfile(member).read())
    return target


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
    for package in NPM_PACKAGES:
        try:
            print(fetch_npm(package).relative_to(ROOT))
        except (OSError, subprocess.SubprocessError, RuntimeError, ValueError) as exc:
            print(
                f"warning: {package} not installed ({exc}); the map runs without it",
                file=sys.stderr,
            )
