"""Reconciliation over the nine-table layout: the sample PDF, read once, a figure changed."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace

import pytest

from hub.catalog import Catalog
from hub.check import check_document
from hub.domain import BudgetTable, Measure, Severity, Side, StatedFigure, ThreePublicItem
from hub.money import AmountUnit
from hub.parse.model import Claim, Document
from hub.parse.reader import read_document
from tests.parse.sample_pdf import write_sample

YUAN = 100
T1, T2 = BudgetTable.INCOME_EXPENDITURE_SUMMARY, BudgetTable.INCOME_SUMMARY
T5, T6 = BudgetTable.GENERAL_FUNCTIONAL, BudgetTable.GENERAL_BASIC_ECONOMIC


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Document:
    return read_document(write_sample(tmp_path_factory.mktemp("pdf")))


def found(
    sample: Document, change: Callable[[Document], None]
) -> set[tuple[str, Severity, str | None, int | None]]:
    """The findings a changed copy has that the sample has not."""
    before = {
        (f.rule, f.severity, f.code, f.difference)
        for f in check_document(sample, Catalog.shipped())
    }
    document = copy.deepcopy(sample)
    change(document)
    after = {
        (f.rule, f.severity, f.code, f.difference)
        for f in check_document(document, Catalog.shipped())
    }
    return after - before


def test_income_total_against_table_2(sample: Document) -> None:
    def change(document: Document) -> None:
        row = document.tables[T1].item(Side.INCOME, "grand_total")
        assert row is not None
        row.amounts[Measure.TOTAL] = 1_501_000 * YUAN

    assert found(sample, change) == {
        ("t1_t2.income", Severity.ERROR, None, -1_000 * YUAN),  # table 2 says 150.00 万元
        ("t1.balance", Severity.ERROR, None, -1_000 * YUAN),
    }


def test_a_difference_the_coarser_table_cannot_show_is_rounding(sample: Document) -> None:
    def change(document: Document) -> None:
        row = document.tables[T1].item(Side.INCOME, "grand_total")
        assert row is not None
        row.amounts[Measure.TOTAL] = 1_500_040 * YUAN  # 150.00 万元 to two decimals

    assert ("t1_t2.income", Severity.ROUNDING, None, -40 * YUAN) in found(sample, change)


def test_a_class_of_table_1_against_table_3(sample: Document) -> None:
    def change(document: Document) -> None:
        # 支出预算总表 prints what table 5 prints when all money is 一般公共预算
        t3 = replace(document.tables[T5], kind=BudgetTable.EXPENDITURE_SUMMARY)
        document.tables[BudgetTable.EXPENDITURE_SUMMARY] = t3
        row = next(r for r in document.tables[T1].rows if r.code == "210")
        row.amounts[Measure.TOTAL] = 305_000 * YUAN

    assert found(sample, change) == {
        # the 类 row against table 3's 210 (the 支出总计 row, unchanged, still agrees)
        ("t1_t3.expenditure.class", Severity.ERROR, "210", 5_000 * YUAN),
    }


def test_a_row_whose_columns_do_not_add_up(sample: Document) -> None:
    def change(document: Document) -> None:
        row = document.tables[T6].subjects()["30101"]
        row.amounts[Measure.PERSONNEL] = 299_000 * YUAN

    assert found(sample, change) == {
        ("columns", Severity.ERROR, "30101", 1_000 * YUAN),
        ("subtotal", Severity.ERROR, "301", 1_000 * YUAN),
        ("subtotal", Severity.ERROR, None, 1_000 * YUAN),  # the 合计 row's 人员经费
    }


def rules(document: Document, rule: str) -> set[tuple[str, Severity, str | None, int | None]]:
    return {
        (f.rule, f.severity, f.code, f.difference)
        for f in check_document(document, Catalog.shipped())
        if f.rule == rule
    }


def changed(sample: Document, change: Callable[[Document], None]) -> Document:
    document = copy.deepcopy(sample)
    change(document)
    return document


@pytest.mark.parametrize(
    ("office", "administrative_only", "expected"),
    [
        (100_000, False, None),  # equal to 公用经费
        (110_000, False, (Severity.ERROR, 10_000 * YUAN)),  # more is never right
        (90_000, True, (Severity.WARNING, -10_000 * YUAN)),  # every unit 行政 or 参公
        (90_000, False, (Severity.INFO, -10_000 * YUAN)),  # a 事业单位 among them
    ],
)
def test_office_operation_against_operating_costs(
    sample: Document,
    office: int,
    administrative_only: bool,
    expected: tuple[Severity, int] | None,
) -> None:
    def change(document: Document) -> None:
        assert document.three_public is not None
        [row] = [
            r for r in document.three_public.rows if r.item is ThreePublicItem.OFFICE_OPERATION
        ]
        row.amount = office * YUAN
        document.administrative_only = administrative_only

    found = rules(changed(sample, change), "t7_t6.office_operation")
    if expected is None:
        assert found == set()
    else:
        assert found == {("t7_t6.office_operation", expected[0], None, expected[1])}


def test_a_narrative_amount_within_one_unit_of_its_last_place_is_no_finding(
    sample: Document,
) -> None:
    assert rules(sample, "narrative.amount") == {
        ("narrative.amount", Severity.ERROR, "2101101", 3_000_000 - 30_000_000)  # 3.00 for 30.00
    }

    def change(document: Document) -> None:
        document.claims[1] = replace(document.claims[1], amount=30_009_900)  # 30.0099 万元

    assert rules(changed(sample, change), "narrative.amount") == set()


def test_a_declared_empty_table_with_only_zeros_is_no_finding(sample: Document) -> None:
    def change(document: Document) -> None:
        assert document.three_public is not None
        for row in document.three_public.rows:
            row.amount = None if row.amount is None else 0

    assert rules(sample, "table.declared_empty") != set()
    assert rules(changed(sample, change), "table.declared_empty") == set()


def test_a_total_the_narrative_misstates(sample: Document) -> None:
    def change(document: Document) -> None:
        document.claims.append(
            Claim(5, StatedFigure.INCOME_TOTAL, (), 151_000_000, AmountUnit.WAN_YUAN, 10_000)
        )

    # 151.00 万元 stated; table 1's 收入总计 prints 1,500,000 元
    assert found(sample, change) == {("narrative.amount", Severity.ERROR, None, 1_000_000)}
