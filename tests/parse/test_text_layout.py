"""The seed read by the text-layout parser: every table, row and column as printed."""

from pathlib import Path

import pytest

from hub.domain import BudgetTable, LineKind, Measure, Side
from hub.money import AmountUnit
from hub.parse import Document, ParseError, read_document
from tests import seed


@pytest.fixture(scope="module")
def document() -> Document:
    return read_document(seed.SEED)


def test_identity_and_contents(document: Document) -> None:
    identity = document.identity
    assert document.title == "咸宁市经信局 2023 年部门预算公开"
    assert (identity.fiscal_year, identity.region_name) == (2023, "咸宁市")
    assert (identity.department_code, identity.department_name) == ("209", "咸宁市经济和信息化局")
    assert [(u.code, u.name) for u in identity.units] == [("209001", "咸宁市经济和信息化局本级")]
    assert document.listed_tables == list(BudgetTable)[:8]  # the contents lists all eight
    assert set(document.tables) == {
        BudgetTable.INCOME_EXPENDITURE_SUMMARY,
        BudgetTable.FISCAL_SUMMARY,
        BudgetTable.GENERAL_FUNCTIONAL,
        BudgetTable.GENERAL_BASIC_ECONOMIC,
        BudgetTable.FUND_FUNCTIONAL,
    }
    assert document.three_public is not None


def test_table_5_every_row_and_column(document: Document) -> None:
    table = document.tables[BudgetTable.GENERAL_FUNCTIONAL]
    assert (table.unit, table.quantum) == (AmountUnit.WAN_YUAN, 10_000)
    read = [
        (row.code or "", row.printed_name, *(row.amounts[Measure(c)] for c in seed.TABLE_5_COLUMNS))
        for row in table.rows
    ]
    expected = [(c, n, *map(seed.fen, amounts)) for c, n, *amounts in seed.TABLE_5]
    assert read == expected
    for row in table.rows:
        assert all(row.amounts[Measure(c)] is None for c in seed.TABLE_5_BLANK_COLUMNS)


def test_levels_come_from_codes_not_bold(document: Document) -> None:
    table = document.tables[BudgetTable.GENERAL_FUNCTIONAL]
    kinds = [(row.code, row.kind, row.level and row.level.value) for row in table.rows[:6]]
    assert kinds == [
        (None, LineKind.TOTAL, None),
        ("209", LineKind.DEPARTMENT, None),
        ("209001", LineKind.UNIT, None),
        ("208", LineKind.SUBJECT, "CLASS"),
        ("20805", LineKind.SUBJECT, "SECTION"),
        ("2080501", LineKind.SUBJECT, "ITEM"),
    ]
    # In table 6, 301 is printed plain and 303 bold; both are classes.
    economic = document.tables[BudgetTable.GENERAL_BASIC_ECONOMIC].subjects()
    assert economic["301"].level == economic["303"].level
    assert economic["301"].level is not None
    assert economic["301"].level.value == "CLASS"


def test_table_6_every_row(document: Document) -> None:
    table = document.tables[BudgetTable.GENERAL_BASIC_ECONOMIC]
    read = [(row.code or "", row.printed_name, row.amounts[Measure.TOTAL]) for row in table.rows]
    assert read == [(c, n, seed.fen(a)) for c, n, a in seed.TABLE_6]
    assert table.measures == (Measure.TOTAL,)


def _two_sided(rows: list) -> list[tuple[Side, str, int | None]]:  # type: ignore[type-arg]
    flat = []
    for income, expenditure in rows:
        for side, cell in ((Side.INCOME, income), (Side.EXPENDITURE, expenditure)):
            if cell is not None:
                flat.append((side, cell[0], seed.fen(cell[1])))
    return flat


@pytest.mark.parametrize(
    ("table", "rows"),
    [
        (BudgetTable.INCOME_EXPENDITURE_SUMMARY, seed.TABLE_1),
        (BudgetTable.FISCAL_SUMMARY, seed.TABLE_4),
    ],
)
def test_summary_tables_every_cell(document: Document, table: BudgetTable, rows: list) -> None:  # type: ignore[type-arg]
    read = [(r.side, r.printed_name, r.amounts[Measure.TOTAL]) for r in document.tables[table].rows]
    assert read == _two_sided(rows)


