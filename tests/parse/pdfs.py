"""Small PDFs in the nine-table layout, written by the tests themselves (reportlab).

Each page carries a footer with its page number, as published documents do. Tables are ruled
grids; a table given as several fragments continues on the next page, with its header
repeated or not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
TEXT = ParagraphStyle("text", fontName=FONT, fontSize=10, leading=14)
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10)

Cells = list[str | Paragraph]


@dataclass
class PdfTable:
    title: str
    unit: str
    header: list[Cells]
    spans: list[tuple[tuple[int, int], tuple[int, int]]]
    fragments: list[list[Cells]]
    """Data rows page by page."""
    widths: list[float]
    repeat_header: bool = False
    note: str | None = None
    title_alone: bool = False
    """The title and unit at the foot of a page, the grid overleaf."""
    caption: list[str] | None = None
    """The lines printed above the grid in place of the title and the unit line (a label on
    a line of its own, a unit split over two lines); [] prints nothing above the grid."""
    page_break: bool = True
    """Whether the next table starts on a new page (False: two tables on one page)."""
    rules: str = "grid"
    """How the grid is ruled: every cell (grid), columns only with a line above and below the
    table (vertical), or not at all (none: a table of words lined up)."""
    align: str = "CENTER"
    """Where the grid stands between the margins (CENTER, LEFT, RIGHT)."""
    note_indent: float = 0.0
    """Points from the left margin to the note below the grid."""


@dataclass
class PdfDocument:
    title: str
    department: str
    prose: list[tuple[str, list[str]]] = field(default_factory=list)
    """Pages of prose: a heading and its paragraphs."""
    tables: list[PdfTable] = field(default_factory=list)
    contents: list[str] = field(default_factory=list)


def wrapped(text: str) -> Paragraph:
    """A cell whose text wraps onto several lines (a long name)."""
    return Paragraph(text, CELL)


def indented(text: str, depth: int) -> Paragraph:
    """A name set in by its level, as a names-only table shows 类, 款 and 项 (杭州)."""
    return Paragraph(text, ParagraphStyle("indented", parent=CELL, leftIndent=10 * depth))


def _grid(table: PdfTable, rows: list[Cells], header: bool) -> Table:
    data = (table.header if header else []) + rows
    style = [("FONT", (0, 0), (-1, -1), FONT, 8), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    if table.rules == "grid":
        style.append(("GRID", (0, 0), (-1, -1), 0.5, "black"))
    elif table.rules == "vertical":
        style += [
            ("LINEBEFORE", (0, 0), (-1, -1), 0.5, "black"),
            ("LINEAFTER", (-1, 0), (-1, -1), 0.5, "black"),
            ("LINEABOVE", (0, 0), (-1, 0), 0.5, "black"),
            ("LINEBELOW", (0, -1), (-1, -1), 0.5, "black"),
        ]
    if header:
        style += [("SPAN", start, end) for start, end in table.spans]
    return Table(data, colWidths=table.widths, style=TableStyle(style), hAlign=table.align)


def _footer(canvas: Canvas, doc: SimpleDocTemplate) -> None:
    canvas.setFont(FONT, 9)
    canvas.drawCentredString(landscape(A4)[0] / 2, 20, f"- {doc.page} -")


def write_pdf(path: Path, document: PdfDocument) -> Path:
    story: list[Flowable] = [
        Paragraph(document.title, TEXT),
        Paragraph(f"预算主管部门：{document.department}", TEXT),
        PageBreak(),
    ]
    if document.contents:
        story += [Paragraph("目 录", TEXT)]
        story += [Paragraph(f"{line} ……………………", TEXT) for line in document.contents]
        story.append(PageBreak())
    for heading, paragraphs in document.prose:
        story.append(Paragraph(heading, TEXT))
        story += [Paragraph(p, TEXT) for p in paragraphs]
        story.append(PageBreak())
    for table in document.tables:
        caption = table.caption
        if caption is None:
            caption = [table.title, f"编制部门：{document.department}　单位：{table.unit}"]
        story += [Paragraph(line, TEXT) for line in caption]
        story.append(PageBreak() if table.title_alone else Spacer(1, 6))
        for n, rows in enumerate(table.fragments):
            if n:
                story.append(PageBreak())
            story.append(_grid(table, rows, header=n == 0 or table.repeat_header))
        if table.note:
            indented = ParagraphStyle("note", parent=TEXT, leftIndent=table.note_indent)
            story.append(Paragraph(table.note, indented))
        story.append(PageBreak() if table.page_break else Spacer(1, 18))
    SimpleDocTemplate(str(path), pagesize=landscape(A4)).build(
        story, onFirstPage=_footer, onLaterPages=_footer
    )
    return path


# The headers of the layout's tables, as the official documents print them.
FUNCTIONAL_HEADER: list[Cells] = [
    ["项目", "", "", "", "一般公共预算支出", "", ""],
    ["功能分类科目编码", "", "", wrapped("功能分类科目名称"), "合计", "基本支出", "项目支出"],
    ["类", "款", "项", "", "", "", ""],
]
FUNCTIONAL_SPANS = [((0, 0), (3, 0)), ((4, 0), (6, 0)), ((0, 1), (2, 1)), ((3, 1), (3, 2)),
                    ((4, 1), (4, 2)), ((5, 1), (5, 2)), ((6, 1), (6, 2))]  # fmt: skip
FUNCTIONAL_WIDTHS = [36.0, 36, 36, 170, 90, 90, 90]

INCOME_HEADER: list[Cells] = [
    ["项目", "", "", "", "收入预算", "", "", "", ""],
    ["功能分类科目编码", "", "", "功能分类科目名称", "合计", "财政拨款收入", "事业收入",
     wrapped("事业单位经营收入"), "其他收入"],
    ["类", "款", "项", "", "", "", "", "", ""],
]  # fmt: skip
INCOME_SPANS = [((0, 0), (3, 0)), ((4, 0), (8, 0)), ((0, 1), (2, 1))]
INCOME_WIDTHS = [36.0, 36, 36, 150, 70, 70, 60, 50, 60]

ECONOMIC_HEADER: list[Cells] = [
    ["项目", "", "", "一般公共预算基本支出", "", ""],
    ["部门预算经济分类科目编码", "", "经济分类科目名称", "合计", "人员经费", "公用经费"],
    ["类", "款", "", "", "", ""],
]
ECONOMIC_SPANS = [((0, 0), (2, 0)), ((3, 0), (5, 0)), ((0, 1), (1, 1))]
ECONOMIC_WIDTHS = [40.0, 40, 170, 90, 90, 90]

SUMMARY_HEADER: list[Cells] = [
    ["本年收入", "", "本年支出", ""],
    ["项目", "预算数", "项目", "预算数"],
]
SUMMARY_SPANS = [((0, 0), (1, 0)), ((2, 0), (3, 0))]
SUMMARY_WIDTHS = [170.0, 90, 170, 90]

THREE_PUBLIC_HEADER: list[Cells] = [
    ["“三公”经费预算数", "", "", "", "", "", "机关运行经费预算数"],
    ["合计", "因公出国(境)费", "公务接待费", "公务用车购置及运行费", "", "", ""],
    ["", "", "", "小计", "购置费", "运行费", ""],
]
THREE_PUBLIC_SPANS = [((0, 0), (5, 0)), ((6, 0), (6, 2)), ((3, 1), (5, 1)), ((0, 1), (0, 2)),
                      ((1, 1), (1, 2)), ((2, 1), (2, 2))]  # fmt: skip
THREE_PUBLIC_WIDTHS = [80.0, 80, 80, 80, 80, 80, 100]
