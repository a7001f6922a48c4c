"""Identities between tables that a consistent document satisfies (DOMAIN.md lists them)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

from hub.check.findings import Finding, judge, show
from hub.domain import BudgetTable, LineKind, Measure, Severity, Side, ThreePublicItem
from hub.money import AmountUnit
from hub.parse.model import Document, Row, Table

__all__ = ["identity_findings"]

T1 = BudgetTable.INCOME_EXPENDITURE_SUMMARY
T2 = BudgetTable.INCOME_SUMMARY
T3 = BudgetTable.EXPENDITURE_SUMMARY
T4 = BudgetTable.FISCAL_SUMMARY
T5 = BudgetTable.GENERAL_FUNCTIONAL
T6 = BudgetTable.GENERAL_BASIC_ECONOMIC
T7 = BudgetTable.THREE_PUBLIC


@dataclass(frozen=True)
class _Figure:
    """A printed figure, or the sum of several, and where it comes from."""

    label: str
    amount: int | None
    terms: int
    table: BudgetTable
    unit: AmountUnit
    quantum: int
    line: int | None = None
    code: str | None = None


def _total(table: Table, measure: Measure) -> _Figure | None:
    """A table's total: its 合计 row, else its department row, else the sum of its 类 rows;
    None where the table prints no such column (nothing to compare)."""
    if measure not in table.measures:
        return None
    for kind in (LineKind.TOTAL, LineKind.DEPARTMENT):
        row = table.first(kind)
        if row is not None:
            return _Figure(
                f"{table.title} 合计 ({measure.value})",
                row.amount(measure),
                1,
                table.kind,
                table.unit,
                table.quantum,
                row.line,
            )
    classes = [r for r in table.subjects().values() if r.code and len(r.code) == 3]
    return _Figure(
        f"{table.title} 类 rows ({measure.value})",
        sum(r.amount(measure) or 0 for r in classes),
        len(classes),
        table.kind,
        table.unit,
        table.quantum,
    )


def _codes(table: Table, codes: list[str], measure: Measure = Measure.TOTAL) -> _Figure:
    return _Figure(
        f"{table.title} {' + '.join(codes)}",
        sum(table.node_amount(code, measure) or 0 for code in codes),
        len(codes),
        table.kind,
        table.unit,
        table.quantum,
        code="+".join(codes),
    )


def _row(table: Table, row: Row, measure: Measure, code: str | None = None) -> _Figure:
    return _Figure(
        f"{table.title} {row.printed_name.rstrip('：:')}",
        row.amount(measure),
        1,
        table.kind,
        table.unit,
        table.quantum,
        row.line,
        code,
    )


def _item(table: Table, side: Side, key: str, measure: Measure = Measure.TOTAL) -> _Figure | None:
    row = table.item(side, key)
    return None if row is None else _row(table, row, measure)


def _items(table: Table, side: Side, key: str) -> _Figure | None:
    """The sum of every row of a summary table that is the given item (一般公共预算拨款 of the
    year and of what is carried over)."""
    rows = [r for r in table.rows if r.side is side and r.item == key]
    if not rows:
        return None
    return _Figure(
        " + ".join(f"{table.title} {r.printed_name.rstrip('：:')}" for r in rows),
        sum(r.amount(Measure.TOTAL) or 0 for r in rows),
        len(rows),
        table.kind,
        table.unit,
        table.quantum,
        rows[0].line,
    )


def _equal(
    rule: str,
    expected: _Figure | None,
    actual: _Figure | None,
    worst: Severity = Severity.ERROR,
) -> Iterator[Finding]:
    """``worst`` caps the severity of an identity that holds by convention, not by definition."""
    if expected is None or actual is None:
        return
    if expected.amount is None and actual.amount is None:
        return
    difference = (actual.amount or 0) - (expected.amount or 0)
    quantum = max(expected.quantum, actual.quantum)
    severity = judge(difference, expected.terms + actual.terms - 1, quantum)
    if severity is None:
        return
    if severity is Severity.ERROR:
        severity = worst
    yield _finding(rule, severity, expected, actual, "does not equal")


def _either(rule: str, readings: list[_Figure | None], actual: _Figure | None) -> list[Finding]:
    """An identity that holds with any of several readings of one figure (a province's
    convention): the first reading's finding where none agrees, else nothing."""
    found = [list(_equal(rule, figure, actual)) for figure in readings if figure is not None]
    return found[0] if found and all(found) else []


