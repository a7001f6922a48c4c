"""Which version is current: withdrawing, reinstating and restoring, as rollups and the change
feed see them, on both backends."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from hub.domain import Scheme
from hub.query.rollups import RollupKey, Rollups
from hub.store.engine import Database
from hub.store.entities import BudgetLine, Change, Disclosure
from hub.store.versions import VersionError, withdraw
from tests import seed

CORRECTED = seed.variant("209", name="咸宁市经济和信息化局", **{"2150517": "2799.00"})
"""The seed with one item's figure changed: the same department and year, a new version."""

ITEM = RollupKey(Scheme.FUNCTIONAL, 2023, None, "2150517")


async def _total(database: Database) -> int | None:
    node = (await Rollups(database).subtree(ITEM)).get("2150517")
    return None if node is None else node.total


async def _withdraw(database: Database, version: int, reason: str = "a typing error") -> int | None:
    async with database.transaction() as session:
        row = await session.scalar(select(Disclosure).where(col(Disclosure.version) == version))
        assert row is not None
        back = await withdraw(session, row, "cli", reason)
        return back.version if back else None


async def _feed(database: Database) -> list[tuple[str, int]]:
    async with database.session() as session:
        rows = await session.execute(
            select(Change.kind, Disclosure.version)
            .join(Disclosure, col(Disclosure.id) == col(Change.disclosure_id))
            .order_by(col(Change.id))
        )
        return [(kind.value, version) for kind, version in rows]


async def _counted(database: Database) -> dict[int, int]:
    """Each version's lines that rollups count (those with the fiscal year in current_year)."""
    async with database.session() as session:
        rows = await session.execute(
            select(Disclosure.version, BudgetLine.current_year).join(
                Disclosure, col(Disclosure.id) == col(BudgetLine.disclosure_id)
            )
        )
        counted: dict[int, int] = {}
        for version, year in rows:
            counted[version] = counted.get(version, 0) + (year == 2023)
        return counted


async def test_withdrawing_the_current_version_reinstates_the_one_before(
    database: Database,
) -> None:
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
    await seed.load_text(database, CORRECTED)
    assert await _total(database) == seed.fen("2799.00")
    assert await _counted(database) == {1: 0, 2: 119}

    assert await _withdraw(database, 2) == 1
    assert await _total(database) == seed.fen("2798.00")
    assert await _counted(database) == {1: 119, 2: 0}
    async with database.session() as session:
        rows = {d.version: d for d in await session.scalars(select(Disclosure))}
    assert (rows[1].current, rows[2].current) == (True, False)
    assert (rows[2].withdrawn_by, rows[2].withdrawal_reason) == ("cli", "a typing error")

    # The last one left withdrawn too: nothing is current, nothing is summed.
    assert await _withdraw(database, 1) is None
    assert await _total(database) is None
    assert await _feed(database) == [
        ("LOADED", 1),
        ("LOADED", 2),
        ("SUPERSEDED", 1),
        ("WITHDRAWN", 2),
        ("REINSTATED", 1),
        ("WITHDRAWN", 1),
    ]


async def test_withdrawing_a_superseded_version_changes_nothing_current(
    database: Database,
) -> None:
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
    await seed.load_text(database, CORRECTED)
    assert await _withdraw(database, 1) is None
    assert await _total(database) == seed.fen("2799.00")
    assert await _counted(database) == {1: 0, 2: 119}
    assert (await _feed(database))[-1] == ("WITHDRAWN", 1)


async def test_a_version_is_withdrawn_once_and_only_with_a_reason(database: Database) -> None:
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
    with pytest.raises(VersionError, match="give the reason"):
        await _withdraw(database, 1, "  ")
    with pytest.raises(VersionError, match="at most 1000 characters"):
        await _withdraw(database, 1, "x" * 1001)
    await _withdraw(database, 1)
    with pytest.raises(VersionError, match=r"version 1 was withdrawn already, on .* by cli"):
        await _withdraw(database, 1)
    assert await _feed(database) == [("LOADED", 1), ("WITHDRAWN", 1)]
