"""Every amount of the two real Shanghai PDFs, table by table, row by row, column by column."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from hub.catalog import Catalog
from hub.check import check_document
from hub.domain import BudgetTable, Measure, ThreePublicItem
from hub.money import AmountUnit
from hub.parse.cells import parse_amount
from hub.parse.model import Document
from hub.parse.reader import read_document
from tests.corpus import NAMES, corpus_file
from tests.parse.corpus_figures import CORPUS


@cache
def _read(name: str) -> Document:
    return read_document(corpus_file(name))


def _fen(text: str, unit: AmountUnit) -> int | None:
    return parse_amount(text, unit)[0]


@pytest.mark.parametrize("name", NAMES)
def test_every_amount_of_tables_1_to_9(name: str) -> None:
    document = _read(name)
    expected: dict[str, Any] = CORPUS[name]
    assert document.identity.department_name == expected["department"]
    assert document.identity.fiscal_year == expected["year"]
    assert [u.name for u in document.identity.units] == expected["units"]
    tables: dict[str, tuple[str, list[str], list[str]]] = expected["tables"]
    assert sorted(k.value for k in document.tables) == sorted(tables)
    for kind, (unit_text, measures, lines) in tables.items():
        table = document.tables[BudgetTable(kind)]
        unit = AmountUnit(unit_text)
        assert (table.unit, [m.value for m in table.measures]) == (unit, measures), kind
        read = []
        for row in table.rows:
            first = row.side.value if row.side else (row.printed_code or row.code or "")
            read.append((first, row.printed_name, [row.amount(m) for m in table.measures]))
        printed = []
        for line in lines:
            first, label, *amounts = line.split(" | ")
            printed.append((first, label, [_fen(a, unit) for a in amounts]))
        assert read == printed, kind
    tp_unit, tp_amounts = expected["three_public"]
    assert document.three_public is not None
    assert document.three_public.unit is AmountUnit(tp_unit)
    assert {r.item: r.amount for r in document.three_public.rows} == {
        ThreePublicItem(k): _fen(v, AmountUnit(tp_unit)) for k, v in tp_amounts.items()
    }


@pytest.mark.parametrize("name", NAMES)
def test_findings(name: str) -> None:
    document = _read(name)
    found = {
        (f.rule, f.severity.value, f.code) for f in check_document(document, Catalog.shipped())
    }
    assert found == set(CORPUS[name]["findings"])


def test_the_narrative_misstatement_and_the_empty_note_are_found() -> None:
    finance = _read("putuo-finance-bureau-2025-budget.pdf")
    [misstated] = [
        f for f in check_document(finance, Catalog.shipped()) if f.rule == "narrative.amount"
    ]
    # 职业年金 887.36 万元 in the text; 873,617.00 元 in the tables
    assert (misstated.code, misstated.actual, misstated.expected) == (
        "2080506",
        887_360_000,
        87_361_700,
    )
    wanli = _read("putuo-wanli-2024-budget.pdf")
    rules = {f.rule for f in check_document(wanli, Catalog.shipped())}
    assert {"table.declared_empty", "t7_t6.office_operation"} <= rules
    economic = wanli.tables[BudgetTable.GENERAL_BASIC_ECONOMIC].subjects()
    assert (economic["30102"].printed_code, economic["30102"].amount(Measure.TOTAL)) == (
        "301 2",
        1_662_381_000,
    )
