"""Bad documents fail with the file, the line and what was expected; good variants read."""

import hashlib

import pytest

from hub.domain import BudgetTable, Measure, Scope, SourceFormat
from hub.parse import Overrides, ParseError, parse_document
from hub.parse.model import Source
from tests import seed

LINES = seed.SEED.read_text(encoding="utf-8").splitlines()


def source(text: str, name: str = "seed.txt") -> Source:
    return Source(name, hashlib.sha256(text.encode()).hexdigest(), SourceFormat.TEXT, text)


def replaced(old: str, new: str, *, line: int | None = None) -> str:
    lines = list(LINES)
    index = line - 1 if line else next(i for i, text in enumerate(lines) if old in text)
    assert old in lines[index]
    lines[index] = lines[index].replace(old, new)
    return "\n".join(lines) + "\n"


def line_of(text: str) -> int:
    return next(i for i, line in enumerate(LINES, start=1) if text in line)


@pytest.mark.parametrize("garbled", ["3814.5x", "—", "12..5"])
def test_a_garbled_amount_names_file_line_and_column(garbled: str) -> None:
    line = line_of("2150517\t产业发展")
    with pytest.raises(ParseError) as raised:
        parse_document(source(replaced("2798.00", garbled, line=line)))
    assert str(raised.value).startswith(f"seed.txt:{line}: 一般公共预算支出表")
    assert "column 合计: expected an amount such as 3814.52" in str(raised.value)


def test_thousands_separators_read_correctly() -> None:
    line = line_of("2150517\t产业发展")
    document = parse_document(source(replaced("2798.00", "2,798.00", line=line)))
    row = document.tables[BudgetTable.GENERAL_FUNCTIONAL].subjects()["2150517"]
    assert row.amounts[Measure.TOTAL] == seed.fen("2798.00")


def test_a_truncated_document_says_so() -> None:
    text = "\n".join(LINES[:186]) + "\n"
    with pytest.raises(
        ParseError, match=r"^seed\.txt:186: no functional table \(一般公共预算支出表 .*truncated"
    ):
        parse_document(source(text))


def test_a_document_cut_inside_a_header_names_the_line() -> None:
    header = 200  # the first of table 4's two header rows
    assert LINES[header - 1].startswith("收入")
    with pytest.raises(
        ParseError, match=rf"^seed\.txt:{header}: 财政拨款收支总表: expected a header"
    ):
        parse_document(source("\n".join(LINES[:header]) + "\n"))


def test_a_table_cut_off_mid_row_reads_what_is_there() -> None:
    cut = line_of("2150517\t产业发展")
    text = "\n".join([*LINES[: cut - 1], LINES[cut - 1][:12]]) + "\n"
    document = parse_document(source(text))
    table = document.tables[BudgetTable.GENERAL_FUNCTIONAL]
    assert table.rows[-1].code == "2150517"
    assert table.rows[-1].amounts[Measure.TOTAL] is None


def test_a_document_without_a_year_asks_for_one() -> None:
    text = replaced("# 咸宁市经信局 2023 年部门预算公开", "# 咸宁市经信局部门预算公开")
    with pytest.raises(ParseError, match=r"^seed\.txt:1: no fiscal year .*pass --year"):
        parse_document(source(text))
    assert parse_document(source(text), Overrides(fiscal_year=2023)).identity.fiscal_year == 2023


def test_overrides_replace_what_the_document_says() -> None:
    overrides = Overrides(
        fiscal_year=2024,
        region_name="咸宁市",
        region_code="421200",
        department_code="209",
        department_name="咸宁市经济和信息化局（更正）",
        scope=Scope.UNIT,
    )
    identity = parse_document(source("\n".join(LINES)), overrides).identity
    assert (
        identity.fiscal_year,
        identity.region_code,
        identity.department_name,
        identity.scope,
    ) == (2024, "421200", "咸宁市经济和信息化局（更正）", Scope.UNIT)
    assert parse_document(source("\n".join(LINES))).identity.scope is Scope.DEPARTMENT


def test_a_duplicated_row_is_refused() -> None:
    line = line_of("2150517\t产业发展")
    lines = [*LINES[:line], LINES[line - 1], *LINES[line:]]
    with pytest.raises(
        ParseError, match=rf":{line + 1}: .*code 2150517 appears twice \(first at line {line}\)"
    ):
        parse_document(source("\n".join(lines)))


def test_a_table_without_its_unit_line_is_refused() -> None:
    text = replaced("单位：万元", "", line=line_of("单位：万元"))
    with pytest.raises(ParseError, match=r"no unit line \(单位：万元 or 单位：元\)"):
        parse_document(source(text))


def test_an_unknown_column_is_named() -> None:
    text = replaced("上缴上 级支出", "其他奇怪支出", line=line_of("上缴上 级支出"))
    with pytest.raises(ParseError, match=r"unknown column header '其他奇怪支出'"):
        parse_document(source(text))


def test_text_of_another_layout_is_not_guessed_at() -> None:
    with pytest.raises(ParseError, match=r"^notes\.txt: unrecognised layout"):
        parse_document(source("部门预算说明\n今年预算总额为 100 万元。\n", "notes.txt"))
