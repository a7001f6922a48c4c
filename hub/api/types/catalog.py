"""A node of the classification catalog (科目), for drilling anywhere by code."""

from __future__ import annotations

import strawberry

from hub import domain
from hub.api.context import Context
from hub.api.ids import encode_id
from hub.api.types.common import Info, Level, Node, Scheme
from hub.catalog import Catalog, CatalogRow, observed_name
from hub.domain import NameSource, level_of, parent_of
from hub.query.reads import Seen

__all__ = ["SeenIn", "Subject", "subject", "subjects"]

MAX_DEPTH = 3


async def subject(
    info: Info[Context, None], scheme: domain.Scheme, code: str, year: int
) -> Subject | None:
    """The node a code is in a year: the catalog's official entry, else what the documents
    loaded print for it (:func:`hub.catalog.observed_name`); None where neither knows it."""
    reader = info.context.reader
    catalog = await reader.catalog()
    seen = (await reader.seen(scheme, year, code)).get(code)
    return _subject(catalog, scheme, code, year, seen)


def _subject(
    catalog: Catalog, scheme: domain.Scheme, code: str, year: int, seen: Seen | None
) -> Subject | None:
    official = catalog.entry_in(scheme, code, year)
    if official is not None:
        return Subject(entry=official, year=year, source=NameSource.OFFICIAL, seen=seen)
    name = observed_name(_issuers(seen))
    if name is None:
        return None
    entry = CatalogRow(
        scheme, code, name, level_of(code), parent_of(code), year, year, _OBSERVED_SOURCE
    )
    return Subject(entry=entry, year=year, source=NameSource.OBSERVED, seen=seen)


_OBSERVED_SOURCE = "printed by the disclosures loaded"


def _issuers(seen: Seen | None) -> dict[str, int]:
    """Each printed name and how many departments print it."""
    return seen.names if seen is not None else {}


@strawberry.type(description="出现 Who prints a code in the year's current disclosures.")
class SeenIn:
    departments: int = strawberry.field(description="部门 How many departments print it.")
    regions: int = strawberry.field(description="地区 How many regions they are in.")


@strawberry.type(
    description="科目 A node of a classification tree for a year: the official catalog's, or "
    "(where the catalog lacks it) as the documents loaded print it."
)
class Subject(Node):
    entry: strawberry.Private[CatalogRow]
    year: strawberry.Private[int]
    source: NameSource = strawberry.field(
        description="来源 OFFICIAL: the catalog's list for the year; OBSERVED: the full name most "
        "issuers print for the code that year (a name others print longer is a cut-short one, "
        "never chosen)."
    )
    seen: strawberry.Private[Seen | None]

    async def _near(self, info: Info[Context, None], code: str | None) -> Subject | None:
        return await subject(info, self.entry.scheme, code, self.year) if code else None

    @strawberry.field(description="全局标识 Global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(
            encode_id("Subject", self.entry.scheme.value, self.entry.code, self.year)
        )

    @strawberry.field(description="科目体系 Scheme.")
    def scheme(self) -> Scheme:
        return self.entry.scheme

    @strawberry.field(description="编码 Code.")
    def code(self) -> str:
        return self.entry.code

    @strawberry.field(description="名称 The name for the year (see `source`).")
    def name(self) -> str:
        return self.entry.name

    @strawberry.field(description="级次 Level.")
    def level(self) -> Level:
        return self.entry.level

    @strawberry.field(name="year", description="年度 The fiscal year the name is given for.")
    def fiscal_year(self) -> int:
        return self.year

    @strawberry.field(
        description="起始年度 First fiscal year of this name (an observed name: the year)."
    )
    def valid_from(self) -> int:
        return self.entry.valid_from

    @strawberry.field(
        description="终止年度 Last fiscal year of this name; null while in force (an observed "
        "name: the year)."
    )
    def valid_to(self) -> int | None:
        return self.entry.valid_to

    @strawberry.field(description="出现 How many departments and regions print the code.")
    def seen_in(self) -> SeenIn:
        seen = self.seen
        return SeenIn(
            departments=seen.departments if seen else 0, regions=seen.regions if seen else 0
        )

    @strawberry.field(
        description="印刷名称 The names documents print for the code that year, the most printed "
        "first (short forms that narrow columns cut included)."
    )
    def printed_names(self) -> list[str]:
        issuers = _issuers(self.seen)
        return sorted(issuers, key=lambda name: (-issuers[name], name))

    @strawberry.field(description="上级 The node one level up; null for a 类.")
    async def parent(self, info: Info[Context, None]) -> Subject | None:
        return await self._near(info, self.entry.parent_code)

    @strawberry.field(description="路径 The breadcrumb from the 类 down to this node's parent.")
    async def ancestors(self, info: Info[Context, None]) -> list[Subject]:
        found: list[Subject] = []
        code = self.entry.parent_code
        while code:
            near = await self._near(info, code)
            if near is None:
                break
            found.insert(0, near)
            code = near.entry.parent_code
        return found

    @strawberry.field(
        description="下级 The nodes one level down for the year, official or observed, by code."
    )
    async def children(self, info: Info[Context, None]) -> list[Subject]:
        return await _below(info, self.entry.scheme, self.year, self.entry.code, "children")

    @strawberry.field(
        description=f"后代 Every node below, down to `depth` levels (1 to {MAX_DEPTH}), "
        "parents before their children."
    )
    async def descendants(self, info: Info[Context, None], depth: int = MAX_DEPTH) -> list[Subject]:
        code, levels = self.entry.code, max(0, min(depth, MAX_DEPTH))
        found = await _below(info, self.entry.scheme, self.year, code, "subtree")
        return [node for node in found if len(node.entry.code) <= len(code) + 2 * levels]


async def _below(
    info: Info[Context, None], scheme: domain.Scheme, year: int, code: str | None, within: str
) -> list[Subject]:
    """The year's nodes, official or observed, one level under ``code`` ("children") or
    anywhere under it ("subtree"; every node where ``code`` is None), by code: one read."""
    reader = info.context.reader
    catalog = await reader.catalog()
    rows = catalog.rows(scheme, year)
    if within == "children":
        rows = [row for row in rows if row.parent_code == code]
    elif code is not None:
        rows = [row for row in rows if row.code.startswith(code) and row.code != code]
    found: dict[str, Seen | None] = {row.code: None for row in rows}
    found.update(await reader.seen(scheme, year, code, within))
    made = [_subject(catalog, scheme, c, year, seen) for c, seen in sorted(found.items())]
    return [node for node in made if node is not None]


async def subjects(
    info: Info[Context, None],
    scheme: domain.Scheme,
    year: int,
    under: str | None,
    search: str | None,
) -> list[Subject]:
    """Every node of the year, official or observed, under a code and matching a search (a code
    prefix, or a piece of the name or of a printed name), by code."""
    wanted = "".join((search or "").split())
    return [
        node
        for node in await _below(info, scheme, year, under, "subtree")
        if not wanted
        or node.entry.code.startswith(wanted)
        or any(wanted in name for name in (node.entry.name, *_issuers(node.seen)))
    ]
