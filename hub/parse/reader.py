"""From a file to a :class:`Document`: pick the layout by content, settle whose budget it is."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from hub.catalog import Catalog, read_regions
from hub.domain import BudgetTable, LineKind, Scope, SourceFormat
from hub.parse.errors import ParseError
from hub.parse.model import Document, Identity, Overrides, Source, Table, UnitInfo
from hub.parse.pdf import read_pages
from hub.parse.pdf_layout import looks_like_pdf_layout, parse_pdf_layout, titles
from hub.parse.source import read_source
from hub.parse.text_layout import looks_like_text_layout, parse_text_layout

__all__ = ["parse_document", "read_document"]

_REGION = re.compile(r"^(.{2,8}?[省市州盟])(.{1,4}?[区县旗])?")
_TITLE_DEPARTMENT = re.compile(r"^(.+?)\s*20\d\d\s*年")


def read_document(
    path: Path, overrides: Overrides | None = None, narrative: Path | None = None
) -> Document:
    """Read, decode and parse the file at ``path``; ``narrative`` is the disclosure's other
    file where it is published as two (the tables in ``path``, the cover and prose there)."""
    companion = read_source(narrative) if narrative else None
    return parse_document(read_source(path), overrides or Overrides(), companion)


def parse_document(
    source: Source, overrides: Overrides | None = None, narrative: Source | None = None
) -> Document:
    """Parse a decoded source with the parser of its layout."""
    overrides = overrides or Overrides()
    if narrative is not None and (
        source.format is not SourceFormat.PDF or narrative.format is not SourceFormat.PDF
    ):
        raise ParseError(source.name, None, "only PDFs are read as a pair of files")
    if source.format is SourceFormat.PDF:
        return _parse_pdf(source, overrides, narrative)
    if not looks_like_text_layout(source.text):
        raise ParseError(
            source.name,
            None,
            "unrecognised layout: expected a budget disclosure with tab-separated tables "
            "under titles such as 一般公共预算支出表",
        )
    parsed = parse_text_layout(source)
    if BudgetTable.GENERAL_FUNCTIONAL not in parsed.tables:
        raise ParseError(
            source.name,
            parsed.last_line,
            "no 一般公共预算支出表 (table 5) found before the end of the file: "
            "is the document truncated?",
        )
    tables = list(parsed.tables.values())
    departments = _longest_names(tables, LineKind.DEPARTMENT)
    units = _longest_names(tables, LineKind.UNIT)
    code = overrides.department_code or next(iter(departments), None)
    from_title = _TITLE_DEPARTMENT.match(parsed.title)
    identity = _identity(
        source,
        parsed.title,
        parsed.fiscal_year,
        code,
        (departments.get(code) if code else None) or (from_title.group(1) if from_title else None),
        tuple(UnitInfo(c, n) for c, n in units.items()),
        overrides,
    )
    return Document(
        source=source,
        title=parsed.title,
        identity=identity,
        listed_tables=parsed.listed_tables,
        tables=parsed.tables,
        three_public=parsed.three_public,
        projects=parsed.projects,
        sections=parsed.sections,
        glossary=parsed.glossary,
    )


def _longest_names(tables: list[Table], kind: LineKind) -> dict[str, str]:
    """The fullest printed name of each department or unit code (PDF columns cut names short)."""
    names: dict[str, str] = {}
    for table in tables:
        for row in table.rows:
            if (
                row.kind is kind
                and row.code
                and len(row.printed_name) > len(names.get(row.code, ""))
            ):
                names[row.code] = row.printed_name
    return names


_CENTRAL = ("国家", "中华人民共和国", "中央")
_FUNCTIONAL = {BudgetTable.GENERAL_FUNCTIONAL, BudgetTable.FISCAL_FUNCTIONAL}


@cache
def _shipped_catalog() -> Catalog:
    return Catalog.shipped()


def _parse_pdf(source: Source, overrides: Overrides, narrative: Source | None) -> Document:
    pages = read_pages(source)
    prose = read_pages(narrative) if narrative else None
    if not any(page.lines or page.grids for page in pages):
        raise ParseError(
            source.name, None, "the PDF has no text layer (a scanned document?): nothing to read"
        )
    found = titles(pages)
    finals = [t for t in found if "决算" in t]
    if finals and not looks_like_pdf_layout(pages):
        raise ParseError(
            source.name,
            None,
            "a final account (决算), not a budget (预算): final accounts are not read yet "
            f"(tables such as {finals[0].strip()!r})",
        )
    if not looks_like_pdf_layout(pages):
        seen = "; ".join(dict.fromkeys(t.strip() for t in found[:5])) or "none"
        raise ParseError(
            source.name,
            None,
            f"not a budget disclosure the reader knows: tables recognised: none of the standard "
            f"ones (titles seen: {seen}); not found: 收支总表, 一般公共预算支出表, "
            "一般公共预算基本支出表, “三公”经费支出表",
        )
    parsed = parse_pdf_layout(source, pages, _shipped_catalog(), prose)
    if not _FUNCTIONAL & set(parsed.tables):
        recognised = ", ".join(t.value for t in parsed.tables) or "none"
        raise ParseError(
            source.name,
            None,
            f"no functional table (一般公共预算支出表 or 财政拨款支出表) found; tables recognised: "
            f"{recognised}: is the document truncated, or not a budget disclosure?",
        )
    return Document(
        source=source,
        title=parsed.title,
        identity=_identity(
            source,
            parsed.title,
            parsed.fiscal_year,
            overrides.department_code,
            parsed.department_name,
            parsed.units,
            overrides,
            parsed.scope,
        ),
        listed_tables=parsed.listed_tables,
        tables=parsed.tables,
        three_public=parsed.three_public,
        projects=parsed.projects,
        sections=parsed.sections,
        glossary=parsed.glossary,
        claims=parsed.claims,
        administrative_only=parsed.administrative_only,
        unread_tables=parsed.unread_tables,
        narrative=narrative,
    )


def _identity(
    source: Source,
    title: str,
    fiscal_year: int | None,
    code: str | None,
    printed: str | None,
    units: tuple[UnitInfo, ...],
    overrides: Overrides,
    scope: Scope = Scope.DEPARTMENT,
) -> Identity:
    name = overrides.department_name or printed
    if not name:
        raise ParseError(
            source.name,
            1,
            "no department found: expected a department row such as "
            "'209  咸宁市经济和信息化局' in table 5, or pass --department-name",
        )
    year = overrides.fiscal_year or fiscal_year
    if year is None:
        raise ParseError(
            source.name,
            1,
            f"no fiscal year in the title {title!r}: expected one such "
            "as '咸宁市经信局 2023 年部门预算公开', or pass --year",
        )
    regions = [_REGION.match(n) for n in (printed, name) if n]
    region_name = overrides.region_name or next((r.group(0) for r in regions if r), None)
    if region_name is None and name.startswith(_CENTRAL):
        region_name = "中央"  # a central department (国家信访局): the central government's budget
    if not region_name:
        raise ParseError(
            source.name,
            1,
            f"cannot tell the region from the department name {name!r}: pass --region-name",
        )
    known = {region.name: region.code for region in read_regions()}
    return Identity(
        fiscal_year=year,
        region_name=region_name,
        region_code=overrides.region_code or known.get(region_name),
        department_code=code,
        department_name=name,
        units=units,
        scope=scope,
    )
