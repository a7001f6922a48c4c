"""What every resolver of one request shares: the reads and their DataLoaders.

Everything here is made anew per request, so no cache outlives it and no session is shared.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from strawberry.dataloader import DataLoader

from hub.domain import BudgetTable
from hub.query.reads import Reader
from hub.query.rollups import DepartmentShare, RollupKey, RollupRow, Rollups
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

__all__ = ["Context", "make_context"]


@dataclass
class Context:
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


def make_context(database: Database) -> Context:
    reader, rollups = Reader(database), Rollups(database)
    return Context(
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
