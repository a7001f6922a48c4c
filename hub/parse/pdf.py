"""A PDF as pages of text lines and ruled tables, every cell read by its position.

A table's cells come from its ruling lines (drawn as lines or as thin filled rectangles), so a
blank cell stays blank and a name wrapped over two lines stays in its cell, whatever the order
the PDF draws its characters in. Text outside the tables comes back as lines, top to bottom.
"""

from __future__ import annotations

import io
import logging
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from math import inf
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.page import Page as PlumberPage

from hub.parse.bounds import ReadingBounds, content_bytes
from hub.parse.cells import AMOUNT, comparable
from hub.parse.errors import ParseError
from hub.parse.model import Source
from hub.parse.vocabulary import looks_like_title, table_of, targets_of

__all__ = ["Cell", "Grid", "Page", "TextLine", "footer", "read_pages", "starts_with_table"]

# pdfminer logs every odd font it meets at WARNING; the document is judged by what it says.
logging.getLogger("pdfminer").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Cell:
    """A cell of a ruled table: its text (lines joined) and its horizontal extent."""

    text: str
    x0: float
    x1: float
    lines: tuple[str, ...] = ()
    """The cell's text lines as printed (a caption cell holds a title, a unit, a department)."""
    left: float | None = None
    """Where its text starts: a names-only table shows 类, 款 and 项 by indenting them (杭州)."""

    def covers(self, x: float) -> bool:
        return self.x0 - 1 <= x <= self.x1 + 1


@dataclass(frozen=True)
class Grid:
    """A table on one page: each row's cells, left to right; merged cells appear once."""

    top: float
    bottom: float
    columns: tuple[tuple[float, float], ...]
    rows: tuple[tuple[Cell, ...], ...]
    ruled: bool = True
    """Found by its ruling lines; else by the positions of its words (a table printed without
    rules), whose columns the reader must then prove (:mod:`hub.parse.pdf_layout`)."""


@dataclass(frozen=True)
class TextLine:
    top: float
    text: str
    x0: float = 0.0
    x1: float = 0.0


@dataclass(frozen=True)
class Page:
    number: int
    """From 1, as a reader counts them."""
    lines: tuple[TextLine, ...]
    """The text outside the tables, top to bottom."""
    grids: tuple[Grid, ...]
    """The ruled tables, top to bottom."""
    skimmed: bool = False
    """Only the page's titles were read: it goes on with a table the hub has no model for."""

    def blocks(self) -> Iterator[TextLine | Grid]:
        """Lines and tables in reading order."""
        blocks: list[TextLine | Grid] = [*self.lines, *self.grids]
        yield from sorted(blocks, key=lambda block: block.top)


_SLIVER = 8.0
"""Points: rules closer than this are one rule drawn twice."""
_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
_LINE_TOLERANCE = 4.0
"""Points: characters of one line of a cell may sit this far apart in height (福州 prints the
平 of ≤5137.26平 / 方米 a little higher than the figure)."""


def _grids(page: PlumberPage, by_words: bool) -> list[Grid]:
    """The page's ruled tables; where it has none and ``by_words``, the tables its words line
    up in (rows and columns of text with figures in them)."""
    grids: list[Grid] = []
    # prose: nothing ruled (lines, rectangles or curves), nothing to look for
    tables = page.find_tables(_TABLE_SETTINGS) if page.edges else []
    ruled = True
    # No ruled table, or rules that only frame one (vertical rules, a line above and below)
    if by_words and all(len(t.rows) < _TABLE_ROWS for t in tables):
        found = [t for t in page.find_tables(_WORD_SETTINGS) if _tabular(t.extract())]
        if found:
            tables, ruled = found, False
    chars = _char_starts(page) if tables else []
    for table in tables:
        texts = table.extract(y_tolerance=_LINE_TOLERANCE)
        rows: list[tuple[Cell, ...]] = []
        for row, row_texts in zip(table.rows, texts, strict=True):
            starts = _starts(chars, row.bbox[1], row.bbox[3])
            cells = [
                Cell(
                    _join(lines),
                    bbox[0],
                    bbox[2],
                    tuple(line for line in lines if line),
                    min((x for x in starts if bbox[0] - 1 <= x < bbox[2]), default=None),
                )
                for bbox, text in zip(row.cells, row_texts, strict=True)
                if bbox is not None
                for lines in [[part.strip() for part in (text or "").split("\n")]]
                # a sliver between doubled rules is no cell
                if bbox[2] - bbox[0] >= _SLIVER or any(lines)
            ]
            if ruled or not footer("".join(cell.text for cell in cells)):
                rows.append(tuple(cells))  # not a blank row between rows of words, nor a footer
        # The distinct left edges of the cells, and the table's right edge, bound the columns.
        edges: list[float] = []
        for edge in sorted({round(c.x0, 1) for row in rows for c in row} | {table.bbox[2]}):
            if not edges or edge - edges[-1] >= _SLIVER:
                edges.append(edge)
        columns = tuple(pairwise(edges))
        grids.append(Grid(table.bbox[1], table.bbox[3], columns, tuple(rows), ruled))
    return grids


