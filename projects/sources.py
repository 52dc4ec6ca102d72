"""Where the source documents are read from (a folder given by SHAPINGBA_SEEDS), and how a
basis cites their lines in Chinese."""

from __future__ import annotations

import os
import re
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


#: Short names of the plan documents, for citations in a basis (``000:147`` → 双城行动方案第 147 行).
DOC_SHORT: dict[str, str] = {
    "000": "双城行动方案",
    "001": "十四五规划",
    "002": "2025 年政府工作报告",
    "003": "渝中区十项行动方案",
    "004": "重庆市行动方案",
}
_CITE = re.compile(r"(00[0-4])(?::(\d+(?:[–-]\d+)?)| 专栏(\d+))")


def citations(text: str) -> str:
    """The document lines a curator's note cites, in Chinese (``001:673`` → 十四五规划第 673 行):
    the note itself may be English for the curators, a person reads only these. Each document is
    named once, in the order first cited, its lines (in order) and boxes after it (a basis read 「十四五规划第
    665 行、十四五规划第 711 行」).

    >>> citations("001:673 口岸经济平台 and 001 专栏7")
    '十四五规划第 673 行、专栏 7'
    >>> citations("002:72, 001:15, 002:31, 001:15")
    '2025 年政府工作报告第 31、72 行，十四五规划第 15 行'
    """
    lines: dict[str, list[str]] = {}
    boxes: dict[str, list[str]] = {}
    for doc, line, box in _CITE.findall(text or ""):
        lines.setdefault(doc, [])
        boxes.setdefault(doc, [])
        found = lines[doc] if line else boxes[doc]
        if (line or box) not in found:
            found.append(line or box)
    out = []
    for doc in lines:
        numbers = sorted(lines[doc], key=lambda n: int(re.split(r"[–-]", n)[0]))
        parts = [f"第 {'、'.join(numbers)} 行"] if numbers else []
        parts += [f"专栏 {b}" for b in boxes[doc]]
        out.append(DOC_SHORT[doc] + "、".join(parts))
    return "，".join(out)
