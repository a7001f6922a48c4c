"""The vocabulary every layer shares: classification schemes and levels, tables, columns.

This module imports no other part of the hub, so that ``parse`` (the first layer) may use it.
"""

from __future__ import annotations

from collections.abc import Container
from enum import StrEnum
from typing import Any

__all__ = [
    "MEASURES",
    "SPLITS",
    "AuditAction",
    "BudgetTable",
    "ChangeKind",
    "Comparator",
    "Level",
    "LineKind",
    "Measure",
    "NameSource",
    "Scheme",
    "Scope",
    "Severity",
    "Side",
    "SourceFormat",
    "StatedFigure",
    "TargetKind",
    "ThreePublicItem",
    "label",
    "level_of",
    "nearest_ancestor",
    "parent_of",
    "subtree_bounds",
]


class Scheme(StrEnum):
    """A classification scheme (科目体系)."""

    FUNCTIONAL = "FUNCTIONAL"
    """支出功能分类: what the money is for (215 资源勘探工业信息等支出)."""
    DEPARTMENTAL_ECONOMIC = "DEPARTMENTAL_ECONOMIC"
    """部门预算支出经济分类: what the money buys, as departments budget it (301 工资福利支出)."""
    GOVERNMENTAL_ECONOMIC = "GOVERNMENTAL_ECONOMIC"
    """政府预算支出经济分类: the same for the government budget as a whole (501 …)."""


class ChangeKind(StrEnum):
    """What happened to a disclosure version, as the change feed lists it."""

    LOADED = "LOADED"
    """A version was loaded and became current."""
    SUPERSEDED = "SUPERSEDED"
    """A version stopped being current because another was loaded or restored."""
    WITHDRAWN = "WITHDRAWN"
    """A version was withdrawn (撤回): kept, with its reason, but never current."""
    REINSTATED = "REINSTATED"
    """An earlier version became current again because the one after it was withdrawn."""
    RESTORED = "RESTORED"
    """A withdrawn version became current again, on request."""


class AuditAction(StrEnum):
    """What an audit entry records."""

    INGEST = "INGEST"
    WITHDRAW = "WITHDRAW"
    TOKEN_CREATED = "TOKEN_CREATED"
    TOKEN_REVOKED = "TOKEN_REVOKED"


class Level(StrEnum):
    """A node's depth in a classification tree, read from the length of its code."""

    CLASS = "CLASS"
    """类: three digits."""
    SECTION = "SECTION"
    """款: five digits."""
    ITEM = "ITEM"
    """项: seven digits."""


_LEVEL_BY_LENGTH = {3: Level.CLASS, 5: Level.SECTION, 7: Level.ITEM}
_DEEPEST = 7


def level_of(code: str) -> Level:
    """The level of a classification code: the code is the path (215 → 21505 → 2150517)."""
    if not code.isascii() or not code.isdigit() or len(code) not in _LEVEL_BY_LENGTH:
        raise ValueError(f"not a classification code: {code!r} (expected 3, 5 or 7 digits)")
    return _LEVEL_BY_LENGTH[len(code)]


def parent_of(code: str) -> str | None:
    """The parent's code (the code minus its last two digits), or None for a 类."""
    return None if level_of(code) is Level.CLASS else code[:-2]


def nearest_ancestor(code: str, present: Container[str]) -> str | None:
    """The closest ancestor of ``code`` among ``present`` (a table may skip a level)."""
    parent = parent_of(code)
    while parent is not None and parent not in present:
        parent = parent_of(parent)
    return parent


def subtree_bounds(code: str) -> tuple[str, str]:
    """Inclusive bounds ``(low, high)`` of the codes in the subtree rooted at ``code``.

    ``code BETWEEN low AND high`` selects the node and all its descendants with an index range
    scan: codes are digit strings, so every descendant sorts between the code itself and the
    code padded with nines to the deepest level (215 → 2159999).
    """
    level_of(code)
    return code, code.ljust(_DEEPEST, "9")


