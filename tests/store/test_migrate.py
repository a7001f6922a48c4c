import asyncio

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from hub.store.engine import Database
from hub.store.migrate import (
    current_revision,
    downgrade_async,
    head_revision,
    upgrade,
    upgrade_async,
)


async def _tables(database: Database) -> set[str]:
    async with database.engine.connect() as connection:
        return set(await connection.run_sync(lambda c: inspect(c).get_table_names()))


async def test_migrations_go_up_and_down(fresh_url: str) -> None:
    database = Database(fresh_url)
    try:
        assert await current_revision(database) is None
        await upgrade_async(fresh_url)
        assert await current_revision(database) == head_revision()
        assert await _tables(database) == {*SQLModel.metadata.tables, "alembic_version"}
        await downgrade_async(fresh_url, "base")
        assert await current_revision(database) is None
        assert await _tables(database) == {"alembic_version"}
        await upgrade_async(fresh_url)
        assert await current_revision(database) == head_revision()
    finally:
        await database.dispose()


def test_upgrade_twice_changes_nothing(migrated_url: str) -> None:
    upgrade(migrated_url)
    asyncio.run(_check_at_head(migrated_url))


async def _check_at_head(migrated_url: str) -> None:
    database = Database(migrated_url)
    try:
        assert await current_revision(database) == head_revision()
    finally:
        await database.dispose()


async def test_the_models_and_the_migrations_agree(database: Database) -> None:
    def diff(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)

    async with database.engine.connect() as connection:
        assert await connection.run_sync(diff) == []
