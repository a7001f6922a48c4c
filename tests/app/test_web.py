import asyncio
import logging
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from graphql import get_introspection_query

from hub.app.web import create_app
from hub.config import Settings
from hub.store import engine
from hub.store.engine import Database
from hub.store.migrate import head_revision, upgrade
from tests.app.relay import Relay


def _client(database: Database, **settings: object) -> httpx.AsyncClient:
    app = create_app(Settings(database_url=str(database.url), **settings), database)  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub")


async def test_health_names_the_backend_and_revision(database: Database, backend: str) -> None:
    async with _client(database) as client:
        response = await client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == {
        "backend": backend,
        "revision": head_revision(),
        "head": head_revision(),
    }


async def test_health_says_when_migrations_are_needed(fresh_url: str) -> None:
    database = Database(fresh_url)
    async with _client(database) as client:
        response = await client.get("/health")
    await database.dispose()
    assert response.status_code == 503
    assert response.json()["status"] == "migration needed"
    assert response.json()["database"]["revision"] is None


async def test_health_says_when_the_database_is_unreachable() -> None:
    database = Database("postgresql+asyncpg://postgres@127.0.0.1:1/nowhere")
    async with _client(database) as client:
        response = await client.get("/health")
    await database.dispose()
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert "Traceback" not in response.text


async def test_graphql_answers(database: Database) -> None:
    async with _client(database) as client:
        response = await client.post("/graphql", json={"query": "{ version }"})
    from hub import __version__

    assert response.json() == {"data": {"version": __version__}}


async def test_assets_before_they_are_fetched_are_not_found(
    database: Database, tmp_path: Path
) -> None:
    """No assets folder yet (no `hub assets fetch`): a 404, not a server error."""
    async with _client(database, assets_dir=str(tmp_path / "absent")) as client:
        pinned = await client.get("/assets/echarts@5.6.0/echarts.min.js")
        unknown = await client.get("/assets/nothing@1.0.0/x.js")
    assert (pinned.status_code, unknown.status_code) == (404, 404)


