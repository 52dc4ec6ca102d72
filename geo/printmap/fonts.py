"""The Simplified Chinese font of the printed maps, regular and bold, found through fontconfig.

Why not a fixed path: Debian's fonts-noto-cjk installs it under /usr/share/fonts, other systems
elsewhere; ``fc-match`` answers where, and matplotlib's own font list is the fallback.

Why a face of its own: Noto Sans CJK comes as a collection (.ttc) of five faces, Japanese first,
and matplotlib draws with a collection's first face, so some characters took their Japanese
forms. The Simplified Chinese (SC) face is copied out of the collection once, into a font file
of its own in a cache folder (its tables copied as they are: a fraction of a second), and the
prints draw with that; bold text with the SC face of the Bold collection, where one is installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from matplotlib import font_manager

from projects.errors import CatalogError

#: What fontconfig is asked for, in order; the answer must really cover Chinese.
QUERIES = ("Noto Sans CJK SC:lang=zh-cn", "Source Han Sans SC:lang=zh-cn", "sans-serif:lang=zh-cn")
#: Family names matplotlib may know, when fontconfig is absent.
FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei")
PROBE = "沙坪坝项目图例"
#: The weights a print asks for, and what fontconfig is asked for each.
WEIGHTS = {"normal": "", "bold": ":weight=bold"}
#: A face at least this heavy (OS/2 usWeightClass) is a bold one.
BOLD_CLASS = 600
#: Where the faces copied out of a collection are kept (else the user's cache, else the temp
#: folder).
CACHE_ENV = "SHAPINGBA_FONT_CACHE"


class NoChineseFont(CatalogError):
    """No font with Chinese glyphs is installed (the map would print empty boxes)."""


def _covers(path: Path) -> bool:
    try:
        from matplotlib.ft2font import FT2Font

        face = FT2Font(str(path))
        return all(face.get_char_index(ord(ch)) for ch in PROBE)
    except Exception:  # noqa: BLE001 - an unreadable font file just does not qualify
        return False


def _faces(path: Path) -> list[tuple[str, int]]:
    """(family name, weight class) of each face in ``path`` (one for a single font)."""
    from fontTools.ttLib import TTCollection, TTFont

    def describe(font: TTFont) -> tuple[str, int]:
        names = font["name"]
        family = names.getDebugName(16) or names.getDebugName(1) or ""
        weight = font["OS/2"].usWeightClass if "OS/2" in font else 400
        return family, int(weight)

    if _is_collection(path):
        collection = TTCollection(str(path), lazy=True)
        try:
            return [describe(font) for font in collection.fonts]
        finally:
            collection.close()
    font = TTFont(str(path), lazy=True)
    try:
        return [describe(font)]
    finally:
        font.close()


def _is_collection(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(4) == b"ttcf"


def _sc_face(faces: list[tuple[str, int]], index: int) -> int:
    """Which of a file's ``faces`` (:func:`_faces`) is Simplified Chinese: the one whose family
    ends in 「SC」 (Noto Sans CJK SC, Source Han Sans SC), else the one fontconfig named."""
    sc = [i for i, (family, _) in enumerate(faces) if family.split()[-1:] == ["SC"]]
    if sc:
        return sc[0]
    return index if 0 <= index < len(faces) else 0


def _cache_folder() -> Path:
    """A folder of this user's for the copied faces: ``$SHAPINGBA_FONT_CACHE``, else the user's
    cache, else the temp folder. Only a folder this user owns: a font file is parsed by
    FreeType, so none is read from a folder someone else could write into."""
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    shared = Path(tempfile.gettempdir()) / f"shapingba-fonts-{os.getuid()}"
    for folder in filter(None, [os.environ.get(CACHE_ENV), home / "shapingba" / "fonts", shared]):
        try:
            Path(folder).mkdir(parents=True, exist_ok=True)
            if Path(folder).stat().st_uid == os.getuid() and os.access(folder, os.W_OK):
                return Path(folder)
        except OSError:
            continue
    return Path(tempfile.mkdtemp(prefix="shapingba-fonts-"))


def standalone_face(path: Path, index: int) -> Path:
    """Face ``index`` of the collection ``path`` as a font file of its own (``path`` itself when
    it is not a collection), written once into the cache folder and reused while the collection
    is unchanged. Its tables are copied as they are, none decompiled."""
    if not _is_collection(path):
        return path
    from fontTools.ttLib import TTFont

    stat = path.stat()
    key = hashlib.sha1(
        f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{index}".encode()
    ).hexdigest()[:12]
    font = TTFont(str(path), fontNumber=index, lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    try:
        out = _cache_folder() / f"{path.stem}-{index}-{key}{'.otf' if 'CFF ' in font else '.ttf'}"
        if not out.exists() or out.stat().st_uid != os.getuid():
            part = out.with_name(f"{out.name}.{os.getpid()}.part")
            font.save(str(part))
            os.replace(part, out)  # whole or not at all, should two servers write it at once
    finally:
        font.close()
    return out


def _fc_match(query: str) -> tuple[Path, int] | None:
    """The file and face fontconfig answers for ``query`` (None without fontconfig)."""
    if not shutil.which("fc-match"):
        return None
    done = subprocess.run(
        ["fc-match", "-f", "%{file}\n%{index}", query], capture_output=True, text=True, timeout=20
    )
    file, _, index = done.stdout.partition("\n")
    if done.returncode != 0 or not file.strip():
        return None
    return Path(file.strip()), int(index.strip()) if index.strip().isdigit() else 0


def _candidates(weight: str) -> Iterator[tuple[Path, int]]:
    """Font files (and the face fontconfig named) that may hold Chinese, best first; asked for
    one at a time (the first usually qualifies)."""
    for query in QUERIES:
        hit = _fc_match(query + WEIGHTS[weight])
        if hit is not None:
            yield hit
    if weight != "normal":
        return
    for family in FAMILIES:
        try:
            path = font_manager.findfont(family, fallback_to_default=False)
        except ValueError:
            continue
        yield Path(path), getattr(path, "face_index", 0)


@cache
def cjk_font_path(weight: str = "normal") -> Path:
    """The file of an installed Chinese font's Simplified Chinese face (a collection's SC face
    copied out: :func:`standalone_face`); raises :class:`NoChineseFont`. ``weight="bold"``: the
    bold face where one is installed, else the regular one (text set bold is then regular)."""
    if weight not in WEIGHTS:
        raise ValueError(f"weight was {weight!r} but is expected to be one of {list(WEIGHTS)}")
    for path, index in _candidates(weight):
        if not path.exists():
            continue
        try:
            faces = _faces(path)
            face = _sc_face(faces, index)
            heavy = faces[face][1] >= BOLD_CLASS
            if weight == "bold" and not heavy:
                continue  # fontconfig's nearest answer to a bold query may be the regular font
            own = standalone_face(path, face)
        except Exception:  # noqa: BLE001 - a file fontTools cannot read does not qualify
            continue
        if _covers(own):
            font_manager.fontManager.addfont(str(own))
            return own
    if weight != "normal":
        return cjk_font_path()
    raise NoChineseFont(
        "没有找到含中文字形的字体，无法生成地图；请安装 fonts-noto-cjk（apt-get install fonts-noto-cjk）。"
    )


def cjk_font(size: float | None = None, weight: str = "normal") -> font_manager.FontProperties:
    """Font properties for Chinese text at ``size`` points, in the bold face for ``"bold"``."""
    return font_manager.FontProperties(fname=str(cjk_font_path(weight)), size=size, weight=weight)


def cjk_subset(text: str, folder: Path, weight: str = "normal") -> Path:
    """A copy of the Chinese font (:func:`cjk_font_path`) holding only the glyphs of ``text``,
    written into ``folder``; the whole font where it cannot be cut.

    Why: matplotlib embeds a font in pieces of 256 characters and cuts each piece from the whole
    font (some 20 MB of outlines), about 2 s a piece; a list of 600 projects uses some 800
    characters, so four pieces. Cut from this copy, they cost a few hundredths of a second."""
    whole = cjk_font_path(weight)
    try:
        from fontTools import subset
        from fontTools.ttLib import TTFont

        # No layout tables (matplotlib sets Chinese text glyph by glyph; their closure cost the
        # most) and no bounding boxes recomputed (the whole font's still hold).
        font = TTFont(str(whole), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
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
