"""The layout family: the same tables printed in every province's clothes (DOMAIN.md, "Layout
families"), each trap in a small PDF the test writes itself, each figure read asserted exactly.

Amounts are fen: 1 元 = 100 fen, 1 万元 = 1,000,000 fen, 1 千元 = 100,000 fen.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.domain import BudgetTable, LineKind, Measure, Side
from hub.domain import ThreePublicItem as TP
from hub.money import AmountUnit
from hub.parse.errors import ParseError
from hub.parse.model import Document, Table
from hub.parse.reader import read_document
from tests.parse.pdfs import (
    ECONOMIC_HEADER,
    ECONOMIC_SPANS,
    ECONOMIC_WIDTHS,
    SUMMARY_HEADER,
    SUMMARY_SPANS,
    SUMMARY_WIDTHS,
    THREE_PUBLIC_HEADER,
    THREE_PUBLIC_SPANS,
    THREE_PUBLIC_WIDTHS,
    Cells,
    PdfDocument,
    PdfTable,
    indented,
    write_pdf,
)

M = Measure
YEAR = 2026
DEPARTMENT = "上海市测试局"
COVER = f"{DEPARTMENT}{YEAR}年部门预算"
FUNCTIONAL_TITLE = f"{YEAR}年一般公共预算支出表"
TBP = (M.TOTAL, M.BASIC, M.PROJECT)

# The functional table's figures in 万元, whatever the clothes: (code, name, 合计, 基本, 项目).
FIGURES: list[tuple[str, str, str, str, str]] = [
    ("201", "一般公共服务支出", "1234.56", "1034.56", "200.00"),
    ("20105", "统计信息事务", "1234.56", "1034.56", "200.00"),
    ("2010501", "行政运行", "1034.56", "1034.56", ""),
    ("2010505", "专项统计业务", "200.00", "", "200.00"),
    ("215", "资源勘探工业信息等支出", "88.08", "", "88.08"),
    ("21505", "工业和信息产业监管", "88.08", "", "88.08"),
    ("2150517", "产业发展", "88.08", "", "88.08"),
]
TOTAL_ROW = ("合计", "1322.64", "1034.56", "288.08")

# The same, read: (code, printed code where it differs, name, [合计, 基本, 项目] in fen).
Read = tuple[str | None, str | None, str, list[int | None]]
READ: list[Read] = [
    ("201", None, "一般公共服务支出", [1_234_560_000, 1_034_560_000, 200_000_000]),
    ("20105", None, "统计信息事务", [1_234_560_000, 1_034_560_000, 200_000_000]),
    ("2010501", None, "行政运行", [1_034_560_000, 1_034_560_000, None]),
    ("2010505", None, "专项统计业务", [200_000_000, None, 200_000_000]),
    ("215", None, "资源勘探工业信息等支出", [88_080_000, None, 88_080_000]),
    ("21505", None, "工业和信息产业监管", [88_080_000, None, 88_080_000]),
    ("2150517", None, "产业发展", [88_080_000, None, 88_080_000]),
]
READ_TOTAL: Read = (None, None, "合计", [1_322_640_000, 1_034_560_000, 288_080_000])

CODE_HEADER: list[Cells] = [["科目编码", "科目名称", "合计", "基本支出", "项目支出"]]
CODE_WIDTHS = [80.0, 170, 90, 90, 90]


def coded_rows() -> list[Cells]:
    """FIGURES with the code in its own column, then 合计."""
    return [[code, name, t, b, p] for code, name, t, b, p in FIGURES] + [
        [TOTAL_ROW[0], "", *TOTAL_ROW[1:]]
    ]


def table(
    title: str = FUNCTIONAL_TITLE,
    *,
    header: list[Cells] | None = None,
    rows: list[Cells] | None = None,
    widths: list[float] | None = None,
    spans: list[tuple[tuple[int, int], tuple[int, int]]] | None = None,
    unit: str = "万元",
    caption: list[str] | None = None,
    fragments: list[list[Cells]] | None = None,
    **changes: object,
) -> PdfTable:
    """A ruled table, by default the functional table of FIGURES under a 科目编码 column."""
    made = PdfTable(
        title=title,
        unit=unit,
        header=CODE_HEADER if header is None else header,
        spans=spans or [],
        fragments=fragments or [coded_rows() if rows is None else rows],
        widths=widths or CODE_WIDTHS,
        caption=caption,
    )
    for name, value in changes.items():
        setattr(made, name, value)
    return made


def read(
    folder: Path,
    *tables: PdfTable,
    title: str = COVER,
    prose: list[tuple[str, list[str]]] | None = None,
) -> Document:
    """A disclosure of the given tables (and pages of prose: a heading, its paragraphs), read."""
    document = PdfDocument(
        title=title, department=DEPARTMENT, prose=prose or [], tables=list(tables)
    )
    return read_document(write_pdf(folder / "family.pdf", document))


def rows(table: Table, measures: tuple[Measure, ...] = TBP) -> list[Read]:
    return [
        (r.code, r.printed_code, r.printed_name, [r.amount(m) for m in measures])
        for r in table.rows
    ]


def functional(document: Document) -> Table:
    return document.tables[BudgetTable.GENERAL_FUNCTIONAL]


def assert_read_as_figures(document: Document, total_last: bool = True) -> Table:
    read_table = functional(document)
    assert read_table.measures == TBP
    assert (read_table.unit, read_table.quantum) == (AmountUnit.WAN_YUAN, 10_000)
    expected = [*READ, READ_TOTAL] if total_last else [READ_TOTAL, *READ]
    assert rows(read_table) == expected
    kinds = [r.kind for r in read_table.rows]
    assert kinds.count(LineKind.TOTAL) == 1
    assert kinds.count(LineKind.SUBJECT) == len(READ)
    return read_table


# --- 1. Titles ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "caption",
    [
        ["表5：2026年市级部门一般公共预算支出预算表", "单位：万元"],
        ["预算05表 一般公共预算支出表", "单位：万元"],
        ["一般公共预算支出情况表（按功能分类科目）", "单位：万元"],
        ["公开07表", "一般公共预算支出表", "单位：万元"],  # the label on the line above
    ],
    ids=["表5-prefix", "预算05表", "情况表-按功能分类", "label-above"],
)
def test_the_functional_table_is_found_under_each_title(tmp_path: Path, caption: list[str]) -> None:
    document = read(tmp_path, table(caption=caption))
    read_table = assert_read_as_figures(document)
    assert read_table.title == caption[-2]
    assert [u.title for u in document.unread_tables if u.failed] == []


def test_a_label_on_the_line_above_the_title_is_no_table_of_its_own(tmp_path: Path) -> None:
    caption = ["公开07表", "一般公共预算支出表", "单位：万元"]
    document = read(tmp_path, table(caption=caption))
    assert functional(document).title == "一般公共预算支出表"
    assert document.unread_tables == []


SUMMARY_ROWS: list[Cells] = [
    ["一、一般公共预算拨款", "1322.64", "一、一般公共服务支出", "1234.56"],
    ["二、事业收入", "", "二、资源勘探工业信息等支出", "88.08"],
    ["收入总计", "1322.64", "支出总计", "1322.64"],
]


@pytest.mark.parametrize("title", ["收支总体情况表", "部门收支总表", "收支预算总表"])
def test_the_summary_is_found_under_each_title(tmp_path: Path, title: str) -> None:
    summary = table(
        f"{YEAR}年{title}",
        header=SUMMARY_HEADER,
        spans=SUMMARY_SPANS,
        widths=SUMMARY_WIDTHS,
        rows=SUMMARY_ROWS,
    )
    document = read(tmp_path, summary, table())
    read_table = document.tables[BudgetTable.INCOME_EXPENDITURE_SUMMARY]
    assert read_table.title == f"{YEAR}年{title}"
    assert [(r.side, r.item, r.code, r.amount(M.TOTAL)) for r in read_table.rows] == [
        (Side.INCOME, "general_public_budget", None, 1_322_640_000),
        (Side.EXPENDITURE, None, "201", 1_234_560_000),
        (Side.INCOME, "institution_income", None, None),
        (Side.EXPENDITURE, None, "215", 88_080_000),
        (Side.INCOME, "grand_total", None, 1_322_640_000),
        (Side.EXPENDITURE, "grand_total", None, 1_322_640_000),
    ]
    assert_read_as_figures(document)


def test_a_title_printed_inside_the_grid_is_found(tmp_path: Path) -> None:
    """Beijing and Jiangsu print the title, the unit and the department in the grid's first
    rows, nothing above it."""
    header: list[Cells] = [
        ["2026年一般公共预算支出表", "", "", "", ""],
        [f"编制单位：{DEPARTMENT}", "", "", "", "单位：万元"],
        *CODE_HEADER,
    ]
    spans = [((0, 0), (4, 0)), ((0, 1), (3, 1))]
    document = read(tmp_path, table(header=header, spans=spans, caption=[]))
    read_table = assert_read_as_figures(document)
    assert read_table.title == "2026年一般公共预算支出表"
    assert document.identity.department_name == DEPARTMENT


# --- 2. Columns --------------------------------------------------------------------------

GROUPED_SPANS = [((0, 0), (0, 1)), ((1, 0), (1, 1)), ((2, 0), (2, 1)), ((3, 0), (5, 0)),
                 ((6, 0), (6, 1))]  # fmt: skip
GROUPED_WIDTHS = [70.0, 150, 80, 80, 80, 80, 80]


@pytest.mark.parametrize(
    "words",
    [
        ("合计", "基本支出", "人员经费", "公用经费", "项目支出"),
        ("总计", "基本保障支出", "人员支出", "日常公用支出", "专项业务经费"),
        ("小计", "基本支出", "人员类", "日常公用经费", "项目支出"),
        ("金额", "基本保障支出", "人员经费", "公用经费", "专项业务经费"),
        ("预算数", "基本支出", "人员支出", "日常公用支出", "项目支出"),
    ],
    ids=lambda words: "-".join(words),
)
def test_columns_are_known_by_each_provinces_words(
    tmp_path: Path, words: tuple[str, str, str, str, str]
) -> None:
    total, basic, personnel, operating, project = words
    header: list[Cells] = [
        ["科目编码", "科目名称", total, basic, "", "", project],
        ["", "", "", "小计", personnel, operating, ""],
    ]
    data: list[Cells] = [
        ["2010501", "行政运行", "1034.56", "1034.56", "934.56", "100.00", ""],
        ["2010505", "专项统计业务", "200.00", "", "", "", "200.00"],
        ["合计", "", "1234.56", "1034.56", "934.56", "100.00", "200.00"],
    ]
    document = read(
        tmp_path, table(header=header, spans=GROUPED_SPANS, widths=GROUPED_WIDTHS, rows=data)
    )
    read_table = functional(document)
    measures = (M.TOTAL, M.BASIC, M.PERSONNEL, M.OPERATING, M.PROJECT)
    assert read_table.measures == measures
    t, b, pe, o, pr = 1_234_560_000, 1_034_560_000, 934_560_000, 100_000_000, 200_000_000
    assert rows(read_table, measures) == [
        ("2010501", None, "行政运行", [b, b, pe, o, None]),
        ("2010505", None, "专项统计业务", [pr, None, None, None, pr]),
        (None, None, "合计", [t, b, pe, o, pr]),
    ]


@pytest.mark.parametrize("other_year", ["2025年执行数", "2025年预算数"])
def test_only_the_budget_years_column_group_is_stored(tmp_path: Path, other_year: str) -> None:
    header: list[Cells] = [
        ["科目编码", "科目名称", other_year, "2026年预算数", "", "", "增减额", "增减%"],
        ["", "", "", "合计", "基本支出", "项目支出", "", ""],
    ]
    spans = [((0, 0), (0, 1)), ((1, 0), (1, 1)), ((2, 0), (2, 1)), ((3, 0), (5, 0)),
             ((6, 0), (6, 1)), ((7, 0), (7, 1))]  # fmt: skip
    data: list[Cells] = [
        ["2010501", "行政运行", "1000.00", "1034.56", "1034.56", "", "34.56", "3.46"],
        ["2010505", "专项统计业务", "250.00", "200.00", "", "200.00", "-50.00", "-20.00"],
        ["合计", "", "1250.00", "1234.56", "1034.56", "200.00", "-15.44", "-1.24"],
    ]
    widths = [70.0, 150, 80, 80, 80, 80, 70, 60]
    document = read(tmp_path, table(header=header, spans=spans, widths=widths, rows=data))
    read_table = functional(document)
    assert read_table.measures == TBP
    assert rows(read_table) == [
        ("2010501", None, "行政运行", [1_034_560_000, 1_034_560_000, None]),
        ("2010505", None, "专项统计业务", [200_000_000, None, 200_000_000]),
        (None, None, "合计", [1_234_560_000, 1_034_560_000, 200_000_000]),
    ]
    stored = {m for r in read_table.rows for m in r.amounts}
    assert stored == set(TBP)  # no 2025 figure, no 增减 stored under any measure


def test_an_unknown_column_leaves_a_non_core_table_unread_and_the_document_loads(
    tmp_path: Path,
) -> None:
    header: list[Cells] = [["科目编码", "科目名称", "合计", "人员经费", "公用经费", "其他资金"]]
    economic = table(
        f"{YEAR}年一般公共预算基本支出表",
        header=header,
        widths=[60.0, 150, 80, 80, 80, 80],
        rows=[
            ["301", "工资福利支出", "934.56", "934.56", "", "5.00"],
            ["302", "商品和服务支出", "100.00", "", "100.00", ""],
            ["合计", "", "1034.56", "934.56", "100.00", "5.00"],
        ],
    )
    document = read(tmp_path, table(), economic)
    assert BudgetTable.GENERAL_BASIC_ECONOMIC not in document.tables
    [unread] = document.unread_tables
    assert (unread.page, unread.title, unread.failed) == (
        3,
        f"{YEAR}年一般公共预算基本支出表",
        True,
    )
    assert unread.reason.startswith(
        f"page 3: {YEAR}年一般公共预算基本支出表: a column headed '其他资金' is not one the "
        "reader knows"
    )
    assert_read_as_figures(document)


# --- 3. Codes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spaced", "printed"),
    [
        pytest.param(False, [None] * 7, id="2150517"),
        pytest.param(
            True,
            [None, "201 05", "201 05 01", "201 05 05", None, "215 05", "215 05 17"],
            id="215 05 17",
        ),
    ],
)
def test_codes_whole_or_spaced(tmp_path: Path, spaced: bool, printed: list[str | None]) -> None:
    def code(text: str) -> str:
        return " ".join([text[:3], text[3:5], text[5:]]).strip() if spaced else text

    data = [[code(c), name, t, b, p] for c, name, t, b, p in FIGURES]
    data.append([TOTAL_ROW[0], "", *TOTAL_ROW[1:]])
    document = read(tmp_path, table(rows=data))
    read_table = functional(document)
    assert [r.printed_code for r in read_table.rows] == [*printed, None]
    assert [(c, n, a) for c, _, n, a in rows(read_table)] == [
        (c, n, a) for c, _, n, a in [*READ, READ_TOTAL]
    ]


NAME_HEADER: list[Cells] = [["科目名称", "合计", "基本支出", "项目支出"]]
NAME_WIDTHS = [220.0, 90, 90, 90]


@pytest.mark.parametrize("form", ["[{code}]{name}", "{code}-{name}"])
def test_a_code_fused_with_its_name_in_a_name_column(tmp_path: Path, form: str) -> None:
    data: list[Cells] = [[form.format(code=c, name=n), t, b, p] for c, n, t, b, p in FIGURES]
    data.append(list(TOTAL_ROW))
    document = read(tmp_path, table(header=NAME_HEADER, widths=NAME_WIDTHS, rows=data))
    assert_read_as_figures(document)


THREE_COLUMN_HEADER: list[Cells] = [
    ["科目编码", "", "", "科目名称", "合计", "基本支出", "项目支出"],
    ["类", "款", "项", "", "", "", ""],
]
THREE_COLUMN_SPANS = [((0, 0), (2, 0)), ((3, 0), (3, 1)), ((4, 0), (4, 1)), ((5, 0), (5, 1)),
                      ((6, 0), (6, 1))]  # fmt: skip
THREE_COLUMN_WIDTHS = [36.0, 36, 36, 170, 90, 90, 90]


def test_class_section_item_in_three_columns_a_section_printing_only_its_segment(
    tmp_path: Path,
) -> None:
    """The 款 row prints only 05 under the 类 above; one 项 prints all three parts, another only
    its own (17)."""
    data: list[Cells] = [
        ["201", "", "", "一般公共服务支出", "1234.56", "1034.56", "200.00"],
        ["", "05", "", "统计信息事务", "1234.56", "1034.56", "200.00"],
        ["201", "05", "01", "行政运行", "1034.56", "1034.56", ""],
        ["201", "05", "05", "专项统计业务", "200.00", "", "200.00"],
        ["215", "", "", "资源勘探工业信息等支出", "88.08", "", "88.08"],
        ["", "05", "", "工业和信息产业监管", "88.08", "", "88.08"],
        ["", "", "17", "产业发展", "88.08", "", "88.08"],
        ["合计", "", "", "", "1322.64", "1034.56", "288.08"],
    ]
    document = read(
        tmp_path,
        table(
            header=THREE_COLUMN_HEADER,
            spans=THREE_COLUMN_SPANS,
            widths=THREE_COLUMN_WIDTHS,
            rows=data,
        ),
    )
    read_table = functional(document)
    assert [(r.code, r.printed_code, r.kind) for r in read_table.rows] == [
        ("201", None, LineKind.SUBJECT),
        ("20105", "05", LineKind.SUBJECT),
        ("2010501", "201 05 01", LineKind.SUBJECT),
        ("2010505", "201 05 05", LineKind.SUBJECT),
        ("215", None, LineKind.SUBJECT),
        ("21505", "05", LineKind.SUBJECT),
        ("2150517", "17", LineKind.SUBJECT),
        (None, None, LineKind.TOTAL),
    ]
    assert [(c, n, a) for c, _, n, a in rows(read_table)] == [
        (c, n, a) for c, _, n, a in [*READ, READ_TOTAL]
    ]


def test_a_serial_number_column_before_the_code(tmp_path: Path) -> None:
    header: list[Cells] = [["序号", *CODE_HEADER[0]]]
    data = [[str(n), *row] for n, row in enumerate(coded_rows()[:-1], start=1)]
    data.append(["", *coded_rows()[-1]])
    document = read(tmp_path, table(header=header, widths=[40.0, *CODE_WIDTHS], rows=data))
    assert_read_as_figures(document)


@pytest.mark.parametrize(
    "numbers",
    [["**", "**", "1", "2", "3"], ["栏次", "", "1", "2", "3"]],
    ids=["stars", "栏次"],
)
def test_a_row_numbering_the_columns_is_not_data(tmp_path: Path, numbers: list[str]) -> None:
    document = read(tmp_path, table(header=[*CODE_HEADER, numbers]))
    assert_read_as_figures(document)


def test_a_table_of_leaves_only(tmp_path: Path) -> None:
    data: list[Cells] = [
        ["2010501", "行政运行", "1034.56", "1034.56", ""],
        ["2010505", "专项统计业务", "200.00", "", "200.00"],
        ["2150517", "产业发展", "88.08", "", "88.08"],
        ["合计", "", "1322.64", "1034.56", "288.08"],
    ]
    read_table = functional(read(tmp_path, table(rows=data)))
    assert rows(read_table) == [READ[2], READ[3], READ[6], READ_TOTAL]
    assert [r.kind for r in read_table.rows] == [LineKind.SUBJECT] * 3 + [LineKind.TOTAL]


def test_a_table_of_names_only_resolves_them_under_the_rows_above(tmp_path: Path) -> None:
    """行政运行 is the name of many 项 (2010501, 2150501, …): the rows above decide."""
    data: list[Cells] = [[n, t, b, p] for _, n, t, b, p in FIGURES]
    data.insert(6, ["行政运行", "0.00", "0.00", ""])  # 2150501, under 21505 this time
    data.append(list(TOTAL_ROW))
    read_table = functional(
        read(tmp_path, table(header=NAME_HEADER, widths=NAME_WIDTHS, rows=data))
    )
    assert [(r.code, r.matched_by_name, r.printed_name) for r in read_table.rows] == [
        ("201", True, "一般公共服务支出"),
        ("20105", True, "统计信息事务"),
        ("2010501", True, "行政运行"),
        ("2010505", True, "专项统计业务"),
        ("215", True, "资源勘探工业信息等支出"),
        ("21505", True, "工业和信息产业监管"),
        ("2150501", True, "行政运行"),
        ("2150517", True, "产业发展"),
        (None, False, "合计"),
    ]
    assert [r.amount(M.TOTAL) for r in read_table.rows] == [
        1_234_560_000, 1_234_560_000, 1_034_560_000, 200_000_000,
        88_080_000, 88_080_000, 0, 88_080_000, 1_322_640_000,
    ]  # fmt: skip


# A 款 no catalog knows (名称未知事务), then 行政运行: the 行政运行 of that 款, not 2010501.
UNKNOWN_SECTION: list[tuple[int, str, str]] = [
    (0, "一般公共服务支出", "1334.56"),
    (1, "统计信息事务", "1234.56"),
    (2, "行政运行", "1234.56"),
    (1, "名称未知事务", "100.00"),
    (2, "行政运行", "100.00"),
    (0, "资源勘探工业信息等支出", "88.08"),
    (1, "工业和信息产业监管", "88.08"),
    (2, "产业发展", "88.08"),
]


def test_names_only_indented_keep_the_rows_under_an_unknown_section_by_name(
    tmp_path: Path,
) -> None:
    data: list[Cells] = [[indented(n, d), t, t, ""] for d, n, t in UNKNOWN_SECTION]
    data.append(["合计", "1422.64", "1422.64", ""])
    read_table = functional(
        read(tmp_path, table(header=NAME_HEADER, widths=NAME_WIDTHS, rows=data))
    )
    assert [(r.code, r.printed_name) for r in read_table.rows] == [
        ("201", "一般公共服务支出"),
        ("20105", "统计信息事务"),
        ("2010501", "行政运行"),
        (None, "名称未知事务"),
        (None, "行政运行"),
        ("215", "资源勘探工业信息等支出"),
        ("21505", "工业和信息产业监管"),
        ("2150517", "产业发展"),
        (None, "合计"),
    ]


def test_names_only_indented_an_unknown_item_leaves_its_section_in_place(
    tmp_path: Path,
) -> None:
    """A 项 no catalog knows, at 项 indentation: the 项 after it are still its 款's."""
    rows_: list[tuple[int, str, str]] = [
        (0, "一般公共服务支出", "1234.56"),
        (1, "统计信息事务", "1234.56"),
        (2, "名称未知项目", "200.00"),
        (2, "行政运行", "1034.56"),
    ]
    data: list[Cells] = [[indented(n, d), t, t, ""] for d, n, t in rows_]
    read_table = functional(
        read(tmp_path, table(header=NAME_HEADER, widths=NAME_WIDTHS, rows=data))
    )
    assert [r.code for r in read_table.rows] == ["201", "20105", None, "2010501"]


