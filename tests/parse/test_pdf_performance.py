"""Performance targets (项目绩效目标表) in PDFs: a card per project or one list of projects,
each form in a small PDF the test writes itself, every project and indicator asserted.
Amounts are fen: 1 万元 = 1,000,000 fen.
"""

from __future__ import annotations

from pathlib import Path

from hub.domain import Comparator, TargetKind
from hub.parse.model import Document, Project
from tests.parse.pdfs import Cells, PdfTable, wrapped
from tests.parse.test_layout_family import YEAR, read, table

CARD_WIDTHS = [90.0, 110, 220, 110]
LIST_WIDTHS = [120.0, 60, 120, 60, 70, 120, 40, 50, 50]


def card(name: str, amount: str, *fragments: list[Cells], title: str | None = None) -> PdfTable:
    """A card: 项目名称 / 资金总额 / 年度目标 label rows, the indicator header, indicators."""
    title = title or f"{name}项目绩效目标表"
    return table(
        title,
        header=[
            ["项目名称", name, "", ""],
            ["项目资金（万元）", "年度资金总额：", amount, ""],
            ["", "其中：财政拨款", amount, ""],
            ["年度目标", f"{name}按期完成", "", ""],
            ["一级指标", "二级指标", "三级指标", "指标值"],
        ],
        spans=[((1, 0), (3, 0)), ((1, 3), (3, 3))],
        widths=CARD_WIDTHS,
        caption=[title, f"（{YEAR}年度）"],
        fragments=list(fragments),
    )


TEACHING = [
    ["产出指标", "数量指标", "建设一流本科课程数", "≥20门"],
    ["", "", "新增规划教材建设数量", "≥20门"],
    ["", "质量指标", "近三年专业调整率", "≥9%"],
]
TEACHING_NEXT_PAGE = [
    ["效益指标", "社会效益指标", "提升人才培养质量", "显著"],
    ["满意度指标", "服务对象满意度指标", "学生满意度", "≥90%"],
]
RESEARCH = [["产出指标", "时效指标", "项目按期完工率", "=100%"]]


def indicators(project: Project) -> list[tuple[object, ...]]:
    return [
        (i.line, i.level1, i.level2, i.name, i.value_text, i.comparator, i.number, i.unit)
        for i in project.indicators
    ]


def projects(document: Document) -> list[tuple[object, ...]]:
    return [(p.line, p.name, p.amount, p.annual_target) for p in document.projects]


def test_cards_one_over_two_pages_without_its_header(tmp_path: Path) -> None:
    document = read(
        tmp_path,
        table(),
        card("教学改革专项", "1,960.35", TEACHING, TEACHING_NEXT_PAGE),
        card("科研专项", "809.21", RESEARCH),
    )
    assert projects(document) == [
        (3, "教学改革专项", 1_960_350_000, "教学改革专项按期完成"),
        (5, "科研专项", 809_210_000, "科研专项按期完成"),
    ]
    teaching, research = document.projects
    assert indicators(teaching) == [
        (3, "产出指标", "数量指标", "建设一流本科课程数", "≥20门", Comparator.GE, "20", "门"),
        (3, "产出指标", "数量指标", "新增规划教材建设数量", "≥20门", Comparator.GE, "20", "门"),
        (3, "产出指标", "质量指标", "近三年专业调整率", "≥9%", Comparator.GE, "9", "%"),
        (4, "效益指标", "社会效益指标", "提升人才培养质量", "显著", None, None, None),
        (4, "满意度指标", "服务对象满意度指标", "学生满意度", "≥90%", Comparator.GE, "90", "%"),
    ]
    assert indicators(research) == [
        (5, "产出指标", "时效指标", "项目按期完工率", "=100%", Comparator.EQ, "100", "%")
    ]
    assert document.unread_tables == []


def test_an_empty_card_is_no_project(tmp_path: Path) -> None:
    template = card("", "", [["产出指标", "数量指标", "", ""]], title="专项资金总体绩效目标表")
    document = read(tmp_path, table(), card("科研专项", "809.21", RESEARCH), template)
    assert [p.name for p in document.projects] == ["科研专项"]
    assert document.unread_tables == []


LIST_HEADER: list[Cells] = [
    ["项目名称", "项目总额", "绩效目标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值",
     "度量单位"],
]  # fmt: skip