class BudgetTable(StrEnum):
    """One of the standard tables of a departmental budget (预算01表 … 08表)."""

    INCOME_EXPENDITURE_SUMMARY = "INCOME_EXPENDITURE_SUMMARY"
    """部门收支总表 (table 1)."""
    INCOME_SUMMARY = "INCOME_SUMMARY"
    """部门收入总表 (table 2)."""
    EXPENDITURE_SUMMARY = "EXPENDITURE_SUMMARY"
    """部门支出总表 (table 3)."""
    FISCAL_SUMMARY = "FISCAL_SUMMARY"
    """财政拨款收支总表 (table 4)."""
    GENERAL_FUNCTIONAL = "GENERAL_FUNCTIONAL"
    """一般公共预算支出表（按功能科目到项级）(table 5)."""
    GENERAL_BASIC_ECONOMIC = "GENERAL_BASIC_ECONOMIC"
    """一般公共预算基本支出表（按经济科目到款级）(table 6)."""
    THREE_PUBLIC = "THREE_PUBLIC"
    """一般公共预算“三公”经费支出表 (table 7)."""
    FUND_FUNCTIONAL = "FUND_FUNCTIONAL"
    """政府性基金预算支出表（按功能科目到项级）(table 8)."""
    STATE_CAPITAL_FUNCTIONAL = "STATE_CAPITAL_FUNCTIONAL"
    """国有资本经营预算支出功能分类预算表: like table 5, for state capital operations money."""
    GENERAL_ECONOMIC = "GENERAL_ECONOMIC"
    """一般公共预算支出表（按经济分类）: basic and project expenditure by economic class, where a
    layout prints it (Shenzhen, Xi'an)."""
    FISCAL_FUNCTIONAL = "FISCAL_FUNCTIONAL"
    """财政拨款支出预算表（功能科目）: like table 5, for all fiscal appropriations (一般公共预算 and
    政府性基金 together), as Jiangsu and the central universities print it."""
    FISCAL_BASIC_ECONOMIC = "FISCAL_BASIC_ECONOMIC"
    """财政拨款基本支出预算表（经济科目）: like table 6, for all fiscal appropriations."""


class NameSource(StrEnum):
    """Where a classification code's name for a year comes from."""

    OFFICIAL = "OFFICIAL"
    """The catalog's official list (fixtures/catalog) for that year."""
    OBSERVED = "OBSERVED"
    """What the documents loaded print for the code that year, where no official list has it."""


class TargetKind(StrEnum):
    """Whose performance targets (绩效目标) a table sets."""

    PROJECT = "PROJECT"
    """项目支出绩效目标: a project's."""
    OVERALL = "OVERALL"
    """部门整体支出绩效目标: the department's (or a unit's) spending as a whole."""


class Scope(StrEnum):
    """Whose budget a disclosure is."""

    DEPARTMENT = "DEPARTMENT"
    """部门预算: a department's, its units' figures included."""
    UNIT = "UNIT"
    """单位预算: one budget unit's own (预算单位…表)."""


class Measure(StrEnum):
    """An amount column of a budget table, named for what it measures."""

    TOTAL = "total"
    """合计 / 预算数."""
    BASIC = "basic"
    """基本保障支出（小计）: personnel + operating."""
    PERSONNEL = "personnel"
    """人员经费支出."""
    OPERATING = "operating"
    """标准公用经费支出."""
    PROJECT = "project"
    """项目支出（小计）."""
    PROJECT_REGULAR = "project_regular"
    """经常性项目."""
    PROJECT_ONE_OFF = "project_one_off"
    """当年一次性项目."""
    PROJECT_MULTI_YEAR = "project_multi_year"
    """跨年一次性项目."""
    CONTINGENCY = "contingency"
    """项目支出不可预见费."""
    BUSINESS = "business"
    """事业单位经营支出."""
    SUBSIDIARY = "subsidiary"
    """对附属单位补助支出."""
    REMIT = "remit"
    """上缴上级支出."""
    FISCAL_GRANT = "fiscal_grant"
    """财政拨款收入: income from fiscal appropriations (收入预算总表)."""
    INSTITUTION_INCOME = "institution_income"
    """事业收入."""
    INSTITUTION_BUSINESS_INCOME = "institution_business_income"
    """事业单位经营收入."""
    OTHER_INCOME = "other_income"
    """其他收入."""
    GENERAL_BUDGET = "general_budget"
    """一般公共预算: the general public budget's share (财政拨款收支预算总表)."""
    GOVERNMENT_FUND = "government_fund"
    """政府性基金预算: the government funds' share."""
    STATE_CAPITAL = "state_capital"
    """国有资本经营预算: the state capital operations budget's share."""


