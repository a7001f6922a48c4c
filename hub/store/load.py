"""Loading a checked document into the store: all of it in the caller's transaction, or none.

The same bytes for the same department and year load once; changed bytes become a new version
that supersedes the current one, which stays queryable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, insert, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hub.catalog import Catalog
from hub.check import Finding
from hub.domain import ChangeKind, LineKind, Measure, Scope
from hub.parse.model import Document, Identity
from hub.store.entities import (
    MONEY_COLUMNS,
    BudgetLine,
    Department,
    Disclosure,
    GlossaryEntry,
    Indicator,
    NarrativeSection,
    PerformanceProject,
    Region,
    ThreePublicLine,
    Unit,
)
from hub.store.entities import Finding as StoredFinding
from hub.store.versions import make_current, record_changes

__all__ = ["LoadResult", "LoadStatus", "load_document", "loaded_sources", "lock_department"]


class LoadStatus(StrEnum):
    NEW = "new"
    """The first disclosure of this department for this year."""
    NEW_VERSION = "new version"
    """A changed document that supersedes the current one."""
    UNCHANGED = "unchanged"
    """These bytes are already loaded; nothing was written."""
    WITHDRAWN = "withdrawn"
    """These bytes are a withdrawn version; nothing was written (restore it on request)."""
    RESTORED = "restored"
    """These bytes were a withdrawn version, and are current again on request."""


@dataclass(frozen=True)
class LoadResult:
    status: LoadStatus
    disclosure_id: int
    version: int
    lines: int = 0
    withdrawal_reason: str | None = None
    """Why the version these bytes are was withdrawn, for a WITHDRAWN result."""

    @classmethod
    def of_loaded(cls, disclosure: Disclosure) -> LoadResult:
        """What loading bytes already loaded as ``disclosure`` comes to, restoring nothing."""
        assert disclosure.id is not None
        if disclosure.withdrawn_at is not None:
            return cls(
                LoadStatus.WITHDRAWN,
                disclosure.id,
                disclosure.version,
                withdrawal_reason=disclosure.withdrawal_reason,
            )
        return cls(LoadStatus.UNCHANGED, disclosure.id, disclosure.version)


async def load_document(
    session: AsyncSession,
    document: Document,
    findings: list[Finding],
    catalog: Catalog,
    *,
    actor: str = "cli",
    restore: bool = False,
) -> LoadResult:
    """Write ``document`` and its findings in the session's transaction (the caller commits).

    Bytes loaded before write nothing; if they are a withdrawn version, ``restore`` makes that
    version current again instead. ``actor`` is who loads, as the change feed records it."""
    identity = document.identity
    department = await _department(session, identity)
    assert department.id is not None
    # Whether these bytes are in, and which version comes next, is read under the department's
    # lock: two processes loading for one department take turns.
    await lock_department(session, department.id)
    existing = await session.scalar(
        select(Disclosure).where(
            col(Disclosure.department_id) == department.id,
            col(Disclosure.fiscal_year) == identity.fiscal_year,
            col(Disclosure.scope) == identity.scope,
            col(Disclosure.source_sha256) == document.source.sha256,
        )
    )
    if existing is not None and existing.id is not None:
        if not (restore and existing.withdrawn_at is not None):
            return LoadResult.of_loaded(existing)  # nothing is written
        superseded = await make_current(session, existing)
        await record_changes(
            session,
            actor,
            [(ChangeKind.RESTORED, existing.id)] + [(ChangeKind.SUPERSEDED, d) for d in superseded],
        )
        return LoadResult(LoadStatus.RESTORED, existing.id, existing.version)
    if department.name != identity.department_name:  # a new version's name replaces the old
        department.name = identity.department_name
        await session.flush()
    for unit in identity.units:
        await _unit(session, department.id, unit.code, unit.name)

    latest = await session.scalar(
        select(func.max(col(Disclosure.version))).where(
            col(Disclosure.department_id) == department.id,
            col(Disclosure.fiscal_year) == identity.fiscal_year,
            col(Disclosure.scope) == identity.scope,
        )
    )
    disclosure = Disclosure(
        department_id=department.id,
        fiscal_year=identity.fiscal_year,
        scope=identity.scope,
        version=(latest or 0) + 1,
        title=document.title,
        source_name=document.source.name,
        source_sha256=document.source.sha256,
        source_format=document.source.format,
        source_pages=document.pages,
        ingested_at=datetime.now(UTC),
    )
    session.add(disclosure)
    await session.flush()
    assert disclosure.id is not None
    superseded = await make_current(session, disclosure)
    lines = _lines(document, disclosure.id, catalog)
    await _insert(session, BudgetLine, lines)
    await _insert(session, ThreePublicLine, _three_public(document, disclosure.id))
    await _projects(session, document, disclosure.id)
    await _insert(
        session,
        NarrativeSection,
        [
            {
                "disclosure_id": disclosure.id,
                "ordinal": n,
                "heading_path": s.heading_path,
                "text": s.text,
                "source_line": s.line,
            }
            for n, s in enumerate(document.sections, start=1)
        ],
    )
    await _insert(
        session,
        GlossaryEntry,
        [
            {
                "disclosure_id": disclosure.id,
                "ordinal": n,
                "term": g.term,
                "definition": g.definition,
                "source_line": g.line,
            }
            for n, g in enumerate(document.glossary, start=1)
        ],
    )
    await _insert(
        session,
        StoredFinding,
        [
            {
                "disclosure_id": disclosure.id,
                "rule": f.rule,
                "severity": f.severity,
                "table": f.table,
                "code": f.code,
                "column": f.column,
                "expected": f.expected,
                "actual": f.actual,
                "difference": f.difference,
                "message": f.message,
                "source_line": f.line,
            }
            for f in findings
        ],
    )
    await record_changes(
        session,
        actor,
        [(ChangeKind.LOADED, disclosure.id)] + [(ChangeKind.SUPERSEDED, d) for d in superseded],
    )
    status = LoadStatus.NEW if disclosure.version == 1 else LoadStatus.NEW_VERSION
    return LoadResult(status, disclosure.id, disclosure.version, len(lines))


async def loaded_sources(session: AsyncSession, sha256s: list[str]) -> dict[str, LoadResult]:
    """The sources among ``sha256s`` already loaded, each as the one disclosure it became.

    A source loaded more than once (under other departments, by overrides) is left out: which
    department a file is for then depends on how it is ingested.
    """
    found: dict[str, list[Disclosure]] = {}
    for start in range(0, len(sha256s), 500):
        chunk = sha256s[start : start + 500]
        for row in await session.scalars(
            select(Disclosure).where(col(Disclosure.source_sha256).in_(chunk))
        ):
            found.setdefault(row.source_sha256, []).append(row)
    return {sha: LoadResult.of_loaded(rows[0]) for sha, rows in found.items() if len(rows) == 1}


async def _insert(session: AsyncSession, entity: Any, rows: list[dict[str, Any]]) -> None:
    # A Core insert of the table: the ORM's bulk path costs more than the rows themselves.
    if rows:
        await session.execute(insert(entity.__table__), rows)


_ADMINISTRATION_LOCK = 0x6875_6201
"""PostgreSQL advisory lock class: creating a region or a department (one key, 0)."""
_DEPARTMENT_LOCK = 0x6875_6202
"""PostgreSQL advisory lock class: loading for a department (its id as the key)."""


async def lock_department(session: AsyncSession, department_id: int) -> None:
    """Take turns with every other load or withdrawal for the department, until commit."""
    await _lock(session, _DEPARTMENT_LOCK, department_id)


async def _lock(session: AsyncSession, kind: int, key: int) -> None:
    """Hold a lock until the transaction ends. On SQLite there is nothing to take: a write
    transaction begins IMMEDIATE, holding the one writer's lock already."""
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        await session.execute(
            text("SELECT pg_advisory_xact_lock(:kind, :key)"), {"kind": kind, "key": key}
        )


