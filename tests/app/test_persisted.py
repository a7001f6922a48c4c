"""Automatic persisted queries: a query sent by its hash alone, after once with it."""

import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from strawberry.http import GraphQLRequestData

from hub.app.persisted import PersistedQueries, PersistedQueryNotFound
from hub.app.web import create_app
from hub.config import Settings
from hub.store.engine import Database
from tests import apollo, seed

QUERY = '{ rollup(scheme: FUNCTIONAL, year: 2023, code: "215") { total departmentCount } }'
HASH = hashlib.sha256(QUERY.encode()).hexdigest()


def _extensions(digest: str = HASH, version: object = 1) -> dict[str, object]:
    return {"persistedQuery": {"version": version, "sha256Hash": digest}}


@pytest.fixture
async def http(database: Database) -> AsyncIterator[httpx.AsyncClient]:
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
    app = create_app(Settings(database_url=str(database.url)), database)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://hub"
    ) as client:
        yield client


async def test_a_hash_is_not_found_then_sent_with_its_query_then_enough(
    http: httpx.AsyncClient,
) -> None:
    by_hash = {"extensions": json.dumps(_extensions())}
    unknown = await http.get("/graphql", params=by_hash)
    assert unknown.status_code == 200
    assert unknown.json() == {
        "errors": [
            {
                "message": "PersistedQueryNotFound",
                "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
            }
        ]
    }
    assert unknown.headers["cache-control"] == "private, no-cache, must-revalidate"
    assert "etag" not in unknown.headers

    sent = await http.post("/graphql", json={"query": QUERY, "extensions": _extensions()})
    assert sent.json()["data"]["rollup"] == {"total": "3507.74", "departmentCount": 1}

    known = await http.get("/graphql", params=by_hash)
    assert known.status_code == 200
    assert known.json() == sent.json()
    assert "etag" in known.headers
    again = await http.get(
        "/graphql", params=by_hash, headers={"if-none-match": known.headers["etag"]}
    )
    assert again.status_code == 304
    # By POST too, with variables beside the hash.
    posted = await http.post("/graphql", json={"extensions": _extensions(), "variables": {}})
    assert posted.json() == sent.json()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"query": "{ version }", "extensions": _extensions()},
            "provided sha does not match query",
        ),
        ({"extensions": _extensions(version=2)}, "persistedQuery: only version 1 is supported"),
        ({"extensions": {"persistedQuery": "yes"}}, "only version 1 is supported"),
        (
            {"extensions": _extensions(digest=HASH.upper())},
            "persistedQuery.sha256Hash must be 64 lower-case hexadecimal digits",
        ),
        (
            {"extensions": _extensions(digest="abc")},
            "persistedQuery.sha256Hash must be 64 lower-case hexadecimal digits",
        ),
    ],
)
async def test_a_persisted_query_the_hub_cannot_take_is_a_400(
    http: httpx.AsyncClient, body: dict[str, object], message: str
) -> None:
    answer = await http.post("/graphql", json=body)
    assert answer.status_code == 400
    [error] = answer.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert message in error["message"]


def test_the_queries_kept_are_bounded_in_bytes_the_oldest_going_first() -> None:
    queries = [f"{{ a{n}: version }}" for n in range(4)]
    digests = [hashlib.sha256(q.encode()).hexdigest() for q in queries]
    kept = PersistedQueries(max_bytes=len(queries[0]) * 3)
    for query, digest in zip(queries, digests, strict=True):
        kept.resolve(GraphQLRequestData(query=query, variables=None, operation_name=None,
                                        extensions=_extensions(digest)))  # fmt: skip
    assert list(kept.known) == digests[1:]
    assert kept.bytes == len(queries[0]) * 3
    found = kept.resolve(
        GraphQLRequestData(query=None, variables=None, operation_name=None,
                           extensions=_extensions(digests[3])))  # fmt: skip
    assert found.query == queries[3]
    with pytest.raises(PersistedQueryNotFound):
        kept.resolve(GraphQLRequestData(query=None, variables=None, operation_name=None,
                                        extensions=_extensions(digests[0])))  # fmt: skip


async def test_apollo_sends_hashes_by_get_and_a_caching_fetch_revalidates_them(
    node_modules: Path, database: Database, tmp_path: Path
) -> None:
    """The real client, with its persisted-query link, hashes sent by GET, and a fetch that
    caches by ETag as a browser or proxy does. The response cache is off: every 304 is the
    tag's doing."""
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
    app = create_app(Settings(database_url=str(database.url), response_cache=0), database)
    query = "query Rollup " + QUERY.replace('"215"', '"2150517"')
    given = {"query": query, "clients": 3, "httpCache": str(tmp_path / "http-cache.json")}
    async with apollo.served(app) as hub:
        first = await apollo.run(node_modules, "apollo_persisted.cjs", {**given, "hub": hub})
        await seed.load_text(database, seed.variant("501", **{"2150517": "2.00"}))
        later = await apollo.run(
            node_modules, "apollo_persisted.cjs", {**given, "hub": hub, "clients": 1}
        )
    rollup = {"__typename": "RollupNode", "total": "2798.00", "departmentCount": 1}
    assert first["data"] == [{"rollup": rollup}] * 3
    assert first["messages"] == later["messages"] == []
    unknown, with_query, tagged, revalidated = first["exchanges"]
    # The hash alone, by GET: not known yet; then with the query, by POST; then the hash alone.
    assert unknown == {
        "method": "GET", "withQuery": False, "ifNoneMatch": None, "status": 200,
        "etag": None, "cacheControl": "private, no-cache, must-revalidate",
    }  # fmt: skip
    assert (with_query["method"], with_query["withQuery"], with_query["etag"]) == (
        "POST",
        True,
        None,
    )
    etag = tagged["etag"]
    assert tagged == {
        "method": "GET", "withQuery": False, "ifNoneMatch": None, "status": 200,
        "etag": etag, "cacheControl": "public, max-age=0, must-revalidate",
    }  # fmt: skip
    assert revalidated == {**tagged, "ifNoneMatch": etag, "status": 304}
    # After a load the tag is another, and the answer new.
    [changed] = later["exchanges"]
    assert (changed["ifNoneMatch"], changed["status"]) == (etag, 200)
    assert changed["etag"] != etag
    assert later["data"] == [{"rollup": {**rollup, "total": "2800.00", "departmentCount": 2}}]
