"""The GraphQL schema served at ``/graphql``, with the limits that protect it."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import GraphQLError, lexicographic_sort_schema, print_schema
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from hub.api.context import Context, EndOfRequest, make_context
from hub.api.cost import document_rule, list_sizes
from hub.api.errors import ErrorCodes, ErrorCodesWithSuggestions, Masked, UserError
from hub.api.executor import BoundedExecutor, bounded_executor
from hub.api.plan import PlannedExecutor
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
from hub.query.version import DataMoved

__all__ = ["Limits", "make_schema", "schema", "schema_sdl"]


@dataclass(frozen=True)
class Limits:
    """How much one request may ask for; all checked before or while the answer is built,
    in time linear in the query (see :mod:`hub.api.cost`)."""

    max_depth: int = 15
    """Fields with selections nested along the deepest path (introspection's not counted)."""
    max_tokens: int = 5_000
    max_aliases: int = 50
    """Aliased fields, every fragment counted where it is spread."""
    max_repeats: int = 20
    """How often one selection set may repeat a response name, or how many fragments it
    may spread (checking overlaps between them takes time quadratic in this)."""
    max_nodes: int = 50_000
    """Objects and list items in one response."""
    max_cost: int = 20_000
    """The largest estimated cost of a query (``HUB_MAX_QUERY_COST``)."""
    max_response_bytes: int = 20_000_000
    """The largest answer built (``HUB_MAX_RESPONSE_BYTES``)."""
    seconds: float = 30.0
    """How long the answer may take to build (``HUB_REQUEST_TIMEOUT``); checked between
    objects, so that work that never waits is stopped too."""


class HubSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Log what went wrong inside; a client's own mistakes (and huge hostile queries) are not
        # worth a traceback in the server's log.
        unexpected = [
            e
            for e in errors
            if e.original_error is not None
            and not isinstance(e.original_error, UserError | DataMoved)
        ]
        if unexpected:
            super().process_errors(unexpected, execution_context)

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        def run(context: Any) -> Any:
            return super(HubSchema, self).execute(
                query,
                variable_values,
                context,
                root_value,
                operation_name,
                allowed_operation_types,
                operation_extensions,
            )

        result = await run(context_value)
        if isinstance(context_value, Context) and context_value.snapshot.moved:
            # A load committed between the version it took and its snapshot: once more, the
            # snapshot opened first, so that the version is read in it (no second move).
            again = make_context(context_value.snapshot.database)
            async with again.snapshot.session():
                pass
            result = await run(again)
        return result  # type: ignore[no-any-return]


def make_schema(
    limits: Limits = Limits(), *, debug: bool = False, planned: bool = True
) -> strawberry.Schema:
    """The schema; extensions are factories, so each request gets fresh ones. ``planned``:
    queries run by plan (:mod:`hub.api.plan`), else by graphql-core alone."""
    executor = bounded_executor(
        max_cost=limits.max_cost,
        max_nodes=limits.max_nodes,
        max_bytes=limits.max_response_bytes,
        seconds=limits.seconds,
        base=PlannedExecutor if planned else BoundedExecutor,
    )
    # The rule's class is made once, here, so that the validation cache (keyed by document
    # and rules) hits on every repeated query.
    shape = document_rule(
        max_depth=limits.max_depth,
        max_aliases=limits.max_aliases,
        max_repeats=limits.max_repeats,
    )
    made = HubSchema(
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
            EndOfRequest,  # first: the request's snapshot ends after every other extension
            ErrorCodesWithSuggestions if debug else ErrorCodes,
            Masked,
            functools.partial(AddValidationRules, [shape]),
            functools.partial(MaxTokensLimiter, max_token_count=limits.max_tokens),
            # Frontends send the same few documents over and over: parse and validate each once.
            functools.partial(ParserCache, maxsize=1024),
            functools.partial(ValidationCache, maxsize=1024),
        ],
        execution_context_class=executor,
    )
    executor.sizes = list_sizes(made._schema)
    return made


schema = make_schema()


def schema_sdl() -> str:
    """The schema in SDL, types and fields sorted, as committed in ``schema.graphql``."""
    return print_schema(lexicographic_sort_schema(schema._schema)) + "\n"
