"""Automatic persisted queries, as Apollo's clients send them: a query by its SHA-256 alone.

A client sends ``extensions: {"persistedQuery": {"version": 1, "sha256Hash": "…"}}`` without
the query, typically by GET so that the URL is short and a proxy or CDN can cache the answer.
A hash this process has not seen is answered ``PersistedQueryNotFound``; the client sends the
query with its hash once, the hub checks that they agree and keeps it. The queries are kept per
process, the least recently used going first beyond :data:`PERSISTED_QUERY_BYTES`: a worker
or machine that has not seen a hash costs one more round trip, never a wrong answer, since a
hash names exactly one query.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from dataclasses import replace

from cross_web import HTTPException
from strawberry.http import GraphQLRequestData

__all__ = [
    "NOT_FOUND_BODY",
    "PERSISTED_QUERY_BYTES",
    "PersistedQueries",
    "PersistedQueryNotFound",
]

PERSISTED_QUERY_BYTES = 16_000_000
"""The most the queries kept by hash may hold together, per process."""

NOT_FOUND_BODY = (
    b'{"errors": [{"message": "PersistedQueryNotFound", '
    b'"extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}]}'
)
"""The answer Apollo's clients know: send the query with its hash."""

_SHA256 = re.compile(r"[0-9a-f]{64}")


class PersistedQueryNotFound(Exception):
    """A hash without its query that this process has not been sent with one."""


class PersistedQueries:
    """The queries sent with their hash, by hash."""

    def __init__(self, max_bytes: int = PERSISTED_QUERY_BYTES) -> None:
        self.max_bytes = max_bytes
        self.known: OrderedDict[str, str] = OrderedDict()
        self.bytes = 0

    def resolve(self, request: GraphQLRequestData) -> GraphQLRequestData:
        """The request with its query: as sent, or found by its hash; a request without a
        ``persistedQuery`` extension unchanged."""
        extensions = request.extensions or {}
        if "persistedQuery" not in extensions:
            return request
        persisted = extensions["persistedQuery"]
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            raise HTTPException(400, "persistedQuery: only version 1 is supported")
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
            raise HTTPException(
                400, "persistedQuery.sha256Hash must be 64 lower-case hexadecimal digits"
            )
        if request.query is None:
            query = self.known.get(digest)
            if query is None:
                raise PersistedQueryNotFound(digest)
            self.known.move_to_end(digest)
            return replace(request, query=query)
        if hashlib.sha256(request.query.encode("utf-8")).hexdigest() != digest:
            raise HTTPException(400, "provided sha does not match query")
        self._keep(digest, request.query)
        return request

    def _keep(self, digest: str, query: str) -> None:
        size = len(query.encode("utf-8"))
        if digest in self.known or size > self.max_bytes:
            return
        self.known[digest] = query
        self.bytes += size
        while self.bytes > self.max_bytes:
            _, dropped = self.known.popitem(last=False)
            self.bytes -= len(dropped.encode("utf-8"))
