"""Uploaded plan documents (plain text, .docx, .pdf with a text layer) → the line form the extractor reads.

The extractor and the status rules read plain text with one logical paragraph a line, as the seed
documents are kept (``FILE:LINE`` citations count those lines). Published documents come in other
shapes: a PDF breaks every sentence at the page edge and repeats a running head and a page number
on every page, Word files indent with full-width spaces and carry 专栏 boxes as tables, text copied
out of a PDF keeps its hard line breaks. :func:`read_document` undoes those habits and returns the
lines; anything it cannot read honestly (a scan without text, an encrypted or broken file, an
oversize file) is refused with :class:`~projects.errors.BadFile` and a Chinese message.

>>> plain_lines(["　　凤凰山创意园建成投用，", "- 3 -", "云湖未来社区主体封顶。"], wrap=26)
['凤凰山创意园建成投用，云湖未来社区主体封顶。']
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePath

from projects.errors import BadFile

#: Largest upload read (bytes): a year's report is well under 5 MB even as a PDF.
MAX_BYTES = 20 * 1024 * 1024
#: Kinds of file read, by name ending.
KINDS: dict[str, str] = {".txt": "txt", ".text": "txt", ".docx": "docx", ".pdf": "pdf"}
#: Fewer characters than this in the whole document is no text layer (a scan).
MIN_TEXT_CHARS = 40

#: Page numbers as printed on their own line: - 3 -, — 3 —, 第3页, 第 3 页 共 9 页, 3/9. A bare
#: number is a page number only in a PDF's margin (in plain text it may be a table cell).
_PAGE_NUMBER = re.compile(
    r"^(?:[\-—–－·•]+\s*\d{1,4}\s*[\-—–－·•]+|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4})$"
)
_BARE_NUMBER = re.compile(r"^\d{1,4}$")
#: A line that ends a sentence or a heading: the next line starts a new paragraph.
_ENDS = "。！？；：」』”）)》】"
#: Headings the extractor keys on; never joined to a neighbour.
_HEADING = re.compile(
    r"^(?:专栏\s*\d+|第[一二三四五六七八九十百零〇\d]+[篇章节]|20\d\d年工作(?:回顾|安排|任务|打算)"
    r"|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．])"
)
_CID = re.compile(r"\(cid:\d+\)")


@dataclass(frozen=True)
class DocumentText:
    """What was read from an upload: the lines (1-based citations count these) and how."""

    lines: tuple[str, ...]
    #: "txt", "docx" or "pdf".
    kind: str
    #: Text encoding of a plain-text file ("UTF-8" or "GBK"); "" for docx and pdf.
    encoding: str = ""
    #: Pages of a PDF (0 otherwise).
    pages: int = 0
    #: Lines dropped as running heads, footers or page numbers (for the review screen).
    dropped: int = 0

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def kind_of(filename: str) -> str:
    """The reader for a file name; BadFile for anything else."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in KINDS:
        raise BadFile(
            f"不支持的文件类型“{suffix or filename}”：请上传 .txt（UTF-8 或 GBK）、.docx 或带文字层的 .pdf。"
            + ("旧版 .doc 请先在 Word 中另存为 .docx。" if suffix == ".doc" else "")
        )
    return KINDS[suffix]


