"""The response cache: repeated queries are answered from it, never stale after a load."""

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from hub.app.cache import ResponseCache
from hub.app.web import create_app
from hub.config import Settings
from hub.store.engine import Database
from tests import seed

JSON = "application/json"
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


async def test_a_body_the_api_refuses_is_never_answered_from_the_cache(
    http: httpx.AsyncClient,
) -> None:
    body = json.dumps({"query": "{ version }"}).encode()
    for _ in range(2):
        kept = await http.post("/graphql", content=body, headers={"content-type": JSON})
    assert kept.headers["x-hub-cache"] == "hit"
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/jsonx"):
        refused = await http.post("/graphql", content=body, headers={"content-type": content_type})
        assert refused.status_code == 415, content_type
        assert "x-hub-cache" not in refused.headers
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


async def test_the_key_holds_what_the_answer_depends_on(http: httpx.AsyncClient) -> None:
    query = "{ version }"
    await http.post("/graphql", json={"query": query})
    by_get = await http.get("/graphql", params={"query": query})
    assert "x-hub-cache" not in by_get.headers  # a GET is another request than a POST
    other = await http.post("/graphql", json={"query": query, "operationName": None})
    assert "x-hub-cache" not in other.headers
    page = await http.get("/graphql", params={"query": query}, headers={"Accept": "text/html"})
    assert "x-hub-cache" not in page.headers
    mutation = await http.get("/graphql", params={"query": "mutation { version }"})
    assert mutation.status_code >= 400
    assert (
        "x-hub-cache"
        not in (await http.get("/graphql", params={"query": "mutation { version }"})).headers
    )


def _subjects(n: int) -> str:
    """A query over the catalog whose answer grows with ``n``, distinct for each n."""
    return (
        f"{{ subjects(scheme: FUNCTIONAL, year: 2023, first: {n}) "
        "{ edges { node { code name } } } }"
    )


async def test_the_cache_is_bounded_in_bytes_the_oldest_going_first(database: Database) -> None:
    budget = 16 * 5_000
    app = create_app(
        Settings(database_url=str(database.url), response_cache=1000, response_cache_bytes=budget),
        database,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as http:
        sizes = {}
        for n in range(60, 100):
            sizes[n] = len((await http.post("/graphql", json={"query": _subjects(n)})).content)
        cache = _cache(app)
        held = cache.bytes
        entries = len(cache.cached)
        newest = await http.post("/graphql", json={"query": _subjects(99)})
        oldest = await http.post("/graphql", json={"query": _subjects(60)})
    assert all(size <= budget // 16 for size in sizes.values())
    assert sum(sizes.values()) > 2 * budget
    # The answers asked for last, as many as fit in the budget, and no more.
    kept = list(range(100 - entries, 100))
    assert held == sum(sizes[n] for n in kept) <= budget
    assert held + sizes[kept[0] - 1] > budget
    assert newest.headers["x-hub-cache"] == "hit"
    assert "x-hub-cache" not in oldest.headers
    assert cache.bytes == sum(len(answer) for answer in cache.cached.values()) <= budget


async def test_an_answer_larger_than_a_sixteenth_of_the_budget_is_not_kept(
    database: Database,
) -> None:
    app = create_app(
        Settings(database_url=str(database.url), response_cache=1000, response_cache_bytes=16_000),
        database,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as http:
        small = [await http.post("/graphql", json={"query": "{ version }"}) for _ in range(2)]
        large = [await http.post("/graphql", json={"query": _subjects(100)}) for _ in range(2)]
    assert small[1].headers["x-hub-cache"] == "hit"
    assert len(large[1].content) > 1_000
    assert "x-hub-cache" not in large[1].headers
    assert large[1].json() == large[0].json()


def _cache(app: object) -> ResponseCache:
    """The cache inside the app's /graphql route."""
    from starlette.routing import Route

    for route in app.routes:  # type: ignore[attr-defined]
        if isinstance(route, Route) and route.path == "/graphql":
            endpoint = route.app
            assert isinstance(endpoint, ResponseCache)
            return endpoint
    raise AssertionError("no /graphql route")
