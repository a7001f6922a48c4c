"""Loads racing on separate connections (as separate processes would): nothing fails, and what
is stored is what loading one after the other stores."""

from __future__ import annotations

import asyncio
import hashlib

from sqlalchemy import func, select
from sqlmodel import col

from hub.catalog import Catalog
from hub.check import check_document
from hub.domain import SourceFormat
from hub.parse import Document, parse_document
from hub.parse.model import Source
from hub.store.engine import Database
from hub.store.entities import Department, Disclosure, Region, Unit
from hub.store.load import LoadResult, LoadStatus, load_document
from hub.store.migrate import upgrade_async
from tests import seed

CATALOG = Catalog.shipped()
LOADERS = 6


def _document(text: str) -> Document:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return parse_document(Source(f"{digest[:8]}.txt", digest, SourceFormat.TEXT, text))


async def _load(database: Database, document: Document) -> LoadResult:
    async with database.transaction() as session:
        return await load_document(session, document, check_document(document, CATALOG), CATALOG)


async def _race(url: str, documents: list[Document]) -> list[LoadResult]:
    """Each document loaded by its own connection, all started at once."""
    databases = [Database(url) for _ in documents]
    try:
        loads = (_load(d, doc) for d, doc in zip(databases, documents, strict=True))
        return list(await asyncio.gather(*loads))
    finally:
        for database in databases:
            await database.dispose()


async def _count(url: str, entity: type) -> int:
    database = Database(url)
    try:
        async with database.session() as session:
            return int(await session.scalar(select(func.count()).select_from(entity)) or 0)
    finally:
        await database.dispose()


async def test_the_same_bytes_racing_load_once(fresh_url: str) -> None:
    await upgrade_async(fresh_url)
    document = _document(seed.SEED.read_text(encoding="utf-8"))
    results = await _race(fresh_url, [document] * LOADERS)
    statuses = sorted(r.status.value for r in results)
    assert statuses == ["new"] + ["unchanged"] * (LOADERS - 1)
    assert len({r.disclosure_id for r in results}) == 1
    assert [await _count(fresh_url, e) for e in (Region, Department, Unit, Disclosure)] == [
        1,
        1,
        1,
        1,
    ]


async def test_new_departments_of_a_new_region_racing_share_it(fresh_url: str) -> None:
    await upgrade_async(fresh_url)
    codes = [str(301 + n) for n in range(LOADERS)]
    results = await _race(fresh_url, [_document(seed.variant(code)) for code in codes])
    assert [r.status for r in results] == [LoadStatus.NEW] * LOADERS
    assert await _count(fresh_url, Region) == 1
    assert await _count(fresh_url, Department) == LOADERS


async def test_editions_of_one_budget_racing_get_one_version_each(fresh_url: str) -> None:
    await upgrade_async(fresh_url)
    editions = [
        _document(seed.variant("301", **{"2150517": f"{100 + n}.00"})) for n in range(LOADERS)
    ]
    results = await _race(fresh_url, editions)
    assert sorted(r.version for r in results) == list(range(1, LOADERS + 1))
    database = Database(fresh_url)
    try:
        async with database.session() as session:
            current = list(
                await session.scalars(
                    select(col(Disclosure.version)).where(
                        col(Disclosure.superseded_by_id).is_(None)
                    )
                )
            )
    finally:
        await database.dispose()
    assert current == [LOADERS]  # the last version allocated is the current one
