"""The details panel of the selected project: every field as text, every source as a document line."""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pandas as pd
import streamlit as st

from geo import places
from projects import clock, vocab
from projects.documents import DEFAULT_BASIS
from projects.progress import RULE, UNKNOWN, progress_of
from projects.sources import DOC_SHORT

_PUNCTUATION = set(string.punctuation)
#: The container that holds the details below their heading: on a wide screen it scrolls within
#: the map's height (ui.chrome), so a long record does not push the table far below the map.
PANEL_KEY = "details_panel"
#: The page-side module that brings the details into view when another project is chosen.
FOLLOW_KEY = "details_follow"
#: Room kept above the heading when the page scrolls to it (px): a phone's 「筛选」 button and
#: Streamlit's own header stay fixed at the top.
FOLLOW_CLEAR_PX = 72

_FOLLOW_JS = """
export default function ({ data }) {
  const first = !("__spDetailsFor" in window), last = window.__spDetailsFor;
  window.__spDetailsFor = data.id;
  if (first || !data.id || data.id === last) { return; }
  setTimeout(() => {
    const head = [...document.querySelectorAll('[data-testid="stHeading"]')]
      .find((h) => h.textContent.trim() === data.heading);
    if (!head) { return; }
    const r = head.getBoundingClientRect();
    if (r.top >= data.clear && r.top <= window.innerHeight - 120) { return; }
    head.style.scrollMarginTop = data.clear + "px";
    head.scrollIntoView({ block: "start", behavior: "smooth" });
  }, 60);
}
"""
_follow = st.components.v2.component("details_follow", js=_FOLLOW_JS)


def md_text(value: Any) -> str:
    r"""``value`` as literal Markdown text: every ASCII punctuation mark backslash-escaped.

    So a name like ``<img src=x onerror=alert(1)>`` or ``**x**`` shows exactly as typed, and a
    web address in it stays text, not a link.

    >>> print(md_text("<b>*x*</b>"))
    \<b\>\*x\*\<\/b\>
    """
    text = "" if value is None else str(value)
    escaped = "".join("\\" + ch if ch in _PUNCTUATION else ch for ch in text).replace("\n", " ")
    return _AUTOLINK.sub(lambda m: m.group(0)[:-2] + _JOINER + m.group(0)[-2:], escaped)


#: The renderer turns bare web addresses into links even when escaped; an invisible word joiner
#: before the "." of "www." and the "//" of "http://" keeps them text (they still read the same).
_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?:www|:)(?:\\[.]|\\/)")


def present(value: Any, missing: str = "未注明") -> Any:
    """``value``, or ``missing`` where it is None, NaN or empty."""
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return missing
    return value


def investment_text(value: Any) -> str:
    """Investment in 万元 as a person reads it (亿元 from 10 000 万元 up), or 未注明.

    >>> investment_text(125000.0), investment_text(800), investment_text(None)
    ('12.5 亿元', '800 万元', '未注明')
    """
    try:
        amount = float(value)
    except (TypeError, ValueError):
        return "未注明"
    if amount != amount:
        return "未注明"
    if amount >= 10_000:
        return f"{amount / 10_000:g} 亿元"
    return f"{amount:g} 万元"


def precision_label(precision: str | None) -> str:
    """Chinese label of a precision class (未定位 for a record with no position)."""
    return vocab.precision_label(precision)


def china_time(iso: Any) -> str:
    """A stored UTC time (ISO 8601) on the planners' clock, to the minute; naive means UTC.

    >>> china_time("2026-12-07T08:38:00+00:00"), china_time(None), china_time("soon")
    ('2026-12-07 16:38', '', 'soon')
    """
    if not iso or not isinstance(iso, str):
        return ""
    try:
        return clock.china_text(datetime.fromisoformat(iso))
    except ValueError:
        return iso


def edit_line(record: pd.Series) -> str | None:
    """Who last saved the record by hand, when (China time) and as which version; None for a
    record as the documents gave it. Without it a staff-typed value reads like a document fact.

    >>> edit_line(pd.Series({"updated_by": "qa", "updated_at": "2026-12-07T08:38:00Z",
    ...                      "version": 2}))
    'qa 于 2026-12-07 16:38（北京时间）保存为版本 2；与来源文件不同的内容以修改记录为准'
    """
    by = record.get("updated_by")
    if not isinstance(by, str) or not by:
        return None
    when = china_time(record.get("updated_at"))
    version = record.get("version")
    return (
        f"{by}"
        + (f" 于 {when}（北京时间）" if when else "")
        + (f"保存为版本 {int(version)}" if pd.notna(version) else "保存")
        + "；与来源文件不同的内容以修改记录为准"
    )


