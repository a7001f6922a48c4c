"""Rollups: sums exact at any size, and a request's reads all from one moment."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlmodel import col

from hub.api.context import make_context
from hub.api.schema import schema
from hub.domain import BudgetTable, Scheme
from hub.query.rollups import RollupKey, Rollups
from hub.store.engine import Database
from hub.store.entities import BudgetLine, Department, Disclosure
from tests import seed

ITEM = RollupKey(Scheme.FUNCTIONAL, 2023, None, "2150517")
CLASS = RollupKey(Scheme.FUNCTIONAL, 2023, None, "215")
HUGE = 4_611_686_018_427_500_000
"""4611686018427.50 万元 in fen: two of them pass 2**63 - 1 (9223372036854775807)."""


async def _set_total(database: Database, department_code: str, code: str, fen: int) -> None:
    """A stored amount beyond what a load lets in, written straight into the table."""
    disclosures = (
        select(col(Disclosure.id))
        .join(Department, col(Department.id) == col(Disclosure.department_id))
        .where(col(Department.code) == department_code)
    )
    async with database.transaction() as session:
        await session.execute(
            update(BudgetLine)
            .where(
                col(BudgetLine.table) == BudgetTable.GENERAL_FUNCTIONAL,
                col(BudgetLine.code) == code,
                col(BudgetLine.disclosure_id).in_(disclosures),
            )
            .values(total=fen)
        )


async def test_sums_past_two_to_the_63_are_exact(database: Database) -> None:
    for code in ("301", "302"):
        await seed.load_text(database, seed.variant(code))
        await _set_total(database, code, "2150517", HUGE)
    subtree = await Rollups(database).subtree(ITEM)
    assert subtree["2150517"].total == 2 * HUGE
    assert 2 * HUGE > 2**63 - 1
    assert subtree["2150517"].departments == 2


async def test_negative_amounts_sum_exactly(database: Database) -> None:
    for code, fen in (("301", -(2**40) - 7), ("302", 5), ("303", -HUGE)):
        await seed.load_text(database, seed.variant(code))
        await _set_total(database, code, "2150517", fen)
    subtree = await Rollups(database).subtree(ITEM)
    assert subtree["2150517"].total == -(2**40) - 7 + 5 - HUGE


async def test_a_rollup_of_huge_amounts_answers_over_graphql(database: Database) -> None:
    for code in ("301", "302"):
        await seed.load_text(database, seed.variant(code))
        await _set_total(database, code, "2150517", HUGE)
    result = await schema.execute(
        '{ rollup(scheme: FUNCTIONAL, year: 2023, code: "2150517") '
        "{ total departmentCount byDepartment { total } } }",
        context_value=make_context(database),
    )
    assert result.errors is None
    assert result.data == {
        "rollup": {
            "total": "9223372036855.00",
            "departmentCount": 2,
            "byDepartment": [{"total": "4611686018427.50"}] * 2,
        }
    }


async def test_a_request_reads_one_moment_while_a_load_commits(database: Database) -> None:
    await seed.load_text(database, seed.variant("301"))
    context = make_context(database)
    try:
        before = await context.subtree(CLASS)
        # Another department's budget commits between the request's first read and its last.
        await seed.load_text(database, seed.variant("302"))
        shares = await context.rollup_shares.load(CLASS)
        again = await context.rollups.subtree(CLASS)
    finally:
        await context.close()
    assert before["215"].departments == 1
    assert len(shares) == 1
    assert again == before
    after = await Rollups(database).subtree(CLASS)
    assert after["215"].departments == 2


async def test_the_snapshot_ends_with_the_operation(database: Database) -> None:
    await seed.load_text(database, seed.variant("301"))
    context = make_context(database)
    result = await schema.execute(
        '{ rollup(scheme: FUNCTIONAL, year: 2023, code: "215") { total } }',
        context_value=context,
    )
    assert result.errors is None
    assert context.snapshot._session is None
    assert database.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
