"""What the store holds, the same on every backend, and the values of a document it could not.

SQLite keeps a text of any length in a VARCHAR(20) and PostgreSQL refuses it; both refuse an
integer past 64 bits, but a sum of amounts that each fit may not. So the limits are the hub's
own, kept here (:mod:`hub.store.entities` sizes its columns from them), and a document holding a
value past one is refused by ``hub check`` exactly as ``hub ingest`` refuses it, before anything
is written, whichever database is behind it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from hub.check.findings import Finding
from hub.domain import BudgetTable, LineKind, Severity
from hub.money import MAX_FEN, fen_to_wan
from hub.parse.model import Document

__all__ = [
    "MAX_AMOUNT_FEN",
    "MAX_INTEGER",
    "STORE_RULES",
    "Length",
    "storable_findings",
]

MAX_AMOUNT_FEN = 10**15
"""The largest amount, either sign, of one figure: 10 万亿元 (1,000,000,000 万元). The largest
figure of the corpus is 582,276.35 万元 (西南大学's 收入总计); a province's whole budget is a
few 万亿元. A sum of 9,223 figures this large still fits a BIGINT (:data:`hub.money.MAX_FEN`):
the sum of a province's departments does, whatever they print; a sum of more than that many
figures at the bound is for the rollups to keep from overflowing."""
MAX_INTEGER = 2**31 - 1
"""The largest INTEGER (a year, a line or page number) on PostgreSQL; SQLite's is larger."""


class Length:
    """The longest text each stored column keeps, in characters."""

    SUBJECT_CODE = 7
    """A classification code: 类 3, 款 5, 项 7 digits."""
    PRINTED_CODE = 40
    REGION_CODE = 12
    REGION_NAME = 100
    DEPARTMENT_CODE = 20
    DEPARTMENT_NAME = 200
    UNIT_CODE = 20
    UNIT_NAME = 200
    TITLE = 300
    SOURCE_NAME = 300
    SHA256 = 64
    LABEL = 200
    """The printed code of a department's or a unit's row."""
    ITEM = 64
    PRINTED_NAME = 300
    CATALOG_NAME = 200
    CATALOG_SOURCE = 200
    THREE_PUBLIC_LABEL = 200
    BREAKDOWN = 200
    PROJECT_NAME = 300
    INDICATOR_LEVEL = 100
    INDICATOR_NAME = 300
    INDICATOR_VALUE = 300
    INDICATOR_NUMBER = 40
    INDICATOR_UNIT = 40
    GLOSSARY_TERM = 200
    FINDING_RULE = 64
    ACTOR = 64
    """Who did something: a token's name, or ``cli``."""
    REASON = 1000
    """Why a version was withdrawn, or why a load failed."""
    FINDING_CODE = 20
    FINDING_COLUMN = 32


STORE_RULES = frozenset({"store.amount", "store.text", "store.number"})
"""The rules of findings that keep a document out of the store."""


@dataclass(frozen=True)
class _Text:
    what: str
    text: str | None
    longest: int | None
    line: int | None = None
    table: BudgetTable | None = None


@dataclass(frozen=True)
class _Amount:
    what: str
    fen: int | None
    line: int | None
    table: BudgetTable | None = None
    code: str | None = None
    column: str | None = None
    bound: int = MAX_AMOUNT_FEN


def storable_findings(document: Document, findings: list[Finding]) -> list[Finding]:
    """An ERROR for each value of ``document`` (and of the ``findings`` on it) the store could
    not hold on every backend: an amount beyond :data:`MAX_AMOUNT_FEN`, a text longer than its
    column or that no database keeps as written (a NUL, half a UTF-16 pair), a number past an
    INTEGER."""
    found: list[Finding] = []
    for text in _texts(document, findings):
        if text.text is None:
            continue
        if text.longest is not None and len(text.text) > text.longest:
            reason = f"has {len(text.text):,} characters; the store keeps {text.longest}"
        elif "\x00" in text.text or not _encodable(text.text):
            reason = (
                "holds a character no database keeps as written (a NUL, or half of a UTF-16 pair)"
            )
        else:
            continue
        found.append(
            Finding(
                rule="store.text",
                severity=Severity.ERROR,
                table=text.table,
                line=text.line,
                message=f"{text.what} {_shown(text.text)} {reason}: not stored",
            )
        )
    for amount in _amounts(document, findings):
        if amount.fen is not None and abs(amount.fen) > amount.bound:
            found.append(
                Finding(
                    rule="store.amount",
                    severity=Severity.ERROR,
                    table=amount.table,
                    code=amount.code,
                    column=amount.column,
                    line=amount.line,
                    message=f"{amount.what} {fen_to_wan(amount.fen):,} 万元 is beyond the "
                    f"largest figure the hub stores, {fen_to_wan(amount.bound):,} 万元: "
                    "not stored",
                )
            )
    for what, number, line in _numbers(document, findings):
        if number is not None and not -MAX_INTEGER - 1 <= number <= MAX_INTEGER:
            found.append(
                Finding(
                    rule="store.number",
                    severity=Severity.ERROR,
                    line=line,
                    message=f"{what} {number:,} is beyond the largest whole number the store "
                    f"keeps there, {MAX_INTEGER:,}: not stored",
                )
            )
    return found


def _texts(document: Document, findings: list[Finding]) -> Iterator[_Text]:
    identity = document.identity
    yield _Text("the region code", identity.region_code, Length.REGION_CODE)
    yield _Text("the region name", identity.region_name, Length.REGION_NAME)
    yield _Text("the department code", identity.department_code, Length.DEPARTMENT_CODE)
    yield _Text("the department name", identity.department_name, Length.DEPARTMENT_NAME)
    for unit in identity.units:
        yield _Text("a unit code", unit.code, Length.UNIT_CODE)
        yield _Text("a unit name", unit.name, Length.UNIT_NAME)
    yield _Text("the title", document.title, Length.TITLE)
    yield _Text("the file name", document.source.name, Length.SOURCE_NAME)
    for table in document.tables.values():
        for row in table.rows:
            line, kind = row.line, table.kind
            if row.kind is LineKind.SUBJECT:
                yield _Text("the code", row.code, Length.SUBJECT_CODE, line, kind)
            else:
                what = f"the {row.kind.value.lower()}'s code"
                yield _Text(what, row.code, Length.LABEL, line, kind)
            yield _Text("the printed code", row.printed_code, Length.PRINTED_CODE, line, kind)
            yield _Text("the item", row.item, Length.ITEM, line, kind)
            yield _Text("the name", row.printed_name, Length.PRINTED_NAME, line, kind)
    if document.three_public is not None:
        kind = BudgetTable.THREE_PUBLIC
        for three in document.three_public.rows:
            line = three.line
            yield _Text("the label", three.printed_label, Length.THREE_PUBLIC_LABEL, line, kind)
            yield _Text("the breakdown", three.breakdown, Length.BREAKDOWN, line, kind)
    for project in document.projects:
        yield _Text("the project name", project.name, Length.PROJECT_NAME, project.line)
        yield _Text("the annual target", project.annual_target, None, project.line)
        for i in project.indicators:
            yield _Text("the indicator level", i.level1, Length.INDICATOR_LEVEL, i.line)
            yield _Text("the indicator level", i.level2, Length.INDICATOR_LEVEL, i.line)
            yield _Text("the indicator name", i.name, Length.INDICATOR_NAME, i.line)
            yield _Text("the indicator value", i.value_text, Length.INDICATOR_VALUE, i.line)
            yield _Text("the indicator number", i.number, Length.INDICATOR_NUMBER, i.line)
            yield _Text("the indicator unit", i.unit, Length.INDICATOR_UNIT, i.line)
    for section in document.sections:
        for heading in section.heading_path:
            yield _Text("the heading", heading, None, section.line)
        yield _Text("the text", section.text, None, section.line)
    for term in document.glossary:
        yield _Text("the term", term.term, Length.GLOSSARY_TERM, term.line)
        yield _Text("the definition", term.definition, None, term.line)
    for finding in findings:
        at, of = finding.line, finding.table
        yield _Text("a finding's rule", finding.rule, Length.FINDING_RULE, at, of)
        yield _Text("a finding's code", finding.code, Length.FINDING_CODE, at, of)
        yield _Text("a finding's column", finding.column, Length.FINDING_COLUMN, at, of)
        yield _Text("a finding's message", finding.message, None, at, of)


def _amounts(document: Document, findings: list[Finding]) -> Iterator[_Amount]:
    for table in document.tables.values():
        for row in table.rows:
            for measure, fen in row.amounts.items():
                what = f"{table.title}: {' '.join(filter(None, [row.code, row.printed_name]))}"
                yield _Amount(what, fen, row.line, table.kind, row.code, measure.value)
    if document.three_public is not None:
        for three in document.three_public.rows:
            what = f"{document.three_public.title}: {three.printed_label}"
            yield _Amount(what, three.amount, three.line, BudgetTable.THREE_PUBLIC)
    for project in document.projects:
        yield _Amount(f"the amount of {project.name}", project.amount, project.line)
    for claim in document.claims:
        yield _Amount("the narrative's figure", claim.amount, claim.line)
    for finding in findings:
        # Each stays within a BIGINT: what a finding compares is bounded above, or refused.
        for fen in (finding.expected, finding.actual, finding.difference):
            what = f"a finding's figure ({finding.rule})"
            yield _Amount(what, fen, finding.line, finding.table, bound=MAX_FEN)


def _numbers(
    document: Document, findings: list[Finding]
) -> Iterator[tuple[str, int | None, int | None]]:
    yield "the fiscal year", document.identity.fiscal_year, None
    yield "the number of pages", document.pages, None
    for table in document.tables.values():
        yield "the line", table.line, None
        for row in table.rows:
            yield "the line", row.line, None
    for finding in findings:
        yield "a finding's line", finding.line, None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown(text: str) -> str:
    """A text in a message, cut short where it is long."""
    return repr(text if len(text) <= 40 else text[:40] + "…")
