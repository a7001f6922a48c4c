"""The prose of a disclosure: sections, glossary, units, and the figures the text states.

Layout-free: a layout hands over lines of text with where they came from; this module knows
what the prose of a department budget says and how it says it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from hub.money import AmountUnit, to_fen
from hub.parse.cells import comparable
from hub.parse.model import Claim, GlossaryTerm, Section, UnitInfo

__all__ = [
    "Paragraph",
    "claims",
    "glossary",
    "paragraphs",
    "sections",
    "unit_kinds",
    "units",
]


@dataclass(frozen=True)
class Paragraph:
    line: int
    """Where it starts: a line of a text source, a page of a PDF."""
    text: str


# A paragraph starts with an ordinal (一、 （一） 1. 1、) or after a line that ends a sentence.
_OPENS = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[.．、](?!\d))"
)
_PAGE_NUMBER = re.compile(r"^(?:第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|[-—–]?\s*\d+\s*[-—–]?)$")


def paragraphs(lines: list[tuple[int, str]]) -> list[Paragraph]:
    """Wrapped lines joined into paragraphs; page numbers dropped.

    A paragraph ends before an ordinal, after a line that ends a sentence, and after a line
    much shorter than the full lines around it (a heading, or a paragraph's last line).
    """
    found: list[Paragraph] = []
    text, start, previous, widest = "", 0, 0, max((len(t.strip()) for _, t in lines), default=0)
    for line, raw in lines:
        piece = raw.strip()
        if not piece or _PAGE_NUMBER.match(piece):
            continue
        if text and (
            _OPENS.match(piece) or text.endswith(("。", "：", ":")) or previous < widest * 0.6
        ):
            found.append(Paragraph(start, text))
            text = ""
        if not text:
            start = line
        text += piece
        previous = len(piece)
    if text:
        found.append(Paragraph(start, text))
    return found


def sections(heading: str, body: list[Paragraph]) -> list[Section]:
    """A titled part of the prose as sections, one per paragraph, under the part's heading."""
    return [Section(p.line, [heading], p.text) for p in body]


_TERM = re.compile(r"^[(（][一二三四五六七八九十\d]+[)）]\s*(.{2,20}?)[:：](.+)$")


def glossary(body: list[Paragraph]) -> list[GlossaryTerm]:
    """Terms of a 名词解释 part: （一）财政拨款收入：是…"""
    terms: list[GlossaryTerm] = []
    for paragraph in body:
        match = _TERM.match(paragraph.text)
        if match:
            terms.append(GlossaryTerm(paragraph.line, match.group(1).strip(), match.group(2)))
    return terms


_UNIT_ITEM = re.compile(r"^\d+[.．、]\s*(.+?)[。.]?$")


def units(body: list[Paragraph]) -> tuple[UnitInfo, ...]:
    """The units a 机构设置 part lists: 1. 上海市普陀区…（本部）。 2. …"""
    return tuple(
        UnitInfo(None, match.group(1).strip())
        for paragraph in body
        if (match := _UNIT_ITEM.match(paragraph.text))
    )


_KINDS = {
    "administrative": re.compile(r"行政单位\s*(\d+)\s*家"),
    "civil_service": re.compile(r"参公(?:事业)?单位\s*(\d+)\s*家"),
    "institution": re.compile(r"(?<!参公)事业单位\s*(\d+)\s*家"),
}


def unit_kinds(body: list[Paragraph]) -> dict[str, int]:
    """How many units of each kind: 行政单位 1 家，参公单位1家，事业单位 4 家."""
    text = "".join(p.text for p in body)
    return {kind: int(m.group(1)) for kind, rx in _KINDS.items() if (m := rx.search(text))}


_CLAIM = re.compile(
    r"“([^”（]+?)\s*（类）\s*([^”（]+?)\s*（款）\s*([^”（]+?)\s*（项）\s*”\s*"
    r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*万元"
)


def claims(body: list[Paragraph]) -> list[Claim]:
    """The amounts the text gives for functional 项: “A（类）B（款）C（项）”25.77万元.

    A figure stated twice (the same part printed twice) is one claim.
    """
    found: dict[tuple[tuple[str, str, str], int], Claim] = {}
    for paragraph in body:
        for match in _CLAIM.finditer(paragraph.text):
            whole, decimals = match.group(4).replace(",", ""), match.group(5) or ""
            amount = to_fen(
                Decimal(f"{whole}.{decimals}" if decimals else whole), AmountUnit.WAN_YUAN
            )
            names = (match.group(1), match.group(2), match.group(3))
            names = (comparable(names[0]), comparable(names[1]), comparable(names[2]))
            quantum = AmountUnit.WAN_YUAN.fen // 10 ** len(decimals)
            claim = Claim(paragraph.line, names, amount, AmountUnit.WAN_YUAN, quantum)
            found.setdefault((names, amount), claim)
    return list(found.values())