def _char_starts(page: PlumberPage) -> list[tuple[float, float]]:
    """The page's visible characters as (vertical middle, left edge), top to bottom."""
    return sorted(((c["top"] + c["bottom"]) / 2, c["x0"]) for c in page.chars if c["text"].strip())


def _starts(chars: list[tuple[float, float]], top: float, bottom: float) -> list[float]:
    """The left edges of the characters between ``top`` and ``bottom`` (a row of a table)."""
    return [x for _, x in chars[bisect_left(chars, (top,)) : bisect_right(chars, (bottom, inf))]]


def _continued(page: PlumberPage, columns: tuple[tuple[float, float], ...]) -> list[Grid]:
    """A table of words going on from the page before, read in that page's columns: a line of
    words, each under one column, is a row; the lines above the first such row and from the
    first line that is none are not the table's. Nothing, where no line is."""
    lines: dict[int, list[dict[str, Any]]] = {}
    for word in page.extract_words():
        lines.setdefault(round(word["top"] / _LINE_TOLERANCE), []).append(word)
    rows: list[tuple[Cell, ...]] = []
    top = bottom = 0.0
    for _, words in sorted(lines.items()):
        text = " ".join(w["text"] for w in words)
        placed: list[list[dict[str, Any]]] = [[] for _ in columns]
        for word in words:
            middle = (word["x0"] + word["x1"]) / 2
            at = [i for i, (x0, x1) in enumerate(columns) if x0 <= middle <= x1]
            if len(at) != 1:
                break
            placed[at[0]].append(word)
        else:
            if not footer(text):
                cells = tuple(
                    Cell(
                        " ".join(w["text"] for w in ws),
                        x0,
                        x1,
                        (" ".join(w["text"] for w in ws),),
                        min((w["x0"] for w in ws), default=None),
                    )
                    for ws, (x0, x1) in zip(placed, columns, strict=True)
                )
                top = top if rows else min(w["top"] for w in words)
                bottom = max(w["bottom"] for w in words)
                rows.append(cells)
            continue
        if rows:
            break  # a line not in the columns after the table's rows: the table is over
    if not _tabular([[c.text for c in row] for row in rows], 1):
        return []
    return [Grid(top, bottom, columns, tuple(rows), ruled=False)]


_WORD_SETTINGS = {"vertical_strategy": "text", "horizontal_strategy": "text"}
_TABLE_ROWS = 3
"""Rows of two figures or more from which words lined up are taken for a table."""
_PAGE_NUMBER = re.compile(r"[-—－\s]*(?:第\s*)?\d+\s*(?:页)?[-—－\s]*(?:共\s*\d+\s*页)?")


def footer(text: str) -> bool:
    """Nothing, or a page number (- 3 -, 第3页): words lined up below a table, no row of it."""
    return not text.strip() or bool(_PAGE_NUMBER.fullmatch(text.strip()))


def _tabular(texts: list[list[str | None]], rows: int = _TABLE_ROWS) -> bool:
    """Whether words lined up in rows and columns are a table of figures, not prose: at least
    ``rows`` rows of two figures or more."""
    with_figures = sum(
        1
        for row in texts
        if sum(1 for cell in row if cell and AMOUNT.fullmatch(comparable(cell))) >= 2
    )
    return with_figures >= rows


def _join(lines: list[str]) -> str:
    """A cell's lines as one text: no blank between Chinese characters (事业单位经营收入)."""
    joined = ""
    for line in (part.strip() for part in lines):
        if joined and line and joined[-1].isascii() and line[0].isascii():
            joined += " "
        joined += line
    return joined


def _page(
    number: int,
    page: PlumberPage,
    by_words: bool = False,
    columns: tuple[tuple[float, float], ...] = (),
) -> Page:
    """A page laid out; ``by_words`` to look for a table of words (a title of a table the hub
    reads is on it), ``columns`` those of a table of words going on from the page before."""
    grids = _grids(page, by_words)
    if not grids and columns:
        grids = _continued(page, columns)
    boxes = [(g.top, g.bottom) for g in grids]

    def outside(obj: dict[str, object]) -> bool:
        if obj.get("object_type") != "char":
            return True
        top = obj["top"]
        assert isinstance(top, float | int)
        return not any(t - 1 <= top <= b + 1 for t, b in boxes)

    lines = tuple(
        TextLine(line["top"], line["text"].strip(), line["x0"], line["x1"])
        for line in page.filter(outside).extract_text_lines(layout=False, strip=True)
        if line["text"].strip()
    )
    return Page(number, lines, tuple(grids))


