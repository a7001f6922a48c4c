"""The classification catalog in the store: loading it, reading it, selecting subtrees."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from hub.catalog import Catalog, CatalogRow, observed_name
from hub.domain import LineKind, Scheme, level_of, parent_of, subtree_bounds
from hub.store.engine import Database
from hub.store.entities import BudgetLine, CatalogEntry, DataVersion, Disclosure, is_current

__all__ = [
    "FileVersion",
    "bump_data_version",
    "catalog_matches",
    "data_version",
    "in_subtree",
    "observed_catalog",
    "stored_catalog",
    "sync_catalog",
]


def _row(e: CatalogEntry) -> CatalogRow:
    return CatalogRow(
        e.scheme, e.code, e.name, e.level, e.parent_code, e.valid_from, e.valid_to, e.source
    )


async def catalog_matches(session: AsyncSession, rows: list[CatalogRow]) -> bool:
    """Whether the stored catalog is exactly ``rows`` (a few hundred: compared whole)."""
    stored = [_row(e) for e in await session.scalars(select(CatalogEntry))]
    return len(stored) == len(rows) and set(stored) == set(rows)


async def sync_catalog(session: AsyncSession, rows: list[CatalogRow]) -> bool:
    """Make the stored catalog equal to ``rows``: insert, update and delete by key; whether
    anything changed (only then does the data version move on).

    The key is (scheme, code, valid_from); a name corrected in the fixtures is corrected in
    the store, and an entry removed from them is removed.
    """
    wanted = {(r.scheme, r.code, r.valid_from): r for r in rows}
    entries = list(await session.scalars(select(CatalogEntry)))
    if len(entries) == len(rows) and {_row(e) for e in entries} == set(rows):
        return False
    stored = {(e.scheme, e.code, e.valid_from): e for e in entries}
    stale = [e.id for key, e in stored.items() if key not in wanted]
    if stale:
        await session.execute(delete(CatalogEntry).where(col(CatalogEntry.id).in_(stale)))
    for key, row in wanted.items():
        entry = stored.get(key) or CatalogEntry(
            scheme=row.scheme,
            code=row.code,
            valid_from=row.valid_from,
            name="",
            level=row.level,
            source="",
        )
        entry.name, entry.level, entry.parent_code = row.name, row.level, row.parent_code
        entry.valid_to, entry.source = row.valid_to, row.source
        session.add(entry)
    await bump_data_version(session)
    return True


async def bump_data_version(session: AsyncSession) -> None:
    """Move the data version on, in the caller's transaction."""
    await session.execute(
        update(DataVersion).where(col(DataVersion.id) == 1).values(version=DataVersion.version + 1)
    )


async def data_version(session: AsyncSession) -> int:
    return int(await session.scalar(select(col(DataVersion.version))) or 0)


class FileVersion:
    """The data version of a SQLite file, read in the calling thread.

    Every statement through the async driver crosses to its thread and back, and a session
    adds BEGIN and ROLLBACK: about 2 ms of CPU for this one-row read, most of a request answered
    from the read model. Read directly, in autocommit (in WAL mode each statement sees every
    commit made before it), it takes microseconds. Whatever fails here (no file yet, no table,
    a busy lock) answers None: the caller reads it the usual way, and gets the usual error.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.connection: sqlite3.Connection | None = None

    @classmethod
    def of(cls, database: Database) -> FileVersion | None:
        path = database.url.database
        if database.backend != "sqlite" or not path or path == ":memory:":
            return None
        return cls(path)

    def read(self) -> int | None:
        try:
            if self.connection is None:
                self.connection = sqlite3.connect(
                    f"{Path(self.path).absolute().as_uri()}?mode=ro",
                    uri=True,
                    isolation_level=None,
                    check_same_thread=False,
                    timeout=0.05,
                )
            row = self.connection.execute(_VERSION_SQL).fetchone()
        except sqlite3.Error:
            self.close()
            return None
        return int(row[0] or 0) if row else 0

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


_VERSION_SQL = f"SELECT version FROM {DataVersion.__tablename__}"


async def stored_catalog(session: AsyncSession) -> Catalog:
    """The catalog as the store holds it."""
    return Catalog(_row(e) for e in await session.scalars(select(CatalogEntry)))


async def observed_catalog(session: AsyncSession) -> Catalog:
    """The official catalog, and for each code it lacks in a year, the name the year's current
    disclosures print for it (:func:`hub.catalog.observed_name`): what a names-only table is
    resolved against when it is loaded."""
    official = [_row(e) for e in await session.scalars(select(CatalogEntry))]
    known = Catalog(official)
    issuers = func.count(col(Disclosure.department_id).distinct())
    printed = await session.execute(
        select(
            col(BudgetLine.scheme),
            col(BudgetLine.code),
            col(Disclosure.fiscal_year),
            col(BudgetLine.printed_name),
            issuers,
        )
        .join(Disclosure, col(Disclosure.id) == col(BudgetLine.disclosure_id))
        .where(
            col(BudgetLine.kind) == LineKind.SUBJECT,
            col(BudgetLine.name).is_(None),  # the catalog had no name for it when it was loaded
            col(BudgetLine.scheme).is_not(None),
            col(BudgetLine.code).is_not(None),
            is_current(),
        )
        .group_by(
            col(BudgetLine.scheme),
            col(BudgetLine.code),
            col(Disclosure.fiscal_year),
            col(BudgetLine.printed_name),
        )
    )
    names: dict[tuple[Scheme, str, int], dict[str, int]] = {}
    for scheme, code, year, printed_name, count in printed.all():
        if scheme is not None and code is not None and known.entry_in(scheme, code, year) is None:
            names.setdefault((scheme, code, year), {})[printed_name] = count
    observed = [
        CatalogRow(scheme, code, chosen, level_of(code), parent_of(code), year, year, "observed")
        for (scheme, code, year), printed_names in names.items()
        if (chosen := observed_name(printed_names)) is not None
    ]
    return Catalog(official + observed)


def in_subtree(column: Any, code: str) -> Any:
    """A predicate selecting ``code`` and its descendants as an index range, never ``LIKE``."""
    low, high = subtree_bounds(code)
    return column.between(low, high)
