import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from hub.store.engine import (
    SQLITE_BUSY_TIMEOUT_MS,
    Database,
    DatabaseURLError,
    parse_database_url,
)
from hub.store.migrate import current_revision, head_revision, upgrade


async def test_sqlite_is_opened_with_foreign_keys_wal_and_a_busy_timeout(tmp_path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'nested' / 'hub.db'}")
    try:
        async with database.session() as session:
            pragma = {
                name: (await session.execute(text(f"PRAGMA {name}"))).scalar_one()
                for name in ("foreign_keys", "journal_mode", "busy_timeout")
            }
    finally:
        await database.dispose()
    assert pragma == {
        "foreign_keys": 1,
        "journal_mode": "wal",
        "busy_timeout": SQLITE_BUSY_TIMEOUT_MS,
    }
    assert database.backend == "sqlite"


async def test_the_backend_is_named(database: Database, backend: str) -> None:
    assert database.backend == backend


@pytest.mark.parametrize(
    "url",
    [
        "mysql+aiomysql://x/y",
        "hub.db",
        "postgresql+psycopg2://postgres@localhost/hub",
        "postgres+psycopg://postgres@localhost/hub",
        "sqlite+pysqlite:///hub.db",
        "oracle://x/y",
    ],
)
def test_an_unsupported_url_says_what_to_use(url: str) -> None:
    with pytest.raises(DatabaseURLError, match=r"sqlite\+aiosqlite:///FILE or postgresql\+asyncpg"):
        Database(url)


def test_a_password_is_not_repeated_in_the_error() -> None:
    with pytest.raises(DatabaseURLError) as raised:
        Database("postgresql+psycopg://user:secret@host/db")
    assert "secret" not in str(raised.value)


@pytest.mark.parametrize(
    ("url", "taken_as"),
    [
        ("postgresql://postgres@localhost/hub", "postgresql+asyncpg://postgres@localhost/hub"),
        (
            "postgres://postgres@localhost:5433/hub",
            "postgresql+asyncpg://postgres@localhost:5433/hub",
        ),
        (
            "postgresql+asyncpg://postgres@localhost/hub",
            "postgresql+asyncpg://postgres@localhost/hub",
        ),
        ("sqlite:///hub.db", "sqlite+aiosqlite:///hub.db"),
        ("sqlite:////var/lib/hub/hub.db", "sqlite+aiosqlite:////var/lib/hub/hub.db"),
        ("sqlite+aiosqlite:///hub.db", "sqlite+aiosqlite:///hub.db"),
    ],
)
def test_the_common_spellings_are_taken_with_the_hubs_driver(url: str, taken_as: str) -> None:
    assert parse_database_url(url).render_as_string(hide_password=False) == taken_as


def test_a_password_survives_the_driver_being_named() -> None:
    parsed = parse_database_url("postgres://user:p%40ss@host/db")
    assert (parsed.drivername, parsed.password) == ("postgresql+asyncpg", "p@ss")


@pytest.mark.parametrize(
    "url",
    ["postgresql://postgres@localhost/hub", "postgres://x/y", "postgresql+asyncpg://x/y"],
)
def test_postgresql_without_asyncpg_says_which_extra_to_install(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "asyncpg", None)  # as if it were not installed
    with pytest.raises(DatabaseURLError) as raised:
        parse_database_url(url)
    assert str(raised.value) == (
        "PostgreSQL needs the asyncpg driver: pip install 'budget-hub[postgres]'"
    )
    # SQLite needs nothing more.
    assert parse_database_url("sqlite:///hub.db").drivername == "sqlite+aiosqlite"


async def test_a_sqlite_url_without_the_driver_opens_with_aiosqlite(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'hub.db'}")
    try:
        async with database.session() as session:
            assert (await session.execute(text("SELECT 1"))).scalar_one() == 1
    finally:
        await database.dispose()
    assert database.url.drivername == "sqlite+aiosqlite"
    assert (tmp_path / "hub.db").is_file()


def test_a_postgresql_url_without_the_driver_is_migrated_and_read(
    new_database_url: Callable[[str], str],
) -> None:
    import asyncio

    url = new_database_url("postgresql")
    plain = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    assert plain.startswith("postgresql://")
    upgrade(plain)

    async def revision() -> str | None:
        database = Database(plain.replace("postgresql://", "postgres://", 1))
        try:
            return await current_revision(database)
        finally:
            await database.dispose()

    assert asyncio.run(revision()) == head_revision()