async def test_cors_origins_are_configurable(database: Database) -> None:
    async with _client(database, cors_origins=("https://city.example",)) as client:
        allowed = await client.options(
            "/graphql",
            headers={"Origin": "https://city.example", "Access-Control-Request-Method": "POST"},
        )
        refused = await client.options(
            "/graphql",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
    assert allowed.headers["access-control-allow-origin"] == "https://city.example"
    assert "access-control-allow-origin" not in refused.headers


JSON = "application/json"
BAD_BODIES = {
    "not UTF-8": (b'{"query": "{ version }\xff"}', JSON, "is not UTF-8 text: byte 22 is 0xff"),
    "null": (b"null", JSON, "must be a JSON object"),
    "a number": (b"123", JSON, "not a number"),
    "a string": (b'"str"', JSON, "not a string"),
    "a list": (b"[]", JSON, "not a list"),
    "5,000 nested [": (b"[" * 5000, JSON, "nested too deeply"),
    "not JSON": (b'{"query": ', JSON, "is not JSON: Expecting value at line 1, column 11"),
    "a 5,000-digit number": (
        b'{"query": "{ version }", "variables": {"n": ' + b"1" * 5000 + b"}}",
        JSON,
        "is not usable JSON",
    ),
    "a query that is no string": (b'{"query": 5}', JSON, "`query` must be a string"),
    "a lone surrogate as operation name": (
        b'{"query": "{ version }", "operationName": "\\ud800"}',
        JSON,
        'Unknown operation named "\ud800"',
    ),
}
WRONG_TYPES = ["text/plain", "application/x-www-form-urlencoded", "application/jsonx", ""]


@pytest.mark.parametrize("cache", [0, 100], ids=["cache off", "cache on"])
@pytest.mark.parametrize("name", list(BAD_BODIES))
async def test_a_bad_body_is_a_400_with_a_code_and_one_log_line(
    database: Database, cache: int, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    body, content_type, message = BAD_BODIES[name]
    caplog.set_level(logging.INFO)
    async with _client(database, response_cache=cache) as client:
        response = await client.post(
            "/graphql", content=body, headers={"content-type": content_type}
        )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert message in error["message"]
    [line] = [r for r in caplog.records if r.name == "hub.http"]
    assert line.levelno == logging.INFO
    assert '"POST /graphql" 400 BAD_REQUEST' in line.getMessage()
    assert not any(r.exc_info for r in caplog.records)
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize("content_type", WRONG_TYPES)
async def test_a_body_of_another_type_is_a_415(database: Database, content_type: str) -> None:
    async with _client(database) as client:
        response = await client.post(
            "/graphql", content=b'{"query": "{ version }"}', headers={"content-type": content_type}
        )
    assert response.status_code == 415
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert error["message"].startswith("a query is sent as application/json, not ")


async def test_a_refused_query_is_logged_in_one_line(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with _client(database) as client:
        response = await client.post("/graphql", json={"query": "{ versoin }"})
    assert response.status_code == 400
    [line] = [r.getMessage() for r in caplog.records if r.name == "hub.http"]
    assert line.endswith(
        "\"POST /graphql\" 400 GRAPHQL_VALIDATION_FAILED: Cannot query field 'versoin' on type "
        "'Query'."
    )


QUERY = {"query": "{ departments(first: 1) { totalCount } }"}


@pytest.mark.parametrize("cache", [0, 100], ids=["cache off", "cache on"])
async def test_an_unreachable_database_is_a_503_to_retry(
    cache: int, caplog: pytest.LogCaptureFixture
) -> None:
    database = Database("postgresql+asyncpg://postgres@127.0.0.1:1/nowhere")
    async with _client(database, response_cache=cache) as client:
        response = await client.post("/graphql", json=QUERY)
    await database.dispose()
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert error["message"] == "the database is not available at the moment; try again shortly"
    assert not any(r.exc_info for r in caplog.records)


async def test_a_database_that_accepts_but_never_answers_is_a_503_within_the_connect_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A server gone without closing its sockets: the connection is accepted, then silence.
    Requests are refused as unavailable once the connect timeout passes, not held until the
    request timeout (asyncpg alone would wait 60 s)."""
    monkeypatch.setattr(engine, "POSTGRESQL_CONNECT_TIMEOUT_S", 0.3)
    silent: list[asyncio.StreamWriter] = []

    async def accept_and_say_nothing(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        silent.append(writer)

    server = await asyncio.start_server(accept_and_say_nothing, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    database = Database(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/silent")
    try:
        async with _client(database, request_timeout=20.0, response_cache=0) as client:
            started = time.monotonic()
            response = await client.post("/graphql", json=QUERY)
            waited = time.monotonic() - started
    finally:
        await database.dispose()
        server.close()
        for writer in silent:
            writer.transport.abort()
    assert response.status_code == 503
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["SERVICE_UNAVAILABLE"]
    assert len(silent) >= 1
    assert waited < 10  # the connect timeout, not the request timeout of 20 s


@pytest.fixture
def postgres_url(new_database_url: Callable[[str], str]) -> str:
    url = new_database_url("postgresql")
    upgrade(url)
    return url


@pytest.mark.parametrize("cache", [0, 100], ids=["cache off", "cache on"])
async def test_a_database_outage_is_a_503_and_the_hub_recovers_by_itself(
    postgres_url: str, cache: int, caplog: pytest.LogCaptureFixture
) -> None:
    relay = Relay(postgres_url)
    await relay.start()
    database = Database(relay.url)
    caplog.set_level(logging.INFO)
    try:
        async with _client(database, response_cache=cache) as client:
            before = await client.post("/graphql", json=QUERY)
            await relay.stop()  # the pool's open connections die with it
            during = [await client.post("/graphql", json=QUERY) for _ in range(3)]
            health = await client.get("/health")
            await relay.start()
            after = await client.post("/graphql", json=QUERY)
    finally:
        await database.dispose()
        if relay.server is not None:
            await relay.stop()
    assert before.status_code == after.status_code == 200
    assert before.json() == after.json() == {"data": {"departments": {"totalCount": 0}}}
    for response in during:
        assert response.status_code == 503
        assert response.headers["retry-after"] == "5"
        assert [e["extensions"]["code"] for e in response.json()["errors"]] == [
            "SERVICE_UNAVAILABLE"
        ]
    assert health.status_code == 503
    refused = [r for r in caplog.records if r.name == "hub.http"]
    assert [r.levelno for r in refused] == [logging.WARNING] * 3
    assert not any(r.exc_info for r in caplog.records)
    assert "Traceback" not in caplog.text


async def test_a_download_while_the_database_is_down_is_a_503() -> None:
    database = Database("postgresql+asyncpg://postgres@127.0.0.1:1/nowhere")
    async with _client(database) as client:
        response = await client.get(
            "/export/disclosure.csv", params={"department": "209", "year": "2023"}
        )
    await database.dispose()
    assert response.status_code == 503
    assert response.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"


async def test_an_explorer_page_while_the_database_is_down_is_a_503() -> None:
    database = Database("postgresql+asyncpg://postgres@127.0.0.1:1/nowhere")
    async with _client(database) as client:
        response = await client.get("/disclosure", params={"department": "209", "year": "2023"})
    await database.dispose()
    assert response.status_code == 503
    assert "the database is not available at the moment; try again shortly" in response.text


async def test_a_variable_of_the_wrong_type_is_one_log_line(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    nested = {"a": {"a": {"a": 1}}}
    async with _client(database) as client:
        response = await client.post(
            "/graphql",
            json={
                "query": "query ($id: ID!) { node(id: $id) { id } }",
                "variables": {"id": nested},
            },
        )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith("Variable '$id' has invalid value: ID cannot represent")
    [line] = [
        r.getMessage() for r in caplog.records if r.levelno >= logging.INFO and r.name != "httpx"
    ]
    assert "\"POST /graphql\" 400 BAD_USER_INPUT: Variable '$id' has invalid value" in line
    assert "Traceback" not in caplog.text


async def test_work_that_never_waits_is_stopped_by_the_request_timeout(database: Database) -> None:
    """Introspection fifty times over touches no database: only the schema's own deadline,
    set from HUB_REQUEST_TIMEOUT, can stop it; the answer is the HTTP timeout's, a 503."""
    introspection = get_introspection_query()
    fragments = introspection[introspection.index("fragment") :]
    body = introspection[introspection.index("{") + 1 : introspection.index("fragment")]
    body = body.strip().removesuffix("}")
    query = "query {" + " ".join(f"a{i}: {body}" for i in range(50)) + "}" + fragments
    settings = {"request_timeout": 0.01, "max_query_cost": 10**9, "response_cache": 0}
    async with _client(database, **settings) as client:
        response = await client.post("/graphql", json={"query": query})
    assert response.status_code == 503
    assert response.json()["errors"][0]["extensions"] == {"code": "TIMEOUT"}