def test_names_only_indented_a_name_is_found_at_its_level_only(tmp_path: Path) -> None:
    """统计信息事务 set in as a 项 is no 款: kept by name, and nothing below it is placed."""
    rows_: list[tuple[int, str, str]] = [
        (0, "一般公共服务支出", "1234.56"),
        (1, "统计信息事务", "1234.56"),
        (2, "统计信息事务", "1234.56"),
    ]
    data: list[Cells] = [[indented(n, d), t, t, ""] for d, n, t in rows_]
    read_table = functional(
        read(tmp_path, table(header=NAME_HEADER, widths=NAME_WIDTHS, rows=data))
    )
    assert [r.code for r in read_table.rows] == ["201", "20105", None]


def test_names_only_not_indented_no_item_is_placed_after_a_name_kept_by_name(
    tmp_path: Path,
) -> None:
    """Where the page does not show levels, the unknown row may have been a 款: the 行政运行
    after it is not taken for the 行政运行 of the 款 before it."""
    data: list[Cells] = [[n, t, t, ""] for _, n, t in UNKNOWN_SECTION]
    read_table = functional(
        read(tmp_path, table(header=NAME_HEADER, widths=NAME_WIDTHS, rows=data))
    )
    assert [r.code for r in read_table.rows] == [
        "201", "20105", "2010501", None, None, "215", "21505", "2150517",
    ]  # fmt: skip


