"""Asking the hub's GraphQL endpoint over its ASGI app, as a client would."""

from __future__ import annotations

from typing import Any

import httpx

from hub.app.web import create_app
from hub.config import Settings
from hub.store.engine import Database

__all__ = ["ask", "post"]


async def post(database: Database, query: str, **variables: Any) -> dict[str, Any]:
    """The whole response body: data, and errors if any."""
    app = create_app(Settings(database_url=str(database.url)), database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as http:
        response = await http.post("/graphql", json={"query": query, "variables": variables})
    return dict(response.json())


async def ask(database: Database, query: str, **variables: Any) -> dict[str, Any]:
    """The data of a query that must answer without errors."""
    body = await post(database, query, **variables)
    assert "errors" not in body, body["errors"]
    return dict(body["data"])
