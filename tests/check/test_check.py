"""Reconciliation over the seed, exactly, and over seeds with a figure changed."""

import hashlib

import pytest

from hub.catalog import Catalog
from hub.check import Finding, check_document
from hub.domain import SourceFormat
from hub.money import fen_to_wan
from hub.parse import parse_document
from hub.parse.model import Source
from tests import seed

TEXT = seed.SEED.read_text(encoding="utf-8")
CATALOG = Catalog.shipped()


def findings_of(text: str) -> list[Finding]:
    source = Source("seed.txt", hashlib.sha256(text.encode()).hexdigest(), SourceFormat.TEXT, text)
    return check_document(parse_document(source), CATALOG)


def row(finding: Finding) -> tuple[object, ...]:
    def wan(fen: int | None) -> str | None:
        return None if fen is None else str(fen_to_wan(fen))

    return (
        finding.rule,
        finding.severity.value,
        finding.table and finding.table.value,
        finding.code,
        finding.column,
        wan(finding.expected),
        wan(finding.actual),
    )


def test_the_seed_yields_exactly_its_known_findings() -> None:
    findings = findings_of(TEXT)
    assert [row(f) for f in findings] == seed.FINDINGS
    assert not [f for f in findings if f.severity.value == "ERROR"]


def test_findings_carry_difference_line_and_message() -> None:
    finding = next(f for f in findings_of(TEXT) if f.code == "210" and f.column == "total")
    assert finding.difference == -10_000  # -0.01 万元
    assert finding.line == 234
    assert finding.message == (
        "一般公共预算支出表（按功能科目到项级）: 210 卫生健康支出 states 67.17 万元 (total) "
        "where its 2 items sum to 67.18: a difference rounding explains"
    )


def changed(old_line_start: str, old: str, new: str) -> str:
    lines = TEXT.split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(old_line_start))
    assert old in lines[index]
    lines[index] = lines[index].replace(old, new, 1)
    return "\n".join(lines)


def errors(text: str) -> set[tuple[object, ...]]:
    return {row(f) for f in findings_of(text) if f.severity.value == "ERROR"}


def test_an_item_changed_by_one_yuan_ten_thousand_breaks_every_subtotal_above_it() -> None:
    found = errors(changed("2150517\t产业发展", "2798.00\t\t\t\t2798.00", "2799.00\t\t\t\t2798.00"))
    assert (
        "subtotal",
        "ERROR",
        "GENERAL_FUNCTIONAL",
        "21505",
        "total",
        "3508.74",
        "3507.74",
    ) in found
    assert (
        "subtotal",
        "ERROR",
        "GENERAL_FUNCTIONAL",
        "215",
        "total",
        "3508.74",
        "3507.74",
    ) in found
    assert ("subtotal", "ERROR", "GENERAL_FUNCTIONAL", None, "total", "3815.52", "3814.52") in found
    # The project column still adds up.
    assert not {f for f in found if f[4] == "project"}


def test_a_three_public_part_that_no_longer_adds_up() -> None:
    found = errors(changed("2. 公务接待费", "2.40", "0.50"))
    assert ("t7.total", "ERROR", "THREE_PUBLIC", None, "total", "3.50", "5.40") in found
    # 公务接待费 in table 7 may not be less than table 6's 30217 (0.60).
    assert ("t7_t6.reception", "ERROR", "THREE_PUBLIC", None, "total", "0.60", "0.50") in found


def test_cross_table_identities_break() -> None:
    found = errors(changed("一、一般公共预算拨款\t3814.52\t一、基本支出", "3814.52", "3800.00"))
    assert (
        "general_public_budget",
        "ERROR",
        "FISCAL_SUMMARY",
        None,
        "total",
        "3814.52",
        "3800.00",
    ) in found
    assert (
        "t4.balance",
        "ERROR",
        "FISCAL_SUMMARY",
        None,
        "total",
        "3814.52",
        "3814.52",
    ) not in found
    broken = findings_of(changed("<b>303</b>", "86.73", "84.73"))
    personnel = {row(f) for f in broken if f.severity.value in {"ERROR", "WARNING"}}
    # 人员经费 = 301 + 303 is the usual split, not every province's: worth a look, no error.
    assert (
        "t5_t6.personnel",
        "WARNING",
        "GENERAL_BASIC_ECONOMIC",
        "301+303",
        "total",
        "842.64",
        "840.64",
    ) in personnel
    assert (
        "subtotal",
        "ERROR",
        "GENERAL_BASIC_ECONOMIC",
        "303",
        "total",
        "86.73",
        "84.73",
    ) in personnel


def test_an_unbalanced_summary_table() -> None:
    found = errors(changed("收入总计：", "3814.52", "3914.52"))
    assert (
        "t1.balance",
        "ERROR",
        "INCOME_EXPENDITURE_SUMMARY",
        None,
        "total",
        "3914.52",
        "3814.52",
    ) in found


@pytest.mark.parametrize(("code", "new"), [("2210202", "2210299")])
def test_a_code_missing_from_the_catalog_is_a_finding(code: str, new: str) -> None:
    findings = findings_of(changed(f"{code}\t", code, new))
    unknown = [f for f in findings if f.rule == "catalog.unknown_code"]
    assert [(f.severity.value, f.code) for f in unknown] == [("WARNING", new)]


def test_a_printed_name_unlike_the_official_one_is_noted() -> None:
    findings = findings_of(changed("2150517\t产业发展", "产业发展", "产业扶持"))
    differs = [row(f)[:4] for f in findings if f.rule == "catalog.name_differs"]
    assert differs == [("catalog.name_differs", "INFO", "GENERAL_FUNCTIONAL", "2150517")]


def test_a_blank_subtotal_is_reported_as_blank_not_zero() -> None:
    finding = next(
        f
        for f in findings_of(changed("<b>21011</b>", "<b>67.17</b>", "<b></b>"))
        if f.code == "21011" and f.column == "total"
    )
    assert (finding.severity.value, finding.expected, finding.actual, finding.difference) == (
        "ERROR",
        67_180_000,
        None,
        None,
    )


def test_a_name_of_another_year_is_an_out_of_date_name_not_an_unknown_code() -> None:
    """210 卫生健康支出 was 医疗卫生与计划生育支出 until 2018; documents keep printing it."""
    text = changed("<b>210</b>", "<b>卫生健康支出</b>", "<b>医疗卫生与计划生育支出</b>")
    found = [f for f in findings_of(text) if f.code == "210" and f.rule.startswith("catalog.")]
    assert [(f.rule, f.severity.value, f.message) for f in found] == [
        (
            "catalog.old_name",
            "INFO",
            "一般公共预算支出表（按功能科目到项级）: 210 is printed as "
            "'医疗卫生与计划生育支出', its name until 2018; in 2023 it is '卫生健康支出'",
        )
    ]
