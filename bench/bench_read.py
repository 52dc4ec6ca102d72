"""Reading a whole catalog file (a server's first read): the store's strict parser beside the
standard library's ``json`` on the same file. Prints figures; asserts nothing.

    .venv/bin/python bench/bench_read.py [--sizes 600 10000 100000] [--runs 5]

600 is the real catalog; the others are synthetic (bench/synthetic.py). Each figure is ms
min / median / max over ``--runs`` reads, one way after the other, the collector paused as the
store pauses it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_service import timed  # noqa: E402
from bench.synthetic import catalog_at  # noqa: E402
from projects.store import paused_gc  # noqa: E402
from projects.store.catalog_file import read_features  # noqa: E402


def _stdlib(path: Path) -> list:
    with paused_gc():
        return json.loads(path.read_text(encoding="utf-8"))["features"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[600, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"ms min / median / max over {args.runs} reads")
    with tempfile.TemporaryDirectory() as folder:
        for n in args.sizes:
            path = catalog_at(n, Path(folder))
            ours = timed(lambda p=path: read_features(p), args.runs)
            stdlib = timed(lambda p=path: _stdlib(p), args.runs)
            print(f"{n:7d} projects  ours (msgspec) {ours}   json.loads {stdlib}")


if __name__ == "__main__":
    main()
