"""Uploaded documents → lines: real .docx and .pdf files built here, plain text in two encodings."""

from __future__ import annotations

import io

import pytest

from projects.documents import readers
from projects.errors import BadFile
from tests import report_2026 as report


def _in_order(got: tuple[str, ...], want: list[str]) -> bool:
    at = 0
    for line in got:
        if at < len(want) and line == want[at]:
            at += 1
    return at == len(want)


def test_docx_gives_one_paragraph_a_line_with_the_box_table_as_lines():
    doc = readers.read_document(report_2026_docx(), "2026年报告.docx")
    assert doc.kind == "docx"
    # soft line break joined, full-width indent gone, the table as 「类别：项目」, no footer
    assert doc.lines == tuple(report.lines())


def test_pdf_text_layer_gives_the_same_lines_without_heads_feet_or_wraps():
    doc = readers.read_document(report.pdf_bytes(), "2026年报告.pdf")
    assert doc.kind == "pdf" and doc.pages == 2
    assert _in_order(doc.lines, report.lines())
    assert report.TITLE not in doc.lines[1:]  # the running head of each page is dropped
    assert not any(readers.is_page_number(line) for line in doc.lines)  # — 1 — dropped
    assert doc.dropped >= 4
    # the paragraph broken at the page edge (…新增优质学位一 | 千余个；…) is one line again
    assert any(
        line.endswith("新增优质学位一千余个；西南医院下穿道建成通车，医院周边交通拥堵明显缓解。")
        for line in doc.lines
    )


def test_plain_text_in_utf8_and_gbk_reads_the_same():
    text = "\n".join(report.lines())
    utf8 = readers.read_document(text.encode("utf-8"), "r.txt")
    gbk = readers.read_document(text.encode("gbk"), "r.txt")
    assert utf8.lines == gbk.lines == tuple(report.lines())
    assert (utf8.encoding, gbk.encoding) == ("UTF-8", "GBK")


def test_plain_text_copied_from_a_pdf_is_unwrapped_and_loses_its_page_furniture():
    sentence = report.REVIEW[2]
    wrapped = [sentence[i : i + 24] for i in range(0, len(sentence), 24)]
    paragraph = report.REVIEW[1]
    raw = [
        "沙坪坝区人民政府工作报告（2026年）",
        "\u3000\u3000" + paragraph[:24],
        paragraph[24:48],
        paragraph[48:],
        "- 1 -",
        "沙坪坝区人民政府工作报告（2026年）",
        *wrapped,
        "— 2 —",
        "沙坪坝区人民政府工作报告（2026年）",
        "第 3 页 共 3 页",
    ]
    lines = readers.plain_lines(raw)
    assert lines == [paragraph, sentence]


def test_plain_text_with_one_paragraph_a_line_keeps_its_line_numbers(seeds):
    raw = (seeds / "002_a49a076aed9fb39a.txt").read_bytes()
    doc = readers.read_document(raw, "002.txt")
    original = raw.decode("utf-8").splitlines()
    assert len(doc.lines) <= len(original)
    assert all(readers.clean_line(a) == b for a, b in zip(original, doc.lines, strict=False))


@pytest.mark.parametrize(
    "data, name, message",
    [
        (report.scanned_pdf_bytes(), "扫描件.pdf", "没有可读取的文字层"),
        (report.pdf_bytes(encrypt="secret"), "加密.pdf", "已加密"),
        (report.pdf_bytes()[:3000], "损坏.pdf", "已损坏"),
        (b"not a pdf at all", "假的.pdf", "不是 PDF"),
        (b"PK\x03\x04 broken zip", "损坏.docx", "已损坏"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 600, "旧版.docx", "加密的 Word 文件或旧版 .doc"),
        (b"x", "报告.doc", "另存为 .docx"),
        (b"x", "报告.xlsx", "不支持的文件类型"),
        (b"", "空.txt", "空的"),
        ("总结".encode(), "短.txt", "几乎没有文字"),
        (b"\x00\x01\x02" * 100, "二进制.txt", "不是文本文件"),
    ],
    ids=["scan", "encrypted", "truncated", "not-pdf", "broken-docx", "ole-docx", "doc", "xlsx",
         "empty", "short", "binary"],
)  # fmt: skip
def test_bad_files_are_refused_in_chinese(data, name, message):
    with pytest.raises(BadFile, match=message):
        readers.read_document(data, name)


def test_a_file_over_the_size_limit_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(readers, "MAX_BYTES", 1000)
    with pytest.raises(BadFile, match="文件过大"):
        readers.read_document(b"a" * 1001, "大.txt")


def test_tables_become_box_lines():
    rows = [
        ["专栏2：交通重点项目", "专栏2：交通重点项目", None],
        ["序号", "类别", "项目名称"],
        ["1", "轨道交通", "轨道27号线、\n轨道15号线"],
        ["2", "城市道路", "井双大道"],
    ]
    assert readers.table_lines(rows) == [
        "专栏2：交通重点项目",
        "轨道交通：轨道27号线、轨道15号线",
        "城市道路：井双大道",
    ]


def report_2026_docx() -> bytes:
    data = report.docx_bytes()
    assert io.BytesIO(data).read(2) == b"PK"
    return data
