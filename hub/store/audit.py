"""The audit log: who loaded or withdrew what, when, and what came of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hub.check.storable import Length
from hub.domain import AuditAction
from hub.store.entities import AuditEntry

__all__ = ["CLI_ACTOR", "AuditRecord", "audit_entries", "loads_since", "record_audit"]

CLI_ACTOR = "cli"
"""Who a load from the command line is recorded as (no token may take the name)."""


@dataclass(frozen=True)
class AuditRecord:
    """One entry to write: ``result`` is a load's status, ``failed``, or ``done``."""

    actor: str
    action: AuditAction
    result: str
    source_name: str | None = None
    source_sha256: str | None = None
    disclosure_id: int | None = None
    version: int | None = None
    detail: str | None = None


def _cut(text: str | None, length: int) -> str | None:
    return text if text is None or len(text) <= length else text[: length - 1] + "…"


async def record_audit(session: AsyncSession, record: AuditRecord) -> None:
    """Add ``record`` in the caller's transaction: with what it records, or on its own for a
    failure (whose transaction rolled back)."""
    session.add(
        AuditEntry(
            at=datetime.now(UTC),
            actor=record.actor,
            action=record.action,
            result=record.result,
            source_name=_cut(record.source_name, Length.SOURCE_NAME),
            source_sha256=record.source_sha256,
            disclosure_id=record.disclosure_id,
            version=record.version,
            detail=_cut(record.detail, Length.REASON),
        )
    )
    await session.flush()


async def loads_since(session: AsyncSession, actor: str, since: datetime) -> int:
    """How many files ``actor`` sent to be loaded since ``since`` (what a rate limit counts)."""
    return int(
        await session.scalar(
            select(func.count()).where(
                col(AuditEntry.actor) == actor,
                col(AuditEntry.action) == AuditAction.INGEST,
                col(AuditEntry.at) >= since,
            )
        )
        or 0
    )


async def audit_entries(
    session: AsyncSession,
    *,
    actor: str | None = None,
    since: timedelta | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """The latest entries, newest last (as a log reads)."""
    statement = select(AuditEntry)
    if actor is not None:
        statement = statement.where(col(AuditEntry.actor) == actor)
    if since is not None:
        statement = statement.where(col(AuditEntry.at) >= datetime.now(UTC) - since)
    rows = await session.scalars(statement.order_by(col(AuditEntry.id).desc()).limit(limit))
    return list(reversed(rows.all()))
