"""What the standard tables and their columns are called, province by province: data, not code.

Every layout prints the same tables under its own titles (部门收支总表, 收支预算总表,
收支总体情况表, 预算01表 收支总表, 公开表一 …) and heads the same columns with its own words
(合计 / 总计 / 金额 / 预算数; 人员经费 / 人员支出 / 工资福利支出 …). A new province should
mostly mean a new word here.
Titles are matched by meaning: the words a title must hold, and the words that make it another
table, on its text folded by :func:`hub.parse.cells.comparable`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hub.domain import BudgetTable, Measure, TargetKind

__all__ = [
    "COLUMN_TERMS",
    "COMPARISON",
    "TARGET_COLUMNS",
    "TITLE_RULES",
    "TitleRule",
    "column_measure",
    "ignored_column",
    "is_comparison",
    "is_final_account",
    "looks_like_title",
    "other_table",
    "table_of",
    "target_role",
    "targets_of",
]


@dataclass(frozen=True)
class TitleRule:
    """A table is ``kind`` when its title holds one word of each group of ``all_of`` and none
    of ``none_of``."""

    kind: BudgetTable
    all_of: tuple[tuple[str, ...], ...]
    none_of: tuple[str, ...] = ()

    def matches(self, title: str) -> bool:
        return all(any(word in title for word in group) for group in self.all_of) and not any(
            word in title for word in self.none_of
        )


# Tables a disclosure prints that the hub does not model as one of its BudgetTables.
_OTHER = (
    "绩效",
    "政府采购",
    "购买服务",
    "项目支出情况",
    "项目支出预算表",
    "项目支出及其他",
    "机关运行经费支出",
    "会议费",
    "培训费",
    "资产",
    "部门预算基本支出",
)
_BY_FUNCTION = ("功能",)
_BY_ECONOMIC = ("经济",)

# Checked in order: the first rule a title meets names its table.
TITLE_RULES: tuple[TitleRule, ...] = (
    TitleRule(BudgetTable.THREE_PUBLIC, (("三公",),), ("说明",)),
    TitleRule(BudgetTable.FISCAL_SUMMARY, (("财政拨款收支",), ("总表", "总体情况表"))),
    TitleRule(
        BudgetTable.INCOME_EXPENDITURE_SUMMARY,
        (("收支",), ("总表", "总体情况表")),
        ("财政拨款", "政府性基金", "国有资本"),
    ),
    TitleRule(
        BudgetTable.GENERAL_BASIC_ECONOMIC,
        (("一般公共预算",), ("基本支出",)),
        (*_BY_FUNCTION, "机关运行", "项目"),
    ),
    TitleRule(
        BudgetTable.GENERAL_ECONOMIC,
        (("一般公共预算",), ("支出",), _BY_ECONOMIC),
        (*_BY_FUNCTION, "基本支出", "项目支出", "机关运行", "三公", "收入", "政府采购"),
    ),
    TitleRule(
        BudgetTable.GENERAL_FUNCTIONAL,
        (("一般公共预算",), ("支出",)),
        ("基本支出", *_BY_ECONOMIC, "项目支出", "机关运行", "三公", "收入", "政府采购"),
    ),
    TitleRule(BudgetTable.FUND_FUNCTIONAL, (("政府性基金",), ("支出",)), (*_BY_ECONOMIC, "收入")),
    TitleRule(
        BudgetTable.STATE_CAPITAL_FUNCTIONAL,
        (("国有资本经营",), ("支出",)),
        (*_BY_ECONOMIC, "收入"),
    ),
    TitleRule(
        BudgetTable.FISCAL_BASIC_ECONOMIC,
        (("财政拨款",), ("基本支出",)),
        (*_BY_FUNCTION, "收支", "收入", "三公", "机关运行"),
    ),
    TitleRule(
        BudgetTable.FISCAL_FUNCTIONAL,
        (("财政拨款",), ("支出",)),
        ("收支", "收入", "基本支出", *_BY_ECONOMIC, "三公", "项目支出", "机关运行", "行政经费"),
    ),
    TitleRule(
        BudgetTable.INCOME_SUMMARY,
        (("收入",), ("总表", "总体情况表", "收入预算表", "收入表")),
        ("支出",),
    ),
    TitleRule(
        BudgetTable.EXPENDITURE_SUMMARY,
        (("支出",), ("支出总表", "支出预算总表", "支出总体情况表", "支出预算表")),
        (
            "财政拨款",
            "一般公共预算",
            "政府性基金",
            "国有资本",
            "基本支出",
            "项目支出",
            *_BY_ECONOMIC,
        ),
    ),
)

# A label before a title (表1：, 公开01表, 预算05表, 公开表一, 一、), a year, a scope.
_LABEL = re.compile(
    r"^(?:表\s*[0-9一二三四五六七八九十]+[:：、.]?|(?:公开|预算)\s*(?:表\s*)?[0-9一二三四五六七八九十]+\s*表?"
    r"|[一二三四五六七八九十]+[、.]|\d+[、.．])"
)
_TRAILING_LABEL = re.compile(r"[(（](?:预算|公开)?表\s*\d+[)）]$")


def looks_like_title(folded: str) -> bool:
    """Whether folded text reads as a table's title: short, ending in 表 or a note on it."""
    if not 3 <= len(folded) <= 60 or "表" not in folded:
        return False
    if folded.startswith(("注", "说明")) or "。" in folded or "说明" in folded:
        return False
    if "单位:" in folded or "单位：" in folded or folded.endswith(("：", ":")):
        return False
    if len(_core(folded)) < 3:  # a label alone (公开07表, 表一) names no table
        return False
    body = _TRAILING_LABEL.sub("", folded)
    tail = body[body.rindex("表") + 1 :] if "表" in body else body
    # 表 closes the title; what may follow is a parenthesised note (（按功能分类科目）).
    return not tail or (tail[0] in "（(" and len(tail) <= 14)


