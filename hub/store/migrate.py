"""Schema migrations (Alembic, in ``migrations/``) and the catalog that goes with them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, literal, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine
from sqlmodel import SQLModel

from hub.catalog import CatalogRow, read_catalog
from hub.resources import resource_dir
from hub.store.catalog import catalog_matches, sync_catalog
from hub.store.engine import (
    SQLITE_CONNECT_ARGS,
    WRITE,
    Database,
    parse_database_url,
    take_over_sqlite_transactions,
)
from hub.store.entities import DataVersion

Action = Callable[[Config], None]

__all__ = [
    "MigrationError",
    "alembic_config",
    "current_revision",
    "downgrade",
    "downgrade_async",
    "ensure_catalog",
    "ensure_catalog_async",
    "head_revision",
    "upgrade",
    "upgrade_async",
]


def alembic_config(database_url: str) -> Config:
    """An Alembic configuration for ``database_url``, with no alembic.ini needed."""
    parse_database_url(database_url)
    config = Config()
    config.set_main_option("script_location", str(resource_dir("migrations")))
    # Passed as an attribute, not as sqlalchemy.url: ini interpolation would mangle a '%'.
    config.attributes["database_url"] = database_url
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite://")).get_current_head()
    if head is None:
        raise RuntimeError("the migrations folder has no revisions")
    return head


MIGRATION_LOCK = 0x6275_6467_6574  # "budget"
"""The PostgreSQL advisory lock that one migration or catalog repair at a time holds."""


def _migration_engine(database_url: str) -> AsyncEngine:
    url = parse_database_url(database_url)
    if url.get_backend_name() != "sqlite":
        return create_async_engine(url)
    # The busy timeout from the moment the file opens, as every other connection of the hub.
    engine = create_async_engine(url, connect_args=dict(SQLITE_CONNECT_ARGS))
    # Batch mode recreates SQLite tables, which foreign keys would block.
    take_over_sqlite_transactions(engine, foreign_keys=False)
    return engine


@asynccontextmanager
async def _exclusive(database_url: str) -> AsyncIterator[AsyncConnection]:
    """A connection in one transaction that no other migration runs beside: SQLite's
    BEGIN IMMEDIATE, PostgreSQL's advisory lock. Committed whole or not at all, DDL included
    (both backends roll back a CREATE TABLE), so a process killed half-way leaves the database
    as it found it, and a second process that waited sees the first one's work done."""
    engine = _migration_engine(database_url)
    try:
        async with engine.connect() as connection:
            await connection.execution_options(**WRITE)
            async with connection.begin():
                if engine.dialect.name == "postgresql":
                    await connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                    )
                yield connection
    finally:
        await engine.dispose()


async def _migrate(connection: AsyncConnection, database_url: str, action: Action) -> None:
    def run(sync_connection: Connection) -> None:
        config = alembic_config(database_url)
        config.attributes["connection"] = sync_connection
        action(config)

    await connection.run_sync(run)


async def _sync(connection: AsyncConnection, rows: list[CatalogRow]) -> bool:
    # The session joins the connection's transaction: the commit stays the migration's.
    session = AsyncSession(bind=connection, expire_on_commit=False)
    try:
        changed = await sync_catalog(session, rows)
        await session.flush()
    finally:
        await session.close()
    return changed


class MigrationError(RuntimeError):
    """A database the migrations cannot start from."""


def _clear_interrupted(connection: Connection) -> None:
    """Drop what an older hub, killed during its first migration on SQLite, left behind: some
    of the schema's tables, empty, and no revision, which made every upgrade after it fail
    ("table catalog_entry already exists"). A table holding rows is reported, not dropped."""
    if _revision(connection) is not None:
        return
    present = set(inspect(connection).get_table_names())
    left = [t for t in reversed(SQLModel.metadata.sorted_tables) if t.name in present]
    for table in left:
        # data_version's one counter row is part of creating it, not data.
        if table.name == DataVersion.__tablename__:
            continue
        if connection.execute(select(literal(1)).select_from(table).limit(1)).first():
            raise MigrationError(
                f"the database has no schema revision but its table {table.name} holds rows: "
                "it was not made by `hub db upgrade`; use an empty database"
            )
    for table in left:
        table.drop(connection)


async def upgrade_async(database_url: str, revision: str = "head") -> None:
    """Migrate the schema up to ``revision``; at head, also sync the catalog with the fixtures,
    in the same transaction."""
    # Read the catalog first: a broken fixture must stop the upgrade before it starts.
    catalog = read_catalog() if revision == "head" else None
    async with _exclusive(database_url) as connection:
        await connection.run_sync(_clear_interrupted)
        await _migrate(connection, database_url, lambda config: command.upgrade(config, revision))
        if catalog is not None:
            await _sync(connection, catalog)


async def ensure_catalog_async(database_url: str) -> bool:
    """Repair a stored catalog that differs from the fixtures (left empty by an interrupted
    first run of an older hub, or from an older edition); whether it had to. Run before
    anything is loaded against it: names are looked up in it at load time."""
    catalog = read_catalog()
    database = Database(database_url)
    try:
        async with database.snapshot() as session:
            if await catalog_matches(session, catalog):
                return False
    finally:
        await database.dispose()
    async with _exclusive(database_url) as connection:
        return await _sync(connection, catalog)


async def downgrade_async(database_url: str, revision: str = "-1") -> None:
    """Migrate the schema down to ``revision`` (``base`` removes every table)."""
    async with _exclusive(database_url) as connection:
        await _migrate(connection, database_url, lambda config: command.downgrade(config, revision))


def upgrade(database_url: str, revision: str = "head") -> None:
    """:func:`upgrade_async` for callers outside an event loop."""
    asyncio.run(upgrade_async(database_url, revision))


def ensure_catalog(database_url: str) -> bool:
    """:func:`ensure_catalog_async` for callers outside an event loop."""
    return asyncio.run(ensure_catalog_async(database_url))


def downgrade(database_url: str, revision: str = "-1") -> None:
    """:func:`downgrade_async` for callers outside an event loop."""
    asyncio.run(downgrade_async(database_url, revision))


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def current_revision(database: Database) -> str | None:
    """The schema revision the database is at, or None for an empty database."""
    async with database.engine.connect() as connection:
        return await connection.run_sync(_revision)
