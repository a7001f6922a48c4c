"""A response cache for GraphQL queries that is exact: its key holds the data version.

The data changes only when a document is loaded (or the catalog synced), and each of those
moves the version on in the same transaction, so a cached answer is never stale. Only
successful JSON answers are kept; anything else always reaches the API.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.store.catalog import data_version
from hub.store.engine import Database

__all__ = ["ResponseCache"]

MAX_ENTRY_BYTES = 1_000_000


class VersionWatch:
    """The data version, read for many requests at once and still exact.

    Each request waits for the next read that starts after it arrived, so no commit that
    preceded the request can be missed; every request waiting at that moment shares the read.
    """

    def __init__(self, database: Database) -> None:
        self.database = database
        self.waiting: asyncio.Future[int] | None = None
        self.reading = False

    async def current(self) -> int:
        if self.waiting is None:
            self.waiting = asyncio.get_running_loop().create_future()
            if not self.reading:
                self.reading = True
                self.task = asyncio.ensure_future(self._read())
        return await asyncio.shield(self.waiting)

    async def _read(self) -> None:
        try:
            while self.waiting is not None:
                batch, self.waiting = self.waiting, None
                try:
                    async with self.database.session() as session:
                        batch.set_result(await data_version(session))
                except Exception as exc:  # the requests waiting see the failure
                    batch.set_exception(exc)
        finally:
            self.reading = False


class ResponseCache:
    def __init__(self, app: ASGIApp, database: Database, entries: int) -> None:
        self.app, self.entries = app, entries
        self.versions = VersionWatch(database)
        self.cached: OrderedDict[tuple[str, int], bytes] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope.get("method")
        accept = dict(scope.get("headers") or []).get(b"accept", b"")
        if scope["type"] != "http" or method not in {"GET", "POST"} or b"text/html" in accept:
            await self.app(scope, receive, send)
            return
        body = b""
        while True:  # read the whole request, then hand it on unchanged
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        material = scope.get("query_string", b"") if method == "GET" else body
        version = await self.versions.current()
        key = (hashlib.sha256(method.encode() + b"\0" + material).hexdigest(), version)
        if key in self.cached:
            self.cached.move_to_end(key)
            await _send_json(send, self.cached[key], hit=True)
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
                headers = dict(message.get("headers") or [])
                json_response = headers.get(b"content-type", b"").startswith(b"application/json")
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, replay, capture)
        answer = b"".join(chunks)
        keep = status == 200 and json_response and len(answer) <= MAX_ENTRY_BYTES
        if keep and b'"errors"' not in answer:
            self.cached[key] = answer
            if len(self.cached) > self.entries:
                self.cached.popitem(last=False)


async def _send_json(send: Send, body: bytes, *, hit: bool) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"x-hub-cache", b"hit" if hit else b"miss"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