def _at_least(rule: str, larger: _Figure | None, smaller: _Figure | None) -> Iterator[Finding]:
    if larger is None or smaller is None or smaller.amount is None:
        return
    if (larger.amount or 0) < smaller.amount:
        yield _finding(rule, Severity.ERROR, smaller, larger, "is less than")


def _finding(
    rule: str, severity: Severity, expected: _Figure, actual: _Figure, relation: str
) -> Finding:
    return Finding(
        rule=rule,
        severity=severity,
        table=actual.table,
        code=actual.code,
        column=Measure.TOTAL.value,
        expected=expected.amount,
        actual=actual.amount,
        line=actual.line,
        message=(
            f"{actual.label} = {show(actual.amount, actual.unit)} {actual.unit} {relation} "
            f"{expected.label} = {show(expected.amount, expected.unit)} {expected.unit}"
        ),
    )


def _three_public(document: Document, item: ThreePublicItem, *parts: ThreePublicItem) -> _Figure:
    table = document.three_public
    assert table is not None
    if parts:
        return _Figure(
            f"{table.title} {' + '.join(p.value.lower() for p in parts)}",
            sum(table.amount(p) or 0 for p in parts),
            len(parts),
            T7,
            table.unit,
            table.quantum,
        )
    row = next((r for r in table.rows if r.item is item and r.breakdown is None), None)
    return _Figure(
        f"{table.title} {row.printed_label if row else item.value}",
        row.amount if row else None,
        1,
        T7,
        table.unit,
        table.quantum,
        row.line if row else None,
    )


def identity_findings(document: Document) -> list[Finding]:
    tables = document.tables
    found: list[Finding] = []
    for kind in (T1, T4):
        table = tables.get(kind)
        if table is None:
            continue
        key = "t1" if kind is T1 else "t4"
        # 本年收入合计 and 本年支出合计 differ by what is carried over; the totals (总计) balance.
        grand = table.item(Side.INCOME, "grand_total") and table.item(
            Side.EXPENDITURE, "grand_total"
        )
        for item in ("grand_total",) if grand else ("current_year_total",):
            found += _equal(
                f"{key}.balance",
                _item(table, Side.INCOME, item),
                _item(table, Side.EXPENDITURE, item),
            )
        basic = _item(table, Side.EXPENDITURE, "basic")
        personnel = _item(table, Side.EXPENDITURE, "personnel")
        operating = _item(table, Side.EXPENDITURE, "operating")
        if basic and personnel and operating:
            parts = _Figure(
                f"{personnel.label} + {operating.label}",
                (personnel.amount or 0) + (operating.amount or 0),
                2,
                kind,
                table.unit,
                table.quantum,
            )
            found += _equal(f"{key}.basic_split", parts, basic)
    # The year's 一般公共预算拨款 as tables 1 and 4 print it; table 5 spends it, in some
    # provinces together with what is carried over in the same money (table 4's second
    # 一般公共预算拨款, under 上年结转): either agreement is consistent.
    general = [
        _item(tables[kind], Side.INCOME, "general_public_budget")
        for kind in (T1, T4)
        if kind in tables
    ]
    known = [figure for figure in general if figure is not None]
    for first, other in pairwise(known):
        found += _equal("general_public_budget", first, other)
    functional = tables.get(T5)
    summary = tables.get(T4) or tables.get(T1)
    if functional is not None and summary is not None:
        found += _either(
            "general_public_budget",
            [
                _item(summary, Side.INCOME, "general_public_budget"),
                _items(summary, Side.INCOME, "general_public_budget"),
            ],
            _total(functional, Measure.TOTAL),
        )
    economic = tables.get(T6)
    if functional is not None and economic is not None:
        found += _equal(
            "t5_t6.basic", _total(functional, Measure.BASIC), _total(economic, Measure.TOTAL)
        )
        # The 人员经费/公用经费 split: table 5's columns where it prints them, else table 6's own.
        split = functional if Measure.PERSONNEL in functional.measures else economic
        # 人员经费 = 301 + 303 and 公用经费 = 302 + 310 is the usual split; some provinces count
        # a part of 302 (工会经费, 福利费) as 人员经费, so a difference is worth a look, no error.
        found += _equal(
            "t5_t6.personnel",
            _total(split, Measure.PERSONNEL),
            _codes(economic, ["301", "303"]),
            Severity.WARNING,
        )
        found += _equal(
            "t5_t6.operating",
            _total(split, Measure.OPERATING),
            _codes(economic, ["302", "310"]),
            Severity.WARNING,
        )
    found += _summaries_by_function(tables)
    if document.three_public is not None:
        tp = ThreePublicItem
        found += _equal(
            "t7.total",
            _three_public(document, tp.TOTAL, tp.OVERSEAS, tp.RECEPTION, tp.VEHICLES),
            _three_public(document, tp.TOTAL),
        )
        found += _equal(
            "t7.vehicles",
            _three_public(document, tp.VEHICLES, tp.VEHICLE_PURCHASE, tp.VEHICLE_OPERATION),
            _three_public(document, tp.VEHICLES),
        )
        if economic is not None:
            # Table 7 also counts project money; table 6 is basic expenditure only.
            found += _at_least(
                "t7_t6.reception",
                _three_public(document, tp.RECEPTION),
                _codes(economic, ["30217"]),
            )
            found += _at_least(
                "t7_t6.vehicle_operation",
                _three_public(document, tp.VEHICLE_OPERATION),
                _codes(economic, ["30231"]),
            )
            found += _office_operation(document, economic)
    return found


