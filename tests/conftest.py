"""Every database test runs on both backends: SQLite (a temporary file) and PostgreSQL.

PostgreSQL is reached at ``HUB_TEST_POSTGRES_URL`` (default: the postgres user on
127.0.0.1:5432). Each run creates throwaway databases there and drops them afterwards. Without a
reachable server the PostgreSQL half is skipped with the reason, except under CI (``CI=true``),
where an unreachable server fails the run.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from hub.store.engine import Database
from hub.store.entities import CatalogEntry, DataVersion
from hub.store.migrate import upgrade

POSTGRES_URL = os.environ.get(
    "HUB_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
BACKENDS = ["sqlite", "postgresql"]


async def _admin(statement: str) -> None:
    import asyncpg

    url = make_url(POSTGRES_URL)
    connection = await asyncpg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.database or "postgres",
        timeout=5,
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _postgres_unavailable() -> str | None:
    try:
        asyncio.run(_admin("SELECT 1"))
    except ImportError:
        return "asyncpg is not installed: pip install -e '.[test,postgres]'"
    except Exception as exc:
        return (
            f"PostgreSQL is not reachable at {make_url(POSTGRES_URL).render_as_string()} ({exc}); "
            "start it or point HUB_TEST_POSTGRES_URL at a server where this user may create "
            "databases"
        )
    return None


@pytest.fixture(scope="session")
def postgres_available() -> None:
    reason = _postgres_unavailable()
    if reason is None:
        return
    if IN_CI:
        pytest.fail(f"CI needs PostgreSQL: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def new_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[str], str]]:
    """A factory of URLs of new, empty databases on a backend; all are dropped at the end."""
    created: list[str] = []

    def make(backend: str) -> str:
        name = f"hub_test_{uuid.uuid4().hex[:12]}"
        if backend == "sqlite":
            return f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / (name + '.db')}"
        request.getfixturevalue("postgres_available")
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)

    yield make
    for name in created:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=BACKENDS, scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def fresh_url(backend: str, new_database_url: Callable[[str], str]) -> str:
    """A new, empty database of the backend (made before any event loop runs)."""
    return new_database_url(backend)


@pytest.fixture(scope="session")
def migrated_url(backend: str, new_database_url: Callable[[str], str]) -> str:
    """A database of the backend, migrated to head with the catalog loaded, shared by tests."""
    url = new_database_url(backend)
    upgrade(url)
    return url


@pytest.fixture
async def database(migrated_url: str) -> AsyncIterator[Database]:
    """The migrated database; what a test wrote (all but the catalog) is removed after it."""
    database = Database(migrated_url)
    yield database
    async with database.transaction() as session:
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table.name not in {CatalogEntry.__tablename__, DataVersion.__tablename__}:
                await session.execute(delete(table))
    await database.dispose()


ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """Apollo Client's npm packages, for the tests that run it in Node (tests/apollo.py)."""
    from tests import apollo  # it reads this module's settings

    return apollo.node_modules()