def place_line(place_id: Any) -> str | None:
    """For a reference-level position, the place it refers to: name, and 示意 for a sketch."""
    ref = places.resolve(place_id) if isinstance(place_id, str) else None
    if ref is None:
        return None
    return f"{ref.name}（示意范围）" if ref.schematic else ref.name


def _cited(entries: Any, line: Callable[[dict[str, Any], Any], str]) -> list[str]:
    """``line(entry, document)`` for each dict in ``entries``; anything else is skipped.

    Sources and status history both cite documents by file name; a record edited by hand or
    read from an old file may hold junk there, which must not break the panel.
    """
    out = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            out.append(line(entry, vocab.DOCUMENTS_BY_FILE.get(entry.get("doc"))))
    return out


def source_lines(sources: Any) -> list[str]:
    """One line per source: document title, section and line number."""

    def line(src: dict[str, Any], doc: Any) -> str:
        title = doc.title if doc else str(src.get("doc") or "未知文件")
        return f"《{title}》 {src.get('section') or ''} 第 {src.get('line')} 行".strip()

    return _cited(sources, line)


#: What a record's years rest on (schema field years_basis).
YEARS_BASIS_LABELS = vocab.YEARS_BASIS_LABELS
#: How a status-history entry's part reads in the panel.
PART_LABELS = vocab.PART_LABELS


#: A cue borrowed from another line of the same document (a 专栏 says no progress, its body
#: does): 「第846行：依托…」, with the basis naming that line and quoting the same words.
_BORROWED_CUE = re.compile(r"第(?P<line>\d+)行：(?P<words>.*)", re.S)


def said_text(cue: str, basis: str) -> str:
    """What a document entry of the status history says: the words read, then the whole rule
    that made the status of them, its document lines named.

    The rule's name alone read as a contradiction (「规划 — “建成改造…”（建成）」: 建成 there is the
    word read, which a multi-year plan's target makes 规划); the rule says why. Words borrowed
    from another line are quoted once, the rule naming the line.

    >>> said_text("建成改造…", "建成：多年规划里的建成、投用是期末目标，文中未写进度，视为规划")
    '“建成改造…”（建成：多年规划里的建成、投用是期末目标，文中未写进度，视为规划）'
    >>> said_text("第846行：依托…剧", "既有依托：专栏里未写进度，取同一文件正文 001:846 的表述（依托…剧）；它已在运行")
    '“依托…剧”（既有依托：专栏里未写进度，取同一文件正文 十四五规划第 846 行 的表述；它已在运行）'
    """
    borrowed = _BORROWED_CUE.fullmatch(cue)
    if borrowed and f":{borrowed['line']} 的表述（{borrowed['words']}）" in basis:
        cue = borrowed["words"]
        basis = basis.replace(f" 的表述（{cue}）", " 的表述", 1)
    reason = readable_cites(basis)
    return f"“{cue}”" + (f"（{reason}）" if reason else "")


def history_lines(history: Any) -> list[str]:
    """One line per status-history entry: year, part, status, the words read and why they give
    that status, document and line.

    >>> history_lines([{"doc": None, "year": 2025, "status": "在建", "cue": "人工修改"}])
    ['2025 年：在建 — 人工修改']
    """

    def line(entry: dict[str, Any], doc: Any) -> str:
        where = f"《{doc.title}》第 {entry.get('line')} 行" if doc else ""
        year = entry.get("year") or entry.get("date") or "?"
        part = PART_LABELS.get(entry.get("part") or "", "")
        head = f"{year} 年{f'（{part}）' if part else ''}：{entry.get('status')}"
        basis = entry.get("basis") or ""
        cue = entry.get("cue") or ""
        if basis == DEFAULT_BASIS or (not cue and doc):
            said = DEFAULT_BASIS
        else:
            said = said_text(cue, basis) if doc else cue
        return " ".join(x for x in (f"{head} — {said}" if said else head, where) if x)

    return _cited(history, line)


#: A document line cited as ``FILE:LINE`` (``001:728``) in a basis written by the rules.
_CODE_CITE = re.compile(r"(?<![0-9])(00[0-4]):(\d+)")


