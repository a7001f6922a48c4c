"""The nine-table PDF layout of Shanghai district budgets: 财务收支预算总表 … 机关运行经费.

A document of cover, contents, prose and tables: tables are found by their titles, carry their
own unit (单位：元 or 万元) and are read cell by cell by position (:mod:`hub.parse.pdf_tables`);
the prose gives the sections, the glossary, the units and the amounts the text states.
Departments print no codes: they are known by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hub.catalog import Catalog
from hub.domain import BudgetTable
from hub.parse import narrative
from hub.parse.cells import comparable, unit_of
from hub.parse.model import (
    Claim,
    GlossaryTerm,
    Section,
    Source,
    Table,
    ThreePublicTable,
    UnitInfo,
)
from hub.parse.pdf import Page, TextLine
from hub.parse.pdf_tables import ORDINAL, PendingTable, TableReader, add_fragment
from hub.parse.vocabulary import other_table, table_of

__all__ = ["ParsedPdf", "looks_like_pdf_layout", "parse_pdf_layout"]

_YEAR = re.compile(r"(20\d\d)\s*年")
_CONTENTS = re.compile(r"…|\.{4,}|目\s*录")
_DEPARTMENT = re.compile(r"(?:预算主管部门|编制部门)[:：]\s*(\S+)")


def _title_table(text: str) -> BudgetTable | None:
    return table_of(comparable(text))


def looks_like_pdf_layout(pages: list[Page]) -> bool:
    """Whether some page carries a ruled table under a title this layout knows."""
    return any(page.grids and any(_title_table(line.text) for line in page.lines) for page in pages)


@dataclass
class ParsedPdf:
    """What the layout yields, before the identity is settled."""

    title: str
    fiscal_year: int | None
    department_name: str | None
    listed_tables: list[BudgetTable]
    tables: dict[BudgetTable, Table]
    three_public: ThreePublicTable | None
    sections: list[Section] = field(default_factory=list)
    glossary: list[GlossaryTerm] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    units: tuple[UnitInfo, ...] = ()
    administrative_only: bool | None = None
    unread_tables: list[tuple[int, str]] = field(default_factory=list)


def _heading(line: str) -> bool:
    text = comparable(line)
    return 0 < len(text) <= 30 and not text.endswith(("。", "；")) and not ORDINAL.match(text)


def parse_pdf_layout(source: Source, pages: list[Page], catalog: Catalog) -> ParsedPdf:
    cover = [line.text for line in pages[0].lines] if pages else []
    title = cover[0] if cover else source.name
    year_match = _YEAR.search(title)
    year = int(year_match.group(1)) if year_match else None
    department = next((m.group(1) for t in cover if (m := _DEPARTMENT.search(t))), None)
    reader = TableReader(source, catalog)

    listed: list[BudgetTable] = []
    finished: list[PendingTable] = []
    pending: PendingTable | None = None
    parts: list[tuple[str, list[tuple[int, str]]]] = []
    unread: list[tuple[int, str]] = []

    for page in pages[1:]:
        lines = [line.text for line in page.lines]
        # The contents (目录), printed as lines or inside a ruled frame.
        texts = lines + [cell.text for grid in page.grids for row in grid.rows for cell in row]
        if any(_CONTENTS.search(text) for text in texts[:3]):
            listed += [t for text in texts if (t := _title_table(_CONTENTS.split(text)[0]))]
            continue
        # A page of prose; a title at the foot of a page is a table's whose grid is overleaf.
        if not page.grids and not any(_title_table(text) for text in lines):
            if lines and _heading(lines[0]):
                parts.append((lines[0].strip(), []))
                lines = lines[1:]
            elif not parts:
                parts.append(("", []))
            parts[-1][1].extend((page.number, text) for text in lines)
            pending = None
            continue
        for block in page.blocks():
            if isinstance(block, TextLine):
                if department is None and (m := _DEPARTMENT.search(block.text)):
                    department = m.group(1)
                if _other_title(block.text):  # a table this layout does not read
                    pending = None
                    unread.append((page.number, block.text.strip()))
                    continue
                pending = _caption(block, page.number, pending, finished)
                continue
            if pending is not None:
                add_fragment(reader, pending, page.number, block)
            elif not unread or unread[-1][0] < page.number - 1:
                unread.append((page.number, "a ruled table with no title"))

    tables, three_public = _tables(reader, finished)
    parsed = ParsedPdf(title, year, department, listed, tables, three_public, unread_tables=unread)
    _prose(parsed, parts)
    return parsed


def _tables(
    reader: TableReader, finished: list[PendingTable]
) -> tuple[dict[BudgetTable, Table], ThreePublicTable | None]:
    tables: dict[BudgetTable, Table] = {}
    three_public: ThreePublicTable | None = None
    for done in finished:
        if not done.columns:  # a title with no ruled table under it: no table
            continue
        if done.kind in tables or (done.kind is BudgetTable.THREE_PUBLIC and three_public):
            raise reader.error(done.page, f"{done.title}: the table is printed twice")
        read = reader.table(done)
        if isinstance(read, ThreePublicTable):
            three_public = read
        else:
            tables[done.kind] = read
    return tables, three_public


def _prose(parsed: ParsedPdf, parts: list[tuple[str, list[tuple[int, str]]]]) -> None:
    """Sections, glossary, units and stated amounts from the parts of prose, by heading."""
    prose: list[narrative.Paragraph] = []
    for heading, numbered in parts:
        body = narrative.paragraphs(numbered)
        prose += body
        parsed.sections += narrative.sections(heading, body)
        if "名词解释" in heading:
            parsed.glossary += narrative.glossary(body)
        if "机构设置" in heading:
            parsed.units = narrative.units(body)
            kinds = narrative.unit_kinds(body)
            if "institution" in kinds:
                parsed.administrative_only = kinds["institution"] == 0
    parsed.claims = narrative.claims(prose)


def _other_title(text: str) -> bool:
    """A table title this layout does not read (项目绩效目标表, …): its grids are left alone."""
    return other_table(comparable(text))


def _caption(
    line: TextLine, page: int, pending: PendingTable | None, finished: list[PendingTable]
) -> PendingTable | None:
    """A text line on a page of tables: a title starts a table; unit lines and notes attach."""
    kind = _title_table(line.text)
    if kind is not None:
        started = PendingTable(kind, line.text.strip(), page)
        finished.append(started)
        return started
    if pending is not None:
        unit = unit_of(line.text)
        if unit is not None:
            pending.unit = unit
        elif "空表" in line.text:
            pending.declared_empty = True
    return pending
