"""``make run-cluster``: PostgreSQL + PostGIS, two app servers and nginx with sticky sessions.

All on this machine, without docker: the database from :mod:`projects.store.postgis.server` (its files in
``.cluster/``, kept between runs; the bundled catalog and its history are migrated in on the first
run), two Streamlit servers of the app reading and saving through it, and nginx from Debian's
packages in front, sending each browser to one server for its whole session. Every save on one
server is seen by the next rerun on the other (the database is shared; LISTEN/NOTIFY tells the
servers what changed). Ctrl-C stops everything.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from projects.sources import ROOT
from projects.store.postgis import server as postgres

NGINX = Path("/usr/sbin/nginx")
TEMPLATE = Path(__file__).with_name("nginx.conf")


@dataclass(frozen=True)
class Stack:
    """What :func:`running` started: the database URL, the app servers' URLs and the proxy's."""

    database: str
    apps: tuple[str, ...]
    proxy: str


def _wait_http(url: str, seconds: float = 120) -> None:
    """Until ``url`` answers 200 (a loaded 2-core machine can take a while), else RuntimeError."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} 未在 {seconds:.0f} 秒内响应")


@contextmanager
def _process(cmd: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    with open(log, "ab") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def nginx_config(prefix: Path, port: int, app_ports: list[int]) -> str:
    """The proxy's configuration: ``ui/cluster/nginx.conf`` with this run's paths and ports."""
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in app_ports)
    user = "user nobody nogroup;" if os.geteuid() == 0 else ""
    text = TEMPLATE.read_text(encoding="utf-8")
    for key, value in {
        "prefix": str(prefix),
        "port": str(port),
        "servers": servers,
        "user": user,
    }.items():
        text = text.replace("{" + key + "}", value)
    return text


@contextmanager
def running(
    folder: Path,
    *,
    database: str | None = None,
    app_ports: list[int] | None = None,
    proxy_port: int | None = None,
    env: dict[str, str] | None = None,
    seed: Path | None = None,
) -> Iterator[Stack]:
    """Start the database (unless ``database`` is given), the app servers and the proxy.

    ``seed`` (a catalog file) is migrated into an empty database first. Stops all on exit.
    """
    from projects.store.postgis.migrate import migrate, occupied

    if not NGINX.exists():
        raise RuntimeError(f"未找到 nginx（{NGINX}；Debian 包 nginx）")
    folder = Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        if database is None:
            pg_folder = folder / "pg"
            database = postgres.start(pg_folder).url
            stack.callback(postgres.stop, pg_folder)
        if seed is not None and not occupied(database):
            migrate(seed, database)
        app_ports = app_ports or [postgres.free_port(), postgres.free_port()]
        app_env = {**os.environ, **(env or {}), "SHAPINGBA_DATABASE_URL": database}
        for port in app_ports:
            cmd = [  # as ``make run`` starts one: reading the catalog while it starts
                sys.executable,
                "-m",
                "ui",
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--server.address",
                "127.0.0.1",
            ]
            stack.enter_context(_process(cmd, app_env, folder / f"app-{port}.log"))
        apps = tuple(f"http://127.0.0.1:{p}" for p in app_ports)
        proxy_port = proxy_port or postgres.free_port()
        prefix = folder / "nginx"
        shutil.rmtree(prefix, ignore_errors=True)
        (prefix / "tmp").mkdir(parents=True)
        (prefix / "tmp").chmod(0o1777)
        conf = prefix / "nginx.conf"
        conf.write_text(nginx_config(prefix, proxy_port, app_ports), encoding="utf-8")
        nginx = [str(NGINX), "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"]
        stack.enter_context(_process(nginx, dict(os.environ), folder / "nginx.log"))
        for url in apps:
            _wait_http(f"{url}/_stcore/health")
        proxy = f"http://127.0.0.1:{proxy_port}"
        _wait_http(f"{proxy}/_stcore/health")
        yield Stack(database, apps, proxy)


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Serve until Ctrl-C, printing where (Chinese)."""
    parser = argparse.ArgumentParser(prog="python -m ui.cluster.serve", description=__doc__)
    parser.add_argument("--folder", type=Path, default=ROOT / ".cluster")
    parser.add_argument("--port", type=int, default=8500, help="nginx 端口")
    parser.add_argument("--app-ports", type=int, nargs=2, default=[8511, 8512])
    args = parser.parse_args(argv)
    from projects.store.catalog_file import catalog_path

    signal.signal(signal.SIGTERM, _interrupt)
    try:
        with running(
            args.folder, app_ports=args.app_ports, proxy_port=args.port, seed=catalog_path()
        ) as stack:
            print(f"数据库：{stack.database}")
            for url in stack.apps:
                print(f"应用服务器：{url}")
            print(f"请访问（nginx，会话保持）：{stack.proxy}", flush=True)
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        print("已停止。")
    except RuntimeError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
