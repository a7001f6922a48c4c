"""Global object ids: opaque to clients, ``Type:key`` inside, so ``node(id:)`` can find anything."""

from __future__ import annotations

import base64
import binascii

__all__ = ["MAX_KEY", "GlobalIdError", "decode_id", "encode_id"]

MAX_KEY = 2**31 - 1
"""The largest number an id may hold: row keys and years are INTEGER columns, so a larger
number names nothing, and would fail in the database (PostgreSQL) instead of being refused."""


class GlobalIdError(ValueError):
    """An id this hub did not hand out."""


def encode_id(type_name: str, *key: object) -> str:
    raw = ":".join([type_name, *(str(part) for part in key)])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_id(value: str) -> tuple[str, list[str]]:
    try:
        padded = value + "=" * (-len(value) % 4)
        type_name, *key = base64.urlsafe_b64decode(padded.encode()).decode().split(":")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise GlobalIdError(f"not an id of this API: {value!r}") from None
    if not key or any(_unusable(part) for part in key):
        raise GlobalIdError(f"not an id of this API: {value!r}")
    return type_name, key


def _unusable(part: str) -> bool:
    # Ids this hub hands out hold no control characters, and their numbers fit an INTEGER.
    if not part.isprintable():
        return True
    number = part.removeprefix("-")
    return number.isascii() and number.isdigit() and (part != number or int(number) > MAX_KEY)
