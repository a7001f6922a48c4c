"""Schema migrations (Alembic, in ``migrations/``) and the catalog that goes with them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from hub.catalog import read_catalog
from hub.resources import resource_dir
from hub.store.catalog import sync_catalog
from hub.store.engine import Database, parse_database_url

__all__ = [
    "alembic_config",
    "current_revision",
    "downgrade",
    "downgrade_async",
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


async def _run(database_url: str, action: Callable[[Config], None]) -> None:
    # A plain engine: batch mode recreates SQLite tables, which foreign keys would block.
    engine = create_async_engine(parse_database_url(database_url))
    try:
        async with engine.begin() as connection:

            def run(sync_connection: Connection) -> None:
                config = alembic_config(database_url)
                config.attributes["connection"] = sync_connection
                action(config)

            await connection.run_sync(run)
    finally:
        await engine.dispose()


async def upgrade_async(database_url: str, revision: str = "head") -> None:
    """Migrate the schema up to ``revision``; at head, also sync the catalog with the fixtures."""
    # Read the catalog first: a broken fixture must stop the upgrade before it starts.
    catalog = read_catalog() if revision == "head" else []
    await _run(database_url, lambda config: command.upgrade(config, revision))
    if revision == "head":
        database = Database(database_url)
        try:
            async with database.transaction() as session:
                await sync_catalog(session, catalog)
        finally:
            await database.dispose()


async def downgrade_async(database_url: str, revision: str = "-1") -> None:
    """Migrate the schema down to ``revision`` (``base`` removes every table)."""
    await _run(database_url, lambda config: command.downgrade(config, revision))


def upgrade(database_url: str, revision: str = "head") -> None:
    """:func:`upgrade_async` for callers outside an event loop."""
    asyncio.run(upgrade_async(database_url, revision))


def downgrade(database_url: str, revision: str = "-1") -> None:
    """:func:`downgrade_async` for callers outside an event loop."""
    asyncio.run(downgrade_async(database_url, revision))


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def current_revision(database: Database) -> str | None:
    """The schema revision the database is at, or None for an empty database."""
    async with database.engine.connect() as connection:
        return await connection.run_sync(_revision)
