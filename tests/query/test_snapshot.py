"""A request's snapshot: shared by concurrent reads, ended once, never left open."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from hub.query.snapshot import Snapshot
from hub.store.engine import Database
from hub.store.entities import Disclosure
from tests import seed


async def _disclosures(snapshot: Snapshot) -> int:
    async with snapshot.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Disclosure)) or 0)


async def test_reads_at_once_take_turns_on_one_moment(database: Database) -> None:
    snapshot = Snapshot(database)
    try:
        first = await _disclosures(snapshot)
        await seed.load_text(database, seed.variant("301"))
        counts = await asyncio.gather(*(_disclosures(snapshot) for _ in range(5)))
    finally:
        await snapshot.close()
    assert (first, counts) == (0, [0] * 5)
    later = Snapshot(database)
    try:
        assert await _disclosures(later) == 1
    finally:
        await later.close()


async def test_a_read_after_the_end_has_a_session_of_its_own(database: Database) -> None:
    await seed.load_text(database, seed.variant("301"))
    snapshot = Snapshot(database)
    assert await _disclosures(snapshot) == 1
    await snapshot.close()
    assert await _disclosures(snapshot) == 1
    assert database.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
