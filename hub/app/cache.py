"""A response cache for GraphQL queries that is exact: its key holds the data version.

The data changes only when a document is loaded (or the catalog synced), and each of those
moves the version on in the same transaction, so a cached answer is never stale. Only
successful JSON answers are kept, the least recently used going first once the answers kept
hold more bytes than allowed; only a request the API itself would accept is looked up, and
anything else always reaches the API. The same key tags answers to GET for HTTP caches
(``ETag``, ``If-None-Match``, ``Cache-Control``), with or without answers kept here.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.http.parse_content_type import parse_content_type

from hub import __version__
from hub.api.errors import SERVICE_UNAVAILABLE, UNAVAILABLE_MESSAGE, database_unavailable
from hub.app.refusals import refuse
from hub.config import Settings
from hub.query.version import version_watch
from hub.store.engine import Database

__all__ = ["DATA_VERSION_KEY", "DEFAULT_CACHE_CONTROL", "ResponseCache"]

DEFAULT_CACHE_CONTROL = Settings.cache_control
"""Proxies may keep answers to GET but ask again each time, which costs a 304 while the data
have not changed: exact."""

ENTRY_SHARE = 16
"""One answer may take at most this fraction (1/16) of the cache's bytes, so that a few large
answers cannot push out all the others."""

DATA_VERSION_KEY = "hub.data_version"
"""Where the data version this middleware read for a request is left in its ASGI scope: the
request's reads take it rather than reading it again."""

_JSON_ACCEPTS = {b"", b"*/*", b"application/json", b"application/graphql-response+json"}


class ResponseCache:
    """Answers repeated queries from memory: at most ``entries`` answers holding at most
    ``max_bytes`` together (none with 0). Answers to GET carry an ``ETag`` made of the data
    version, the query and the hub's version, and ``cache_control``; a GET whose
    ``If-None-Match`` holds the current tag is answered 304 without running the query. So a
    reverse proxy or CDN in front of several hub machines caches exactly what they would say."""

    def __init__(
        self,
        app: ASGIApp,
        database: Database,
        entries: int,
        max_bytes: int,
        cache_control: str = DEFAULT_CACHE_CONTROL,
    ) -> None:
        self.app, self.entries, self.max_bytes = app, entries, max_bytes
        self.keeps = entries > 0 and max_bytes > 0
        self.cache_control = cache_control.encode("latin-1")
        self.versions = version_watch(database)
        self.cached: OrderedDict[tuple[str, int], bytes] = OrderedDict()
        self.bytes = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = str(scope.get("method"))
        # Without answers to keep, only a GET needs the data version (for its tag).
        if scope["type"] != "http" or not _cacheable(scope) or (not self.keeps and method != "GET"):
            await self.app(scope, receive, send)
            return
        body = b""
        while True:  # read the whole request, then hand it on unchanged
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        try:
            version = await self.versions.current()
        except Exception as error:
            if not database_unavailable(error):
                raise
            await refuse(scope, send, 503, UNAVAILABLE_MESSAGE, SERVICE_UNAVAILABLE)
            return
        scope[DATA_VERSION_KEY] = version
        key = (_key(scope, method, body), version)
        etag = _etag(key)
        tags = [(b"etag", etag), (b"cache-control", self.cache_control)] if method == "GET" else []
        if tags and _matches(scope, etag):
            await send({"type": "http.response.start", "status": 304, "headers": tags})
            await send({"type": "http.response.body", "body": b""})
            return
        if key in self.cached:
            self.cached.move_to_end(key)
            await _send_json(send, self.cached[key], [(b"x-hub-cache", b"hit"), *tags])
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        status, chunks, json_response = 0, [], False

        async def capture(message: Message) -> None:
            nonlocal status, json_response
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers") or [])
                named = dict(headers)
                json_response = named.get(b"content-type", b"").startswith(b"application/json")
                # The same query at the same data version gets the same answer, errors
                # included; an answer that says how it may be cached (a hash not known yet)
                # says so itself.
                if status == 200 and json_response and b"cache-control" not in named:
                    message = {**message, "headers": [*headers, *tags]}
            elif message["type"] == "http.response.body" and self.keeps:
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, replay, capture)
        answer = b"".join(chunks)
        if self.keeps and status == 200 and json_response and b'"errors"' not in answer:
            self._keep(key, answer)

    def _keep(self, key: tuple[str, int], answer: bytes) -> None:
        if len(answer) > self.max_bytes // ENTRY_SHARE or key in self.cached:
            return
        self.cached[key] = answer
        self.bytes += len(answer)
        while len(self.cached) > self.entries or self.bytes > self.max_bytes:
            _, dropped = self.cached.popitem(last=False)
            self.bytes -= len(dropped)


def _cacheable(scope: Scope) -> bool:
    """Whether the API would take this request as a query to answer in JSON: a POST of
    ``application/json``, or a GET with a ``query``; anything else it refuses, or answers
    otherwise (the GraphiQL page), and must never be answered from here."""
    headers = dict(scope.get("headers") or [])
    accept = headers.get(b"accept", b"").split(b";")[0].strip().lower()
    if accept not in _JSON_ACCEPTS:
        return False
    if scope.get("method") == "GET":
        query = scope.get("query_string", b"").decode("latin-1")
        names = {name for name, _ in parse_qsl(query, keep_blank_values=True)}
        return bool(names & {"query", "extensions"})  # a persisted query has no query
    if scope.get("method") == "POST":
        media, _ = parse_content_type(headers.get(b"content-type", b"").decode("latin-1"))
        return media == "application/json"
    return False


def _key(scope: Scope, method: str, body: bytes) -> str:
    """Everything the answer depends on besides the data: the method, the path, and the
    query (the body of a POST, the query string of a GET)."""
    material = scope.get("query_string", b"") if method == "GET" else body
    path = (scope.get("root_path", "") + scope.get("path", "")).encode()
    return hashlib.sha256(b"\0".join([method.encode(), path, material])).hexdigest()


def _etag(key: tuple[str, int]) -> bytes:
    """The answer's tag: what the answer depends on (the request, the data version) and the
    hub's version, whose answers to the same query may differ."""
    material = f"{__version__}\0{key[0]}\0{key[1]}".encode()
    return b'"' + hashlib.sha256(material).hexdigest()[:32].encode() + b'"'


def _matches(scope: Scope, etag: bytes) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (weakly compared, as RFC 9110 asks). ``*`` is
    not taken: it would answer 304 to a query the API refuses, which has no tag."""
    asked = dict(scope.get("headers") or []).get(b"if-none-match")
    if asked is None:
        return False
    return etag in {name.strip().removeprefix(b"W/") for name in asked.split(b",")}


async def _send_json(send: Send, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
