"""The client cache configuration (``/graphql/client-cache.json``, ``hub schema
--apollo-cache-config``), and Apollo Client itself, in Node, over the hub's real answers.

Two queries select different fields of the same values (the amounts a budget node states and
computes, a disclosure's totals, 三公, source, a connection's page info, a subject's ``seenIn``,
a rollup's year comparison). Without the configuration Apollo's InMemoryCache warns "Cache data
may be lost" and the first query no longer reads back from the cache; with it, the first reads
back exactly as the hub answered it, and Apollo writes no warning or error at all.

Node and the npm packages: see tests/apollo.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import GraphQLObjectType
from typer.testing import CliRunner

from hub.api.client_cache import client_cache_config, client_cache_json, looked_up_types
from hub.api.schema import schema, schema_sdl
from hub.app.cli import cli
from hub.app.web import create_app
from hub.config import Settings
from hub.store.engine import Database
from tests import apollo, seed
from tests.api.ask import post

PATH = "/graphql/client-cache.json"

# The same disclosure, subject, rollup and page of departments; the second query selects other
# fields of the values inside them (and each selects the id of what has one, except amounts,
# 三公 and source, whose ids a frontend rarely asks for).
QUERY_A = """query First {
  disclosure(department: "209", year: 2023) {
    id
    title
    functional {
      id code name
      stated { total }
      computed { total basic }
      children { id code stated { total personnel } }
    }
    functionalTotal { total basic }
    threePublic { total reception }
    source { fileName format }
  }
  departments(first: 2) { totalCount pageInfo { hasNextPage } edges { cursor node { id name } } }
  subject(scheme: FUNCTIONAL, code: "215", year: 2023) { id name seenIn { departments } }
  rollup(scheme: FUNCTIONAL, code: "215", year: 2023) { id total inYear(year: 2023) { total } }
}"""
QUERY_B = """query Second {
  disclosure(department: "209", year: 2023) {
    id
    functional {
      id
      stated { basic project }
      computed { project }
      children { id stated { operating } computed { total } }
    }
    functionalTotal { project }
    threePublic { vehicles }
    source { sha256 }
  }
  departments(first: 2) { pageInfo { endCursor } edges { cursor node { id code } } }
  subject(scheme: FUNCTIONAL, code: "215", year: 2023) { id seenIn { regions } }
  rollup(scheme: FUNCTIONAL, code: "215", year: 2023) { id inYear(year: 2023) { change } }
}"""


# -- The configuration -------------------------------------------------------------------------


def test_every_object_type_without_an_id_merges() -> None:
    graphql = schema._schema
    objects = {
        name: t
        for name, t in graphql.type_map.items()
        if isinstance(t, GraphQLObjectType) and not name.startswith("__") and name != "Query"
    }
    without_id = {name for name, t in objects.items() if "id" not in t.fields}
    assert {"PageInfo", "SeenIn", "DisclosureConnection", "DisclosureEdge"} <= without_id
    policies = client_cache_config()["typePolicies"]
    assert without_id <= set(policies)
    # So do the parts of a node that have an id of their own (from their owner's).
    assert {"Amounts", "ThreePublic", "Source", "Withdrawal", "YearComparison"} <= set(policies)
    # Every policy is a plain merge, and only object types of the schema have one.
    assert all(policy == {"merge": True} for policy in policies.values())
    assert set(policies) <= set(objects)
    # What a root field looks up keeps its own identity: a client selects its id.
    assert looked_up_types() == ["Change", "Department", "Disclosure", "RollupNode", "Subject"]
    assert set(policies) == set(objects) - set(looked_up_types())


def test_possible_types_are_the_interfaces_implementations() -> None:
    graphql = schema._schema
    nodes = sorted(
        name
        for name, t in graphql.type_map.items()
        if isinstance(t, GraphQLObjectType) and any(i.name == "Node" for i in t.interfaces)
    )
    assert client_cache_config()["possibleTypes"] == {"Node": nodes}
    assert {"Amounts", "Disclosure"} <= set(nodes)


def test_the_cli_prints_the_configuration(tmp_path: Path) -> None:
    printed = CliRunner().invoke(cli, ["schema", "--apollo-cache-config"])
    assert (printed.exit_code, printed.stdout) == (0, client_cache_json())
    assert json.loads(printed.stdout) == client_cache_config()
    target = tmp_path / "client-cache.json"
    written = CliRunner().invoke(cli, ["schema", "--apollo-cache-config", "-o", str(target)])
    assert written.exit_code == 0
    assert target.read_text(encoding="utf-8") == client_cache_json()
    # Without the option, the schema as before.
    assert CliRunner().invoke(cli, ["schema"]).stdout == schema_sdl()


async def _client(**settings: Any) -> httpx.AsyncClient:
    app = create_app(Settings(database_url="sqlite+aiosqlite:///:memory:", **settings))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub")


async def test_the_hub_serves_it_without_graphiql_behind_its_middleware() -> None:
    async with await _client(graphiql=False) as http:
        response = await http.get(PATH)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert response.text == client_cache_json()
        assert response.headers["cache-control"] == "public, max-age=300"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "content-security-policy" in response.headers
        etag = response.headers["etag"]
        again = await http.get(PATH, headers={"if-none-match": etag})
        assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)
        other = await http.get(PATH, headers={"if-none-match": '"other"'})
        assert other.status_code == 200
        assert (await http.head(PATH)).status_code == 200
        assert (await http.post(PATH, json={})).status_code == 405


async def test_it_answers_only_to_allowed_hosts_and_cors_origins() -> None:
    async with await _client(allowed_hosts=("hub.example.org",)) as http:
        assert (await http.get(PATH)).status_code == 400
        ok = await http.get(PATH, headers={"host": "hub.example.org"})
        assert ok.status_code == 200
    async with await _client(cors_origins=("https://app.example.org",)) as http:
        response = await http.get(PATH, headers={"origin": "https://app.example.org"})
        assert response.headers["access-control-allow-origin"] == "https://app.example.org"


# -- Apollo Client, in Node --------------------------------------------------------------------


@pytest.fixture
async def hub(database: Database) -> AsyncIterator[str]:
    """The hub over the seed, listening on a loopback port in this test's event loop."""
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
    app = create_app(Settings(database_url=str(database.url), response_cache=0), database)
    async with apollo.served(app) as base:
        yield base


