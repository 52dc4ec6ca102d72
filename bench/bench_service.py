"""What one request to the OGC API service's projects collection costs on the PostGIS store.

    .venv/bin/python bench/bench_service.py [--sizes 10000] [--with-100k] [--runs 5] [--whole]

On the same synthetic catalog (``bench/synthetic.py``; ``/tmp/synthetic_N.geojson`` is reused
when it holds the same N records) in a throwaway cluster (Debian's postgresql and postgis),
vacuumed and analysed after loading as autovacuum leaves a table at rest. Every request is
made as pygeoapi under Flask makes it: on a new thread, with a new provider. Side by side, in
one run:

- **before: JSON per row**: the table as it was before the property columns (they and the
  indexes over the live rows dropped), every property without a column of its own read from
  each row's JSON; the pool in use;
- then the table is upgraded in place (timed: the one-off cost of the migration), and
- **now**: what the service does (one SQL query for the page and the count,
  :func:`projects.store.postgis.find_projects`, on a connection borrowed from the process's
  pool; filters and sorts on the properties' columns and indexes);
- **before: connect per request**: the same without the pool, so each request thread opens its
  own connection as it did;
- with ``--whole``: the service before SQL (the whole catalog read at every request; slow:
  3 requests each, about 15 s each at 100 000 projects).

Each figure is ms min / median / max over ``--runs`` requests; last, what a save through the
store costs with the table as it was and as it is now (the indexes are written at every save).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import synthetic_collection  # noqa: E402
from geo.service import collections  # noqa: E402
from geo.service import provider as provider_module  # noqa: E402
from geo.service.provider import CatalogProvider  # noqa: E402
from projects import store  # noqa: E402
from projects.store import users  # noqa: E402
from projects.store.postgis import query, replace_all  # noqa: E402
from projects.store.postgis import server as postgres  # noqa: E402
from projects.store.postgis.tables import (  # noqa: E402
    OWN_COLUMNS,
    close_pools,
    connect,
    drop_property_columns,
    ensure_schema,
)

#: The requests timed: a name and the provider call's arguments (None: one item by ``get``).
REQUESTS = {
    "first page (100)": {"limit": 100},
    "bbox ~1 km², 100": {"bbox": [106.35, 29.60, 106.36, 29.61], "limit": 100},
    "sector = 交通, 100": {"properties": [("sector", "交通")], "limit": 100},
    "precision = exact, 100": {"properties": [("precision", "exact")], "limit": 100},
    "lead_dept = 区发展改革委": {"properties": [("lead_dept", "区发展改革委")], "limit": 100},
    "geo_method = none, 100": {"properties": [("geo_method", "none")], "limit": 100},
    "sort lead_dept, 100": {"sortby": [{"property": "lead_dept", "order": "+"}], "limit": 100},
    "sort -precision, 100": {"sortby": [{"property": "precision", "order": "-"}], "limit": 100},
    "sort geo_basis, 100": {"sortby": [{"property": "geo_basis", "order": "+"}], "limit": 100},
    "years 2024, sort name": {
        "datetime_": "2024/2024",
        "sortby": [{"property": "name", "order": "+"}],
        "limit": 100,
    },
    "page at offset 5000": {"offset": 5000, "limit": 100},
    "one item": None,
}
PASSWORD = "bench-service-pass"
#: Requests that read no property and count nothing (the upgrade changes nothing there).
NO_PROPERTY = {"bbox ~1 km², 100", "one item"}


class _WholeLoad(CatalogProvider):
    """The provider as it was before SQL: the whole catalog read at every request."""

    def get_fields(self) -> dict:
        self.database = False
        return super().get_fields()


def timed(fn, runs: int) -> str:
    """``fn()`` run ``runs`` times, each on a new thread: min / median / max in milliseconds."""
    times: list[float] = []
    failed: list[Exception] = []

    def run() -> None:
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - raised below, on the main thread
            failed.append(exc)

    for _ in range(runs):
        thread = threading.Thread(target=run)
        start = time.perf_counter()
        thread.start()
        thread.join()
        times.append((time.perf_counter() - start) * 1000)
        if failed:
            raise failed[0]
    low, mid, high = min(times), statistics.median(times), max(times)
    return " / ".join(f"{t:,.0f}" if t >= 100 else f"{t:.1f}" for t in (low, mid, high))


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


def catalog(n: int) -> list[dict]:
    """The synthetic catalog of ``n`` projects: /tmp's copy when it is the same, else made."""
    kept = Path(tempfile.gettempdir()) / f"synthetic_{n}.geojson"
    if kept.exists():
        features = json.loads(kept.read_text(encoding="utf-8"))["features"]
        made_first = synthetic_collection(1)["features"][0]["properties"]["id"]
        if len(features) == n and features[0]["properties"]["id"] == made_first:
            return features
    return synthetic_collection(n)["features"]


