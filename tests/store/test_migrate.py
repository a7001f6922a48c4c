import asyncio
import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from hub.catalog import read_catalog
from hub.store.engine import Database
from hub.store.entities import CatalogEntry
from hub.store.migrate import (
    MigrationError,
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


def _leave_tables(url: str, statements: list[str]) -> None:
    path = make_url(url).database
    assert path is not None
    connection = sqlite3.connect(path)
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()


async def test_an_upgrade_completes_what_an_older_hub_left_half_made(new_database_url) -> None:
    # An older hub killed in its first migration on SQLite: tables, no revision.
    url = new_database_url("sqlite")
    _leave_tables(url, ["CREATE TABLE catalog_entry (id INTEGER PRIMARY KEY, code TEXT)"])
    await upgrade_async(url)
    database = Database(url)
    try:
        assert await current_revision(database) == head_revision()
        async with database.session() as session:
            entries = await session.scalar(select(func.count()).select_from(CatalogEntry))
        assert entries == len(read_catalog())
    finally:
        await database.dispose()


async def test_tables_with_rows_and_no_revision_are_left_alone(new_database_url) -> None:
    url = new_database_url("sqlite")
    _leave_tables(
        url,
        [
            "CREATE TABLE region (id INTEGER PRIMARY KEY, name TEXT)",
            "INSERT INTO region (name) VALUES ('咸宁市')",
        ],
    )
    with pytest.raises(MigrationError, match="region holds rows"):
        await upgrade_async(url)
    connection = sqlite3.connect(make_url(url).database or "")
    assert connection.execute("SELECT name FROM region").fetchall() == [("咸宁市",)]
    connection.close()
