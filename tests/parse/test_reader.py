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
        force=True,  # 2024 contradicts the title's 2023
    )
    identity = parse_document(source("\n".join(LINES)), overrides).identity
    assert (
        identity.fiscal_year,
        identity.region_code,
        identity.department_name,
        identity.scope,
    ) == (2024, "421200", "咸宁市经济和信息化局（更正）", Scope.UNIT)
    assert parse_document(source("\n".join(LINES))).identity.scope is Scope.DEPARTMENT


def test_a_year_that_contradicts_the_title_is_refused_unless_forced() -> None:
    text = "\n".join(LINES)
    with pytest.raises(ParseError) as raised:
        parse_document(source(text), Overrides(fiscal_year=2030))
    assert str(raised.value) == (
        "seed.txt:1: the title states 2023 ('咸宁市经信局 2023 年部门预算公开'), --year 2030 "
        "contradicts it: pass --force to read it as 2030"
    )
    forced = parse_document(source(text), Overrides(fiscal_year=2030, force=True))
    assert forced.identity.fiscal_year == 2030
    # The year the title states, given again, contradicts nothing.
    assert parse_document(source(text), Overrides(fiscal_year=2023)).identity.fiscal_year == 2023


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("4212", "is not an administrative division code (expected six digits, such as 421200)"),
        ("42120a", "is not an administrative division code (expected six digits, such as 421200)"),
        ("991200", "is not an administrative division code (no province's code begins with 99)"),
        ("201200", "is not an administrative division code (no province's code begins with 20)"),
        (
            "425500",
            "is not an administrative division code (no prefecture is numbered 55, only 01–54 "
            "and 90)",
        ),
        (
            "420012",
            "is not an administrative division code (a county's code names its prefecture: "
            "digits 3–4 are not 00)",
        ),
        (
            "810100",
            "is not an administrative division code (香港特别行政区 has the one code 810000)",
        ),
        ("310107", "contradicts 咸宁市's code, 421200"),
    ],
)
def test_a_region_code_that_is_none_or_another_regions_is_refused_unless_forced(
    code: str, reason: str
) -> None:
    text = "\n".join(LINES)
    with pytest.raises(ParseError) as raised:
        parse_document(source(text), Overrides(region_code=code))
    assert str(raised.value) == (
        f"seed.txt:1: --region-code {code} {reason}: pass --force to take it as 咸宁市's code"
    )
    forced = parse_document(source(text), Overrides(region_code=code, force=True))
    assert (forced.identity.region_name, forced.identity.region_code) == ("咸宁市", code)


def test_a_region_code_outside_the_province_the_region_names_is_refused() -> None:
    text = "\n".join(LINES)
    with pytest.raises(ParseError) as raised:
        parse_document(source(text), Overrides(region_name="上海市浦东新区", region_code="421200"))
    assert str(raised.value) == (
        "seed.txt:1: --region-code 421200 is not in 上海市 (codes 31xxxx), where 上海市浦东新区 "
        "lies: pass --force to take it as 上海市浦东新区's code"
    )
    identity = parse_document(
        source(text), Overrides(region_name="上海市浦东新区", region_code="310115")
    ).identity
    assert (identity.region_name, identity.region_code) == ("上海市浦东新区", "310115")


@pytest.mark.parametrize("code", ["421200", "421202", "429004", "110000", "110101", "810000"])
def test_a_real_region_code_that_contradicts_nothing_is_taken(code: str) -> None:
    overrides = Overrides(region_name="某市" if code != "421200" else None, region_code=code)
    identity = parse_document(source("\n".join(LINES)), overrides).identity
    assert identity.region_code == code


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
