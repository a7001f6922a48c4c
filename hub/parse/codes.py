"""Classification codes in every form documents print them, normalised, the printed form kept.

``2150517``; ``215 05 17``; ``[2150517]产业发展``; ``2150517-产业发展``; 类 / 款 / 项 in three
columns; a 款 row printing only its own segment (``05``) under the 类 above; ``301 2`` for 30102;
no code at all (a names-only table), where the name and the rows above it decide — or nothing
does, and the row is kept by its name. A code is never guessed: where two readings remain, the
table is not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hub.catalog import Catalog
from hub.domain import Scheme

__all__ = ["AmbiguousCode", "ClassificationContext", "Resolved", "normalise", "split_fused"]

_FUSED = re.compile(
    r"^(?:[\[【［]\s*(?P<bracketed>\d{3}(?:\s?\d{2}){0,2})\s*[\]】］]"
    r"|(?P<plain>\d{3}(?:\s?\d{2}){0,2})(?:\s*[-－—–:：]|\s+))\s*(?P<name>\S.*)$"
)


_UNKNOWN = "?"
"""The rows above: a node kept by its name, that no code starts with."""


def _known(parent: str) -> bool:
    return bool(parent) and parent != _UNKNOWN


def _under(code: str, parent: str) -> bool:
    return _known(parent) and code.startswith(parent)


class AmbiguousCode(ValueError):
    """A printed code (or name) that two codes could stand for."""


def split_fused(text: str) -> tuple[str, str] | None:
    """``[2010501]行政运行`` or ``2010501-行政运行`` → (``2010501``, ``行政运行``)."""
    match = _FUSED.match(text.strip())
    if match is None:
        return None
    code = match.group("bracketed") or match.group("plain")
    if len(code.replace(" ", "")) not in (3, 5, 7) or normalise(text) is not None:
        return None  # 201 05 01 is a whole code, not 201 05 and a name
    return code, match.group("name").strip()


def normalise(printed: str) -> str | None:
    """A printed code as digits (``201 05 07`` → 2010507, ``301 2`` → 30102), or None where it
    is not a whole code (a lone segment, words)."""
    tokens = printed.replace("[", " ").replace("]", " ").split()
    if not tokens or not all(t.isascii() and t.isdigit() for t in tokens):
        return None
    head, rest = tokens[0], tokens[1:]
    if len(head) == 3 and len(rest) <= 2 and all(len(t) <= 2 for t in rest):
        return head + "".join(t.zfill(2) for t in rest)
    if len(head) in (5, 7) and not rest:
        return head
    return None


def _digits(printed: str) -> bool:
    """Whether a printed code is digits alone (blanks and brackets aside), words none."""
    tokens = printed.replace("[", " ").replace("]", " ").split()
    return bool(tokens) and all(t.isascii() and t.isdigit() for t in tokens)


@dataclass(frozen=True)
class Resolved:
    code: str | None
    """The catalog's code, or the well-formed printed one; None: kept by name."""
    matched_by_name: bool = False


class ClassificationContext:
    """The rows above, as a table walks down a tree: what a bare segment or a bare name is under."""

    def __init__(self, scheme: Scheme, catalog: Catalog) -> None:
        self.scheme, self.catalog = scheme, catalog
        self.last_class = ""
        self.last_section = ""

    def resolve(self, printed: str, name: str, depth: int | None = None) -> Resolved:
        """The code a row stands for, from its printed code (maybe empty) and its name; for a
        row printed without a code, ``depth`` is its level as the page shows it (0 类, 1 款,
        2 项, by indentation), None where the page does not show it."""
        text = printed.strip()
        if text and text.isascii() and text.isdigit() and len(text) <= 2:
            resolved = Resolved(self._segment(text, name))
        elif text:
            resolved = self._printed(text, name)
        else:
            resolved = self._by_name(name, depth)
        if resolved.code:
            self._walk(resolved.code)
        elif not text:
            self._lost(depth)
        return resolved

    def _printed(self, printed: str, name: str) -> Resolved:
        code = normalise(printed)
        if code is None and _digits(printed):
            # 21505170: an item's code with a digit too many, or two codes run together; no
            # name makes it the one code it is not
            raise AmbiguousCode(
                f"code {printed.strip()!r} is no code of 3, 5 or 7 digits (类, 款, 项): "
                "which one is meant is not certain"
            )
        if code is not None and self.catalog.knows(self.scheme, code):
            return Resolved(code)
        # By name: among the siblings a well-formed code would have, else under the 类 above.
        if code is not None:
            parent = code[:-2] if len(code) > 3 else ""
            named = {c for c in self.catalog.codes_named(self.scheme, name, parent)
                     if len(c) == len(code)}  # fmt: skip
        else:
            named = self.catalog.codes_named(self.scheme, name, self.last_class)
        if len(named) == 1:
            return Resolved(named.pop(), matched_by_name=True)
        return Resolved(code)  # a well-formed code the catalog lacks: the check reports it

    def _segment(self, segment: str, name: str) -> str:
        """A 款 (or 项) printing only its own two digits, under the rows above."""
        parents = [self.last_class]
        if self.scheme is Scheme.FUNCTIONAL:  # the economic trees stop at 款
            parents.append(self.last_section)
        candidates = [parent + segment.zfill(2) for parent in parents if _known(parent)]
        if not candidates:
            raise AmbiguousCode(f"code {segment!r} is printed with no 类 above it")
        if len(candidates) == 1:
            return candidates[0]
        named = [c for c in candidates if self._named(c, name)]
        if len(named) == 1:
            return named[0]
        raise AmbiguousCode(
            f"code {segment!r} ({name}) could be {candidates[0]} or {candidates[1]}: "
            "the catalog does not tell them apart"
        )

    def _named(self, code: str, name: str) -> bool:
        return code in self.catalog.codes_named(self.scheme, name, code)

    def _by_name(self, name: str, depth: int | None) -> Resolved:
        """A row printed without a code (Hangzhou): its name, under the rows above, at its
        level where the page shows it."""
        named = self.catalog.codes_named(self.scheme, name)
        fits = {
            c
            for c in named
            if (depth is None or len(c) == 3 + 2 * depth)
            and (
                len(c) == 3
                or (len(c) == 5 and _under(c, self.last_class))
                or (len(c) == 7 and _under(c, self.last_section))
            )
        }
        if len(fits) == 1:
            return Resolved(fits.pop(), matched_by_name=True)
        return Resolved(None)

    def _walk(self, code: str) -> None:
        self.last_class = code[:3]
        self.last_section = code[:5] if len(code) >= 5 else ""

    def _lost(self, depth: int | None) -> None:
        """After a row kept by its name, the rows below it are under a node the tree lacks: a
        款 of the 类 above, or any row of a 项 of an unknown 款, is no longer found by name.
        Where the page does not show the row's level it may have been a 款, so no 项 is."""
        if not self.last_class:
            return  # before any subject: the department's or a unit's own row
        if depth == 0:
            self.last_class = self.last_section = _UNKNOWN
        elif depth != 2:
            self.last_section = _UNKNOWN
