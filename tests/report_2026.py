"""A made-up 2026 政府工作报告 in the documents' style, built as .docx and .pdf as offices publish them.

The wording is ours (not taken from the seed documents). Its 2025 review finishes three catalog
projects, its 2026 plan starts three others and names two new ones: one in running text, one in
a 专栏 box laid out as a table. The builders reproduce what real files carry: full-width indents,
a soft line break inside a sentence, running heads, page numbers, and (in the PDF) sentences
broken at the page edge and across a page.
"""

from __future__ import annotations

import io

TITLE = "沙坪坝区人民政府工作报告"
DATE = "2026-02-10"

#: Catalog names the review finishes: name -> (cue, status the review implies).
FINISHED = {
    "沙滨全民健身中心": ("建成投用", "运营"),
    "五云湖体育公园": ("完工", "建成"),
    "名校联中井双校区": ("建成投用", "运营"),
    "西南医院下穿道": ("建成通车", "运营"),
}
#: Catalog names the plan starts: name -> (cue, status the plan implies).
STARTED = {
    "井口水厂二期扩建": ("开工建设", "前期"),
    "凤凰山文化公园": ("开工建设", "前期"),
    "丰文山城市山地公园": ("加快建设", "在建"),
}
#: The two new projects: name -> status the plan implies.
NEW = {"歌乐山森林康养中心": "前期", "西永智能网联汽车测试基地": "规划"}

HEAD = [
    TITLE,
    "——2026年2月10日在沙坪坝区第十九届人民代表大会第七次会议上",
    "各位代表：",
    "现在，我代表区人民政府向大会报告工作，请予审议，并请区政协委员和其他列席人员提出意见。",
]
REVIEW = [
    "2025年工作回顾",
    "过去一年，全区上下坚持稳中求进、以进促稳，扎实推进重大项目建设，城市功能、产业基础和"
    "民生保障水平都有新的提升，较好完成了年初确定的目标任务。",
    "（一）城市功能持续完善。沙滨全民健身中心建成投用，五云湖体育公园完工，群众家门口的"
    "健身去处明显增多；名校联中井双校区建成投用，新增优质学位一千余个；西南医院下穿道"
    "建成通车，医院周边交通拥堵明显缓解。",
    "（二）发展基础不断夯实。坚持项目为王，全年重点项目完成年度投资计划，营商环境持续优化，"
    "经营主体活力不断增强。",
]
PLAN = [
    "2026年工作安排",
    "今年是“十五五”开局之年，我们将聚焦重大项目，确保早开工、早见效，以项目建设的实绩"
    "检验工作成效。",
    "（一）加快重大项目建设。开工建设井口水厂二期扩建工程、凤凰山文化公园、歌乐山森林康养"
    "中心，加快建设丰文山城市山地公园，确保年内形成实物工作量。",
]
BOX_TITLE = "专栏1：2026年新型基础设施重点项目"
BOX_ROWS = [["类别", "项目名称"], ["智能网联", "西永智能网联汽车测试基地"]]
TAIL = [
    "（二）持续增进民生福祉。坚持尽力而为、量力而行，办好群众身边的民生实事，完善就业、教育、"
    "医疗、养老等公共服务体系，让发展成果更多更公平惠及全区人民。",
]


def lines() -> list[str]:
    """The report as the reader should give it back: one paragraph a line, the box as lines."""
    box = [BOX_TITLE, "智能网联：西永智能网联汽车测试基地"]
    return [*HEAD, *REVIEW, *PLAN, *box, *TAIL]


def docx_bytes() -> bytes:
    """The report as a Word file: indents, a soft break, the box as a table, a page footer."""
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = TITLE
    document.sections[0].footer.paragraphs[0].text = "— 1 —"
    for text in [*HEAD, *REVIEW, *PLAN]:
        if "城市功能持续完善" in text:
            # a soft line break (Shift+Enter) inside the sentence
            cut = text.index("五云湖")
            p = document.add_paragraph("\u3000\u3000" + text[:cut])
            p.add_run().add_break()
            p.add_run(text[cut:])
        else:
            document.add_paragraph(("\u3000\u3000" if len(text) > 30 else "") + text)
    table = document.add_table(rows=1 + len(BOX_ROWS), cols=2)
    table.style = "Table Grid"
    title = table.cell(0, 0).merge(table.cell(0, 1))
    title.text = BOX_TITLE
    for r, row in enumerate(BOX_ROWS, 1):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    for text in TAIL:
        document.add_paragraph("\u3000\u3000" + text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(filler: int = 12, encrypt: str | None = None) -> bytes:
    """The report as a PDF with a text layer: wrapped lines, running head, page numbers, a table.

    ``filler`` paragraphs of review prose push the plan onto the second page, so one sentence
    breaks across the page; ``encrypt`` sets a user password.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle(
        "body", fontName="STSong-Light", fontSize=12, leading=20, firstLineIndent=24,
        wordWrap="CJK",
    )  # fmt: skip
    heading = ParagraphStyle("heading", parent=body, firstLineIndent=0, alignment=1)

    def furniture(canvas, doc) -> None:
        canvas.setFont("STSong-Light", 9)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 40, TITLE)
        canvas.drawCentredString(A4[0] / 2, 30, f"— {doc.page} —")

    prose = (
        "一年来，我们坚持以人民为中心的发展思想，统筹发展和安全，持续改善营商环境，"
        "推动经济运行稳中向好、社会大局和谐稳定，各项事业取得新的进展。"
    )
    story = []
    for text in HEAD + REVIEW[:2]:
        story.append(Paragraph(text, heading if len(text) <= 30 else body))
    story += [Paragraph(prose, body) for _ in range(filler)]
    for text in REVIEW[2:] + PLAN:
        story.append(Paragraph(text, heading if len(text) <= 30 else body))
    rows = [[BOX_TITLE, ""], *BOX_ROWS]
    story.append(
        Table(
            rows,
            colWidths=[120, 300],
            style=[
                ("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
                ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                ("SPAN", (0, 0), (1, 0)),
            ],
        )
    )
    story += [Paragraph(text, body) for text in TAIL]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, encrypt=encrypt, title=TITLE).build(
        story, onFirstPage=furniture, onLaterPages=furniture
    )
    return out.getvalue()


def scanned_pdf_bytes() -> bytes:
    """A PDF page with only a picture-like drawing and no text layer (a scan)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    for i in range(40):
        c.rect(60 + i * 2, 100 + i * 15, 400, 8, fill=1, stroke=0)
    c.showPage()
    c.save()
    return out.getvalue()
