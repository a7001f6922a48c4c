"""Reading a file into text: encodings, and refusing what is not a document at all."""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

from hub.domain import SourceFormat
from hub.parse.bounds import ReadingBounds
from hub.parse.errors import ParseError
from hub.parse.model import Source

__all__ = ["PDF_MAGIC", "decode", "read_source"]


def decode(name: str, data: bytes) -> str:
    """Text from bytes: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK."""
    if not data.strip():
        raise ParseError(name, None, "the file is empty: expected a budget disclosure")
    if data.startswith(codecs.BOM_UTF8):
        return _strict(name, data[len(codecs.BOM_UTF8) :], "utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(name, data, "utf-16")
    if b"\x00" in data:
        raise ParseError(name, None, "this is a binary file, not a text budget disclosure")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return _strict(name, data, "gb18030")


def _strict(name: str, data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ParseError(
            name, line, f"cannot decode byte {exc.start} as {encoding}: not a text document"
        ) from None
    if sum(1 for c in text if c < " " and c not in "\t\r\n\f") > len(text) // 100 + 5:
        raise ParseError(name, None, "this is a binary file, not a text budget disclosure")
    return text


PDF_MAGIC = b"%PDF-"


def read_source(path: Path, bounds: ReadingBounds | None = None) -> Source:
    """Read a file: a PDF is kept as bytes, anything else is decoded as text. A file larger
    than ``bounds`` allow is refused before it is read."""
    bounds = bounds or ReadingBounds()
    bounds.check_size(path.name, path.stat().st_size)
    with path.open("rb") as file:
        data = file.read(bounds.max_bytes + 1)  # a file that grows as it is read stops here
    bounds.check_size(path.name, len(data))
    if data.lstrip()[:5] == PDF_MAGIC:
        return Source(
            name=path.name,
            sha256=hashlib.sha256(data).hexdigest(),
            format=SourceFormat.PDF,
            text="",
            data=data,
        )
    return Source(
        name=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        format=SourceFormat.TEXT,
        text=decode(path.name, data),
    )
