"""A small disclosure in the nine-table PDF layout with every trap the layout sets.

- a name wrapped over lines in a narrow cell; a blank cell before a filled one;
- table 5 continued on the next page without its header; page numbers in the footer;
- codes as spaced parts (201 05 07), without zero padding (301 2), and outside the catalog
  (01 办公费, matched by name); a 类 named by its pre-2019 name (医疗卫生与计划生育支出);
- 元 tables beside a 万元 table; a “三公” table with figures under a note calling it empty;
- a narrative that misstates one figure, and a table the contents list but the file lacks.
"""

from __future__ import annotations

from pathlib import Path

from tests.parse.pdfs import (
    ECONOMIC_HEADER,
    ECONOMIC_SPANS,
    ECONOMIC_WIDTHS,
    FUNCTIONAL_HEADER,
    FUNCTIONAL_SPANS,
    INCOME_HEADER,
    INCOME_SPANS,
    INCOME_WIDTHS,
    SUMMARY_HEADER,
    SUMMARY_SPANS,
    SUMMARY_WIDTHS,
    THREE_PUBLIC_HEADER,
    THREE_PUBLIC_SPANS,
    THREE_PUBLIC_WIDTHS,
    PdfDocument,
    PdfTable,
    wrapped,
    write_pdf,
)

DEPARTMENT = "上海市普陀区测试局"
NARROW_NAME = [36.0, 36, 36, 60, 90, 90, 90]  # 行政事业单位医疗 wraps in 60 points


def sample_document(
    class_201_total: str = "1,200,000", department: str = DEPARTMENT
) -> PdfDocument:
    functional = PdfTable(
        title="2024年部门一般公共预算支出功能分类预算表",
        unit="元",
        header=FUNCTIONAL_HEADER,
        spans=FUNCTIONAL_SPANS,
        widths=NARROW_NAME,
        fragments=[
            [
                [
                    "201",
                    "",
                    "",
                    wrapped("一般公共服务支出"),
                    class_201_total,
                    "200,000",
                    "1,000,000",
                ],
                ["201", "05", "", wrapped("统计信息事务"), "1,000,000", "", "1,000,000"],
                ["201", "05", "07", wrapped("专项普查活动"), "1,000,000", "", "1,000,000"],
                ["201", "06", "", wrapped("财政事务"), "200,000", "200,000", ""],
                ["201", "06", "01", wrapped("行政运行"), "200,000", "200,000", ""],
            ],
            [
                ["210", "", "", wrapped("卫生健康支出"), "300,000", "300,000", ""],
                ["210", "11", "", wrapped("行政事业单位医疗"), "300,000", "300,000", ""],
                ["210", "11", "01", wrapped("行政单位医疗"), "300,000", "300,000", ""],
                ["合计", "", "", "", "1,500,000", "500,000", "1,000,000"],
            ],
        ],
    )
    functional.spans = [*FUNCTIONAL_SPANS]
    summary = PdfTable(
        title="2024年部门财务收支预算总表",
        unit="元",
        header=SUMMARY_HEADER,
        spans=SUMMARY_SPANS,
        widths=SUMMARY_WIDTHS,
        fragments=[
            [
                ["一、财政拨款收入", "1,500,000", "一、一般公共服务支出", "1,200,000"],
                ["1. 一般公共预算资金", "1,500,000", "二、医疗卫生与计划生育支出", "300,000"],
                ["二、事业收入", "", "", ""],
                ["收入总计", "1,500,000", "支出总计", "1,500,000"],
            ]
        ],
    )
    income = PdfTable(
        title="2024年部门收入预算总表",
        unit="万元",
        header=INCOME_HEADER,
        spans=INCOME_SPANS,
        widths=INCOME_WIDTHS,
        repeat_header=True,
        fragments=[
            [["201", "", "", "一般公共服务支出", "120.00", "120.00", "", "", ""]],
            [
                ["210", "", "", "卫生健康支出", "30.00", "30.00", "", "", ""],
                ["合计", "", "", "", "150.00", "150.00", "", "", ""],
            ],
        ],
    )
    economic = PdfTable(
        title="2024年部门一般公共预算基本支出部门预算经济分类预算表",
        unit="元",
        header=ECONOMIC_HEADER,
        spans=ECONOMIC_SPANS,
        widths=ECONOMIC_WIDTHS,
        fragments=[
            [
                ["301", "", "工资福利支出", "400,000", "400,000", "0"],
                ["301", "01", "基本工资", "300,000", "300,000", "0"],
                ["301", "2", "津贴补贴", "100,000", "100,000", "0"],
                ["302", "", "商品和服务支出", "100,000", "0", "100,000"],
                ["01", "", "办公费", "100,000", "0", "100,000"],
                ["合计", "", "", "500,000", "400,000", "100,000"],
            ]
        ],
    )
    three_public = PdfTable(
        title="部门“三公”经费和机关运行经费预算表",
        unit="万元",
        header=THREE_PUBLIC_HEADER,
        spans=THREE_PUBLIC_SPANS,
        widths=THREE_PUBLIC_WIDTHS,
        fragments=[[["1.50", "0", "1.50", "", "", "", "9.00"]]],
        note="注：本部门2024年无“三公”经费和机关运行经费预算，故本表为空表。",
    )
    return PdfDocument(
        title="上海市普陀区2024年区级部门预算",
        department=department,
        contents=[
            "1. 2024年部门财务收支预算总表",
            "2. 2024年部门收入预算总表",
            "3. 2024年部门支出预算总表",
            "5. 2024年部门一般公共预算支出功能分类预算表",
            "8. 2024年部门一般公共预算基本支出部门预算经济分类预算表",
            "9. 部门“三公”经费和机关运行经费预算表",
        ],
        prose=[
            (
                f"{department}机构设置",
                [
                    "本部门中，行政单位1家，事业单位1家，具体包括：",
                    f"1. {department}（本部）。",
                    "2. 上海市普陀区测试中心。",
                ],
            ),
            (
                "名词解释",
                [
                    "（一）财政拨款收入：是本年度从本级财政部门取得的财政拨款。",
                    "（二）事业收入：指事业单位开展专业业务活动及其辅助活动取得的收入。",
                ],
            ),
            (
                "2024年部门预算编制说明",
                [
                    "1. “一般公共服务支出（类）统计信息事务（款）专项普查活动（项）”100.00万元，"
                    "主要用于专项普查活动。",
                    "2. “卫生健康支出（类）行政事业单位医疗（款）行政单位医疗（项）”3.00万元，"
                    "主要用于行政单位医疗。",
                ],
            ),
        ],
        tables=[summary, income, functional, economic, three_public],
    )


def write_sample(folder: Path, name: str = "sample.pdf", **changes: str) -> Path:
    return write_pdf(folder / name, sample_document(**changes))
