"""The Starlette application: ``/graphql`` and ``/health``."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from hub import __version__
from hub.api.schema import Limits, make_schema
from hub.app.cache import ResponseCache
from hub.app.downloads import routes as download_routes
from hub.app.explorer import routes as explorer_routes
from hub.app.graphiql import assets_dir
from hub.app.graphql import ASSETS_PATH, HubGraphQL
from hub.app.limits import RequestLimits
from hub.config import Settings
from hub.store.engine import Database
from hub.store.migrate import current_revision, head_revision

__all__ = ["create_app"]


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

    schema = make_schema(Limits(), debug=settings.debug)
    offline_assets = assets_dir(settings.assets_dir) if settings.offline else None
    offline_routes = (
        [Mount(ASSETS_PATH, StaticFiles(directory=offline_assets, check_dir=False))]
        if offline_assets
        else []
    )
    graphql: ASGIApp = HubGraphQL(schema, database, offline_assets=offline_assets)
    if settings.response_cache > 0:
        graphql = ResponseCache(graphql, database, settings.response_cache)
    middleware = [
        Middleware(
            RequestLimits, max_bytes=settings.max_request_bytes, timeout=settings.request_timeout
        )
    ]
    if settings.cors_origins:
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
            *download_routes(database),
            *explorer_routes(schema, database, {}),
            *offline_routes,
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
