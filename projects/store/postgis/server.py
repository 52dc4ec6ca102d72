"""A throwaway PostgreSQL + PostGIS cluster from Debian's packages, for tests, CI and the bench.

Debian installs the server under ``/usr/lib/postgresql/N/bin`` (not on PATH); PostGIS adds
``postgis.control`` to ``/usr/share/postgresql/N/extension``. The server refuses to run as root,
so when we are root the cluster's folder is handed to the ``postgres`` account Debian's package
creates and every server command runs through ``runuser``. The cluster listens on 127.0.0.1 only,
on a free port, with ``trust`` authentication: it holds test data and lives as long as its caller.

    python -m projects.store.postgis.server start /tmp/pg    # prints the database URL
    python -m projects.store.postgis.server stop /tmp/pg
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

LIB = Path("/usr/lib/postgresql")
SHARE = Path("/usr/share/postgresql")
#: The account Debian's postgresql-common creates; the server runs as it when we are root.
SERVER_ACCOUNT = "postgres"
ROLE = "shapingba"
DATABASE = "shapingba"


@dataclass(frozen=True)
class Cluster:
    """A running cluster: its folder, port and the URL the store connects with."""

    folder: Path
    port: int
    bin: Path

    @property
    def url(self) -> str:
        return f"postgresql://{ROLE}@127.0.0.1:{self.port}/{DATABASE}"


def server_bin() -> tuple[Path | None, str]:
    """(folder of Debian's server binaries with PostGIS beside them, "") or (None, why not)."""
    if not LIB.is_dir():
        return None, f"未找到 PostgreSQL 服务端（{LIB} 不存在；Debian 包 postgresql）"
    versions = sorted(
        (p for p in LIB.iterdir() if (p / "bin" / "initdb").exists()),
        key=lambda p: int(p.name) if p.name.isdigit() else 0,
        reverse=True,
    )
    for version in versions:
        if (SHARE / version.name / "extension" / "postgis.control").exists():
            return version / "bin", ""
    if versions:
        return None, f"PostgreSQL {versions[0].name} 没有 PostGIS 扩展（Debian 包 postgis）"
    return None, f"未找到 PostgreSQL 服务端（{LIB} 下没有 initdb；Debian 包 postgresql）"


def _as_server(cmd: list[str]) -> list[str]:
    """``cmd`` run as the server account when we are root (the server will not run as root)."""
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", SERVER_ACCOUNT, "--", *cmd]


def free_port() -> int:
    """A local TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd: list[str], **kw) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if done.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()}")


def start(folder: Path | str, port: int | None = None) -> Cluster:
    """Create (if new) and start a cluster in ``folder``; the database has PostGIS enabled."""
    binary, why = server_bin()
    if binary is None:
        raise RuntimeError(why)
    folder = Path(folder).resolve()
    data = folder / "data"
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, SERVER_ACCOUNT, SERVER_ACCOUNT)
    fresh = not (data / "PG_VERSION").exists()
    if fresh:
        _run(
            _as_server(
                [
                    str(binary / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    ROLE,
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            )
        )
    port_file = folder / "port"
    if port is None and port_file.exists():
        port = int(port_file.read_text())  # the same cluster keeps its port between runs
    port = port or free_port()
    status = subprocess.run(
        _as_server([str(binary / "pg_ctl"), "-D", str(data), "status"]), capture_output=True
    )
    if not fresh and status.returncode == 0:  # already running (a previous run left it up)
        return Cluster(folder, port, binary)
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200"
    _run(
        _as_server(
            [
                str(binary / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(folder / "server.log"),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ]
        )
    )
    port_file.write_text(str(port))
    cluster = Cluster(folder, port, binary)
    if fresh:
        _create_database(cluster)
    return cluster


def _create_database(cluster: Cluster) -> None:
    import psycopg

    admin = f"postgresql://{ROLE}@127.0.0.1:{cluster.port}/postgres"
    for _ in range(50):
        try:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE {DATABASE}")
            break
        except psycopg.OperationalError:
            time.sleep(0.1)
    with psycopg.connect(cluster.url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")


def stop(folder: Path | str) -> None:
    """Stop the cluster in ``folder`` (fast shutdown); nothing happens if it is not running."""
    binary, _ = server_bin()
    data = Path(folder).resolve() / "data"
    if binary is None or not (data / "postmaster.pid").exists():
        return
    subprocess.run(
        _as_server([str(binary / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
        capture_output=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m projects.store.postgis.server", description=__doc__
    )
    parser.add_argument("command", choices=["start", "stop"])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--port", type=int)
    args = parser.parse_args(argv)
    if args.command == "start":
        try:
            print(start(args.folder, args.port).url)
        except RuntimeError as exc:
            print(f"错误：{exc}", file=sys.stderr)
            return 1
    else:
        stop(args.folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
