"""Reading the catalog file whole (a server's first read, the store's loads): the fast strict
parser must give exactly what ``json`` gives, and a file that is not UTF-8 text a Chinese error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.synthetic import synthetic_collection
from projects.errors import CatalogError
from projects.store.catalog_file import DEFAULT_CATALOG, read_catalog, read_features


def _whole(path: Path) -> list:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def test_the_real_and_a_synthetic_catalog_read_as_json_reads_them(tmp_path):
    synthetic = tmp_path / "synthetic.geojson"
    synthetic.write_text(json.dumps(synthetic_collection(500, seed=3)), encoding="utf-8")
    for path in (DEFAULT_CATALOG, synthetic):
        features = read_features(path)
        assert features == _whole(path)
        assert json.dumps(features, ensure_ascii=False) == json.dumps(
            _whole(path), ensure_ascii=False
        )


@pytest.mark.parametrize(
    "value",
    [
        "NaN",  # json reads these three; the strict parser refuses them, so json takes over
        "1e400",
        '"\\ud800"',
        "123456789012345678901234567890",  # both read it, as an int
        "-0.0",
        "106.45123456789012",
    ],
)
def test_values_at_the_edges_of_json_read_as_json_reads_them(tmp_path, value):
    path = tmp_path / "edge.geojson"
    path.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,'
        f'"properties":{{"id":"T1","x":{value}}}}}]}}',
        encoding="utf-8",
    )
    got = read_features(path)[0]["properties"]["x"]
    want = _whole(path)[0]["properties"]["x"]
    assert repr(got) == repr(want) and type(got) is type(want)


def test_a_file_that_is_not_utf8_says_so_in_chinese(tmp_path):
    path = tmp_path / "gbk.geojson"
    path.write_bytes(
        '{"type":"FeatureCollection","features":[{"properties":{"name":"沙坪坝"}}]}'.encode("gbk")
    )
    for lines in (False, True):
        with pytest.raises(CatalogError, match="不是 UTF-8 编码"):
            read_catalog(path, lines=lines)
