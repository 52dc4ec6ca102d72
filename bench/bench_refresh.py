"""How long a viewer's app server takes to be current after a colleague's save, on both stores:
reading everything again (what every save cost before) beside fetching and patching in only the
changed record (``ui.catalog.refresh``). Prints figures; asserts nothing.

    .venv/bin/python bench/bench_refresh.py [--sizes 600 10000] [--saves 5]

Each save renames one record (through ``store.save``, as another server would); the time is from
the save's return to the refreshed frame (min / median / max over ``--saves`` saves).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-refresh-pw"


def _fmt(times: list[float]) -> str:
    return (
        f"{min(times) * 1000:8.0f} {statistics.median(times) * 1000:8.0f} {max(times) * 1000:8.0f}"
    )


def measure(location: str, saves: int) -> tuple[list[float], list[float], int]:
    """(full-read seconds, patch seconds, records fetched by the patches) over ``saves`` saves."""
    from projects import filters, store
    from projects.store import users
    from ui import catalog

    editor = users.authenticate("bench", PASSWORD)
    with catalog._lock:
        catalog._live.pop(location, None)
    catalog.refresh(location)
    full, patch = [], []
    ids = [str(i) for i in catalog._live[location].view["id"][:saves]]
    for n, pid in enumerate(ids):
        version = store.get(pid, location)["properties"]["version"]
        name = f"基准改名{n}·{time.time_ns()}"  # never the name it has: every save changes it
        store.save(editor, pid, {"name": name}, expected_version=version, path=location)
        t = time.perf_counter()
        catalog.refresh(location)
        patch.append(time.perf_counter() - t)
        t = time.perf_counter()
        filters.catalog_frame(store.load_collection(location))
        full.append(time.perf_counter() - t)
    return full, patch, catalog.refresh_stats(location)["fetched"]


def main() -> None:
    """Every size × store; one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[600, 10_000])
    parser.add_argument("--saves", type=int, default=5)
    args = parser.parse_args()

    from bench.synthetic import synthetic_collection
    from projects import store
    from projects.store import users
    from projects.store.postgis import replace_all
    from projects.store.postgis import server as postgres

    work = Path(tempfile.mkdtemp(prefix="shapingba-bench-refresh-"))
    os.environ["SHAPINGBA_USERS"] = str(work / "users.json")
    os.environ["SHAPINGBA_AUDIT"] = str(work / "audit.jsonl")
    users.add_user("bench", PASSWORD, rounds=4)
    url, pg_folder = None, Path(tempfile.mkdtemp(prefix="shapingba-bench-pg-"))
    if postgres.server_bin()[0] is not None:
        url = postgres.start(pg_folder).url
    print(
        "viewer current after one save, ms (min / median / max over "
        f"{args.saves} saves): read everything again vs fetch + patch the changed record"
    )
    print(
        f"{'store':8s} {'projects':>8s} {'full read: min':>15s} {'median':>8s} {'max':>8s}"
        f" {'patch: min':>11s} {'median':>8s} {'max':>8s} {'fetched':>8s}"
    )
    try:
        for n in args.sizes:
            features = synthetic_collection(n)["features"]
            catalog = work / str(n) / "projects.geojson"  # its own history beside it
            catalog.parent.mkdir()
            store.rebuild(features, catalog)
            places = [("file", str(catalog))]
            if url:
                replace_all(url, features, [])
                places.append(("postgis", url))
            for name, location in places:
                full, patch, fetched = measure(location, args.saves)
                print(f"{name:8s} {n:8d} {_fmt(full):>33s} {_fmt(patch):>29s} {fetched:8d}")
    finally:
        if url:
            postgres.stop(pg_folder)
        shutil.rmtree(pg_folder, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