# --- 4. Units and numbers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit_line", "printed", "unit", "fen", "quantum"),
    [
        ("单位：元", "12345678.90", AmountUnit.YUAN, 1_234_567_890, 1),
        ("单位：元", "12345679", AmountUnit.YUAN, 1_234_567_900, 100),
        ("单位：千元", "12345.68", AmountUnit.THOUSAND_YUAN, 1_234_568_000, 1_000),
        ("单位：万元", "1234.56", AmountUnit.WAN_YUAN, 1_234_560_000, 10_000),
        ("金额单位：万元", "1234.56", AmountUnit.WAN_YUAN, 1_234_560_000, 10_000),
        ("单位：万元", "29569.515638", AmountUnit.WAN_YUAN, 29_569_515_638, 1),
    ],
    ids=["元-fen", "元-integer", "千元", "万元", "金额单位", "万元-6-decimals"],
)
def test_units_and_decimals(
    tmp_path: Path, unit_line: str, printed: str, unit: AmountUnit, fen: int, quantum: int
) -> None:
    data: list[Cells] = [
        ["2010501", "行政运行", printed, printed, ""],
        ["合计", "", printed, printed, ""],
    ]
    read_table = functional(read(tmp_path, table(rows=data, caption=[FUNCTIONAL_TITLE, unit_line])))
    assert (read_table.unit, read_table.quantum) == (unit, quantum)
    assert rows(read_table) == [
        ("2010501", None, "行政运行", [fen, fen, None]),
        (None, None, "合计", [fen, fen, None]),
    ]