async def _apollo(node_modules: Path, hub: str, *, config: bool) -> dict[str, Any]:
    given = {"hub": hub, "config": config, "queries": [QUERY_A, QUERY_B]}
    result = await apollo.run(node_modules, "apollo_cache.cjs", given)
    assert result["apolloClient"].startswith("3.")
    # Apollo sent both queries (with the __typename it adds) and the hub answered them whole.
    assert [r["operationName"] for r in result["requests"]] == ["First", "Second"]
    assert all("errors" not in answer for answer in result["answers"]), result["answers"]
    assert result["results"] == [answer["data"] for answer in result["answers"]]
    return result


async def test_without_the_configuration_apollo_loses_data(
    node_modules: Path, hub: str, database: Database
) -> None:
    result = await _apollo(node_modules, hub, config=False)
    lost = {
        f"{found[2]}.{found[1]}"
        for m in result["messages"]
        if m["level"] == "warn"
        and (
            found := re.match(
                r"Cache data may be lost when replacing the (\w+) field of a (\w+) ", m["text"]
            )
        )
    }
    assert lost == {
        "BudgetNode.stated",
        "BudgetNode.computed",
        "Disclosure.functionalTotal",
        "Disclosure.threePublic",
        "Disclosure.source",
        "Subject.seenIn",
        "RollupNode.inYear",
        "Query.departments",
    }, result["messages"]
    # The first query's fields the second did not select are gone: it no longer reads back.
    assert result["reread"] is None


async def test_with_the_configuration_apollo_keeps_every_answer(
    node_modules: Path, hub: str, database: Database
) -> None:
    result = await _apollo(node_modules, hub, config=True)
    assert result["configStatus"] == 200
    assert result["messages"] == []
    first = result["answers"][0]["data"]
    assert result["reread"] == first
    # The answer is the hub's, as any client gets it for the document Apollo sent.
    assert await post(database, result["requests"][0]["query"]) == {"data": first}
    assert first["disclosure"]["functional"][0]["stated"]["total"] is not None
