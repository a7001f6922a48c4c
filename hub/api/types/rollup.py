"""A classification node summed over every department's current disclosure of a year."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import strawberry

from hub import domain
from hub.api.context import Context
from hub.api.ids import encode_id
from hub.api.types.administration import Department
from hub.api.types.common import Info, Level, Node, Scheme, part_id, wan
from hub.api.types.disclosure import Disclosure
from hub.query.rollups import MAX_SHARES, RollupKey, RollupRow

__all__ = ["RollupNode", "rollup"]

MAX_DEPARTMENTS = MAX_SHARES


async def rollup(info: Info[Context, None], key: RollupKey) -> RollupNode | None:
    rows = await info.context.subtree(key)
    return RollupNode(key=key, rows=rows) if key.code in rows else None


@strawberry.type(description="部门排名 A department's amount for a rollup node.")
class DepartmentAmount(Node):
    owner: strawberry.Private[str]
    department_id: strawberry.Private[int]
    disclosure_id: strawberry.Private[int]
    fen: strawberry.Private[int]

    @strawberry.field(description="全局标识 Global id.")
    def id(self) -> strawberry.ID:
        return part_id(self.owner, "byDepartment", self.department_id)

    @strawberry.field(description="部门 The department.")
    async def department(self, info: Info[Context, None]) -> Department:
        row = await info.context.departments.load(self.department_id)
        assert row is not None
        return Department(row=row)

    @strawberry.field(description="预算公开 The disclosure the amount comes from.")
    async def disclosure(self, info: Info[Context, None]) -> Disclosure:
        row = await info.context.disclosures.load(self.disclosure_id)
        assert row is not None
        return Disclosure(row=row)

    @strawberry.field(description="金额 Its stated total in 万元.")
    def total(self) -> Decimal:
        amount = wan(self.fen)
        assert amount is not None
        return amount


@strawberry.type(description="同比 The same node in another year.")
class YearComparison(Node):
    owner: strawberry.Private[str]

    @strawberry.field(description="全局标识 Global id.")
    def id(self) -> strawberry.ID:
        return part_id(self.owner, "inYear", self.year)

    year: int = strawberry.field(description="年度 The other year.")
    total: Decimal | None = strawberry.field(description="金额 Its total that year (万元).")
    change: Decimal | None = strawberry.field(
        description="变化 This year's total minus that year's (万元)."
    )
    ratio: Decimal | None = strawberry.field(
        description="比率 This year's total divided by that year's, to six decimals."
    )


@strawberry.type(description="汇总节点 A node summed over every department's current disclosure.")
class RollupNode(Node):
    key: strawberry.Private[RollupKey]
    rows: strawberry.Private[dict[str, RollupRow]]

    @property
    def row(self) -> RollupRow:
        return self.rows[self.key.code]

    @strawberry.field(description="全局标识 Global id.")
    def id(self) -> strawberry.ID:
        key = self.key
        return strawberry.ID(
            encode_id("RollupNode", key.scheme.value, key.year, key.region or "", key.code)
        )

    @strawberry.field(description="编码 Code.")
    def code(self) -> str:
        return self.key.code

    @strawberry.field(description="名称 Official name for the year.")
    async def name(self, info: Info[Context, None]) -> str | None:
        catalog = await info.context.reader.catalog()
        return catalog.name(self.key.scheme, self.key.code, self.key.year)

    @strawberry.field(description="级次 Level.")
    def level(self) -> Level:
        return domain.level_of(self.key.code)

    @strawberry.field(description="科目体系 Scheme.")
    def scheme(self) -> Scheme:
        return self.key.scheme

    @strawberry.field(description="年度 Fiscal year.")
    def year(self) -> int:
        return self.key.year

    @strawberry.field(
        description="合计 The sum of what every department states for the code (万元)."
    )
    def total(self) -> Decimal | None:
        return wan(self.row.total)

    @strawberry.field(description="部门数 How many departments print the code.")
    def department_count(self) -> int:
        return self.row.departments

    @strawberry.field(description="下级 The nodes one level down that any department prints.")
    def children(self) -> list[RollupNode]:
        # A 项 whose 款 no department prints hangs from the nearest code that is printed.
        return [
            RollupNode(
                key=RollupKey(self.key.scheme, self.key.year, self.key.region, child),
                rows=self.rows,
            )
            for child in sorted(self.rows)
            if domain.nearest_ancestor(child, self.rows) == self.key.code
        ]

    @strawberry.field(
        description="部门排名 Which departments spend it, largest first "
        f"(at most {MAX_DEPARTMENTS})."
    )
    async def by_department(
        self, info: Info[Context, None], first: int = 10
    ) -> list[DepartmentAmount]:
        shares = await info.context.rollup_shares.load(self.key)
        return [
            DepartmentAmount(
                owner=self.id(),
                department_id=s.department_id,
                disclosure_id=s.disclosure_id,
                fen=s.total,
            )
            for s in shares[: max(0, min(first, MAX_DEPARTMENTS))]
        ]

    @strawberry.field(description="同比 The same node in another year, where data exists.")
    async def in_year(self, info: Info[Context, None], year: int) -> YearComparison | None:
        key = self.key
        other = await info.context.rollup_totals.load(
            RollupKey(key.scheme, year, key.region, key.code)
        )
        if other is None:
            return None
        this, that = self.row.total, other.total
        change = None if this is None or that is None else wan(this - that)
        ratio = (
            None
            if this is None or not that
            else (Decimal(this) / Decimal(that)).quantize(Decimal("0.000001"), ROUND_HALF_EVEN)
        )
        return YearComparison(
            owner=self.id(), year=year, total=wan(that), change=change, ratio=ratio
        )
