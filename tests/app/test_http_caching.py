"""HTTP caching of answers to GET: ``ETag`` from the data version and the query, 304 for
``If-None-Match``, ``Cache-Control`` as configured; with the response cache on or off."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest

from hub.app.web import create_app
from hub.config import Settings
from hub.store.engine import Database
from tests import seed

QUERY = '{ rollup(scheme: FUNCTIONAL, year: 2023, code: "2150517") { total departmentCount } }'
EXACT = "public, max-age=0, must-revalidate"

Client = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def client(database: Database) -> Client:
    @asynccontextmanager
    async def make(**settings: object) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(Settings(database_url=str(database.url), **settings), database)  # type: ignore[arg-type]
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub") as http:
            yield http

    return make


@pytest.mark.parametrize("cache", [0, 100], ids=["cache off", "cache on"])
async def test_a_get_is_tagged_and_answered_304_until_the_data_change(
    client: Client, database: Database, cache: int
) -> None:
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
    async with client(response_cache=cache) as http:
        first = await http.get("/graphql", params={"query": QUERY})
        assert first.status_code == 200
        assert first.json()["data"]["rollup"] == {"total": "2798.00", "departmentCount": 1}
        tag = first.headers["etag"]
        assert tag.startswith('"')
        assert len(tag) == 34
        assert first.headers["cache-control"] == EXACT
        for asked in (tag, f"W/{tag}", f'"other", {tag}'):
            again = await http.get(
                "/graphql", params={"query": QUERY}, headers={"if-none-match": asked}
            )
            assert (again.status_code, again.content) == (304, b"")
            assert again.headers["etag"] == tag
            assert again.headers["cache-control"] == EXACT
        for asked in ('"x"', "*"):  # another tag; any (which a refused query would match)
            other = await http.get(
                "/graphql", params={"query": QUERY}, headers={"if-none-match": asked}
            )
            assert (other.status_code, other.content) == (200, first.content)
            assert other.headers["etag"] == tag
        # Another query is another tag.
        shaped = await http.get("/graphql", params={"query": QUERY.replace("total ", "t: total ")})
        assert shaped.headers["etag"] != tag

        await seed.load_text(database, seed.variant("501", **{"2150517": "2.00"}))
        changed = await http.get(
            "/graphql", params={"query": QUERY}, headers={"if-none-match": tag}
        )
        assert changed.status_code == 200
        assert changed.json()["data"]["rollup"] == {"total": "2800.00", "departmentCount": 2}
        assert changed.headers["etag"] != tag


async def test_only_answers_to_get_are_tagged(client: Client) -> None:
    async with client() as http:
        posted = await http.post("/graphql", json={"query": "{ version }"})
        assert posted.status_code == 200
        assert "etag" not in posted.headers
        assert "cache-control" not in posted.headers
        refused = await http.get("/graphql", params={"query": "{ versoin }"})
        assert refused.status_code == 400
        assert "etag" not in refused.headers
        page = await http.get("/graphql", headers={"accept": "text/html"})
        assert "etag" not in page.headers


async def test_the_cache_control_is_configurable(client: Client) -> None:
    async with client(cache_control="public, max-age=60") as http:
        answer = await http.get("/graphql", params={"query": "{ version }"})
    assert answer.headers["cache-control"] == "public, max-age=60"
    assert "etag" in answer.headers


async def test_an_outage_is_not_tagged() -> None:
    database = Database("postgresql+asyncpg://postgres@127.0.0.1:1/nowhere")
    app = create_app(Settings(database_url=str(database.url)), database)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://hub"
    ) as http:
        answer = await http.get("/graphql", params={"query": "{ version }"})
    await database.dispose()
    assert answer.status_code == 503
    assert "etag" not in answer.headers
