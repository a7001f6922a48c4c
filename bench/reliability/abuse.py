"""The hub as a hostile client treats it: malformed requests of every kind, and query bombs.

Every request is a client's mistake or an abuse, so the right answer is a 2xx (a GraphQL
error the client can read) or a 4xx with a code, in bounded time; never a 5xx. A database
outage is the only 503 the suite allows, and there is none here.
"""

from __future__ import annotations

import asyncio
import base64
import json
import random
import string
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import httpx

from bench.reliability.common import Section, Served

__all__ = ["QUERY_BOMBS", "abuse", "query_bombs"]


@dataclass(frozen=True)
class Request:
    name: str
    method: str
    path: str
    body: bytes | None = None
    content_type: str | None = "application/json"
    headers: tuple[tuple[str, str], ...] = ()


def _b64(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _node(raw: str) -> str:
    return "{ node(id: " + json.dumps(_b64(raw)) + ") { id } }"


def _after(connection: str, raw: str) -> str:
    cursor = base64.urlsafe_b64encode(raw.encode()).decode()
    return "{ " + connection + "(after: " + json.dumps(cursor) + ") { totalCount } }"


def _query(name: str, query: str, variables: dict[str, Any] | None = None) -> Request:
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    return Request(name, "POST", "/graphql", json.dumps(body).encode())


def _fragment_bomb(n: int) -> str:
    fragments = ["fragment F0 on Query { __typename }"] + [
        f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, n + 1)
    ]
    return f"query {{ ...F{n} }} " + " ".join(fragments)


QUERY_BOMBS: dict[str, str] = {
    # 1 KB that doubles at each fragment: 2^24 spreads when expanded naively.
    "fragments doubling ×24": _fragment_bomb(24),
    "fragments doubling ×40": _fragment_bomb(40),
    "50 aliases of functional through a fragment": (
        "fragment T on Disclosure { functional { code name stated { total } computed { total }"
        " children { code stated { total } children { code stated { total } } } } }"
        ' query { d: disclosure(department: "209", year: 2023) { '
        + " ".join(f"a{i}: functional {{ code }} ...T" for i in range(50))
        + " } }"
    ),
    "50 aliases of sections over disclosures(first: 100)": (
        "{ disclosures(first: 100) { edges { node { "
        + " ".join(f"s{i}: sections {{ title text }}" for i in range(50))
        + " } } } }"
    ),
    "depth 40": '{ disclosure(department: "209", year: 2023) { functional { '
    + "children { " * 38
    + "code"
    + " }" * 38
    + " } } }",
    "4,000 directives": "{ __typename " + "@include(if: true) " * 4_000 + "}",
    "2,000 aliases of __typename": "{ " + " ".join(f"a{i}: __typename" for i in range(2000)) + " }",
    "deep introspection": "{ __schema { types { fields { type { "
    + "ofType { " * 8
    + "name"
    + " }" * 8
    + " } } } } }",
}


HEAVY: dict[str, str] = {
    # What a legitimate but greedy client asks: accepted or refused, never slow.
    "every disclosure's tree": "{ disclosures(first: 100) { edges { node { title functional {"
    " code name stated { total basic project } computed { total }"
    " children { code name stated { total } children { code name stated { total } } } } } } } }",
    "every disclosure's prose and findings": "{ disclosures(first: 100) { edges { node {"
    " sections { title text } findings { rule message } } } } }",
    "a rollup, every department": '{ rollup(scheme: FUNCTIONAL, year: 2023, code: "215") {'
    " total departmentCount byDepartment(first: 100) { total department { name } }"
    " children { code total children { code total } } inYear(year: 2022) { change ratio } } }",
    "the whole catalog": "{ subjects(scheme: FUNCTIONAL, year: 2023, first: 100) { edges { node {"
    " code name printedNames descendants(depth: 3) { code name } } } } }",
}


