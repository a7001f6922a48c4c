"""A reconciliation finding, and how a difference is judged."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hub.domain import BudgetTable, Severity
from hub.money import AmountUnit, within_rounding

__all__ = ["Finding", "judge", "show"]


@dataclass(frozen=True)
class Finding:
    """What a check found. Amounts are fen; ``difference`` is actual minus expected."""

    rule: str
    """A stable id: subtotal, table.missing, t5_t6.personnel, …"""
    severity: Severity
    message: str
    table: BudgetTable | None = None
    code: str | None = None
    column: str | None = None
    expected: int | None = None
    actual: int | None = None
    line: int | None = None

    @property
    def difference(self) -> int | None:
        if self.expected is None or self.actual is None:
            return None
        return self.actual - self.expected


def judge(difference: int, summed: int, quantum: int) -> Severity | None:
    """How much a difference matters, given how many printed figures were summed
    (:func:`hub.money.within_rounding`)."""
    if difference == 0:
        return None
    if within_rounding(difference, summed, quantum):
        return Severity.ROUNDING
    return Severity.ERROR


def show(fen: int | None, unit: AmountUnit) -> str:
    """An amount in the unit its table prints, for messages."""
    if fen is None:
        return "blank"
    return f"{Decimal(fen) / unit.fen:f}"
