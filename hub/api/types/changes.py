"""The change feed (变更): what happened to which disclosure version, in commit order."""

from __future__ import annotations

from datetime import datetime

import strawberry

from hub.api.context import Context
from hub.api.ids import encode_id
from hub.api.types.common import Info, Node, utc
from hub.api.types.disclosure import Disclosure
from hub.domain import ChangeKind
from hub.store import entities

__all__ = ["Change", "ChangeKind"]

strawberry.enum(
    ChangeKind,
    description="变更类型 What happened to a version: LOADED (导入, current from then on), "
    "SUPERSEDED (被新版本取代), WITHDRAWN (撤回), REINSTATED (the version before a withdrawn one "
    "current again) or RESTORED (a withdrawn version current again, on request).",
)


@strawberry.type(
    description="变更 An entry of the change feed: one disclosure version loaded, superseded, "
    "withdrawn or made current again. A load or a withdrawal that changes two versions makes "
    "two entries, in one commit."
)
class Change(Node):
    row: strawberry.Private[entities.Change]

    @strawberry.field(description="全局标识 Global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("Change", self.row.id))

    @strawberry.field(description="类型 What happened to the version.")
    def kind(self) -> ChangeKind:
        return self.row.kind

    @strawberry.field(description="时间 When it happened (UTC).")
    def at(self) -> datetime:
        return utc(self.row.at)

    @strawberry.field(
        description="操作者 Who made the change: the name of the API token that loaded or "
        "withdrew, or “cli” for the command line."
    )
    def actor(self) -> str:
        return self.row.actor

    async def _disclosure(self, info: Info[Context, None]) -> entities.Disclosure:
        row = await info.context.disclosures.load(self.row.disclosure_id)
        assert row is not None  # a change's version is never deleted
        return row

    @strawberry.field(
        description="预算公开 The version it happened to, as it is now (a version loaded then "
        "withdrawn later answers `isCurrent` false and its `withdrawal`)."
    )
    async def disclosure(self, info: Info[Context, None]) -> Disclosure:
        return Disclosure(row=await self._disclosure(info))

    @strawberry.field(description="版本 The version's number (the disclosure's `version`).")
    async def version(self, info: Info[Context, None]) -> int:
        return (await self._disclosure(info)).version