def _summaries_by_function(tables: dict[BudgetTable, Table]) -> list[Finding]:
    """Tables 1 and 4 against the tables that break the same money down by function."""
    found: list[Finding] = []
    pairs = [
        ("t1_t2.income", T1, Side.INCOME, T2, Measure.TOTAL, Measure.TOTAL),
        ("t1_t3.expenditure", T1, Side.EXPENDITURE, T3, Measure.TOTAL, Measure.TOTAL),
        ("t4_t5.general", T4, Side.EXPENDITURE, T5, Measure.GENERAL_BUDGET, Measure.TOTAL),
    ]
    for rule, summary_kind, side, detail_kind, measure, detail_measure in pairs:
        summary, detail = tables.get(summary_kind), tables.get(detail_kind)
        if summary is None or detail is None or measure not in summary.measures:
            continue
        # The detail table's total is the summary's 总计, or (where the summary carries money
        # over: 结转下年) the year's own 本年支出合计; either agreement is consistent.
        totals = [
            _item(summary, side, key, measure) for key in ("grand_total", "current_year_total")
        ]
        found += _either(rule, totals, _total(detail, detail_measure))
        subjects = detail.subjects()
        for row in summary.rows:  # the 类 rows a summary table names (一、一般公共服务支出)
            if row.side is not side or not row.code or row.code not in subjects:
                continue
            stated = _row(summary, row, measure, row.code)
            found += _equal(f"{rule}.class", _codes(detail, [row.code], detail_measure), stated)
    return found


def _office_operation(document: Document, economic: Table) -> list[Finding]:
    """机关运行经费 is the 公用经费 of 行政 and 参公 units: at most table 6's, and equal to it
    when every unit is one of those. Other units' 公用经费 make it less, which is no error."""
    office = _three_public(document, ThreePublicItem.OFFICE_OPERATION)
    operating = _total(economic, Measure.OPERATING)
    if office.amount is None or operating is None or operating.amount is None:
        return []
    difference = office.amount - operating.amount
    if 2 * abs(difference) <= max(office.quantum, operating.quantum):
        return []
    relation = "exceeds" if difference > 0 else "is less than"
    if difference > 0:
        severity = Severity.ERROR
    elif document.administrative_only:
        severity, relation = Severity.WARNING, "is less than (every unit is 行政 or 参公)"
    else:
        severity = Severity.INFO
        relation = "is less than (expected: not every unit is 行政 or 参公)"
    return [_finding("t7_t6.office_operation", severity, operating, office, relation)]