def test_a_unit_split_over_two_lines(tmp_path: Path) -> None:
    caption = [FUNCTIONAL_TITLE, f"编制部门：{DEPARTMENT}　单位：万", "元"]
    assert_read_as_figures(read(tmp_path, table(caption=caption)))


def test_dash_and_blank_are_nothing(tmp_path: Path) -> None:
    data: list[Cells] = [
        ["2010501", "行政运行", "1034.56", "1034.56", "-"],
        ["2010505", "专项统计业务", "200.00", "—", "200.00"],
        ["2010506", "统计管理", "0.00", "", "0.00"],
        ["合计", "", "1234.56", "1034.56", "200.00"],
    ]
    read_table = functional(read(tmp_path, table(rows=data)))
    assert rows(read_table) == [
        ("2010501", None, "行政运行", [1_034_560_000, 1_034_560_000, None]),
        ("2010505", None, "专项统计业务", [200_000_000, None, 200_000_000]),
        ("2010506", None, "统计管理", [0, None, 0]),  # 0.00 is zero, blank is nothing
        (None, None, "合计", [1_234_560_000, 1_034_560_000, 200_000_000]),
    ]


def test_a_unit_printed_in_a_header_cell(tmp_path: Path) -> None:
    header: list[Cells] = [["科目编码", "科目名称", "预算数（单位：万元）", "基本支出", "项目支出"]]
    widths = [80.0, 170, 120, 90, 90]
    document = read(tmp_path, table(header=header, widths=widths, caption=[FUNCTIONAL_TITLE]))
    assert_read_as_figures(document)


