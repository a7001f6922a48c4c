"""The database: one async engine and its session factory, made from a URL.

Nothing here is global: the app, the CLI and each test build their own :class:`Database`.
"""

from __future__ import annotations

import importlib
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

__all__ = [
    "POSTGRESQL_CONNECT_TIMEOUT_S",
    "SQLITE_BUSY_TIMEOUT_MS",
    "SQLITE_CONNECT_ARGS",
    "WRITE",
    "Database",
    "DatabaseURLError",
    "parse_database_url",
    "switch_to_wal",
    "take_over_sqlite_transactions",
]

SQLITE_BUSY_TIMEOUT_MS = 60_000
"""How long a SQLite writer waits for the others to finish before it gives up. Writers take
turns (one transaction per document, a first migration): a long wait is a queue, not a fault."""

SQLITE_CONNECT_ARGS = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
"""The driver's own busy timeout, set as the file is opened: before any statement, SQLAlchemy's
first queries on a connection included."""

POSTGRESQL_CONNECT_TIMEOUT_S = 5.0
"""How long opening a PostgreSQL connection may take before the database counts as away (503,
to retry). asyncpg's own default is 60 s: a server that vanished without closing its sockets
(a restart behind a proxy, a dropped route) would hold every request that needs a new
connection for a minute, past the request timeout, and the pool's slots with it."""

WRITE = {"hub_write": True}
"""Execution options of a connection that is to write: on SQLite its transaction begins
IMMEDIATE, taking the one writer's lock first instead of failing to upgrade a read later."""

_DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}
_BACKENDS = {"sqlite": "sqlite", "postgresql": "postgresql", "postgres": "postgresql"}
"""The backends by the names URLs give them: ``postgres://`` is the common short spelling."""
_USE = "use sqlite+aiosqlite:///FILE or postgresql+asyncpg://USER@HOST:PORT/DB"
_INSTALL_ASYNCPG = "PostgreSQL needs the asyncpg driver: pip install 'budget-hub[postgres]'"


class DatabaseURLError(ValueError):
    """A database URL the hub cannot use."""


