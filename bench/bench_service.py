"""What one request to the OGC API service's projects collection costs on the PostGIS store.

    .venv/bin/python bench/bench_service.py [--sizes 600 10000] [--with-100k] [--runs 5]

Three ways to answer, on the same synthetic catalog (``bench/synthetic.py``) in a throwaway
cluster (Debian's postgresql and postgis): **sql**, what the service does (one query per
request for the page and the count, :func:`projects.store.postgis.find_projects`); **whole**,
the service before it (the whole catalog read from the database and filtered in Python at every
request, as pygeoapi makes a provider per request); **cached**, a lower bound for keeping a copy
in the process and refreshing it by the store's change counter (only the Python filtering of a
copy already in memory, the refresh itself not counted). Each figure is ms min / median / max
over ``--runs`` requests, the provider made anew for each as pygeoapi does (not over HTTP).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import synthetic_collection  # noqa: E402
from geo.service import collections  # noqa: E402
from geo.service import provider as provider_module  # noqa: E402
from geo.service.provider import CatalogProvider  # noqa: E402
from projects.store.postgis import replace_all  # noqa: E402
from projects.store.postgis import server as postgres  # noqa: E402

#: The requests timed: a name and the provider call's arguments (item: one ``get``).
REQUESTS = {
    "first page (100)": {"limit": 100},
    "bbox ~1 km², 100": {"bbox": [106.35, 29.60, 106.36, 29.61], "limit": 100},
    "sector = 交通, 100": {"properties": [("sector", "交通")], "limit": 100},
    "years 2024, sort name": {
        "datetime_": "2024/2024",
        "sortby": [{"property": "name", "order": "+"}],
        "limit": 100,
    },
    "page at offset 5000": {"offset": 5000, "limit": 100},
    "one item": None,
}


class _WholeLoad(CatalogProvider):
    """The provider as it was: the whole catalog read (through the store) at every request."""

    def get_fields(self) -> dict:
        self.database = False
        return super().get_fields()


def timed(fn, runs: int, width: int = 8) -> str:
    """``fn()`` run ``runs`` times: min / median / max in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return " / ".join(f"{t:{width}.1f}" for t in (min(times), statistics.median(times), max(times)))


def database(stack: ExitStack, given: str | None, name: str) -> str:
    """``given``, or a throwaway PostgreSQL + PostGIS started for the bench (stopped and removed
    when ``stack`` closes)."""
    if given is not None:
        return given
    folder = Path(tempfile.mkdtemp(prefix=f"shapingba-bench-{name}-"))
    stack.callback(shutil.rmtree, folder, ignore_errors=True)
    url = postgres.start(folder).url
    stack.callback(postgres.stop, folder)
    return url


def _request(make, args, item: str):
    def run() -> None:
        provider = make()
        if args is None:
            provider.get(item)
        else:
            provider.query(**args)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[600, 10_000])
    parser.add_argument("--with-100k", action="store_true", help="add 100 000 projects")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database", help="an existing database URL (its projects replaced)")
    args = parser.parse_args()
    sizes = args.sizes + ([100_000] if args.with_100k else [])
    with ExitStack() as stack:
        url = database(stack, args.database, "service")
        definition = collections(url)["projects"]["providers"][0]
        print(f"ms min / median / max over {args.runs} requests (whole: {min(args.runs, 3)})")
        print(f"{'projects':>8s}  {'request':24s} {'sql':>26s} {'whole':>26s} {'cached':>26s}")
        for n in sizes:
            features = synthetic_collection(n)["features"]
            replace_all(url, features, [])
            item = features[n // 2]["properties"]["id"]
            copy = [f for f in features if not f["properties"].get("deleted")]
            real = provider_module._features
            cached = CatalogProvider(definition)  # its fields kept, its features the copy
            cached.database = False
            for label, call in REQUESTS.items():
                sql = timed(_request(lambda: CatalogProvider(definition), call, item), args.runs)
                whole = timed(
                    _request(lambda: _WholeLoad(definition), call, item), min(args.runs, 3)
                )
                provider_module._features = lambda path, catalog, copy=copy: copy
                try:
                    kept = timed(_request(lambda c=cached: c, call, item), args.runs)
                finally:
                    provider_module._features = real
                print(f"{n:8d}  {label:24s} {sql} {whole} {kept}", flush=True)


if __name__ == "__main__":
    main()
