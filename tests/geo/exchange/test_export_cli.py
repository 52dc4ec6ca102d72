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
        [sys.executable, "-m", "geo.exchange", *args],
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
    assert f"已导出 {len(want)} 个项目 → {out}" in done.stdout and done.stderr == ""
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


def test_out_names_are_corrected_to_what_the_file_is(tmp_path):
    """A CSV is a CSV under .csv; a Shapefile zip or a split GeoJSON is never named .shp/.geojson."""
    catalog = catalog_file(tmp_path)
    out = tmp_path / "x.csv"
    done = run("--format", "csv", "--catalog", str(catalog), "--out", str(out))
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert out.read_bytes().startswith("\ufeffWKT,编号,名称".encode())  # UTF-8 with BOM, not a zip
    assert len(pyogrio.read_dataframe(out)) == 5
    for fmt, asked, extra in (("shp", "x.shp", []), ("geojson", "y.geojson", ["--split"])):
        done = run(
            "--format", fmt, *extra, "--catalog", str(catalog), "--out", str(tmp_path / asked)
        )
        written = (tmp_path / asked).with_suffix(".zip")
        assert done.returncode == 0 and not (tmp_path / asked).exists()
        assert zipfile.is_zipfile(written) and f"已改为 {written.name}" in done.stderr
        assert f"→ {written}" in done.stdout
    done = run("--format", "kml", "--catalog", str(catalog), "--out", str(tmp_path))
    (kml,) = tmp_path.glob("沙坪坝项目_全部_EPSG4326_*.kml")
    assert done.returncode == 0 and str(kml) in done.stdout


def test_geometry_option_and_its_refusal(tmp_path):
    catalog = catalog_file(tmp_path)
    out = tmp_path / "x.geojson"
    done = run(
        "--format",
        "geojson",
        "--geometry",
        "representative",
        "--catalog",
        str(catalog),
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["metadata"]["geometry"]["mode"] == (
        "representative"
    )
    done = run(
        "--format", "geojson", "--geometry", "copy", "--catalog", str(catalog), "--out", str(out)
    )
    assert done.returncode == 2
