"""The corpus budgets of every region, read by the one reader: each amount of the functional
(一般公共预算支出) and economic (基本支出) tables row by row and column by column, the summary
totals, the “三公” figures and every project's performance targets, against the figures in
tests/parse/figures (read off the PDFs by a person and cross-checked with a second extraction)."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from hub.catalog import Catalog
from hub.check import check_document
from hub.domain import BudgetTable, LineKind, Measure, Scheme, Side, TargetKind, ThreePublicItem
from hub.money import AmountUnit
from hub.parse.cells import comparable, parse_amount
from hub.parse.model import Document, Overrides, Table
from hub.parse.reader import read_document
from tests.corpus import corpus_file
from tests.parse.figures import FIGURES

DOCUMENTS = sorted(FIGURES)
_MEASURES = {m.value for m in Measure}
_CATALOG = Catalog.shipped()
_THREE_PUBLIC = {
    "total": ThreePublicItem.TOTAL,
    "overseas": ThreePublicItem.OVERSEAS,
    "reception": ThreePublicItem.RECEPTION,
    "vehicles": ThreePublicItem.VEHICLES,
    "vehicle_purchase": ThreePublicItem.VEHICLE_PURCHASE,
    "vehicle_operation": ThreePublicItem.VEHICLE_OPERATION,
}


@cache
def _read(name: str) -> Document:
    figures = FIGURES[name]
    overrides = Overrides(**figures.get("overrides", {}))
    narrative = figures.get("narrative")
    return read_document(
        corpus_file(figures["file"], figures["sha256"]),
        overrides,
        corpus_file(narrative, _SHA256[narrative]) if narrative else None,
    )


_SHA256 = {
    "bj-sfj-2026-dept.pdf": "68f4235a33f70a6adcc9fc03e08306497157c4e6d59293d2e0663587fde4fcc6"
}


def _fen(text: str, unit: AmountUnit) -> int | None:
    return parse_amount(text, unit)[0] if text.strip() else None


def _rows(table: Table, measures: list[Measure]) -> list[tuple[str, str, list[int | None]]]:
    return [
        (row.code or "", row.printed_name, [row.amount(m) for m in measures]) for row in table.rows
    ]


def _printed(expected: dict[str, Any], scheme: Scheme) -> tuple[list[Measure], list[Any]]:
    unit = AmountUnit(expected["unit"])
    columns: list[str] = expected["columns"]
    kept = [i for i, c in enumerate(columns) if c in _MEASURES]
    rows = []
    for line in expected["rows"]:
        code, printed_code, name, *amounts = (part.strip() for part in line.split("|"))
        if not printed_code and not _CATALOG.knows(scheme, code):
            code = ""  # a names-only row the catalog cannot certify: kept by its name
        rows.append((code, name, [_fen(amounts[i], unit) for i in kept]))
    return [Measure(columns[i]) for i in kept], rows


_TABLES = {
    "functional": BudgetTable.GENERAL_FUNCTIONAL,
    "economic": BudgetTable.GENERAL_BASIC_ECONOMIC,
    "fiscal_functional": BudgetTable.FISCAL_FUNCTIONAL,
    "fiscal_economic": BudgetTable.FISCAL_BASIC_ECONOMIC,
}
CLASSIFIED = [(name, key) for name in DOCUMENTS for key in _TABLES if key in FIGURES[name]]


@pytest.mark.parametrize(("name", "key"), CLASSIFIED)
def test_every_amount_of_the_functional_and_economic_tables(name: str, key: str) -> None:
    expected = FIGURES[name][key]
    kind = BudgetTable(expected.get("table", _TABLES[key]))
    document = _read(name)
    assert kind in document.tables, [u.reason for u in document.unread_tables]
    table = document.tables[kind]
    assert table.scheme is not None
    measures, rows = _printed(expected, table.scheme)
    assert table.unit is AmountUnit(expected["unit"])
    assert set(measures) <= set(table.measures), table.measures
    assert _rows(table, measures) == rows


@pytest.mark.parametrize("name", DOCUMENTS)
def test_identity_and_summary_totals(name: str) -> None:
    expected = FIGURES[name]
    document = _read(name)
    assert document.identity.department_name == expected["department"]
    assert document.identity.fiscal_year == expected["year"]
    summary = expected["summary"]
    table = document.tables[BudgetTable.INCOME_EXPENDITURE_SUMMARY]
    unit = AmountUnit(summary["unit"])
    totals = {
        side: [r.amount(Measure.TOTAL) for r in table.rows if r.side is side and r.item in _GRAND]
        for side in Side
    }
    assert totals[Side.INCOME][:1] == [_fen(summary["income_total"], unit)]
    assert totals[Side.EXPENDITURE][:1] == [_fen(summary["expenditure_total"], unit)]


_GRAND = {"grand_total"}


@pytest.mark.parametrize("name", DOCUMENTS)
def test_three_public(name: str) -> None:
    expected = FIGURES[name].get("three_public")
    document = _read(name)
    if expected is None:  # the document prints no “三公” table: none is made up
        assert document.three_public is None
        return
    assert document.three_public is not None, [u.reason for u in document.unread_tables]
    unit = AmountUnit(expected["unit"])
    for key, item in _THREE_PUBLIC.items():
        assert document.three_public.amount(item) == _fen(expected[key], unit), key


def test_names_only_rows_resolve_where_the_catalog_is_certain_and_are_kept_by_name_else() -> None:
    document = _read("hz_qxj_2026_dept")
    table = document.tables[BudgetTable.GENERAL_FUNCTIONAL]
    kept = [r.printed_name for r in table.rows if r.kind is LineKind.ITEM]
    # 20604 and 22005 (and so the items under them) are in no catalog source yet: not guessed.
    assert kept == [
        "技术研究与开发",
        "科技成果转化与扩散",
        "气象事务",
        "行政运行",
        "气象事业机构",
        "气象服务",
    ]
    assert all(r.matched_by_name for r in table.rows if r.kind is LineKind.SUBJECT)
    findings = check_document(document, Catalog.shipped())
    unresolved = [
        f.line
        for f in findings
        if f.rule == "catalog.unresolved_name" and f.table is BudgetTable.GENERAL_FUNCTIONAL
    ]
    assert unresolved == [19] * 6


@pytest.mark.parametrize("name", DOCUMENTS)
def test_a_unit_budget_is_known_from_a_department_budget(name: str) -> None:
    assert _read(name).identity.scope.value == FIGURES[name]["scope"]


@pytest.mark.parametrize(
    ("name", "breakdown", "item", "amount"),
    [
        # a row per unit beside the 合计 row (Hangzhou)
        ("hz_qxj_2026_dept", "杭州市气象局", ThreePublicItem.TOTAL, "13.13"),
        (
            "hz_qxj_2026_dept",
            "杭州市气象服务中心（杭州市预警信息发布中心）",
            ThreePublicItem.TOTAL,
            "10.89",
        ),
        (
            "hz_qxj_2026_dept",
            "杭州市气象服务中心（杭州市预警信息发布中心）",
            ThreePublicItem.RECEPTION,
            "0.09",
        ),
        # a row per year (Shenzhen): the prior year and the change kept as what they are
        ("sz_tjj_2026_dept", "深圳市统计局（本级） 2025年", ThreePublicItem.TOTAL, "59.62"),
        ("sz_tjj_2026_dept", "增减变化金额", ThreePublicItem.OVERSEAS, "-27.07"),
    ],
)
def test_three_public_rows_by_unit_or_year_are_kept_beside_the_department(
    name: str, breakdown: str, item: ThreePublicItem, amount: str
) -> None:
    table = _read(name).three_public
    assert table is not None
    read = [r.amount for r in table.rows if r.breakdown == breakdown and r.item is item]
    assert read[:1] == [_fen(amount, table.unit)]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_projects_and_their_indicators(name: str) -> None:
    """Every project of the 项目绩效目标表 and the department's overall targets (page, name,
    amount, the start of its target) and every indicator (page, 一级 / 二级 / 三级指标, 指标值),
    in printed order."""
    expected = FIGURES[name].get("projects")
    document = _read(name)
    if expected is None:  # the document prints no project targets in a ruled table
        assert document.projects == []
        return
    read: list[tuple[object, ...]] = []
    for project in document.projects:
        target = comparable(project.annual_target or "")[:12]
        kind = "O" if project.kind is TargetKind.OVERALL else "P"
        read.append((kind, project.line, comparable(project.name), project.amount, target))
        read += [
            ("I", i.line, *map(comparable, (i.level1, i.level2, i.name, i.value_text)))
            for i in project.indicators
        ]
    unit = AmountUnit(expected["unit"])
    printed: list[tuple[object, ...]] = []
    unread = _UNREAD_PROJECTS.get(name, {})
    passed_by = False
    for row in expected["rows"]:
        kind, page, *fields = (field.strip() for field in row.split("|"))
        if kind in {"P", "O"}:
            project_name, amount, target = fields
            passed_by = any(project_name in names for names in unread.values())
            if not passed_by:
                printed.append(
                    (
                        kind,
                        int(page),
                        comparable(project_name),
                        _fen(amount, unit),
                        comparable(target),
                    )
                )
        elif not passed_by:
            printed.append(("I", int(page), *map(comparable, fields)))
    assert read == printed
    said = [(u.page, u.reason) for u in document.unread_tables if "targets of" in u.reason]
    assert [page for page, _ in said] == list(unread)
    assert all(unread[page][0] in reason for page, reason in said)


# Projects whose cells a page break leaves outside the table's rules (a merged cell's text
# printed beyond the page): which rows are whose is not certain, so they are reported unread.
_UNREAD_PROJECTS: dict[str, dict[int, list[str]]] = {
    "bj_sfj_2026_tables": {
        # the next project's name printed below p26's last rule, and beside p27's grid
        26: ["法援业务保障", "政府法治研究和法规规章汇编译审"],
        # the next project's name split over the p45/p46 break, outside both grids
        45: ["司法行政网络安全体系建设项目", "北京市公共法律网络平台升级改造项目"],
    },
    "xa_sjj_2026_dept": {
        37: ["购买中介机构审计服务"],  # 效益指 / 标 split over pp37-38
        42: ["西安市审计局"],  # overall targets: 产出指标 / 数量指标 split over pp42-43
    },
}


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_checks_find_no_error_in_a_consistent_document(name: str) -> None:
    """The corpus budgets' tables agree with one another, and each province's conventions
    hold: table 5 with or without what is carried over (北京, 国家信访局), 支出总计 with 结转下年
    (西南大学), a narrative's 基本支出预算 (江苏) or “三公”经费支出预算 (苏州) that is no total,
    人员经费 counted otherwise than 301 + 303 (长沙, 杭州, 西安: a warning). Only tables the
    reader could not read are errors."""
    document = _read(name)
    errors = [f for f in check_document(document, _CATALOG) if f.severity.value == "ERROR"]
    assert [(f.rule, f.message) for f in errors if f.rule != "table.unread"] == []
