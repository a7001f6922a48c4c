"""How much reading one document may take: its bytes, its pages, what a page draws, time and
memory.

Laying a page out builds a Python object for every character, line, curve and rectangle it
draws, so a few kilobytes of compressed drawing operators can ask for gigabytes. What a page
draws is counted first, in C (pdfium), before the layout builds anything: a page that draws far
more than any budget table does is refused. Time and memory are bounded too, by the process that
reads (:mod:`hub.parse.worker`), so that whatever this count does not foresee is refused as well.
"""

from __future__ import annotations

import ctypes
import io
import zlib
from dataclasses import dataclass
from typing import NoReturn

import pypdfium2.raw as pdfium_c
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFStream, resolve1

from hub.config import Settings
from hub.parse.errors import ParseError

__all__ = [
    "DOCUMENT_CHARACTERS",
    "DOCUMENT_DRAWING",
    "PAGE_CHARACTERS",
    "PAGE_CONTENT_BYTES",
    "PAGE_DRAWING",
    "ReadingBounds",
    "Tally",
    "content_bytes",
    "page_drawing",
]

PAGE_DRAWING = 20_000
"""The most a page may draw: its objects (those inside a form counted one by one) and, for a
path, each of its segments. The busiest page of the corpus draws 6,509 (江苏省高级人民法院 2019,
page 8); a budget table has no cause to draw three times as much."""
PAGE_CHARACTERS = 20_000
"""The most characters a page may print; the densest page of the corpus prints 2,156."""
PAGE_CONTENT_BYTES = 2_000_000
"""The most bytes of drawing instructions a page's content may hold once inflated, counted
before pdfium parses them (an object each: 800,000 lines take it 260 MB). The corpus's most is
119,170 (江苏省高级人民法院 2019); 2,000,000 is some 140,000 of the shortest lines."""
DOCUMENT_DRAWING = 500_000
"""The most all the pages of a document may draw together; the corpus's most, 53,132."""
DOCUMENT_CHARACTERS = 500_000
"""The most characters a document may print; the corpus's most, 35,836."""


@dataclass(frozen=True)
class ReadingBounds:
    """What reading one document may take; the defaults are the settings' defaults."""

    max_bytes: int = Settings.max_document_bytes
    max_pages: int = Settings.max_document_pages
    seconds: float = Settings.document_seconds
    """CPU seconds."""
    memory_mb: int = Settings.document_memory_mb
    page_drawing: int = PAGE_DRAWING
    page_characters: int = PAGE_CHARACTERS
    page_content_bytes: int = PAGE_CONTENT_BYTES
    document_drawing: int = DOCUMENT_DRAWING
    document_characters: int = DOCUMENT_CHARACTERS

    @classmethod
    def of(cls, settings: Settings) -> ReadingBounds:
        return cls(
            max_bytes=settings.max_document_bytes,
            max_pages=settings.max_document_pages,
            seconds=settings.document_seconds,
            memory_mb=settings.document_memory_mb,
        )

    def check_size(self, name: str, size: int) -> None:
        """Refuse a file larger than a document may be, before it is read."""
        if size > self.max_bytes:
            raise ParseError(
                name,
                None,
                f"{size:,} bytes; the reader stops at {self.max_bytes:,} "
                "(HUB_MAX_DOCUMENT_BYTES): too large for a budget disclosure",
            )

    def check_pages(self, name: str, pages: int) -> None:
        if pages > self.max_pages:
            raise ParseError(
                name,
                None,
                f"{pages:,} pages; the reader stops at {self.max_pages:,} "
                "(HUB_MAX_DOCUMENT_PAGES): too long for a budget disclosure",
            )

    def tally(self, name: str) -> Tally:
        return Tally(self, name)


