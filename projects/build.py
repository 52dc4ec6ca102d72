"""Build the catalog records from the five plan documents and the reviewed curation file.

Pipeline: read each document, extract mentions, map curation merges onto merge keys, group
mentions of one project across documents, apply the rest of the curation (accept, reject, rename,
set), assign stable ids from ``data/project_ids.csv``. The result is a list of property dicts per
``projects/schema.py`` with no geometry (the geography step places them).

``python -m projects.build [--out records.json] [--update-ids]`` prints a summary.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from projects.errors import BadFile
from projects.extract import (
    Mention,
    Paragraph,
    extract_mentions,
    lead_dept,
    normalise_name,
    paragraphs,
)
from projects.schema import empty_properties
from projects.sources import ROOT, read_lines, seeds_dir
from projects.status import part_of, plan_boundary, rank, status_of
from projects.vocab import DOCUMENTS, DOCUMENTS_BY_FILE, MAX_YEAR, MIN_YEAR, OUTSIDE, SECTORS

CURATION_PATH = ROOT / "data" / "curation.csv"
IDS_PATH = ROOT / "data" / "project_ids.csv"
CURATION_ACTIONS = ("accept", "reject", "rename", "merge", "set", "form")
SETTABLE = ("sector", "district", "start_year", "end_year", "lead_dept", "phase", "notes")

#: Sector of the items of each 专栏 box of 001 (the box themes).
BOX_SECTORS: dict[int, str] = {
    1: "科技创新",
    2: "科技创新",
    3: "产业",
    4: "产业",
    5: "商贸消费",
    6: "乡村振兴",
    7: "开放平台",
    8: "城市更新",
    9: "产业",
    10: "城市更新",
    11: "乡村振兴",
    12: "交通",
    13: "新型基础设施",
    14: "市政设施",
    15: "文化旅游",
    16: "生态环保",
    17: "社会民生",
}

#: Keyword rules for running text, first match wins (the ending of a name says most).
SECTOR_RULES: tuple[tuple[str, str], ...] = (
    (
        r"生态画廊|林带|湿地|流域|治理|修复|清水绿岸|两江四岸|贯通工程|公园$|绿化|生态城|生态带|生态廊道",
        "生态环保",
    ),
    (
        r"污水|水厂|管网|变电站|千伏|电厂|电站|储气库|储运基地|水库|水网|水资源|防洪|环卫|垃圾|特高压|"
        r"电入渝|主网架|加油站|管道|管廊|应急|储备库|物资保障",
        "市政设施",
    ),
    (
        r"高铁|铁路|号线|隧道|下穿道|大桥|桥$|立交|连接道|通道$|大道|干道|快速路|路$|段$|高速|TOD|"
        r"站$|枢纽$|机场|航站楼|跑道|码头|航道|航运|轨道|复线|延伸线|纵线|横线|交通|环道|线$|站场|绕城道",
        "交通",
    ),
    (
        r"综合保税区|保税|口岸|无水港|陆海新通道|班列|冷链|分拨|物流|进口|东盟|会址|一带一路|国际交往|"
        r"自由贸易|中新（|中新合作|法务区|法律服务|邮件",
        "开放平台",
    ),
    (
        r"医院|卫生|疾控|保健院|学校|小学|中学|校区|幼儿园|学院|教育|健身|体育|体操|托育|养老|照护|"
        r"保租房|保障房|保住房|人才公寓|陵园|殡葬|就业|法院",
        "社会民生",
    ),
    (
        r"景区|古镇|博物馆|故居|遗址|剧院|演艺|文旅|文化|旅游|画廊|巷$|创意园|媒体|广播电视|电子竞技|风貌带|艺术品",
        "文化旅游",
    ),
    (r"商圈|商业|商贸|购物|天街|小镇|商业街|消费|万象城|贸易港|广场$|商务区", "商贸消费"),
    (
        r"实验室|研究院|研究所|研究中心|创新中心|科学中心|科技园|科学城|大学城|孵化|科创|概念验证|装置|技术转移|"
        r"创新生态圈|科技城|智谷|创新区|技术交易",
        "科技创新",
    ),
    (r"数据|算力|计算|互联网|5G|信息|智慧城市|云平台", "新型基础设施"),
    (r"乡村|农业|田园|村$|农产品|都市村庄", "乡村振兴"),
    (
        r"片区|未来社区|城市更新|旧城|改造|更新|新城$|湾区|城市中心|嘉陵湾|街$|步行街|长滨",
        "城市更新",
    ),
)
DEFAULT_SECTOR = "产业"

#: District named inside a project's name (for items of 003 and 004 that lie elsewhere).
DISTRICT_WORDS: tuple[tuple[str, str], ...] = (
    ("沙坪坝", "沙坪坝区"),
    ("渝中", "渝中区"),
    ("解放碑", "渝中区"),
    ("朝天门", "渝中区"),
    ("菜园坝", "渝中区"),
    ("化龙桥", "渝中区"),
    ("大坪", "渝中区"),
    ("九龙坡", "九龙坡区"),
    ("白市驿", "九龙坡区"),
    ("合川", "合川区"),
    ("綦江", "綦江区"),
    ("云阳", "云阳县"),
    ("荣昌", "荣昌区"),
    ("长寿", "长寿区"),
    ("广阳", "南岸区"),
    ("江北国际机场", "渝北区"),
    ("江北", "江北区"),
    ("寸滩", "江北区"),
    ("观音桥", "江北区"),
    ("两江新区", "两江新区"),
)
#: District of a city-wide project whose place the documents do not narrow down.
CITY = "重庆市"

_KEY_PREFIX = re.compile(r"^(?:重庆市|重庆|沙坪坝区)(?=.{3})")
_KEY_SUFFIX = re.compile(r"(?:项目|工程|建设|沙坪坝段|沙区段|扩建|迁建|迁扩建|改扩建)+$")
_PHASE = re.compile(r"[（(]?([一二三四五六七八九十\d]+期)(?:工程|项目)?[）)]?$")


def merge_key(name: str) -> str:
    """The key under which mentions of one project meet across documents.

    Drops spacing, quotes, the 重庆/沙坪坝区 prefix and 项目/工程/沙坪坝段 endings, keeps phases.

    >>> merge_key("重庆国际物流城"), merge_key("西永污水处理厂扩建工程"), merge_key("成渝中线高铁沙坪坝段")
    ('国际物流城', '西永污水处理厂', '成渝中线高铁')
    >>> merge_key("重庆西站TOD一期"), merge_key("西站TOD二期")
    ('西站TOD一期', '西站TOD二期')
    """
    k = normalise_name(name)
    k = re.sub(r"[“”\"'·•\s]", "", k)
    m = _PHASE.search(k)
    phase = m.group(1) if m else ""
    base = k[: m.start()] if m else k
    base = _KEY_PREFIX.sub("", base)
    stripped = _KEY_SUFFIX.sub("", base)
    base = stripped if len(stripped) >= 3 else base
    return base + phase


def base_key(key: str) -> str:
    """A key without its phase (links 一期 and 二期 of one project)."""
    return _PHASE.sub("", key)


@dataclass(frozen=True)
class CurationRow:
    """One reviewed correction (data/curation.csv)."""

    action: str
    name: str
    value: str
    doc: str
    line: int | None
    why: str


def read_curation(path: Path = CURATION_PATH) -> list[CurationRow]:
    """The curation rows; a row without a reason or with an unknown action is refused."""
    rows: list[CurationRow] = []
    if not Path(path).exists():
        return rows
    with open(path, encoding="utf-8", newline="") as f:
        for n, row in enumerate(csv.DictReader(f), start=2):
            action = (row.get("action") or "").strip()
            if not action or action.startswith("#"):
                continue
            if action not in CURATION_ACTIONS:
                raise BadFile(
                    f"整理文件第{n}行的操作“{action}”无效，应为 {'、'.join(CURATION_ACTIONS)} 之一"
                )
            why = (row.get("why") or "").strip()
            if not why:
                raise BadFile(f"整理文件第{n}行缺少理由（why 列）")
            line = (row.get("line") or "").strip()
            if action == "form" and not (row.get("doc") and line.isdigit()):
                raise BadFile(f"整理文件第{n}行的 form 操作需要文档和行号")
            rows.append(
                CurationRow(
                    action,
                    (row.get("name") or "").strip(),
                    (row.get("value") or "").strip(),
                    (row.get("doc") or "").strip(),
                    int(line) if line else None,
                    why,
                )
            )
    return rows


def read_registry(path: Path = IDS_PATH) -> dict[str, str]:
    """key -> id of every project ever built (ids are never reused or renumbered)."""
    if not Path(path).exists():
        return {}
    with open(path, encoding="utf-8", newline="") as f:
        return {r["key"]: r["id"] for r in csv.DictReader(f)}


def write_registry(registry: dict[str, str], path: Path = IDS_PATH) -> None:
    """Write the registry in id order (append-only in effect: existing rows never change)."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "key"])
        for key, pid in sorted(registry.items(), key=lambda kv: (kv[1], kv[0])):
            w.writerow([pid, key])