# --- 5. Structure ------------------------------------------------------------------------


def test_the_total_printed_first(tmp_path: Path) -> None:
    data = coded_rows()
    document = read(tmp_path, table(rows=[data[-1], *data[:-1]]))
    read_table = assert_read_as_figures(document, total_last=False)
    assert read_table.rows[0].kind is LineKind.TOTAL


@pytest.mark.parametrize("repeat_header", [False, True], ids=["no-header", "header-repeated"])
def test_one_table_over_two_pages(tmp_path: Path, repeat_header: bool) -> None:
    data = coded_rows()
    document = read(tmp_path, table(fragments=[data[:4], data[4:]], repeat_header=repeat_header))
    read_table = assert_read_as_figures(document)
    assert [r.line for r in read_table.rows] == [2] * 4 + [3] * 4
    assert document.unread_tables == []


def test_two_tables_on_one_page(tmp_path: Path) -> None:
    economic = table(
        f"{YEAR}年一般公共预算基本支出表",
        header=ECONOMIC_HEADER,
        spans=ECONOMIC_SPANS,
        widths=ECONOMIC_WIDTHS,
        rows=[
            ["301", "", "工资福利支出", "934.56", "934.56", ""],
            ["302", "", "商品和服务支出", "100.00", "", "100.00"],
            ["合计", "", "", "1034.56", "934.56", "100.00"],
        ],
    )
    data = coded_rows()
    functional_table = table(rows=[data[2], data[3], data[-1]], page_break=False)
    functional_table.fragments[0][-1] = ["合计", "", "1234.56", "1034.56", "200.00"]
    document = read(tmp_path, functional_table, economic)
    assert [(r.line, r.code) for r in functional(document).rows] == [
        (2, "2010501"),
        (2, "2010505"),
        (2, None),
    ]
    basic = document.tables[BudgetTable.GENERAL_BASIC_ECONOMIC]
    assert (basic.line, basic.title) == (2, f"{YEAR}年一般公共预算基本支出表")
    measures = (M.TOTAL, M.PERSONNEL, M.OPERATING)
    assert rows(basic, measures) == [
        ("301", None, "工资福利支出", [934_560_000, 934_560_000, None]),
        ("302", None, "商品和服务支出", [100_000_000, None, 100_000_000]),
        (None, None, "合计", [1_034_560_000, 934_560_000, 100_000_000]),
    ]


