"""``python -m projects.store``: store maintenance from the shell.

``migrate FROM TO`` copies the catalog between file and database; ``backup DIR`` writes a
consistent snapshot with a manifest of hashes, ``restore DIR`` checks and restores one (see
:mod:`projects.store.backup`).

``places [URL]`` refreshes the database's ``places`` table from ``data/places.geojson`` (after
``make gazetteer``, or when the table was filled by an older release).

For migrate, FROM and TO are each a catalog file (its ``history.jsonl`` beside it goes along) or a
``postgresql://`` URL. ``--replace`` allows overwriting a target that already holds a catalog.
"""

from __future__ import annotations

import argparse
import sys

from projects.errors import CatalogError
from projects.store import backup
from projects.store.postgis.migrate import migrate
from projects.store.postgis.places import PLACES_PATH, read_places_file, write_places
from projects.store.postgis.tables import configured_url, is_url


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, migrate, print what was copied (Chinese), 1 on a refusal."""
    parser = argparse.ArgumentParser(
        prog="python -m projects.store", description="项目库维护：迁移、备份与恢复"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    move = sub.add_parser("migrate", help="复制项目目录及全部修改记录（文件 ↔ PostgreSQL）")
    move.add_argument("source", help="源：目录文件路径或 postgresql:// 地址")
    move.add_argument("target", help="目标：目录文件路径或 postgresql:// 地址")
    move.add_argument("--replace", action="store_true", help="目标已有数据时覆盖")
    fill = sub.add_parser("places", help="用地名文件刷新数据库的地名表（places）")
    fill.add_argument(
        "url", nargs="?", help="postgresql:// 地址（默认取环境变量 SHAPINGBA_DATABASE_URL）"
    )
    fill.add_argument(
        "--file", default=str(PLACES_PATH), help="地名文件（默认 data/places.geojson）"
    )
    save = sub.add_parser("backup", help="备份项目目录、修改记录、审计日志、账号和规划文件")
    save.add_argument("folder", help="备份目录（新的或空的）")
    back = sub.add_parser("restore", help="校验备份后恢复")
    back.add_argument("folder", help="备份目录（含 manifest.json）")
    args = parser.parse_args(argv)
    try:
        if args.command == "migrate":
            done = migrate(args.source, args.target, replace=args.replace)
            places = f"、{done.places} 个地名" if done.places else ""
            print(
                f"已迁移 {done.projects} 个项目、{done.saves} 次保存记录、{done.accounts} 个账号、"
                f"{done.documents} 份已收录文件{places}。"
            )
        elif args.command == "places":
            url = args.url or configured_url()
            if not is_url(url):
                print(
                    "错误：请给出 postgresql:// 地址或设置 SHAPINGBA_DATABASE_URL。",
                    file=sys.stderr,
                )
                return 1
            count = write_places(url, read_places_file(args.file))
            print(
                f"已把 {count} 个地名写入数据库的地名表（来自 {args.file}）；应用服务重启后生效。"
            )
        elif args.command == "backup":
            summary = backup.backup(args.folder)
            print(f"已备份到 {summary.folder}：{_counts(summary.files)}。")
        else:
            summary = backup.restore(args.folder)
            print(f"已从 {summary.folder} 恢复：{_counts(summary.files)}。")
    except CatalogError as exc:
        print(f"错误：{exc.message_zh}", file=sys.stderr)
        return 1
    return 0


def _counts(files: dict[str, int]) -> str:
    return "、".join(f"{backup.ROLES[role]} {n} 个" for role, n in files.items())


if __name__ == "__main__":
    sys.exit(main())