def _battery() -> Iterator[Request]:
    """The fixed list: each kind of mistake once, and the greedy legal queries."""
    for name, query in HEAVY.items():
        yield _query(f"heavy: {name}", query)
    for name, body in {
        "not UTF-8": b'\xff\xfe{"query": "{ __typename }"}',
        "JSON null": b"null",
        "JSON number": b"123",
        "JSON string": b'"str"',
        "JSON list of 5,000 nested [": b"[" * 5000,
        "JSON object of 5,000 nested {": b'{"a":' * 5000,
        "truncated JSON": b'{"query": "{ __type',
        "empty body": b"",
        "query is a number": b'{"query": 1}',
        "variables is a list": b'{"query": "{ __typename }", "variables": [1]}',
        "operationName is an object": b'{"query": "{ __typename }", "operationName": {}}',
        "batch of 1,000": json.dumps([{"query": "{ __typename }"}] * 1000).encode(),
    }.items():
        yield Request(name, "POST", "/graphql", body)
    yield Request(
        "JSON sent as text/plain",
        "POST",
        "/graphql",
        b'{"query": "{ __typename }"}',
        "text/plain",
    )
    yield Request(
        "form body",
        "POST",
        "/graphql",
        b"query=%7B__typename%7D",
        "application/x-www-form-urlencoded",
    )
    yield Request(
        "multipart junk", "POST", "/graphql", b"--x\r\n\r\n--x--", "multipart/form-data; boundary=x"
    )
    for name, query, variables in [
        (
            "id beyond 64 bits",
            _node("Disclosure:99999999999999999999999"),
            None,
        ),
        ("negative id", _node("Disclosure:-1"), None),
        ("id of no type", _node("Nothing:1"), None),
        ("id not base64", '{ node(id: "!!!") { id } }', None),
        (
            "cursor beyond 64 bits",
            _after("disclosures", "disclosure:99999999999999999999"),
            None,
        ),
        (
            "cursor of another list",
            _after("departments", "disclosure:1"),
            None,
        ),
        ("first beyond 32 bits", "{ disclosures(first: 99999999999) { totalCount } }", None),
        ("first negative", "{ disclosures(first: -5) { totalCount } }", None),
        (
            "year beyond 32 bits",
            '{ disclosure(department: "209", year: 99999999999) { id } }',
            None,
        ),
        (
            "year beyond 64 bits in a variable",
            "query ($y: Int!) { disclosures(year: $y) { totalCount } }",
            {"y": 2**70},
        ),
        (
            "NUL in an argument",
            "query ($d: String!) { disclosure(department: $d, year: 2023) { id } }",
            {"d": "20\u00009"},
        ),
        ("NUL in a literal", '{ disclosure(department: "20\\u00009", year: 2023) { id } }', None),
        (
            "NUL in a search",
            '{ subjects(scheme: FUNCTIONAL, year: 2023, search: "\\u0000") { totalCount } }',
            None,
        ),
        (
            "a 10,000-character name",
            "query ($d: String!) { disclosure(department: $d, year: 2023) { id } }",
            {"d": "局" * 10_000},
        ),
        (
            "a code of 8 digits",
            '{ subject(scheme: FUNCTIONAL, code: "21505170", year: 2023) { name } }',
            None,
        ),
        (
            "rollup of a code of letters",
            '{ rollup(scheme: FUNCTIONAL, code: "abc", year: 2023) { total } }',
            None,
        ),
        ("unknown field", "{ nothing }", None),
        ("syntax error", "{ disclosure(", None),
        ("unknown operation", "subscription { x }", None),
        ("mutation", "mutation { x }", None),
        (
            "variable of the wrong type",
            "query ($y: Int!) { disclosures(year: $y) { totalCount } }",
            {"y": "x"},
        ),
    ]:
        yield _query(name, query, variables)
    # A lone surrogate can only be written as a JSON escape: json.dumps would refuse it.
    yield Request(
        "lone surrogate in a variable",
        "POST",
        "/graphql",
        b'{"query": "query ($d: String!) { disclosure(department: $d, year: 2023) { id } }",'
        b' "variables": {"d": "\\ud800"}}',
    )
    yield Request(
        "lone surrogate in the query",
        "POST",
        "/graphql",
        b'{"query": "{ disclosure(department: \\"\\udfff\\", year: 2023) { id } }"}',
    )
    for name, path in [
        (
            "GET with a query string near the limit",
            "/graphql?query=%7B__typename%7D&pad=" + "a" * 99_000,
        ),
        (
            "GET with a query string over the limit",
            "/graphql?query=%7B__typename%7D&pad=" + "a" * 200_000,
        ),
        ("GET of a broken query", "/graphql?query=%7B"),
        ("GET of variables that are not JSON", "/graphql?query=%7B__typename%7D&variables=%7B"),
        ("GET of a mutation", "/graphql?query=mutation%7Bx%7D"),
        ("explorer: a year of letters", "/disclosure?department=209&year=abc"),
        ("explorer: a year beyond 64 bits", "/disclosure?department=209&year=99999999999999999999"),
        ("explorer: NUL in a department", "/disclosure?department=%00&year=2023"),
        ("explorer: a code of letters", "/rollup?scheme=FUNCTIONAL&code=zz&year=2023"),
        ("explorer: an unknown scheme", "/rollup?scheme=X&code=215&year=2023"),
        ("explorer: a node beyond the tree", "/disclosure?department=209&year=2023&node=9999999"),
        ("explorer: a page cursor of junk", "/?after=%FF%FE"),
        ("export: an unknown format", "/export/disclosure.exe?department=209&year=2023"),
        ("export: no department", "/export/disclosure.csv?year=2023"),
        (
            "export: a version beyond 64 bits",
            "/export/disclosure.csv?department=209&year=2023&version=99999999999999999999",
        ),
        (
            "export: a lone surrogate, percent-encoded",
            "/export/rollup.csv?scheme=FUNCTIONAL&code=%ED%A0%80&year=2023",
        ),
        ("assets: a path out of the folder", "/assets/../../../etc/passwd"),
        ("assets: an unknown package", "/assets/nothing@1.0.0/x.js"),
        ("an unknown path", "/wp-login.php"),
    ]:
        yield Request(name, "GET", path, None, None)
    for method in ("PUT", "DELETE", "PATCH"):
        yield Request(f"{method} /graphql", method, "/graphql", b"{}")
    yield Request(
        "a cross-origin preflight",
        "OPTIONS",
        "/graphql",
        None,
        None,
        (("Origin", "https://evil.example"), ("Access-Control-Request-Method", "POST")),
    )
    for name, query in QUERY_BOMBS.items():
        yield _query(f"bomb: {name}", query)
    yield from _uploads()


