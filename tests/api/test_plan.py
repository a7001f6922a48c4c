"""Execution by plan answers exactly as graphql-core does: generated queries (fragments, aliases,
variables, @include/@skip, merged fields, abstract types, arguments the hub refuses, nulls and
errors) run through both over the seed, compared answer for answer, errors included."""

from __future__ import annotations

import asyncio
import base64
import enum
import json
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_introspection_query,
    get_named_type,
    is_leaf_type,
)
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hub.api.context import make_context
from hub.api.executor import BoundedExecutor, bounded_executor
from hub.api.plan import PlannedExecutor
from hub.api.schema import Limits, make_schema
from hub.store.engine import Database
from tests import seed

CONTRACT = (Path(__file__).parent / "contract.graphql").read_text(encoding="utf-8")
DRILL = """query Drill($d: String!) { disclosure(department: $d, year: 2023) { id
  functional { ...Node children { ...Node children { ...Node stated { total basic project } } } }
  economic: economic { code computed { total } } } }
fragment Node on BudgetNode { code name level computed { total } }"""

# Generous bounds, the same for both: what is compared is execution, not refusal.
LIMITS = Limits(
    max_tokens=10**5,
    max_aliases=10**4,
    max_repeats=10**3,
    max_cost=10**9,
    max_nodes=10**6,
    max_response_bytes=10**9,
)
PLANNED = make_schema(LIMITS)
GRAPHQL_CORE = make_schema(LIMITS, planned=False)
SCHEMA: GraphQLSchema = PLANNED._schema

_ID_TYPES = ["Disclosure", "Department", "BudgetNode", "Region", "Finding", "RollupNode", "Nope"]
# Values that find the seed's data come more often than those that miss it.
_POOLS: dict[str, list[Any]] = {
    "department": ["209", "209", "209", "咸宁市经济和信息化局", "999"],
    "code": ["215", "21505", "2150517", "2150517", "215", "208", "21505170", "x"],
    "region": [None, None, None, "咸宁市", "421200", "nowhere"],
    "search": ["行政", "215", "", "运行"],
    "under": ["215", "215", "2", "x"],
    "year": [2023, 2023, 2023, 2024, 1990],
    "first": [3, 3, 1, 0, 2, -1, 101],
    "version": [None, None, 1, 2],
    "after": [None, None, "bogus", base64.b64encode(b"arrayconnection:0").decode()],
    "changedSince": [None, None, "bogus"],
    "id": [base64.b64encode(f"{t}:{n}".encode()).decode() for t in _ID_TYPES for n in (1, 2)]
    + ["x", ""],
}
_BY_TYPE: dict[str, list[Any]] = {
    "String": ["209", "215", "x", "", "行政运行"],
    "Int": [0, 1, 3, 2023, -1],
    "Boolean": [True, False],
    "ID": _POOLS["id"],
}


