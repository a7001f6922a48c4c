"""Settings read from the environment; nothing here opens a connection."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["DEFAULT_DATABASE_URL", "SettingError", "Settings"]

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///hub.db"
"""The embedded default: a SQLite file ``hub.db`` in the current directory."""

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


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
    response_cache_bytes: int = 64_000_000
    """``HUB_RESPONSE_CACHE_BYTES``: the most the kept answers may hold together, in bytes."""
    read_model_bytes: int = 48_000_000
    """``HUB_READ_MODEL_BYTES``: the most the read model may hold per worker, in bytes
    (estimated): disclosures' trees, rollup subtrees and the rows requests read, kept for the
    data version they were read at; 0 keeps nothing."""
    cache_control: str = "public, max-age=0, must-revalidate"
    """``HUB_CACHE_CONTROL``: the ``Cache-Control`` of answers to GET queries, which also carry
    an ``ETag`` (the data version and the query) that ``If-None-Match`` turns into a 304. The
    default lets a proxy or CDN keep answers and ask each time; ``public, max-age=60`` lets it
    answer for a minute without asking."""
    max_query_cost: int = 20_000
    """``HUB_MAX_QUERY_COST``: the largest estimated cost of a query (fields times the list
    sizes they repeat over) accepted; a costlier one is refused before it runs."""
    max_response_bytes: int = 20_000_000
    """``HUB_MAX_RESPONSE_BYTES``: the largest answer built; a larger one is stopped while
    it is being built, not after."""
    allowed_hosts: tuple[str, ...] = field(default_factory=tuple)
    """``HUB_ALLOWED_HOSTS``: comma-separated host names the server answers to (against DNS
    rebinding; ``*.example.org`` allowed); empty: any."""
    graphiql: bool = True
    """``HUB_GRAPHIQL``: serve the GraphiQL IDE at ``GET /graphql``; ``0`` switches it off."""
    max_document_bytes: int = 50_000_000
    """``HUB_MAX_DOCUMENT_BYTES``: the largest file read as a document."""
    max_document_pages: int = 500
    """``HUB_MAX_DOCUMENT_PAGES``: the most pages a PDF may have."""
    document_seconds: float = 120.0
    """``HUB_DOCUMENT_SECONDS``: CPU seconds reading one document may take."""
    document_memory_mb: int = 1024
    """``HUB_DOCUMENT_MEMORY_MB``: memory reading one document may take, in MB."""
    offline: bool = False
    """``HUB_OFFLINE``: refuse to serve without this server's own copy of the pages' assets
    (GraphiQL, ECharts); the copy is used whenever it is there, with or without this."""
    assets_dir: str = ""
    """``HUB_ASSETS_DIR``: where ``hub assets fetch`` puts them (default: in the environment)."""
    max_upload_bytes: int = 50_000_000
    """``HUB_MAX_UPLOAD_BYTES``: the largest file ``POST /api/ingest`` accepts, in bytes."""
    max_upload_files: int = 50
    """``HUB_MAX_UPLOAD_FILES``: the most files one ``POST /api/ingest`` may send."""
    ingest_per_minute: int = 60
    """``HUB_INGEST_PER_MINUTE``: the most files a token may send to be loaded in a minute
    (counted in the audit log, so across all the server's processes); 0: no limit."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """The settings the environment gives; a value that is not a number where one is
        expected is a :class:`SettingError` naming the variable."""
        number = _Numbers(environ)
        return cls(
            database_url=environ.get("HUB_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            cors_origins=_names(environ.get("HUB_CORS_ORIGINS", "")),
            debug=environ.get("HUB_DEBUG", "").strip().lower() in _TRUE,
            max_request_bytes=number.whole("HUB_MAX_REQUEST_BYTES", cls.max_request_bytes),
            request_timeout=number.real("HUB_REQUEST_TIMEOUT", cls.request_timeout),
            response_cache=number.whole("HUB_RESPONSE_CACHE", cls.response_cache),
            response_cache_bytes=number.whole("HUB_RESPONSE_CACHE_BYTES", cls.response_cache_bytes),
            read_model_bytes=number.whole("HUB_READ_MODEL_BYTES", cls.read_model_bytes),
            cache_control=_header_value(environ, "HUB_CACHE_CONTROL", cls.cache_control),
            max_query_cost=number.whole("HUB_MAX_QUERY_COST", cls.max_query_cost),
            max_response_bytes=number.whole("HUB_MAX_RESPONSE_BYTES", cls.max_response_bytes),
            allowed_hosts=_names(environ.get("HUB_ALLOWED_HOSTS", "")),
            graphiql=environ.get("HUB_GRAPHIQL", "1").strip().lower() not in _FALSE,
            max_document_bytes=number.whole("HUB_MAX_DOCUMENT_BYTES", cls.max_document_bytes),
            max_document_pages=number.whole("HUB_MAX_DOCUMENT_PAGES", cls.max_document_pages),
            document_seconds=number.real("HUB_DOCUMENT_SECONDS", cls.document_seconds),
            document_memory_mb=number.whole("HUB_DOCUMENT_MEMORY_MB", cls.document_memory_mb),
            offline=environ.get("HUB_OFFLINE", "").strip().lower() in _TRUE,
            assets_dir=environ.get("HUB_ASSETS_DIR", "").strip(),
            max_upload_bytes=number.positive("HUB_MAX_UPLOAD_BYTES", cls.max_upload_bytes),
            max_upload_files=number.positive("HUB_MAX_UPLOAD_FILES", cls.max_upload_files),
            ingest_per_minute=number.whole("HUB_INGEST_PER_MINUTE", cls.ingest_per_minute),
        )


class SettingError(ValueError):
    """An environment variable the hub cannot use; the message names it."""


def _header_value(environ: Mapping[str, str], name: str, default: str) -> str:
    """A value the hub sends as an HTTP header: printable ASCII."""
    text = environ.get(name, "").strip()
    if not text:
        return default
    if not all(" " <= c <= "~" for c in text):
        raise SettingError(f"{name}={text!r}: expected printable ASCII, as in {default!r}")
    return text


def _names(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class _Numbers:
    environ: Mapping[str, str]

    def whole(self, name: str, default: int) -> int:
        text = self.environ.get(name, "").strip().replace("_", "")
        if not text:
            return default
        if not text.isdigit():
            raise SettingError(f"{name}={text!r}: expected a whole number ≥ 0 (default {default})")
        return int(text)

    def positive(self, name: str, default: int) -> int:
        value = self.whole(name, default)
        if value < 1:
            raise SettingError(f"{name}=0: expected a whole number ≥ 1 (default {default})")
        return value

    def real(self, name: str, default: float) -> float:
        text = self.environ.get(name, "").strip()
        if not text:
            return default
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if not 0 < value < float("inf"):
            raise SettingError(
                f"{name}={text!r}: expected a number of seconds > 0 (default {default:g})"
            )
        return value
