"""Limits at the HTTP level: the size of a body or query string, refused with a code and a line
in the log; a query string up to the limit is the API's to answer."""

import logging
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import httpx
import pytest

from hub.app.web import create_app
from hub.config import Settings
from hub.store.engine import Database

LIMIT = 2_000


def _client(database: Database) -> httpx.AsyncClient:
    app = create_app(
        Settings(database_url=str(database.url), max_request_bytes=LIMIT, response_cache=0),
        database,
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub")


def _query_string(length: int) -> str:
    """``query={ version #…}`` of exactly ``length`` bytes once encoded."""
    fixed = len(urlencode({"query": "{ version #\n}"}))
    query = urlencode({"query": "{ version #" + "x" * (length - fixed) + "\n}"})
    assert len(query) == length
    return query


async def test_a_query_string_up_to_the_limit_is_answered(database: Database) -> None:
    async with _client(database) as client:
        at_the_limit = await client.get("/graphql?" + _query_string(LIMIT))
        over = await client.get("/graphql?" + _query_string(LIMIT + 1))
    assert at_the_limit.status_code == 200
    assert at_the_limit.json()["data"]["version"]
    assert over.status_code == 413
    assert over.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "streamed"])
async def test_a_body_over_the_limit_is_a_413_with_one_log_line(
    database: Database, declared: bool, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    body = b'{"query": "{ version }", "pad": "' + b"x" * LIMIT + b'"}'

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 500):
            yield body[start : start + 500]

    async with _client(database) as client:
        response = await client.post(
            "/graphql",
            content=body if declared else chunks(),
            headers={"content-type": "application/json"},
        )
    assert response.status_code == 413
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "REQUEST_TOO_LARGE"
    assert error["message"].startswith(f"the request is larger than {LIMIT} bytes")
    [line] = [r.getMessage() for r in caplog.records if r.name == "hub.http"]
    assert '"POST /graphql" 413 REQUEST_TOO_LARGE' in line
    assert "Traceback" not in caplog.text


async def test_a_body_at_the_limit_is_answered(database: Database) -> None:
    head, tail = b'{"query": "{ version }", "pad": "', b'"}'
    body = head + b"x" * (LIMIT - len(head) - len(tail)) + tail
    assert len(body) == LIMIT
    async with _client(database) as client:
        response = await client.post(
            "/graphql", content=body, headers={"content-type": "application/json"}
        )
    assert response.status_code == 200
    assert response.json()["data"]["version"]
