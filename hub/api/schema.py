"""The GraphQL schema served at ``/graphql``, with the limits that protect it."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import strawberry
from graphql import GraphQLError, lexicographic_sort_schema, print_schema
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.types import ExecutionContext

from hub.api.context import EndOfRequest
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
            if e.original_error is not None and not isinstance(e.original_error, UserError)
        ]
        if unexpected:
            super().process_errors(unexpected, execution_context)


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
