"""From a file to a :class:`Document`: pick the layout by content, settle whose budget it is."""

from __future__ import annotations

import re
from pathlib import Path

from hub.catalog import read_regions
from hub.domain import BudgetTable, LineKind
from hub.parse.errors import ParseError
from hub.parse.model import Document, Identity, Overrides, Source, Table, UnitInfo
from hub.parse.source import read_source
from hub.parse.text_layout import ParsedText, looks_like_text_layout, parse_text_layout

__all__ = ["parse_document", "read_document"]

_REGION = re.compile(r"^(.{2,8}?[省市州盟])(.{1,4}?[区县旗])?")
_TITLE_DEPARTMENT = re.compile(r"^(.+?)\s*20\d\d\s*年")


def read_document(path: Path, overrides: Overrides | None = None) -> Document:
    """Read, decode and parse the file at ``path``."""
    return parse_document(read_source(path), overrides or Overrides())


def parse_document(source: Source, overrides: Overrides | None = None) -> Document:
    """Parse a decoded source with the parser of its layout."""
    overrides = overrides or Overrides()
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
    return Document(
        source=source,
        title=parsed.title,
        identity=_identity(source, parsed, overrides),
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


def _identity(source: Source, parsed: ParsedText, overrides: Overrides) -> Identity:
    tables = list(parsed.tables.values())
    departments = _longest_names(tables, LineKind.DEPARTMENT)
    units = _longest_names(tables, LineKind.UNIT)
    code = overrides.department_code or next(iter(departments), None)
    from_title = _TITLE_DEPARTMENT.match(parsed.title)
    name = (
        overrides.department_name
        or (departments.get(code) if code else None)
        or (from_title.group(1) if from_title else None)
    )
    if not name:
        raise ParseError(
            source.name,
            1,
            "no department found: expected a department row such as "
            "'209  咸宁市经济和信息化局' in table 5, or pass --department-name",
        )
    year = overrides.fiscal_year or parsed.fiscal_year
    if year is None:
        raise ParseError(
            source.name,
            1,
            f"no fiscal year in the title {parsed.title!r}: expected one such "
            "as '咸宁市经信局 2023 年部门预算公开', or pass --year",
        )
    printed = (departments.get(code) if code else None) or (
        from_title.group(1) if from_title else None
    )
    regions = [_REGION.match(n) for n in (printed, name) if n]
    region_name = overrides.region_name or next((r.group(0) for r in regions if r), None)
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
        units=tuple(UnitInfo(c, n) for c, n in units.items()),
    )