def _next_id(registry: dict[str, str]) -> str:
    nums = [int(v.split("-")[1]) for v in registry.values() if re.match(r"^SPB-\d+$", v)]
    return f"SPB-{(max(nums) if nums else 0) + 1:04d}"


def document_mentions(folder: Path | None = None) -> list[Mention]:
    """Every mention of the five documents, in document then reading order."""
    out: list[Mention] = []
    for d in DOCUMENTS:
        lines = read_lines(d.file, folder)
        out.extend(_mentions_of(d.file, "\n".join(lines)))
    return out


def _boundaries(folder: Path | None) -> dict[str, int | None]:
    return {d.file: plan_boundary(read_lines(d.file, folder)) for d in DOCUMENTS}


def _sector_for(name: str, boxes: list[int]) -> str:
    if boxes:
        return BOX_SECTORS[Counter(boxes).most_common(1)[0][0]]
    for pattern, sector in SECTOR_RULES:
        if re.search(pattern, name):
            return sector
    return DEFAULT_SECTOR


def _district_for(name: str, docs: set[str]) -> str:
    if docs & {DOCUMENTS[0].file, DOCUMENTS[1].file, DOCUMENTS[2].file}:
        return "沙坪坝区"
    for word, district in DISTRICT_WORDS:
        if word in name:
            return district
    return "渝中区" if docs == {DOCUMENTS[3].file} else CITY


