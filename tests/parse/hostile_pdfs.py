"""PDFs made to exhaust a reader, written by the tests themselves: a page or many pages of
nothing but line-drawing operators, small on disk (compressed), costly to lay out."""

from __future__ import annotations

import zlib
from pathlib import Path


def write_pdf(
    path: Path, contents: list[bytes], compress: bool = True, form: bytes | None = None
) -> Path:
    """A PDF with one page per content stream, nothing else on them (no fonts, no text); with
    ``form``, a form XObject ``/F0`` of that content every page may draw (``/F0 Do``)."""
    pages = len(contents)
    first_page = 4 if form is not None else 3
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(f"{first_page + 2 * i} 0 R".encode() for i in range(pages))
        + f"] /Count {pages} >>".encode(),
    ]
    resources = b""
    if form is not None:
        objects.append(
            f"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Length {len(form)} >>\n"
            "stream\n".encode()
            + form
            + b"\nendstream"
        )
        resources = b" /Resources << /XObject << /F0 3 0 R >> >>"
    for i, content in enumerate(contents):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents "
            f"{first_page + 1 + 2 * i} 0 R".encode()
            + resources
            + b" >>"
        )
        data = zlib.compress(content, 9) if compress else content
        filters = b" /Filter /FlateDecode" if compress else b""
        objects.append(
            f"<< /Length {len(data)}".encode() + filters + b" >>\nstream\n" + data + b"\nendstream"
        )
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    path.write_bytes(bytes(out))
    return path


LINE = b"0 0 m 1 1 l S\n"
"""A stroked line, its own path: what a reader builds an object for, drawn again and again."""


def lines_pdf(path: Path, per_page: int, pages: int = 1) -> Path:
    """``pages`` pages of ``per_page`` lines each, compressed: a million lines take 27 KB."""
    return write_pdf(path, [LINE * per_page] * pages)


SMALL = 800_000
"""Lines on the page of a 22 KB PDF."""
LARGER = 1_750_000
"""Lines on the page of a 48 KB PDF."""
MANY_PAGES = (200, 32_300)
"""Pages, and lines on each, of a 225 KB PDF."""
