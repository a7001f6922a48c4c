"""The seed document's figures as it prints them, table by table (万元; None is a blank cell).

Transcribed from fixtures/disclosures/000_704427f805e11eeb.txt, not produced by the hub, so that
the tests compare the hub's reading with the document itself.
"""

from decimal import Decimal
from pathlib import Path

from hub.money import AmountUnit, to_fen

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "disclosures" / "000_704427f805e11eeb.txt"


def fen(printed: str | None) -> int | None:
    return None if printed is None else to_fen(Decimal(printed), AmountUnit.WAN_YUAN)


# Table 5 一般公共预算支出表: code (empty for 合计), printed name, 合计, 基本保障支出 小计, 人员经费支出,
# 标准公用经费支出, 项目支出. Its other four columns (不可预见费, 经营支出, 对附属单位补助, 上缴上级) are
# blank on every row.
TABLE_5 = [
    ("", "合计", "3814.52", "990.52", "842.64", "147.88", "2824.00"),
    ("209", "咸宁市经济和信息", "3814.52", "990.52", "842.64", "147.88", "2824.00"),
    ("209001", "咸宁市经济和信", "3814.52", "990.52", "842.64", "147.88", "2824.00"),
    ("208", "社会保障和就", "157.57", "157.57", "157.57", None, None),
    ("20805", "行政事业单", "157.26", "157.26", "157.26", None, None),
    ("2080501", "行政单位", "52.79", "52.79", "52.79", None, None),
    ("2080505", "机关事业", "79.32", "79.32", "79.32", None, None),
    ("2080506", "机关事业", "25.15", "25.15", "25.15", None, None),
    ("20899", "其他社会保", "0.31", "0.31", "0.31", None, None),
    ("2089999", "其他社会", "0.31", "0.31", "0.31", None, None),
    ("210", "卫生健康支出", "67.17", "67.17", "67.17", None, None),
    ("21011", "行政事业单", "67.17", "67.17", "67.17", None, None),
    ("2101101", "行政单位", "61.11", "61.11", "61.11", None, None),
    ("2101103", "公务员医", "6.07", "6.07", "6.07", None, None),
    ("215", "资源勘探工业", "3507.74", "683.74", "535.86", "147.88", "2824.00"),
    ("21505", "工业和信息", "3507.74", "683.74", "535.86", "147.88", "2824.00"),
    ("2150501", "行政运行", "683.74", "683.74", "535.86", "147.88", None),
    ("2150502", "一般行政", "26.00", None, None, None, "26.00"),
    ("2150517", "产业发展", "2798.00", None, None, None, "2798.00"),
    ("221", "住房保障支出", "82.03", "82.03", "82.03", None, None),
    ("22102", "住房改革支", "82.03", "82.03", "82.03", None, None),
    ("2210201", "住房公积", "68.82", "68.82", "68.82", None, None),
    ("2210202", "提租补贴", "13.21", "13.21", "13.21", None, None),
]
TABLE_5_COLUMNS = ("total", "basic", "personnel", "operating", "project")
TABLE_5_BLANK_COLUMNS = ("contingency", "business", "subsidiary", "remit")

# Table 6 一般公共预算基本支出表: code, name, 合计.
TABLE_6 = [
    ("", "合计", "990.52"),
    ("209", "咸宁市经济和信息化局", "990.52"),
    ("209001", "咸宁市经济和信息化局本级", "990.52"),
    ("301", "工资福利支出", "755.91"),
    ("30101", "基本工资", "166.52"),
    ("30102", "津贴补贴", "100.05"),
    ("30103", "奖金", "271.84"),
    ("30107", "绩效工资", "9.38"),
    ("30108", "机关事业单位基本养老保险缴费", "79.32"),
    ("30109", "职业年金缴费", "25.15"),
    ("30110", "职工基本医疗保险缴费", "28.29"),
    ("30111", "公务员医疗补助缴费", "6.07"),
    ("30112", "其他社会保障缴费", "0.31"),
    ("30113", "住房公积金", "68.82"),
    ("30199", "其他工资福利支出", "0.17"),
    ("302", "商品和服务支出", "147.28"),
    ("30201", "办公费", "11.70"),
    ("30202", "印刷费", "1.50"),
    ("30206", "电费", "7.25"),
    ("30207", "邮电费", "4.20"),
    ("30209", "物业管理费", "4.55"),
    ("30211", "差旅费", "11.00"),
    ("30213", "维修(护)费", "2.20"),
    ("30217", "公务接待费", "0.60"),
    ("30226", "劳务费", "13.00"),
    ("30227", "委托业务费", "3.60"),
    ("30228", "工会经费", "9.92"),
    ("30229", "福利费", "12.39"),
    ("30231", "公务用车运行维护费", "3.00"),
    ("30239", "其他交通费用", "27.03"),
    ("30299", "其他商品和服务支出", "35.34"),
    ("303", "对个人和家庭的补助", "86.73"),
    ("30301", "离休费", "52.79"),
    ("30305", "生活补助", "1.08"),
    ("30307", "医疗费补助", "32.82"),
    ("30309", "奖励金", "0.04"),
    ("310", "资本性支出", "0.60"),
    ("31002", "办公设备购置", "0.60"),
]