def _doc_order(doc: str) -> tuple[str, str]:
    d = DOCUMENTS_BY_FILE[doc]
    return (d.date if len(d.date) > 4 else d.date + "-01-01", d.file)


def _mention_window(m: Mention, part: str | None) -> tuple[int, int]:
    d = DOCUMENTS_BY_FILE[m.doc]
    start, end = d.period
    if part == "review":
        return start - 1, start - 1
    if m.year and start <= m.year <= max(end, start + 15):
        end = m.year
    return start, end


def _line_text(lines_by_doc: dict[str, list[str]], doc: str, line: int) -> str:
    lines = lines_by_doc[doc]
    return re.sub(r"\s+", "", lines[line - 1]) if 0 < line <= len(lines) else ""


def build_records(
    seeds: Path | None = None,
    curation: Path = CURATION_PATH,
    registry: Path = IDS_PATH,
    update_registry: bool = False,
) -> list[dict[str, Any]]:
    """Catalog records (schema property dicts, no geometry), sorted by id.

    Ids come from the registry; a project new to it gets the next free id (written back only
    with ``update_registry``), so two builds of the same input give the same ids.
    """
    folder = Path(seeds or seeds_dir())
    missing = [d.file for d in DOCUMENTS if not (folder / d.file).is_file()]
    if missing:
        raise BadFile(f"在 {folder} 找不到源文件 {'、'.join(missing)}（请设置 SHAPINGBA_SEEDS）")
    lines_by_doc = {d.file: read_lines(d.file, folder) for d in DOCUMENTS}
    bounds = _boundaries(folder)
    rows = read_curation(curation)
    mentions = document_mentions(folder)
    mentions += _accepted(rows, lines_by_doc)
    rejected_mentions = {(r.name, r.doc, r.line) for r in rows if r.action == "reject" and r.doc}
    rejected = {merge_key(r.name) for r in rows if r.action == "reject" and not r.doc}
    merges = {merge_key(r.name): merge_key(r.value) for r in rows if r.action == "merge"}

    groups: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        if (m.name, m.doc, m.line) in rejected_mentions:
            continue
        key = merge_key(m.name)
        seen = set()
        while key in merges and key not in seen:  # chains of merges end at the canonical key
            seen.add(key)
            key = merges[key]
        if key in rejected:
            continue
        groups[key].append(m)

    targets = {merge_key(r.value): r.value for r in rows if r.action == "merge"}
    records = [
        _record(key, ms, bounds, lines_by_doc, targets.get(key)) for key, ms in groups.items()
    ]
    _apply_settings(records, rows)
    _apply_forms(records, rows, lines_by_doc)
    _link_phases(records)
    ids = read_registry(registry)
    used = {ids[r["_key"]] for r in records if r["_key"] in ids}
    for rec in sorted(records, key=lambda r: r["_key"]):
        if rec["_key"] not in ids:
            # a project whose key a new merge changed keeps the id one of its forms already had
            old = sorted(k for k in rec["_forms"] if k in ids and ids[k] not in used)
            ids[rec["_key"]] = ids[old[0]] if old else _next_id(ids)
            used.add(ids[rec["_key"]])
        rec["id"] = ids[rec["_key"]]
    by_key = {r["_key"]: r["id"] for r in records}
    for rec in records:
        rec["related"] = sorted(by_key[k] for k in rec.pop("_related") if k in by_key)
        for private in ("_key", "_forms", "_boxed", "_sector_set"):
            rec.pop(private, None)
    if update_registry:
        write_registry(ids, registry)
    return sorted(records, key=lambda r: r["id"])


