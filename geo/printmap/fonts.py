"""A font that has the Chinese glyphs, found through fontconfig, for the printed maps.

Why not a fixed path: Debian's fonts-noto-cjk installs it under /usr/share/fonts, other systems
elsewhere; ``fc-match`` answers where, and matplotlib's own font list is the fallback.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

from matplotlib import font_manager

from projects.errors import CatalogError

#: What fontconfig is asked for, in order; the answer must really cover Chinese.
QUERIES = ("Noto Sans CJK SC:lang=zh-cn", "Source Han Sans SC:lang=zh-cn", "sans-serif:lang=zh-cn")
#: Family names matplotlib may know, when fontconfig is absent.
FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei")
PROBE = "沙坪坝项目图例"


class NoChineseFont(CatalogError):
    """No font with Chinese glyphs is installed (the map would print empty boxes)."""


def _covers(path: Path) -> bool:
    try:
        from matplotlib.ft2font import FT2Font

        face = FT2Font(str(path))
        return all(face.get_char_index(ord(ch)) for ch in PROBE)
    except Exception:  # noqa: BLE001 - an unreadable font file just does not qualify
        return False


@cache
def cjk_font_path() -> Path:
    """The path of an installed font with Chinese glyphs; raises :class:`NoChineseFont`."""
    candidates: list[Path] = []
    if shutil.which("fc-match"):
        for query in QUERIES:
            done = subprocess.run(
                ["fc-match", "-f", "%{file}", query], capture_output=True, text=True, timeout=20
            )
            if done.returncode == 0 and done.stdout.strip():
                candidates.append(Path(done.stdout.strip()))
    for family in FAMILIES:
        try:
            found = font_manager.findfont(family, fallback_to_default=False)
        except ValueError:
            continue
        candidates.append(Path(found))
    for path in candidates:
        if path.exists() and _covers(path):
            font_manager.fontManager.addfont(str(path))
            return path
    raise NoChineseFont(
        "没有找到含中文字形的字体，无法生成地图；请安装 fonts-noto-cjk（apt-get install fonts-noto-cjk）。"
    )


def cjk_font(size: float | None = None, weight: str = "normal") -> font_manager.FontProperties:
    """Font properties for Chinese text at ``size`` points."""
    return font_manager.FontProperties(fname=str(cjk_font_path()), size=size, weight=weight)
