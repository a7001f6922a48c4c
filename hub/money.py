"""Exact money: amounts are integers of fen (分) in the store and Decimal everywhere else.

Documents print 万元 with two decimals (0.01 万元 = 100 元) or 元 with up to two decimals
(0.01 元 = 1 分). Fen is the one integer unit both fit into exactly.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

__all__ = ["AmountUnit", "InexactAmountError", "fen_to_wan", "to_fen"]


class AmountUnit(StrEnum):
    """The unit a table prints its amounts in (单位)."""

    YUAN = "元"
    WAN_YUAN = "万元"

    @property
    def fen(self) -> int:
        """How many fen one of this unit is."""
        return 100 if self is AmountUnit.YUAN else 1_000_000


class InexactAmountError(ValueError):
    """An amount that is not a whole number of fen."""


_TWO_PLACES = Decimal("0.01")


def to_fen(amount: Decimal, unit: AmountUnit) -> int:
    """Convert an amount printed in ``unit`` into whole fen, refusing anything inexact."""
    fen = amount * unit.fen
    if fen != fen.to_integral_value():
        raise InexactAmountError(f"{amount} {unit} is not a whole number of fen")
    return int(fen)


def fen_to_wan(fen: int) -> Decimal:
    """Express fen in 万元, exactly, with at least two decimals (3814.52, 0.31, 441.2547)."""
    wan = Decimal(fen).scaleb(-6).normalize()
    exponent = wan.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        wan = wan.quantize(_TWO_PLACES)
    return wan