# Table 1 部门收支总表, row by row: (收入 项目, 预算数), (支出 项目, 预算数); None where no cell.
TABLE_1 = [
    (("一、一般公共预算拨款", "3814.52"), ("一、基本保障支出", "990.52")),
    (("本级一般公共预算拨款", "3814.52"), ("人员经费支出", "842.64")),
    (("经费拨款（补助）", "3814.52"), ("标准公用经费支出", "147.88")),
    (("纳入预算管理的非税", None), ("二、项目支出", "2824.00")),
    (("上级补助", None), ("经常性项目", "2824.00")),
    (("一般债券", None), ("当年一次性项目", None)),
    (("二、政府性基金拨款", None), ("跨年一次性项目", None)),
    (("本级基金", None), ("三、项目支出不可预见费", None)),
    (("上级基金", None), ("四、事业单位经营支出", None)),
    (("专项债券", None), ("五、对附属单位补助支出", None)),
    (("三、国有资本经营预算拨款", None), ("六、上缴上级支出", None)),
    (("四、纳入专户管理的非税收入", None), None),
    (("五、事业收入", None), None),
    (("六、事业单位经营收入", None), None),
    (("七、附属单位上缴收入", None), None),
    (("八、往来收入", None), None),
    (("九、其他收入", None), None),
    (("十、融资借款", None), None),
    (("本年收入合计：", "3814.52"), ("本年支出合计：", "3814.52")),
    (("八、上年结余（转）", None), ("结转下年", None)),
    (("公共预算结转", None), None),
    (("政府基金结转", None), None),
    (("其他结余", None), None),
    (("收入总计：", "3814.52"), ("支出总计", "3814.52")),
]

# Table 4 财政拨款收支总表, the same way.
TABLE_4 = [
    (("一、一般公共预算拨款", "3814.52"), ("一、基本支出", "990.52")),
    (("本级一般公共预算拨款", "3814.52"), ("人员支出", "842.64")),
    (("上级补助", None), ("标准公用经费支出", "147.88")),
    (("二、政府性基金拨款", None), ("二、项目支出", "2824.00")),
    (("本级基金", None), ("三、项目支出不可预见费", None)),
    (("上级基金", None), ("四、事业单位经营支出", None)),
    (None, ("五、对附属单位补助支出", None)),
    (None, ("六、上缴上级支出", None)),
    (("本年收入合计：", "3814.52"), ("本年支出合计：", "3814.52")),
    (("收入总计：", "3814.52"), ("支出总计", "3814.52")),
]

# Table 7 “三公”经费支出表: item, printed label, 预算数.
TABLE_7 = [
    ("TOTAL", "合计", "5.40"),
    ("OVERSEAS", "1. 因公出国（境）费用", None),
    ("RECEPTION", "2. 公务接待费", "2.40"),
    ("VEHICLES", "3. 公车购置及运行维护费", "3.00"),
    ("VEHICLE_OPERATION", "其中：公务用车运行维护费", "3.00"),
    ("VEHICLE_PURCHASE", "公务用车购置", None),
]

# Table 8 政府性基金预算支出表: a department and a unit row, 0.00 in each of its 12 columns.
TABLE_8 = [("209", "咸宁市经济和信息化局"), ("209001", "咸宁市经济和信息化局本级")]
TABLE_8_COLUMNS = (
    "total",
    "basic",
    "personnel",
    "operating",
    "project",
    "project_regular",
    "project_one_off",
    "project_multi_year",
    "contingency",
    "business",
    "subsidiary",
    "remit",
)

# The performance targets: project name, amount (万元), annual target's start, indicators
# (一级指标, 二级指标, 指标名称, 指标值 as printed, comparator, number, unit).
PROJECTS = [
    (
        "咸宁市市级制造业高质量发展专项资金项目",
        "2300",
        "全面推进新一轮技术改造工程",
        [
            (
                "产出指标",
                "数量指标",
                "每年支持符合市级制造业高质量发展专项资金的技改项目数量",
                "≥10 个",
                "GE",
                "10",
                "个",
            ),
            (
                "产出指标",
                "数量指标",
                "每年支持符合市级制造业高质量发展专项资金的试点示范企业（项目）数",
                "≥5 个",
                "GE",
                "5",
                "个",
            ),
            (
                "产出指标",
                "数量指标",
                "每年支持符合智能化制造数字化转型企业数量",
                "10 家",
                None,
                "10",
                "家",
            ),
            ("产出指标", "时效指标", "资金拨付及时性", "≥90%", "GE", "90", "%"),
            ("产出指标", "质量指标", "资金使用合规性", "100%", None, "100", "%"),
            ("产出指标", "成本指标", "工作经费", "不超过专项资金的 1%", None, None, None),
            (
                "效益指标",
                "经济效益指标",
                "8 条制造业重点产业链总产值",
                "2100 亿元",
                None,
                "2100",
                "亿元",
            ),
            ("满意度指标", "服务对象满意度指标", "申报项目企业满意度", "100%", None, "100", "%"),
        ],
    ),
    (
        "5G 基站建设配套奖补资金",
        "420",
        "建设 5G 基站，统筹全省大数据中心建设布局",
        [
            ("产出指标", "数量指标", "建设 5G 基站数量", "1050 个", None, "1050", "个"),
            ("产出指标", "质量指标", "资金使用合规率", "合规", None, None, None),
            ("产出指标", "时效指标", "资金拨付及时率", "及时", None, None, None),
            ("产出指标", "成本指标", "基站补贴标准", "4000 元/个", None, "4000", "元/个"),
            ("效益指标", "经济效益指标", "移动互联网用户普及率增长", "≥70%", "GE", "70", "%"),
            ("效益指标", "社会效益指标", "主城区 5G 信号覆盖范围", "连续覆盖", None, None, None),
            ("满意度指标", "满意度指标", "企业获得补助的满意度", "≥95%", "GE", "95", "%"),
        ],
    ),
]

