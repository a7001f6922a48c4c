"""The shape rule and the cost estimate, on the hub's schema, without a database."""

from __future__ import annotations

import time
from typing import Any

import pytest
from graphql import (
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLList,
    GraphQLObjectType,
    OperationDefinitionNode,
    get_introspection_query,
    get_named_type,
    get_nullable_type,
    parse,
    specified_rules,
    validate,
)

from hub.api.cost import LIST_SIZES, REPORTED_AT_MOST, TREE, document_rule, estimate_cost
from hub.api.schema import Limits, schema

GRAPHQL = schema._schema
SIZES = schema.execution_context_class.sizes  # type: ignore[attr-defined]
RULE = document_rule(
    max_depth=Limits.max_depth, max_aliases=Limits.max_aliases, max_repeats=Limits.max_repeats
)


def cost(query: str, **variables: Any) -> int:
    document = parse(query)
    [operation] = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return estimate_cost(GRAPHQL, operation, fragments, variables, SIZES)


def refusals(query: str) -> list[GraphQLError]:
    return validate(GRAPHQL, parse(query), [*specified_rules, RULE])


def bomb(fragments: int, on: str = "Query", leaf: str = "version") -> str:
    return f"fragment F0 on {on} {{ {leaf} }} " + " ".join(
        f"fragment F{i} on {on} {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, fragments + 1)
    )


def test_every_list_of_objects_has_a_size_and_every_size_a_list() -> None:
    lists = {
        f"{type_name}.{field_name}"
        for type_name, graphql_type in GRAPHQL.type_map.items()
        if isinstance(graphql_type, GraphQLObjectType) and not type_name.startswith("__")
        for field_name, field in graphql_type.fields.items()
        if isinstance(get_nullable_type(field.type), GraphQLList)
        and isinstance(get_named_type(field.type), GraphQLObjectType)
    }
    assert lists == set(LIST_SIZES)


def test_a_scalar_costs_one_and_a_page_costs_its_items() -> None:
    assert cost("{ version }") == 1
    page = "{ disclosures(first: 10) { totalCount edges { node { title } } } }"
    # disclosures, totalCount, edges, then node and title for each of the 10 edges
    assert cost(page) == 1 + 1 + 1 + 10 * 2
    assert cost(page.replace("10", "$first").replace("{ d", "query($first: Int!) { d", 1),
                first=10) == 23  # fmt: skip
    # The reader returns 100 at most, whatever is asked; 20 when nothing is.
    assert cost(page.replace("10", "5000")) == 3 + 100 * 2
    assert cost(page.replace("(first: 10)", "")) == 3 + 20 * 2


def test_a_fragment_on_a_connection_takes_the_page_where_it_is_spread() -> None:
    fragment = "fragment Titles on DisclosureConnection { totalCount edges { node { title } } }"
    assert cost("{ disclosures(first: 10) { ...Titles } } " + fragment) == 23
    pages = "{ a: disclosures(first: 10) { ...Titles } b: disclosures(first: 50) { ...Titles } }"
    assert cost(pages + fragment) == 23 + 3 + 50 * 2


def test_a_tree_costs_its_table_however_deep_it_is_drilled() -> None:
    query = (
        '{ disclosure(department: "209", year: 2023) '
        "{ functional { code children { code children { code } } } } }"
    )
    # disclosure, functional; then for each of the table's nodes: code, children, code,
    # children, code (no level holds more nodes than the table)
    assert cost(query) == 2 + TREE * 5


def test_a_fragment_bomb_is_priced_in_an_instant_at_its_full_cost() -> None:
    started = time.monotonic()
    assert cost("{ ...F24 } " + bomb(24)) == 2**24
    assert cost("{ ...F200 } " + bomb(200)) == REPORTED_AT_MOST
    assert time.monotonic() - started < 1
    # No alias, no depth: the shape rule lets it through, the cost refuses it.
    assert refusals("{ ...F24 } " + bomb(24)) == []


def test_graphiql_introspection_costs_about_what_it_returns() -> None:
    full = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )
    assert refusals(full) == []
    assert 5_000 < cost(full) < Limits.max_cost
    # An ofType deeper than any type reference of the schema is null: its selection is free.
    chain = '{ __type(name: "Disclosure") { kind ' + "ofType { kind " * 8 + "}" * 8 + " } }"
    # __type and kind, three ofType steps with their kind, a fourth that is null
    assert cost(chain) == 2 + 3 * 2 + 1


def test_nested_introspection_multiplies() -> None:
    def nested(levels: int) -> str:
        return (
            "{ __schema { types { "
            + "fields { type { " * levels
            + "name"
            + " } }" * levels
            + " } } }"
        )

    assert all(cost(nested(n + 1)) > 4 * cost(nested(n)) for n in range(1, 6))
    assert cost(nested(5)) > Limits.max_cost


