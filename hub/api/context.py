"""What every resolver of one request shares: the reads, their DataLoaders and the snapshot
they all read.

Everything here is made anew per request, and no session is shared between requests (what
outlives a request is the read model, exact per data version: :mod:`hub.query.model`); within
one, every read sees the same moment of the data (a rollup's total,
count and ranking agree however a load commits meanwhile), and :class:`EndOfRequest` ends it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from strawberry.dataloader import DataLoader
from strawberry.extensions import SchemaExtension

from hub.domain import BudgetTable
from hub.query.model import VersionedReads
from hub.query.reads import Reader
from hub.query.rollups import DepartmentShare, RollupKey, RollupRow, Rollups
from hub.query.snapshot import Snapshot
from hub.store.engine import Database
from hub.store.entities import (
    BudgetLine,
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
)

__all__ = ["Context", "EndOfRequest", "make_context"]


@dataclass
class Context:
    snapshot: Snapshot
    reader: Reader
    rollups: Rollups
    disclosures: DataLoader[int, Disclosure | None]
    departments: DataLoader[int, Department | None]
    regions: DataLoader[int, Region | None]
    lines: DataLoader[tuple[int, BudgetTable], list[BudgetLine]]
    three_public: DataLoader[int, list[ThreePublicLine]]
    projects: DataLoader[int, list[PerformanceProject]]
    indicators: DataLoader[int, list[Indicator]]
    sections: DataLoader[int, list[NarrativeSection]]
    glossary: DataLoader[int, list[GlossaryEntry]]
    findings: DataLoader[int, list[Finding]]
    units: DataLoader[int, list[Unit]]
    rollup_totals: DataLoader[RollupKey, RollupRow | None]
    rollup_shares: DataLoader[RollupKey, list[DepartmentShare]]
    subtrees: dict[RollupKey, asyncio.Task[dict[str, RollupRow]]] = field(default_factory=dict)

    async def subtree(self, key: RollupKey) -> dict[str, RollupRow]:
        """A rollup subtree, read once per request however many nodes ask for it."""
        if key not in self.subtrees:
            self.subtrees[key] = asyncio.ensure_future(self.rollups.subtree(key))
        return await self.subtrees[key]

    async def close(self) -> None:
        """End the request's read transaction: its connection goes back to the pool."""
        await self.snapshot.close()


class EndOfRequest(SchemaExtension):
    """Closes the request's snapshot once the operation is over, answered or failed."""

    async def on_operation(self) -> AsyncIterator[None]:
        try:
            yield
        finally:
            context = self.execution_context.context
            if isinstance(context, Context):
                await context.close()


def make_context(database: Database, version: int | None = None) -> Context:
    """A request's context; ``version``: the data version read for it after it arrived (by the
    response cache), which its reads then take rather than read again."""
    snapshot = Snapshot(database)
    reads = VersionedReads(snapshot, version)  # one data version for the request's reads
    reader, rollups = Reader(snapshot, reads), Rollups(snapshot, reads)
    return Context(
        snapshot=snapshot,
        reader=reader,
        rollups=rollups,
        disclosures=DataLoader(load_fn=reader.load_disclosures),
        departments=DataLoader(load_fn=reader.load_departments),
        regions=DataLoader(load_fn=reader.load_regions),
        lines=DataLoader(load_fn=reader.load_lines),
        three_public=DataLoader(load_fn=reader.load_three_public),
        projects=DataLoader(load_fn=reader.load_projects),
        indicators=DataLoader(load_fn=reader.load_indicators),
        sections=DataLoader(load_fn=reader.load_sections),
        glossary=DataLoader(load_fn=reader.load_glossary),
        findings=DataLoader(load_fn=reader.load_findings),
        units=DataLoader(load_fn=reader.load_units),
        rollup_totals=DataLoader(load_fn=rollups.load_totals),
        rollup_shares=DataLoader(load_fn=rollups.load_shares),
    )