def parse_database_url(url: str) -> URL:
    """Check that ``url`` names a backend and async driver the hub supports; the URL with the
    driver named.

    The common spellings without a driver, ``sqlite:///FILE``, ``postgresql://…`` and
    ``postgres://…``, are taken as aiosqlite and asyncpg, the drivers the hub uses; any other
    driver is refused. A PostgreSQL URL is refused, saying what to install, when asyncpg is not
    installed.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseURLError(f"cannot read the database URL {url!r}: {_USE}") from exc
    backend_name, _, driver_name = parsed.drivername.partition("+")
    backend = _BACKENDS.get(backend_name)
    driver = _DRIVERS.get(backend) if backend else None
    if backend is None or driver is None or driver_name not in ("", driver):
        raise DatabaseURLError(
            f"unsupported database URL {parsed.render_as_string(hide_password=True)!r}: {_USE}"
        )
    if backend == "postgresql" and not _importable(driver):
        raise DatabaseURLError(_INSTALL_ASYNCPG)
    return parsed.set(drivername=f"{backend}+{driver}")


def _importable(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def _configure_sqlite_connection(cursor: Any) -> None:
    # The busy timeout first: whatever follows waits its turn where SQLite lets it.
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # WAL lets readers run beside the one writer, each on its own snapshot.
    switch_to_wal(cursor)
    cursor.execute("PRAGMA synchronous=NORMAL")


_WAL_FIRST_PAUSE_S = 0.002
_WAL_LONGEST_PAUSE_S = 0.1


def switch_to_wal(
    cursor: Any,
    *,
    timeout_s: float = SQLITE_BUSY_TIMEOUT_MS / 1000,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """``PRAGMA journal_mode=WAL``, again (pausing 2 ms, then longer, up to 0.1 s) for up to
    ``timeout_s`` while SQLite answers SQLITE_BUSY.

    On a file not in WAL yet (a new one), the switch reads the header under a shared lock, then
    writes it: a read upgraded to a write, which SQLite refuses at once with SQLITE_BUSY, without
    asking the busy timeout, when another connection holds the writer's lock (waiting could
    deadlock). Several first runs on one new file all switch it at the same moment: the one that
    writes first wins, the others used to fail with "database is locked". Retried, they find the
    file in WAL and need no write. The pauses block the thread; they only happen while another
    connection switches the same file, a few milliseconds."""
    deadline = clock() + timeout_s
    pause = _WAL_FIRST_PAUSE_S
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if not _busy(exc) or clock() + pause > deadline:
                raise
        sleep(pause)
        pause = min(pause * 2, _WAL_LONGEST_PAUSE_S)


def _busy(exc: sqlite3.OperationalError) -> bool:
    """SQLITE_BUSY, extended codes included ("database is locked")."""
    code: int | None = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return "database is locked" in str(exc)
    return code & 0xFF == sqlite3.SQLITE_BUSY


def _no_driver_transactions(dbapi_connection: Any, _record: Any) -> None:
    # The sqlite3 driver's legacy mode begins a transaction before DML only: a SELECT would see
    # a new moment each time and a CREATE TABLE would commit at once. BEGIN is ours instead.
    dbapi_connection.isolation_level = None


def _begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get("hub_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def take_over_sqlite_transactions(engine: AsyncEngine, *, foreign_keys: bool = True) -> None:
    """Make every transaction of a SQLite ``engine`` a real one, DDL and reads included (see
    SQLAlchemy's "Enabling Non-Legacy SQLite Transactional Modes"); a connection with the
    :data:`WRITE` options begins IMMEDIATE. Also: the busy timeout, WAL (see
    :func:`switch_to_wal`) and, unless a migration must recreate tables under references,
    foreign keys."""

    def configure(dbapi_connection: Any, record: Any) -> None:
        _no_driver_transactions(dbapi_connection, record)
        cursor = dbapi_connection.cursor()
        _configure_sqlite_connection(cursor)
        if foreign_keys:  # off by default in SQLite
            cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    event.listen(engine.sync_engine, "connect", configure)
    event.listen(engine.sync_engine, "begin", _begin)


class Database:
    """An async engine and the factory of the sessions that use it."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = parse_database_url(url)
        self.backend = self.url.get_backend_name()
        kwargs: dict[str, Any] = {"echo": echo}
        if self.backend == "sqlite":
            if self.url.database and self.url.database != ":memory:":
                Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = dict(SQLITE_CONNECT_ARGS)
        else:
            kwargs["pool_pre_ping"] = True
            kwargs["connect_args"] = {"timeout": POSTGRESQL_CONNECT_TIMEOUT_S}
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        if self.backend == "sqlite":
            take_over_sqlite_transactions(self.engine)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A short-lived session; the caller commits."""
        async with self.sessions() as session:
            yield session

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one write transaction: committed on success, rolled back on any
        error. On SQLite it holds the writer's lock from its first statement (other writers
        wait their turn, up to :data:`SQLITE_BUSY_TIMEOUT_MS`)."""
        async with self.sessions() as session, session.begin():
            await session.connection(execution_options=WRITE)
            yield session

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[AsyncSession]:
        """A session reading one moment of the data, however many statements it runs: one
        REPEATABLE READ, read-only transaction on PostgreSQL; one read transaction on SQLite,
        which in WAL mode sees the database as of its first read. Nothing is committed."""
        options: dict[str, Any] = {}
        if self.backend == "postgresql":
            options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
        # Closing the session ends the transaction without expiring what it read.
        async with self.sessions() as session:
            await session.connection(execution_options=options)
            yield session

    async def refresh_statistics(self) -> None:
        """After a large load: statistics for the planner and, on PostgreSQL, the visibility map
        that index-only scans (the rollups') need. Runs outside any transaction."""
        if self.backend == "sqlite":  # ANALYZE is transactional there
            async with self.engine.connect() as connection:
                await connection.execution_options(**WRITE)
                await connection.exec_driver_sql("ANALYZE")
                await connection.commit()
            return
        async with self.engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.exec_driver_sql("VACUUM (ANALYZE) budget_line, disclosure")

    async def dispose(self) -> None:
        await self.engine.dispose()