def read_document(data: bytes, filename: str, encoding: str | None = None) -> DocumentText:
    """The document's lines, one logical paragraph each, or BadFile saying why not."""
    kind = kind_of(filename)
    if not isinstance(data, bytes | bytearray):
        raise BadFile("上传内容无法读取。")
    if len(data) > MAX_BYTES:
        raise BadFile(
            f"文件过大（{len(data) / 1024 / 1024:.1f} MB），上限为 {MAX_BYTES // 1024 // 1024} MB。"
        )
    if not data.strip():
        raise BadFile("文件是空的。")
    if kind == "txt":
        if b"\x00" in data[:4096]:
            raise BadFile(
                "文件不是文本文件（含二进制内容，或为 UTF-16 编码）：请上传 UTF-8 或 GBK 的 .txt、.docx 或 .pdf。"
            )
        text, used = decode_text(bytes(data), encoding)
        lines, dropped = _from_plain(text.splitlines())
        out = DocumentText(tuple(lines), kind, used, 0, dropped)
    elif kind == "docx":
        out = DocumentText(tuple(_from_docx(bytes(data))), kind)
    else:
        lines, pages, dropped = _from_pdf(bytes(data))
        out = DocumentText(tuple(lines), kind, "", pages, dropped)
    if sum(len(x) for x in out.lines) < MIN_TEXT_CHARS:
        if kind == "pdf":
            raise BadFile(
                "这份 PDF 没有可读取的文字层（可能是扫描件或图片）：请上传带文字的 PDF、Word 或文本版本。"
            )
        raise BadFile("文件中几乎没有文字，无法识别项目。")
    return out


