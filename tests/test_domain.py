from typing import Any

import pytest

from hub.domain import (
    BudgetTable,
    Level,
    Measure,
    Scheme,
    ThreePublicItem,
    label,
    level_of,
    parent_of,
    subtree_bounds,
)


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("215", Level.CLASS, None),
        ("21505", Level.SECTION, "215"),
        ("2150517", Level.ITEM, "21505"),
        ("301", Level.CLASS, None),
        ("30101", Level.SECTION, "301"),
    ],
)
def test_the_code_is_the_path(code: str, level: Level, parent: str | None) -> None:
    assert level_of(code) is level
    assert parent_of(code) == parent


@pytest.mark.parametrize("code", ["", "21", "2150", "209001", "21505171", "21a", "２１５", " 215"])
def test_a_malformed_code_is_refused(code: str) -> None:
    with pytest.raises(ValueError, match="not a classification code"):
        level_of(code)


def test_subtree_bounds_cover_descendants_and_nothing_else() -> None:
    low, high = subtree_bounds("215")
    assert (low, high) == ("215", "2159999")
    inside = ["215", "21505", "2150501", "2150517", "21599", "2159999"]
    outside = ["214", "2149999", "216", "21601", "2160101", "21", "2"]
    assert all(low <= c <= high for c in inside)
    assert not any(low <= c <= high for c in outside)
    assert subtree_bounds("21505") == ("21505", "2150599")
    assert subtree_bounds("2150517") == ("2150517", "2150517")


@pytest.mark.parametrize("enum", [BudgetTable, Measure, Scheme, Level, ThreePublicItem])
def test_every_table_column_scheme_level_and_item_has_its_chinese_label(enum: Any) -> None:
    assert all(label(member) for member in enum)
    assert label(Measure.PERSONNEL) == "人员经费"
    assert label(Level.SECTION) == "款"
