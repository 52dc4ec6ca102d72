"""Every benchmark, on the real catalog and synthetic ones of 10 000 to 100 000 projects (``make bench``)."""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bench_app, bench_first_view  # noqa: E402
from bench.synthetic import REAL, catalog_at  # noqa: E402
from projects.store.postgis import server as postgres  # noqa: E402
from projects.store.postgis.migrate import migrate  # noqa: E402


def main() -> None:
    """Print every figure of the README's speed table.

    ``--sizes 600 10000 50000`` (600 means the real catalog; others are synthetic),
    ``--with-100k`` adds 100 000 projects, ``--changes N`` filter changes per approach (≥ 5),
    ``--no-store`` skips the save-latency and viewer-refresh tables (bench/bench_store.py,
    bench/bench_refresh.py), ``--no-database`` the
    PostGIS rows and the OGC API service's requests on that store (bench/bench_service.py; they
    need Debian's postgresql and postgis packages).
    """
    parser = argparse.ArgumentParser(description="make bench")
    parser.add_argument("--sizes", type=int, nargs="+", default=[600, 10_000])
    parser.add_argument("--with-100k", action="store_true")
    parser.add_argument("--changes", type=int, default=5)
    parser.add_argument("--no-store", action="store_true")
    parser.add_argument("--no-database", action="store_true")
    args = parser.parse_args()
    sizes = args.sizes + ([100_000] if args.with_100k else [])
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    print(
        f"{time.strftime('%Y-%m-%d %H:%M %Z')} · {platform.node()} · {platform.processor() or platform.machine()}"
    )
    bpp = bench_app.bytes_per_point()
    print(
        f"bytes per point feature (10 000 points, as sent): ours {bpp['ours']:.0f}, "
        f"naive GeoJson {bpp['naive_geojson']:.0f} (target ≤ 250)"
    )
    with ExitStack() as stack:
        database = None
        if not args.no_database and postgres.server_bin()[0] is not None:
            folder = Path(tempfile.mkdtemp(prefix="shapingba-bench-pg-"))
            database = postgres.start(folder).url
            stack.callback(postgres.stop, folder)
        for n in sizes:
            path = catalog_at(n, out)
            label = "real catalog" if n == REAL else "synthetic"
            if n == REAL:
                bench_first_view.report(path)
            if database:
                migrate(path, database, replace=True)
                # A bulk load wakes autovacuum, which then runs beside the timed pages (the
                # file store's too): settle the table first, as a loaded database would be.
                with psycopg.connect(database, autocommit=True) as conn:
                    conn.execute("VACUUM ANALYZE projects")
            bench_app.report(label, path, changes=args.changes, database=database)
    if not args.no_store:
        store_sizes = [str(n) for n in sizes]
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "bench_store.py"), "--sizes", *store_sizes],
            check=False,
        )
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "bench_refresh.py"), "--sizes", *store_sizes],
            check=False,
        )
    if not args.no_database and postgres.server_bin()[0] is not None:
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "bench_service.py"), "--sizes"]
            + [str(n) for n in sizes],
            check=False,
        )
    for name in ("bench_read.py", "bench_gcj02.py"):
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / name), "--sizes", *map(str, sizes)], check=False
        )


if __name__ == "__main__":
    main()
