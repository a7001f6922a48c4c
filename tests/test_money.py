from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.money import AmountUnit, InexactAmountError, fen_to_wan, to_fen


@pytest.mark.parametrize(
    ("printed", "unit", "fen"),
    [
        ("3814.52", AmountUnit.WAN_YUAN, 3_814_520_000),
        ("0.31", AmountUnit.WAN_YUAN, 310_000),
        ("0.04", AmountUnit.WAN_YUAN, 40_000),
        ("2798.00", AmountUnit.WAN_YUAN, 2_798_000_000),
        ("4412547", AmountUnit.YUAN, 441_254_700),
        ("873617.00", AmountUnit.YUAN, 87_361_700),
        ("0.01", AmountUnit.YUAN, 1),
    ],
)
def test_to_fen_is_exact(printed: str, unit: AmountUnit, fen: int) -> None:
    assert to_fen(Decimal(printed), unit) == fen


def test_to_fen_refuses_fractions_of_a_fen() -> None:
    with pytest.raises(InexactAmountError, match=r"0\.001 元"):
        to_fen(Decimal("0.001"), AmountUnit.YUAN)


@pytest.mark.parametrize(
    ("fen", "wan"),
    [
        (3_814_520_000, "3814.52"),
        (310_000, "0.31"),
        (2_798_000_000, "2798.00"),
        (441_254_700, "441.2547"),
        (0, "0.00"),
        (10_000_000, "10.00"),
        (1, "0.000001"),
        (-10_000, "-0.01"),
    ],
)
def test_fen_to_wan_keeps_every_digit_and_at_least_two_decimals(fen: int, wan: str) -> None:
    assert str(fen_to_wan(fen)) == wan


@given(st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_fen_to_wan_round_trips(fen: int) -> None:
    assert to_fen(fen_to_wan(fen), AmountUnit.WAN_YUAN) == fen
