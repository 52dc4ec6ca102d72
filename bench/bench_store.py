"""Save latency and catalog load time of both stores, at growing catalog sizes and with 1, 4 and
16 writers at once (prints figures; asserts nothing).

    .venv/bin/python bench/bench_store.py [--sizes 600 10000 50000] [--with-100k] [--saves N]
        [--single N] [--single-only]

First, at each size, one writer's saves one after another (``--single``, min / median / max):
the file store on its canonical catalog (read as lines, only the records a save needs parsed),
the same file store on the same catalog with one record's keys reordered by hand (so every
save reads and checks the whole file, as every save did before the line reading), and PostGIS.

Each writer is its own process (as app servers and their sessions are), edits its own share of
the records (so every save succeeds: the figure is the cost of a save, not of a conflict) and
times each ``store.save`` call from its start to its return, the history written. The database
is a throwaway PostgreSQL + PostGIS (:mod:`projects.store.postgis.server`) on this machine.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-store-pw"
WRITERS = (1, 4, 16)


def _writer(
    location: str, accounts: str, versions: dict[str, int], saves: int, barrier, out
) -> None:
    """One writer process: ``saves`` saves on its own records (``versions``: their current
    versions, known to the bench, so a writer need not load a 100 000-project catalog first),
    each timed."""
    os.environ["SHAPINGBA_USERS"] = accounts
    os.environ["SHAPINGBA_AUDIT"] = str(Path(accounts).with_name("audit.jsonl"))
    from projects import store
    from projects.errors import CatalogError
    from projects.store import users

    editor = users.authenticate("bench", PASSWORD)
    ids = list(versions)
    barrier.wait()
    times, refused = [], 0
    for i in range(saves):
        pid = ids[i % len(ids)]
        changes = {"notes": f"基准测试第{i}次"}
        t = time.perf_counter()
        try:
            saved = store.save(editor, pid, changes, expected_version=versions[pid], path=location)
        except CatalogError:  # e.g. the file lock not had within its timeout: refused
            refused += 1
            continue
        times.append(time.perf_counter() - t)
        versions[pid] = saved["properties"]["version"]
    out.put((times, refused, versions))


def save_latency(
    location: str, accounts: str, versions: dict[str, int], writers: int, saves: int
) -> tuple[list[float], int, float]:
    """(per-save seconds of every writer, saves refused, wall seconds) for ``writers`` at once,
    each on its share of ``versions`` (every record's current version, updated here)."""
    ids = list(versions)
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(writers + 1), ctx.Queue()
    share = len(ids) // writers
    procs = [
        ctx.Process(
            target=_writer,
            args=(
                location,
                accounts,
                {pid: versions[pid] for pid in ids[k * share : (k + 1) * share]},
                saves,
                barrier,
                out,
            ),
        )
        for k in range(writers)
    ]
    for p in procs:
        p.start()
    barrier.wait()
    t = time.perf_counter()
    results = [out.get(timeout=3600) for _ in procs]
    wall = time.perf_counter() - t
    for p in procs:
        p.join()
    for _, _, now in results:
        versions.update(now)
    return [s for times, _, _ in results for s in times], sum(r for _, r, _ in results), wall


def _fmt(times: list[float]) -> str:
    if not times:
        return f"{'—':>8s} {'—':>8s} {'—':>8s} {'—':>8s}"
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    return (
        f"{times[0] * 1000:8.1f} {statistics.median(times) * 1000:8.1f} "
        f"{p95 * 1000:8.1f} {times[-1] * 1000:8.1f}"
    )


def main() -> None:
    """Every size × store × writer count; one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[600, 10_000, 50_000])
    parser.add_argument("--with-100k", action="store_true", help="add 100 000 projects")
    parser.add_argument("--saves", type=int, default=10, help="saves per writer (database)")
    parser.add_argument("--single", type=int, default=7, help="saves in the single-save rows")
    parser.add_argument("--single-only", action="store_true", help="skip the writers table")
    parser.add_argument(
        "--file-seconds", type=float, default=60, help="time budget per file-store row"
    )
    args = parser.parse_args()
    sizes = args.sizes + ([100_000] if args.with_100k else [])

    from bench.synthetic import synthetic_collection
    from projects import store
    from projects.store import LOCK_TIMEOUT, users
    from projects.store.postgis import replace_all
    from projects.store.postgis import server as postgres

    work = Path(tempfile.mkdtemp(prefix="shapingba-bench-"))
    accounts = str(work / "users.json")
    os.environ["SHAPINGBA_USERS"] = accounts
    os.environ["SHAPINGBA_AUDIT"] = str(work / "audit.jsonl")
    users.add_user("bench", PASSWORD, rounds=4)
    pg_folder = Path(tempfile.mkdtemp(prefix="shapingba-bench-pg-"))
    url = postgres.start(pg_folder).url
    signal.signal(signal.SIGTERM, _interrupt)
    single_rows = []
    print(
        "save latency in ms (min / median / p95 / max over every save of every writer), "
        "saves per second overall, one full catalog load, and saves refused (the file lock "
        f"not had within {LOCK_TIMEOUT:.0f} s)"
    )
    print(
        f"{'store':8s} {'projects':>8s} {'writers':>7s} {'saves':>6s}     min   median      p95"
        "      max   saves/s   load"
    )
    try:
        for n in sizes:
            features = synthetic_collection(n)["features"]
            ids = [f["properties"]["id"] for f in features]
            catalog = work / f"file-{n}" / "projects.geojson"  # each with its own history
            catalog.parent.mkdir()
            store.rebuild(features, catalog)
            replace_all(url, features, [])
            whole = work / f"whole-{n}" / "projects.geojson"
            whole.parent.mkdir()
            whole.write_bytes(_not_canonical(catalog.read_bytes()))
            if store.history_path(catalog).exists():
                shutil.copy(store.history_path(catalog), store.history_path(whole))
            versions = {name: dict.fromkeys(ids, 1) for name in ("file", "file-whole", "postgis")}
            for name, location in (
                ("file", str(catalog)),
                ("file-whole", str(whole)),
                ("postgis", url),
            ):
                times, refused, _ = save_latency(location, accounts, versions[name], 1, args.single)
                single_rows.append((name, n, times, refused))
                print(
                    f"single saves: {name:10s} {n:8d} {_fmt(times)} refused {refused}", flush=True
                )
            if args.single_only:
                continue
            for name, location in (("file", str(catalog)), ("postgis", url)):
                t = time.perf_counter()
                store.load(location)
                load = time.perf_counter() - t
                for writers in WRITERS:
                    saves = args.saves
                    if name == "file":  # a whole-file rewrite per save: keep the row in budget
                        one = _probe(location, accounts, versions[name])
                        saves = max(1, min(args.saves, int(args.file_seconds / one / writers)))
                    times, refused, wall = save_latency(
                        location, accounts, versions[name], writers, saves
                    )
                    print(
                        f"{name:8s} {n:8d} {writers:7d} {len(times):6d} {_fmt(times)} "
                        f"{len(times) / wall:9.1f} {load:6.2f}s {refused:8d}",
                        flush=True,
                    )
        print("\none writer's saves, one after another, in ms: min / median / max")
        for name, n, times, refused in single_rows:
            times = sorted(times) or [float("nan")]
            print(
                f"{name:10s} {n:8d} {times[0] * 1000:8.1f} "
                f"{statistics.median(times) * 1000:8.1f} {times[-1] * 1000:8.1f}"
                + (f"  ({refused} refused)" if refused else "")
            )
    finally:
        postgres.stop(pg_folder)
        shutil.rmtree(pg_folder, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def _not_canonical(text: bytes) -> bytes:
    """The catalog with its first record's keys in another order, as a hand edit might leave
    it: still one feature a line, but not in canonical form, so the store reads it whole."""
    head, first, rest = text.split(b"\n", 2)
    feature = json.loads(first.rstrip(b","))
    props = feature["properties"]
    feature["properties"] = {"name": props["name"], **props}
    line = json.dumps(feature, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return head + b"\n" + line + (b"," if first.endswith(b",") else b"") + b"\n" + rest


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def _probe(location: str, accounts: str, versions: dict[str, int]) -> float:
    """Seconds of one file-store save here, to size the file rows to the time budget."""
    last = dict(list(versions.items())[-50:])
    times, _, _ = save_latency(location, accounts, last, 1, 1)
    versions.update(last)
    return max(times[0], 1e-3) if times else 1.0


if __name__ == "__main__":
    main()
