"""The reads of a request: the catalog kept between requests is the one the store holds."""

from __future__ import annotations

import dataclasses

from hub.catalog import Catalog, read_catalog
from hub.domain import Scheme
from hub.query.reads import Reader
from hub.query.snapshot import Snapshot
from hub.store.catalog import sync_catalog
from hub.store.engine import Database


async def _catalog(database: Database) -> Catalog:
    """The catalog as a request reads it."""
    snapshot = Snapshot(database)
    try:
        return await Reader(snapshot).catalog()
    finally:
        await snapshot.close()


async def test_the_catalog_is_read_again_once_a_sync_changes_it(database: Database) -> None:
    rows = read_catalog()
    first = await _catalog(database)
    assert first.name(Scheme.FUNCTIONAL, "215", 2023) == "资源勘探工业信息等支出"
    assert await _catalog(database) is first  # kept: nothing changed since
    target = (Scheme.FUNCTIONAL, "215")
    renamed = [
        dataclasses.replace(r, name="改名的支出") if (r.scheme, r.code) == target else r
        for r in rows
    ]
    try:
        async with database.transaction() as session:
            assert await sync_catalog(session, renamed)
        assert (await _catalog(database)).name(*target, 2023) == "改名的支出"
    finally:
        async with database.transaction() as session:
            await sync_catalog(session, rows)
    assert (await _catalog(database)).name(*target, 2023) == "资源勘探工业信息等支出"
