"""Time to draw a printed map sheet (A4 portrait PDF of the whole district), the real catalog and
synthetic catalogs filtered to about 2 000 and 10 000 drawn projects (prints figures, asserts
nothing).

    .venv/bin/python bench/bench_print.py [--runs 3] [--cases real,2000,10000] [--old DIR]

``--old DIR`` times another copy of the code (say ``git archive <commit> | tar -x -C DIR``) in
the same run, case by case beside this one: each copy runs in its own process, which imports
``geo`` and ``projects`` from its own folder. Only the drawing (``render_map``) is timed; the
drawn count is read back from the sheet's note, so both copies can be seen to print the same.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = Path(os.environ.get("BENCH_PRINT_CODE", ROOT))
sys.path.insert(0, str(CODE))

#: case -> (synthetic catalog size or 0 for the real one, drawn projects aimed at)
CASES = {"real": (0, 0), "2000": (10_000, 2_000), "10000": (50_000, 10_000)}


def _projects(case: str):
    """The filtered projects of ``case``: the real catalog whole, or a synthetic one filtered by
    sectors (in vocabulary order) to the prefix drawing closest to the aimed-at count."""
    from bench.synthetic import synthetic_collection
    from geo.printmap.placing import own_positions
    from projects import filters, store, vocab

    size, aim = CASES[case]
    if not size:
        frame = filters.catalog_frame(store.load_collection(store.CATALOG_PATH))
        return filters.filter_projects(frame, filters.Query()), "全部"
    frame = filters.catalog_frame(synthetic_collection(size))
    best = None
    for k in range(1, len(vocab.SECTORS) + 1):
        query = filters.Query(sectors=vocab.SECTORS[:k])
        shown = filters.filter_projects(frame, query)
        gap = abs(int(own_positions(shown).sum()) - aim)
        if best is None or gap < best[0]:
            best = (gap, shown, "、".join(vocab.SECTORS[:k]))
    return best[1], best[2]


def _drawn(pdf: bytes) -> int:
    """How many projects the sheet's note says it draws."""
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().replace("\n", "")
    found = re.search(r"图中画出 (\d+) 个项目", text)
    return int(found.group(1)) if found else -1


def worker(case: str, runs: int) -> dict:
    """Draw ``case``'s sheet ``runs`` times with the code this process imports."""
    from geo import printmap
    from geo.boundaries import load_outline, load_zones

    projects, sectors = _projects(case)
    outline, zones = load_outline(), load_zones()
    sheet = printmap.Sheet("A4", "portrait", "沙坪坝区 项目一张图", sectors, date(2026, 12, 7))
    # The first sheet in a process also loads the fonts (some seconds): drawn once, untimed.
    printmap.render_map(projects.iloc[:0], outline, zones, sheet)
    seconds, pdf = [], b""
    for _ in range(runs):
        start = time.perf_counter()
        pdf = printmap.render_map(projects, outline, zones, sheet)
        seconds.append(time.perf_counter() - start)
    return {"seconds": seconds, "bytes": len(pdf), "drawn": _drawn(pdf), "filtered": len(projects)}


def _run(code: Path, case: str, runs: int) -> dict:
    """``worker`` in a fresh process importing the code in ``code``."""
    env = {**os.environ, "BENCH_PRINT_CODE": str(code), "PYTHONPATH": str(code)}
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", case, "--runs", str(runs)],
        env=env,
        cwd=code,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cases", default="real,2000,10000")
    parser.add_argument("--old", type=Path, help="another copy of the code, timed beside this")
    parser.add_argument("--old-cases", help="the cases to time the old copy on (default: all)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.runs)))
        return
    cases = args.cases.split(",")
    old_cases = args.old_cases.split(",") if args.old_cases else cases
    print("A4 portrait PDF, whole district; seconds min / median / max")
    for case in cases:
        copies = [("new", ROOT)]
        if args.old and case in old_cases:
            copies.insert(0, ("old", args.old.resolve()))
        for label, code in copies:
            r = _run(code, case, args.runs)
            s = r["seconds"]
            print(
                f"  {case:>6} {label}: {r['filtered']:6d} filtered, {r['drawn']:6d} drawn, "
                f"{min(s):7.2f} / {statistics.median(s):7.2f} / {max(s):7.2f} s "
                f"({len(s)} runs), {r['bytes'] / 1e6:.2f} MB",
                flush=True,
            )


if __name__ == "__main__":
    main()
