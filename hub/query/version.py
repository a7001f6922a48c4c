"""The data version (数据版本), read for many requests at once and still exact.

The data change only when something is loaded, withdrawn or the catalog synced, and each of
those moves the version on in the same transaction. A request needs the version that was
current when it arrived, or a later one: the response cache keys answers with it, and the read
model hands out what it keeps for it. Reading it costs a round trip to the database, which for
a request answered from the read model was most of its time; here one read serves every
request waiting for it.
"""

from __future__ import annotations

import asyncio
import weakref

from hub.store.catalog import FileVersion, data_version
from hub.store.engine import Database

__all__ = ["DataMoved", "VersionWatch", "version_watch"]


class DataMoved(Exception):
    """A request took values at one data version and its snapshot then opened at a newer one
    (a load committed in between): the request is run again, wholly at one version."""


class VersionWatch:
    """The data version, read for many requests at once and still exact.

    Each request waits for the next read that starts after it arrived, so no commit that
    preceded the request can be missed; every request waiting at that moment shares the read.
    Every request waiting hears an answer, whatever happens to the read: a read that failed,
    even while its connection was being closed, or was interrupted, is an error to each of them
    (an outage: 503), never silence until the request timeout.
    """

    def __init__(self, database: Database) -> None:
        self.database = database
        self.waiting: asyncio.Future[int] | None = None
        self.reading = False
        self.loop: asyncio.AbstractEventLoop | None = None
        self.file = FileVersion.of(database) if isinstance(database, Database) else None

    async def current(self) -> int:
        if self.file is not None and (version := self.file.read()) is not None:
            return version
        loop = asyncio.get_running_loop()
        if loop is not self.loop:  # a new event loop (tests, a restarted worker): start afresh
            self.loop, self.waiting, self.reading = loop, None, False
        if self.waiting is None:
            self.waiting = loop.create_future()
            if not self.reading:
                self.reading = True
                self.task = asyncio.ensure_future(self._read())
        return await asyncio.shield(self.waiting)

    async def _read(self) -> None:
        try:
            while (batch := self.waiting) is not None:
                self.waiting = None
                try:
                    async with self.database.session() as session:
                        version = await data_version(session)
                except BaseException as exc:
                    # Settled only once the session is closed: closing a connection the
                    # database dropped fails after the read succeeded.
                    batch.set_exception(exc if isinstance(exc, Exception) else _interrupted())
                    if not isinstance(exc, Exception):
                        raise
                else:
                    batch.set_result(version)
        finally:
            self.reading = False
            if self.waiting is not None:  # arrived while the read was interrupted
                self.waiting.set_exception(_interrupted())
                self.waiting = None


def _interrupted() -> ConnectionError:
    """What the requests waiting hear of a read cut short (the server stopping)."""
    return ConnectionError("reading the data version was interrupted")


_watches: weakref.WeakKeyDictionary[Database, VersionWatch] = weakref.WeakKeyDictionary()


def version_watch(database: Database) -> VersionWatch:
    """The watch of ``database`` in this process, shared by the response cache and the reads."""
    watch = _watches.get(database)
    if watch is None:
        watch = _watches[database] = VersionWatch(database)
    return watch
