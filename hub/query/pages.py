"""Keyset pagination with opaque cursors (Relay connections)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = [
    "CHANGE_CURSOR",
    "MAX_KEY",
    "MAX_PAGE",
    "CursorError",
    "Page",
    "decode_cursor",
    "encode_cursor",
    "page_of",
]

T = TypeVar("T")
MAX_PAGE = 100
"""The most items one page may ask for."""
CHANGE_CURSOR = "change"
"""The kind of a change feed's cursor, which holds the change's id: what ``changes(after:)``
and ``disclosures(changedSince:)`` take."""


class CursorError(ValueError):
    """A cursor this hub did not make."""


def encode_cursor(kind: str, key: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode()


MAX_KEY = 2**31 - 1
"""The largest position or row key a cursor may hold: row keys are INTEGER columns."""


def decode_cursor(kind: str, cursor: str) -> int:
    """The key in a cursor of ``kind``: a whole number 0 … :data:`MAX_KEY` in the digits this
    hub writes, so that nothing out of an INTEGER's range reaches the database."""
    try:
        prefix, _, key = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
    except (ValueError, binascii.Error):
        key, prefix = "", ""
    if prefix != kind or not (key.isascii() and key.isdigit()) or int(key) > MAX_KEY:
        raise CursorError(f"not a cursor of this list: {cursor!r}")
    return int(key)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[tuple[str, T]]
    """Each item with its cursor."""
    total: int
    has_next: bool
    has_previous: bool


def page_of(items: list[T], kind: str, first: int, after: str | None) -> Page[T]:
    """A page of a list made in memory, its cursors the items' positions."""
    first = max(0, min(first, MAX_PAGE))
    start = decode_cursor(kind, after) + 1 if after else 0
    chosen = items[start : start + first]
    return Page(
        items=[(encode_cursor(kind, start + n), item) for n, item in enumerate(chosen)],
        total=len(items),
        has_next=start + first < len(items),
        has_previous=start > 0,
    )
