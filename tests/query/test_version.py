"""The data version read for many requests at once, exact; read from a SQLite file directly;
and a request whose data moved under it run again at one version."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from hub.api.context import make_context
from hub.api.errors import database_unavailable
from hub.api.schema import schema
from hub.query.version import VersionWatch, version_watch
from hub.store.catalog import FileVersion, bump_data_version, data_version
from hub.store.engine import Database
from tests import seed


async def _stored(database: Database) -> int:
    async with database.session() as session:
        return await data_version(session)


async def test_a_sqlite_file_gives_its_version_directly_and_follows_every_commit(
    database: Database,
) -> None:
    file = FileVersion.of(database)
    if database.backend != "sqlite":
        assert file is None  # PostgreSQL: read through the engine
        return
    assert file is not None
    assert file.read() == await _stored(database)
    async with database.transaction() as session:
        await bump_data_version(session)
    assert file.read() == await _stored(database)
    file.close()


def test_a_file_that_cannot_be_read_gives_no_version(tmp_path: Any) -> None:
    """No file, or no table yet: None, and the caller reads it the usual way."""
    missing = FileVersion(str(tmp_path / "none.db"))
    assert missing.read() is None
    assert not (tmp_path / "none.db").exists()  # not made by looking
    (tmp_path / "empty.db").write_bytes(b"")
    assert FileVersion(str(tmp_path / "empty.db")).read() is None


@contextmanager
def _selects(database: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(database.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", record)


async def test_requests_waiting_together_share_one_read(database: Database) -> None:
    watch = VersionWatch(database)
    watch.file = None  # through the engine, as on PostgreSQL
    expected = await _stored(database)
    with _selects(database) as reads:
        versions = await asyncio.gather(*(watch.current() for _ in range(20)))
    assert versions == [expected] * 20
    assert 1 <= len(reads) <= 2  # the first read, and the one the others joined


DRILL = """{ disclosure(department: "209", year: 2023) { version functional {
  code computed { total } children { code children { code stated { total } } } } } }"""


async def test_a_request_whose_data_moved_under_it_is_run_again_at_one_version(
    database: Database,
) -> None:
    """The version it took is older than the one its snapshot opens at (a load committed in
    between): the answer is not a mix of both, but the whole request run again."""
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
    fresh = make_context(database)
    expected = await schema.execute(DRILL, context_value=fresh)
    assert expected.errors is None
    assert not fresh.snapshot.moved
    current = await version_watch(database).current()
    stale = make_context(database, version=current - 1)
    result = await schema.execute(DRILL, context_value=stale)
    assert stale.snapshot.moved
    assert result.errors is None
    assert result.data == expected.data
    [category] = [n for n in result.data["disclosure"]["functional"] if n["code"] == "215"]
    assert category["computed"] == {"total": "3507.74"}


class _DroppedWhileClosing:
    """A database whose first session is read, then fails as it is closed (the connection
    dropped under it), after a second request has joined the next read."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.closing = asyncio.Event()
        self.joined = asyncio.Event()
        self.sessions = 0

    @asynccontextmanager
    async def session(self) -> AsyncIterator[object]:
        self.sessions += 1
        async with self.database.session() as session:
            yield session
        if self.sessions == 1:
            self.closing.set()
            await self.joined.wait()
            raise ConnectionResetError("connection dropped while closing")


async def test_every_request_waiting_for_the_data_version_hears_an_answer(
    database: Database,
) -> None:
    """A read that fails as its session closes answers its requests with the outage (503)
    and the next read serves those that came meanwhile: none is left waiting."""
    dropping = _DroppedWhileClosing(database)
    watch = VersionWatch(dropping)  # type: ignore[arg-type]
    first = asyncio.ensure_future(watch.current())
    await dropping.closing.wait()
    second = asyncio.ensure_future(watch.current())
    await asyncio.sleep(0)
    dropping.joined.set()
    with pytest.raises(ConnectionResetError) as failed:
        await asyncio.wait_for(first, 5)
    assert database_unavailable(failed.value)
    async with database.session() as session:
        assert await asyncio.wait_for(second, 5) == await data_version(session)
    assert dropping.sessions == 2


class _Stuck:
    """A database whose first session never answers."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.reading = asyncio.Event()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[object]:
        if not self.reading.is_set():
            self.reading.set()
            await asyncio.Event().wait()
        async with self.database.session() as session:
            yield session


async def test_a_read_interrupted_fails_the_requests_waiting_and_the_next_one_reads_again(
    database: Database,
) -> None:
    stuck = _Stuck(database)
    watch = VersionWatch(stuck)  # type: ignore[arg-type]
    waiting = asyncio.ensure_future(watch.current())
    await stuck.reading.wait()
    later = asyncio.ensure_future(watch.current())
    await asyncio.sleep(0)
    watch.task.cancel()
    for request in (waiting, later):
        with pytest.raises(ConnectionError, match="interrupted"):
            await asyncio.wait_for(request, 5)
    with pytest.raises(ConnectionError, match="interrupted"):
        await asyncio.wait_for(waiting, 5)
    async with database.session() as session:
        assert await asyncio.wait_for(watch.current(), 5) == await data_version(session)
