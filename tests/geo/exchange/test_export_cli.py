"""``python -m geo.exchange.export`` in a subprocess: the same export the download buttons make."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pyogrio
from pyproj import CRS

from projects.sources import ROOT
from tests.geo.exchange.test_export import sample_collection


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "geo.exchange.export", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def catalog_file(tmp_path: Path) -> Path:
    path = tmp_path / "projects.geojson"
    path.write_text(json.dumps(sample_collection(), ensure_ascii=False), encoding="utf-8")
    return path


def test_sector_filter_to_gauss_kruger_geopackage(tmp_path):
    catalog = catalog_file(tmp_path)
    out = tmp_path / "x.gpkg"
    done = run(
        "--format",
        "gpkg",
        "--crs",
        "EPSG:4544",
        "--sector",
        "交通",
        "--catalog",
        str(catalog),
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    want = {
        f["properties"]["name"]
        for f in sample_collection()["features"]
        if f["properties"]["sector"] == "交通" and not f["properties"]["deleted"]
    }
    names = set()
    for layer, _ in pyogrio.list_layers(out):
        if layer.startswith("projects_"):
            frame = pyogrio.read_dataframe(out, layer=layer)
            names |= set(frame["name"])
            if "geometry" in frame:
                assert CRS.from_user_input(frame.crs).to_epsg() == 4544
    assert names == want and len(want) == 3
    meta = json.loads(pyogrio.read_info(out, layer="projects_line")["dataset_metadata"]["export"])
    assert meta["scope"] == {"kind": "filter", "query": {"sector": "交通"}}
    assert meta["count"] == len(want) and meta["catalog_version"].startswith("sha256:")
    assert f"{len(want)} projects" in done.stdout
    if (ROOT / "data" / "boundaries" / "zones.geojson").exists():  # the extra layers come along
        assert {"zones", "outline"} <= {str(n) for n, _ in pyogrio.list_layers(out)}


def test_no_filter_exports_the_whole_catalog_and_reports_lossy_output(tmp_path):
    out = tmp_path / "x.zip"
    done = run("--format", "shp", "--catalog", str(catalog_file(tmp_path)), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "字段名最多 10 个字符" in done.stderr
    meta = json.loads(zipfile.ZipFile(out).read("metadata.json"))
    assert meta["scope"] == {"kind": "all"} and meta["count"] == 5


def test_bad_requests_fail_in_chinese_and_write_nothing(tmp_path):
    catalog = catalog_file(tmp_path)
    out = tmp_path / "x.geojson"
    done = run(
        "--format", "geojson", "--crs", "EPSG:4544", "--catalog", str(catalog), "--out", str(out)
    )
    assert done.returncode == 2 and "只能使用以下坐标系" in done.stderr and not out.exists()
    done = run("--format", "csv", "--sector", "火星", "--catalog", str(catalog), "--out", str(out))
    assert done.returncode == 2 and "火星" in done.stderr and not out.exists()
