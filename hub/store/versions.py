"""Which version of a disclosure is current: superseding, withdrawing (撤回), restoring, and
the change feed that records each, in the caller's transaction.

A department's disclosures for a year and scope form a line of versions. At most one is
current (:func:`hub.store.entities.is_current`); its budget lines carry the fiscal year in
``current_year``, which is what rollups sum. Nothing here deletes a row.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, insert, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hub.check.storable import Length
from hub.domain import ChangeKind, Scope
from hub.store.catalog import bump_data_version
from hub.store.entities import BudgetLine, Change, Disclosure, is_current

__all__ = ["VersionError", "make_current", "record_changes", "siblings", "withdraw"]


class VersionError(ValueError):
    """A withdrawal that cannot be done (already withdrawn, say); nothing is written."""


async def record_changes(
    session: AsyncSession, actor: str, changes: Iterable[tuple[ChangeKind, int]]
) -> None:
    """Move the data version on and append ``changes`` (kind, disclosure id) to the feed.

    The data version is one row that every writer updates: its row lock, held until commit,
    makes writers take turns from here on, so the feed's ids are handed out in commit order
    and a reader never sees a later entry before an earlier one commits.
    """
    await bump_data_version(session)
    at = datetime.now(UTC)
    rows = [
        {"at": at, "kind": kind, "disclosure_id": disclosure, "actor": actor}
        for kind, disclosure in changes
    ]
    if rows:
        await session.execute(insert(Change), rows)


def siblings(disclosure: Disclosure) -> list[ColumnElement[bool]]:
    """The conditions selecting the versions of ``disclosure``'s line (itself included)."""
    return [
        col(Disclosure.department_id) == disclosure.department_id,
        col(Disclosure.fiscal_year) == disclosure.fiscal_year,
        col(Disclosure.scope) == disclosure.scope,
    ]


async def make_current(session: AsyncSession, disclosure: Disclosure) -> list[int]:
    """Make ``disclosure`` its line's current version; the ids of the versions it supersedes."""
    assert disclosure.id is not None
    superseded = list(
        await session.scalars(
            select(Disclosure.id).where(
                *siblings(disclosure), col(Disclosure.id) != disclosure.id, is_current()
            )
        )
    )
    if superseded:
        await session.execute(
            update(Disclosure)
            .where(col(Disclosure.id).in_(superseded))
            .values(superseded_by_id=disclosure.id)
        )
        await _count_in_rollups(session, superseded, None)
    disclosure.superseded_by_id = None
    disclosure.withdrawn_at = disclosure.withdrawn_by = disclosure.withdrawal_reason = None
    await session.flush()
    # A unit's own budget is served as its disclosure, never added to a department's rollup.
    counted = disclosure.fiscal_year if disclosure.scope is Scope.DEPARTMENT else None
    await _count_in_rollups(session, [disclosure.id], counted)
    return [d for d in superseded if d is not None]


async def withdraw(
    session: AsyncSession, disclosure: Disclosure, actor: str, reason: str
) -> Disclosure | None:
    """Withdraw ``disclosure``: kept and queryable with its reason, never current again unless
    restored. If it was current, the latest version before it that is not withdrawn becomes
    current again; that version is returned (None if there is none, or it was not current)."""
    assert disclosure.id is not None
    if disclosure.withdrawn_at is not None:
        raise VersionError(
            f"version {disclosure.version} was withdrawn already, on "
            f"{disclosure.withdrawn_at:%Y-%m-%d %H:%M} UTC by {disclosure.withdrawn_by}"
        )
    if not reason.strip():
        raise VersionError("give the reason for withdrawing the version")
    if len(reason) > Length.REASON or "\x00" in reason:
        raise VersionError(f"the reason: at most {Length.REASON} characters, and no NUL")
    was_current = disclosure.superseded_by_id is None
    disclosure.withdrawn_at = datetime.now(UTC)
    disclosure.withdrawn_by = actor
    disclosure.withdrawal_reason = reason.strip()
    await session.flush()
    changes = [(ChangeKind.WITHDRAWN, disclosure.id)]
    reinstated = None
    if was_current:
        await _count_in_rollups(session, [disclosure.id], None)
        reinstated = await session.scalar(
            select(Disclosure)
            .where(
                *siblings(disclosure),
                col(Disclosure.id) != disclosure.id,
                col(Disclosure.withdrawn_at).is_(None),
            )
            .order_by(col(Disclosure.version).desc())
            .limit(1)
        )
        if reinstated is not None and reinstated.id is not None:
            await make_current(session, reinstated)
            changes.append((ChangeKind.REINSTATED, reinstated.id))
    await record_changes(session, actor, changes)
    return reinstated


async def _count_in_rollups(session: AsyncSession, ids: list[int], year: int | None) -> None:
    await session.execute(
        update(BudgetLine).where(col(BudgetLine.disclosure_id).in_(ids)).values(current_year=year)
    )
