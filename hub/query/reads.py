"""Batched reads for one request. Given the request's :class:`~hub.query.snapshot.Snapshot`,
every batch reads the same moment of the data, one statement at a time (concurrent resolvers
never use its session at once); given a database, each opens a short-lived session of its own.

The ``load_*`` methods take a list of keys and return one result per key, in order: the shape a
DataLoader's batch function has.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, exists, func, or_
from sqlmodel import col, select

from hub.catalog import Catalog
from hub.domain import BudgetTable, LineKind, Scheme, Scope
from hub.query.model import ROW_BYTES, VersionedReads
from hub.query.pages import CHANGE_CURSOR, MAX_PAGE, Page, decode_cursor, encode_cursor
from hub.query.rollups import region_matches
from hub.query.snapshot import Sessions
from hub.store.catalog import in_subtree, stored_catalog
from hub.store.entities import (
    BudgetLine,
    Change,
    Department,
    Disclosure,
    Finding,
    GlossaryEntry,
    Indicator,
    NarrativeSection,
    PerformanceProject,
    Region,
    ThreePublicLine,
    Unit,
    is_current,
)

__all__ = ["AmbiguousError", "Reader", "Seen"]

K = TypeVar("K", bound=Hashable)
E = TypeVar("E")


class AmbiguousError(LookupError):
    """A name or code that matches more than one thing."""


@dataclass(frozen=True)
class Seen:
    """A code as the year's current disclosures print it: each printed name with how many
    departments print it, and how many departments and regions print the code at all."""

    code: str
    names: dict[str, int]
    departments: int
    regions: int


def _grouped(keys: Sequence[K], rows: Sequence[E], key: Callable[[E], K]) -> list[list[E]]:
    groups: dict[K, list[E]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return [groups.get(k, []) for k in keys]


def _catalog_size(catalog: Catalog) -> int:
    return ROW_BYTES * catalog.count()


class Reader:
    """What one GraphQL request reads, batch by batch; through the read model
    (:mod:`hub.query.model`) when it reads a snapshot."""

    def __init__(self, sessions: Sessions, reads: VersionedReads | None = None) -> None:
        self.sessions = sessions
        self.reads = reads or VersionedReads(sessions)
        self._catalog: asyncio.Future[Catalog] | None = None

    async def _all(self, statement: Select[Any]) -> list[Any]:
        async with self.sessions.session() as session:
            return list((await session.scalars(statement)).all())

    async def load_by_id(self, entity: Any, ids: Sequence[int]) -> list[Any]:
        """Rows of ``entity`` by primary key, in the order asked (None where missing)."""

        async def read(missing: list[int]) -> list[Any]:
            rows = await self._all(select(entity).where(col(entity.id).in_(set(missing))))
            found = {row.id: row for row in rows}
            return [found.get(i) for i in missing]

        return await self.reads.kept_batch(entity.__name__, ids, read)

    async def load_disclosures(self, ids: Sequence[int]) -> list[Disclosure | None]:
        return await self.load_by_id(Disclosure, ids)

    async def load_departments(self, ids: Sequence[int]) -> list[Department | None]:
        return await self.load_by_id(Department, ids)

    async def load_regions(self, ids: Sequence[int]) -> list[Region | None]:
        return await self.load_by_id(Region, ids)

    async def load_lines(self, keys: Sequence[tuple[int, BudgetTable]]) -> list[list[BudgetLine]]:
        """The lines of each (disclosure, table), in printed order."""
        return await self.reads.kept_batch("lines", keys, self._read_lines)

    async def _read_lines(self, keys: list[tuple[int, BudgetTable]]) -> list[list[BudgetLine]]:
        # Two plain INs, not a row-value IN: SQLite uses no index for the latter.
        statement = (
            select(BudgetLine)
            .where(
                col(BudgetLine.disclosure_id).in_({d for d, _ in keys}),
                col(BudgetLine.table).in_({t for _, t in keys}),
            )
            .order_by(col(BudgetLine.ordinal))
        )
        rows = await self._all(statement)
        return _grouped(keys, rows, lambda line: (line.disclosure_id, line.table))

    async def _children(
        self, entity: Any, parent: str, ids: Sequence[int], order: Any = None
    ) -> list[list[Any]]:
        """The rows of ``entity`` under each id of ``parent``, in printed order (``ordinal``)
        or by ``order``."""
        column = getattr(entity, parent)
        order = entity.ordinal if order is None else order

        async def read(missing: list[int]) -> list[list[Any]]:
            rows = await self._all(
                select(entity).where(col(column).in_(set(missing))).order_by(col(order))
            )
            return _grouped(missing, rows, lambda row: getattr(row, parent))

        return await self.reads.kept_batch(f"{entity.__name__}.{parent}", ids, read)

    async def load_three_public(self, ids: Sequence[int]) -> list[list[ThreePublicLine]]:
        return await self._children(ThreePublicLine, "disclosure_id", ids)

    async def load_projects(self, ids: Sequence[int]) -> list[list[PerformanceProject]]:
        return await self._children(PerformanceProject, "disclosure_id", ids)

    async def load_indicators(self, ids: Sequence[int]) -> list[list[Indicator]]:
        return await self._children(Indicator, "project_id", ids)

    async def load_sections(self, ids: Sequence[int]) -> list[list[NarrativeSection]]:
        return await self._children(NarrativeSection, "disclosure_id", ids)

    async def load_glossary(self, ids: Sequence[int]) -> list[list[GlossaryEntry]]:
        return await self._children(GlossaryEntry, "disclosure_id", ids)

    async def load_units(self, ids: Sequence[int]) -> list[list[Unit]]:
        return await self._children(Unit, "department_id", ids, order=Unit.id)

    async def load_findings(self, ids: Sequence[int]) -> list[list[Finding]]:
        return await self._children(Finding, "disclosure_id", ids, order=Finding.id)

    async def catalog(self) -> Catalog:
        """The whole catalog, read once per request however many resolvers ask at once."""
        if self._catalog is None:
            self._catalog = asyncio.ensure_future(self._read_catalog())
        return await self._catalog

    async def _read_catalog(self) -> Catalog:
        # Kept per data version: a request reads hundreds of entries otherwise (most of a
        # rollup's time); only a catalog sync changes it, and a sync moves the version on.
        return await self.reads.kept(("catalog",), self._stored_catalog, _catalog_size)

    async def _stored_catalog(self) -> Catalog:
        async with self.sessions.session() as session:
            return await stored_catalog(session)

    async def seen(
        self, scheme: Scheme, year: int, code: str | None, within: str = "code"
    ) -> dict[str, Seen]:
        """Where the current disclosures of a year print a code, and what they call it (the
        observed catalog), by code. ``within`` widens it to the codes one level under ``code``
        ("children"), every code under it ("subtree"), or (``code`` None) every code. Counted
        in the database: a province prints hundreds of thousands of lines a year."""
        return await self.reads.kept(
            ("seen", scheme, year, code, within),
            lambda: self._read_seen(scheme, year, code, within),
        )

    async def _read_seen(
        self, scheme: Scheme, year: int, code: str | None, within: str
    ) -> dict[str, Seen]:
        where: list[Any] = []
        if code is not None and within == "code":
            where = [col(BudgetLine.code) == code]
        elif code is not None:
            where = [in_subtree(col(BudgetLine.code), code), col(BudgetLine.code) != code]
            if within == "children":
                where.append(func.length(col(BudgetLine.code)) == len(code) + 2)

        def counted(*columns: Any) -> Select[Any]:
            statement: Select[Any] = (
                select(*columns)
                .join(Disclosure, col(Disclosure.id) == col(BudgetLine.disclosure_id))
                .join(Department, col(Department.id) == col(Disclosure.department_id))
                .where(
                    col(BudgetLine.scheme) == scheme,
                    col(BudgetLine.kind) == LineKind.SUBJECT,
                    col(BudgetLine.code).is_not(None),
                    col(Disclosure.fiscal_year) == year,
                    is_current(),
                    *where,
                )
            )
            return statement

        departments = func.count(col(Department.id).distinct())
        regions = func.count(col(Department.region_id).distinct())
        by_name = counted(col(BudgetLine.code), col(BudgetLine.printed_name), departments)
        by_code = counted(col(BudgetLine.code), departments, regions)
        async with self.sessions.session() as session:
            names = (
                await session.execute(
                    by_name.group_by(col(BudgetLine.code), col(BudgetLine.printed_name))
                )
            ).all()
            codes = (await session.execute(by_code.group_by(col(BudgetLine.code)))).all()
        printed: dict[str, dict[str, int]] = defaultdict(dict)
        for found, name, count in names:
            printed[found][name] = int(count)
        return {
            found: Seen(found, printed[found], int(count), int(spread))
            for found, count, spread in codes
        }

    # Entry points: finding disclosures and departments.

    @staticmethod
    def _region_filter(statement: Select[Any], region: str | None) -> Select[Any]:
        if region is None:
            return statement
        return statement.join(Region, col(Region.id) == col(Department.region_id)).where(
            region_matches(region)
        )

    async def find_department(self, department: str, region: str | None) -> Department | None:
        """A department by code or exact name, within a region when one is given."""
        return await self.reads.kept(
            ("department", department, region), lambda: self._find_department(department, region)
        )

    async def _find_department(self, department: str, region: str | None) -> Department | None:
        statement = self._region_filter(
            select(Department).where(
                or_(col(Department.code) == department, col(Department.name) == department)
            ),
            region,
        )
        found = await self._all(statement)
        if len(found) > 1:
            raise AmbiguousError(
                f"{len(found)} departments match {department!r}: give the region as well"
            )
        return found[0] if found else None

    async def find_disclosure(
        self,
        department: str,
        year: int,
        version: int | None,
        region: str | None,
        scope: Scope = Scope.DEPARTMENT,
    ) -> Disclosure | None:
        """The current disclosure of a department for a year, or the version asked for."""
        return await self.reads.kept(
            ("disclosure", department, year, version, region, scope),
            lambda: self._find_disclosure(department, year, version, region, scope),
        )

    async def _find_disclosure(
        self, department: str, year: int, version: int | None, region: str | None, scope: Scope
    ) -> Disclosure | None:
        found = await self.find_department(department, region)
        if found is None:
            return None
        statement = select(Disclosure).where(
            col(Disclosure.department_id) == found.id,
            col(Disclosure.fiscal_year) == year,
            col(Disclosure.scope) == scope,
        )
        if version is None:
            statement = statement.where(is_current())
        else:
            statement = statement.where(col(Disclosure.version) == version)
        rows = await self._all(statement)
        return rows[0] if rows else None

    async def _page(
        self, entity: Any, kind: str, statement: Select[Any], first: int, after: str | None
    ) -> Page[Any]:
        first = max(0, min(first, MAX_PAGE))
        async with self.sessions.session() as session:
            total = await session.scalar(
                select(func.count()).select_from(statement.order_by(None).subquery())
            )
            start = decode_cursor(kind, after) if after else None
            if start is not None:
                statement = statement.where(col(entity.id) > start)
            rows = list(
                (await session.scalars(statement.order_by(col(entity.id)).limit(first + 1))).all()
            )
        return Page(
            items=[(encode_cursor(kind, row.id), row) for row in rows[:first]],
            total=int(total or 0),
            has_next=len(rows) > first,
            has_previous=start is not None,
        )

    async def department_page(
        self, region: str | None, first: int, after: str | None
    ) -> Page[Department]:
        statement = self._region_filter(select(Department), region)
        return await self.reads.kept(
            ("departments", region, first, after),
            lambda: self._page(Department, "department", statement, first, after),
        )

    async def disclosure_page(
        self,
        *,
        region: str | None,
        year: int | None,
        department: str | None,
        include_superseded: bool,
        first: int,
        after: str | None,
        department_id: int | None = None,
        scope: Scope | None = None,
        changed_since: int | None = None,
    ) -> Page[Disclosure]:
        """Disclosures by id; current versions only unless ``include_superseded``. With
        ``changed_since`` (a change's id), every version with a change after it instead,
        current or not: a withdrawal or a supersession changes an old version too."""
        statement = self._region_filter(
            select(Disclosure).join(
                Department, col(Department.id) == col(Disclosure.department_id)
            ),
            region,
        )
        if year is not None:
            statement = statement.where(col(Disclosure.fiscal_year) == year)
        if department is not None:
            statement = statement.where(
                or_(col(Department.code) == department, col(Department.name) == department)
            )
        if department_id is not None:
            statement = statement.where(col(Disclosure.department_id) == department_id)
        if scope is not None:
            statement = statement.where(col(Disclosure.scope) == scope)
        if changed_since is not None:
            statement = statement.where(
                exists().where(
                    col(Change.disclosure_id) == col(Disclosure.id),
                    col(Change.id) > changed_since,
                )
            )
        elif not include_superseded:
            statement = statement.where(is_current())
        asked = (region, year, department, include_superseded, department_id, scope)
        return await self.reads.kept(
            ("disclosures", *asked, changed_since, first, after),
            lambda: self._page(Disclosure, "disclosure", statement, first, after),
        )

    async def change_page(self, first: int, after: str | None) -> Page[Change]:
        """The change feed in the order its entries committed (by id), after the cursor
        ``after`` (exclusive): entries are numbered in commit order, so none that commits
        later can come before one already read."""
        return await self._page(Change, CHANGE_CURSOR, select(Change), first, after)
