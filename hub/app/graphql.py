"""The GraphQL endpoint: a fresh context per request, 400 for refused queries, limits on size."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse

from hub.api.context import Context, make_context
from hub.store.engine import Database

__all__ = ["HubGraphQL"]


class HubGraphQL(GraphQL[Context, None]):
    def __init__(self, schema: Any, database: Database, **options: Any) -> None:
        super().__init__(schema, allow_queries_via_get=True, **options)
        self.database = database

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return make_context(self.database)

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        # A query refused before it ran (syntax, validation, limits) is the client's error.
        results = response_data if isinstance(response_data, list) else [response_data]
        if sub_response.status_code is None and any(
            r.get("data") is None and r.get("errors") for r in results
        ):
            sub_response.status_code = 400
        return super().create_response(response_data, sub_response)