def _request(make, args, item: str):
    def run() -> None:
        provider = make()
        if args is None:
            provider.get(item)
        else:
            provider.query(**args)

    return run


@contextlib.contextmanager
def _json_per_row():
    """The queries as before the property columns: only the record's own columns, the rest of
    every property read from the JSON."""
    kept = query.property_sql
    query.property_sql = lambda key: kept(key) if key in OWN_COLUMNS else None
    try:
        yield
    finally:
        query.property_sql = kept


@contextlib.contextmanager
def _connect_per_request():
    """The provider without the pool: each request thread opens its own connection."""
    kept = provider_module.pooled
    provider_module.pooled = lambda url: contextlib.nullcontext()
    try:
        yield
    finally:
        provider_module.pooled = kept


def save_times(url: str, features: list[dict], runs: int, offset: int) -> str:
    """ms min / median / max of ``runs`` saves through the store (one record's 牵头部门 each,
    on this thread's kept connection as an app server saves): what the columns and indexes
    cost a save."""
    editor = users.authenticate("bench", PASSWORD)
    times = []
    for i in range(-3, runs):  # three first, untimed: caches warm again after the rewrite
        props = features[(offset + i + 3) * 97 % len(features)]["properties"]
        start = time.perf_counter()
        saved = store.save(
            editor,
            props["id"],
            {"lead_dept": f"基准测试部门{offset + i + 3}"},
            expected_version=props["version"],
            path=url,
        )
        if i >= 0:
            times.append((time.perf_counter() - start) * 1000)
        props["version"] = saved["properties"]["version"]
    return " / ".join(f"{t:.1f}" for t in (min(times), statistics.median(times), max(times)))


def as_before(url: str) -> None:
    """The table as it was before the property columns and the indexes over the live rows."""
    conn = connect(url)
    drop_property_columns(conn)
    conn.execute("VACUUM ANALYZE projects")


def upgrade_seconds(url: str) -> float:
    """Seconds for the table as it was to gain the property columns and their indexes."""
    conn = connect(url)
    start = time.perf_counter()
    ensure_schema(conn)
    seconds = time.perf_counter() - start
    conn.execute("VACUUM ANALYZE projects")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--with-100k", action="store_true", help="add 100 000 projects")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--saves", type=int, help="saves timed each way (default: --runs)")
    parser.add_argument("--whole", action="store_true", help="add the whole-catalog read")
    parser.add_argument("--database", help="an existing database URL (its projects replaced)")
    args = parser.parse_args()
    sizes = args.sizes + ([100_000] if args.with_100k else [])
    with ExitStack() as stack:
        url = database(stack, args.database, "service")
        folder = Path(tempfile.mkdtemp(prefix="shapingba-bench-accounts-"))
        stack.callback(shutil.rmtree, folder, ignore_errors=True)
        os.environ["SHAPINGBA_USERS"] = str(folder / "users.json")
        os.environ["SHAPINGBA_AUDIT"] = str(folder / "audit.jsonl")
        users.add_user("bench", PASSWORD, rounds=4)
        stack.callback(close_pools)
        definition = collections(url)["projects"]["providers"][0]
        print(f"ms min / median / max over {args.runs} requests, each on a new thread")
        head = f"{'projects':>8s}  {'request':26s} {'now':>20s} {'before: JSON per row':>22s}"
        head += f" {'before: connect per request':>28s}"
        print(head + (f" {'whole (3)':>26s}" if args.whole else ""))
        for n in sizes:
            features = catalog(n)
            replace_all(url, features, [])
            as_before(url)
            item = features[n // 2]["properties"]["id"]
            CatalogProvider(definition)  # the queryables read once, as the service does at start
            made = {
                label: _request(lambda: CatalogProvider(definition), call, item)
                for label, call in REQUESTS.items()
            }
            before = {}
            with _json_per_row():
                for label in REQUESTS:
                    before[label] = (
                        "(same query)" if label in NO_PROPERTY else timed(made[label], args.runs)
                    )
            saves = args.saves or args.runs
            saves_before = save_times(url, features, saves, 0)
            seconds = upgrade_seconds(url)
            saves_now = save_times(url, features, saves, saves + 3)
            for label, call in REQUESTS.items():
                now = timed(made[label], args.runs)
                with _connect_per_request():
                    unpooled = timed(made[label], args.runs)
                line = f"{n:8d}  {label:26s} {now:>20s} {before[label]:>22s} {unpooled:>28s}"
                if args.whole:
                    line += " " + timed(_request(lambda: _WholeLoad(definition), call, item), 3)
                print(line, flush=True)
            print(f"{n:8d}  {'save (one record)':26s} {saves_now:>20s} {saves_before:>22s}")
            print(
                f"{n:8d}  the table upgraded in place (columns and indexes added): {seconds:.1f} s",
                flush=True,
            )


if __name__ == "__main__":
    main()
