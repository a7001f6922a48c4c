"""What is missing or unknown: tables the contents lists, codes the catalog lacks."""

from __future__ import annotations

from hub.catalog import Catalog
from hub.check.findings import Finding
from hub.domain import BudgetTable, LineKind, Scheme, Severity
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
            judged = _name_finding(catalog, table.scheme, code, row.printed_name, year)
            if judged is not None:
                rule, severity, what = judged
                found.append(
                    Finding(
                        rule=rule,
                        severity=severity,
                        table=table.kind,
                        code=code,
                        line=row.line,
                        message=f"{table.title}: {what}",
                    )
                )
    return found


def _name_finding(
    catalog: Catalog, scheme: Scheme, code: str, printed: str, year: int
) -> tuple[str, Severity, str] | None:
    """What the catalog says of a printed code and name: unknown, a name of another year, a
    name that differs; None where the name is the official one (or it cut short)."""
    entry = catalog.entry(scheme, code, year)
    if entry is None:
        return (
            "catalog.unknown_code",
            Severity.WARNING,
            f"code {code} ({printed}) is not in the {scheme.value.lower()} catalog",
        )
    if Catalog.same_name(printed, entry.name):
        return None
    old = next(
        (e for e in catalog.entries(scheme, code) if Catalog.same_name(printed, e.name)), None
    )
    if old is not None:
        until = f"until {old.valid_to}" if old.valid_to else f"from {old.valid_from}"
        return (
            "catalog.old_name",
            Severity.INFO,
            f"{code} is printed as {printed!r}, its name {until}; in {year} it is {entry.name!r}",
        )
    return (
        "catalog.name_differs",
        Severity.INFO,
        f"{code} is printed as {printed!r}; its official name in {year} is {entry.name!r}",
    )


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
