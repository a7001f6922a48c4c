"""The database: one async engine and its session factory, made from a URL.

Nothing here is global: the app, the CLI and each test build their own :class:`Database`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

__all__ = ["SQLITE_BUSY_TIMEOUT_MS", "Database", "DatabaseURLError", "parse_database_url"]

SQLITE_BUSY_TIMEOUT_MS = 5_000
"""How long a SQLite writer waits for another to finish before it gives up."""

_DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}
_USE = "use sqlite+aiosqlite:///FILE or postgresql+asyncpg://USER@HOST:PORT/DB"


class DatabaseURLError(ValueError):
    """A database URL the hub cannot use."""


def parse_database_url(url: str) -> URL:
    """Check that ``url`` names a backend and async driver the hub supports."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseURLError(f"cannot read the database URL {url!r}: {_USE}") from exc
    driver = _DRIVERS.get(parsed.get_backend_name())
    if driver is None or parsed.get_driver_name() != driver:
        raise DatabaseURLError(
            f"unsupported database URL {parsed.render_as_string(hide_password=True)!r}: {_USE}"
        )
    return parsed


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL lets readers run beside the one writer.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Database:
    """An async engine and the factory of the sessions that use it."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = parse_database_url(url)
        self.backend = self.url.get_backend_name()
        kwargs: dict[str, Any] = {"echo": echo}
        if self.backend == "sqlite":
            if self.url.database and self.url.database != ":memory:":
                Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        else:
            kwargs["pool_pre_ping"] = True
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        if self.backend == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _configure_sqlite)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A short-lived session; the caller commits."""
        async with self.sessions() as session:
            yield session

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on any error."""
        async with self.sessions() as session, session.begin():
            yield session

    async def refresh_statistics(self) -> None:
        """After a large load: statistics for the planner and, on PostgreSQL, the visibility map
        that index-only scans (the rollups') need. Runs outside any transaction."""
        async with self.engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            if self.backend == "postgresql":
                await autocommit.exec_driver_sql("VACUUM (ANALYZE) budget_line, disclosure")
            else:
                await autocommit.exec_driver_sql("ANALYZE")

    async def dispose(self) -> None:
        await self.engine.dispose()