def readable_cites(text: Any) -> Any:
    """``text`` with each ``001:728``-style code replaced by the document's short name and line,
    because a planner cannot know which document ``001`` is.

    >>> readable_cites("文中：名称含磁器口（001:728 沙磁文化旅游展示区）")
    '文中：名称含磁器口（十四五规划第 728 行 沙磁文化旅游展示区）'
    """
    if not isinstance(text, str):
        return text
    return _CODE_CITE.sub(lambda m: f"{DOC_SHORT[m.group(1)]}第 {m.group(2)} 行", text)


#: A sector basis that names only the 专栏 whose theme gave the sector (「专栏14的主题」).
_THEME_ONLY = re.compile(r"专栏(\d+)的主题")
#: A sector basis that names the word of the project's name that gave the sector, with the
#: theme of the 专栏 it stands in kept as evidence (「名称：剧院（所在专栏10的主题为城市更新）」),
#: or the line of a document taken in that names it (「名称：轨道（据文件 doc-…《方案》第 2 行）」).
_BY_NAME = re.compile(
    r"名称：(?P<word>.+?)(?:（所在专栏(?P<box>\d+)的主题为(?P<theme>[^）]+)）)?"
    r"(?:（(?P<cite>据文件 [^）]+)）)?"
)


def sector_basis_text(record: pd.Series) -> str:
    """The 领域依据 line. 「专栏14的主题」 alone does not say which 专栏 of which document nor what
    its theme is: it is spelt out from the project's own source in that 专栏.

    >>> sector_basis_text(pd.Series({"sector": "市政设施", "sector_basis": "专栏14的主题",
    ...     "sources": [{"doc": "001_597dad319c36e270.txt", "line": 815,
    ...                  "section": "专栏14：市政设施重点项目 / 综合能源保障体系"}]}))
    '所在专栏14“市政设施重点项目”（十四五规划第 815 行）的主题为市政设施'
    >>> sector_basis_text(pd.Series({"sector": "文化旅游", "sources": [],
    ...     "sector_basis": "名称：剧院（所在专栏10的主题为城市更新）"}))
    '名称含“剧院”，按名称归为文化旅游（所在专栏10的主题为城市更新，未据此归类）'
    >>> sector_basis_text(pd.Series({"sector": "交通", "sources": [],
    ...     "sector_basis": "名称：轨道（据文件 doc-0123456789ab《方案》第 2 行）"}))
    '名称含“轨道”，按名称归为交通（据文件 doc-0123456789ab《方案》第 2 行）'
    """
    basis = readable_cites(present(record.get("sector_basis"), "无"))
    named = _BY_NAME.fullmatch(basis) if isinstance(basis, str) else None
    if named is not None:
        # 「名称：剧院（所在专栏10的主题为城市更新）」 read as if the box made a theatre 城市更新:
        # said as what decided and what was only evidence.
        out = f"名称含“{named['word']}”，按名称归为{present(record['sector'])}"
        if named["box"] and named["theme"] != record["sector"]:
            out += f"（所在专栏{named['box']}的主题为{named['theme']}，未据此归类）"
        elif named["box"]:
            out += f"（与所在专栏{named['box']}的主题一致）"
        return out + (f"（{named['cite']}）" if named["cite"] else "")
    theme = _THEME_ONLY.fullmatch(basis) if isinstance(basis, str) else None
    sources = record.get("sources")
    if theme is None or not isinstance(sources, list):
        return basis
    head = f"专栏{theme.group(1)}："
    for src in sources:
        section = str(src.get("section") or "") if isinstance(src, dict) else ""
        if section.startswith(head):
            title = section.removeprefix(head).split(" / ")[0]
            doc = DOC_SHORT.get(str(src.get("doc") or "")[:3])
            where = f"（{doc}第 {src.get('line')} 行）" if doc else ""
            return f"所在专栏{theme.group(1)}“{title}”{where}的主题为{present(record['sector'])}"
    return basis


def _zone_text(record: pd.Series) -> str:
    zone = present(record["zone"], "未定")
    zones = record.get("zones")
    if zone == vocab.CROSS_ZONE and isinstance(zones, list) and zones:
        return f"{zone}（{'、'.join(zones)}）"
    return zone


def _years_text(years: str, basis: Any) -> str:
    if not years:
        return "未注明"
    label = YEARS_BASIS_LABELS.get(basis) if isinstance(basis, str) else None
    return f"{years}（{label}）" if label else years