def test_a_list_of_projects_with_comparator_and_unit_columns(tmp_path: Path) -> None:
    """北京 预算12表: a project's cells on its first row; ≥ / 3000 / 万元 in three columns; the
    project printed again over the next page goes on."""
    aid: Cells = [
        wrapped("11000022T000000444194-法律援助办案补贴"),
        "560.000000",
        wrapped("确保法律援助工作顺利进行"),
    ]
    rows = [
        [*aid, "产出指标", "质量指标", "符合相关办法要求", "定性", wrapped("符合相关办法要求"), ""],
        ["", "", "", "效益指标", "社会效益指标", "挽回经济损失", "≥", "3000", "万元"],
    ]
    next_page = [
        [*aid, "满意度指标", wrapped("服务对象满意度指标"), "受援人满意度", "≥", "95", "%"],
        ["律师培训项目", "103.000000", "提升律师执业技能", "产出指标", "数量指标", "培训人次", "≥",
         "2000", "人次"],
    ]  # fmt: skip
    overall = table(
        "预算13表 部门整体支出绩效目标表",
        header=[["活动", "绩效指标", "指标性质", "指标值", "度量单位"]],
        rows=[["法制建设", "行政执法资格考试人数", "≤", "4500", "人次"]],
        widths=[80.0, 200, 60, 60, 60],
    )
    document = read(
        tmp_path,
        table(),
        table(
            "预算12表 项目支出绩效目标表",
            header=LIST_HEADER,
            widths=LIST_WIDTHS,
            fragments=[rows, next_page],
            repeat_header=True,
        ),
        overall,
    )
    assert projects(document) == [
        (3, "法律援助办案补贴", 560_000_000, "确保法律援助工作顺利进行"),
        (4, "律师培训项目", 103_000_000, "提升律师执业技能"),
    ]
    aid_read, training = document.projects
    assert indicators(aid_read) == [
        (3, "产出指标", "质量指标", "符合相关办法要求", "符合相关办法要求", None, None, None),
        (3, "效益指标", "社会效益指标", "挽回经济损失", "≥3000万元", Comparator.GE, "3000", "万元"),
        (4, "满意度指标", "服务对象满意度指标", "受援人满意度", "≥95%", Comparator.GE, "95", "%"),
    ]
    assert indicators(training) == [
        (4, "产出指标", "数量指标", "培训人次", "≥2000人次", Comparator.GE, "2000", "人次")
    ]
    # the department's overall targets, with no 一级 / 二级指标 columns, are not read
    assert [(u.title, u.failed) for u in document.unread_tables] == [
        ("预算13表 部门整体支出绩效目标表", True)
    ]


def test_a_list_under_a_two_row_header_with_a_total_and_unit_rows(tmp_path: Path) -> None:
    """长沙: 单位（项目）名称 / 资金总额 / 绩效目标 beside 绩效指标 over 一级指标 …; the 合计
    and the unit's own row are no projects."""
    header: list[Cells] = [
        ["单位编码", "单位（项目）名称", "资金总额", "绩效目标", "绩效指标", "", "", ""],
        ["", "", "", "", "一级指标", "二级指标", "三级指标", "指标值"],
    ]
    spans = [((0, 0), (0, 1)), ((1, 0), (1, 1)), ((2, 0), (2, 1)), ((3, 0), (3, 1)),
             ((4, 0), (7, 0))]  # fmt: skip
    rows: list[Cells] = [
        ["合计", "", "45.78", "", "", "", "", ""],
        ["126001", "长沙市信访局", "45.78", "", "", "", "", ""],
        ["126001", "信访业务专项", "35.78", "调拨经费至各区县", "成本指标", "经济成本指标",
         "总成本", "≤35.78万元"],
        ["", "", "", "", "产出指标", "数量指标", "调拨经费单位数", "≥10个"],
        ["126001", "接待中心运行专项", "10.00", "保障接待中心运行", "产出指标", "时效指标",
         "维修及时性", "按时"],
    ]  # fmt: skip
    document = read(
        tmp_path,
        table(),
        table(
            f"{YEAR}年项目支出绩效目标表",
            header=header,
            spans=spans,
            rows=rows,
            widths=[50.0, 110, 50, 110, 60, 80, 110, 70],
        ),
    )
    assert projects(document) == [
        (3, "信访业务专项", 35_780_000, "调拨经费至各区县"),
        (3, "接待中心运行专项", 10_000_000, "保障接待中心运行"),
    ]
    assert [len(p.indicators) for p in document.projects] == [2, 1]
    assert indicators(document.projects[0])[1] == (
        3, "产出指标", "数量指标", "调拨经费单位数", "≥10个", Comparator.GE, "10", "个"
    )  # fmt: skip


