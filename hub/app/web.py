"""The Starlette application: ``/graphql``, ``/health``, the explorer, the downloads, loading
and withdrawing with a token (``/api/ingest``, ``/api/withdraw``) and the pinned third-party
files the pages load."""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from hub import __version__
from hub.api.errors import SERVICE_UNAVAILABLE, UNAVAILABLE_MESSAGE, database_unavailable
from hub.api.schema import Limits, make_schema
from hub.app.apollo import client_cache_route
from hub.app.assets import ASSETS, ASSETS_PATH, LocalAssets, assets_dir
from hub.app.cache import ResponseCache
from hub.app.downloads import routes as download_routes
from hub.app.explorer import routes as explorer_routes
from hub.app.graphql import ExecutionLogFilter, HubGraphQL
from hub.app.limits import RequestLimits
from hub.app.refusals import RETRY_AFTER_SECONDS, log_refusal, refusal_body
from hub.app.security import AllowedHosts, SecurityHeaders
from hub.app.service import INGEST_PATH
from hub.app.service import routes as service_routes
from hub.config import Settings
from hub.query.model import read_model
from hub.store.engine import Database
from hub.store.migrate import current_revision, head_revision

__all__ = ["create_app"]

_PINNED = {asset.folder for asset in ASSETS}


class PinnedFiles(StaticFiles):
    """The assets folder; a file under ``PACKAGE@VERSION/`` never changes at its URL (a new
    version is a new URL), so browsers may keep it for a year without asking again."""

    def file_response(
        self,
        full_path: PathLike,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        if Path(full_path).parent.name in _PINNED:
            response.headers["cache-control"] = "public, max-age=31536000, immutable"
        return response

    async def check_config(self) -> None:
        # Before `hub assets fetch` there is no folder: its files are simply not found (404),
        # not a server error; the folder appears later without a restart.
        with contextlib.suppress(RuntimeError):  # Starlette's "directory does not exist"
            await super().check_config()


class RefuseCrossOrigin:
    """With no ``HUB_CORS_ORIGINS``, answer a browser's cross-origin preflight with a refusal
    that says how to allow it, rather than letting it reach the API as a bare OPTIONS."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or []) if scope["type"] == "http" else {}
        if (
            scope.get("method") == "OPTIONS"
            and b"origin" in headers
            and b"access-control-request-method" in headers
        ):
            origin = headers[b"origin"].decode("latin-1")
            response = PlainTextResponse(
                f"Cross-origin requests are not allowed: this hub accepts none from {origin}. "
                f"To let pages at {origin} call it, start the hub with "
                f"HUB_CORS_ORIGINS={origin} (comma-separated for several origins).\n",
                status_code=403,
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def create_app(settings: Settings | None = None, database: Database | None = None) -> Starlette:
    """Build the app; with no arguments, from the environment (what ``hub serve`` runs)."""
    settings = settings or Settings.from_env()
    database = database or Database(settings.database_url)
    head = head_revision()

    async def health(_: Request) -> JSONResponse:
        body: dict[str, object] = {
            "status": "ok",
            "version": __version__,
            "database": {"backend": database.backend, "revision": None, "head": head},
        }
        try:
            revision = await current_revision(database)
        except (SQLAlchemyError, OSError):
            body["status"] = "unavailable"
            return JSONResponse(body, status_code=503)
        body["database"] = {"backend": database.backend, "revision": revision, "head": head}
        if revision != head:
            body["status"] = "migration needed"
            return JSONResponse(body, status_code=503)
        return JSONResponse(body)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        # What exists at start-up (the schema, the modules) lives as long as the process:
        # keep it out of the collector's full passes, which otherwise stall every request.
        gc.collect()
        gc.freeze()
        yield
        await database.dispose()

    limits = Limits(
        max_cost=settings.max_query_cost,
        max_response_bytes=settings.max_response_bytes,
        seconds=settings.request_timeout,
    )
    schema = make_schema(limits, debug=settings.debug)
    read_model(database, settings.read_model_bytes)
    folder = assets_dir(settings.assets_dir)
    graphql: ASGIApp = HubGraphQL(
        schema,
        database,
        assets=folder,
        require_local=settings.offline,
        graphiql=settings.graphiql,
    )
    # Also with no answers to keep (HUB_RESPONSE_CACHE=0): it tags answers to GET.
    graphql = ResponseCache(
        graphql,
        database,
        settings.response_cache,
        settings.response_cache_bytes,
        settings.cache_control,
    )
    _quiet_execution_log()
    # The first is the outermost: every answer, refusals included, gets the security headers.
    middleware = [Middleware(SecurityHeaders)]
    if settings.allowed_hosts:
        middleware.append(Middleware(AllowedHosts, hosts=settings.allowed_hosts))
    middleware.append(
        Middleware(
            RequestLimits,
            max_bytes=settings.max_request_bytes,
            timeout=settings.request_timeout,
            exempt=frozenset({INGEST_PATH}),  # uploads have limits of their own
        )
    )
    if not settings.cors_origins:
        middleware.append(Middleware(RefuseCrossOrigin))
    else:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["*"],
            )
        )
    return Starlette(
        routes=[
            Route("/health", health, methods=["GET"]),
            Route("/graphql", graphql),
            client_cache_route(schema),
            *download_routes(database),
            *service_routes(database, settings),
            *explorer_routes(schema, database, LocalAssets(folder), graphiql=settings.graphiql),
            Mount(ASSETS_PATH, PinnedFiles(directory=folder, check_dir=False)),
        ],
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={SQLAlchemyError: _unavailable, OSError: _unavailable},
    )


async def _unavailable(request: Request, error: Exception) -> Response:
    """A page or download the database could not give: 503 to retry, not a 500."""
    if not database_unavailable(error):
        raise error
    log_refusal(request.scope, 503, SERVICE_UNAVAILABLE, f"{UNAVAILABLE_MESSAGE} ({error!s:.200})")
    return JSONResponse(
        json.loads(refusal_body(UNAVAILABLE_MESSAGE, SERVICE_UNAVAILABLE)),
        status_code=503,
        headers={"retry-after": str(RETRY_AFTER_SECONDS)},
    )


def _quiet_execution_log() -> None:
    execution = logging.getLogger("strawberry.execution")
    if not any(isinstance(f, ExecutionLogFilter) for f in execution.filters):
        execution.addFilter(ExecutionLogFilter())