def status_is_default(history: Any) -> bool:
    """True when no document words speak for the status (every document entry is a default)."""
    entries = [e for e in history if isinstance(e, dict)] if isinstance(history, list) else []
    if any(not e.get("doc") for e in entries):
        return False  # a staff change says it
    docs = [e for e in entries if e.get("doc")]
    return bool(docs) and all(e.get("basis") == DEFAULT_BASIS for e in docs)


def status_text(record: pd.Series, shown_status: str | None) -> str:
    """The 状态 line: the status, whether it is a default, and the status as of the chosen year.

    >>> status_text(pd.Series({"status": "规划", "status_history": [
    ...     {"doc": "001.txt", "status": "规划", "basis": DEFAULT_BASIS}]}), None)
    '规划（默认：文中无进度表述）'
    """
    notes = []
    if status_is_default(record["status_history"]):
        notes.append(DEFAULT_BASIS.replace("（", "：").rstrip("）"))
    if shown_status and shown_status != record["status"]:
        notes.append(f"截至所选年份：{shown_status}")
    return f"{record['status']}" + "".join(f"（{n}）" for n in notes)


#: Said after a progress warning that rests on a default status: the documents never said how far
#: the project is, so 滞后 there means only that the plan's years are over.
DEFAULT_PROGRESS_NOTE = "；状态是默认值（文件未提进度），此预警只依据计划年份"


def progress_text(record: pd.Series, as_of: date | None) -> str:
    """The 进度预警 line: the warning and its reason, and, where the status is a default, that
    the warning rests on the plan's years alone (not on anything a document said)."""
    label, why = progress_of(record.to_dict(), as_of)
    if label != UNKNOWN and status_is_default(record["status_history"]):
        return why + DEFAULT_PROGRESS_NOTE
    return why


def _items(rows: list[tuple[str, Any]]) -> None:
    st.markdown("\n".join(f"- **{label}**：{md_text(value)}" for label, value in rows))


#: The panel's heading (the page scrolls to it).
HEADING = "项目详情"


def render(record: pd.Series | None, shown_status: str | None, as_of: date | None = None) -> None:
    """Draw the panel for ``record`` (a catalog row), or a hint when nothing is selected."""
    st.subheader(HEADING)
    # On a phone the details stack below the map, which fills the screen, and a table row is
    # far below them: a choice there changed nothing a person saw. The page scrolls to the
    # details when another project is chosen and its heading is out of sight (never when the
    # page opens: a link's view stays).
    _follow(
        key=FOLLOW_KEY,
        data={
            "id": "" if record is None else str(record["id"]),
            "heading": HEADING,
            "clear": FOLLOW_CLEAR_PX,
        },
        height=0,
    )
    if record is None:
        st.caption("点击地图上的项目、在表格中选择一行，或在侧栏“定位项目”中选择，即可查看详情。")
        return
    with st.container(key=PANEL_KEY):
        _render_record(record, shown_status, as_of)


def _render_record(record: pd.Series, shown_status: str | None, as_of: date | None) -> None:
    years = vocab.year_span(record["start_year"], record["end_year"])
    rows = [
        ("名称", record["name"]),
        (
            "别名",
            "、".join(record["aliases"])
            if isinstance(record["aliases"], list) and record["aliases"]
            else "无",
        ),
        ("领域", present(record["sector"])),
        ("领域依据", sector_basis_text(record)),
        ("状态", status_text(record, shown_status)),
        ("年份", _years_text(years, record.get("years_basis"))),
        ("进度预警", progress_text(record, as_of)),
    ]
    _items(rows)
    # The general rule, once and smaller: the project's own reason is in 进度预警 above.
    st.caption(f"预警规则：{md_text(RULE)}")
    rows = [
        ("片区", _zone_text(record)),
        ("片区依据", readable_cites(present(record.get("zone_basis"), "无"))),
        ("定位精度", precision_label(record["precision"])),
        *([("所在地", where)] if (where := place_line(record.get("place_id"))) else []),
        ("定位依据", readable_cites(present(record.get("geo_basis")))),
        ("牵头部门", present(record["lead_dept"])),
        ("投资", investment_text(record.get("investment"))),
        ("备注", present(record.get("notes"), "无")),
        ("编号", record["id"]),
        *([("人工修改", edited)] if (edited := edit_line(record)) else []),
    ]
    _items(rows)
    history = history_lines(record["status_history"])
    if history:
        st.markdown("**状态沿革**\n" + "\n".join(f"- {md_text(h)}" for h in history))
    sources = source_lines(record["sources"])
    st.markdown(
        "**来源**\n" + ("\n".join(f"- {md_text(s)}" for s in sources) if sources else "- 无")
    )