def decode_text(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Text and the encoding that read it: UTF-8 (BOM allowed) first, then GBK (as GB18030).

    Chinese government files come in either; the import of GIS tables reads text the same way.

    >>> decode_text("沙坪坝".encode("gbk"))
    ('沙坪坝', 'GBK')
    """
    if encoding:
        codec = "utf-8-sig" if encoding.upper().replace("-", "") == "UTF8" else "gb18030"
        try:
            return data.decode(codec), encoding.upper()
        except UnicodeDecodeError as exc:
            raise BadFile(f"文件不是 {encoding} 编码的文本。") from exc
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GBK"
    except UnicodeDecodeError as exc:
        raise BadFile("文件文字编码无法识别（应为 UTF-8 或 GBK）。") from exc


# --- shared clean-up ---------------------------------------------------------------------------


def clean_line(line: str) -> str:
    """One line without indentation, control characters or doubled inner spaces.

    Full-width spaces (U+3000) indent paragraphs and pad headings (第 一 章); between two Chinese
    characters a space is layout, not text, so it goes.
    """
    line = unicodedata.normalize("NFC", line)
    line = "".join(" " if unicodedata.category(c) in ("Zs", "Cc") else c for c in line)
    line = line.replace("\ufeff", "").replace("\u200b", "")
    line = re.sub(
        r"(?<=[\u3400-\u9fff，。、；：（）“”]) +(?=[\u3400-\u9fff，。、；：（）“”])", "", line
    )
    return re.sub(r" {2,}", " ", line).strip()


def is_page_number(line: str) -> bool:
    """A line that is only a decorated page number (- 3 -, — 3 —, 第3页 共9页, 3/9)."""
    return bool(_PAGE_NUMBER.match(line.strip()))


def _is_heading(line: str) -> bool:
    return bool(_HEADING.match(line)) or (len(line) <= 20 and not re.search(r"[，。；]", line))


def _width(line: str) -> int:
    """Display width in half-em units (a Chinese character 2, a digit or letter 1)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def _running_heads(lines: list[str]) -> set[str]:
    """Short lines repeated three times or more: a page head or foot copied out of a PDF.

    Table cells repeat too (约束性, 亿元), so a head must read like a title: 8 characters or more.
    """
    counts = Counter(x for x in lines if 8 <= len(x) <= 40 and not _HEADING.match(x))
    return {x for x, n in counts.items() if n >= 3 and not x.endswith(tuple(_ENDS[:3]))}


def _from_plain(raw: list[str]) -> tuple[list[str], int]:
    """Plain text as lines, and how many lines were dropped as page furniture."""
    lines = plain_lines(raw)
    return lines, len([x for x in raw if x.strip()]) - len([x for x in lines if x])


def plain_lines(raw: list[str], wrap: int | None = None) -> list[str]:
    """Plain text lines: heads, feet and page numbers dropped, sentences cut by hard breaks joined.

    Text copied out of a PDF is wrapped at one width (``wrap``, in half-em units; found from the
    text when not given): a line of about that width that does not end a sentence continues on
    the next line. A text with one paragraph a line has no such common width and is left as is.
    """
    lines = [clean_line(x) for x in raw]
    heads = _running_heads(lines)
    kept = [x for x in lines if not (is_page_number(x) or x in heads)]
    if wrap is None:
        wrap = _common_width(kept)
    out: list[str] = []
    joining = False
    for line in kept:
        if not line:
            joining = False
            out.append("")
            continue
        if joining and not _HEADING.match(line):
            out[-1] += line
        else:
            out.append(line)
        joining = bool(wrap) and _width(line) >= wrap - 4 and not out[-1].endswith(tuple(_ENDS))
    while out and not out[-1]:
        out.pop()
    return out


def _common_width(lines: list[str]) -> int:
    """The width most long lines share (±2 characters), or 0 when they share none."""
    widths = Counter(_width(x) for x in lines if len(x) >= 15)
    total = sum(widths.values())
    best = 0
    for w, _ in widths.most_common(3):
        near = sum(n for v, n in widths.items() if w - 4 <= v <= w)
        if near >= max(3, 0.3 * total):
            best = max(best, w)
    return best


def table_lines(rows: list[list[str | None]]) -> list[str]:
    """A table as the lines a 专栏 box has in plain text: 「类别：项目、项目」 per row.

    A title row (专栏3：…) stays one line, a header row (序号 / 项目名称 / 建设内容) goes,
    serial-number cells go, and the cells of a merged row count once.
    """
    out: list[str] = []
    for row in rows:
        cells: list[str] = []
        for cell in row:
            text = clean_line(re.sub(r"\s*\n\s*", "", cell or ""))
            if (
                text
                and (not cells or cells[-1] != text)
                and not re.fullmatch(r"\d{1,3}[.、]?", text)
            ):
                cells.append(text)
        if not cells:
            continue
        if all(c in _TABLE_HEADERS for c in cells):
            continue
        if len(cells) == 1:
            out.append(cells[0])
        else:
            first = cells[0].rstrip("：:")
            out.append(f"{first}：{'；'.join(cells[1:])}")
    return out


_TABLE_HEADERS = frozenset(
    [
        "序号",
        "类别",
        "类型",
        "领域",
        "项目",
        "项目名称",
        "名称",
        "建设内容",
        "建设内容及规模",
        "建设规模",
        "主要内容",
        "建设年限",
        "建设期限",
        "实施年限",
        "起止年限",
        "牵头单位",
        "牵头部门",
        "责任单位",
        "备注",
        "总投资",
        "总投资（亿元）",
        "投资（亿元）",
    ]
)


# --- Word ----------------------------------------------------------------------------------------


def _from_docx(data: bytes) -> list[str]:
    """Body paragraphs and tables in document order; page heads and feet are not body text."""
    import docx  # python-docx: imported here so plain-text intake needs no lxml
    from docx.opc.exceptions import PackageNotFoundError

    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise BadFile(
            "文件无法打开：这是加密的 Word 文件或旧版 .doc 文件。请解除密码后另存为 .docx 再上传。"
        )
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise BadFile("Word 文件已损坏或不是 .docx 文件，无法打开。") from exc
    except Exception as exc:  # noqa: BLE001 - lxml and zip errors of a broken file vary
        raise BadFile(f"Word 文件无法读取：{type(exc).__name__}。") from exc
    lines: list[str] = []
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):  # a table: 专栏 boxes are laid out as tables
            rows = [[cell.text for cell in row.cells] for row in block.rows]
            lines.extend(table_lines(rows))
        else:
            text = clean_line(block.text.replace("\n", "").replace("\v", ""))
            if text and not is_page_number(text):
                lines.append(text)
    return lines


# --- PDF -----------------------------------------------------------------------------------------

#: Share of the page height at the top and bottom where running heads and page numbers sit.
_MARGIN = 0.09


