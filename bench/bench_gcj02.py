"""Shifting a catalog's geometries to GCJ-02 (the 高德 basemap's project layer, GCJ-02 exports):
one transform over every coordinate beside one call per geometry, as the code did before.
Prints figures; asserts nothing.

    .venv/bin/python bench/bench_gcj02.py [--sizes 600 10000 100000] [--runs 5]

600 is the real catalog; the others are synthetic (bench/synthetic.py). Each figure is ms
min / median / max over ``--runs`` runs, one way after the other in the same process.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_service import timed  # noqa: E402
from bench.synthetic import synthetic_collection  # noqa: E402
from geo import crs  # noqa: E402
from projects import filters, store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[600, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"ms min / median / max over {args.runs} runs")
    for n in args.sizes:
        collection = (
            store.load_collection(store.catalog_path()) if n == 600 else synthetic_collection(n)
        )
        geoms = filters.catalog_frame(collection).geometry.to_numpy()
        geoms = geoms[np.array([g is not None for g in geoms], dtype=bool)]
        whole = timed(lambda g=geoms: crs.geometry_to_gcj02(g), args.runs)
        each = timed(lambda g=geoms: [crs.geometry_to_gcj02(x) for x in g], args.runs)
        print(f"{len(geoms):7d} geometries  whole array {whole}   one call each {each}")


if __name__ == "__main__":
    main()
