"""Layer 1, ``parse``: document text → typed document model. No database here."""

from hub.parse.errors import ParseError
from hub.parse.model import Document, Overrides
from hub.parse.pdf import starts_with_table
from hub.parse.reader import parse_document, read_document

__all__ = [
    "Document",
    "Overrides",
    "ParseError",
    "parse_document",
    "read_document",
    "starts_with_table",
]
