"""Export and re-import timings per format on a synthetic catalog (prints figures, asserts nothing).

.venv/bin/python bench/bench_export.py [N]
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import synthetic_collection  # noqa: E402
from geo import exchange as ex  # noqa: E402
from geo import exchange as im  # noqa: E402
from projects.filters import catalog_frame  # noqa: E402


def report(n: int = 10_000) -> None:
    """Print size and time per format for ``n`` synthetic projects, and the import back."""
    collection = synthetic_collection(n, seed=5)
    frame = catalog_frame(collection)
    print(f"export / import of {n} synthetic projects")
    for fmt, spec in ex.FORMATS.items():
        crs = ex.DEFAULT_GAUSS_KRUGER if ex.DEFAULT_GAUSS_KRUGER in spec.crss else ex.DEFAULT_CRS
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ex.ExportWarning)
            result = ex.export(frame, fmt, crs, scope={"kind": "all"})
        written = time.perf_counter() - start
        line = f"  {fmt:8s} {crs:10s} {len(result.data) / 1e6:7.2f} MB  export {written:5.2f} s"
        if Path(result.filename).suffix.lower() in im.KINDS:  # KML, KMZ, DXF: not importable
            start = time.perf_counter()
            upload = im.read_upload(result.data, result.filename)
            preview = im.preview(upload, collection["features"], outline=None)
            line += f"  re-import preview {time.perf_counter() - start:5.2f} s"
            line += f" ({len(preview.unchanged)} unchanged)"
        print(line)


if __name__ == "__main__":
    report(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
