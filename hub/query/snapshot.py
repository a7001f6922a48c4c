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

from hub.store.engine import Database

__all__ = ["Sessions", "Snapshot"]


class Sessions(Protocol):
    """Where reads get their session: a :class:`Database` (a new session for each read) or a
    :class:`Snapshot` (the same moment for every read)."""

    def session(self) -> AbstractAsyncContextManager[AsyncSession]: ...


class Snapshot:
    """A read transaction opened on the first read and shared by every read after it, until
    :meth:`close`."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._turn = asyncio.Lock()
        self._opened: AbstractAsyncContextManager[AsyncSession] | None = None
        self._session: AsyncSession | None = None
        self._closed = False

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
            yield self._session

    async def close(self) -> None:
        """End the transaction (nothing was written) and give its connection back."""
        async with self._turn:
            self._closed = True
            opened, self._opened, self._session = self._opened, None, None
            if opened is not None:
                await opened.__aexit__(None, None, None)