def test_a_list_of_projects_without_indicators(tmp_path: Path) -> None:
    """杭州 项目支出绩效表: 单位名称 / 项目名称 / 金额 / 绩效目标 only."""
    document = read(
        tmp_path,
        table(),
        table(
            f"表11：{YEAR}年市级部门项目支出绩效表",
            header=[["单位名称", "项目名称", "金额", "绩效目标"]],
            rows=[
                ["杭州市气象局", "气象业务建设", "1,097.02", "提升气象监测预报能力"],
                ["杭州市气象服务中心", "专业系统维护", "146.69", "预警信息稳定运行"],
            ],
            widths=[120.0, 120, 70, 200],
        ),
    )
    assert projects(document) == [
        (3, "气象业务建设", 1_097_020_000, "提升气象监测预报能力"),
        (3, "专业系统维护", 146_690_000, "预警信息稳定运行"),
    ]
    assert document.projects[0].indicators == []


def test_a_page_whose_cells_fit_no_column_of_the_header_leaves_the_table_unread(
    tmp_path: Path,
) -> None:
    """The next page's grid is ruled otherwise: which column a value is under is not certain,
    so none of the table's projects is kept, and the document loads."""
    shifted = table(
        "",
        header=[],
        rows=[["效益指标", "社会效益指标", "提升人才培养质量", "显著"]],
        widths=[40.0, 60, 60, 360],
        caption=[],
    )
    document = read(tmp_path, table(), card("教学改革专项", "1,960.35", TEACHING), shifted)
    assert document.projects == []
    [unread] = document.unread_tables
    assert (unread.page, unread.title, unread.failed) == (4, "教学改革专项项目绩效目标表", True)
    assert "is under no one column of the header" in unread.reason


def test_a_card_whose_cell_is_printed_below_the_last_rule_is_unread(tmp_path: Path) -> None:
    """西安: the 一级指标 of a card's last row printed below the page's grid (效益指 / 标 split by
    the page break): which rows it heads is not certain, so the card is unread; the next is
    read."""
    split = card("教学改革专项", "1,960.35", TEACHING)
    split.note, split.note_indent = "标", 95.0  # within the 一级指标 column of the centred grid
    document = read(tmp_path, table(), split, card("科研专项", "809.21", RESEARCH))
    assert projects(document) == [(4, "科研专项", 809_210_000, "科研专项按期完成")]
    [unread] = document.unread_tables
    assert (unread.page, unread.failed) == (3, True)
    assert unread.reason == (
        "a cell's text is printed below the table's last rule: "
        "the targets of 教学改革专项 are not stored"
    )


def test_a_list_page_without_the_projects_columns_is_unread(tmp_path: Path) -> None:
    """北京: over a page break the projects' merged cells are not ruled on the next page, so
    whose its indicators are is not certain: that project is unread until a row names the
    next one."""
    rows: list[Cells] = [
        ["援助办案补贴", "560.000000", "顺利进行", "产出指标", "质量指标", "办案质量", "≥", "95",
         "%"],
    ]  # fmt: skip
    unruled = table(
        "",
        header=[],
        rows=[["效益指标", "社会效益指标", "挽回经济损失", "≥", "3000", "万元"]],
        widths=[60.0, 70, 120, 40, 50, 50],
        caption=[],
        align="RIGHT",
    )
    training = [["律师培训项目", "103.000000", "提升执业技能", "产出指标", "数量指标", "培训人次",
                 "≥", "2000", "人次"]]  # fmt: skip
    document = read(
        tmp_path,
        table(),
        table("预算12表 项目支出绩效目标表", header=LIST_HEADER, widths=LIST_WIDTHS, rows=rows),
        unruled,
        table("", header=LIST_HEADER, widths=LIST_WIDTHS, rows=training, caption=[]),
    )
    assert projects(document) == [(5, "律师培训项目", 103_000_000, "提升执业技能")]
    [unread] = document.unread_tables
    assert (unread.page, unread.title, unread.failed) == (4, "预算12表 项目支出绩效目标表", True)
    assert unread.reason == (
        "the projects' own columns are not ruled on this page: the targets of 援助办案补贴 and "
        "the project after it are not stored"
    )


