"""How a cited line spells a project whose name the extractor rebuilt from a list or a break."""

from __future__ import annotations

import re
from typing import Any

from projects.documents.extract import METADATA_RE, Mention, normalise_name
from projects.documents.name_rules import NOT_NAME, suffix_of


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


def variants(name: str) -> list[str]:
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
    for form in variants(name):
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


#: A name followed by the rest of an organisation's name is that body, not the place: 磁器口古镇
#: 管委会 (000:67), 化龙桥国际商务区开发建设委员会 (003:66), 西部（重庆）科学城沙坪坝片区管委会
#: 挂牌运行 (002:26, the committee opened, not the science city).
_ORGANISATION = re.compile(r"^[^，。；、：（）“”]{0,8}?(?:管委会|管理委员会|委员会|公司|集团)")
#: A count after a list of names: the names stand for the sites of so many other things (001:760
#: 建成佛罗伦萨小镇等25座人行过街设施; 001:797 青凤高科产业园21.9公里, its inner roads; 001:785
#: 布局国际物流枢纽园和青凤高科产业园两个综合货运枢纽) or for a kind counted city-wide (004:81
#: 建成环大学创新生态圈15个以上); a count of projects (…等13个“链上”项目投产) keeps them projects.
_COUNTED = re.compile(
    r"^(?:[、和与及][^、，。；]{2,20}?)*等?[\d一二两三四五六七八九十百]+(?:\.\d+)?"
    r"(?:个|座|处|条|所|公里)(?![^，。；]{0,8}项目)"
)
#: A clause that says where other things go (001:811 优先在三峡广场、重庆西站等大型商场…布局
#: 公共充电设施): the names are sites, not projects.
_SITE_BEFORE = re.compile(r"^(?:优先|重点|主要|率先|逐步|鼓励)?在")
_SITE_AFTER = re.compile(r"布局|设置|安装|配建|建设")
#: Areas listed before the works or roads they hold (001:811 实施井双片区、沙磁片区、上新片区、
#: 土湾片区等电力线路改造工程; 000:36 畅通沙磁、井双、上新片区等主次支道路): the 片区 are where.
_AREA = re.compile(r"(?:片区|板块)$")
_AREA_WORKS = re.compile(
    r"^(?:、[^、，。；]{1,20}?)*等[^，。；]{0,12}?(?:工程|设施|道路)(?:建设)?(?:[，。；]|$)"
)
#: Characters that end a name as printed (list marks, clause marks, brackets, joining words).
_NAME_END = "、，。；：（）“”等和与及的为"
#: A name qualifying an abstract thing names that thing, not the project (000:31 迭代升级西部
#: （重庆）科学城沙坪坝片区规划建设管理体制: what is upgraded is the management system).
_ABSTRACT_HEAD = re.compile(r"(?:体制|机制|体系|制度|模式)$")
#: A dash joins two names into one (001:844 融创文旅城—重庆全球贸易港消费区; 002:113 五云湖—
#: 科学城站中心).
_DASHES = "—－-"


def not_a_mention(name: str, text: str, at: int, longer: tuple[str, ...] = ()) -> str | None:
    """Why ``name`` at ``at`` in ``text`` is no mention of the project it names, None if it is.

    ``longer`` are the names of other projects: one that holds this stretch of text is the
    project named there (重庆国际物流城 inside 重庆国际物流城开放引领示范区).

    >>> not_a_mention("青凤科创城", "促进青凤科创城与国际物流城融合发展", 2)
    >>> t = "第二节重庆国际物流城开放引领示范区"
    >>> not_a_mention("重庆国际物流城", t, 3, ("重庆国际物流城开放引领示范区",))
    'inside 重庆国际物流城开放引领示范区'
    >>> not_a_mention("磁器口古镇", "（牵头部门：区文化旅游委，责任部门：磁器口古镇管委会）", 13)
    'metadata'
    >>> not_a_mention("中央商务区", "重庆解放碑中央商务区管理委员会", 5)
    'organisation'
    >>> not_a_mention("佛罗伦萨小镇", "建成佛罗伦萨小镇等25座人行过街设施", 2)
    'counted'
    >>> not_a_mention("重庆西站", "优先在三峡广场、重庆西站等大型商场布局公共充电设施", 8)
    'site'
    >>> not_a_mention("上新片区", "实施井双片区、沙磁片区、上新片区、土湾片区等电力线路改造工程，形成", 12)
    'site'
    >>> not_a_mention("大学城", "依托重庆（西部）科学城、环大学城生态圈、重庆国际物流城等开发开放载体", 13)
    'longer name 大学城生态圈'
    >>> not_a_mention("融创文旅城", "以中梁都市村庄、融创文旅城—重庆全球贸易港消费区等为载体", 8)
    'compound'
    >>> not_a_mention("西部（重庆）科学城", "迭代升级西部（重庆）科学城沙坪坝片区规划建设管理体制", 4)
    'qualifier'
    """
    end = at + len(name)
    for other in longer:
        if len(other) <= len(name) or name not in other:
            continue
        k = text.find(other, max(0, end - len(other)))
        while 0 <= k <= at:
            if k + len(other) >= end:
                return f"inside {other}"
            k = text.find(other, k + 1)
    if any(m.start() <= at < m.end() for m in METADATA_RE.finditer(text)):
        return "metadata"
    tail = text[end:]
    if _ORGANISATION.match(tail):
        return "organisation"
    if tail[:1] in _DASHES and len(tail) > 1 and tail[1] not in _NAME_END:
        return "compound"
    if _COUNTED.match(tail):
        return "counted"
    if _AREA.search(name) and _AREA_WORKS.match(tail):
        return "site"
    left = max(text.rfind(p, 0, at) for p in "，；。：") + 1
    ends = [e for e in (text.find(p, end) for p in "，；。") if e >= 0]
    if _SITE_BEFORE.match(text[left:at]) and _SITE_AFTER.search(
        text[end : min(ends or [len(text)])]
    ):
        return "site"
    rest = re.split(f"[{_NAME_END}]", tail, maxsplit=1)[0]
    if _ABSTRACT_HEAD.search(rest):
        return "qualifier"
    whole = name + rest
    same = re.fullmatch(r"(?:项目|工程|建设)+", rest)  # 推进…项目建设: the project itself
    named = suffix_of(whole) or whole.endswith(("区", "圈"))
    if 0 < len(rest) <= 7 and named and not same and not NOT_NAME.search(rest):
        return f"longer name {whole}"
    return None
