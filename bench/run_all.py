"""Every benchmark, on the real catalog and on a synthetic 10 000-project one (``make bench``)."""

from __future__ import annotations

import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bench_app, bench_first_view  # noqa: E402
from bench.synthetic import write_catalog  # noqa: E402
from ui.catalog import catalog_path  # noqa: E402


def main() -> None:
    """Print every figure of the README's speed table (``--synthetic-only`` skips the real catalog)."""
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
    if "--synthetic-only" not in sys.argv:
        bench_first_view.report(catalog_path())
        bench_app.report("real catalog", catalog_path())
    bench_app.report("synthetic", write_catalog(out / "synthetic_10000.geojson", 10_000))


if __name__ == "__main__":
    main()
