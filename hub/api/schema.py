"""The GraphQL schema served at ``/graphql``, with the limits that protect it."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import ExecutionResult, GraphQLError, lexicographic_sort_schema, print_schema
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.types import ExecutionContext

from hub.api.errors import ErrorCodes, ErrorCodesWithSuggestions, Masked, UserError
from hub.api.query import Query
from hub.api.types.catalog import Subject
from hub.api.types.disclosure import (
    BudgetNode,
    Finding,
    GlossaryEntry,
    Indicator,
    NarrativeSection,
    Project,
    SummaryLine,
    ThreePublicLine,
)
from hub.api.types.rollup import RollupNode

__all__ = ["Limits", "make_schema", "schema", "schema_sdl"]


@dataclass(frozen=True)
class Limits:
    """How much one request may ask for."""

    max_depth: int = 15
    max_tokens: int = 5_000
    max_aliases: int = 50
    max_nodes: int = 50_000
    """Objects and list items in one response."""
    max_cost: int = 20_000
    """The largest estimated cost of a query (``HUB_MAX_QUERY_COST``)."""
    max_response_bytes: int = 20_000_000
    """The largest answer built (``HUB_MAX_RESPONSE_BYTES``)."""


def _count_nodes(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + sum(_count_nodes(v) for v in value.values())
    if isinstance(value, list):
        return len(value) + sum(_count_nodes(v) for v in value)
    return 0


class ResponseNodeLimit(SchemaExtension):
    """Refuse a response with more nodes than the limit, rather than send it."""

    limit = Limits().max_nodes

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if isinstance(result, ExecutionResult) and result.data is not None:
            nodes = _count_nodes(result.data)
            if nodes > self.limit:
                self.execution_context.result = ExecutionResult(
                    data=None,
                    errors=[
                        GraphQLError(
                            f"the response would hold {nodes} nodes; at most {self.limit} are "
                            "allowed: ask for less, or page through it",
                            extensions={"code": "RESPONSE_TOO_LARGE"},
                        )
                    ],
                )


class HubSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Log what went wrong inside; a client's own mistakes (and huge hostile queries) are not
        # worth a traceback in the server's log.
        unexpected = [
            e
            for e in errors
            if e.original_error is not None and not isinstance(e.original_error, UserError)
        ]
        if unexpected:
            super().process_errors(unexpected, execution_context)


def make_schema(limits: Limits = Limits(), *, debug: bool = False) -> strawberry.Schema:
    """The schema; extensions are factories, so each request gets fresh ones."""
    node_limit = type("NodeLimit", (ResponseNodeLimit,), {"limit": limits.max_nodes})
    # The depth and alias limits are validation rules. Their classes are made once, here, so
    # that the validation cache (keyed by document and rules) hits on every repeated query.
    rules = [
        *QueryDepthLimiter(max_depth=limits.max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=limits.max_aliases).validation_rules,
    ]
    return HubSchema(
        query=Query,
        types=[
            BudgetNode,
            SummaryLine,
            ThreePublicLine,
            Project,
            Indicator,
            NarrativeSection,
            GlossaryEntry,
            Finding,
            Subject,
            RollupNode,
        ],
        extensions=[
            ErrorCodesWithSuggestions if debug else ErrorCodes,
            Masked,
            functools.partial(AddValidationRules, rules),
            functools.partial(MaxTokensLimiter, max_token_count=limits.max_tokens),
            # Frontends send the same few documents over and over: parse and validate each once.
            functools.partial(ParserCache, maxsize=1024),
            functools.partial(ValidationCache, maxsize=1024),
            node_limit,
        ],
    )


schema = make_schema()


def schema_sdl() -> str:
    """The schema in SDL, types and fields sorted, as committed in ``schema.graphql``."""
    return print_schema(lexicographic_sort_schema(schema._schema)) + "\n"
