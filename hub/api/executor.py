"""Execution within bounds: the cost estimated before any resolver runs, the answer's size
counted while it is built, and a deadline that stops work that never waits on anything.

graphql-core builds the answer object by object; :class:`BoundedExecutor` counts as it goes,
in the few places every object, list and scalar passes through (not per resolver), so the
count costs a small fraction of the work it bounds. Once a bound is crossed, every further
object is refused at once, the work unwinds, and the answer is that single refusal.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from contextlib import suppress
from typing import Any, ClassVar

from graphql import ExecutionResult, GraphQLError
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from hub.api.cost import REPORTED_AT_MOST, Size, estimate_cost, too_complex

__all__ = ["BoundedExecutor", "bounded_executor"]


class _Tally:
    """What one request's answer holds so far; shared by the executor and any copy of it."""

    __slots__ = ("bytes", "deadline", "keys", "nodes", "refusal")

    def __init__(self, seconds: float) -> None:
        self.nodes = 0
        self.bytes = 0
        self.deadline = time.monotonic() + seconds
        self.refusal: GraphQLError | None = None
        # The bytes of an object's keys, by its field set (one per selection, shared by
        # all the objects of a list); the set is kept so that its id cannot be reused.
        self.keys: dict[int, tuple[object, int]] = {}


class BoundedExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor with the bounds of :func:`bounded_executor`."""

    max_cost: ClassVar[int] = 20_000
    max_nodes: ClassVar[int] = 50_000
    max_bytes: ClassVar[int] = 20_000_000
    seconds: ClassVar[float] = 30.0
    sizes: ClassVar[Mapping[str, Size]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tally = _Tally(self.seconds)

    def execute_operation(self, serially: bool | None = None) -> Any:
        cost = estimate_cost(
            self.schema,
            self.operation,
            self.fragment_definitions,
            self.variable_values.coerced,
            self.sizes,
        )
        if cost > self.max_cost:
            figure = f"more than {REPORTED_AT_MOST:,}" if cost >= REPORTED_AT_MOST else f"{cost:,}"
            return ExecutionResult(
                None,
                [
                    too_complex(
                        f"the query would cost {figure}; at most {self.max_cost:,} is allowed "
                        "(each field counts once for every item of the lists it is under: "
                        "ask for fewer fields, fewer aliases or smaller pages with `first:`)",
                        cost=cost,
                        budget=self.max_cost,
                    )
                ],
            )
        return super().execute_operation(serially)

    def execute_fields(
        self,
        parent_type: Any,
        source_value: Any,
        path: Any,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        tally = self.tally
        known = tally.keys.get(id(grouped_field_set))
        if known is None:
            keys = sum(len(name) + 4 for name in grouped_field_set)
            tally.keys[id(grouped_field_set)] = (grouped_field_set, keys)
        else:
            keys = known[1]
        tally.nodes += 1
        tally.bytes += keys + 2
        self._check(tally)
        return super().execute_fields(
            parent_type, source_value, path, grouped_field_set, position_context
        )

    def complete_list_value(
        self,
        return_type: Any,
        field_details_list: Any,
        info: Any,
        path: Any,
        result: Any,
        position_context: Any,
    ) -> Any:
        tally = self.tally
        if isinstance(result, list):
            tally.nodes += len(result)
            tally.bytes += len(result) + 2
        self._check(tally)
        return super().complete_list_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def complete_leaf_value(self, return_type: Any, result: Any) -> Any:  # type: ignore[override]
        value = super().complete_leaf_value(return_type, result)
        if type(value) is str:
            # The JSON encoder escapes every non-ASCII character as six bytes (\\uXXXX).
            self.tally.bytes += len(value) + 2 if value.isascii() else 6 * len(value) + 2
        else:
            self.tally.bytes += 8
        return value

    def _check(self, tally: _Tally) -> None:
        if tally.refusal is None:
            if tally.bytes > self.max_bytes:
                tally.refusal = GraphQLError(
                    f"the response would be larger than {self.max_bytes:,} bytes: ask for "
                    "less, or page through it",
                    extensions={"code": "RESPONSE_TOO_LARGE", "maxBytes": self.max_bytes},
                )
            elif tally.nodes > self.max_nodes:
                tally.refusal = GraphQLError(
                    f"the response would hold more than {self.max_nodes:,} objects and list "
                    "items: ask for less, or page through it",
                    extensions={"code": "RESPONSE_TOO_LARGE", "maxNodes": self.max_nodes},
                )
            elif time.monotonic() > tally.deadline:
                tally.refusal = GraphQLError(
                    f"the request took longer than {self.seconds:g} s",
                    extensions={"code": "TIMEOUT"},
                )
            else:
                return
        raise tally.refusal

    def build_response(self, data: dict[str, Any] | None) -> Any:
        tally = self.tally
        if tally.refusal is None:
            with suppress(GraphQLError):
                self._check(tally)  # the last scalars may have crossed the line
        if tally.refusal is not None:
            self.run_async_work_finished_hook()
            return ExecutionResult(None, [tally.refusal])
        return super().build_response(data)


def bounded_executor(
    *,
    max_cost: int,
    max_nodes: int,
    max_bytes: int,
    seconds: float,
    base: type[BoundedExecutor] = BoundedExecutor,
) -> type[BoundedExecutor]:
    """An executor class with these bounds; :attr:`BoundedExecutor.sizes` is filled in once
    the schema exists (:func:`hub.api.cost.list_sizes`)."""
    return type(
        "Bounded",
        (base,),
        {
            "max_cost": max_cost,
            "max_nodes": max_nodes,
            "max_bytes": max_bytes,
            "seconds": seconds,
            "sizes": {},
        },
    )