async def _department(session: AsyncSession, identity: Identity) -> Department:
    """The document's department, with its region, created if new.

    What is missing is looked for again under a lock before it is created, so that two
    processes loading the same new department agree on one row (the lock lasts until the
    creator commits; a region or department without a code has no unique key to lean on).
    """
    region = await _find_region(session, identity)
    department = await _find_department(session, region, identity) if region else None
    if department is not None and region is not None and not _needs_code(region, identity):
        return department
    await _lock(session, _ADMINISTRATION_LOCK, 0)
    region = await _find_region(session, identity)
    if region is None:
        region = Region(code=identity.region_code, name=identity.region_name)
        session.add(region)
        await session.flush()
    elif _needs_code(region, identity):
        region.code = identity.region_code
    assert region.id is not None
    department = await _find_department(session, region, identity)
    if department is None:
        department = Department(
            region_id=region.id, code=identity.department_code, name=identity.department_name
        )
        session.add(department)
    await session.flush()
    return department


def _needs_code(region: Region, identity: Identity) -> bool:
    """A region found by name, whose division code this document is the first to give."""
    return region.code is None and identity.region_code is not None


async def _find_region(session: AsyncSession, identity: Identity) -> Region | None:
    """The region by its division code, else by its name."""
    if identity.region_code:
        region = await session.scalar(
            select(Region)
            .where(col(Region.code) == identity.region_code)
            .execution_options(populate_existing=True)
        )
        if region is not None:
            return region
    return await session.scalar(
        select(Region)
        .where(col(Region.name) == identity.region_name)
        .order_by(col(Region.id))
        .execution_options(populate_existing=True)
    )


