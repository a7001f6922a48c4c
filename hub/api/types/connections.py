"""Relay connections: pages of departments and disclosures with cursors and a total count."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import strawberry

from hub.query.pages import Page

__all__ = ["Connection", "PageInfo", "connection"]

Item = TypeVar("Item")
Row = TypeVar("Row")


@strawberry.type(description="分页信息 Where a page stands in its list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="后面还有 More items follow.")
    has_previous_page: bool = strawberry.field(description="前面还有 Items come before.")
    start_cursor: str | None = strawberry.field(description="首游标 The first item's cursor.")
    end_cursor: str | None = strawberry.field(
        description="末游标 The last item's cursor; pass it as `after` for the next page."
    )


@strawberry.type(description="条目 An item of a list with its cursor.")
class Edge(Generic[Item]):
    cursor: str = strawberry.field(description="游标 Cursor.")
    node: Item = strawberry.field(description="对象 The item.")


@strawberry.type(description="列表 A page of a list.")
class Connection(Generic[Item]):
    edges: list[Edge[Item]] = strawberry.field(description="条目 The page's items.")
    page_info: PageInfo = strawberry.field(description="分页信息 Page information.")
    total_count: int = strawberry.field(description="总数 How many match, across all pages.")


def connection(page: Page[Row], wrap: Callable[[Row], Item]) -> Connection[Item]:
    cursors = [cursor for cursor, _ in page.items]
    return Connection(
        edges=[Edge(cursor=cursor, node=wrap(row)) for cursor, row in page.items],
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        ),
        total_count=page.total,
    )
