"""The GraphQL endpoint: a fresh context per request, 400 for refused queries, limits on size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse

from hub.api.context import Context, make_context
from hub.app.graphiql import missing_assets, page
from hub.store.engine import Database

__all__ = ["ASSETS_PATH", "HubGraphQL"]

ASSETS_PATH = "/graphiql-assets"


class HubGraphQL(GraphQL[Context, None]):
    def __init__(
        self, schema: Any, database: Database, *, offline_assets: Path | None = None
    ) -> None:
        super().__init__(schema, allow_queries_via_get=True)
        self.database = database
        self.offline_assets = offline_assets

    async def render_graphql_ide(self, request: Request) -> Response:
        if self.offline_assets is None:
            return await super().render_graphql_ide(request)
        missing = missing_assets(self.offline_assets)
        if missing:
            return PlainTextResponse(
                f"GraphiQL's assets are missing from {self.offline_assets} ({', '.join(missing)}): "
                "run `hub assets fetch`",
                status_code=503,
            )
        return HTMLResponse(page(ASSETS_PATH))

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return make_context(self.database)

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        # A query refused before it ran (syntax, validation, limits: no error has a path) is the
        # client's error; one that failed while running is not.
        results = response_data if isinstance(response_data, list) else [response_data]
        if sub_response.status_code is None and any(
            r.get("data") is None
            and r.get("errors")
            and not any(e.get("path") for e in r.get("errors") or [])
            for r in results
        ):
            sub_response.status_code = 400
        return super().create_response(response_data, sub_response)
