"""How a cited line spells a project whose name the extractor rebuilt from a list or a break."""

from __future__ import annotations

import re
from typing import Any

from projects.documents.extract import Mention, normalise_name


def line_text(lines_by_doc: dict[str, list[str]], doc: str, line: int) -> str:
    lines = lines_by_doc[doc]
    return re.sub(r"\s+", "", lines[line - 1]) if 0 < line <= len(lines) else ""


#: A short form of a numbered line is a name in its own right (15号线 for 轨道15号线).
_SHORT_LINE = re.compile(r"^[\d一二三四五六七八九十]+号线\S{0,4}$")


def add_surface_form(
    rec: dict[str, Any], src: dict[str, Any], m: Mention, lines_by_doc: dict[str, list[str]]
) -> None:
    """Record how the cited line spells the project when the name was rebuilt from it.

    扩建西永、土主污水处理厂 names 西永污水处理厂, but the line holds only 西永、土主污水处理厂; a name
    that a hard line break cut (004) holds only its first part. Such a stretch of text is no name,
    so it is kept with the source as ``form`` (the verbatim words of that line), not as an alias;
    only a short line number (15号线) becomes an alias. Every cited line then contains the name,
    an alias or its source's form.
    """
    text = line_text(lines_by_doc, m.doc, m.line)
    forms = [re.sub(r"\s+", "", f) for f in [rec["name"], *rec["aliases"]]]
    if "form" in src or any(f in text for f in forms):
        return
    form = surface_form(m.name, text)
    if not form:
        return
    if _SHORT_LINE.match(form) or normalise_name(form) == m.name:  # 15号线; 轨道五号线
        rec["aliases"] = sorted({*rec["aliases"], form})
    else:
        src["form"] = form


def source_forms(record: dict[str, Any], source: dict[str, Any]) -> list[str]:
    """The spellings a cited line may hold for a record: name, aliases and the source's form."""
    forms = [record["name"], *record["aliases"], *([source["form"]] if source.get("form") else [])]
    return [re.sub(r"\s+", "", f) for f in forms]


def _variants(name: str) -> list[str]:
    """Spellings of a normalised name as the documents may print it (5号线 → 五号线, 综保区)."""
    out = [name]
    cn = "零一二三四五六七八九"

    def to_cn(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if n < 10:
            return cn[n] + "号线"
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else cn[tens]) + "十" + (cn[ones] if ones else "") + "号线"

    if re.search(r"\d+号线", name):
        out.append(re.sub(r"(\d+)号线", to_cn, name))
    if name.endswith("综合保税区"):
        out.append(name.removesuffix("综合保税区") + "综保区")
    return out


def surface_form(name: str, text: str) -> str | None:
    """The shortest stretch of ``text`` that spells ``name`` with a list or break inside it.

    >>> surface_form("土主污水处理厂", "扩建西永、土主污水处理厂。")
    >>> surface_form("西永污水处理厂", "扩建西永、土主污水处理厂。")
    '西永、土主污水处理厂'
    >>> surface_form("轨道15号线", "加快轨道7号线、15号线建设")
    '15号线'
    >>> surface_form("江北国际机场T3B航站楼及第四跑道", "江北国际机场T3B航站")
    '江北国际机场T3B航站'
    """
    best: str | None = None
    for form in _variants(name):
        if form in text:
            return None if form == name else form
        # a shared prefix (轨道7号线、15号线): the item as printed is the better alias
        m = re.search(r"[\d一二三四五六七八九十]+号线.*$", form)
        if m and m.start() > 0 and m.group(0) in text:
            return m.group(0)
        # numbers sharing one 号线 (城轨15、19、7号线): the list from this number on
        n = re.search(r"(\d+)号线$", form)
        shared = n and re.search(rf"(?<!\d){n.group(1)}(?:、\d+)+号线", text)
        if shared:
            return shared.group(0)
        for k in range(1, len(form)):
            head, tail = form[:k], form[k:]
            i = text.find(head)
            while i >= 0:
                j = text.find(tail, i + k)
                if 0 <= j - (i + k) <= 40:
                    span = text[i : j + len(tail)]
                    if best is None or len(span) < len(best):
                        best = span
                i = text.find(head, i + 1)
        if best is None:  # cut by a line break: the longest head that ends the line
            for k in range(len(form) - 1, 3, -1):
                if text.endswith(form[:k]):
                    return form[:k]
    return best