THREE_PUBLIC_TITLE = f"{YEAR}年一般公共预算“三公”经费支出预算表"
THREE_PUBLIC_READ = {
    TP.TOTAL: 10_500_000,
    TP.OVERSEAS: 2_000_000,
    TP.RECEPTION: 3_500_000,
    TP.VEHICLES: 5_000_000,
    TP.VEHICLE_PURCHASE: 1_000_000,
    TP.VEHICLE_OPERATION: 4_000_000,
}


def three_public(folder: Path, three: PdfTable) -> dict[TP | None, int | None]:
    document = read(folder, table(), three)
    assert document.three_public is not None, document.unread_tables
    rows = document.three_public.rows
    return {r.item: r.amount for r in rows if r.item is not None and r.breakdown is None}


def test_three_public_one_row(tmp_path: Path) -> None:
    three = table(
        THREE_PUBLIC_TITLE,
        header=THREE_PUBLIC_HEADER,
        spans=THREE_PUBLIC_SPANS,
        widths=THREE_PUBLIC_WIDTHS,
        rows=[["10.50", "2.00", "3.50", "5.00", "1.00", "4.00", "60.00"]],
    )
    assert three_public(tmp_path, three) == {**THREE_PUBLIC_READ, TP.OFFICE_OPERATION: 60_000_000}