MEASURES: tuple[tuple[Measure, str], ...] = tuple((m, m.value) for m in Measure)
"""Every measure with its column name, in order: iterating an enum anew costs more than the
work done per measure where every node's amounts are handled."""

SPLITS: tuple[tuple[Measure, tuple[Measure, ...]], ...] = (
    (Measure.TOTAL, (Measure.BASIC, Measure.PROJECT)),
    (Measure.TOTAL, (Measure.PERSONNEL, Measure.OPERATING)),
    (
        Measure.TOTAL,
        (
            Measure.FISCAL_GRANT,
            Measure.INSTITUTION_INCOME,
            Measure.INSTITUTION_BUSINESS_INCOME,
            Measure.OTHER_INCOME,
        ),
    ),
    (Measure.TOTAL, (Measure.GENERAL_BUDGET, Measure.GOVERNMENT_FUND, Measure.STATE_CAPITAL)),
    (Measure.BASIC, (Measure.PERSONNEL, Measure.OPERATING)),
)
"""Columns that add up to another in every row: 合计 = 基本支出 + 项目支出, 基本支出 = 人员经费 +
公用经费, …"""


class LineKind(StrEnum):
    """What a row of a budget table stands for."""

    TOTAL = "TOTAL"
    """合计: the table's grand total."""
    DEPARTMENT = "DEPARTMENT"
    """A department's row (209 咸宁市经济和信息化局)."""
    UNIT = "UNIT"
    """A budget unit's row (209001 …本级)."""
    SUBJECT = "SUBJECT"
    """A node of a classification tree (科目)."""
    ITEM = "ITEM"
    """A labelled item of a summary table (一、一般公共预算拨款)."""


class Side(StrEnum):
    """The half of a two-sided summary table a row stands in."""

    INCOME = "INCOME"
    """收入."""
    EXPENDITURE = "EXPENDITURE"
    """支出."""


class Severity(StrEnum):
    """How much a reconciliation finding matters."""

    ERROR = "ERROR"
    """The figures contradict each other beyond rounding."""
    WARNING = "WARNING"
    """Something is missing or odd, but the figures may still be right."""
    ROUNDING = "ROUNDING"
    """A difference the printed precision explains."""
    INFO = "INFO"
    """Worth knowing; nothing wrong."""


class ThreePublicItem(StrEnum):
    """A line of the “三公” table."""

    TOTAL = "TOTAL"
    """合计."""
    OVERSEAS = "OVERSEAS"
    """因公出国（境）费用."""
    RECEPTION = "RECEPTION"
    """公务接待费."""
    VEHICLES = "VEHICLES"
    """公车购置及运行维护费."""
    VEHICLE_PURCHASE = "VEHICLE_PURCHASE"
    """公务用车购置."""
    VEHICLE_OPERATION = "VEHICLE_OPERATION"
    """公务用车运行维护费."""
    OFFICE_OPERATION = "OFFICE_OPERATION"
    """机关运行经费: printed beside the “三公” figures; not one of them."""


class StatedFigure(StrEnum):
    """A figure the narrative states, which the tables also print."""

    FUNCTIONAL_ITEM = "FUNCTIONAL_ITEM"
    """A 项 of the functional tree: “一般公共服务支出（类）…（款）…（项）”25.77万元."""
    INCOME_TOTAL = "INCOME_TOTAL"
    """收入预算 15621.11 万元: table 1's 收入总计."""
    EXPENDITURE_TOTAL = "EXPENDITURE_TOTAL"
    """支出预算 15621.11 万元: table 1's 支出总计."""
    THREE_PUBLIC_TOTAL = "THREE_PUBLIC_TOTAL"
    """“三公”经费预算数为 47.91 万元."""
    OFFICE_OPERATION = "OFFICE_OPERATION"
    """机关运行经费预算为 443.18 万元."""


