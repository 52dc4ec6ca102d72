"""Plan text as logical paragraphs: hard line breaks undone, each under its heading or 专栏 box."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Headings: 专栏 boxes, chapters/sections, numbered headings of the action plans.
_BOX_RE = re.compile(r"^\s*专栏\s*(\d+)[：:]\s*(.+?)\s*$")
_CHAPTER_RE = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百零〇\d]+[篇章节]\s*\S.{0,40}|20\d\d年工作(?:回顾|安排|任务|打算))\s*$"
)
_CN_HEAD_RE = re.compile(r"^\s*[（(][一二三四五六七八九十]+[）)]\s*(\S[^。；]{1,40}?)[。]?\s*$")
BOX_SUBHEAD_RE = re.compile(r"^\s*([^：:，。、；（）]{2,16})[：:]")


@dataclass(frozen=True)
class Paragraph:
    """A logical paragraph: hard-broken lines joined, with the line each character came from."""

    text: str
    lines: tuple[int, ...]  # lines[i] is the 1-based line of text[i]
    section: str
    box: int | None

    def line_at(self, index: int) -> int:
        return self.lines[min(max(index, 0), len(self.lines) - 1)]


def _clean(line: str) -> str:
    """Drop Word bookmarks and normalise spaces between characters (004 puts spaces round numbers)."""
    line = re.sub(r"\[bookmark:[^\]]*\]", "", line)
    line = line.replace("**", "").replace("\u3000", " ").replace("\t", " ")
    return line


def _is_heading(line: str) -> bool:
    s = line.strip()
    return bool(_BOX_RE.match(s) or _CHAPTER_RE.match(s) or _CN_HEAD_RE.match(s)) or (
        len(s) <= 30 and bool(re.match(r"^\d+[.、．]\s*\S", s)) and "。" not in s
    )


def _continues(prev: str, nxt: str) -> bool:
    """Whether ``nxt`` continues the sentence ``prev`` that a hard line break cut (004)."""
    p, n = prev.rstrip(), nxt.strip()
    if not p or not n or _is_heading(p) or _is_heading(n):
        return False
    if BOX_SUBHEAD_RE.match(n) and not n.startswith(("（", "(")):
        return False
    if n[0] in "，、。；：）”》":
        return True
    return len(p) > 20 and "，" in p and p[-1] not in "。；！？：:）)》"


def paragraphs(text: str) -> list[Paragraph]:
    """Split plan text into logical paragraphs carrying their section heading and box number."""
    raw = [_clean(x) for x in text.splitlines()]
    out: list[Paragraph] = []
    chapter = head = box_title = sub = ""
    box: int | None = None
    i = 0
    while i < len(raw):
        line = raw[i]
        s = line.strip()
        if not s:
            i += 1
            continue
        m = _BOX_RE.match(s)
        if m:
            box, box_title, sub = int(m.group(1)), f"专栏{m.group(1)}：{m.group(2)}", ""
            i += 1
            continue
        if _CHAPTER_RE.match(s):
            chapter, head, box, box_title = s, "", None, ""
            chapter = re.sub(r"\s+", " ", chapter)
        elif (
            _CN_HEAD_RE.match(s)
            or re.match(r"^\d+[.、．]\s*\S", s)
            or re.match(r"^[（(][\d一二三四五六七八九十]+[）)]\s*\S", s)
            or re.match(r"^[一二三四五六七八九十]+、\s*\S", s)
        ):
            head = re.split(r"[。；，]", s, maxsplit=1)[0][:40]
            if box is not None and not s.startswith(("（", "(")):
                box, box_title = None, ""
        chars: list[str] = list(s)
        lines: list[int] = [i + 1] * len(s)
        j = i + 1
        while True:
            k = j
            while k < len(raw) and not raw[k].strip():
                k += 1
            if k < len(raw) and k - j <= 2 and _continues("".join(chars), raw[k]):
                seg = raw[k].strip()
                chars.extend(seg)
                lines.extend([k + 1] * len(seg))
                j = k + 1
                continue
            break
        joined = "".join(chars)
        if box is not None:
            if BOX_SUBHEAD_RE.match(joined) and not _CHAPTER_RE.match(joined):
                sub = BOX_SUBHEAD_RE.match(joined).group(1).strip()
            section = f"{box_title} / {sub}" if sub else box_title
            # a long running-text paragraph after a box ends it (some boxes have no end marker)
            if not BOX_SUBHEAD_RE.match(joined) and len(joined) > 80:
                box, box_title, sub = None, "", ""
                section = head or chapter
        else:
            section = head or chapter
            if chapter and head and not _CHAPTER_RE.match(head):
                section = f"{chapter} / {head}" if head != chapter else chapter
        out.append(Paragraph(joined, tuple(lines), section, box))
        i = j
    return out