def _accepted(rows: list[CurationRow], lines_by_doc: dict[str, list[str]]) -> list[Mention]:
    """Mentions the extractor misses, added by reviewed ``accept`` rows (doc and line required).

    The row's ``value`` is the status cue; it counts only when the cited line contains it.
    """
    out: list[Mention] = []
    for r in rows:
        if r.action != "accept":
            continue
        if r.doc not in lines_by_doc or not r.line or r.line > len(lines_by_doc[r.doc]):
            raise BadFile(f"整理文件中“{r.name}”的 accept 行需要有效的文档和行号")
        text = _line_text(lines_by_doc, r.doc, r.line)
        para = _paragraph_at(r.doc, r.line, lines_by_doc)
        cue = r.value if r.value and r.value in text else ""
        section, box = (para.section, para.box) if para else ("", None)
        lead = lead_dept(para.text) if para else None
        out.append(Mention(r.name, r.line, section, cue, lead, r.doc, box, text[:40]))
    return out


def _paragraph_at(doc: str, line: int, lines_by_doc: dict[str, list[str]]) -> Paragraph | None:
    for para in _paragraphs(doc, "\n".join(lines_by_doc[doc])):
        if para.lines[0] <= line <= para.lines[-1]:
            return para
    return None


@lru_cache(maxsize=16)
def _paragraphs(doc: str, text: str) -> tuple[Paragraph, ...]:
    return tuple(paragraphs(text))


