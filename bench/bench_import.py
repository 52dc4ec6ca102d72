"""Bulk import speed, and how long a colleague's save takes meanwhile (prints figures only).

.venv/bin/python bench/bench_import.py [ROWS] [RUNS]

A copy of the real catalog gets ROWS new projects from one CSV upload (read, preview, apply), RUNS
times. Meanwhile a second process saves one project over and over and times each save, so the
figures show both the import and the longest wait it causes. The best alternative here is the
same import in batches small enough to keep each lock short (the only way before the import took
the lock just to commit); it is timed on a tenth of the rows.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import shapely  # noqa: E402

from geo import exchange as im  # noqa: E402
from geo.boundaries import load_outline  # noqa: E402
from projects import store  # noqa: E402
from projects.store import file_store, users  # noqa: E402

PASSWORD = "bench-import-pw"

# Saves one project again and again, printing how long each save took (seconds), until killed.
COLLEAGUE = r"""
import sys, time
from projects import store
from projects.store import users
editor = users.authenticate("li", sys.argv[1])
n = 0
while True:
    n += 1
    version = store.get("SPB-0001")["properties"]["version"]
    start = time.perf_counter()
    store.save(editor, "SPB-0001", {"notes": f"同事第{n}次保存"}, expected_version=version)
    print(f"{time.time():.3f} {time.perf_counter() - start:.3f}", flush=True)
    time.sleep(0.2)
"""


def upload_csv(rows: int, outline, seed: int = 7) -> bytes:
    """ROWS new projects at random points inside the district, as a lon/lat CSV."""
    rng = np.random.default_rng(seed)
    inner = outline.buffer(-0.005)  # clear of the boundary, whatever the rounding
    minx, miny, maxx, maxy = inner.bounds
    points: list[tuple[float, float]] = []
    while len(points) < rows:
        xs = rng.uniform(minx, maxx, rows)
        ys = rng.uniform(miny, maxy, rows)
        inside = shapely.contains_xy(inner, xs, ys)
        points += list(zip(xs[inside], ys[inside], strict=True))
    lines = ["name,sector,status,lon,lat"]
    lines += [
        f"批量导入项目{i},交通,规划,{x:.6f},{y:.6f}" for i, (x, y) in enumerate(points[:rows])
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


HELD: list[float] = []


def _timed_lock(locked):
    """The store's lock, timing how long this process holds it (the longest wait it can cause)."""

    @contextlib.contextmanager
    def timed(catalog):
        with locked(catalog):
            start = time.perf_counter()
            try:
                yield
            finally:
                HELD.append(time.perf_counter() - start)

    return timed


def one_run(rows: int, data: bytes, outline, folder: Path) -> dict[str, float]:
    catalog = folder / "projects.geojson"
    shutil.copy(ROOT / "data" / "projects.geojson", catalog)
    store.history_path(catalog).unlink(missing_ok=True)
    env = {
        **os.environ,
        "SHAPINGBA_CATALOG": str(catalog),
        "SHAPINGBA_USERS": str(folder / "users.json"),
    }
    os.environ.update(env)
    editor = users.authenticate("wang", PASSWORD)
    colleague = subprocess.Popen(
        [sys.executable, "-c", COLLEAGUE, PASSWORD],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    HELD.clear()
    try:
        colleague.stdout.readline()  # it is saving
        start = time.perf_counter()
        cpu = time.process_time()
        t0 = time.time()
        upload = im.read_upload(data, "bulk.csv", crs="EPSG:4326")
        read = time.perf_counter()
        preview = im.preview(upload, store.load(catalog), outline)
        checked = time.perf_counter()
        im.apply(preview, editor, path=catalog, outline=outline)
        done = time.perf_counter()
        cpu = time.process_time() - cpu
        t1 = time.time()
        lines = []
        while True:  # until a save that started after the import ended has finished
            line = colleague.stdout.readline()
            if not line:
                break
            lines.append(line)
            end, took = map(float, line.split())
            if end - took > t1:
                break
    finally:
        colleague.kill()
    # Every save that overlapped the import, however long it took.
    waits = [
        float(d)
        for t, d in (line.split() for line in lines)
        if float(t) >= t0 and float(t) - float(d) <= t1
    ]
    assert len(store.load(catalog)) >= rows
    version = store.get("SPB-0002", catalog)["properties"]["version"]
    solo, solo_cpu = time.perf_counter(), time.process_time()
    store.save(editor, "SPB-0002", {"notes": "导入之后"}, expected_version=version, path=catalog)
    solo, solo_cpu = time.perf_counter() - solo, time.process_time() - solo_cpu
    return {
        "import holds the lock": max(HELD[:-1], default=float("nan")),
        "one save afterwards, CPU": solo_cpu,
        "import CPU": cpu,
        "one save afterwards": solo,
        "read": read - start,
        "preview": checked - read,
        "apply": done - checked,
        "total": done - start,
        "longest colleague save": max(waits, default=float("nan")),
        "colleague saves": len(waits),
    }


def spread(values: list[float]) -> str:
    return (
        f"min {min(values):6.2f}  median {statistics.median(values):6.2f}  max {max(values):6.2f}"
    )


def main(rows: int = 100_000, runs: int = 3) -> None:
    file_store.locked = _timed_lock(file_store.locked)
    outline = load_outline()
    data = upload_csv(rows, outline)
    print(f"bulk import of {rows} new projects ({len(data) / 1e6:.1f} MB CSV), {runs} runs")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["SHAPINGBA_USERS"] = str(folder / "users.json")
        os.environ["SHAPINGBA_AUDIT"] = str(folder / "audit.jsonl")
        users.add_user("wang", PASSWORD, rounds=4)
        users.add_user("li", PASSWORD, rounds=4)
        for _ in range(runs):
            results.append(one_run(rows, data, outline, folder))
    keys = ("read", "preview", "apply", "total", "import CPU", "import holds the lock")
    for key in (*keys, "longest colleague save", "one save afterwards", "one save afterwards, CPU"):
        print(f"  {key:24s} s: {spread([r[key] for r in results])}")
    print(f"  colleague saves during each import: {[r['colleague saves'] for r in results]}")
    print(json.dumps(results))


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
