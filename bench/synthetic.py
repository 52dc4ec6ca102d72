"""A synthetic catalog of any size, same schema as data/projects.geojson, for tests and benchmarks.

Every record is marked synthetic (id prefix ``syn-``, notes 合成数据) and its geometry is drawn at
random inside the district's bounding box (106.247–106.491 E, 29.495–29.753 N, the extent of the
reference outline), so nothing here is a fact about a real project.
60 % points, 25 % lines, 15 % polygons by default, as the speed targets are stated.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from projects import schema, vocab
from projects.store import catalog_path

#: Bounding box of the district (lon/lat), rounded outwards from the reference outline.
BBOX = (106.247, 29.495, 106.491, 29.753)
_PARTS_A = ("歌乐", "磁器", "井口", "凤凰", "青木", "陈家", "土主", "西永", "回龙", "丰文", "曾家")
_PARTS_B = ("物流", "科创", "公园", "大道", "片区", "医院", "学校", "枢纽", "隧道", "安置房")
_PARTS_C = ("项目", "工程", "一期", "二期", "提升工程", "建设项目")
_PRECISION_WEIGHTS = {"exact": 0.3, "approximate": 0.35, "area": 0.15, "manual": 0.05}
_PRECISION_WEIGHTS.update({"zone": 0.1, "district": 0.05})


def synthetic_collection(
    n: int, seed: int = 42, shares: tuple[float, float, float] = (0.6, 0.25, 0.15)
) -> dict[str, Any]:
    """A FeatureCollection of ``n`` synthetic projects (points, lines, polygons by ``shares``)."""
    rng = np.random.default_rng(seed)
    n_points = round(n * shares[0])
    n_lines = round(n * shares[1])
    kinds = ["point"] * n_points + ["line"] * n_lines + ["polygon"] * (n - n_points - n_lines)
    precisions = list(_PRECISION_WEIGHTS)
    weights = np.array(list(_PRECISION_WEIGHTS.values()))
    features = []
    for i, kind in enumerate(kinds):
        props = schema.empty_properties()
        start = int(rng.integers(2018, 2028))
        end = start + int(rng.integers(0, 8))
        history = _history(rng, start, end)
        name = str(rng.choice(_PARTS_A)) + str(rng.choice(_PARTS_B)) + str(rng.choice(_PARTS_C))
        doc = vocab.DOCUMENTS[int(rng.integers(0, len(vocab.DOCUMENTS)))]
        props.update(
            id=f"syn-{i:05d}",
            name=f"{name}{i}",
            aliases=[f"{name[:4]}{i}"] if rng.random() < 0.3 else [],
            sector=str(rng.choice(vocab.SECTORS)),
            status=history[-1]["status"] if history else vocab.UNKNOWN_STATUS,
            status_history=history,
            start_year=start,
            end_year=end if rng.random() < 0.8 else None,
            zone=str(rng.choice(vocab.ALL_ZONES, p=[0.3, 0.3, 0.3, 0.06, 0.04])),
            lead_dept="区发展改革委" if rng.random() < 0.5 else None,
            precision=str(rng.choice(precisions, p=weights / weights.sum())),
            sources=[{"doc": doc.file, "section": "合成数据", "line": int(rng.integers(1, 800))}],
            notes="合成数据（基准测试用，非真实项目）",
            geo_method="none",
            geo_basis="合成数据：随机位置",
        )
        geometry = _geometry(rng, kind)
        if props["precision"] in vocab.REFERENCE_PRECISIONS:
            # A reference-level position names a real place and carries no shape of its own.
            props["place_id"] = _place_id(rng, props["precision"])
            geometry = None
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


def _place_id(rng: np.random.Generator, precision: str) -> str:
    """A real place of the given reference precision (an area, a zone, the district)."""
    from geo.places.reference import DISTRICT_ID, ZONE_IDS

    if precision == "district":
        return DISTRICT_ID
    if precision == "zone":
        return str(rng.choice(list(ZONE_IDS.values())))
    return str(rng.choice(_area_ids(precision)))


def _area_ids(precision: str) -> list[str]:
    from geo.places.gazetteer import load_gazetteer

    return [p.id for p in load_gazetteer() if p.precision == precision and not p.outside]


def _history(rng: np.random.Generator, start: int, end: int) -> list[dict[str, Any]]:
    stage = int(rng.integers(0, 3))
    history = []
    year = start - int(rng.integers(0, 3))
    while stage < len(vocab.STATUSES) and year <= end + 1 and len(history) < 3:
        history.append(
            {
                "doc": vocab.DOCUMENTS[1].file,
                "date": str(year),
                "year": year,
                "status": vocab.STATUSES[stage],
                "cue": "合成",
                "line": 1,
                "part": None,
            }
        )
        stage += int(rng.integers(1, 3))
        year += int(rng.integers(1, 4))
    return history


def _geometry(rng: np.random.Generator, kind: str) -> dict[str, Any]:
    lon0, lat0, lon1, lat1 = BBOX
    x, y = rng.uniform(lon0 + 0.02, lon1 - 0.02), rng.uniform(lat0 + 0.02, lat1 - 0.02)
    if kind == "point":
        return {"type": "Point", "coordinates": [round(x, 6), round(y, 6)]}
    if kind == "line":
        steps = rng.normal(0, 0.004, size=(int(rng.integers(3, 9)), 2)).cumsum(axis=0)
        coords = [[round(x + dx, 6), round(y + dy, 6)] for dx, dy in steps]
        return {"type": "LineString", "coordinates": coords}
    k = int(rng.integers(5, 10))
    radius = rng.uniform(0.002, 0.006)
    ring = []
    for j in range(k):
        angle = 2 * math.pi * j / k
        r = radius * rng.uniform(0.7, 1.0)
        ring.append([round(x + r * math.cos(angle), 6), round(y + r * math.sin(angle), 6)])
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def write_catalog(path: Path, n: int, seed: int = 42) -> Path:
    """Write a synthetic catalog of ``n`` projects to ``path`` (GeoJSON, UTF-8)."""
    path = Path(path)
    path.write_text(json.dumps(synthetic_collection(n, seed), ensure_ascii=False), "utf-8")
    return path


#: The size the benches give for the real catalog (about 600 projects) instead of a synthetic one.
REAL = 600


def catalog_at(n: int, folder: Path) -> Path:
    """The catalog a bench measures at size ``n``: the real one for :data:`REAL`, else a
    synthetic catalog of ``n`` projects written into ``folder``."""
    if n == REAL:
        return Path(catalog_path())
    return write_catalog(Path(folder) / f"synthetic_{n}.geojson", n)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Write a synthetic catalog.")
    parser.add_argument("path", type=Path)
    parser.add_argument("-n", type=int, default=10_000)
    args = parser.parse_args()
    print(write_catalog(args.path, args.n))
