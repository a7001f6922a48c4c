"""One moment of the data for everything a request reads.

A rollup's total, its department count and its ranking come from separate statements; read on
separate connections while a document is being loaded, they could come from either side of its
commit and disagree. A :class:`Snapshot` runs every statement of a request in one read
transaction (REPEATABLE READ on PostgreSQL, one WAL read transaction on SQLite), one at a time:
resolvers that ask at once take turns on its connection.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from hub.query.version import DataMoved
from hub.store.catalog import data_version
from hub.store.engine import Database

__all__ = ["Sessions", "Snapshot"]


class Sessions(Protocol):
    """Where reads get their session: a :class:`Database` (a new session for each read) or a
    :class:`Snapshot` (the same moment for every read)."""

    def session(self) -> AbstractAsyncContextManager[AsyncSession]: ...


class Snapshot:
    """A read transaction opened on the first read and shared by every read after it, until
    :meth:`close`. Once values of a data version were taken (:meth:`expect`), it must read
    that version: if it opens at a newer one, :exc:`DataMoved` is raised and :attr:`moved`
    says the request is to be run again."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._turn = asyncio.Lock()
        self._opened: AbstractAsyncContextManager[AsyncSession] | None = None
        self._session: AsyncSession | None = None
        self._closed = False
        self.expected: int | None = None
        self.version: int | None = None
        self.moved = False

    @property
    def opening(self) -> bool:
        """Whether a read has begun (the transaction is open, or opening: a read holds the
        turn from before it opens)."""
        return self._opened is not None or self._turn.locked()

    async def expect(self, version: int) -> None:
        """Values of ``version`` were taken: checked now if the transaction is open, else
        when it opens."""
        async with self._turn:
            self.expected = version
            if self._session is not None:
                await self._check(self._session)

    async def _check(self, session: AsyncSession) -> None:
        if self.version is None:
            self.version = await data_version(session)
        if self.version != self.expected:
            self.moved = True
            raise DataMoved(f"read version {self.expected}, then the data moved to {self.version}")

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self._turn:
            if self._closed:
                # A resolver still running after its request ended (a sibling failed): it gets
                # a session of its own rather than a transaction nobody would close.
                async with self.database.session() as session:
                    yield session
                return
            if self._session is None:
                opened = self.database.snapshot()
                self._session = await opened.__aenter__()
                self._opened = opened
                if self.expected is not None:
                    await self._check(self._session)
            yield self._session

    async def close(self) -> None:
        """End the transaction (nothing was written) and give its connection back."""
        async with self._turn:
            self._closed = True
            opened, self._opened, self._session = self._opened, None, None
            if opened is not None:
                await opened.__aexit__(None, None, None)