def starts_with_table(path: Path, pages: int = 1, bounds: ReadingBounds | None = None) -> bool:
    """Whether one of the first ``pages`` pages of the PDF at ``path`` holds a ruled table (a
    file of tables with no cover); False for anything that is not a readable PDF, or whose
    first pages draw more than a document may (reading it will say so)."""
    bounds = bounds or ReadingBounds()
    try:
        if path.stat().st_size > bounds.max_bytes:
            return False
        document = pdfium.PdfDocument(path)
        try:
            tally = bounds.tally(path.name)
            sizes = content_bytes(path.read_bytes(), bounds.page_content_bytes)
            for index in range(min(pages, len(document))):
                tally.content(index + 1, sizes[index] if len(sizes) == len(document) else None)
                page = document[index]  # held: closing it frees what ``raw`` points at
                tally.drawing(index + 1, page.raw)
        finally:
            document.close()
        with pdfplumber.open(path) as pdf:
            return any(
                page.edges and page.find_tables(_TABLE_SETTINGS) for page in pdf.pages[:pages]
            )
    except MemoryError:
        raise
    except Exception:  # not a PDF, a broken one, or one too costly: reading it will say so
        return False


def read_pages(source: Source, bounds: ReadingBounds | None = None) -> list[Page]:
    """Every page of a PDF source; a file that is not a readable PDF is a ParseError, and so is
    one with more pages, or a page drawing more, than ``bounds`` allow (:mod:`hub.parse.bounds`).

    Laying a page out cell by cell is the cost of reading a PDF; pages that go on with a table
    the hub has no model for (政府采购预算表, 部门预算项目支出表) are skimmed for their titles
    instead, from a fast first pass over the text."""
    try:
        first = _first_pass(source, bounds or ReadingBounds())
        pages: list[Page] = []
        with pdfplumber.open(io.BytesIO(source.data)) as pdf:
            for n, page in enumerate(pdf.pages, start=1):
                if n in first.skimmable:
                    lines = tuple(TextLine(0, t) for t in first.skimmable[n])
                    pages.append(Page(n, lines, (), skimmed=True))
                    continue
                last = pages[-1].grids[-1] if pages and pages[-1].grids else None
                going_on = last.columns if last is not None and not last.ruled else ()
                pages.append(_page(n, page, n in first.titled, going_on))
                page.close()  # its characters and rules are read: no need to hold them all
        return pages
    except (ParseError, MemoryError):
        raise
    except Exception as exc:  # pdfminer raises many kinds; each means the same to a user
        reason = str(exc) or type(exc).__name__
        raise ParseError(source.name, None, f"not a readable PDF: {reason}") from None


_RULED = 4
"""Path objects from which a page is taken to carry a ruled table."""


@dataclass
class _FirstPass:
    """What a fast pass over the text (pypdfium2) tells of each page, by number."""

    skimmable: dict[int, list[str]]
    """The pages that only go on with tables the hub does not model, with their titles: ruled
    pages after a page whose last title is such a table's, with no title of a table the hub
    reads. The page where such a table starts is always read whole."""
    titled: set[int]
    """The pages with a title of a table the hub reads."""


def _first_pass(source: Source, bounds: ReadingBounds) -> _FirstPass:
    """Also where a document too costly to lay out is refused, before the layout starts."""
    first = _FirstPass({}, set())
    skimmable = first.skimmable
    pdf = pdfium.PdfDocument(source.data)
    try:
        bounds.check_pages(source.name, len(pdf))
        tally = bounds.tally(source.name)
        sizes = content_bytes(source.data, bounds.page_content_bytes)
        if len(sizes) != len(pdf):
            sizes = [None] * len(pdf)  # pages listed otherwise than pdfium lists them
        governing: bool | None = None  # whether the table going on is one the hub models
        for index in range(len(pdf)):
            tally.content(index + 1, sizes[index])  # before pdfium parses what it holds
            page = pdf[index]
            tally.drawing(index + 1, page.raw)
            text = page.get_textpage()
            tally.characters(index + 1, text.count_chars())
            lines = text.get_text_range().splitlines()
            ruled = sum(1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]))
            titles = [line.strip() for line in lines if looks_like_title(comparable(line))]
            folded = [comparable(title) for title in titles]
            modelled = [table_of(t) is not None or targets_of(t) is not None for t in folded]
            if ruled >= _RULED and governing is False and not any(modelled):
                skimmable[index + 1] = titles
            if any(modelled):
                first.titled.add(index + 1)
            if titles:
                governing = modelled[-1]
            elif ruled < _RULED:
                governing = None  # prose: whatever follows starts afresh
    finally:
        pdf.close()
    return first
