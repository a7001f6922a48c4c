"""The nine-table PDF layout, over PDFs the tests write themselves (see sample_pdf.py)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from hub.catalog import Catalog
from hub.check import check_document
from hub.domain import BudgetTable, LineKind, Measure, Severity, Side, SourceFormat
from hub.domain import ThreePublicItem as TP
from hub.money import AmountUnit
from hub.parse.errors import ParseError
from hub.parse.model import Document, Table, UnreadTable
from hub.parse.reader import read_document
from tests.parse.pdfs import FONT
from tests.parse.sample_pdf import DEPARTMENT, write_sample

M = Measure
YUAN = 100  # fen


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Document:
    return read_document(write_sample(tmp_path_factory.mktemp("pdf")))


def rows(table: Table) -> list[tuple[str | None, str | None, str, dict[str, int | None]]]:
    return [
        (r.code, r.printed_code, r.printed_name, {m.value: v for m, v in r.amounts.items()})
        for r in table.rows
    ]


def test_identity_comes_from_the_cover_and_the_units_from_the_prose(sample: Document) -> None:
    identity = sample.identity
    assert sample.source.format is SourceFormat.PDF
    assert sample.title == "上海市普陀区2024年区级部门预算"
    assert (identity.fiscal_year, identity.department_code) == (2024, None)
    assert identity.department_name == DEPARTMENT
    assert (identity.region_name, identity.region_code) == ("上海市普陀区", "310107")
    assert [u.name for u in identity.units] == [f"{DEPARTMENT}（本部）", "上海市普陀区测试中心"]
    assert sample.administrative_only is False  # 事业单位1家


def test_a_table_continued_without_its_header_is_one_table_read_by_position(
    sample: Document,
) -> None:
    table = sample.tables[BudgetTable.GENERAL_FUNCTIONAL]
    assert (table.unit, table.quantum, table.measures) == (
        AmountUnit.YUAN,
        YUAN,
        (M.TOTAL, M.BASIC, M.PROJECT),
    )
    t, b, p = "total", "basic", "project"
    assert rows(table) == [
        ("201", None, "一般公共服务支出", {t: 1_200_000 * YUAN, b: 200_000 * YUAN, p: 1_000_000 * YUAN}),
        ("20105", "201 05", "统计信息事务", {t: 1_000_000 * YUAN, b: None, p: 1_000_000 * YUAN}),
        ("2010507", "201 05 07", "专项普查活动", {t: 1_000_000 * YUAN, b: None, p: 1_000_000 * YUAN}),
        ("20106", "201 06", "财政事务", {t: 200_000 * YUAN, b: 200_000 * YUAN, p: None}),
        ("2010601", "201 06 01", "行政运行", {t: 200_000 * YUAN, b: 200_000 * YUAN, p: None}),
        ("210", None, "卫生健康支出", {t: 300_000 * YUAN, b: 300_000 * YUAN, p: None}),
        # wrapped over two lines in its cell, still one name on its own row
        ("21011", "210 11", "行政事业单位医疗", {t: 300_000 * YUAN, b: 300_000 * YUAN, p: None}),
        ("2101101", "210 11 01", "行政单位医疗", {t: 300_000 * YUAN, b: 300_000 * YUAN, p: None}),
        (None, None, "合计", {t: 1_500_000 * YUAN, b: 500_000 * YUAN, p: 1_000_000 * YUAN}),
    ]  # fmt: skip
    assert [r.line for r in table.rows] == [9] * 5 + [10] * 4  # two pages
    assert table.rows[-1].kind is LineKind.TOTAL


def test_units_are_read_per_table(sample: Document) -> None:
    income = sample.tables[BudgetTable.INCOME_SUMMARY]  # 万元, header repeated on page two
    assert (income.unit, income.quantum) == (AmountUnit.WAN_YUAN, 10_000)
    assert income.measures == (
        M.TOTAL,
        M.FISCAL_GRANT,
        M.INSTITUTION_INCOME,
        M.INSTITUTION_BUSINESS_INCOME,  # headed 事业单位 / 经营收入 over two lines
        M.OTHER_INCOME,
    )
    assert [(r.code, r.amount(M.TOTAL), r.amount(M.FISCAL_GRANT)) for r in income.rows] == [
        ("201", 120_00_0000, 120_00_0000),
        ("210", 30_00_0000, 30_00_0000),
        (None, 150_00_0000, 150_00_0000),
    ]
    assert sample.three_public is not None
    assert sample.three_public.unit is AmountUnit.WAN_YUAN


def test_economic_codes_unpadded_and_outside_the_catalog(sample: Document) -> None:
    table = sample.tables[BudgetTable.GENERAL_BASIC_ECONOMIC]
    assert [(r.code, r.printed_code, r.matched_by_name, r.printed_name) for r in table.rows] == [
        ("301", None, False, "工资福利支出"),
        ("30101", "301 01", False, "基本工资"),
        ("30102", "301 2", False, "津贴补贴"),
        ("302", None, False, "商品和服务支出"),
        ("30201", "01", False, "办公费"),  # a 款 printing only its own segment, under 302
        (None, None, False, "合计"),
    ]
    assert [r.amount(M.OPERATING) for r in table.rows] == [
        0,
        0,
        0,
        100_000 * YUAN,
        100_000 * YUAN,
        100_000 * YUAN,
    ]


def test_summary_table_sides_and_an_old_class_name(sample: Document) -> None:
    table = sample.tables[BudgetTable.INCOME_EXPENDITURE_SUMMARY]
    assert [(r.side, r.kind, r.item, r.code, r.amount(M.TOTAL)) for r in table.rows] == [
        (Side.INCOME, LineKind.ITEM, "fiscal_grant", None, 1_500_000 * YUAN),
        (Side.EXPENDITURE, LineKind.SUBJECT, None, "201", 1_200_000 * YUAN),
        (Side.INCOME, LineKind.ITEM, "general_public_budget", None, 1_500_000 * YUAN),
        # 医疗卫生与计划生育支出 is 210's name before 2019
        (Side.EXPENDITURE, LineKind.SUBJECT, None, "210", 300_000 * YUAN),
        (Side.INCOME, LineKind.ITEM, "institution_income", None, None),
        (Side.INCOME, LineKind.ITEM, "grand_total", None, 1_500_000 * YUAN),
        (Side.EXPENDITURE, LineKind.ITEM, "grand_total", None, 1_500_000 * YUAN),
    ]


def test_three_public_and_office_operation(sample: Document) -> None:
    table = sample.three_public
    assert table is not None
    assert table.declared_empty
    assert {r.item: r.amount for r in table.rows} == {
        TP.TOTAL: 1_500_000,
        TP.OVERSEAS: 0,
        TP.RECEPTION: 1_500_000,
        TP.VEHICLES: None,
        TP.VEHICLE_PURCHASE: None,
        TP.VEHICLE_OPERATION: None,
        TP.OFFICE_OPERATION: 9_000_000,
    }


def test_prose_glossary_and_claims_without_page_numbers(sample: Document) -> None:
    assert [(g.term, g.line) for g in sample.glossary] == [("财政拨款收入", 4), ("事业收入", 4)]
    assert [(c.names, c.amount, c.line) for c in sample.claims] == [
        (("一般公共服务支出", "统计信息事务", "专项普查活动"), 1_000_000 * YUAN, 5),
        (("卫生健康支出", "行政事业单位医疗", "行政单位医疗"), 30_000 * YUAN, 5),
    ]
    texts = [s.text for s in sample.sections]
    assert not any(t.strip("- ").isdigit() for t in texts)  # footers are not prose
    assert not any("- " in r.printed_name for t in sample.tables.values() for r in t.rows)
    assert sample.listed_tables[:3] == [
        BudgetTable.INCOME_EXPENDITURE_SUMMARY,
        BudgetTable.INCOME_SUMMARY,
        BudgetTable.EXPENDITURE_SUMMARY,
    ]


def test_findings_of_the_layout(sample: Document) -> None:
    found = {(f.rule, f.severity, f.code) for f in check_document(sample, Catalog.shipped())}
    assert found == {
        ("table.missing", Severity.WARNING, None),  # 支出预算总表 listed, not printed
        ("table.declared_empty", Severity.WARNING, None),
        ("narrative.amount", Severity.ERROR, "2101101"),  # 3.00 万元 against 30.00
        ("t7_t6.office_operation", Severity.INFO, None),  # one unit is a 事业单位
    }


def test_a_one_yuan_difference_is_found(tmp_path: Path) -> None:
    document = read_document(write_sample(tmp_path, class_201_total="1,200,001"))
    found = [
        f
        for f in check_document(document, Catalog.shipped())
        if f.code == "201" and f.table is BudgetTable.GENERAL_FUNCTIONAL
    ]
    assert {(f.rule, f.column, f.difference) for f in found} == {
        ("subtotal", "total", 100),  # one 元 is 100 fen
        ("columns", "total", 100),
    }
    assert all(f.severity is Severity.ROUNDING for f in found)


def _pdf(path: Path, text: str | None) -> Path:
    canvas = Canvas(str(path), pagesize=A4)
    if text:
        canvas.setFont(FONT, 12)
        canvas.drawString(72, 720, text)
    else:
        canvas.rect(72, 600, 200, 100)
    canvas.showPage()
    canvas.save()
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("上海市普陀区2024年区级部门预算", "not a budget disclosure the reader knows"),
        (None, "the PDF has no text layer"),
    ],
)
def test_an_unknown_pdf_is_refused_by_name(tmp_path: Path, text: str | None, message: str) -> None:
    path = _pdf(tmp_path / "other.pdf", text)
    with pytest.raises(ParseError) as raised:
        read_document(path)
    assert str(raised.value).startswith(f"other.pdf: {message}")


def test_a_table_without_a_unit_names_the_page(tmp_path: Path) -> None:
    from tests.parse.pdfs import write_pdf
    from tests.parse.sample_pdf import sample_document

    document = sample_document()
    document.tables[0].unit = "（未注明）"
    read = read_document(write_pdf(tmp_path / "nounit.pdf", document))
    assert BudgetTable.INCOME_EXPENDITURE_SUMMARY not in read.tables
    [unread] = [u for u in read.unread_tables if u.failed]
    assert (unread.page, unread.title, unread.reason) == (
        6,
        "2024年部门财务收支预算总表",
        "page 6: 2024年部门财务收支预算总表: no unit line (单位：元 or 单位：万元) above the table",
    )
    [finding] = [f for f in check_document(read, Catalog.shipped()) if f.rule == "table.unread"]
    assert (finding.severity, finding.line) == (Severity.ERROR, 6)


def test_a_code_neither_in_the_catalog_nor_named_there_is_kept_as_printed(
    tmp_path: Path,
) -> None:
    from tests.parse.pdfs import write_pdf
    from tests.parse.sample_pdf import sample_document

    document = sample_document()
    economic = document.tables[3]
    economic.fragments[0].insert(5, ["98", "", "街道自定科目", "0", "0", "0"])
    read = read_document(write_pdf(tmp_path / "unmatched.pdf", document))
    [row] = [
        r for r in read.tables[BudgetTable.GENERAL_BASIC_ECONOMIC].rows if r.printed_code == "98"
    ]
    # A 款 printing only its segment under 302: 30298, which the catalog lacks, and says so.
    assert (row.kind, row.code, row.printed_name) == (LineKind.SUBJECT, "30298", "街道自定科目")
    [finding] = [
        f for f in check_document(read, Catalog.shipped()) if f.rule == "catalog.unknown_code"
    ]
    assert (finding.severity, finding.code, finding.line) == (Severity.WARNING, "30298", 11)


def test_a_title_at_the_foot_of_a_page_belongs_to_the_grid_overleaf(tmp_path: Path) -> None:
    from tests.parse.pdfs import write_pdf
    from tests.parse.sample_pdf import sample_document

    document = sample_document()
    document.tables[3].title_alone = True  # the economic table
    read = read_document(write_pdf(tmp_path / "overleaf.pdf", document))
    economic = read.tables[BudgetTable.GENERAL_BASIC_ECONOMIC]
    assert (economic.line, [r.line for r in economic.rows]) == (11, [12] * 6)
    assert economic.rows[-1].amount(M.TOTAL) == 500_000 * YUAN
    assert not any("经济分类" in s.text for s in read.sections)


amounts = st.one_of(
    st.none(),
    st.integers(min_value=0, max_value=10**11).map(lambda fen: Decimal(fen).scaleb(-2)),
    st.integers(min_value=0, max_value=10**9).map(Decimal),
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cells=st.lists(st.tuples(amounts, amounts, amounts), min_size=9, max_size=9))
def test_any_amounts_read_back_exactly_wherever_the_blanks_are(
    tmp_path: Path, cells: list[tuple[Decimal | None, Decimal | None, Decimal | None]]
) -> None:
    from tests.parse.pdfs import write_pdf
    from tests.parse.sample_pdf import sample_document

    def printed(value: Decimal | None) -> str:
        return "" if value is None else f"{value:,}"

    document = sample_document()
    functional = document.tables[2]
    rows = [row for fragment in functional.fragments for row in fragment]
    for row, values in zip(rows, cells, strict=True):
        row[4:7] = [printed(v) for v in values]
    read = read_document(write_pdf(tmp_path / "amounts.pdf", document))
    table = read.tables[BudgetTable.GENERAL_FUNCTIONAL]
    assert [[r.amount(m) for m in (M.TOTAL, M.BASIC, M.PROJECT)] for r in table.rows] == [
        [None if v is None else int(v * 100) for v in values] for values in cells
    ]


def test_a_well_formed_code_the_catalog_lacks_is_not_recoded_by_a_cousins_name(
    tmp_path: Path,
) -> None:
    from tests.parse.pdfs import wrapped, write_pdf
    from tests.parse.sample_pdf import sample_document

    document = sample_document()
    # 一般行政管理事务 is the name of many 项 (2010602, 2013802, …); none under 20199
    document.tables[2].fragments[0].append(
        ["201", "99", "02", wrapped("一般行政管理事务"), "0", "0", "0"]
    )
    read = read_document(write_pdf(tmp_path / "cousin.pdf", document))
    [row] = [
        r for r in read.tables[BudgetTable.GENERAL_FUNCTIONAL].rows if r.printed_code == "201 99 02"
    ]
    assert (row.code, row.matched_by_name) == ("2019902", False)
    unknown = [
        f.code for f in check_document(read, Catalog.shipped()) if f.rule == "catalog.unknown_code"
    ]
    assert unknown == ["2019902"]


def test_a_three_public_table_of_two_unlabelled_rows_is_unread_not_guessed(
    tmp_path: Path,
) -> None:
    from tests.parse.pdfs import write_pdf
    from tests.parse.sample_pdf import sample_document

    document = sample_document()
    document.tables[4].fragments[0].append(["1.00", "0", "1.00", "", "", "", "5.00"])
    read = read_document(write_pdf(tmp_path / "byunit.pdf", document))
    assert read.three_public is None
    [unread] = [u for u in read.unread_tables if u.failed]
    assert unread.reason.startswith(
        "page 12: 部门“三公”经费和机关运行经费预算表: 2 rows of figures and none is the "
        "department's total (合计)"
    )


def test_a_table_the_layout_does_not_read_is_left_whole_and_said(tmp_path: Path) -> None:
    from tests.parse.pdfs import PdfTable, write_pdf
    from tests.parse.sample_pdf import sample_document

    document = sample_document()
    header: list[list[str | Any]] = [["采购项目", "采购品目", "数量", "金额"]]
    document.tables.append(
        PdfTable(
            title="2024年部门政府采购预算表",
            unit="万元",
            header=header,
            spans=[],
            widths=[120.0, 120, 200, 100],
            fragments=[
                [["普查设备", "计算机", "20", "12.00"]],
                [["普查服务", "印刷服务", "1", "3.50"]],
            ],
        )
    )
    read = read_document(write_pdf(tmp_path / "more.pdf", document))
    assert read.unread_tables == [
        UnreadTable(13, "2024年部门政府采购预算表", "a table the hub has no model for")
    ]
    assert read.three_public is not None
    assert len(read.three_public.rows) == 7
    [finding] = [f for f in check_document(read, Catalog.shipped()) if f.rule == "table.unread"]
    assert (finding.severity, finding.line) == (Severity.INFO, 13)