@lru_cache(maxsize=16)
def _mentions_of(doc: str, text: str) -> tuple[Mention, ...]:
    """Mentions of one document text (cached: rebuilds with another curation file reuse them)."""
    return tuple(extract_mentions(text, doc))


def _record(
    key: str,
    ms: list[Mention],
    bounds: dict[str, int | None],
    lines_by_doc: dict[str, list[str]],
    preferred: str | None = None,
) -> dict[str, Any]:
    rec = empty_properties()
    names = [m.name for m in ms]
    # the fullest proper name: the longest form, the earliest document breaking ties; a reviewed
    # merge names its target, which wins when one of the cited lines spells it
    name = max(names, key=lambda n: (len(n), -names.index(n)))
    if preferred and any(preferred in _line_text(lines_by_doc, m.doc, m.line) for m in ms):
        name = preferred
    rec["name"] = name
    rec["aliases"] = sorted({n for n in names if n != name})
    boxes = [m.box for m in ms if m.box is not None]
    rec["sector"] = _sector_for(name, boxes)
    rec["_boxed"] = bool(boxes)
    docs = {m.doc for m in ms}
    rec["district"] = _district_for(name, docs)
    rec["zone"] = None if rec["district"] == "沙坪坝区" else OUTSIDE
    rec["phase"] = next((m.phase for m in ms if m.phase), None)
    rec["lead_dept"] = next((m.lead_dept for m in ms if m.lead_dept), None)

    sources: dict[tuple[str, int], dict[str, Any]] = {}
    for m in sorted(ms, key=lambda m: (_doc_order(m.doc), m.line)):
        src = sources.setdefault(
            (m.doc, m.line), {"doc": m.doc, "section": m.section, "line": m.line}
        )
        _add_surface_form(rec, src, m, lines_by_doc)
    rec["sources"] = list(sources.values())

    history, windows = [], []
    by_doc: dict[str, list[tuple[Mention, str | None, str]]] = defaultdict(list)
    for m in ms:
        part = part_of(m.line, bounds.get(m.doc))
        by_doc[m.doc].append((m, part, status_of(m.cue, part)))
        windows.append(_mention_window(m, part))
    for doc in sorted(by_doc, key=_doc_order):
        entries = by_doc[doc]
        # the most advanced status a document states (review facts outrank plan intentions)
        m, part, status = max(entries, key=lambda e: (rank(e[2]), e[1] == "review", -e[0].line))
        d = DOCUMENTS_BY_FILE[doc]
        year = d.period[0] - 1 if part == "review" else int(d.date[:4])
        history.append(
            {
                "doc": doc,
                "date": d.date,
                "year": year,
                "status": status,
                "cue": m.cue,
                "line": m.line,
                "part": part,
            }
        )
    rec["status_history"] = history
    known = [h["status"] for h in history if rank(h["status"]) >= 0]
    rec["status"] = known[-1] if known else rec["status"]
    rec["start_year"] = min(w[0] for w in windows)
    rec["end_year"] = max(w[1] for w in windows)
    rec["_key"] = key
    rec["_forms"] = sorted({merge_key(n) for n in names} - {key})
    rec["_related"] = []
    return rec


#: A short form of a numbered line is a name in its own right (15号线 for 轨道15号线).
_SHORT_LINE = re.compile(r"^[\d一二三四五六七八九十]+号线\S{0,4}$")


def _add_surface_form(
    rec: dict[str, Any], src: dict[str, Any], m: Mention, lines_by_doc: dict[str, list[str]]
) -> None:
    """Record how the cited line spells the project when the name was rebuilt from it.

    扩建西永、土主污水处理厂 names 西永污水处理厂, but the line holds only 西永、土主污水处理厂; a name
    that a hard line break cut (004) holds only its first part. Such a stretch of text is no name,
    so it is kept with the source as ``form`` (the verbatim words of that line), not as an alias;
    only a short line number (15号线) becomes an alias. Every cited line then contains the name,
    an alias or its source's form.
    """
    text = _line_text(lines_by_doc, m.doc, m.line)
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