class Comparator(StrEnum):
    """The comparison a performance indicator's target value states (≥10 个)."""

    GE = "GE"
    LE = "LE"
    GT = "GT"
    LT = "LT"
    EQ = "EQ"


class SourceFormat(StrEnum):
    """The format of a disclosure's source file."""

    TEXT = "TEXT"
    """Text converted from the published PDF (the seed's format)."""
    PDF = "PDF"
    """The published PDF itself."""


_LABELS: dict[type[StrEnum], dict[Any, str]] = {
    BudgetTable: {  # 表: as documents title them for short
        BudgetTable.INCOME_EXPENDITURE_SUMMARY: "部门收支总表",
        BudgetTable.INCOME_SUMMARY: "部门收入总表",
        BudgetTable.EXPENDITURE_SUMMARY: "部门支出总表",
        BudgetTable.FISCAL_SUMMARY: "财政拨款收支总表",
        BudgetTable.GENERAL_FUNCTIONAL: "一般公共预算支出表（功能科目）",
        BudgetTable.GENERAL_BASIC_ECONOMIC: "一般公共预算基本支出表（经济科目）",
        BudgetTable.THREE_PUBLIC: "“三公”经费支出表",
        BudgetTable.FUND_FUNCTIONAL: "政府性基金预算支出表",
        BudgetTable.STATE_CAPITAL_FUNCTIONAL: "国有资本经营预算支出表",
        BudgetTable.GENERAL_ECONOMIC: "一般公共预算支出表（经济科目）",
        BudgetTable.FISCAL_FUNCTIONAL: "财政拨款支出表（功能科目）",
        BudgetTable.FISCAL_BASIC_ECONOMIC: "财政拨款基本支出表（经济科目）",
    },
    Measure: {  # 列: the amount columns
        Measure.TOTAL: "合计",
        Measure.BASIC: "基本支出",
        Measure.PERSONNEL: "人员经费",
        Measure.OPERATING: "公用经费",
        Measure.PROJECT: "项目支出",
        Measure.PROJECT_REGULAR: "经常性项目",
        Measure.PROJECT_ONE_OFF: "当年一次性项目",
        Measure.PROJECT_MULTI_YEAR: "跨年一次性项目",
        Measure.CONTINGENCY: "项目支出不可预见费",
        Measure.BUSINESS: "事业单位经营支出",
        Measure.SUBSIDIARY: "对附属单位补助支出",
        Measure.REMIT: "上缴上级支出",
        Measure.FISCAL_GRANT: "财政拨款收入",
        Measure.INSTITUTION_INCOME: "事业收入",
        Measure.INSTITUTION_BUSINESS_INCOME: "事业单位经营收入",
        Measure.OTHER_INCOME: "其他收入",
        Measure.GENERAL_BUDGET: "一般公共预算",
        Measure.GOVERNMENT_FUND: "政府性基金预算",
        Measure.STATE_CAPITAL: "国有资本经营预算",
    },
    Scheme: {  # 科目体系
        Scheme.FUNCTIONAL: "支出功能分类",
        Scheme.DEPARTMENTAL_ECONOMIC: "部门预算支出经济分类",
        Scheme.GOVERNMENTAL_ECONOMIC: "政府预算支出经济分类",
    },
    Level: {  # 级次
        Level.CLASS: "类",
        Level.SECTION: "款",
        Level.ITEM: "项",
    },
    ThreePublicItem: {  # “三公”
        ThreePublicItem.TOTAL: "合计",
        ThreePublicItem.OVERSEAS: "因公出国（境）费用",
        ThreePublicItem.RECEPTION: "公务接待费",
        ThreePublicItem.VEHICLES: "公务用车购置及运行维护费",
        ThreePublicItem.VEHICLE_PURCHASE: "公务用车购置费",
        ThreePublicItem.VEHICLE_OPERATION: "公务用车运行维护费",
        ThreePublicItem.OFFICE_OPERATION: "机关运行经费",
    },
}


def label(member: StrEnum) -> str:
    """The Chinese a reader knows a table, column, scheme, level or “三公” item by."""
    return _LABELS[type(member)][member]