def _uploads() -> Iterator[Request]:
    """Loading and withdrawing without a valid token, with bodies of every shape: refused
    before the body is read, never a 5xx."""
    boundary = "hubabuse"
    part = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        f"Content-Type: text/plain\r\n\r\n{'x' * 1000}\r\n--{boundary}--\r\n"
    ).encode()
    multipart = f"multipart/form-data; boundary={boundary}"
    bearers = {
        "no token": (),
        "wrong token": (("Authorization", "Bearer hub_" + "A" * 43),),
        "empty bearer": (("Authorization", "Bearer"),),
        "basic auth": (("Authorization", "Basic dXNlcjpwYXNz"),),
        "long token": (("Authorization", "Bearer " + "t" * 8000),),
    }
    for who, headers in bearers.items():
        yield Request(f"upload, {who}", "POST", "/api/ingest", part, multipart, headers)
        yield Request(
            f"withdraw, {who}", "POST", "/api/withdraw",
            b'{"department": "209", "year": 2023, "reason": "x"}', "application/json", headers,
        )  # fmt: skip
    wrong = bearers["wrong token"]
    yield Request("upload, truncated multipart", "POST", "/api/ingest", part[:40], multipart, wrong)
    yield Request("upload, no boundary", "POST", "/api/ingest", part, "multipart/form-data", wrong)
    yield Request("upload, JSON body", "POST", "/api/ingest", b"{}", "application/json", wrong)
    yield Request("upload, GET", "GET", "/api/ingest", None, None, wrong)
    yield Request("withdraw, not JSON", "POST", "/api/withdraw", b"\xff\xfe", None, wrong)


