"""Reading a document is bounded: its bytes, its pages, what a page holds, draws and prints.

The hostile PDFs are small files of compressed line-drawing operators that once took 35 s to
151 s and 2.5 to 7.7 GB to lay out; they are refused within seconds now, before the layout
builds anything, and the limits of the reading process refuse whatever the counts let through.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from hub.config import Settings
from hub.parse.bounds import PAGE_DRAWING, ReadingBounds, content_bytes, page_drawing
from hub.parse.errors import ParseError
from hub.parse.pdf import starts_with_table
from hub.parse.reader import read_document
from hub.parse.worker import read_bounded
from tests.parse.hostile_pdfs import LARGER, LINE, MANY_PAGES, SMALL, lines_pdf, write_pdf
from tests.parse.sample_pdf import write_sample

REFUSED_WITHIN = 20.0
"""Seconds: not a timing to meet, a bound to prove a refusal does not hang (the files once
took minutes)."""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return {
        "22 KB": lines_pdf(folder / "22kb.pdf", SMALL),
        "48 KB": lines_pdf(folder / "48kb.pdf", LARGER),
        "225 KB": lines_pdf(folder / "225kb.pdf", MANY_PAGES[1], pages=MANY_PAGES[0]),
    }


def test_the_hostile_pdfs_are_as_small_as_reported(hostile: dict[str, Path]) -> None:
    sizes = {name: path.stat().st_size // 1000 for name, path in hostile.items()}
    assert sizes == {"22 KB": 22, "48 KB": 48, "225 KB": 225}


_TOO_MUCH_CONTENT = (
    "page 1 holds more than 2,000,000 bytes of drawing instructions; the reader stops at "
    "2,000,000: not a budget table"
)
_TOO_MANY_OBJECTS = (
    f"page 1 draws {MANY_PAGES[1]:,} objects; the reader stops at {PAGE_DRAWING:,}: not a "
    "budget table"
)


@pytest.mark.parametrize(
    ("name", "message"),
    [("22 KB", _TOO_MUCH_CONTENT), ("48 KB", _TOO_MUCH_CONTENT), ("225 KB", _TOO_MANY_OBJECTS)],
)
def test_a_hostile_pdf_is_refused_in_seconds_naming_its_page(
    hostile: dict[str, Path], name: str, message: str
) -> None:
    started = time.monotonic()
    with pytest.raises(ParseError) as refused:
        read_bounded(hostile[name])
    assert time.monotonic() - started < REFUSED_WITHIN
    assert str(refused.value) == f"{hostile[name].name}:1: {message}"


@pytest.mark.parametrize("name", ["22 KB", "48 KB", "225 KB"])
def test_the_hostile_pdfs_are_refused_within_two_hundred_megabytes(
    hostile: dict[str, Path], name: str
) -> None:
    """Under an address-space limit a reader that built the pages' objects would exceed many
    times over: the refusal is the counts', not the memory limit's."""
    with pytest.raises(ParseError, match=r":1: page 1 (holds|draws) "):
        read_bounded(hostile[name], bounds=ReadingBounds(memory_mb=200))


def test_content_written_without_compression_is_counted_as_it_stands(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "plain.pdf", [LINE * 150_000], compress=False)
    with pytest.raises(ParseError) as refused:
        read_document(pdf)
    assert str(refused.value) == f"plain.pdf:1: {_TOO_MUCH_CONTENT}"


def test_what_a_page_holds_is_counted_without_inflating_it_whole(hostile: dict[str, Path]) -> None:
    data = hostile["48 KB"].read_bytes()
    assert content_bytes(data, 10**9) == [len(LINE) * LARGER]
    [stopped] = content_bytes(data, 100_000)
    assert 100_000 < stopped <= 100_000 + 2**16


def test_a_pdf_with_more_pages_than_allowed_is_refused(tmp_path: Path) -> None:
    pdf = lines_pdf(tmp_path / "long.pdf", 10, pages=4)
    with pytest.raises(ParseError) as refused:
        read_document(pdf, bounds=ReadingBounds(max_pages=3))
    assert str(refused.value) == (
        "long.pdf: 4 pages; the reader stops at 3 (HUB_MAX_DOCUMENT_PAGES): too long for a "
        "budget disclosure"
    )


def test_pages_within_the_bound_are_refused_once_the_document_draws_too_much(
    tmp_path: Path,
) -> None:
    pdf = lines_pdf(tmp_path / "many.pdf", 100, pages=5)  # 200 each: a path and its segments
    bounds = ReadingBounds(page_drawing=250, document_drawing=500)
    with pytest.raises(ParseError) as refused:
        read_document(pdf, bounds=bounds)
    assert str(refused.value) == (
        "many.pdf:3: pages 1 to 3 draw 600 objects; the reader stops at 500 in a document: "
        "not a budget table"
    )


def test_a_page_drawing_too_much_in_its_paths_is_refused_before_the_count_ends(
    tmp_path: Path,
) -> None:
    pdf = lines_pdf(tmp_path / "paths.pdf", 100)  # 100 paths of two segments each
    with pytest.raises(ParseError) as refused:
        read_document(pdf, bounds=ReadingBounds(page_drawing=150))
    assert str(refused.value) == (
        "paths.pdf:1: page 1 draws more than 150 objects and path segments; the reader stops "
        "at 150: not a budget table"
    )


def test_a_page_printing_too_many_characters_is_refused(tmp_path: Path) -> None:
    pdf = write_sample(tmp_path)  # a cover of a line or two, then tables
    with pytest.raises(ParseError) as refused:
        read_document(pdf, bounds=ReadingBounds(page_characters=50))
    assert str(refused.value) == (
        "sample.pdf:2: page 2 prints 203 characters; the reader stops at 50: not a budget table"
    )


def test_a_file_larger_than_allowed_is_refused_before_it_is_read(tmp_path: Path) -> None:
    pdf = lines_pdf(tmp_path / "big.pdf", 10)
    size = pdf.stat().st_size
    with pytest.raises(ParseError) as refused:
        read_document(pdf, bounds=ReadingBounds(max_bytes=size - 1))
    assert str(refused.value) == (
        f"big.pdf: {size:,} bytes; the reader stops at {size - 1:,} (HUB_MAX_DOCUMENT_BYTES): "
        "too large for a budget disclosure"
    )


def test_the_bounds_come_from_the_settings() -> None:
    settings = Settings.from_env(
        {
            "HUB_MAX_DOCUMENT_BYTES": "1000",
            "HUB_MAX_DOCUMENT_PAGES": "7",
            "HUB_DOCUMENT_SECONDS": "2.5",
            "HUB_DOCUMENT_MEMORY_MB": "300",
        }
    )
    bounds = ReadingBounds.of(settings)
    assert (bounds.max_bytes, bounds.max_pages, bounds.seconds, bounds.memory_mb) == (
        1000,
        7,
        2.5,
        300,
    )
    assert ReadingBounds() == ReadingBounds.of(Settings())


def test_pairing_files_does_not_lay_out_a_hostile_pdf(hostile: dict[str, Path]) -> None:
    started = time.monotonic()
    assert not starts_with_table(hostile["48 KB"])
    assert time.monotonic() - started < REFUSED_WITHIN


def test_what_a_form_draws_is_counted_each_time_the_page_draws_it(tmp_path: Path) -> None:
    """Fifty objects on the page (pdfium's own count), each a form of 300 lines: 30,050."""
    pdf = write_pdf(tmp_path / "form.pdf", [b"/F0 Do\n" * 50], form=LINE * 300)
    with pytest.raises(ParseError) as refused:
        read_document(pdf)
    assert str(refused.value) == (
        "form.pdf:1: page 1 draws more than 20,000 objects and path segments; the reader stops "
        "at 20,000: not a budget table"
    )
    assert _drawing(pdf) == (30_050, True)


def _drawing(pdf: Path) -> tuple[int, bool]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        return page_drawing(page.raw, 10**9)
    finally:
        document.close()