def test_overall_targets_in_a_list_under_a_three_row_header(tmp_path: Path) -> None:
    """长沙 部门整体支出绩效目标表: 单位名称 / 资金总额 / 整体绩效目标 over the indicator columns;
    the unit is whose the targets are."""
    header: list[Cells] = [
        ["单位名称", "年度预算申请", "", "整体绩效目标", "部门整体支出年度绩效目标", "", "", ""],
        ["", "资金总额", "按支出性质分", "", "", "", "", ""],
        ["", "", "基本支出", "", "一级指标", "二级指标", "三级指标", "指标值"],
    ]
    spans = [((0, 0), (0, 2)), ((1, 0), (2, 0)), ((1, 1), (1, 2)), ((3, 0), (3, 2)),
             ((4, 0), (7, 1))]  # fmt: skip
    rows: list[Cells] = [
        ["长沙市信访局", "1,935.36", "1,517.95", "推动信访法治化", "成本指标", "经济成本指标",
         "基本支出控制数", "≤1517.95万元"],
        ["", "", "", "", "产出指标", "数量指标", "接待走访群众数量", "≥3000人次"],
    ]  # fmt: skip
    document = read(
        tmp_path,
        table(),
        table(
            f"{YEAR}年部门整体支出绩效目标表",
            header=header,
            spans=spans,
            rows=rows,
            widths=[90.0, 70, 70, 110, 60, 80, 120, 90],
        ),
    )
    [overall] = document.projects
    assert (overall.kind, overall.line, overall.name, overall.amount, overall.annual_target) == (
        TargetKind.OVERALL,
        3,
        "长沙市信访局",
        1_935_360_000,
        "推动信访法治化",
    )
    assert [(i.level1, i.name, i.value_text) for i in overall.indicators] == [
        ("成本指标", "基本支出控制数", "≤1517.95万元"),
        ("产出指标", "接待走访群众数量", "≥3000人次"),
    ]


def test_overall_targets_on_a_card(tmp_path: Path) -> None:
    """西安 部门整体支出绩效目标表: 部门（单位）名称, the year's tasks with a 金额合计, then
    年度总体目标."""
    header: list[Cells] = [
        ["部门（单位）名称", "西安市审计局", "", ""],
        ["年度主要任务", "任务名称", "预算金额（万元）", ""],
        ["", "机关运转", "3354.42", ""],
        ["", "审计事务", "285.87", ""],
        ["", "金额合计", "3640.29", ""],
        ["年度总体目标", "履行审计监督职责", "", ""],
        ["一级指标", "二级指标", "三级指标", "指标值"],
    ]
    document = read(
        tmp_path,
        table(),
        table(
            "部门整体支出绩效目标表",
            header=header,
            spans=[((1, 0), (3, 0)), ((1, 5), (3, 5))],
            widths=CARD_WIDTHS,
            rows=RESEARCH,
        ),
    )
    [overall] = document.projects
    assert (overall.kind, overall.name, overall.amount, overall.annual_target) == (
        TargetKind.OVERALL,
        "西安市审计局",
        3_640_290_000,
        "履行审计监督职责",
    )
    assert indicators(overall) == indicators(card_projects(tmp_path)[0])


def card_projects(folder: Path) -> list[Project]:
    """The research card alone, read."""
    (folder / "alone").mkdir()
    return read(folder / "alone", table(), card("科研专项", "809.21", RESEARCH)).projects


def test_a_card_whose_indicators_have_no_header_of_their_own_is_unread(tmp_path: Path) -> None:
    """北京 预算13表: 一级 / 二级 / 三级指标 printed in one cell (产出指标数量指标…): which level a
    word belongs to is not certain."""
    overall = table(
        "预算13表 部门整体支出绩效目标表",
        header=[
            ["部门名称", "北京市司法局", "", ""],
            ["活动", "绩效指标", "指标性质", "指标值"],
        ],
        spans=[((1, 0), (3, 0))],
        rows=[["法制建设", "产出指标数量指标执法资格考试人数", "≤", "4500"]],
        widths=CARD_WIDTHS,
    )
    document = read(tmp_path, table(), overall)
    assert document.projects == []
    [unread] = document.unread_tables
    assert (unread.page, unread.failed) == (3, True)
    assert unread.reason == (
        "a card without the header of its indicators (一级指标 / 二级指标 / 指标值)"
    )
