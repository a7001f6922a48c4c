"""Withdrawing a disclosure version (撤回), by ``hub withdraw`` or ``POST /api/withdraw``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from hub.domain import AuditAction, Scope
from hub.query.reads import AmbiguousError, Reader
from hub.store.audit import AuditRecord, record_audit
from hub.store.engine import Database
from hub.store.entities import Disclosure, is_current
from hub.store.load import lock_department
from hub.store.versions import VersionError, withdraw

__all__ = ["WithdrawRequestError", "Withdrawn", "withdraw_version"]


class WithdrawRequestError(ValueError):
    """A withdrawal asked of something that is not there, or cannot be withdrawn: the message
    says why; nothing is written."""

    def __init__(self, message: str, *, not_found: bool = False) -> None:
        super().__init__(message)
        self.not_found = not_found


@dataclass(frozen=True)
class Withdrawn:
    """What a withdrawal did: the version withdrawn, and the one current again (if any)."""

    disclosure_id: int
    version: int
    reinstated_id: int | None
    reinstated_version: int | None


async def withdraw_version(
    database: Database,
    *,
    department: str,
    year: int,
    reason: str,
    actor: str,
    region: str | None = None,
    phase: str = "budget",
    version: int | None = None,
    scope: Scope = Scope.DEPARTMENT,
) -> Withdrawn:
    """Withdraw a department's version for a year (by default the current one), in one
    transaction with its audit entry."""
    if phase != "budget":
        raise WithdrawRequestError(
            f"phase {phase!r}: only budgets (预算) are stored by this hub yet", not_found=True
        )
    try:
        found = await Reader(database).find_department(department, region)
    except AmbiguousError as exc:
        raise WithdrawRequestError(str(exc)) from None
    if found is None or found.id is None:
        where = f" in {region}" if region else ""
        raise WithdrawRequestError(f"no department {department!r}{where}", not_found=True)
    async with database.transaction() as session:
        await lock_department(session, found.id)  # a load for the department waits, or went first
        statement = select(Disclosure).where(
            col(Disclosure.department_id) == found.id,
            col(Disclosure.fiscal_year) == year,
            col(Disclosure.scope) == scope,
            col(Disclosure.version) == version if version is not None else is_current(),
        )
        disclosure = await session.scalar(statement)
        if disclosure is None or disclosure.id is None:
            which = f"version {version}" if version is not None else "current version"
            raise WithdrawRequestError(
                f"{found.name} has no {which} for {year} ({scope.value.lower()} budget)",
                not_found=True,
            )
        try:
            reinstated = await withdraw(session, disclosure, actor, reason)
        except VersionError as exc:
            raise WithdrawRequestError(str(exc)) from None
        await record_audit(
            session,
            AuditRecord(
                actor,
                AuditAction.WITHDRAW,
                "withdrawn",
                source_name=disclosure.source_name,
                source_sha256=disclosure.source_sha256,
                disclosure_id=disclosure.id,
                version=disclosure.version,
                detail=reason.strip(),
            ),
        )
        return Withdrawn(
            disclosure.id,
            disclosure.version,
            reinstated.id if reinstated else None,
            reinstated.version if reinstated else None,
        )
