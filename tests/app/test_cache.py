"""The response cache: repeated queries are answered from it, never stale after a load."""

from collections.abc import AsyncIterator

import httpx
import pytest

from hub.app.web import create_app
from hub.config import Settings
from hub.store.engine import Database
from tests import seed

QUERY = '{ rollup(scheme: FUNCTIONAL, year: 2023, code: "2150517") { total departmentCount } }'


@pytest.fixture
async def http(database: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url=str(database.url), response_cache=100), database)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://hub"
    ) as client:
        yield client


async def test_a_repeated_query_is_a_hit_until_the_data_changes(
    http: httpx.AsyncClient, database: Database
) -> None:
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
    first = await http.post("/graphql", json={"query": QUERY})
    second = await http.post("/graphql", json={"query": QUERY})
    assert "x-hub-cache" not in first.headers
    assert second.headers["x-hub-cache"] == "hit"
    assert second.content == first.content
    assert second.json()["data"]["rollup"] == {"total": "2798.00", "departmentCount": 1}
    await seed.load_text(database, seed.variant("501", **{"2150517": "2.00"}))
    third = await http.post("/graphql", json={"query": QUERY})
    assert "x-hub-cache" not in third.headers
    assert third.json()["data"]["rollup"] == {"total": "2800.00", "departmentCount": 2}
    by_get = await http.get("/graphql", params={"query": QUERY})
    assert by_get.json() == third.json()
    assert (await http.get("/graphql", params={"query": QUERY})).headers["x-hub-cache"] == "hit"


async def test_errors_and_pages_are_never_cached(http: httpx.AsyncClient) -> None:
    for _ in range(2):
        response = await http.post("/graphql", json={"query": "{ versoin }"})
        assert "x-hub-cache" not in response.headers
    for _ in range(2):
        page = await http.get("/graphql", headers={"Accept": "text/html"})
        assert "x-hub-cache" not in page.headers


async def test_the_cache_can_be_turned_off(database: Database) -> None:
    app = create_app(Settings(database_url=str(database.url), response_cache=0), database)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://hub"
    ) as http:
        for _ in range(2):
            response = await http.post("/graphql", json={"query": "{ version }"})
            assert "x-hub-cache" not in response.headers
