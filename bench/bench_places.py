"""What reading the places costs an app server: the gazetteer from the committed file beside the
same from the PostGIS ``places`` table, and refreshing that table. Prints figures; asserts nothing.

    .venv/bin/python bench/bench_places.py [--runs 7] [--database URL]

Without ``--database`` a throwaway cluster is started (Debian's postgresql and postgis). Each
figure is ms min / median / max over ``--runs`` reads. The app reads its gazetteer once per
process (``geo.places.gazetteer.load_gazetteer`` is cached), so this is a start-up cost.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_service import database, timed  # noqa: E402
from geo.places.collection import place_features  # noqa: E402
from geo.places.gazetteer import DEFAULT, Gazetteer  # noqa: E402
from projects.store.postgis import write_places  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database")
    args = parser.parse_args()
    with ExitStack() as stack:
        url = database(stack, args.database, "places")
        features = place_features()
        print(f"{len(features)} places · ms min / median / max over {args.runs} runs")
        print(
            f"gazetteer from the file        {timed(lambda: Gazetteer.from_file(DEFAULT), args.runs)}"
        )
        print(
            f"refresh the places table       {timed(lambda: write_places(url, features), args.runs)}"
        )
        print(
            f"gazetteer from the table       {timed(lambda: Gazetteer.from_database(url), args.runs)}"
        )


if __name__ == "__main__":
    main()
