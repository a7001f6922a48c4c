"""Sums of a classification node over every department's current disclosure of a year.

Superseded versions never count. A node's total is the sum of what each department states for
that code; a department that does not print the code contributes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_
from sqlmodel import col, select

from hub.domain import BudgetTable, LineKind, Scheme
from hub.store.catalog import in_subtree
from hub.store.engine import Database
from hub.store.entities import BudgetLine, Department, Disclosure, Region

__all__ = [
    "TABLE_OF_SCHEME",
    "DepartmentShare",
    "RollupKey",
    "RollupRow",
    "Rollups",
    "region_matches",
]

TABLE_OF_SCHEME = {
    Scheme.FUNCTIONAL: BudgetTable.GENERAL_FUNCTIONAL,
    Scheme.DEPARTMENTAL_ECONOMIC: BudgetTable.GENERAL_BASIC_ECONOMIC,
}
"""The table a rollup of each scheme sums: 一般公共预算 by function (5) and basic by economy (6)."""


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


def region_matches(region: str) -> Any:
    """A region named by its division code or its name."""
    return or_(col(Region.code) == region, col(Region.name) == region)


class Rollups:
    """Rollup reads for one request; each opens its own session."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def _current(self, scheme: Scheme, year: int, region: str | None) -> Select[Any]:
        statement = (
            select(BudgetLine.code)
            .join(Disclosure, col(Disclosure.id) == col(BudgetLine.disclosure_id))
            .where(
                col(Disclosure.fiscal_year) == year,
                col(Disclosure.superseded_by_id).is_(None),
                col(BudgetLine.table) == TABLE_OF_SCHEME[scheme],
                col(BudgetLine.kind) == LineKind.SUBJECT,
                col(BudgetLine.scheme) == scheme,
            )
        )
        if region is not None:
            statement = (
                statement.join(Department, col(Department.id) == col(Disclosure.department_id))
                .join(Region, col(Region.id) == col(Department.region_id))
                .where(region_matches(region))
            )
        return statement

    async def _rows(self, statement: Select[Any]) -> list[Any]:
        async with self.database.session() as session:
            return list((await session.execute(statement)).all())

    async def _totals(
        self, scheme: Scheme, year: int, region: str | None, codes: Any
    ) -> dict[str, RollupRow]:
        """Each code's total over the current disclosures, for the codes ``codes`` selects."""
        statement = (
            self._current(scheme, year, region)
            .add_columns(
                func.sum(col(BudgetLine.total)),
                func.count(func.distinct(col(Disclosure.department_id))),
            )
            .where(codes)
            .group_by(col(BudgetLine.code))
        )
        return {
            code: RollupRow(code, None if total is None else int(total), int(departments))
            for code, total, departments in await self._rows(statement)
        }

    async def subtree(self, key: RollupKey) -> dict[str, RollupRow]:
        """Every code in the subtree of ``key.code`` with its total, in one query."""
        codes = in_subtree(col(BudgetLine.code), key.code)
        return await self._totals(key.scheme, key.year, key.region, codes)

    async def load_totals(self, keys: Sequence[RollupKey]) -> list[RollupRow | None]:
        """The total of each key's exact code (other years, mostly): one query per scheme,
        year and region among the keys."""
        found: dict[RollupKey, RollupRow] = {}
        for (scheme, year, region), codes in _grouped(keys).items():
            totals = await self._totals(scheme, year, region, col(BudgetLine.code).in_(codes))
            for code, row in totals.items():
                found[RollupKey(scheme, year, region, code)] = row
        return [found.get(key) for key in keys]

    async def load_shares(self, keys: Sequence[RollupKey]) -> list[list[DepartmentShare]]:
        """Which departments spend each key's code, largest first."""
        shares: dict[RollupKey, list[DepartmentShare]] = defaultdict(list)
        for (scheme, year, region), codes in _grouped(keys).items():
            statement = (
                self._current(scheme, year, region)
                .add_columns(
                    col(Disclosure.department_id),
                    col(Disclosure.id),
                    col(BudgetLine.total),
                )
                .where(col(BudgetLine.code).in_(codes), col(BudgetLine.total).is_not(None))
            )
            for code, department_id, disclosure_id, total in await self._rows(statement):
                shares[RollupKey(scheme, year, region, code)].append(
                    DepartmentShare(department_id, disclosure_id, int(total))
                )
        return [
            sorted(shares.get(key, []), key=lambda s: (-s.total, s.department_id)) for key in keys
        ]
