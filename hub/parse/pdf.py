"""A PDF as pages of text lines and ruled tables, every cell read by its position.

A table's cells come from its ruling lines (drawn as lines or as thin filled rectangles), so a
blank cell stays blank and a name wrapped over two lines stays in its cell, whatever the order
the PDF draws its characters in. Text outside the tables comes back as lines, top to bottom.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.page import Page as PlumberPage

from hub.parse.cells import comparable
from hub.parse.errors import ParseError
from hub.parse.model import Source
from hub.parse.vocabulary import is_project_targets, looks_like_title, table_of

__all__ = ["Cell", "Grid", "Page", "TextLine", "read_pages", "starts_with_table"]

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

    def covers(self, x: float) -> bool:
        return self.x0 - 1 <= x <= self.x1 + 1


@dataclass(frozen=True)
class Grid:
    """A ruled table on one page: each row's cells, left to right; merged cells appear once."""

    top: float
    bottom: float
    columns: tuple[tuple[float, float], ...]
    rows: tuple[tuple[Cell, ...], ...]


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


def _grids(page: PlumberPage) -> list[Grid]:
    grids: list[Grid] = []
    if not page.edges:  # prose: nothing ruled (lines, rectangles or curves), nothing to look for
        return grids
    for table in page.find_tables(_TABLE_SETTINGS):
        texts = table.extract(y_tolerance=_LINE_TOLERANCE)
        rows: list[tuple[Cell, ...]] = []
        for row, row_texts in zip(table.rows, texts, strict=True):
            cells = [
                Cell(_join(lines), bbox[0], bbox[2], tuple(line for line in lines if line))
                for bbox, text in zip(row.cells, row_texts, strict=True)
                if bbox is not None
                for lines in [[part.strip() for part in (text or "").split("\n")]]
                # a sliver between doubled rules is no cell
                if bbox[2] - bbox[0] >= _SLIVER or any(lines)
            ]
            rows.append(tuple(cells))
        # The distinct left edges of the cells, and the table's right edge, bound the columns.
        edges: list[float] = []
        for edge in sorted({round(c.x0, 1) for row in rows for c in row} | {table.bbox[2]}):
            if not edges or edge - edges[-1] >= _SLIVER:
                edges.append(edge)
        columns = tuple(pairwise(edges))
        grids.append(Grid(table.bbox[1], table.bbox[3], columns, tuple(rows)))
    return grids


def _join(lines: list[str]) -> str:
    """A cell's lines as one text: no blank between Chinese characters (事业单位经营收入)."""
    joined = ""
    for line in (part.strip() for part in lines):
        if joined and line and joined[-1].isascii() and line[0].isascii():
            joined += " "
        joined += line
    return joined


def _page(number: int, page: PlumberPage) -> Page:
    grids = _grids(page)
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


def starts_with_table(path: Path, pages: int = 1) -> bool:
    """Whether one of the first ``pages`` pages of the PDF at ``path`` holds a ruled table (a
    file of tables with no cover); False for anything that is not a readable PDF."""
    try:
        with pdfplumber.open(path) as pdf:
            return any(
                page.edges and page.find_tables(_TABLE_SETTINGS) for page in pdf.pages[:pages]
            )
    except Exception:  # not a PDF, or a broken one: reading it will say what is wrong
        return False


def read_pages(source: Source) -> list[Page]:
    """Every page of a PDF source; a file that is not a readable PDF is a ParseError.

    Laying a page out cell by cell is the cost of reading a PDF; pages that go on with a table
    the hub has no model for (部门整体支出绩效目标表, 政府采购预算表) are skimmed for their titles
    instead, from a fast first pass over the text."""
    try:
        skim = _skimmable(source.data)
        with pdfplumber.open(io.BytesIO(source.data)) as pdf:
            return [
                Page(n, tuple(TextLine(0, t) for t in skim[n]), (), skimmed=True)
                if n in skim
                else _page(n, page)
                for n, page in enumerate(pdf.pages, start=1)
            ]
    except ParseError:
        raise
    except Exception as exc:  # pdfminer raises many kinds; each means the same to a user
        reason = str(exc) or type(exc).__name__
        raise ParseError(source.name, None, f"not a readable PDF: {reason}") from None


_RULED = 4
"""Path objects from which a page is taken to carry a ruled table."""


def _skimmable(data: bytes) -> dict[int, list[str]]:
    """The pages, by number, that only go on with tables the hub does not model, with their
    titles: ruled pages after a page whose last title is such a table's, with no title of a
    table the hub reads. The page where such a table starts is always read whole."""
    skimmable: dict[int, list[str]] = {}
    pdf = pdfium.PdfDocument(data)
    try:
        governing: bool | None = None  # whether the table going on is one the hub models
        for index in range(len(pdf)):
            page = pdf[index]
            lines = page.get_textpage().get_text_range().splitlines()
            ruled = sum(1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]))
            titles = [line.strip() for line in lines if looks_like_title(comparable(line))]
            folded = [comparable(title) for title in titles]
            modelled = [table_of(t) is not None or is_project_targets(t) for t in folded]
            if ruled >= _RULED and governing is False and not any(modelled):
                skimmable[index + 1] = titles
            if titles:
                governing = modelled[-1]
            elif ruled < _RULED:
                governing = None  # prose: whatever follows starts afresh
    finally:
        pdf.close()
    return skimmable