def _from_pdf(data: bytes) -> tuple[list[str], int, int]:
    """Lines of a PDF's text layer with the page furniture dropped and wrapped sentences joined."""
    import pdfplumber  # imported here: only PDF intake needs pdfminer

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise BadFile("文件不是 PDF（缺少 PDF 文件头），或已损坏。")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on a broken file
        raise _pdf_error(exc) from exc
    try:
        with pdf:
            pages = [_page_items(page) for page in pdf.pages]
    except Exception as exc:  # noqa: BLE001
        raise _pdf_error(exc) from exc
    text = "".join(x["text"] for items in pages for x in items if x["kind"] == "line")
    if _CID.search(text) and len(_CID.findall(text)) * 8 > len(text) / 2:
        raise BadFile("PDF 的文字层无法解码（字体缺少编码表）：请上传 Word 或文本版本。")
    return _join_pdf(pages)


def _pdf_error(exc: BaseException) -> BadFile:
    """The Chinese refusal for an exception of pdfminer (pdfplumber wraps them)."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    causes = [exc, *exc.args, exc.__cause__, exc.__context__]
    if any(isinstance(c, PDFPasswordIncorrect | PDFEncryptionError) for c in causes):
        return BadFile("PDF 已加密（需要密码），无法读取：请上传未加密的版本。")
    return BadFile(f"PDF 文件已损坏，无法读取（{type(exc).__name__}）。")


def _page_items(page) -> list[dict]:
    """Text lines and tables of one page, top to bottom, with their positions."""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside(obj) -> bool:
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    body = page.filter(outside) if boxes else page
    items = [
        {
            "kind": "line",
            "text": line["text"],
            "x0": line["x0"],
            "x1": line["x1"],
            "top": line["top"],
            "bottom": line["bottom"],
            "height": page.height,
            "width": page.width,
        }
        for line in body.extract_text_lines(return_chars=False)
    ]
    for table in tables:
        items.append(
            {
                "kind": "table",
                "rows": table.extract(),
                "top": table.bbox[1],
                "bottom": table.bbox[3],
            }
        )
    return sorted(items, key=lambda x: x["top"])


def _join_pdf(pages: list[list[dict]]) -> tuple[list[str], int, int]:
    furniture = Counter()
    for items in pages:
        for x in items:
            if x["kind"] == "line" and _in_margin(x):
                furniture[re.sub(r"\d+", "#", clean_line(x["text"]))] += 1
    repeated = {k for k, n in furniture.items() if n >= 2}
    body: list[dict] = []
    dropped = 0
    for items in pages:
        for x in items:
            if x["kind"] == "line":
                text = clean_line(x["text"])
                if not text:
                    continue
                if is_page_number(text) or (
                    _in_margin(x)
                    and (_BARE_NUMBER.match(text) or re.sub(r"\d+", "#", text) in repeated)
                ):
                    dropped += 1
                    continue
                body.append({**x, "text": text})
            else:
                body.append(x)
    lines_only = [x for x in body if x["kind"] == "line"]
    left = _mode([round(x["x0"]) for x in lines_only]) if lines_only else 0
    right = max((x["x1"] for x in lines_only), default=0)
    out: list[str] = []
    prev: dict | None = None
    for x in body:
        if x["kind"] == "table":
            out.extend(table_lines(x["rows"]))
            prev = None
            continue
        size = max(x["bottom"] - x["top"], 1.0)
        indented = x["x0"] > left + 0.8 * size
        if (
            prev is not None
            and not indented
            and prev["x1"] >= right - 1.6 * size
            and not out[-1].endswith(tuple(_ENDS))
            and not _HEADING.match(x["text"])
        ):
            out[-1] += x["text"]
        else:
            out.append(x["text"])
        prev = x
    return out, len(pages), dropped


def _in_margin(x: dict) -> bool:
    return x["top"] < _MARGIN * x["height"] or x["bottom"] > (1 - _MARGIN) * x["height"]


def _mode(values: list[int]) -> int:
    return Counter(values).most_common(1)[0][0]
