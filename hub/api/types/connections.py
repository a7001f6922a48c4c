"""Relay connections: pages of departments and disclosures with cursors and a total count."""

from __future__ import annotations

import strawberry

from hub.api.types.administration import Department
from hub.api.types.disclosure import Disclosure
from hub.query.pages import Page
from hub.store import entities

__all__ = ["DepartmentConnection", "DisclosureConnection", "PageInfo"]


@strawberry.type(description="分页信息 Where a page stands in its list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="后面还有 More items follow.")
    has_previous_page: bool = strawberry.field(description="前面还有 Items come before.")
    start_cursor: str | None = strawberry.field(description="首游标 The first item's cursor.")
    end_cursor: str | None = strawberry.field(
        description="末游标 The last item's cursor; pass as `after`."
    )

    @classmethod
    def of(cls, page: Page[object]) -> PageInfo:
        cursors = [cursor for cursor, _ in page.items]
        return cls(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        )


@strawberry.type(description="部门条目 A department with its cursor.")
class DepartmentEdge:
    cursor: str = strawberry.field(description="游标 Cursor.")
    node: Department = strawberry.field(description="部门 The department.")


@strawberry.type(description="部门列表 A page of departments.")
class DepartmentConnection:
    edges: list[DepartmentEdge] = strawberry.field(description="条目 The page's departments.")
    page_info: PageInfo = strawberry.field(description="分页信息 Page information.")
    total_count: int = strawberry.field(description="总数 How many match, across all pages.")

    @classmethod
    def of(cls, page: Page[entities.Department]) -> DepartmentConnection:
        return cls(
            edges=[DepartmentEdge(cursor=c, node=Department(row=row)) for c, row in page.items],
            page_info=PageInfo.of(page),  # type: ignore[arg-type]
            total_count=page.total,
        )


@strawberry.type(description="预算公开条目 A disclosure with its cursor.")
class DisclosureEdge:
    cursor: str = strawberry.field(description="游标 Cursor.")
    node: Disclosure = strawberry.field(description="预算公开 The disclosure.")


@strawberry.type(description="预算公开列表 A page of disclosures.")
class DisclosureConnection:
    edges: list[DisclosureEdge] = strawberry.field(description="条目 The page's disclosures.")
    page_info: PageInfo = strawberry.field(description="分页信息 Page information.")
    total_count: int = strawberry.field(description="总数 How many match, across all pages.")

    @classmethod
    def of(cls, page: Page[entities.Disclosure]) -> DisclosureConnection:
        return cls(
            edges=[DisclosureEdge(cursor=c, node=Disclosure(row=row)) for c, row in page.items],
            page_info=PageInfo.of(page),  # type: ignore[arg-type]
            total_count=page.total,
        )