@dataclass
class Tally:
    """What a document's pages draw and print, page by page, refused once past the bounds."""

    bounds: ReadingBounds
    name: str
    drawn: int = 0
    printed: int = 0

    def content(self, number: int, size: int | None) -> None:
        """Refuse page ``number`` where its content holds more than ``page_content_bytes``
        (``size`` from :func:`content_bytes`; None where it could not be told)."""
        limit = self.bounds.page_content_bytes
        if size is not None and size > limit:
            self.refuse(
                number,
                f"page {number} holds more than {limit:,} bytes of drawing instructions; the "
                f"reader stops at {limit:,}",
            )

    def drawing(self, number: int, page: ctypes.c_void_p) -> None:
        """Count what page ``number`` (from 1; ``page`` loaded by pdfium) draws; refuse it where
        that is more than a budget table draws, or than a whole document does with the pages
        before."""
        limit = self.bounds.page_drawing
        drawn, whole = page_drawing(page, limit)
        if drawn > limit:
            much = (
                f"{drawn:,} objects" if whole else f"more than {limit:,} objects and path segments"
            )
            self.refuse(number, f"page {number} draws {much}; the reader stops at {limit:,}")
        self.drawn += drawn
        if self.drawn > self.bounds.document_drawing:
            self.refuse(
                number,
                f"pages 1 to {number} draw {self.drawn:,} objects; the reader stops at "
                f"{self.bounds.document_drawing:,} in a document",
            )

    def characters(self, number: int, count: int) -> None:
        """Count the characters page ``number`` prints, refused as :meth:`drawing` is."""
        limit = self.bounds.page_characters
        if count > limit:
            self.refuse(
                number, f"page {number} prints {count:,} characters; the reader stops at {limit:,}"
            )
        self.printed += count
        if self.printed > self.bounds.document_characters:
            self.refuse(
                number,
                f"pages 1 to {number} print {self.printed:,} characters; the reader stops at "
                f"{self.bounds.document_characters:,} in a document",
            )

    def refuse(self, number: int, what: str) -> NoReturn:
        raise ParseError(self.name, number, f"{what}: not a budget table")


def page_drawing(page: ctypes.c_void_p, limit: int) -> tuple[int, bool]:
    """What a loaded pdfium page draws: its objects, each object of a form it draws counted
    (forms within forms too), and each segment of a path; and whether that is the whole count.
    Counting stops once past ``limit``, unless the page's own objects alone are past it: pdfium
    counts those at once, and a message can then say how many there are."""
    top = pdfium_c.FPDFPage_CountObjects(page)
    if top > limit:
        return top, True
    count = 0
    pending: list[tuple[ctypes.c_void_p | None, int]] = [(None, top)]
    while pending:
        form, objects = pending.pop()
        for index in range(objects):
            obj = (
                pdfium_c.FPDFPage_GetObject(page, index)
                if form is None
                else pdfium_c.FPDFFormObj_GetObject(form, index)
            )
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                count += max(1, pdfium_c.FPDFPath_CountSegments(obj))
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                count += 1
                pending.append((obj, pdfium_c.FPDFFormObj_CountObjects(obj)))
            else:
                count += 1
            if count > limit:
                return count, False
    return count, True


_CHUNK = 1 << 16


def content_bytes(data: bytes, limit: int) -> list[int | None]:
    """Page by page, how many bytes the PDF's content streams inflate to, the count stopped once
    past ``limit`` (so no more than a chunk is ever held); None for a page whose content is
    encoded otherwise than by Flate, or for every page where the file's pages cannot be listed
    here (pdfium reads it, or says what is wrong with it)."""
    try:
        pages = list(PDFPage.create_pages(PDFDocument(PDFParser(io.BytesIO(data)))))
        return [_inflated([resolve1(s) for s in page.contents], limit) for page in pages]
    except Exception:  # pdfminer's many kinds: the pdfium count and the layout judge the file
        return []


def _inflated(streams: list[object], limit: int) -> int | None:
    size = 0
    for stream in streams:
        if not isinstance(stream, PDFStream) or stream.rawdata is None:
            return None
        raw = stream.rawdata
        if stream.decipher is not None:
            if stream.objid is None or stream.genno is None:
                return None
            raw = stream.decipher(stream.objid, stream.genno, raw, stream.attrs)
        filters = [f for f, _ in stream.get_filters()]
        if not filters:
            size += len(raw)
        elif len(filters) == 1 and filters[0] in LITERALS_FLATE_DECODE:
            inflating = zlib.decompressobj()
            try:
                while raw and size <= limit:
                    size += len(inflating.decompress(raw, _CHUNK))
                    raw = inflating.unconsumed_tail
            except zlib.error:
                return None  # damaged: the reader's own way with it decides
        else:
            return None
        if size > limit:
            return size
    return size
