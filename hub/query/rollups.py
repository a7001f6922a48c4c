"""Sums of a classification node over every department's current disclosure of a year.

Superseded versions never count. A node's total is the sum of what each department states for
that code; a department that does not print the code contributes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, literal_column, or_, select
from sqlmodel import col

from hub.domain import BudgetTable, Scheme
from hub.query.model import VersionedReads
from hub.query.snapshot import Sessions
from hub.store.catalog import in_subtree
from hub.store.entities import BudgetLine, Department, Disclosure, Region

__all__ = [
    "MAX_SHARES",
    "TABLE_OF_SCHEME",
    "DepartmentShare",
    "RollupKey",
    "RollupRow",
    "Rollups",
    "exact_sum",
    "region_matches",
]

TABLE_OF_SCHEME = {
    Scheme.FUNCTIONAL: BudgetTable.GENERAL_FUNCTIONAL,
    Scheme.DEPARTMENTAL_ECONOMIC: BudgetTable.GENERAL_BASIC_ECONOMIC,
}
"""The table a rollup of each scheme sums: 一般公共预算 by function (5) and basic by economy (6)."""


MAX_SHARES = 100
"""The most departments a ranking lists."""


@dataclass(frozen=True)
class RollupKey:
    scheme: Scheme
    year: int
    region: str | None
    code: str


@dataclass(frozen=True)
class RollupRow:
    code: str
    total: int | None
    departments: int


@dataclass(frozen=True)
class DepartmentShare:
    department_id: int
    disclosure_id: int
    total: int


def _grouped(keys: Sequence[RollupKey]) -> dict[tuple[Scheme, int, str | None], set[str]]:
    """The keys' codes by scheme, year and region: one query each."""
    groups: dict[tuple[Scheme, int, str | None], set[str]] = defaultdict(set)
    for key in keys:
        groups[(key.scheme, key.year, key.region)].add(key.code)
    return groups


_LOW_BITS = 32


def exact_sum(column: Any) -> tuple[Any, Any]:
    """A money column summed exactly on every backend: its high and its low 32 bits apart.

    SQLite's SUM fails with "integer overflow" past 2**63 (its TOTAL is a float), while each
    part's sum stays far inside it for billions of rows; :func:`combine` puts them together.
    PostgreSQL would sum a BIGINT exactly (as numeric) anyway; one expression serves both.
    """
    # Written into the SQL: PostgreSQL has no >> for a BIGINT shift count, as a bound one is.
    shift: Any = literal_column(str(_LOW_BITS))
    mask: Any = literal_column(str((1 << _LOW_BITS) - 1))
    return func.sum(column.bitwise_rshift(shift)), func.sum(column.bitwise_and(mask))


def combine(high: Any, low: Any) -> int | None:
    """The sum :func:`exact_sum` read in two parts; None where every amount was blank."""
    if high is None:
        return None
    return (int(high) << _LOW_BITS) + int(low)


def region_matches(region: str) -> Any:
    """A region named by its division code or its name."""
    return or_(col(Region.code) == region, col(Region.name) == region)


class Rollups:
    """Rollup reads for one request, in the request's snapshot (or, given a database, each in
    a session of its own)."""

    def __init__(self, sessions: Sessions, reads: VersionedReads | None = None) -> None:
        self.sessions = sessions
        self.reads = reads or VersionedReads(sessions)

    def _current(self, scheme: Scheme, year: int, region: str | None, *columns: Any) -> Select[Any]:
        """Current lines of a year's rollup table: one range of ix_budget_line_rollup."""
        statement = select(col(BudgetLine.code), *columns).where(
            col(BudgetLine.table) == TABLE_OF_SCHEME[scheme],
            col(BudgetLine.current_year) == year,
        )
        if region is not None:
            statement = (
                statement.join(Disclosure, col(Disclosure.id) == col(BudgetLine.disclosure_id))
                .join(Department, col(Department.id) == col(Disclosure.department_id))
                .join(Region, col(Region.id) == col(Department.region_id))
                .where(region_matches(region))
            )
        return statement

    async def _rows(self, statement: Select[Any]) -> list[Any]:
        async with self.sessions.session() as session:
            return list((await session.execute(statement)).all())

    async def _totals(
        self, scheme: Scheme, year: int, region: str | None, codes: Any
    ) -> dict[str, RollupRow]:
        """Each code's total over the current disclosures, for the codes ``codes`` selects.

        A current disclosure is one department's, and prints a code once: counting its lines
        counts departments.
        """
        statement = (
            self._current(scheme, year, region, *exact_sum(col(BudgetLine.total)), func.count())
            .where(codes)
            .group_by(col(BudgetLine.code))
        )
        return {
            code: RollupRow(code, combine(high, low), int(departments))
            for code, high, low, departments in await self._rows(statement)
        }

    async def subtree(self, key: RollupKey) -> dict[str, RollupRow]:
        """Every code in the subtree of ``key.code`` with its total, in one query."""
        codes = in_subtree(col(BudgetLine.code), key.code)
        return await self.reads.kept(
            ("subtree", key), lambda: self._totals(key.scheme, key.year, key.region, codes)
        )

    async def load_totals(self, keys: Sequence[RollupKey]) -> list[RollupRow | None]:
        """The total of each key's exact code (other years, mostly): one query per scheme,
        year and region among the keys."""
        return await self.reads.kept_batch("total", keys, self._load_totals)

    async def _load_totals(self, keys: Sequence[RollupKey]) -> list[RollupRow | None]:
        found: dict[RollupKey, RollupRow] = {}
        for (scheme, year, region), codes in _grouped(keys).items():
            totals = await self._totals(scheme, year, region, col(BudgetLine.code).in_(codes))
            for code, row in totals.items():
                found[RollupKey(scheme, year, region, code)] = row
        return [found.get(key) for key in keys]

    async def load_shares(self, keys: Sequence[RollupKey]) -> list[list[DepartmentShare]]:
        """Which departments spend each key's code, largest first (at most ``MAX_SHARES``)."""
        return await self.reads.kept_batch("shares", keys, self._load_shares)

    async def _load_shares(self, keys: Sequence[RollupKey]) -> list[list[DepartmentShare]]:
        shares: dict[RollupKey, list[DepartmentShare]] = defaultdict(list)
        for (scheme, year, region), codes in _grouped(keys).items():
            rank = (
                func.row_number()
                .over(
                    partition_by=col(BudgetLine.code),
                    order_by=(col(BudgetLine.total).desc(), col(BudgetLine.disclosure_id)),
                )
                .label("rank")
            )
            ranked = (
                self._current(
                    scheme, year, region, col(BudgetLine.disclosure_id), col(BudgetLine.total), rank
                )
                .where(col(BudgetLine.code).in_(codes), col(BudgetLine.total).is_not(None))
                .subquery()
            )
            # Only the top rows meet the disclosure table.
            statement = (
                select(
                    ranked.c.code,
                    col(Disclosure.department_id),
                    ranked.c.disclosure_id,
                    ranked.c.total,
                )
                .join(Disclosure, col(Disclosure.id) == ranked.c.disclosure_id)
                .where(ranked.c.rank <= MAX_SHARES)
                .order_by(ranked.c.code, ranked.c.rank)
            )
            for code, department_id, disclosure_id, total in await self._rows(statement):
                shares[RollupKey(scheme, year, region, code)].append(
                    DepartmentShare(department_id, disclosure_id, int(total))
                )
        return [shares.get(key, []) for key in keys]
