"""``python -m projects.store migrate FROM TO``: copy the catalog between file and database.

FROM and TO are each a catalog file (its ``history.jsonl`` beside it goes along) or a
``postgresql://`` URL. ``--replace`` allows overwriting a target that already holds a catalog.
"""

from __future__ import annotations

import argparse
import sys

from projects.errors import CatalogError
from projects.store.postgis.migrate import migrate


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, migrate, print what was copied (Chinese), 1 on a refusal."""
    parser = argparse.ArgumentParser(
        prog="python -m projects.store", description="项目库维护：在文件与数据库之间迁移"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    move = sub.add_parser("migrate", help="复制项目目录及全部修改记录（文件 ↔ PostgreSQL）")
    move.add_argument("source", help="源：目录文件路径或 postgresql:// 地址")
    move.add_argument("target", help="目标：目录文件路径或 postgresql:// 地址")
    move.add_argument("--replace", action="store_true", help="目标已有数据时覆盖")
    args = parser.parse_args(argv)
    try:
        done = migrate(args.source, args.target, replace=args.replace)
    except CatalogError as exc:
        print(f"错误：{exc.message_zh}", file=sys.stderr)
        return 1
    print(f"已迁移 {done.projects} 个项目、{done.saves} 次保存记录。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