def test_summary_items_have_stable_keys(document: Document) -> None:
    t1 = document.tables[BudgetTable.INCOME_EXPENDITURE_SUMMARY]
    t4 = document.tables[BudgetTable.FISCAL_SUMMARY]
    assert t1.item(Side.INCOME, "general_public_budget").amount(Measure.TOTAL) == seed.fen(
        "3814.52"
    )  # type: ignore[union-attr]
    assert t4.item(Side.EXPENDITURE, "basic").printed_name == "一、基本支出"  # type: ignore[union-attr]
    assert t4.item(Side.EXPENDITURE, "personnel").printed_name == "人员支出"  # type: ignore[union-attr]
    assert t1.item(Side.EXPENDITURE, "grand_total").amount(Measure.TOTAL) == seed.fen("3814.52")  # type: ignore[union-attr]


def test_table_7(document: Document) -> None:
    assert document.three_public is not None
    read = [
        (r.item and r.item.value, r.printed_label, r.amount) for r in document.three_public.rows
    ]
    assert read == [(i, label, seed.fen(a)) for i, label, a in seed.TABLE_7]


def test_table_8(document: Document) -> None:
    table = document.tables[BudgetTable.FUND_FUNCTIONAL]
    assert [m.value for m in table.measures] == list(seed.TABLE_8_COLUMNS)
    assert [(r.code, r.printed_name) for r in table.rows] == seed.TABLE_8
    assert all(r.amounts[Measure(c)] == 0 for r in table.rows for c in seed.TABLE_8_COLUMNS)


def test_performance_projects_and_every_indicator(document: Document) -> None:
    assert len(document.projects) == len(seed.PROJECTS)
    for project, (name, amount, target, indicators) in zip(
        document.projects, seed.PROJECTS, strict=True
    ):
        assert (project.name, project.amount) == (name, seed.fen(amount))
        assert project.annual_target is not None
        assert project.annual_target.startswith(target)
        read = [
            (
                i.level1,
                i.level2,
                i.name,
                i.value_text,
                i.comparator and i.comparator.value,
                i.number,
                i.unit,
            )
            for i in project.indicators
        ]
        assert read == indicators


def test_narrative_sections(document: Document) -> None:
    by_heading = {tuple(s.heading_path): s for s in document.sections}
    running = by_heading[
        ("第四部分 2023 年部门预算编制情况及说明", "二、机关运行经费安排及增减变化情况说明")
    ]
    assert running.text.startswith("咸宁市经信局 2023 年机关运行经费预算 147.88 万元。")
    # A paragraph the PDF broke across a page is joined again.
    assert "减少 46.53 万元" in running.text
    duties = by_heading[("第一部分 主要职责及机构设置", "一、主要职责")]
    assert "(六)组织拟订县域经济发展规划和政策，指导县域培育发展特色产业和产业集群" in duties.text
    assert duties.text.count("\n") == 15  # sixteen duties
    bodies = by_heading[("第一部分 主要职责及机构设置", "二、机构设置")]
    assert "(一) 办公室" in bodies.text
    assert "(七) 市中小企业服务中心" in bodies.text
    targets = by_heading[("第二部分 2023 年主要工作任务",)]
    assert "新增规模以上工业企业 85 家" in targets.text
    # Inline TeX reads as the sign it stands for.
    assert any("≥10" in s.text and "$" not in s.text for s in document.sections)


def test_glossary(document: Document) -> None:
    terms = [g.term for g in document.glossary]
    assert len(terms) == 14
    assert terms[0] == "财政拨款收入"
    assert terms[-1] == "“三公”经费"
    regulation = document.glossary[9]
    assert regulation.term == "行业监管（工业信息化产业产业监管）支出"
    assert regulation.definition.endswith(
        "安全生产监督检查，开展调研、协调、督办；召开协调、督办、工作联席会议等工作经费。"
    )


def test_an_eight_digit_code_is_no_unit_and_refuses_the_file(tmp_path: Path) -> None:
    """21505170 (an item's code with a digit too many) was once read as a budget unit."""
    lines = seed.SEED.read_text(encoding="utf-8").split("\n")
    at = next(n for n, line in enumerate(lines, 1) if line.startswith("2150517\t"))
    lines[at - 1] = lines[at - 1].replace("2150517", "21505170", 1)
    path = tmp_path / "eight.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ParseError) as refused:
        read_document(path)
    assert str(refused.value) == (
        f"eight.txt:{at}: expected a code of 3, 5 or 7 digits (类, 款, 项) or a unit's of 6 "
        "(209001), found '21505170' (8 digits)"
    )


def test_a_unit_code_of_six_digits_is_a_unit(document: Document) -> None:
    units = [
        r.code
        for r in document.tables[BudgetTable.GENERAL_FUNCTIONAL].rows
        if r.kind is LineKind.UNIT
    ]
    assert units == ["209001"]