BY_ROW_HEADER: list[Cells] = [
    ["", "合计", "因公出国（境）费", "公务接待费", "公务用车购置及运行费", "", ""],
    ["", "", "", "", "小计", "购置费", "运行费"],
]
BY_ROW_SPANS = [((0, 0), (0, 1)), ((1, 0), (1, 1)), ((2, 0), (2, 1)), ((3, 0), (3, 1)),
                ((4, 0), (6, 0))]  # fmt: skip
BY_ROW_WIDTHS = [160.0, 70, 80, 70, 70, 60, 60]


def test_three_public_a_row_per_unit_and_the_total_is_the_departments(tmp_path: Path) -> None:
    header = [["单位名称", *BY_ROW_HEADER[0][1:]], BY_ROW_HEADER[1]]
    three = table(
        THREE_PUBLIC_TITLE,
        header=header,
        spans=BY_ROW_SPANS,
        widths=BY_ROW_WIDTHS,
        rows=[
            ["合计", "10.50", "2.00", "3.50", "5.00", "1.00", "4.00"],
            [f"{DEPARTMENT}（本级）", "8.50", "2.00", "2.50", "4.00", "1.00", "3.00"],
            ["上海市测试中心", "2.00", "", "1.00", "1.00", "", "1.00"],
        ],
    )
    assert three_public(tmp_path, three) == THREE_PUBLIC_READ


def test_three_public_rows_by_year_the_budget_years_is_read(tmp_path: Path) -> None:
    header = [["年度", *BY_ROW_HEADER[0][1:]], BY_ROW_HEADER[1]]
    three = table(
        THREE_PUBLIC_TITLE,
        header=header,
        spans=BY_ROW_SPANS,
        widths=BY_ROW_WIDTHS,
        rows=[
            ["2025年", "12.00", "3.00", "4.00", "5.00", "", "5.00"],
            ["2026年", "10.50", "2.00", "3.50", "5.00", "1.00", "4.00"],
            ["增减变化金额", "-1.50", "-1.00", "-0.50", "0.00", "1.00", "-1.00"],
        ],
    )
    assert three_public(tmp_path, three) == THREE_PUBLIC_READ


def test_three_public_items_listed_down(tmp_path: Path) -> None:
    three = table(
        THREE_PUBLIC_TITLE,
        header=[["项目", "预算数"]],
        widths=[260.0, 100],
        rows=[
            ["“三公”经费合计", "10.50"],
            ["1.因公出国（境）费", "2.00"],
            ["2.公务接待费", "3.50"],
            ["3.公务用车购置及运行维护费", "5.00"],
            ["其中：（1）公务用车购置费", "1.00"],
            ["（2）公务用车运行维护费", "4.00"],
        ],
    )
    assert three_public(tmp_path, three) == THREE_PUBLIC_READ


def test_three_public_beside_meetings_and_training_the_subtotal_is_the_total(
    tmp_path: Path,
) -> None:
    header: list[Cells] = [
        ["合计", "“三公”经费", "", "", "", "", "", "会议费", "培训费"],
        ["", "小计", "因公出国（境）费", "公务接待费", "公务用车购置及运行费", "", "", "", ""],
        ["", "", "", "", "小计", "购置费", "运行费", "", ""],
    ]
    spans = [((0, 0), (0, 2)), ((1, 0), (6, 0)), ((7, 0), (7, 2)), ((8, 0), (8, 2)),
             ((1, 1), (1, 2)), ((2, 1), (2, 2)), ((3, 1), (3, 2)), ((4, 1), (6, 1))]  # fmt: skip
    three = table(
        THREE_PUBLIC_TITLE,
        header=header,
        spans=spans,
        widths=[60.0, 60, 80, 60, 70, 50, 50, 50, 50],
        rows=[["20.50", "10.50", "2.00", "3.50", "5.00", "1.00", "4.00", "6.00", "4.00"]],
    )
    assert three_public(tmp_path, three) == THREE_PUBLIC_READ


