"""A node of the classification catalog (科目), for drilling anywhere by code."""

from __future__ import annotations

import strawberry

from hub import domain
from hub.api.context import Context
from hub.api.ids import encode_id
from hub.api.types.common import Info, Level, Node, Scheme
from hub.catalog import Catalog, CatalogRow

__all__ = ["Subject", "subject"]

MAX_DEPTH = 3


async def subject(
    info: Info[Context, None], scheme: domain.Scheme, code: str, year: int
) -> Subject | None:
    catalog = await info.context.reader.catalog()
    entry = catalog.entry(scheme, code, year)
    return Subject(entry=entry, year=year, catalog=catalog) if entry else None


@strawberry.type(
    description="科目 A node of a classification tree as the catalog has it for a year."
)
class Subject(Node):
    entry: strawberry.Private[CatalogRow]
    year: strawberry.Private[int]
    catalog: strawberry.Private[Catalog]

    def _near(self, code: str | None) -> Subject | None:
        entry = self.catalog.entry(self.entry.scheme, code, self.year) if code else None
        return Subject(entry=entry, year=self.year, catalog=self.catalog) if entry else None

    @strawberry.field(description="全局标识 Global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(
            encode_id("Subject", self.entry.scheme.value, self.entry.code, self.year)
        )

    @strawberry.field(description="科目体系 Scheme.")
    def scheme(self) -> Scheme:
        return self.entry.scheme

    @strawberry.field(description="编码 Code.")
    def code(self) -> str:
        return self.entry.code

    @strawberry.field(description="名称 Official name for the year.")
    def name(self) -> str:
        return self.entry.name

    @strawberry.field(description="级次 Level.")
    def level(self) -> Level:
        return self.entry.level

    @strawberry.field(name="year", description="年度 The fiscal year the name is given for.")
    def fiscal_year(self) -> int:
        return self.year

    @strawberry.field(description="起始年度 First fiscal year of this name.")
    def valid_from(self) -> int:
        return self.entry.valid_from

    @strawberry.field(description="终止年度 Last fiscal year of this name; null while in force.")
    def valid_to(self) -> int | None:
        return self.entry.valid_to

    @strawberry.field(description="上级 The node one level up; null for a 类.")
    def parent(self) -> Subject | None:
        return self._near(self.entry.parent_code)

    @strawberry.field(description="路径 The breadcrumb from the 类 down to this node's parent.")
    def ancestors(self) -> list[Subject]:
        found: list[Subject] = []
        code = self.entry.parent_code
        while code:
            near = self._near(code)
            if near is None:
                break
            found.insert(0, near)
            code = near.entry.parent_code
        return found

    @strawberry.field(description="下级 The nodes one level down that the catalog holds.")
    def children(self) -> list[Subject]:
        return [
            Subject(entry=row, year=self.year, catalog=self.catalog)
            for row in self.catalog.children(self.entry.scheme, self.entry.code, self.year)
        ]

    @strawberry.field(
        description=f"后代 Every node below, down to `depth` levels (1 to {MAX_DEPTH}), "
        "parents before their children."
    )
    def descendants(self, depth: int = MAX_DEPTH) -> list[Subject]:
        found: list[Subject] = []
        level = [self]
        for _ in range(max(0, min(depth, MAX_DEPTH))):
            level = [child for node in level for child in node.children()]
            found.extend(level)
        return sorted(found, key=lambda s: s.entry.code)