def _core(folded: str) -> str:
    return _LABEL.sub("", folded)


def table_of(folded: str) -> BudgetTable | None:
    """The standard table a (folded) title names, or None."""
    if not looks_like_title(folded) or is_final_account(folded):
        return None
    core = _core(folded)
    if any(word in core for word in _OTHER) and "三公" not in core:
        return None
    return next((rule.kind for rule in TITLE_RULES if rule.matches(core)), None)


def other_table(folded: str) -> bool:
    """A title of a table the hub does not model (项目绩效目标表, 政府采购预算表, …)."""
    return looks_like_title(folded) and table_of(folded) is None


def targets_of(folded: str) -> TargetKind | None:
    """Whose targets a (folded) title sets: projects' (项目支出绩效目标表, 项目绩效目标表,
    部门专项业务经费绩效目标表, 236中央高校…项目绩效目标表, 项目支出绩效表) or the department's
    as a whole (部门整体支出绩效目标表); None for another title."""
    if not looks_like_title(folded) or is_final_account(folded):
        return None
    if "绩效目标" not in folded and not folded.endswith("项目支出绩效表"):
        return None
    if any(word in folded for word in _NOT_TARGETS):
        return None
    return TargetKind.OVERALL if "整体" in folded else TargetKind.PROJECT


_NOT_TARGETS = ("情况表", "评价")

# The columns of a performance-target table, by the words of their headers, the more specific
# first: a role of hub.parse.pdf_performance, or None for a column printed beside them (分值,
# 评（扣）分标准, 指标值内容, 备注, 单位编码).
TARGET_COLUMNS: tuple[tuple[re.Pattern[str], str | None], ...] = (
    (re.compile(r"一级指标"), "level1"),
    (re.compile(r"二级指标"), "level2"),
    (re.compile(r"三级指标|指标名称|^绩效指标$"), "name"),
    (re.compile(r"性质|指标值类型|指标类型"), "comparator"),
    (re.compile(r"度量单位|计量单位|^单位$"), "unit"),
    (re.compile(r"(?:指标|目标)值$"), "value"),
    (re.compile(r"项目\)?名称"), "project"),
    # whose overall targets (部门整体支出绩效目标表); beside 项目名称, a project's unit
    (re.compile(r"^单位名称$|^部门\(单位\)名称$|^部门名称$"), "holder"),
    (re.compile(r"^(?:项目|资金)总额|^项目金额|^金额"), "amount"),
    (re.compile(r"^(?:年度)?(?:绩效)?目标$|^年度绩效目标|^项目绩效目标|^整体绩效目标$"), "target"),
)