# --- Tables printed without ruling lines --------------------------------------------------


@pytest.mark.parametrize("rules", ["none", "vertical"])
def test_a_table_without_rules_is_read_by_the_positions_of_its_words(
    tmp_path: Path, rules: str
) -> None:
    """Words lined up in rows and columns, with no rules or only vertical ones: the columns
    are proven by the rows adding up (合计 = 基本支出 + 项目支出)."""
    document = read(tmp_path, table(rules=rules))
    assert_read_as_figures(document)
    assert document.unread_tables == []


def test_a_table_of_words_over_two_pages(tmp_path: Path) -> None:
    data = coded_rows()
    document = read(tmp_path, table(fragments=[data[:4], data[4:]], rules="none"))
    read_table = assert_read_as_figures(document)
    assert [r.line for r in read_table.rows] == [2] * 4 + [3] * 4


def test_a_table_of_words_whose_rows_do_not_add_up_is_unread(tmp_path: Path) -> None:
    """Where a row does not add up, a figure may sit under the wrong column: the table is
    not read, none of its figures stored, and the document loads."""
    economic = table(
        f"{YEAR}年一般公共预算基本支出表",
        header=[["科目编码", "科目名称", "合计", "人员经费", "公用经费"]],
        rows=[
            ["301", "工资福利支出", "934.56", "934.56", ""],
            ["302", "商品和服务支出", "100.00", "", "90.00"],
            ["合计", "", "1034.56", "934.56", "90.00"],
        ],
        rules="none",
    )
    document = read(tmp_path, table(), economic)
    assert BudgetTable.GENERAL_BASIC_ECONOMIC not in document.tables
    [unread] = document.unread_tables
    assert (unread.page, unread.failed) == (3, True)
    assert unread.reason == (
        f"page 3: {YEAR}年一般公共预算基本支出表: printed without ruling lines, its columns "
        "found by the positions of its words, and in row 商品和服务支出 total is not the sum of "
        "its parts: which column a figure is under is not certain"
    )


# --- 6. Refusals -------------------------------------------------------------------------


@pytest.mark.parametrize("cover", ["部门决算", "部门公开"], ids=["final-cover", "plain-cover"])
def test_a_final_account_is_refused(tmp_path: Path, cover: str) -> None:
    final = table(
        "2025年一般公共预算财政拨款支出决算表",
        header=[["科目编码", "科目名称", "年初预算数", "调整预算数", "决算数"]],
        rows=[
            ["2010501", "行政运行", "1034.56", "1034.56", "1020.00"],
            ["合计", "", "1034.56", "1034.56", "1020.00"],
        ],
    )
    summary = table(
        "2025年收入支出决算总表",
        header=SUMMARY_HEADER,
        spans=SUMMARY_SPANS,
        widths=SUMMARY_WIDTHS,
        rows=SUMMARY_ROWS,
    )
    with pytest.raises(ParseError) as raised:
        read(tmp_path, summary, final, title=f"{DEPARTMENT}2025年度{cover}")
    assert "决算" in str(raised.value)
    assert str(raised.value).startswith(
        "family.pdf: a final account (决算), not a budget (预算): final accounts are not read yet"
    )


def test_budget_tables_without_the_functional_one_are_refused_naming_them(
    tmp_path: Path,
) -> None:
    summary = table(
        f"{YEAR}年部门收支总表",
        header=SUMMARY_HEADER,
        spans=SUMMARY_SPANS,
        widths=SUMMARY_WIDTHS,
        rows=SUMMARY_ROWS,
    )
    with pytest.raises(ParseError) as raised:
        read(tmp_path, summary)
    assert str(raised.value) == (
        "family.pdf: no functional table (一般公共预算支出表 or 财政拨款支出表) found; tables "
        "recognised: INCOME_EXPENDITURE_SUMMARY: is the document truncated, or not a budget "
        "disclosure?"
    )


def test_text_and_no_budget_table_is_refused_naming_what_was_found(tmp_path: Path) -> None:
    targets = table(
        f"{YEAR}年项目绩效目标表",
        header=[["一级指标", "二级指标", "三级指标", "指标值"]],
        widths=[120.0, 120, 200, 100],
        rows=[["产出指标", "数量指标", "普查户数", "≥1000户"]],
    )
    with pytest.raises(ParseError) as raised:
        read(tmp_path, targets, prose=[("部门职责", ["负责全市统计工作。"])])
    assert f"{YEAR}年项目绩效目标表" in str(raised.value)