_ARGUMENTS = [
    ("{ disclosure(department: %s, year: %s) { title functional { code } } }", ("str", "int")),
    (
        "{ rollup(scheme: FUNCTIONAL, code: %s, year: %s) {"
        " total byDepartment(first: %s) { total } } }",
        ("str", "int", "int"),
    ),
    (
        "{ subject(scheme: FUNCTIONAL, code: %s, year: %s) { name children { code } } }",
        ("str", "int"),
    ),
    (
        "{ subjects(scheme: FUNCTIONAL, year: %s, search: %s, first: %s) { totalCount } }",
        ("int", "str", "int"),
    ),
    (
        "{ disclosures(region: %s, year: %s, first: %s) { totalCount edges { node { id } } } }",
        ("str", "int", "int"),
    ),
    ("{ departments(region: %s, after: %s) { totalCount } }", ("str", "str")),
    ("{ node(id: %s) { id } }", ("str",)),
]
_NASTY = [*"\u0000\ud800\udfff\u202e\ufeff'\"\\%_;\n局𠀀", "--"]
_KNOWN = ["209", "215", "2150517", "21505170", "咸宁市", ""]


def _value(kind: str, rng: random.Random) -> str:
    """A GraphQL literal; a string's JSON form is one (lone surrogates escaped as written)."""
    if kind == "int":
        return str(rng.choice([0, -1, 1, 2023, 2**31, 2**63, 2**64 + 1, -(2**63) - 1, 10**30]))
    if rng.random() < 0.2:
        return json.dumps(rng.choice(_KNOWN))
    pieces = [rng.choice(_NASTY + list(string.printable)) for _ in range(rng.randrange(0, 40))]
    return json.dumps("".join(pieces))


def _fuzzed(count: int, seed: int) -> Iterator[Request]:
    """Random values, nasty ones among them, in every argument the API takes."""
    rng = random.Random(seed)
    for n in range(count):
        template, kinds = rng.choice(_ARGUMENTS)
        query = template % tuple(_value(k, rng) for k in kinds)
        # ensure_ascii: the body is ASCII, a lone surrogate travels as its escape.
        yield Request(f"fuzz {n}", "POST", "/graphql", json.dumps({"query": query}).encode())


async def _send_raw(base: str, request: Request) -> tuple[int, float, str]:
    """A GET as written, for what httpx would refuse or tidy (a 200 KB URL, ``..``)."""
    host, port = base.removeprefix("http://").split(":")
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        f"GET {request.path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode()
    )
    await writer.drain()
    answer = await reader.read()
    writer.close()
    seconds = time.perf_counter() - started
    status = answer.split(b" ", 2)[1] if answer.startswith(b"HTTP/") else b"0"
    return int(status), seconds, ""


async def _send(client: httpx.AsyncClient, request: Request) -> tuple[int, float, str]:
    if request.method == "GET" and (len(request.path) > 60_000 or "/../" in request.path):
        return await _send_raw(str(client.base_url).rstrip("/"), request)
    headers = dict(request.headers)
    if request.content_type:
        headers["Content-Type"] = request.content_type
    started = time.perf_counter()
    try:
        response = await client.request(
            request.method, request.path, content=request.body, headers=headers, timeout=120
        )
    except httpx.TransportError as exc:
        return 0, time.perf_counter() - started, f"no answer: {type(exc).__name__}"
    seconds = time.perf_counter() - started
    code = ""
    if response.headers.get("content-type", "").startswith("application/json"):
        try:
            errors = response.json().get("errors") or []
            code = str((errors[0].get("extensions") or {}).get("code", "")) if errors else ""
        except (ValueError, AttributeError):
            code = "?"
    return response.status_code, seconds, code


async def _run(
    served: Served, requests: list[Request], concurrency: int
) -> list[tuple[Request, int, float, str]]:
    limit = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=served.base) as client:

        async def one(request: Request) -> tuple[Request, int, float, str]:
            async with limit:
                return (request, *await _send(client, request))

        return list(await asyncio.gather(*(one(r) for r in requests)))


MAX_CPU_SECONDS = 2.0
"""The most CPU time one accepted request of up to 100 KB may cost the server."""
REPLAYED = 40


def _size(request: Request) -> int:
    return len(request.path.encode()) + len(request.body or b"")