@dataclass
class _Query:
    """A query being written: its variables and fragments, and names handed out."""

    draw: Any
    schema: GraphQLSchema
    variables: dict[str, Any] = field(default_factory=dict)
    declared: list[str] = field(default_factory=list)
    fragments: list[str] = field(default_factory=list)
    names: int = 0

    def name(self, prefix: str) -> str:
        self.names += 1
        return f"{prefix}{self.names}"

    def value(self, argument: str, of: Any) -> str | None:
        """An argument's value: a literal or a variable; None leaves an optional one out."""
        named = get_named_type(of)
        if isinstance(named, GraphQLInputObjectType):
            return None
        if isinstance(named, GraphQLEnumType):
            pool: list[Any] = sorted(named.values)
        else:
            pool = _POOLS.get(argument) or _BY_TYPE.get(named.name, [None])
        value = self.draw(st.sampled_from(pool))
        if value is None and isinstance(of, GraphQLNonNull):
            value = next(v for v in pool if v is not None)
        if isinstance(of, GraphQLList) or (
            isinstance(of, GraphQLNonNull) and isinstance(of.of_type, GraphQLList)
        ):
            value = [value]
        if value is None and not self.draw(st.booleans()):
            return None
        if self.draw(st.integers(0, 2)) == 0:
            variable = self.name("v")
            self.declared.append(f"${variable}: {of}")
            self.variables[variable] = value
            return f"${variable}"
        if isinstance(named, GraphQLEnumType):
            return str(value) if not isinstance(value, list) else f"[{value[0]}]"
        return json.dumps(value, ensure_ascii=False)

    def directive(self) -> str:
        roll = self.draw(st.integers(0, 5))
        if roll == 0:
            return " @skip(if: true)"
        if roll == 1:
            return f" @include(if: {'true' if self.draw(st.booleans()) else 'false'})"
        if roll == 2:
            variable = self.name("b")
            self.declared.append(f"${variable}: Boolean!")
            self.variables[variable] = self.draw(st.booleans())
            return f" @include(if: ${variable})"
        return ""

    def selection(self, of: Any, depth: int) -> str:
        """A selection set on ``of`` (object or abstract)."""
        if isinstance(of, GraphQLUnionType | GraphQLInterfaceType):
            parts = ["__typename"]
            if isinstance(of, GraphQLInterfaceType):
                parts.append(self.fields(of, depth))
            for kind in self.draw(
                st.lists(
                    st.sampled_from(self.schema.get_possible_types(of)), max_size=2, unique=True
                )
            ):
                parts.append(f"... on {kind.name} {{ {self.fields(kind, depth)} }}")
            return " ".join(parts)
        parts = [self.fields(of, depth)]
        roll = self.draw(st.integers(0, 4))
        if roll == 0:  # a named fragment
            fragment = self.name("F")
            self.fragments.append(
                f"fragment {fragment} on {of.name} {{ {self.fields(of, depth)} }}"
            )
            parts.append(f"...{fragment}{self.directive()}")
        elif roll == 1:  # an inline fragment, perhaps under a directive
            parts.append(f"...{self.directive()} {{ {self.fields(of, depth)} }}")
        return " ".join(parts)

    def fields(self, of: GraphQLObjectType | GraphQLInterfaceType, depth: int) -> str:
        names = sorted(of.fields)
        chosen = self.draw(st.lists(st.sampled_from(names), min_size=1, max_size=4))
        written = []
        for name in chosen:
            definition = of.fields[name]
            named = get_named_type(definition.type)
            if not is_leaf_type(named) and depth >= 3:
                continue
            arguments = []
            skip = False
            required = [
                spec for spec in definition.args.values() if isinstance(spec.type, GraphQLNonNull)
            ]
            if any(
                isinstance(get_named_type(spec.type), GraphQLInputObjectType) for spec in required
            ):
                continue
            for argument, spec in sorted(definition.args.items()):
                value = self.value(argument, spec.type)
                if value is None and isinstance(spec.type, GraphQLNonNull):
                    skip = True
                elif value is not None:
                    arguments.append(f"{argument}: {value}")
            if skip:
                continue
            call = f"{name}({', '.join(arguments)})" if arguments else name
            if is_leaf_type(named):
                # Unaliased leaves without arguments merge with their repeats; others get
                # an alias of their own, so that no two conflict.
                key = f"{self.name('a')}: " if arguments or self.draw(st.booleans()) else ""
                written.append(f"{key}{call}{self.directive()}")
                continue
            alias = self.name("a")
            written.append(
                f"{alias}: {call}{self.directive()} {{ {self.selection(named, depth + 1)} }}"
            )
            if self.draw(st.integers(0, 3)) == 0:  # the same key again: the selections merge
                written.append(f"{alias}: {call} {{ {self.selection(named, depth + 1)} }}")
        return " ".join(written) or "__typename"


@st.composite
def queries(draw: Any, schema: GraphQLSchema) -> tuple[str, dict[str, Any]]:
    query = _Query(draw, schema)
    body = query.selection(schema.query_type, 0)
    declared = f"({', '.join(query.declared)})" if query.declared else ""
    text = " ".join([f"query Q{declared} {{ {body} }}", *query.fragments])
    return text, query.variables


def _answer(result: Any) -> tuple[Any, list[dict[str, Any]]]:
    return result.data, [error.formatted for error in result.errors or []]


_seeded: weakref.WeakSet[Database] = weakref.WeakSet()


async def _run(database: Database, text: str, variables: dict[str, Any]) -> None:
    if database not in _seeded:
        await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
        _seeded.add(database)
    expected = _answer(
        await GRAPHQL_CORE.execute(
            text, variable_values=variables, context_value=make_context(database)
        )
    )
    # Twice: the second run takes the plan kept from the first.
    for _ in range(2):
        planned = _answer(
            await PLANNED.execute(
                text, variable_values=variables, context_value=make_context(database)
            )
        )
        assert planned == expected, text


@settings(
    max_examples=80,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=queries(SCHEMA))
@example(query=(CONTRACT, {}))
@example(query=(get_introspection_query(descriptions=True), {}))
@example(query=(DRILL, {"d": "209"}))
async def test_generated_queries_answer_as_graphql_core_does(
    database: Database, query: tuple[str, dict[str, Any]]
) -> None:
    await _run(database, *query)


# What the hub's own resolvers never do, but an executor must answer for: a null where the
# schema promises a value, a resolver that fails (at once or after awaiting), an object of the
# wrong type, a tuple or a generator for a list, awaitable list items, a number out of range.


@strawberry.interface
class Named:
    name: str


@strawberry.enum
class Kind(enum.Enum):
    PLAIN = "plain"
    ODD = "odd"