async def _find_department(
    session: AsyncSession, region: Region, identity: Identity
) -> Department | None:
    """A department of the region by its code, else (documents without codes) by its name."""
    match = (
        col(Department.code) == identity.department_code
        if identity.department_code
        else col(Department.name) == identity.department_name
    )
    return await session.scalar(
        select(Department)
        .where(col(Department.region_id) == region.id, match)
        .order_by(col(Department.id))
        .execution_options(populate_existing=True)
    )


async def _unit(session: AsyncSession, department_id: int, code: str | None, name: str) -> None:
    match = col(Unit.code) == code if code else col(Unit.name) == name
    unit = await session.scalar(select(Unit).where(Unit.department_id == department_id, match))
    if unit is None:
        session.add(Unit(department_id=department_id, code=code, name=name))
    else:
        unit.name = name


def _lines(document: Document, disclosure_id: int, catalog: Catalog) -> list[dict[str, Any]]:
    year = document.identity.fiscal_year
    # Rollups across departments add up department budgets, which hold their units' figures
    # already: a unit's own budget is served as its disclosure, not counted a second time.
    current = year if document.identity.scope is Scope.DEPARTMENT else None
    lines: list[dict[str, Any]] = []
    for table in document.tables.values():
        for ordinal, row in enumerate(table.rows, start=1):
            subject = row.kind is LineKind.SUBJECT
            line: dict[str, Any] = {
                "disclosure_id": disclosure_id,
                "table": table.kind,
                "ordinal": ordinal,
                "kind": row.kind,
                "side": row.side,
                "scheme": table.scheme if subject else None,
                "code": row.code if subject else None,
                "printed_code": row.printed_code,
                "level": row.level,
                "label": None if subject else row.code,
                "item": row.item,
                "printed_name": row.printed_name,
                "name": (
                    catalog.name(table.scheme, row.code, year)
                    if subject and table.scheme and row.code
                    else None
                ),
                "source_line": row.line,
                "current_year": current,
            }
            # Every row names every column: one executemany statement takes them all.
            line.update({column: row.amounts.get(Measure(column)) for column in MONEY_COLUMNS})
            lines.append(line)
    return lines


def _three_public(document: Document, disclosure_id: int) -> list[dict[str, Any]]:
    table = document.three_public
    if table is None:
        return []
    return [
        {
            "disclosure_id": disclosure_id,
            "ordinal": n,
            "item": r.item,
            "printed_label": r.printed_label,
            "amount": r.amount,
            "source_line": r.line,
            "breakdown": r.breakdown,
        }
        for n, r in enumerate(table.rows, start=1)
    ]


async def _projects(session: AsyncSession, document: Document, disclosure_id: int) -> None:
    for ordinal, project in enumerate(document.projects, start=1):
        stored = PerformanceProject(
            disclosure_id=disclosure_id,
            ordinal=ordinal,
            name=project.name,
            kind=project.kind,
            amount=project.amount,
            annual_target=project.annual_target,
            source_line=project.line,
        )
        session.add(stored)
        await session.flush()
        await _insert(
            session,
            Indicator,
            [
                {
                    "project_id": stored.id,
                    "ordinal": n,
                    "level1": i.level1,
                    "level2": i.level2,
                    "name": i.name,
                    "value_text": i.value_text,
                    "comparator": i.comparator,
                    "value_number": i.number,
                    "value_unit": i.unit,
                    "source_line": i.line,
                }
                for n, i in enumerate(project.indicators, start=1)
            ],
        )
