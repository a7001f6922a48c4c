"""Prose as the nine-table layout prints it: paragraphs, units, claims (from the real PDFs)."""

from hub.domain import StatedFigure
from hub.money import AmountUnit
from hub.parse import narrative
from hub.parse.narrative import Paragraph

# Lines as the 万里街道 2024 PDF wraps them (page 6), with a page number at the foot.
LINES = [
    (
        6,
        "2024年，上海市普陀区人民政府万里街道办事处收入预算15621.11万元，其中：财政拨款收入15621.11万元，比2023年预算减少",
    ),
    (6, "876.75万元；事业收入0.00万元；事业单位经营收入0.00万元；其他收入0.00万元。"),
    (6, "财政拨款支出主要内容如下："),
    (
        6,
        "1. “一般公共服务支出（类）统计信息事务（款）专项普查活动（项）”25.77万元，主要用于专项普查活动。2023年当年预算执行",
    ),
    (6, "数为60.13万元。"),
    (6, "- 6 -"),
    (
        7,
        "6.“社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位基本养老保险缴费支出 （项）",
    ),
    (7, "”1,748.33万元，主要用于缴纳基本养老保险支出。"),
]


def test_wrapped_lines_join_and_a_number_is_no_ordinal() -> None:
    paragraphs = narrative.paragraphs(LINES)
    assert [p.line for p in paragraphs] == [6, 6, 6, 7]
    assert paragraphs[0].text.endswith(
        "比2023年预算减少876.75万元；事业收入0.00万元；事业单位经营收入0.00万元；其他收入0.00万元。"
    )
    assert not any("- 6 -" in p.text for p in paragraphs)


def test_claims_read_the_three_names_and_the_amount_exactly() -> None:
    claims = narrative.claims(narrative.paragraphs(LINES))
    assert [(c.line, c.figure, c.names, c.amount, c.quantum) for c in claims] == [
        (6, StatedFigure.INCOME_TOTAL, (), 15_621_110_000, 10_000),  # 15621.11 万元
        (
            6,
            StatedFigure.FUNCTIONAL_ITEM,
            ("一般公共服务支出", "统计信息事务", "专项普查活动"),
            257_700_00,
            10_000,
        ),
        (
            7,
            StatedFigure.FUNCTIONAL_ITEM,
            ("社会保障和就业支出", "行政事业单位养老支出", "机关事业单位基本养老保险缴费支出"),
            17_483_300_00,
            10_000,
        ),
    ]
    assert {c.unit for c in claims} == {AmountUnit.WAN_YUAN}
    twice = narrative.paragraphs(LINES + LINES)  # a part printed twice states each figure once
    assert len(narrative.claims(twice)) == 3


def test_totals_and_not_their_parts() -> None:
    body = [
        Paragraph(
            6,
            "支出预算3,121.42万元，其中：财政拨款支出预算3,100.00万元。财政拨款支出预算中，一般公共预算拨款支出预算3,000.00万元；",
        ),
        Paragraph(32, "2024年“三公”经费预算数为47.91万元，比2023年预算增加25万元。"),
        # the parts other provinces name (江苏, 苏州): none of them is the total
        Paragraph(
            20, "2019 年度财政拨款基本支出预算 21968 万元，其中：（一）人员经费 18387.95 万元。"
        ),
        Paragraph(
            21,
            "项目支出预算 339.5 万元；“三公”经费支出预算 10 万元；政府采购支出预算总额 188.5 万元。",
        ),
        Paragraph(
            32,
            "2024年上海市普陀区人民政府万里街道办事处（部门）下属1家机关和1家参公事业单位财政拨款的机关运行经费预算为443.18万元。",
        ),
    ]
    assert [(c.figure, c.amount, c.line) for c in narrative.claims(body)] == [
        (StatedFigure.EXPENDITURE_TOTAL, 3_121_420_000, 6),
        (StatedFigure.THREE_PUBLIC_TOTAL, 47_910_000, 32),
        (StatedFigure.OFFICE_OPERATION, 443_180_000, 32),
    ]


def test_units_and_their_kinds() -> None:
    body = [
        Paragraph(4, "本部门中，行政单位 1 家，参公单位1家，事业单位 4 家，具体包括："),
        Paragraph(4, "1. 上海市普陀区人民政府万里街道办事处（本部）。"),
        Paragraph(4, "2. 上海市普陀区万里街道社区事务受理服务中心。"),
    ]
    assert [u.name for u in narrative.units(body)] == [
        "上海市普陀区人民政府万里街道办事处（本部）",
        "上海市普陀区万里街道社区事务受理服务中心",
    ]
    assert narrative.unit_kinds(body) == {"administrative": 1, "civil_service": 1, "institution": 4}


def test_glossary_terms() -> None:
    body = [
        Paragraph(
            5,
            "（八）机关运行经费：指行政单位和参照公务员法管理的事业单位使用一般公共预算财政拨款安排的基本支出中的日常公用经费支出。",
        )
    ]
    [term] = narrative.glossary(body)
    assert (term.term, term.line) == ("机关运行经费", 5)
    assert term.definition.startswith("指行政单位")
