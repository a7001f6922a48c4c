"""Exact money: amounts are integers of fen (分) in the store and Decimal everywhere else.

Documents print 万元 with two to six decimals (0.01 万元 = 100 元; 0.000001 万元 = 1 分), 千元, or
元 with up to two decimals (0.01 元 = 1 分). Fen is the one integer unit all fit into exactly; a
figure finer than a fen is refused, never rounded.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from enum import StrEnum

__all__ = [
    "MAX_FEN",
    "AmountUnit",
    "InexactAmountError",
    "fen_to_wan",
    "to_fen",
    "wan",
    "within_rounding",
]


class AmountUnit(StrEnum):
    """The unit a table prints its amounts in (单位)."""

    YUAN = "元"
    THOUSAND_YUAN = "千元"
    WAN_YUAN = "万元"

    @property
    def fen(self) -> int:
        """How many fen one of this unit is."""
        return _FEN[self]


_FEN = {AmountUnit.YUAN: 100, AmountUnit.THOUSAND_YUAN: 100_000, AmountUnit.WAN_YUAN: 1_000_000}


class InexactAmountError(ValueError):
    """An amount that is not a whole number of fen."""


_TWO_PLACES = Decimal("0.01")


MAX_FEN = 2**63 - 1
"""The largest amount a BIGINT column holds."""


def to_fen(amount: Decimal, unit: AmountUnit) -> int:
    """Convert an amount printed in ``unit`` into whole fen, refusing anything inexact."""
    with localcontext() as context:
        context.prec = max(context.prec, len(amount.as_tuple().digits) + 8)
        fen = amount * unit.fen
    if fen != fen.to_integral_value():
        raise InexactAmountError(f"{amount} {unit} is not a whole number of fen")
    if not -MAX_FEN - 1 <= fen <= MAX_FEN:
        raise InexactAmountError(f"{amount} {unit} is larger than the hub can store")
    return int(fen)


def wan(fen: int | None) -> Decimal | None:
    """Fen as exact 万元; None (a blank cell) stays None."""
    return None if fen is None else fen_to_wan(fen)


def fen_to_wan(fen: int) -> Decimal:
    """Express fen in 万元, exactly, with at least two decimals (3814.52, 0.31, 441.2547)."""
    wan = Decimal(fen).scaleb(-6).normalize()
    exponent = wan.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        wan = wan.quantize(_TWO_PLACES)
    return wan


def within_rounding(difference: int, summed: int, quantum: int) -> bool:
    """Whether a sum of ``summed`` printed figures and one more printed figure may differ by
    ``difference`` through rounding alone: each may be off by half a unit of its last decimal
    place (``quantum``), so together by (summed + 1) halves."""
    return 2 * abs(difference) <= (summed + 1) * quantum
