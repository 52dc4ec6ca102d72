"""Sentences cut into list items, and the heads and numbers the items of one list share."""

from __future__ import annotations

import re
from dataclasses import dataclass

from projects.documents.cues import strip_suffix_cue
from projects.documents.name_rules import suffix_of, word_table

#: Endings a bare list item may borrow from the last item (扩建西永、土主污水处理厂).
SHARED_HEADS = word_table(
    """
    污水处理厂 高铁 铁路 隧道 大桥 水库 储气库 抽水蓄能电站 电站 号线 综合保税区 商圈 储运基地
    概念验证中心 市域铁路 湿地公园 公交站场
    """
)

#: Top-level separators inside a sentence.
_ITEM_SEPARATORS = "、，；,;"
_SENTENCE_ENDS = "。！？"
_OPEN = "（“《「(【"
_CLOSE = "）”》」)】"


@dataclass
class Item:
    text: str
    start: int  # offset in the paragraph
    sep_after: str  # the separator that closed the item ("" at a sentence end)


def split_items(text: str, base: int) -> list[Item]:
    """Split a sentence at top-level 、，； (never inside brackets or quotes)."""
    items: list[Item] = []
    depth = 0
    start = 0
    for k, ch in enumerate(text):
        if ch in _OPEN and not (ch == "“" and depth and text[k - 1 : k] == "“"):
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        elif depth == 0 and ch in _ITEM_SEPARATORS:
            items.append(Item(text[start:k], base + start, ch))
            start = k + 1
    items.append(Item(text[start:], base + start, ""))
    return [it for it in items if it.text.strip()]


def sentences(text: str) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    start = 0
    depth = 0
    for k, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        elif ch in _SENTENCE_ENDS and depth == 0:
            out.append((text[start:k], start))
            start = k + 1
    if start < len(text):
        out.append((text[start:], start))
    return out


_NUMERAL = "[\\d一二三四五六七八九十]+"
#: What may follow a line number in running text and is no part of the name (…7号线引入科学城站).
_LINE_TAIL = re.compile(rf"^({_NUMERAL}号线)(?:引入|接入|延伸|进入|贯通|经过|途经)\S*$")


def share_line_numbers(run: list[Item]) -> list[Item]:
    """Numbers that share the 号线 of the last item: 城轨15、19、7号线 → 15号线, 19号线, 7号线.

    >>> [i.text for i in share_line_numbers(split_items("争取城轨15、19、7号线引入科学城站", 0))]
    ['争取城轨15号线', '19号线', '7号线']
    """
    if len(run) < 2:
        return run
    last = run[-1].text.strip()
    tail = _LINE_TAIL.match(last)
    head = tail.group(1) if tail else last
    if not re.fullmatch(f"{_NUMERAL}号线", head):
        return run
    if not all(re.search(f"(?<![号线\\d]){_NUMERAL}$", it.text.strip()) for it in run[:-1]):
        return run
    items = [Item(it.text.rstrip() + "号线", it.start, it.sep_after) for it in run[:-1]]
    return [*items, Item(head, run[-1].start + run[-1].text.index(head), run[-1].sep_after)]


def category_head(category: str) -> str:
    """The physical head of an 等-category (等大中型水库建设 → 水库), "" for 项目/企业 kinds."""
    category = strip_suffix_cue(category)[0]
    category = re.sub(r"(?:建设|项目|工程|等)+$", "", category)
    for s in SHARED_HEADS:
        if category.endswith(s):
            return s
    return ""


def split_joined(name: str) -> list[tuple[str, int]]:
    """Split two names joined by 与/和/及/以及 when both halves are names themselves."""
    for sep in ("以及", "与", "及", "和"):
        k = name.find(sep)
        if k > 1:
            left, right = name[:k], name[k + len(sep) :]
            links = ("通道", "连接道", "连接线", "走廊", "跑道")
            if suffix_of(left) and suffix_of(right) and not right.endswith(links):
                return [(left, 0), (right, k + len(sep))]
    return [(name, 0)]
