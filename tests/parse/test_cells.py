import pytest

from hub.domain import BudgetTable, Comparator, Measure, Side, ThreePublicItem
from hub.money import AmountUnit
from hub.parse.cells import (
    header_measure,
    indicator_value,
    parse_amount,
    summary_item,
    table_of_title,
    three_public_item,
    unit_of,
    untex,
)


@pytest.mark.parametrize(
    ("text", "fen", "places"),
    [
        ("3814.52", 3_814_520_000, 2),
        ("<b>0.31</b>", 310_000, 2),
        ("1,234.56", 1_234_560_000, 2),
        ("３８１４．５２", 3_814_520_000, 2),
        ("2824", 2_824_000_000, 0),
        ("-0.01", -10_000, 2),
        ("", None, 0),
        (" <b></b> ", None, 0),
    ],
)
def test_amounts(text: str, fen: int | None, places: int) -> None:
    assert parse_amount(text, AmountUnit.WAN_YUAN) == (fen, places)


@pytest.mark.parametrize("text", ["3814.5x", "—", "-", "12,34.5", "1.2.3", "N/A", "1,234,56"])
def test_a_garbled_amount_says_what_was_expected(text: str) -> None:
    with pytest.raises(ValueError, match=r"expected an amount such as 3814\.52 or a blank cell"):
        parse_amount(text, AmountUnit.WAN_YUAN)


def test_an_amount_finer_than_a_fen_is_refused() -> None:
    with pytest.raises(ValueError, match="not a whole number of fen"):
        parse_amount("1.001", AmountUnit.YUAN)
    with pytest.raises(ValueError, match="larger than the hub can store"):
        parse_amount("99999999999999.00", AmountUnit.WAN_YUAN)


@pytest.mark.parametrize(
    ("line", "table"),
    [
        ("表 1：部门收支总表", BudgetTable.INCOME_EXPENDITURE_SUMMARY),
        ("### 部门收支预算总表", BudgetTable.INCOME_EXPENDITURE_SUMMARY),
        ("表 5: 一般公共预算支出表", BudgetTable.GENERAL_FUNCTIONAL),
        ("一般公共预算基本支出表 (按经济科目到款级)", BudgetTable.GENERAL_BASIC_ECONOMIC),
        ("## 一般公共预算“三公”经费支出表", BudgetTable.THREE_PUBLIC),
        ("八、政府性基金预算支出表(按功能科目到项级)", BudgetTable.FUND_FUNCTIONAL),
        ("三、“三公”经费安排及增减变化情况说明", None),
        ("咸宁市经信局 2023 年政府性基金预算支出为 0。", None),
    ],
)
def test_tables_are_recognised_by_title(line: str, table: BudgetTable | None) -> None:
    assert table_of_title(line) is table


def test_units() -> None:
    assert unit_of("单位：万元") is AmountUnit.WAN_YUAN
    assert unit_of("单位: 万元") is AmountUnit.WAN_YUAN
    assert unit_of("单位：元") is AmountUnit.YUAN
    assert unit_of("预算01表") is None


@pytest.mark.parametrize(
    ("top", "below", "measure"),
    [
        ("合计", "", Measure.TOTAL),
        ("基本保障支出", "小计", Measure.BASIC),
        ("基本保障支出", "标准公用经费 支出", Measure.OPERATING),
        ("项目支出 不可预见 费", "", Measure.CONTINGENCY),
        ("对附属 单位补 助支出", "", Measure.SUBSIDIARY),
        ("项目支出", "跨年一次性项目", Measure.PROJECT_MULTI_YEAR),
        ("某某支出", "", None),
    ],
)
def test_columns_are_mapped_by_header_text(top: str, below: str, measure: Measure | None) -> None:
    assert header_measure(top, below) is measure


def test_summary_and_three_public_labels() -> None:
    assert summary_item(Side.INCOME, "八、上年结余（转）") == "prior_year_balance"
    assert summary_item(Side.EXPENDITURE, "本年支出合计：") == "current_year_total"
    assert summary_item(Side.INCOME, "八、往来收入") is None
    assert three_public_item("其中：公务用车运行维护费") is ThreePublicItem.VEHICLE_OPERATION
    assert three_public_item("3. 公车购置及运行维护费") is ThreePublicItem.VEHICLES


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("≥10 个", (Comparator.GE, "10", "个")),
        ("4000 元/个", (None, "4000", "元/个")),
        ("≤5%", (Comparator.LE, "5", "%")),
        ("连续覆盖", (None, None, None)),
        ("$\\geq 90\\%$", (Comparator.GE, "90", "%")),
        ("0.5 万元", (None, "0.5", "万元")),
    ],
)
def test_indicator_values(text: str, parsed: tuple[object, ...]) -> None:
    assert indicator_value(text) == parsed


def test_inline_tex() -> None:
    assert untex("数量： $\\geq 10$  个") == "数量： ≥10  个"
