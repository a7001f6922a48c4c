"""Settings read from the environment; nothing here opens a connection."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["DEFAULT_DATABASE_URL", "Settings"]

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///hub.db"
"""The embedded default: a SQLite file ``hub.db`` in the current directory."""

_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """What the hub needs to know about its surroundings.

    Built from the environment by :meth:`from_env`; tests build their own.
    """

    database_url: str = DEFAULT_DATABASE_URL
    """``HUB_DATABASE_URL``: ``sqlite+aiosqlite:///path.db`` or ``postgresql+asyncpg://…``."""
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    """``HUB_CORS_ORIGINS``: comma-separated origins allowed to call the API from a browser."""
    debug: bool = False
    """``HUB_DEBUG``: show error details and field suggestions to clients."""
    max_request_bytes: int = 100_000
    """``HUB_MAX_REQUEST_BYTES``: the largest request body or query string accepted."""
    request_timeout: float = 30.0
    """``HUB_REQUEST_TIMEOUT``: seconds a request may take before it is answered 503."""
    response_cache: int = 1000
    """``HUB_RESPONSE_CACHE``: how many query answers to keep; 0 turns the cache off."""
    offline: bool = False
    """``HUB_OFFLINE``: refuse to serve without this server's own copy of the pages' assets
    (GraphiQL, ECharts); the copy is used whenever it is there, with or without this."""
    assets_dir: str = ""
    """``HUB_ASSETS_DIR``: where ``hub assets fetch`` puts them (default: in the environment)."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        origins = environ.get("HUB_CORS_ORIGINS", "")
        return cls(
            database_url=environ.get("HUB_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            cors_origins=tuple(o.strip() for o in origins.split(",") if o.strip()),
            debug=environ.get("HUB_DEBUG", "").strip().lower() in _TRUE,
            max_request_bytes=int(environ.get("HUB_MAX_REQUEST_BYTES", "100000")),
            request_timeout=float(environ.get("HUB_REQUEST_TIMEOUT", "30")),
            response_cache=int(environ.get("HUB_RESPONSE_CACHE", "1000")),
            offline=environ.get("HUB_OFFLINE", "").strip().lower() in _TRUE,
            assets_dir=environ.get("HUB_ASSETS_DIR", "").strip(),
        )