@strawberry.type
class Item(Named):
    number: int
    kind: Kind = Kind.PLAIN
    ratio: float = 0.5

    @strawberry.field
    def broken(self) -> str:
        raise ValueError(f"broken {self.number}")

    @strawberry.field
    def missing(self) -> str:
        return None  # type: ignore[return-value]

    @strawberry.field
    def maybe_missing(self) -> str | None:
        return None if self.number % 2 else self.name

    @strawberry.field
    async def later(self) -> str | None:
        await asyncio.sleep(0)
        return self.name

    @strawberry.field
    async def later_broken(self) -> int:
        await asyncio.sleep(0)
        raise ValueError(f"later broken {self.number}")

    @strawberry.field
    def huge(self) -> int:
        return 2**40 + self.number

    @strawberry.field
    def items(self, count: int = 2) -> list[Item]:
        if count < 0:
            raise ValueError("count must not be negative")
        return [Item(name=f"{self.name}.{n}", number=n) for n in range(min(count, 3))]

    @strawberry.field
    def gaps(self) -> list[Item | None] | None:
        return [Item(name="a", number=1), None, Item(name="c", number=3)]

    @strawberry.field
    def strict_gaps(self) -> list[Item]:
        return [Item(name="a", number=1), None]  # type: ignore[list-item]

    @strawberry.field
    def loose_gaps(self) -> list[Item] | None:
        return [Item(name="a", number=1), None]  # type: ignore[list-item]

    @strawberry.field
    def as_tuple(self) -> list[Item]:
        return (Item(name="t", number=7),)  # type: ignore[return-value]

    @strawberry.field
    def as_generator(self) -> list[int]:
        return (n * n for n in range(3))  # type: ignore[return-value]

    @strawberry.field
    def awaitable_items(self) -> list[int]:
        async def square(n: int) -> int:
            await asyncio.sleep(0)
            if n == 2:
                raise ValueError("two")
            return n * n

        return [square(n) for n in range(3)]  # type: ignore[misc]

    @strawberry.field
    def wrong(self) -> Item:
        return "not an item"  # type: ignore[return-value]

    @strawberry.field
    def shape(self) -> Named:
        return Item(name="shaped", number=self.number + 1)


@strawberry.type
class OddQuery:
    @strawberry.field
    def item(self, number: int = 1) -> Item:
        return Item(name=f"item{number}", number=number)

    @strawberry.field
    async def later_item(self) -> Item | None:
        await asyncio.sleep(0)
        return Item(name="later", number=2)

    @strawberry.field
    def strict(self) -> Item:
        raise ValueError("no item at all")

    @strawberry.field
    def named(self) -> list[Named]:
        return [Item(name="n", number=5)]


def _odd(executor: type[BoundedExecutor]) -> strawberry.Schema:
    return strawberry.Schema(
        query=OddQuery,
        types=[Item],
        execution_context_class=bounded_executor(
            max_cost=10**9, max_nodes=10**6, max_bytes=10**9, seconds=30, base=executor
        ),
    )


ODD_PLANNED, ODD_GRAPHQL_CORE = _odd(PlannedExecutor), _odd(BoundedExecutor)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(query=queries(ODD_PLANNED._schema))
@example(query=("{ item { missing } }", {}))
@example(query=("{ item { strictGaps { name } gaps { name } wrong { name } } }", {}))
@example(query=("{ item { looseGaps { name } awaitableItems asTuple { number } } }", {}))
async def test_nulls_failures_and_odd_values_answer_as_graphql_core_does(
    query: tuple[str, dict[str, Any]],
) -> None:
    text, variables = query
    expected = _answer(await ODD_GRAPHQL_CORE.execute(text, variable_values=variables))
    for _ in range(2):
        assert _answer(await ODD_PLANNED.execute(text, variable_values=variables)) == expected


async def test_a_kept_plan_is_for_its_variables(database: Database) -> None:
    """One text, different variables: what @include keeps and the arguments differ."""
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
    text = """query Q($year: Int!, $more: Boolean!) { disclosure(department: "209", year: $year) {
      year functional { code } budget: functionalTotal @include(if: $more) { total } } }"""
    answers = []
    for variables in (
        {"year": 2023, "more": True},
        {"year": 2023, "more": False},
        {"year": 1990, "more": True},
    ):
        result = await PLANNED.execute(
            text, variable_values=variables, context_value=make_context(database)
        )
        answers.append(result.data)
    assert answers[0]["disclosure"]["budget"] == {"total": "3814.52"}  # the seed prints it
    assert [node["code"] for node in answers[0]["disclosure"]["functional"]] == [
        "208",
        "210",
        "215",
        "221",
    ]
    assert "budget" not in answers[1]["disclosure"]
    assert answers[2] == {"disclosure": None}