def _apply_settings(records: list[dict[str, Any]], rows: list[CurationRow]) -> None:
    by_key = {r["_key"]: r for r in records}
    for row in rows:
        rec = by_key.get(merge_key(row.name))
        if rec is None or row.action not in ("rename", "set"):
            continue
        if row.action == "rename":
            if rec["name"] != row.value:
                rec["aliases"] = sorted({*rec["aliases"], rec["name"]} - {row.value})
                rec["name"] = row.value
                if not rec.pop("_boxed", False) and not rec.get("_sector_set"):
                    rec["sector"] = _sector_for(row.value, [])
            continue
        field, _, value = row.value.partition("=")
        field = field.strip()
        if field not in SETTABLE:
            raise BadFile(f"整理文件中“{row.name}”的 set 字段“{field}”不可设置")
        if field == "sector":
            if value not in SECTORS:
                raise BadFile(
                    f"整理文件中“{row.name}”的领域“{value}”无效，应为 {'、'.join(SECTORS)} 之一"
                )
            rec["_sector_set"] = True
        if field in ("start_year", "end_year"):
            if not (value.isdigit() and MIN_YEAR <= int(value) <= MAX_YEAR):
                raise BadFile(f"整理文件中“{row.name}”的年份“{value}”无效（{MIN_YEAR}–{MAX_YEAR}）")
            rec[field] = int(value)
        else:
            rec[field] = value or None
        if field == "district":
            rec["zone"] = None if value == "沙坪坝区" else OUTSIDE


def _apply_forms(
    records: list[dict[str, Any]], rows: list[CurationRow], lines_by_doc: dict[str, list[str]]
) -> None:
    """``form`` rows: a text form of one cited line that is no name (重庆果园港区 in 重庆果园港区等
    通道, 天马半岛打造) leaves the aliases; the source keeps it as its verbatim ``form`` when the
    line holds neither the name nor another alias."""
    for row in rows:
        if row.action != "form":
            continue
        for rec in records:
            if row.name not in rec["aliases"]:
                continue
            rec["aliases"] = [a for a in rec["aliases"] if a != row.name]
            for src in rec["sources"]:
                if (src["doc"], src["line"]) != (row.doc, row.line):
                    continue
                text = _line_text(lines_by_doc, row.doc, row.line)
                if not any(f in text for f in source_forms(rec, {})):
                    src["form"] = row.name


def _link_phases(records: list[dict[str, Any]]) -> None:
    """Separate phases of one project (一期, 二期, and the unphased whole) point to each other."""
    families: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rec in records:
        families[base_key(rec["_key"])].append(rec)
    for fam in families.values():
        if len(fam) > 1 and any(r["phase"] for r in fam):
            for rec in fam:
                rec["_related"] = [o["_key"] for o in fam if o is not rec]


def summary(records: list[dict[str, Any]]) -> str:
    """Counts by sector, status and document, for a quick look after a rebuild."""
    lines = [f"records: {len(records)}"]
    for field in ("sector", "status", "district"):
        c = Counter(r[field] for r in records)
        lines.append(f"{field}: " + ", ".join(f"{k} {v}" for k, v in c.most_common()))
    per_doc = Counter(s for r in records for s in {x["doc"] for x in r["sources"]})
    lines.append(
        "records per document: " + ", ".join(f"{k[:3]} {v}" for k, v in sorted(per_doc.items()))
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, help="write the records as JSON to this path")
    p.add_argument("--update-ids", action="store_true", help="append new projects to the registry")
    args = p.parse_args(argv)
    records = build_records(update_registry=args.update_ids)
    print(summary(records))
    if args.out:
        args.out.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["build_records", "merge_key", "read_curation", "source_forms", "summary"]
