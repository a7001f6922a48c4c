"""What is missing or unknown: tables the contents lists, codes the catalog lacks."""

from __future__ import annotations

from hub.catalog import Catalog
from hub.check.findings import Finding
from hub.domain import BudgetTable, LineKind, Severity
from hub.parse.model import Document, Table

__all__ = ["catalog_findings", "missing_table_findings"]

_NUMBERS = {table: number for number, table in enumerate(BudgetTable, start=1)}


def missing_table_findings(document: Document) -> list[Finding]:
    present = set(document.tables) | (
        {BudgetTable.THREE_PUBLIC} if document.three_public else set()
    )
    unread = [
        Finding(
            rule="table.unread",
            severity=Severity.ERROR if table.failed else Severity.INFO,
            line=table.page,
            message=f"{table.title}: {table.reason}; its figures are not stored",
        )
        for table in document.unread_tables
    ]
    return unread + [
        Finding(
            rule="table.missing",
            severity=Severity.WARNING,
            table=table,
            message=f"table {_NUMBERS[table]} ({table.value}) is listed in the contents (目录) "
            "but absent from the document",
        )
        for table in document.listed_tables
        if table not in present
    ]


def catalog_findings(document: Document, catalog: Catalog) -> list[Finding]:
    year = document.identity.fiscal_year
    found: list[Finding] = []
    for table in document.tables.values():
        if table.scheme is None:
            continue
        found += _printed_codes(table)
        for code, row in table.subjects().items():
            entry = catalog.entry(table.scheme, code, year)
            if entry is None:
                found.append(
                    Finding(
                        rule="catalog.unknown_code",
                        severity=Severity.WARNING,
                        table=table.kind,
                        code=code,
                        line=row.line,
                        message=f"{table.title}: code {code} ({row.printed_name}) is not in the "
                        f"{table.scheme.value.lower()} catalog",
                    )
                )
            elif not Catalog.same_name(row.printed_name, entry.name) and (
                old := next(
                    (
                        e
                        for e in catalog.entries(table.scheme, code)
                        if e != entry and Catalog.same_name(row.printed_name, e.name)
                    ),
                    None,
                )
            ):
                until = f"until {old.valid_to}" if old.valid_to else f"from {old.valid_from}"
                found.append(
                    Finding(
                        rule="catalog.old_name",
                        severity=Severity.INFO,
                        table=table.kind,
                        code=code,
                        line=row.line,
                        message=f"{table.title}: {code} is printed as {row.printed_name!r}, its "
                        f"name {until}; in {year} it is {entry.name!r}",
                    )
                )
            elif not Catalog.same_name(row.printed_name, entry.name):
                found.append(
                    Finding(
                        rule="catalog.name_differs",
                        severity=Severity.INFO,
                        table=table.kind,
                        code=code,
                        line=row.line,
                        message=f"{table.title}: {code} is printed as {row.printed_name!r}; "
                        f"its official name in {year} is {entry.name!r}",
                    )
                )
    return found


def _printed_codes(table: Table) -> list[Finding]:
    """Codes outside the catalog: matched to a code by their name, or kept as printed."""
    found: list[Finding] = []
    for row in table.rows:
        if row.matched_by_name:
            printed = (
                f"code {row.printed_code!r} is not in the catalog"
                if row.printed_code
                else "printed without a code"
            )
            found.append(
                Finding(
                    rule="catalog.matched_by_name",
                    severity=Severity.INFO,
                    table=table.kind,
                    code=row.code,
                    line=row.line,
                    message=f"{table.title}: {printed}; its name {row.printed_name!r} is the "
                    f"catalog's {row.code} under the rows above",
                )
            )
        elif row.kind is LineKind.ITEM and not row.printed_code and not row.side:
            found.append(
                Finding(
                    rule="catalog.unresolved_name",
                    severity=Severity.WARNING,
                    table=table.kind,
                    line=row.line,
                    message=f"{table.title}: {row.printed_name!r} is printed without a code and "
                    "the catalog has no one code of that name under the rows above: kept by "
                    "name, outside the tree",
                )
            )
        elif row.kind is LineKind.ITEM and row.printed_code:
            found.append(
                Finding(
                    rule="catalog.unmatched_code",
                    severity=Severity.WARNING,
                    table=table.kind,
                    line=row.line,
                    message=f"{table.title}: code {row.printed_code!r} ({row.printed_name}) is "
                    "neither a catalog code nor one name in the catalog: kept as printed, "
                    "outside the tree",
                )
            )
    return found
