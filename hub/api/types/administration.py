"""Regions and departments (行政区划, 部门)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from hub.api.context import Context
from hub.api.ids import encode_id
from hub.api.types.common import Info, Node
from hub.store import entities

if TYPE_CHECKING:
    from hub.api.types.disclosure import Disclosure

__all__ = ["Department", "Region", "Unit"]


@strawberry.type(description="地区 A region with its administrative division code (行政区划代码).")
class Region(Node):
    row: strawberry.Private[entities.Region]

    @strawberry.field(description="全局标识 Global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("Region", self.row.id))

    @strawberry.field(description="行政区划代码 Division code, e.g. 421200.")
    def code(self) -> str | None:
        return self.row.code

    @strawberry.field(description="名称 Name, e.g. 咸宁市.")
    def name(self) -> str:
        return self.row.name


@strawberry.type(description="预算单位 A budget unit of a department: 本部 and the others.")
class Unit(Node):
    row: strawberry.Private[entities.Unit]

    @strawberry.field(description="全局标识 Global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("Unit", self.row.id))

    @strawberry.field(description="单位编码 Unit code, where documents print one (209001).")
    def code(self) -> str | None:
        return self.row.code

    @strawberry.field(description="单位名称 Unit name.")
    def name(self) -> str:
        return self.row.name


@strawberry.type(description="部门 A department of a region, e.g. 209 咸宁市经济和信息化局.")
class Department(Node):
    row: strawberry.Private[entities.Department]

    @strawberry.field(description="全局标识 Global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("Department", self.row.id))

    @strawberry.field(description="部门编码 Department code, where documents print one.")
    def code(self) -> str | None:
        return self.row.code

    @strawberry.field(description="部门名称 Department name.")
    def name(self) -> str:
        return self.row.name

    @strawberry.field(description="预算单位 The department's units, as its documents list them.")
    async def units(self, info: Info[Context, None]) -> list[Unit]:
        assert self.row.id is not None
        return [Unit(row=row) for row in await info.context.units.load(self.row.id)]

    @strawberry.field(description="地区 The region the department belongs to.")
    async def region(self, info: Info[Context, None]) -> Region:
        row = await info.context.regions.load(self.row.region_id)
        assert row is not None
        return Region(row=row)

    @strawberry.field(
        description="预算公开 The department's current disclosures, newest year first; "
        "with `year`, that year's only."
    )
    async def disclosures(
        self, info: Info[Context, None], year: int | None = None
    ) -> list[Annotated[Disclosure, strawberry.lazy("hub.api.types.disclosure")]]:
        from hub.api.types.disclosure import Disclosure

        page = await info.context.reader.disclosure_page(
            region=None,
            year=year,
            department=None,
            include_superseded=False,
            first=100,
            after=None,
            department_id=self.row.id,
        )
        rows = sorted((row for _, row in page.items), key=lambda d: -d.fiscal_year)
        return [Disclosure(row=row) for row in rows]
