"""Reading cells, amounts, headers and titles: what every layout of a disclosure shares."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from hub.domain import BudgetTable, Comparator, Measure, Side, ThreePublicItem
from hub.money import AmountUnit, InexactAmountError, to_fen

__all__ = [
    "AMOUNT",
    "clean",
    "comparable",
    "cut_unit",
    "header_measure",
    "indicator_value",
    "parse_amount",
    "squeeze",
    "summary_item",
    "table_of_title",
    "three_public_item",
    "unit_of",
]

_MARKUP = re.compile(r"</?b>|\*\*|</?strong>")


def clean(cell: str) -> str:
    """A cell's text without markup and surrounding blanks."""
    return _MARKUP.sub("", cell).strip()


_LETTER_SPACED = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")


def squeeze(text: str) -> str:
    """A printed name without the blanks a PDF puts between its characters (合 计 → 合计)."""
    return _LETTER_SPACED.sub("", text.strip())


def comparable(text: str) -> str:
    """Text for matching: full-width folded to half-width (NFKC), no blanks, no markup."""
    return "".join(unicodedata.normalize("NFKC", clean(text)).split())


AMOUNT = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
"""A printed amount, after :func:`comparable`: 3814.52, 1,234,567, -0.31."""


def parse_amount(text: str, unit: AmountUnit) -> tuple[int | None, int]:
    """A printed amount as fen and the number of decimals printed; a blank cell is None.

    Raises ValueError, saying what was expected, for anything that is not an amount.
    """
    folded = comparable(text)
    if not folded:
        return None, 0
    if not AMOUNT.fullmatch(folded):
        raise ValueError(f"expected an amount such as 3814.52 or a blank cell, found {text!r}")
    decimals = len(folded.partition(".")[2])
    try:
        return to_fen(Decimal(folded.replace(",", "")), unit), decimals
    except InexactAmountError as exc:
        raise ValueError(f"found {text!r}: {exc}") from None


_UNIT = re.compile(r"单位[:：]?(万元|千元|元)")
_UNIT_CUT = re.compile(r"单位[:：](万|千)$")


def unit_of(line: str) -> AmountUnit | None:
    """The unit a ``单位：万元`` (金额单位：元, 单位:千元, （单位：万元）) line declares."""
    if "单位" not in line:
        return None
    match = _UNIT.search(comparable(line))
    return AmountUnit(match.group(1)) if match else None


def cut_unit(line: str) -> str | None:
    """The start of a unit split over two lines (``单位：万`` above ``元``): 万 or 千."""
    match = _UNIT_CUT.search(comparable(line))
    return match.group(1) if match else None


# Checked in order: the more specific title first.
_TITLES: list[tuple[str, BudgetTable]] = [
    ("三公", BudgetTable.THREE_PUBLIC),
    ("一般公共预算基本支出表", BudgetTable.GENERAL_BASIC_ECONOMIC),
    ("一般公共预算支出表", BudgetTable.GENERAL_FUNCTIONAL),
    ("政府性基金预算支出表", BudgetTable.FUND_FUNCTIONAL),
    ("财政拨款收支总表", BudgetTable.FISCAL_SUMMARY),
    ("部门收支总表", BudgetTable.INCOME_EXPENDITURE_SUMMARY),
    ("部门收支预算总表", BudgetTable.INCOME_EXPENDITURE_SUMMARY),
    ("部门收入总表", BudgetTable.INCOME_SUMMARY),
    ("部门支出总表", BudgetTable.EXPENDITURE_SUMMARY),
]
_NOT_A_TITLE = re.compile(r"说明|情况|。")


def table_of_title(line: str) -> BudgetTable | None:
    """The table a title line names (表 5: 一般公共预算支出表), or None."""
    if len(line) > 120 or "表" not in line:  # cheap refusals before normalising
        return None
    text = comparable(line).lstrip("#")
    if len(text) > 40 or _NOT_A_TITLE.search(text):
        return None
    return next((table for key, table in _TITLES if key in text), None)


# A header is the top cell of a column, joined by "/" to the cell below it where there is one.
_MEASURES: dict[str, Measure] = {
    "合计": Measure.TOTAL,
    "预算数": Measure.TOTAL,
    "基本保障支出/小计": Measure.BASIC,
    "基本支出/小计": Measure.BASIC,
    "基本保障支出": Measure.BASIC,
    "基本支出": Measure.BASIC,
    "基本保障支出/人员经费支出": Measure.PERSONNEL,
    "基本支出/人员经费支出": Measure.PERSONNEL,
    "基本支出/人员经费": Measure.PERSONNEL,
    "基本保障支出/标准公用经费支出": Measure.OPERATING,
    "基本支出/公用经费": Measure.OPERATING,
    "基本支出/标准公用经费支出": Measure.OPERATING,
    "项目支出": Measure.PROJECT,
    "项目支出/小计": Measure.PROJECT,
    "项目支出/经常性项目": Measure.PROJECT_REGULAR,
    "项目支出/当年一次性项目": Measure.PROJECT_ONE_OFF,
    "项目支出/跨年一次性项目": Measure.PROJECT_MULTI_YEAR,
    "项目支出不可预见费": Measure.CONTINGENCY,
    "事业单位经营支出": Measure.BUSINESS,
    "对附属单位补助支出": Measure.SUBSIDIARY,
    "上缴上级支出": Measure.REMIT,
}


