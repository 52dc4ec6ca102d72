"""Where the source documents are read from: a folder given by SHAPINGBA_SEEDS."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS = ROOT.parent / "shared" / "seeds"


def seeds_dir() -> Path:
    """The folder of plan documents: $SHAPINGBA_SEEDS, else ../shared/seeds beside the repo."""
    return Path(os.environ.get("SHAPINGBA_SEEDS") or DEFAULT_SEEDS)


def read_lines(file: str, folder: Path | None = None) -> list[str]:
    """The document's lines without line ends; index i is line i + 1 as ``grep -n`` counts."""
    path = (folder or seeds_dir()) / file
    return path.read_text(encoding="utf-8").splitlines()
