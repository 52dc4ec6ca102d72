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


def cjk_subset(text: str, folder: Path) -> Path:
    """A copy of the Chinese font (its first face, the one matplotlib draws with) holding only
    the glyphs of ``text``, written into ``folder``; the whole font where it cannot be cut.

    Why: matplotlib embeds a font in pieces of 256 characters and cuts each piece from the whole
    font (some 20 MB of outlines), about 2 s a piece; a list of 600 projects uses some 800
    characters, so four pieces. Cut from this copy, they cost a few hundredths of a second."""
    whole = cjk_font_path()
    try:
        from fontTools import subset
        from fontTools.ttLib import TTFont

        # No layout tables (matplotlib sets Chinese text glyph by glyph; their closure cost the
        # most) and no bounding boxes recomputed (the whole font's still hold).
        font = TTFont(
            str(whole), fontNumber=0, lazy=True, recalcBBoxes=False, recalcTimestamp=False
        )
        options = subset.Options()
        options.layout_features = []
        options.name_IDs = ["*"]
        options.notdef_outline = True
        cutter = subset.Subsetter(options)
        cutter.populate(unicodes={ord(ch) for ch in text})
        cutter.subset(font)
        path = folder / f"{whole.stem}-subset.otf"
        font.save(str(path))
        font.close()
    except Exception:  # noqa: BLE001 - a font fontTools cannot cut is embedded whole (slower)
        return whole
    return path