def _cpu_costs(cold: Served, requests: list[Request]) -> list[tuple[float, str, int]]:
    """Each request sent alone to a hub that keeps nothing between requests: the server's CPU
    seconds for it, its name and status."""

    async def replay() -> list[tuple[float, str, int]]:
        costs = []
        async with httpx.AsyncClient(base_url=cold.base) as client:
            for request in requests:
                before = cold.cpu_seconds()
                status, _, _ = await _send(client, request)
                costs.append((cold.cpu_seconds() - before, request.name, status))
        return costs

    return asyncio.run(replay())


def abuse(
    served: Served,
    count: int,
    seed: int = 1,
    cold: Callable[[], AbstractContextManager[Served]] | None = None,
) -> Section:
    """The battery, then ``count`` fuzzed requests, 8 at a time. With ``cold`` (the same data
    served with no response cache and no read model), the accepted requests of up to 100 KB
    that took longest are sent again one at a time, and the CPU each costs the server is
    measured: wall time at 8 concurrent requests says little about one request's cost."""
    section = Section()
    battery = list(_battery())
    requests = battery + list(_fuzzed(max(0, count - len(battery)), seed))
    before = served.tracebacks()
    results = asyncio.run(_run(served, requests, 8))
    statuses = Counter(status for _, status, _, _ in results)
    server_errors = [(r.name, s, c) for r, s, _, c in results if s >= 500 or s == 0]
    accepted = [(seconds, r.name) for r, s, seconds, _ in results if 200 <= s < 300]
    costliest = max(accepted, default=(0.0, "none"))
    health = httpx.get(f"{served.base}/health", timeout=10).status_code
    section.figures = {
        "requests": len(results),
        "by_status": {str(k): v for k, v in sorted(statuses.items())},
        "answers_5xx_or_none": len(server_errors),
        "examples_5xx": server_errors[:10],
        "costliest_accepted_ms": round(costliest[0] * 1000, 1),
        "costliest_accepted": costliest[1],
        "tracebacks_logged": served.tracebacks() - before,
        "errors_logged": served.errors()[-5:],
        "fixed_battery": {r.name: f"{s} {c}".strip() for r, s, _, c in results[: len(battery)]},
    }
    section.expect(
        not server_errors, f"{len(server_errors)} answers of 5xx or none: {server_errors[:5]}"
    )
    section.expect(section.figures["tracebacks_logged"] == 0, "tracebacks in the server's log")
    section.expect(health == 200, f"/health answered {health} after the battery")
    if cold is not None:
        slowest = sorted(
            (
                (seconds, r)
                for r, s, seconds, _ in results
                if 200 <= s < 300 and _size(r) <= 100_000
            ),
            key=lambda pair: pair[0],
            reverse=True,
        )[:REPLAYED]
        with cold() as cold_served:
            costs = _cpu_costs(cold_served, [r for _, r in slowest])
        cpu, name, status = max(costs, default=(0.0, "none", 0))
        section.figures["cold_replay"] = {
            "replayed": len(costs),
            "costliest_cpu_ms": round(cpu * 1000),
            "costliest_cpu": name,
            "status": status,
            "over_limit": [(n, round(c * 1000)) for c, n, _ in costs if c > MAX_CPU_SECONDS],
        }
        section.expect(cpu <= MAX_CPU_SECONDS, f"{name} cost {cpu:.2f} s of CPU, alone and cold")
    return section


def query_bombs(served: Served) -> Section:
    """Each bomb alone, timed, with /health asked while it runs."""
    section = Section()
    for name, query in QUERY_BOMBS.items():

        async def bomb(query: str = query) -> tuple[tuple[int, float, str], float]:
            async with httpx.AsyncClient(base_url=served.base) as client:
                task = asyncio.ensure_future(_send(client, _query("bomb", query)))
                await asyncio.sleep(0.05)
                started = time.perf_counter()
                await client.get("/health", timeout=120)
                health = time.perf_counter() - started
                return await task, health

        (status, seconds, code), health_seconds = asyncio.run(bomb())
        section.figures[name] = {
            "bytes": len(query.encode()),
            "status": status,
            "code": code,
            "ms": round(seconds * 1000, 1),
            "health_ms_meanwhile": round(health_seconds * 1000, 1),
        }
        section.expect(0 < status < 500, f"{name}: answered {status}")
        section.expect(seconds < 5, f"{name}: took {seconds:.1f} s")
    return section
