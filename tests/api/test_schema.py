import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import (
    FragmentDefinitionNode,
    GraphQLObjectType,
    OperationDefinitionNode,
    get_introspection_query,
    parse,
    specified_rules,
    validate,
)

from hub import __version__
from hub.api.cost import TREE, document_rule, estimate_cost
from hub.api.schema import Limits, schema, schema_sdl
from hub.app import explorer, graphiql
from hub.app.web import create_app
from hub.config import Settings
from hub.store.engine import Database
from tests import seed
from tests.api.ask import ask

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"
CONTRACT = (Path(__file__).parent / "contract.graphql").read_text(encoding="utf-8")


def test_schema_graphql_is_in_sync_with_the_code() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_sdl(), (
        "schema.graphql is stale: run `hub schema -o schema.graphql`"
    )


def test_every_type_and_field_is_described() -> None:
    for name, graphql_type in schema._schema.type_map.items():
        if name.startswith("__") or not isinstance(graphql_type, GraphQLObjectType):
            continue
        assert graphql_type.description, name
        for field_name, field in graphql_type.fields.items():
            assert field.description, f"{name}.{field_name}"


# --- Limits: what the hub's own pages send is accepted, what hurts is refused ---------------


def _accepted(query: str, **variables: Any) -> int:
    """The query's cost, once the rules the schema validates with have let it through."""
    document = parse(query)
    limits = Limits()
    shape = document_rule(
        max_depth=limits.max_depth, max_aliases=limits.max_aliases, max_repeats=limits.max_repeats
    )
    assert validate(schema._schema, document, [*specified_rules, shape]) == [], query
    [operation] = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    sizes = schema.execution_context_class.sizes  # type: ignore[attr-defined]
    return estimate_cost(schema._schema, operation, fragments, variables, sizes)


def test_the_hubs_own_queries_are_accepted_at_the_default_budget() -> None:
    region = {"code": "421200", "name": "咸宁市"}
    found = {"year": 2023, "department": {"code": "209", "name": "咸宁市经济", "region": region}}
    rollup = {"scheme": "FUNCTIONAL", "code": "201", "year": 2023, "before": 2022, "after": 2024}
    queries: dict[str, tuple[str, dict[str, Any]]] = {
        "contract": (CONTRACT, {}),
        "explorer's disclosure": (explorer._DISCLOSURE_QUERY, {"department": "209", "year": 2023}),
        "explorer's start": (explorer._START_QUERY, {}),
        "explorer's rollup": (explorer._ROLLUP_QUERY, rollup),
        "GraphiQL's example": (graphiql._drill(found), {}),
        "GraphiQL's listing": (graphiql._LIST, {}),
        "GraphiQL's look at what is loaded": (graphiql._LOADED, {}),
    }
    everything = {
        "specified_by_url": True,
        "directive_is_repeatable": True,
        "schema_description": True,
        "input_value_deprecation": True,
        "one_of": True,
    }
    for options in ({}, {"input_value_deprecation": True}, everything):
        queries[f"introspection {sorted(options)}"] = (get_introspection_query(**options), {})
    costs = {name: _accepted(query, **variables) for name, (query, variables) in queries.items()}
    assert all(0 < cost <= Limits().max_cost for cost in costs.values()), costs
    # The contract drills two trees three levels deep and lists findings: each tree priced at
    # a whole table, well within the budget.
    assert costs["contract"] == 8_267


async def _post(
    database: Database, query: str, **settings: Any
) -> tuple[int, dict[str, Any], float]:
    app = create_app(Settings(database_url=str(database.url), **settings), database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as http:
        started = time.monotonic()
        response = await http.post("/graphql", json={"query": query})
        return response.status_code, response.json(), time.monotonic() - started


FRAGMENT_BOMB = "{ ...F24 } fragment F0 on Query { version } " + " ".join(
    f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 25)
)
DRILL = (
    "code name stated { total } children { code name stated { total } "
    "children { code name stated { total } } }"
)
FIFTY_TREES = (
    '{ disclosure(department: "209", year: 2023) { ...Trees } } fragment Trees on Disclosure { '
    + " ".join(f"a{i}: functional {{ ...Drill }}" for i in range(50))
    + " } fragment Drill on BudgetNode { "
    + DRILL
    + " }"
)
FIFTY_PROSES = (
    "{ disclosures(first: 100) { edges { node { "
    + " ".join(f"s{i}: sections {{ text }}" for i in range(50))
    + " } } } }"
)


@pytest.mark.parametrize(
    ("query", "cost"),
    [
        pytest.param(FRAGMENT_BOMB, 2**24, id="fragments each spreading the last twice"),
        # Each tree node costs 14 fields (5 + 5 + 4 over three levels), each tree a table.
        pytest.param(FIFTY_TREES, 1 + 50 * (1 + TREE * 14), id="50 trees through a fragment"),
        # disclosures and edges; each of 100 nodes: node, and 50 × (sections + 100 texts)
        pytest.param(FIFTY_PROSES, 2 + 100 * (1 + 50 * (1 + 100)), id="50 proses of 100 pages"),
    ],
)
async def test_costly_queries_are_refused_before_they_run(
    database: Database, query: str, cost: int
) -> None:
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
    status, body, seconds = await _post(database, query)
    assert seconds < 1
    assert status == 400
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX", "cost": cost, "budget": 20_000}
    assert f"would cost {cost:,}; at most 20,000" in error["message"]


async def test_a_deep_query_is_refused_by_its_depth(database: Database) -> None:
    deep = (
        '{ node(id: "x") { id '
        + "... on Department { disclosures { department { " * 8
        + "id"
        + " } } }" * 8
        + " } }"
    )
    status, body, _ = await _post(database, deep)
    assert status == 400
    [error] = body["errors"]
    assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX", "depth": 17, "maxDepth": 15}
    assert error["message"] == "the query nests 17 fields deep; at most 15 are allowed"


async def test_the_budget_and_the_answers_size_come_from_the_settings(database: Database) -> None:
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
    status, body, _ = await _post(database, CONTRACT, max_query_cost=8_000)
    assert status == 400
    assert body["errors"][0]["extensions"] == {
        "code": "QUERY_TOO_COMPLEX",
        "cost": 8_267,
        "budget": 8_000,
    }
    status, body, _ = await _post(database, CONTRACT, max_response_bytes=5_000)
    assert status == 400
    assert body == {
        "data": None,
        "errors": [
            {
                "message": "the response would be larger than 5,000 bytes: ask for less, or "
                "page through it",
                "extensions": {"code": "RESPONSE_TOO_LARGE", "maxBytes": 5_000},
            }
        ],
    }


async def test_queries_within_the_limits_answer_the_seeds_figures(database: Database) -> None:
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
    disclosure = (await ask(database, CONTRACT))["disclosure"]
    assert disclosure["department"] == {"code": "209", "name": "咸宁市经济和信息化局"}
    pension = next(node for node in disclosure["functional"] if node["code"] == "208")
    printed = next(row for row in seed.TABLE_5 if row[0] == "208")
    assert (pension["name"], pension["stated"]["total"]) == ("社会保障和就业支出", printed[2])
    # The same bomb three fragments high is merely eight `version`s: accepted, answered once.
    small = "{ ...F3 } fragment F0 on Query { version } " + " ".join(
        f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 4)
    )
    assert await ask(database, small) == {"version": __version__}
