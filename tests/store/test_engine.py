import pytest
from sqlalchemy import text

from hub.store.engine import SQLITE_BUSY_TIMEOUT_MS, Database, DatabaseURLError


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
    ["postgresql://postgres@localhost/hub", "sqlite:///hub.db", "mysql+aiomysql://x/y", "hub.db"],
)
def test_an_unsupported_url_says_what_to_use(url: str) -> None:
    with pytest.raises(DatabaseURLError, match=r"sqlite\+aiosqlite:///FILE or postgresql\+asyncpg"):
        Database(url)


def test_a_password_is_not_repeated_in_the_error() -> None:
    with pytest.raises(DatabaseURLError) as raised:
        Database("postgresql+psycopg://user:secret@host/db")
    assert "secret" not in str(raised.value)
