"""``make catalog``: documents → records → positions and zones → store (staff edits kept).

The one place where the domain build (``projects.records.pipeline``), the geography (``geo.places.placement``) and
the store meet, so each of them stays ignorant of the others.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from geo.places.placement import place_records
from projects import store
from projects.records import build_records


def build_features(seeds: Path | None = None) -> list[dict]:
    """The catalog's features as the documents, curation and placements say (no staff edits)."""
    return place_records(build_records(seeds))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=None, help="folder of plan documents")
    parser.add_argument("--out", type=Path, default=store.CATALOG_PATH, help="catalog file")
    args = parser.parse_args(argv)
    features = build_features(args.seeds)
    store.rebuild(features, path=args.out)
    print(f"{len(features)} projects written to {args.out}")


if __name__ == "__main__":
    main()
