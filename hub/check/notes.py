"""What the words say against what the figures say: notes under tables, the narrative's amounts."""

from __future__ import annotations

from hub.check.findings import Finding, show
from hub.domain import BudgetTable, LineKind, Measure, Severity, Side, StatedFigure, ThreePublicItem
from hub.parse.cells import comparable
from hub.parse.model import Claim, Document, Row, Table

__all__ = ["claim_findings", "declared_empty_findings"]

_FUNCTIONAL = (
    BudgetTable.GENERAL_FUNCTIONAL,
    BudgetTable.FUND_FUNCTIONAL,
    BudgetTable.STATE_CAPITAL_FUNCTIONAL,
)


def declared_empty_findings(document: Document) -> list[Finding]:
    """A note says 本表为空表 (the table is empty) over a table that prints figures."""
    found: list[Finding] = []
    for table in document.tables.values():
        amounts = [a for row in table.rows for a in row.amounts.values() if a]
        if table.declared_empty and amounts:
            found.append(_empty(table.kind, table.title, table.line, len(amounts)))
    three_public = document.three_public
    if three_public and three_public.declared_empty:
        amounts = [row.amount for row in three_public.rows if row.amount]
        if amounts:
            kind, title = BudgetTable.THREE_PUBLIC, three_public.title
            found.append(_empty(kind, title, three_public.line, len(amounts)))
    return found


def _empty(kind: BudgetTable, title: str, line: int, figures: int) -> Finding:
    return Finding(
        rule="table.declared_empty",
        severity=Severity.WARNING,
        table=kind,
        line=line,
        message=f"{title}: a note says the table is empty (本表为空表), yet it prints "
        f"{figures} non-zero figure{'s' if figures > 1 else ''}",
    )


def _same(printed: str, name: str) -> bool:
    # 其它 and 其他 are the same word, written both ways in real documents.
    return comparable(printed).replace("其它", "其他") == comparable(name).replace("其它", "其他")


def _child(rows: list[Row], parent: str | None, name: str) -> Row | None:
    width = 3 if parent is None else len(parent) + 2
    return next(
        (
            r
            for r in rows
            if r.code
            and len(r.code) == width
            and (parent is None or r.code.startswith(parent))
            and _same(r.printed_name, name)
        ),
        None,
    )


def _resolve(table: Table, claim: Claim) -> str | None:
    rows = [r for r in table.rows if r.kind is LineKind.SUBJECT]
    code: str | None = None
    for name in claim.names:
        row = _child(rows, code, name)
        if row is None:
            return None
        code = row.code
    return code


_TOTALS = ("grand_total", "current_year_total")


def _stated(document: Document, claim: Claim) -> tuple[BudgetTable, str | None, list[int]] | None:
    """Where the tables print what a claim states: the table, the code, the amounts it may
    mean (the first the one to compare with when none agrees)."""
    figure = claim.figure
    if figure is StatedFigure.FUNCTIONAL_ITEM:
        tables = [document.tables[k] for k in _FUNCTIONAL if k in document.tables]
        code = next((c for t in tables if (c := _resolve(t, claim))), None)
        if code is None:
            return None
        rows = [t.subjects().get(code) for t in tables]
        return _FUNCTIONAL[0], code, [sum((r.amount(Measure.TOTAL) or 0) for r in rows if r)]
    if figure in (StatedFigure.INCOME_TOTAL, StatedFigure.EXPENDITURE_TOTAL):
        summary = document.tables.get(BudgetTable.INCOME_EXPENDITURE_SUMMARY)
        side = Side.INCOME if figure is StatedFigure.INCOME_TOTAL else Side.EXPENDITURE
        # 收入总计 / 支出总计, or the year's own (本年收入合计: without what is carried over),
        # whichever the narrative means.
        rows = [summary.item(side, key) for key in _TOTALS] if summary else []
        amounts = [a for r in rows if r and (a := r.amount(Measure.TOTAL)) is not None]
        if not amounts:
            return None
        return BudgetTable.INCOME_EXPENDITURE_SUMMARY, None, amounts
    item = (
        ThreePublicItem.TOTAL
        if figure is StatedFigure.THREE_PUBLIC_TOTAL
        else ThreePublicItem.OFFICE_OPERATION
    )
    printed = document.three_public.amount(item) if document.three_public else None
    return None if printed is None else (BudgetTable.THREE_PUBLIC, None, [printed])


def claim_findings(document: Document) -> list[Finding]:
    """Each figure the narrative states against the table that prints it."""
    found: list[Finding] = []
    for claim in document.claims:
        what = "/".join(claim.names) or claim.figure.value.lower().replace("_", " ")
        stated = _show(claim.amount, claim)
        where = _stated(document, claim)
        if where is None:
            found.append(
                Finding(
                    rule="narrative.unresolved",
                    severity=Severity.INFO,
                    line=claim.line,
                    message=f"the narrative gives {stated} for {what}, which no table prints",
                )
            )
            continue
        table, code, amounts = where
        # Within one unit of the last place: narratives round or cut (87.708 printed as 87.70).
        if any(abs(claim.amount - amount) < claim.quantum for amount in amounts):
            continue
        amount = amounts[0]
        found.append(
            Finding(
                rule="narrative.amount",
                severity=Severity.ERROR,
                table=table,
                code=code,
                column=Measure.TOTAL.value,
                expected=amount,
                actual=claim.amount,
                line=claim.line,
                message=f"the narrative gives {stated} for {' '.join(filter(None, [code, what]))}; "
                f"the tables print {_show(amount, claim)}",
            )
        )
    return found


def _show(amount: int, claim: Claim) -> str:
    return f"{show(amount, claim.unit)} {claim.unit}"
