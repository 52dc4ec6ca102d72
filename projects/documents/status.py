"""From a verbatim status cue (加快建设, 建成投运, 争取开工 …) to a catalog status.

The same verb means different things in different kinds of text: in a plan (规划, 行动方案, the
second part of a 政府工作报告) 建成投用 is a target, so the project is not finished yet; in the
review part of a 政府工作报告 (2024年工作回顾) it is a fact, so the project is operating. Cues are
matched on their longest known ending, so 加快建设 and 提速建设 both read as 建设.

>>> status_of("建成投运", "review"), status_of("建成投用", "plan"), status_of("争取开工", None)
('运营', '在建', '前期')
"""

from __future__ import annotations

import re

from projects.documents.extract import Mention, extract_mentions
from projects.vocab import STATUSES, UNKNOWN_STATUS


def _cues(text: str, status: str) -> dict[str, str]:
    """A table {cue: status} from a whitespace-separated word list."""
    return dict.fromkeys(text.split(), status)


#: Cue -> status in a review of the past year (facts).
REVIEW: dict[str, str] = {
    **_cues(
        "建成投运 建成投用 投运 投用 开街运营 开街 开园 挂牌运行 焕新呈现 投产 成功创建三级医院"
        " 运营 建成运营 建成通车 蝶变网红 蝶变网红打卡地",
        "运营",
    ),
    **_cues("完工 基本完工 竣工 提前1年竣工 建成 完成 新建 改扩建 扩建 改造", "建成"),
    **_cues(
        "主体封顶 主体完工 即将投用 加快建设 快速推进 加快推进 推进 启动建设 开工 全面开工 建设"
        " 完成总量 加快 提速",
        "在建",
    ),
    **_cues("落地 成功落地 重磅落地 引进 签约", "前期"),
}

#: Cue -> status in a plan (intentions; the project is not finished when the plan is written).
PLAN: dict[str, str] = {
    **_cues(
        "建成投用 建成投运 建成 投用 投运 加快投用 完工 主体完工 主体封顶 基本建成 全面建成 建好"
        " 建成运营 运营 投产 投产放量 加快建设 加快推进 加快推动 加快 推进 推动 提速推进 提速建设 提速"
        " 快速推进 续建 建设 项目建设 完成 扩建 迁扩建 改扩建 迁建 提档升级 扩容提质 提质扩容"
        " 强力推进 全面铺开 铺开",
        "在建",
    ),
    **_cues(
        "开工建设 启动建设 开工 争取开工 力争开工 前期研究 争取 积极争取 筹建 谋划 适时开展 申报"
        " 推动设立 设立 引进 落地 争创 争取创建 启动 启动实施 组建",
        "前期",
    ),
    **_cues("打造 规划建设 布局建设 建设一批 实施 创建 高标准打造 谋划建设 提升 完善", "规划"),
}

#: Cues that are matched by their ending when the full cue is unknown (提速建设 → 建设).
_ENDINGS = sorted({*REVIEW, *PLAN}, key=len, reverse=True)

#: The heading that opens the plan part of a 政府工作报告 (2025年工作安排).
_PLAN_HEADING = re.compile(
    r"^\s*(?:20\d\d年工作(?:安排|任务|打算)|第[一二三四五六七八九十]+[节章].*)\s*$"
)
#: Headings that open a review of past years: a report's 工作回顾, a plan's 取得决定性成就 section.
_REVIEW_HEADING = re.compile(r"^\s*(?:20\d\d年工作回顾|第[一二三]节\s*\S*取得决定性成就)\s*$")


def plan_boundary(lines: list[str]) -> int | None:
    """1-based line where a 政府工作报告 turns from reviewing last year to planning this one.

    None for documents that are plans throughout (they have no 工作回顾 part).

    >>> plan_boundary(["报告", "2024年工作回顾", "…", "2025年工作安排", "…"])
    4
    """
    start = next((i for i, x in enumerate(lines) if _REVIEW_HEADING.match(x)), None)
    if start is None:
        return None
    for i in range(start + 1, len(lines)):
        if _PLAN_HEADING.match(lines[i]):
            return i + 1
    return None


def part_of(line: int, boundary: int | None) -> str | None:
    """'review' or 'plan' for a line of a 政府工作报告, None for plans throughout."""
    if boundary is None:
        return None
    return "review" if line < boundary else "plan"


def status_of(cue: str, part: str | None) -> str:
    """The status a cue implies in the given part ('review', 'plan', or None for a plan).

    An empty cue (an item of a 专栏 box with no verb) is a planned project: 规划.

    >>> status_of("主体封顶", "review"), status_of("投用", "plan"), status_of("", None)
    ('在建', '在建', '规划')
    """
    table = REVIEW if part == "review" else PLAN
    cue = cue.strip()
    if not cue:
        return "规划" if part != "review" else UNKNOWN_STATUS
    m = re.match(r"完成总量的\d+%", cue)
    if m:
        return table.get("完成总量", "在建")
    if cue in table:
        return table[cue]
    for ending in _ENDINGS:
        if cue.endswith(ending) and ending in table:
            return table[ending]
    for ending in _ENDINGS:
        if cue.startswith(ending) and ending in table:
            return table[ending]
    return "在建" if part == "review" else "规划"


def rank(status: str) -> int:
    """Position in the life cycle (规划 0 … 运营 4); 未知 is -1."""
    return STATUSES.index(status) if status in STATUSES else -1


def statuses(text: str, doc: str = "") -> list[tuple[Mention, str | None, str]]:
    """Each mention of a plan text with its part ('review', 'plan' or None) and status.

    The whole pipeline for a new document, e.g. next year's 政府工作报告:

    >>> text = "2025年工作回顾\\n凤凰山创意园建成投用。\\n2026年工作安排\\n投用云湖未来社区。"
    >>> [(m.name, part, s) for m, part, s in statuses(text)]
    [('凤凰山创意园', 'review', '运营'), ('云湖未来社区', 'plan', '在建')]
    """
    boundary = plan_boundary(text.splitlines())
    out = []
    for m in extract_mentions(text, doc):
        part = part_of(m.line, boundary)
        out.append((m, part, status_of(m.cue, part)))
    return out
