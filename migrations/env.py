"""Alembic environment: async engines, batch mode (so ALTERs run on SQLite)."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

import hub.store.entities  # noqa: F401  (registers the tables on SQLModel.metadata)
from hub.store.engine import take_over_sqlite_transactions

target_metadata = SQLModel.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async(url: str) -> None:
    # Run by the alembic command itself (`hub db upgrade` hands over its own connection): the
    # same one transaction, DDL included, as the hub's, and no foreign keys for batch mode.
    engine = create_async_engine(url)
    if engine.dialect.name == "sqlite":
        take_over_sqlite_transactions(engine, foreign_keys=False)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_configure)
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
    else:
        asyncio.run(_run_async(context.config.attributes["database_url"]))


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run `hub db upgrade`")
run_migrations_online()
