"""Cold start alone, at one catalog size: from starting a server to the map drawn with every
project in headless Chromium, ``--runs`` times each way, beside the best naive page's cold start
in the same run. Prints figures; asserts nothing.

    .venv/bin/python bench/bench_cold.py [-n 100000] [--runs 5] [--naive-runs 1]

Ways: ours on a first read (each server with an empty snapshot folder, as a new catalog finds
it), ours restarted (on the snapshots the first server kept), and the naive page whose cold
start was best in the full bench (folium ``GeoJson`` through ``feature_group_to_add``, canvas).
``make bench`` (bench/bench_app.py) times the same thing once per approach beside the filter
changes; this repeats it enough for a median.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_app import browser, cold_restarts  # noqa: E402
from bench.synthetic import catalog_at  # noqa: E402


def _spread(times: list[float]) -> str:
    return (
        f"{min(times):.2f} / {statistics.median(times):.2f} / {max(times):.2f} s "
        f"(min / median / max of {len(times)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100_000, help="projects (600: the real catalog)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--naive-runs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = catalog_at(args.n, Path(folder))
        firsts, kept = [], tempfile.mkdtemp(prefix="shapingba-bench-snapshots-")
        for _ in range(args.runs):
            shutil.rmtree(kept, ignore_errors=True)
            Path(kept).mkdir()
            firsts.append(
                browser(path, changes=0, env_extra={"SHAPINGBA_CACHE_DIR": kept})["cold_start_s"]
            )
        restarts = cold_restarts(path, kept, args.runs)
        shutil.rmtree(kept, ignore_errors=True)
        naive = [
            browser(path, "bench/naive_app.py", "feature_group_canvas", 0)["cold_start_s"]
            for _ in range(args.naive_runs)
        ]
    print(f"cold start at {args.n} projects, server start to map drawn in Chromium:")
    print(f"  ours, first read of the catalog      {_spread(firsts)}")
    print(f"  ours, restarted on its snapshots     {_spread(restarts)}")
    if naive:
        print(f"  naive: feature_group_to_add, canvas  {_spread(naive)}")


if __name__ == "__main__":
    main()
