"""The prose of a disclosure: sections, glossary, units, and the figures the text states.

Layout-free: a layout hands over lines of text with where they came from; this module knows
what the prose of a department budget says and how it says it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from hub.domain import StatedFigure
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


_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*万元"
_ITEM = re.compile(
    r"“([^”（]+?)\s*（类）\s*([^”（]+?)\s*（款）\s*([^”（]+?)\s*（项）\s*”\s*" + _NUMBER
)
_PARTS = ("拨款", "基本", "项目", "经费", "采购")
"""What names a part of the expenditure, not its total, before 支出预算: 财政拨款支出预算,
基本支出预算, 项目支出预算, “三公”经费支出预算, 政府采购支出预算."""

_TOTALS = {
    StatedFigure.INCOME_TOTAL: re.compile(r"收入预算(?:总额)?为?\s*" + _NUMBER),
    StatedFigure.EXPENDITURE_TOTAL: re.compile(
        "".join(f"(?<!{part})" for part in _PARTS) + r"支出预算(?:总额)?为?\s*" + _NUMBER
    ),
    StatedFigure.THREE_PUBLIC_TOTAL: re.compile(r"“三公”经费预算数?为\s*" + _NUMBER),
    StatedFigure.OFFICE_OPERATION: re.compile(r"机关运行经费预算为\s*" + _NUMBER),
}


def _wan(whole: str, decimals: str | None) -> tuple[int, int]:
    """Fen and the quantum of a 万元 figure as printed (25.77 → 257,700 元 to 100 元)."""
    digits = whole.replace(",", "")
    amount = to_fen(Decimal(f"{digits}.{decimals}" if decimals else digits), AmountUnit.WAN_YUAN)
    return amount, AmountUnit.WAN_YUAN.fen // 10 ** len(decimals or "")


def claims(body: list[Paragraph]) -> list[Claim]:
    """The amounts the text gives for functional 项 (“A（类）B（款）C（项）”25.77万元) and for the
    totals (收入预算, 支出预算, “三公”经费, 机关运行经费): the first of each total in the text.

    A figure stated twice (the same part printed twice) is one claim.
    """
    found: dict[tuple[StatedFigure, tuple[str, ...], int | None], Claim] = {}
    for paragraph in body:
        for match in _ITEM.finditer(paragraph.text):
            names = tuple(comparable(match.group(n)) for n in (1, 2, 3))
            amount, quantum = _wan(match.group(4), match.group(5))
            key = (StatedFigure.FUNCTIONAL_ITEM, names, amount)
            found.setdefault(
                key,
                Claim(paragraph.line, StatedFigure.FUNCTIONAL_ITEM, names, amount,
                      AmountUnit.WAN_YUAN, quantum),
            )  # fmt: skip
        for figure, pattern in _TOTALS.items():
            total = pattern.search(paragraph.text)
            if total is not None and (figure, (), None) not in found:
                amount, quantum = _wan(total.group(1), total.group(2))
                found[figure, (), None] = Claim(
                    paragraph.line, figure, (), amount, AmountUnit.WAN_YUAN, quantum
                )
    return list(found.values())