# The findings the seed must yield, exactly: (rule, severity, table, code, column, expected,
# actual) with amounts in 万元.
FINDINGS = [
    ("table.missing", "WARNING", "INCOME_SUMMARY", None, None, None, None),
    ("table.missing", "WARNING", "EXPENDITURE_SUMMARY", None, None, None, None),
    ("subtotal", "ROUNDING", "GENERAL_FUNCTIONAL", "210", "total", "67.18", "67.17"),
    ("subtotal", "ROUNDING", "GENERAL_FUNCTIONAL", "210", "basic", "67.18", "67.17"),
    ("subtotal", "ROUNDING", "GENERAL_FUNCTIONAL", "210", "personnel", "67.18", "67.17"),
    ("subtotal", "ROUNDING", "GENERAL_FUNCTIONAL", "21011", "total", "67.18", "67.17"),
    ("subtotal", "ROUNDING", "GENERAL_FUNCTIONAL", "21011", "basic", "67.18", "67.17"),
    ("subtotal", "ROUNDING", "GENERAL_FUNCTIONAL", "21011", "personnel", "67.18", "67.17"),
    ("subtotal", "ROUNDING", "GENERAL_BASIC_ECONOMIC", "301", "total", "755.92", "755.91"),
    ("subtotal", "ROUNDING", "GENERAL_BASIC_ECONOMIC", None, "total", "990.53", "990.52"),
]

# The official names of the seed's functional codes, as DOMAIN.md gives them.
FUNCTIONAL_NAMES = {
    "208": "社会保障和就业支出",
    "20805": "行政事业单位养老支出",
    "2080501": "行政单位离退休",
    "2080505": "机关事业单位基本养老保险缴费支出",
    "2080506": "机关事业单位职业年金缴费支出",
    "20899": "其他社会保障和就业支出",
    "2089999": "其他社会保障和就业支出",
    "210": "卫生健康支出",
    "21011": "行政事业单位医疗",
    "2101101": "行政单位医疗",
    "2101103": "公务员医疗补助",
    "215": "资源勘探工业信息等支出",
    "21505": "工业和信息产业监管",
    "2150501": "行政运行",
    "2150502": "一般行政管理事务",
    "2150517": "产业发展",
    "221": "住房保障支出",
    "22102": "住房改革支出",
    "2210201": "住房公积金",
    "2210202": "提租补贴",
}


def variant(code: str, *, year: int = 2023, name: str | None = None, **amounts: str) -> str:
    """The seed as another department's (code, name) for another year, with some item
    amounts of table 5 changed (``amounts={"2150517": "100.00"}`` changes its 合计 and 项目)."""
    text = SEED.read_text(encoding="utf-8")
    name = name or f"咸宁市测试{code}局"
    text = text.replace("咸宁市经信局 2023 年", f"{name} {year} 年", 1)
    for old, new in (("209001", f"{code}001"), ("<b>209</b>", f"<b>{code}</b>")):
        text = text.replace(old, new)
    text = text.replace("\n209\t", f"\n{code}\t")
    text = text.replace("咸宁市经济和信息化局", name).replace("咸宁市经济和信息", name)
    lines = text.split("\n")
    for item, amount in amounts.items():
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{item}\t"))
        cells = lines[index].split("\t")
        old = cells[2]
        lines[index] = "\t".join(amount if cell == old else cell for cell in cells)
    return "\n".join(lines)


async def load_text(database, text: str):
    """Parse, check and load a document text as `hub ingest` does."""
    import hashlib

    from hub.catalog import Catalog
    from hub.check import check_document
    from hub.domain import SourceFormat
    from hub.parse import parse_document
    from hub.parse.model import Source
    from hub.store.load import load_document

    catalog = Catalog.shipped()
    source = Source(SEED.name, hashlib.sha256(text.encode()).hexdigest(), SourceFormat.TEXT, text)
    document = parse_document(source)
    async with database.transaction() as session:
        return await load_document(session, document, check_document(document, catalog), catalog)
