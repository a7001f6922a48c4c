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
from hub.app.assets import missing_assets
from hub.app.graphiql import GRAPHIQL_PACKAGES, example_query, page
from hub.store.engine import Database

__all__ = ["HubGraphQL"]


class HubGraphQL(GraphQL[Context, None]):
    """Strawberry's view with the hub's GraphiQL page: from the copy in ``assets`` when it is
    complete (looked at on every page, so a fetch needs no restart), else from the CDN; with
    ``require_local``, a missing copy is an error instead."""

    def __init__(
        self,
        schema: Any,
        database: Database,
        *,
        assets: Path,
        require_local: bool = False,
    ) -> None:
        super().__init__(schema, allow_queries_via_get=True)
        self.database = database
        self.assets = assets
        self.require_local = require_local

    async def render_graphql_ide(self, request: Request) -> Response:
        missing = missing_assets(self.assets, GRAPHIQL_PACKAGES)
        if missing and self.require_local:
            return PlainTextResponse(
                f"GraphiQL's assets are missing from {self.assets} ({', '.join(missing)}): "
                "run `hub assets fetch`",
                status_code=503,
            )
        example = await example_query(self.schema, self.database)
        return HTMLResponse(page(local=not missing, example=example))

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
