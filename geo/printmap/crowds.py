"""Projects that share a spot on a printed sheet: one numbered marker and an index entry.

A printed map cannot be zoomed, so points a few millimetres apart on the sheet (15 projects
placed at 磁器口, 7 at 重庆大学) would print as one blot. As a cartographer does, each such group
is drawn once, with its count in the marker and a letter beside it, and the sheet's index lists
the group's projects under that letter. No matplotlib here (only positions and words).
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Sequence

import numpy as np
import shapely

#: Points closer than this on the sheet (millimetres, centre to centre) share one marker: a
#: project's marker is about 3 mm across and a shared one 4.2 mm, so markers kept this far
#: apart never touch.
CROWD_MM = 5.0


def group_points(xy_mm: np.ndarray, within: float = CROWD_MM) -> list[list[int]]:
    """Groups of point indexes for positions on the sheet (n × 2, millimetres).

    Each group is led by a point of its own (where its marker is drawn); every member lies
    within ``within`` of its leader, and leaders lie more than ``within`` apart, so no two
    markers overlap. Leaders are chosen crowdest first, so a cluster is led from its middle.
    Groups come in reading order of their leaders (top to bottom, then left to right), the
    order their letters run on the sheet; each starts with its leader, the rest in input order.

    >>> group_points(np.array([[0.0, 0.0], [1.0, 0.0], [50.0, 0.0], [0.5, 0.5]]))
    [[0, 1, 3], [2]]
    """
    n = len(xy_mm)
    if n == 0:
        return []
    points = shapely.points(np.asarray(xy_mm, dtype=float))
    left, right = shapely.STRtree(points).query(points, predicate="dwithin", distance=within)
    neighbours = np.bincount(left, minlength=n)
    near: list[list[int]] = [[] for _ in range(n)]
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        near[a].append(b)
    taken = np.zeros(n, dtype=bool)
    groups = []
    for leader in sorted(range(n), key=lambda i: (-neighbours[i], i)):
        if taken[leader]:
            continue
        members = [leader, *sorted(j for j in near[leader] if not taken[j] and j != leader)]
        taken[members] = True
        groups.append((leader, members))
    groups.sort(key=lambda g: (-round(xy_mm[g[0]][1], 1), xy_mm[g[0]][0]))
    return [members for _, members in groups]


def group_letter(i: int) -> str:
    """A, B … Z, AA, AB …: the key printed beside a group's marker and in the index.

    >>> [group_letter(i) for i in (0, 25, 26, 27)]
    ['A', 'Z', 'AA', 'AB']
    """
    letters = string.ascii_uppercase
    return letters[i] if i < 26 else group_letter(i // 26 - 1) + letters[i % 26]


def index_entry(letter: str, names: Sequence[str], statuses: Sequence[str]) -> str:
    """One group in the index: its letter, how many, and each project with its status.

    >>> index_entry("A", ["磁器口古镇", "磁器口后街"], ["运营", "规划"])
    'A（2 个）：磁器口古镇〔运营〕、磁器口后街〔规划〕'
    """
    listed = "、".join(f"{n}〔{s}〕" for n, s in zip(names, statuses, strict=True))
    return f"{letter}（{len(names)} 个）：{listed}"


def text_width_em(text: str) -> float:
    """How wide ``text`` prints, in ems: a Chinese character is one em, others about half."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text)


#: Marks a Chinese line does not start with: they hang at the end of the line before.
CLOSING = "，。、；：！？）》」』〕”’…"


def wrap(text: str, width_em: float) -> list[str]:
    """``text`` cut into lines no wider than ``width_em``, breaking where the width is
    reached, as Chinese text does (the index's own font metrics are not needed to keep inside);
    a closing mark (:data:`CLOSING`) stays at the end of its line, a little past the width.

    >>> wrap("一二三四五六", 4)
    ['一二三四', '五六']
    >>> wrap("一二三四）五六", 4)
    ['一二三四）', '五六']
    """
    lines, line, used = [], "", 0.0
    for ch in text:
        w = text_width_em(ch)
        if line and used + w > width_em and ch not in CLOSING:
            lines.append(line)
            line, used = "", 0.0
        line += ch
        used += w
    return [*lines, line] if line else lines
