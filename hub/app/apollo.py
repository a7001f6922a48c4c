"""``GET /graphql/client-cache.json``: the client cache configuration of the schema served
(see :mod:`hub.api.client_cache`), for frontends that build Apollo Client's ``InMemoryCache``
from it at start-up.

It is served whatever ``HUB_GRAPHIQL`` says, behind the same middleware as everything else (the
security headers, ``HUB_ALLOWED_HOSTS``, ``HUB_CORS_ORIGINS``). It changes only with the schema,
that is with the hub's version: browsers keep it a few minutes and then ask again with its ETag,
which a running hub answers with 304.
"""

from __future__ import annotations

import hashlib

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hub.api.client_cache import client_cache_json

__all__ = ["CLIENT_CACHE_PATH", "client_cache_route"]

CLIENT_CACHE_PATH = "/graphql/client-cache.json"
CACHE_CONTROL = "public, max-age=300"


def client_cache_route(schema: strawberry.Schema) -> Route:
    """The route serving ``schema``'s configuration (made once, here)."""
    body = client_cache_json(schema).encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {"cache-control": CACHE_CONTROL, "etag": etag}

    async def client_cache(request: Request) -> Response:
        asked = request.headers.get("if-none-match", "")
        if etag in {tag.strip().removeprefix("W/") for tag in asked.split(",")} or asked == "*":
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="application/json", headers=headers)

    return Route(CLIENT_CACHE_PATH, client_cache, methods=["GET"], name="client-cache")