def target_role(folded: str) -> str | None:
    """The role of a performance-target column from its (folded) header text, or None."""
    return next((role for pattern, role in TARGET_COLUMNS if pattern.search(folded)), None)


def is_final_account(folded: str) -> bool:
    """决算: a final account's title (收入支出决算总表), not a budget's."""
    return "决算" in folded


# Amount columns: the words of a header cell, from the most specific. A column's measure is
# that of its lowest header cell that names one, read with the group above it where needed.
COLUMN_TERMS: tuple[tuple[str, Measure], ...] = (
    ("项目支出不可预见费", Measure.CONTINGENCY),
    ("事业单位经营支出", Measure.BUSINESS),
    ("经营支出", Measure.BUSINESS),
    ("对附属单位补助", Measure.SUBSIDIARY),
    ("上缴上级", Measure.REMIT),
    ("经常性项目", Measure.PROJECT_REGULAR),
    ("当年一次性项目", Measure.PROJECT_ONE_OFF),
    ("跨年一次性项目", Measure.PROJECT_MULTI_YEAR),
    ("人员经费", Measure.PERSONNEL),
    ("人员支出", Measure.PERSONNEL),
    ("人员类", Measure.PERSONNEL),
    ("工资福利", Measure.PERSONNEL),
    ("公用经费", Measure.OPERATING),
    ("公用支出", Measure.OPERATING),
    ("公用类", Measure.OPERATING),
    ("基本支出", Measure.BASIC),
    ("基本保障支出", Measure.BASIC),
    ("项目支出", Measure.PROJECT),
    ("专项业务经费", Measure.PROJECT),
    ("财政拨款收入", Measure.FISCAL_GRANT),
    ("事业单位经营收入", Measure.INSTITUTION_BUSINESS_INCOME),
    ("事业收入", Measure.INSTITUTION_INCOME),
    ("财政拨款", Measure.FISCAL_GRANT),
    ("其他收入", Measure.OTHER_INCOME),
    ("国有资本经营预算", Measure.STATE_CAPITAL),
    ("政府性基金", Measure.GOVERNMENT_FUND),
    ("一般公共预算", Measure.GENERAL_BUDGET),
)
_GROUPS = {Measure.BASIC, Measure.PROJECT, Measure.PERSONNEL, Measure.OPERATING}
_TOTAL_TERMS = ("合计", "总计", "小计", "金额", "预算数", "预算")
_YEAR_PREFIX = re.compile(r"^(?:20\d\d年度?|本年度?|当年)")

COMPARISON = re.compile(r"上年|执行数|增减|比上年|变动|同比|%|较上年")
"""A header of a column that compares years (上年预算 / 2025年执行数 / 增减额 / 增减%)."""
_YEAR = re.compile(r"(20\d\d)年")


def is_comparison(path: tuple[str, ...], year: int | None) -> bool:
    """Whether a column's header path belongs to another year or a change between years."""
    joined = "/".join(path)
    if COMPARISON.search(joined):
        return True
    years = {int(y) for y in _YEAR.findall(joined)}
    return bool(year and years and year not in years)


_IGNORED = ("政府采购", "中小企业", "绩效目标", "扣除")


def ignored_column(path: tuple[str, ...]) -> bool:
    """A column printed beside the figures the hub reads, not one of them (政府采购 …)."""
    return any(word in cell for cell in path for word in _IGNORED)


def column_measure(path: tuple[str, ...]) -> Measure | None:
    """The measure of an amount column from its header path (top down), or None if no word of
    the vocabulary names it. A subtotal (小计/合计) under a group is the group's measure."""
    for depth in range(len(path) - 1, -1, -1):
        cell = path[depth]
        for term, measure in COLUMN_TERMS:
            if term in cell:
                return measure
        if _YEAR_PREFIX.sub("", cell).endswith(_TOTAL_TERMS):
            # 小计 under 基本支出 is 基本支出; any other 合计 is the row's total.
            above = column_measure(path[:depth]) if depth else None
            return above if above in _GROUPS else Measure.TOTAL
    return None
