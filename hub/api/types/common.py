"""What every part of the schema uses: the Node interface, the enums, amounts."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import strawberry

from hub import domain
from hub.api.ids import encode_id
from hub.domain import (
    BudgetTable,
    Comparator,
    Level,
    NameSource,
    Scheme,
    Scope,
    Severity,
    Side,
    TargetKind,
    ThreePublicItem,
)
from hub.money import wan

__all__ = [
    "Amounts",
    "BudgetTable",
    "Comparator",
    "Info",
    "Level",
    "Node",
    "Scheme",
    "Scope",
    "Severity",
    "Side",
    "TargetKind",
    "ThreePublicItem",
    "part_id",
    "utc",
    "wan",
]

Info = strawberry.Info

# The domain's own enums, registered with strawberry (exposed by member name).
strawberry.enum(
    Scheme,
    description="科目体系 Classification scheme: 支出功能分类 FUNCTIONAL, 部门预算支出经济分类 "
    "DEPARTMENTAL_ECONOMIC, 政府预算支出经济分类 GOVERNMENTAL_ECONOMIC.",
)
strawberry.enum(
    Level, description="科目级次 Level in a classification tree: 类 CLASS, 款 SECTION, 项 ITEM."
)
strawberry.enum(
    BudgetTable, description="预算表 One of the standard tables of a departmental budget."
)
strawberry.enum(
    Severity,
    description="严重程度 How much a finding matters: ERROR, WARNING, ROUNDING (the printed "
    "precision explains it) or INFO.",
)
strawberry.enum(
    Scope,
    description="预算范围 Whose budget: a department's (部门预算 DEPARTMENT, its units included) "
    "or one unit's own (单位预算 UNIT).",
)
strawberry.enum(Side, description="收支 Income (收入) or expenditure (支出) side.")
strawberry.enum(
    NameSource,
    description="名称来源 Where a code's name comes from: the official catalog, or the documents.",
)
strawberry.enum(
    TargetKind,
    description="绩效目标 Whose targets: a project's (项目支出 PROJECT) or the department's "
    "spending as a whole (部门整体支出 OVERALL).",
)
strawberry.enum(ThreePublicItem, description="“三公”经费 line.")
strawberry.enum(
    Comparator, description="比较 The comparison a target value states (≥ GE, ≤ LE, …)."
)


@strawberry.interface(description="节点 An object with a global id that `node(id:)` resolves.")
class Node:
    @strawberry.field(description="全局标识 Global id, stable across requests.")
    def id(self) -> strawberry.ID:
        raise NotImplementedError


def utc(moment: datetime) -> datetime:
    """A stored moment as UTC: SQLite keeps no time zone, and the hub writes UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def part_id(owner: str, field: str, *key: object) -> strawberry.ID:
    """The id of a value that belongs to a node: the node's id and the field that holds it."""
    return strawberry.ID(encode_id("Part", owner, field, *key))


@strawberry.type(
    description="金额 A row's amounts in 万元, exact, never rounded; null where the cell was blank."
)
class Amounts(Node):
    part: strawberry.Private[str]

    @strawberry.field(description="全局标识 Global id: the row's id and which amounts these are.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.part)

    total: Decimal | None = strawberry.field(description="合计 Total.")
    basic: Decimal | None = strawberry.field(description="基本保障支出（小计）Basic expenditure.")
    personnel: Decimal | None = strawberry.field(description="人员经费支出 Personnel.")
    operating: Decimal | None = strawberry.field(description="标准公用经费支出 Operating costs.")
    project: Decimal | None = strawberry.field(description="项目支出 Project expenditure.")
    project_regular: Decimal | None = strawberry.field(description="经常性项目 Regular projects.")
    project_one_off: Decimal | None = strawberry.field(
        description="当年一次性项目 One-off projects of the year."
    )
    project_multi_year: Decimal | None = strawberry.field(
        description="跨年一次性项目 One-off projects over several years."
    )
    contingency: Decimal | None = strawberry.field(
        description="项目支出不可预见费 Project contingency."
    )
    business: Decimal | None = strawberry.field(
        description="事业单位经营支出 Business expenditure."
    )
    subsidiary: Decimal | None = strawberry.field(
        description="对附属单位补助支出 Subsidies to affiliated units."
    )
    remit: Decimal | None = strawberry.field(description="上缴上级支出 Remittances upwards.")
    fiscal_grant: Decimal | None = strawberry.field(
        description="财政拨款收入 Income from fiscal appropriations."
    )
    institution_income: Decimal | None = strawberry.field(
        description="事业收入 Income of public institutions."
    )
    institution_business_income: Decimal | None = strawberry.field(
        description="事业单位经营收入 Business income of public institutions."
    )
    other_income: Decimal | None = strawberry.field(description="其他收入 Other income.")
    general_budget: Decimal | None = strawberry.field(
        description="一般公共预算 The general public budget's share."
    )
    government_fund: Decimal | None = strawberry.field(
        description="政府性基金预算 The government funds' share."
    )
    state_capital: Decimal | None = strawberry.field(
        description="国有资本经营预算 The state capital operations budget's share."
    )

    @classmethod
    def of(cls, amounts: dict[domain.Measure, int | None], owner: str, field: str) -> Amounts:
        values = {
            column: None if (fen := amounts.get(m)) is None else wan(fen)
            for m, column in domain.MEASURES
        }
        return cls(part=part_id(owner, field), **values)