def test_depth_is_counted_through_fragments() -> None:
    def drilled(pairs: int) -> str:
        return (
            '{ disclosure(department: "209", year: 2023) { ...D } } fragment D on Disclosure { '
            + "department { disclosures { " * pairs
            + "department { name }"
            + " } }" * pairs
            + " }"
        )

    [refusal] = refusals(drilled(7))
    assert refusal.extensions == {"code": "QUERY_TOO_COMPLEX", "depth": 16, "maxDepth": 15}
    assert "16 fields deep" in refusal.message
    assert refusals(drilled(6)) == []


def test_aliases_are_counted_as_if_fragments_were_written_out() -> None:
    fragment = "fragment A on Query { " + " ".join(f"a{i}: version" for i in range(10)) + " }"
    assert refusals("{ ...A x: version } " + fragment) == []
    nested = "{ ...B } fragment B on Query { ...A ...A2 } " + fragment
    nested += " fragment A2 on Query { " + " ".join(f"b{i}: version" for i in range(41)) + " }"
    [refusal] = refusals(nested)
    assert refusal.extensions == {"code": "QUERY_TOO_COMPLEX", "aliases": 51, "maxAliases": 50}
    assert "51 aliases" in refusal.message


def test_a_bomb_of_aliases_is_refused_in_an_instant() -> None:
    started = time.monotonic()
    [refusal] = refusals("{ ...F40 } " + bomb(40, leaf="a: version"))
    assert time.monotonic() - started < 1
    assert refusal.extensions == {
        "code": "QUERY_TOO_COMPLEX",
        "aliases": 2**40,
        "maxAliases": Limits.max_aliases,
    }


@pytest.mark.parametrize(
    ("query", "figure", "repeats"),
    [
        ("{ " + "d: disclosures { totalCount } " * 21 + "}", "repeats d.totalCount 21 times", 21),
        ("{ " + "... on Query { v: version } " * 21 + "}", "repeats v 21 times", 21),
        # Five `d`, each with five `e`: every two `d` compare their `e` two by two.
        (
            "{ " + ("d: disclosures { " + "e: edges { cursor } " * 5 + "} ") * 5 + "}",
            "repeats d.e.cursor 25 times",
            25,
        ),
    ],
)
def test_repetitions_that_make_overlap_checks_quadratic_are_refused(
    query: str, figure: str, repeats: int
) -> None:
    [refusal] = refusals(query)
    assert figure in refusal.message
    assert refusal.extensions == {"code": "QUERY_TOO_COMPLEX", "repeats": repeats, "maxRepeats": 20}


def test_a_selection_set_spreading_many_fragments_is_refused() -> None:
    query = (
        "{ " + " ".join(f"...F{i}" for i in range(21)) + " } "
        + " ".join(f"fragment F{i} on Query {{ version }}" for i in range(21))
    )  # fmt: skip
    [refusal] = refusals(query)
    assert "spreads 21 fragments" in refusal.message
    assert refusal.extensions == {"code": "QUERY_TOO_COMPLEX", "spreads": 21, "maxRepeats": 20}


def test_the_worst_repetitions_allowed_validate_quickly() -> None:
    edges = " ".join(
        f"fragment G{j} on DisclosureConnection {{ edges {{ cursor }} }}" for j in range(20)
    )
    spreads = " ".join(f"...G{j}" for j in range(20))
    allowed = [
        # 20 `d`, each spreading the same 20 fragments
        "{ " + ("d: disclosures { " + " ".join(f"...G{j}" for j in range(20)) + " } ") * 20 + "} "
        + edges,
        # 20 fragments spreading 20 fragments each
        "{ " + " ".join(f"...F{i}" for i in range(20)) + " } "
        + " ".join(
            f"fragment F{i} on Query {{ disclosures {{ {spreads} }} }}" for i in range(20)
        )
        + " " + edges,
        # 20 `d` of one `e` each, then 4 `d` of 5 `e` each
        "{ " + ("d: disclosures { e: edges { node { title } } } ") * 20 + "}",
        "{ " + ("d: disclosures { " + "e: edges { node { title } } " * 5 + "} ") * 4 + "}",
    ]  # fmt: skip
    for query in allowed:
        started = time.process_time()
        assert refusals(query) == []
        assert time.process_time() - started < 2


def test_fragment_cycles_and_long_chains_are_refused_or_priced_without_recursing() -> None:
    cycle = "{ ...A } fragment A on Query { version ...B } fragment B on Query { ...A }"
    errors = refusals(cycle)
    assert errors
    assert all("Cannot spread fragment" in e.message for e in errors)

    def chain(length: int) -> str:
        return "{ ...F0 } " + " ".join(
            f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(length)
        ) + f" fragment F{length} on Query {{ version }}"  # fmt: skip

    assert refusals(chain(150)) == []
    assert cost(chain(150)) == 1
    # Longer than graphql-core's validation follows; the estimate follows it all the same.
    assert cost(chain(3000)) == 1
