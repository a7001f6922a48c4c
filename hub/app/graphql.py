"""The GraphQL endpoint: a fresh context per request; every client mistake a 4xx with a code in
``extensions`` (never a 500, never a masked internal error), a database outage a 503."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.http.parse_content_type import parse_content_type

from hub.api.context import Context, make_context
from hub.api.errors import SERVICE_UNAVAILABLE, UNAVAILABLE_MESSAGE, database_unavailable
from hub.app.assets import missing_assets
from hub.app.cache import DATA_VERSION_KEY
from hub.app.graphiql import GRAPHIQL_PACKAGES, cdn_files, example_query, page
from hub.app.persisted import NOT_FOUND_BODY, PersistedQueries, PersistedQueryNotFound
from hub.app.refusals import RETRY_AFTER_SECONDS, log_refusal, refusal_body
from hub.app.security import content_security_policy, csp_nonce
from hub.store.engine import Database

__all__ = ["ExecutionLogFilter", "HubGraphQL"]

# The code of each refusal strawberry makes before a query runs, by its HTTP status.
_HTTP_CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "REQUEST_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}

_GRAPHIQL_OFF = (
    "GraphiQL is switched off on this server (HUB_GRAPHIQL=0). The API answers here all the "
    'same: POST /graphql with a JSON body {"query": "{ version }"}, or GET '
    "/graphql?query={version}.\n"
)


class _Answer(Response):
    """A JSON answer that knows why it refuses, if it does, for the log line."""

    refusal: tuple[str, str] | None = None


class HubGraphQL(GraphQL[Context, None]):
    """Strawberry's view with the hub's GraphiQL page: from the copy in ``assets`` when it is
    complete (looked at on every page, so a fetch needs no restart), else from the CDN; with
    ``require_local``, a missing copy is an error instead; with ``graphiql`` off, a note."""

    def __init__(
        self,
        schema: Any,
        database: Database,
        *,
        assets: Path,
        require_local: bool = False,
        graphiql: bool = True,
    ) -> None:
        super().__init__(schema, allow_queries_via_get=True)
        self.database = database
        self.persisted = PersistedQueries()
        self.assets = assets
        self.require_local = require_local
        self.graphiql = graphiql

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        response: Response
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as refused:
            code = _HTTP_CODES.get(refused.status_code, "BAD_REQUEST")
            response = _refusal(refused.status_code, refused.reason, code)
        except PersistedQueryNotFound:
            # Not an error of the client's: its next request sends the query with the hash.
            response = _Answer(NOT_FOUND_BODY, media_type="application/json")
            response.headers["cache-control"] = "private, no-cache, must-revalidate"
        except Exception as error:
            # Outside the schema (which masks what fails inside it), only an outage is expected.
            if not database_unavailable(error):
                raise
            response = _refusal(503, UNAVAILABLE_MESSAGE, SERVICE_UNAVAILABLE)
        if response.status_code >= 400:
            code, message = getattr(response, "refusal", None) or ("-", _text(response))
            log_refusal(scope, response.status_code, code, message)
        await response(scope, receive, send)

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> Any:
        # Strawberry takes any content type that contains "application/json"; the hub, and so
        # its response cache, only that type itself.
        if request.method == "POST":
            media, _ = parse_content_type(request.content_type or "")
            if media != "application/json":
                raise HTTPException(
                    415,
                    f"a query is sent as application/json, not {media or 'without a type'} "
                    "(or in the query string of a GET)",
                )
        parsed = await super().parse_http_body(request)
        return parsed if isinstance(parsed, list) else self.persisted.resolve(parsed)

    def parse_json(self, data: str | bytes) -> Any:
        # ``bytes`` is the request body; ``str`` a query-string parameter (variables=…).
        what = "the request body" if isinstance(data, bytes) else "a query parameter"
        if isinstance(data, bytes):
            try:
                data = data.decode("utf-8")
            except UnicodeDecodeError as error:
                raise HTTPException(
                    400,
                    f"{what} is not UTF-8 text: byte {error.start} is 0x{data[error.start]:02x}",
                ) from None
        try:
            value = json.loads(data)
        except json.JSONDecodeError as error:
            raise HTTPException(
                400, f"{what} is not JSON: {error.msg} at line {error.lineno}, column {error.colno}"
            ) from None
        except RecursionError:
            raise HTTPException(400, f"{what} is JSON nested too deeply") from None
        except ValueError as error:  # a number of more digits than Python converts
            raise HTTPException(400, f"{what} is not usable JSON: {error}") from None
        if what == "the request body" and not isinstance(value, dict):
            raise HTTPException(
                400,
                f'{what} must be a JSON object, {{"query": "...", "variables": {{...}}}}, '
                f"not {_json_kind(value)}",
            )
        return value

    def should_render_graphql_ide(self, request: Any) -> bool:
        # A GET carrying only a persisted query's hash (no ``query``) asks for an answer.
        return "extensions" not in request.query_params and super().should_render_graphql_ide(
            request
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        if not self.graphiql:
            return PlainTextResponse(_GRAPHIQL_OFF, status_code=404)
        missing = missing_assets(self.assets, GRAPHIQL_PACKAGES)
        if missing and self.require_local:
            return PlainTextResponse(
                f"GraphiQL's assets are missing from {self.assets} ({', '.join(missing)}): "
                "run `hub assets fetch`",
                status_code=503,
            )
        example = await example_query(self.schema, self.database)
        nonce = csp_nonce(request)
        response = HTMLResponse(page(local=not missing, example=example, nonce=nonce))
        if missing:  # the files come from the CDN, pinned by their hashes
            response.headers["content-security-policy"] = content_security_policy(
                nonce, origins=cdn_files()
            )
        return response

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        # The data version the response cache read for this request, if it did.
        return make_context(self.database, request.scope.get(DATA_VERSION_KEY))

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        results = response_data if isinstance(response_data, list) else [response_data]
        errors = [_errors(r) for r in results]
        everyone = [e for found in errors for e in found]
        codes = [(e.get("extensions") or {}).get("code") for e in everyone]
        if sub_response.status_code is None and SERVICE_UNAVAILABLE in codes:
            sub_response.status_code = 503
            sub_response.headers["retry-after"] = str(RETRY_AFTER_SECONDS)
        elif sub_response.status_code is None and "TIMEOUT" in codes:
            # The schema's own deadline, checked between objects: the same answer as the
            # HTTP timeout's, which cannot interrupt work that never waits.
            sub_response.status_code = 503
        elif sub_response.status_code is None and codes and _clients_mistake(results, codes):
            sub_response.status_code = 400
        answer = _Answer(
            self.encode_json(response_data),
            status_code=sub_response.status_code or 200,
            media_type="application/json",
        )
        answer.raw_headers.extend(sub_response.headers.raw)
        if sub_response.background:
            answer.background = sub_response.background
        if everyone:
            answer.refusal = (str(codes[0] or "-"), str(everyone[0].get("message", "")))
        return answer


def _clients_mistake(results: list[GraphQLHTTPResponse], codes: list[Any]) -> bool:
    """A query refused before it ran (syntax, validation, limits: no error has a path), or one
    whose every error is a value the client gave that the hub refuses (an unknown id, a cursor
    of another list): what the client must change. A failure inside, masked, is not."""
    refused_before = any(
        r.get("data") is None and r.get("errors") and not any(e.get("path") for e in _errors(r))
        for r in results
    )
    return refused_before or all(code == "BAD_USER_INPUT" for code in codes)


def _errors(result: GraphQLHTTPResponse) -> list[dict[str, Any]]:
    return [e for e in result.get("errors") or [] if isinstance(e, dict)]


def _refusal(status: int, message: str, code: str) -> Response:
    answer = _Answer(refusal_body(message, code), status_code=status, media_type="application/json")
    if status == 503:
        answer.headers["retry-after"] = str(RETRY_AFTER_SECONDS)
    answer.refusal = (code, message)
    return answer


def _text(response: Response) -> str:
    body = getattr(response, "body", b"")
    return body.decode("utf-8", "replace").strip() if isinstance(body, bytes) else ""


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return "a list (batched queries are not accepted: send one at a time)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "a string"


class ExecutionLogFilter(logging.Filter):
    """Strawberry logs what fails in a query with its traceback. A variable the client gave
    that does not fit its type is the client's mistake, already one line in ``hub.http``:
    left out. While the database is down every query fails alike: one line of the cause."""

    def filter(self, record: logging.LogRecord) -> bool:
        if (
            isinstance(record.msg, GraphQLError)
            and record.msg.path is None
            and record.msg.message.startswith("Variable '$")
        ):
            return False
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and database_unavailable(error):
            record.msg = "the database is unavailable: %s"
            record.args = (" ".join(str(error).split())[:300],)
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
