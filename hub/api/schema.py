"""The GraphQL schema served at ``/graphql``."""

from __future__ import annotations

import strawberry
from graphql import lexicographic_sort_schema, print_schema

from hub import __version__

__all__ = ["schema", "schema_sdl"]


@strawberry.type(description="查询 The entry points of the Budget Hub API.")
class Query:
    @strawberry.field(description="版本 The version of the hub serving this API.")
    def version(self) -> str:
        return __version__


schema = strawberry.Schema(query=Query)


def schema_sdl() -> str:
    """The schema in SDL, types and fields sorted, as committed in ``schema.graphql``."""
    return print_schema(lexicographic_sort_schema(schema._schema)) + "\n"
