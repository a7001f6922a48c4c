"""The read model: what requests read, kept per worker process for the data version it was read
at, so that a department, a table or a rollup asked again costs no SQL.

The data change only when something is loaded, withdrawn or the catalog synced, and each of
those moves the data version on in the same transaction (as the response cache relies on).
A request takes the version once (read after it arrived, or in its own snapshot when it read
the database first), and any snapshot it reads in is held to that version: a value read in it
is the value at that version, and one kept for that version is the one any later request at
that version would read. A request that sees a newer version empties the
model and starts it again; one still reading an older version neither takes from it nor adds
to it. The model holds at most ``max_bytes`` (estimated), the least recently used going first.
"""

from __future__ import annotations

import asyncio
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, TypeVar

from hub.config import Settings
from hub.query.snapshot import Sessions, Snapshot
from hub.query.version import version_watch
from hub.store.catalog import data_version
from hub.store.engine import Database

__all__ = [
    "DEFAULT_READ_MODEL_BYTES",
    "MISSING",
    "NODE_BYTES",
    "ROW_BYTES",
    "ReadModel",
    "VersionedReads",
    "read_model",
    "rows_size",
]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

DEFAULT_READ_MODEL_BYTES = Settings.read_model_bytes
"""``HUB_READ_MODEL_BYTES``'s default: with the response cache's 64 MB and the process itself,
a worker stays within 300 MB."""

ROW_BYTES = 3_000
"""What one row read from the store takes in memory, as an ORM object with its state: the
estimate the budget is counted in (a budget line of the seed measured at 3.1 KB with
tracemalloc)."""

NODE_BYTES = 1_200
"""What a tree node built over rows already counted takes (the node, its children's list,
its stated and computed amounts)."""

MISSING: Any = object()
"""What :meth:`ReadModel.get` answers for a value it does not hold."""


def rows_size(value: object) -> int:
    """The estimated size of a value read: rows (or small values like them) in lists, tuples,
    mappings or a page's ``items``; a plain number or short text."""
    if isinstance(value, list | tuple):
        return 64 + sum(rows_size(item) for item in value)
    if isinstance(value, dict):
        return 64 + sum(rows_size(item) for item in value.values())
    if value is None or isinstance(value, int | str):
        return 64
    items = getattr(value, "items", None)
    if isinstance(items, list):  # a page
        return 64 + rows_size(items)
    return ROW_BYTES


class ReadModel:
    """Values read at one data version, by key; bounded in (estimated) bytes."""

    def __init__(self, max_bytes: int = DEFAULT_READ_MODEL_BYTES) -> None:
        self.max_bytes = max_bytes
        self.version: int | None = None
        self.kept: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self.bytes = 0

    def get(self, version: int, key: Hashable) -> Any:
        """The value kept for ``key`` at ``version``, or :data:`MISSING`."""
        self._follow(version)
        if version != self.version or key not in self.kept:
            return MISSING
        self.kept.move_to_end(key)
        return self.kept[key][0]

    def put(self, version: int, key: Hashable, value: object, size: int) -> None:
        self._follow(version)
        if version != self.version or key in self.kept or size > self.max_bytes // 16:
            return
        self.kept[key] = (value, size)
        self.bytes += size
        while self.bytes > self.max_bytes:
            _, (_, dropped) = self.kept.popitem(last=False)
            self.bytes -= dropped

    def _follow(self, version: int) -> None:
        if self.version is None or version > self.version:
            self.version = version
            self.kept.clear()
            self.bytes = 0


_models: weakref.WeakKeyDictionary[Database, ReadModel] = weakref.WeakKeyDictionary()


def read_model(database: Database, max_bytes: int | None = None) -> ReadModel:
    """The read model of ``database`` in this process; ``max_bytes`` sets its budget (0: keep
    nothing)."""
    model = _models.get(database)
    if model is None:
        model = _models[database] = ReadModel()
    if max_bytes is not None:
        model.max_bytes = max_bytes
    return model


class VersionedReads:
    """One request's way to the read model: the data version taken once, and the request's
    snapshot held to it. Given plain sessions (no snapshot), nothing is kept: the version and
    the value could then come from different moments.

    The version is the one read (for many requests at once, :mod:`hub.query.version`) after
    the request arrived, or ``version`` when the caller has read it so; a request answered
    from the model then runs no statement of its own. One that read the database first reads
    the version in its snapshot. A snapshot opened after values were taken must read the same
    version, or the request is run again (:attr:`Snapshot.moved`)."""

    def __init__(self, sessions: Sessions, version: int | None = None) -> None:
        self.sessions = sessions
        self.model = read_model(sessions.database) if isinstance(sessions, Snapshot) else None
        self.given = version
        self._version: asyncio.Future[int] | None = None

    async def version(self) -> int:
        """The data version this request reads, taken once."""
        if self._version is None:
            self._version = asyncio.ensure_future(self._take_version())
        return await self._version

    async def _take_version(self) -> int:
        snapshot = self.sessions
        if not isinstance(snapshot, Snapshot) or snapshot.opening:
            async with self.sessions.session() as session:
                return await data_version(session)
        version = self.given
        if version is None:
            version = await version_watch(snapshot.database).current()
        await snapshot.expect(version)
        return version

    async def kept(
        self,
        key: Hashable,
        read: Callable[[], Awaitable[V]],
        size: Callable[[V], int] = rows_size,
    ) -> V:
        """The value of ``key`` at this request's version: kept, or read (or built) and kept,
        counted as ``size`` says."""
        if self.model is None or self.model.max_bytes <= 0:
            return await read()
        version = await self.version()
        found = self.model.get(version, key)
        if found is not MISSING:
            return found  # type: ignore[no-any-return]
        value = await read()
        self.model.put(version, key, value, size(value))
        return value

    async def kept_batch(
        self,
        kind: str,
        keys: Sequence[K],
        read: Callable[[list[K]], Awaitable[Sequence[V]]],
    ) -> list[V]:
        """One value per key, as a DataLoader's batch wants: those kept, and those not kept
        read together in one call of ``read`` (with the keys missing, in order)."""
        if self.model is None or self.model.max_bytes <= 0:
            return list(await read(list(keys)))
        model, version = self.model, await self.version()
        values = {key: model.get(version, (kind, key)) for key in keys}
        missing = [key for key, value in values.items() if value is MISSING]
        if missing:
            for key, value in zip(missing, await read(missing), strict=True):
                values[key] = value
                model.put(version, (kind, key), value, rows_size(value))
        return [values[key] for key in keys]