def header_measure(top: str, below: str) -> Measure | None:
    """The measure of an amount column, from its header cells (top row, row below)."""
    top, below = comparable(top), comparable(below)
    return _MEASURES.get(f"{top}/{below}" if below else top)


_ORDINAL = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、])"
)

# Labels of the two-sided summary tables (tables 1 and 4), by side, to stable keys.
_SUMMARY_ITEMS: dict[Side, dict[str, str]] = {
    Side.INCOME: {
        "一般公共预算拨款": "general_public_budget",
        "本级一般公共预算拨款": "general_public_budget_own_level",
        "政府性基金拨款": "government_fund",
        "国有资本经营预算拨款": "state_capital",
        "纳入专户管理的非税收入": "special_account_non_tax",
        "事业收入": "institution_income",
        "事业单位经营收入": "institution_business_income",
        "附属单位上缴收入": "subsidiary_remittance",
        "其他收入": "other_income",
        "本年收入合计": "current_year_total",
        "上年结余(转)": "prior_year_balance",
        "收入总计": "grand_total",
        "收入合计": "grand_total",
        "财政拨款收入": "fiscal_grant",
        "一般公共预算资金": "general_public_budget",
        "政府性基金": "government_fund",
        "国有资本经营预算": "state_capital",
    },
    Side.EXPENDITURE: {
        "基本保障支出": "basic",
        "基本支出": "basic",
        "人员经费支出": "personnel",
        "人员支出": "personnel",
        "标准公用经费支出": "operating",
        "项目支出": "project",
        "项目支出不可预见费": "contingency",
        "事业单位经营支出": "business",
        "对附属单位补助支出": "subsidiary",
        "上缴上级支出": "remit",
        "本年支出合计": "current_year_total",
        "结转下年": "carry_forward",
        "支出总计": "grand_total",
        "支出合计": "grand_total",
    },
}


def summary_item(side: Side, label: str) -> str | None:
    """The stable key of a row of table 1 or 4: 一、一般公共预算拨款 → general_public_budget."""
    text = _ORDINAL.sub("", comparable(label)).rstrip(":：")
    return _SUMMARY_ITEMS[side].get(text)


_QUOTES = re.compile(r"[“”‘’\"']")


def three_public_item(label: str) -> ThreePublicItem | None:
    """The line of the “三公” table a label names."""
    text = _ORDINAL.sub("", comparable(label))
    if text.startswith("其中:"):
        text = _ORDINAL.sub("", text[3:])
    if text in {"合计", "总计"} or _QUOTES.sub("", text) in {"三公经费", "三公经费合计"}:
        return ThreePublicItem.TOTAL
    for key, item in (
        ("因公出国", ThreePublicItem.OVERSEAS),
        ("公务接待", ThreePublicItem.RECEPTION),
        ("公车购置及运行", ThreePublicItem.VEHICLES),
        ("公务用车购置及运行", ThreePublicItem.VEHICLES),
        ("公务用车运行", ThreePublicItem.VEHICLE_OPERATION),
        ("公务用车购置", ThreePublicItem.VEHICLE_PURCHASE),
    ):
        if text.startswith(key):
            return item
    return None


_TEX = re.compile(r"\$\s*\\(geq|leq|ge|le|gt|lt)\s*([^$]*?)\s*\$")
_TEX_SIGNS = {"geq": "≥", "ge": "≥", "leq": "≤", "le": "≤", "gt": ">", "lt": "<"}
_COMPARATORS = {
    "≥": Comparator.GE,
    ">=": Comparator.GE,
    "≤": Comparator.LE,
    "<=": Comparator.LE,
    ">": Comparator.GT,
    "<": Comparator.LT,
    "=": Comparator.EQ,
}
_VALUE = re.compile(r"^(≥|>=|≤|<=|>|<|=)?\s*(-?\d+(?:\.\d+)?)\s*(.*)$")


def untex(text: str) -> str:
    """Inline TeX as plain text: ``$\\geq 10$`` → ``≥10``, ``$\\geq 90\\%$`` → ``≥90%``."""
    return _TEX.sub(
        lambda m: _TEX_SIGNS[m.group(1)] + m.group(2).replace("\\%", "%"), text
    ).replace("\\%", "%")


def indicator_value(text: str) -> tuple[Comparator | None, str | None, str | None]:
    """The comparator, number (exact decimal text) and unit of a target value, where it has them.

    ``≥10 个`` → (GE, "10", "个"); ``4000 元/个`` → (None, "4000", "元/个"); ``连续覆盖`` → nothing.
    """
    match = _VALUE.match(unicodedata.normalize("NFKC", untex(text)).strip())
    if not match:
        return None, None, None
    sign, number, unit = match.groups()
    return (_COMPARATORS[sign] if sign else None), number, (unit.strip() or None)
