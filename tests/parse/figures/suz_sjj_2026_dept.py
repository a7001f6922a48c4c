"""Figures of suz-sjj-2026-dept.pdf (苏州市审计局 2026 年度部门预算), as printed."""

FIGURES = {
    "file": "suz-sjj-2026-dept.pdf",
    "sha256": "566b0189ba77a1eac4ed5578789fb5b5da1eddb63c252c713a07b05526926e47",
    "department": "苏州市审计局",
    "year": 2026,
    "scope": "DEPARTMENT",
    "functional": {
        "page": 16,
        "title": "一般公共预算支出表",
        "unit": "万元",
        "columns": ["total", "basic", "personnel", "operating", "project"],
        "headers": ["合计", "基本支出/小计", "基本支出/人员经费", "基本支出/公用经费", "项目支出"],
        "rows": [
            " |  | 合计 | 4,651.67 | 4,312.17 | 3,916.57 | 395.60 | 339.50",
            "201 | 201 | 一般公共服务支出 | 2,906.63 | 2,567.13 | 2,171.53 | 395.60 | 339.50",
            "20108 | 20108 | 审计事务 | 2,906.63 | 2,567.13 | 2,171.53 | 395.60 | 339.50",
            "2010801 | 2010801 | 行政运行 | 2,342.00 | 2,342.00 | 1,946.40 | 395.60 | ",
            "2010802 | 2010802 | 一般行政管理事务 | 339.50 |  |  |  | 339.50",
            "2010850 | 2010850 | 事业运行 | 225.13 | 225.13 | 225.13 |  | ",
            "208 | 208 | 社会保障和就业支出 | 442.09 | 442.09 | 442.09 |  | ",
            "20805 | 20805 | 行政事业单位养老支出 | 442.09 | 442.09 | 442.09 |  | ",
            "2080505 | 2080505 | 机关事业单位基本养老保险缴费支出 | 298.72 | 298.72 | 298.72 |  | ",
            "2080506 | 2080506 | 机关事业单位职业年金缴费支出 | 143.37 | 143.37 | 143.37 |  | ",
            "221 | 221 | 住房保障支出 | 1,302.95 | 1,302.95 | 1,302.95 |  | ",
            "22102 | 22102 | 住房改革支出 | 1,302.95 | 1,302.95 | 1,302.95 |  | ",
            "2210201 | 2210201 | 住房公积金 | 345.48 | 345.48 | 345.48 |  | ",
            "2210202 | 2210202 | 提租补贴 | 555.50 | 555.50 | 555.50 |  | ",
            "2210203 | 2210203 | 购房补贴 | 401.97 | 401.97 | 401.97 |  | ",
        ],
    },
    "economic": {
        "page": 17,
        "title": "一般公共预算基本支出表",
        "unit": "万元",
        "columns": ["total", "personnel", "operating"],
        "headers": ["合计", "人员经费", "公用经费"],
        "rows": [
            " |  | 合计 | 4,312.17 | 3,916.57 | 395.60",
            "301 | 301 | 工资福利支出 | 3,584.70 | 3,584.70 | ",
            "30101 | 30101 | 基本工资 | 469.17 | 469.17 | ",
            "30102 | 30102 | 津贴补贴 | 1,300.77 | 1,300.77 | ",
            "30103 | 30103 | 奖金 | 524.32 | 524.32 | ",
            "30107 | 30107 | 绩效工资 | 201.35 | 201.35 | ",
            "30108 | 30108 | 机关事业单位基本养老保险缴费 | 298.72 | 298.72 | ",
            "30109 | 30109 | 职业年金缴费 | 143.37 | 143.37 | ",
            "30110 | 30110 | 职工基本医疗保险缴费 | 91.55 | 91.55 | ",
            "30111 | 30111 | 公务员医疗补助缴费 | 5.52 | 5.52 | ",
            "30112 | 30112 | 其他社会保障缴费 | 78.56 | 78.56 | ",
            "30113 | 30113 | 住房公积金 | 345.48 | 345.48 | ",
            "30199 | 30199 | 其他工资福利支出 | 125.89 | 125.89 | ",
            "302 | 302 | 商品和服务支出 | 395.60 |  | 395.60",
            "30201 | 30201 | 办公费 | 29.00 |  | 29.00",
            "30202 | 30202 | 印刷费 | 5.00 |  | 5.00",
            "30205 | 30205 | 水费 | 0.50 |  | 0.50",
            "30206 | 30206 | 电费 | 1.50 |  | 1.50",
            "30207 | 30207 | 邮电费 | 17.00 |  | 17.00",
            "30211 | 30211 | 差旅费 | 76.45 |  | 76.45",
            "30215 | 30215 | 会议费 | 10.00 |  | 10.00",
            "30217 | 30217 | 公务接待费 | 10.00 |  | 10.00",
            "30228 | 30228 | 工会经费 | 53.00 |  | 53.00",
            "30239 | 30239 | 其他交通费用 | 65.52 |  | 65.52",
            "30240 | 30240 | 税金及附加费用 | 44.79 |  | 44.79",
            "30299 | 30299 | 其他商品和服务支出 | 82.84 |  | 82.84",
            "303 | 303 | 对个人和家庭的补助 | 331.87 | 331.87 | ",
            "30302 | 30302 | 退休费 | 315.52 | 315.52 | ",
            "30305 | 30305 | 生活补助 | 7.20 | 7.20 | ",
            "30309 | 30309 | 奖励金 | 0.15 | 0.15 | ",
            "30399 | 30399 | 其他对个人和家庭的补助 | 9.00 | 9.00 | ",
        ],
    },
    "summary": {
        "page": 9,
        "unit": "万元",
        "income_total": "4,651.67",
        "expenditure_total": "4,651.67",
    },
    "three_public": {
        "page": 18,
        "unit": "万元",
        "total": "10.00",
        "overseas": "0.00",
        "reception": "10.00",
        "vehicles": "0.00",
        "vehicle_purchase": "0.00",
        "vehicle_operation": "0.00",
        "rows": [
            " | “三公”经费合计 | 10.00",
            " | 因公出国（境）费 | 0.00",
            " | 公务用车购置及运行维护费/小计 | 0.00",
            " | 公务用车购置及运行维护费/公务用车购置费 | 0.00",
            " | 公务用车购置及运行维护费/公务用车运行维护费 | 0.00",
            " | 公务接待费 | 10.00",
            " | 会议费 | 10.00",
            " | 培训费 | 43.00",
        ],
    },
    "codes": [
        ("FUNCTIONAL", "201", "一般公共服务支出"),
        ("FUNCTIONAL", "20108", "审计事务"),
        ("FUNCTIONAL", "2010801", "行政运行"),
        ("FUNCTIONAL", "2010802", "一般行政管理事务"),
        ("FUNCTIONAL", "2010850", "事业运行"),
        ("FUNCTIONAL", "208", "社会保障和就业支出"),
        ("FUNCTIONAL", "20805", "行政事业单位养老支出"),
        ("FUNCTIONAL", "2080505", "机关事业单位基本养老保险缴费支出"),
        ("FUNCTIONAL", "2080506", "机关事业单位职业年金缴费支出"),
        ("FUNCTIONAL", "221", "住房保障支出"),
        ("FUNCTIONAL", "22102", "住房改革支出"),
        ("FUNCTIONAL", "2210201", "住房公积金"),
        ("FUNCTIONAL", "2210202", "提租补贴"),
        ("FUNCTIONAL", "2210203", "购房补贴"),
        ("DEPARTMENTAL_ECONOMIC", "301", "工资福利支出"),
        ("DEPARTMENTAL_ECONOMIC", "30101", "基本工资"),
        ("DEPARTMENTAL_ECONOMIC", "30102", "津贴补贴"),
        ("DEPARTMENTAL_ECONOMIC", "30103", "奖金"),
        ("DEPARTMENTAL_ECONOMIC", "30107", "绩效工资"),
        ("DEPARTMENTAL_ECONOMIC", "30108", "机关事业单位基本养老保险缴费"),
        ("DEPARTMENTAL_ECONOMIC", "30109", "职业年金缴费"),
        ("DEPARTMENTAL_ECONOMIC", "30110", "职工基本医疗保险缴费"),
        ("DEPARTMENTAL_ECONOMIC", "30111", "公务员医疗补助缴费"),
        ("DEPARTMENTAL_ECONOMIC", "30112", "其他社会保障缴费"),
        ("DEPARTMENTAL_ECONOMIC", "30113", "住房公积金"),
        ("DEPARTMENTAL_ECONOMIC", "30199", "其他工资福利支出"),
        ("DEPARTMENTAL_ECONOMIC", "302", "商品和服务支出"),
        ("DEPARTMENTAL_ECONOMIC", "30201", "办公费"),
        ("DEPARTMENTAL_ECONOMIC", "30202", "印刷费"),
        ("DEPARTMENTAL_ECONOMIC", "30205", "水费"),
        ("DEPARTMENTAL_ECONOMIC", "30206", "电费"),
        ("DEPARTMENTAL_ECONOMIC", "30207", "邮电费"),
        ("DEPARTMENTAL_ECONOMIC", "30211", "差旅费"),
        ("DEPARTMENTAL_ECONOMIC", "30215", "会议费"),
        ("DEPARTMENTAL_ECONOMIC", "30217", "公务接待费"),
        ("DEPARTMENTAL_ECONOMIC", "30228", "工会经费"),
        ("DEPARTMENTAL_ECONOMIC", "30239", "其他交通费用"),
        ("DEPARTMENTAL_ECONOMIC", "30240", "税金及附加费用"),
        ("DEPARTMENTAL_ECONOMIC", "30299", "其他商品和服务支出"),
        ("DEPARTMENTAL_ECONOMIC", "303", "对个人和家庭的补助"),
        ("DEPARTMENTAL_ECONOMIC", "30302", "退休费"),
        ("DEPARTMENTAL_ECONOMIC", "30305", "生活补助"),
        ("DEPARTMENTAL_ECONOMIC", "30309", "奖励金"),
        ("DEPARTMENTAL_ECONOMIC", "30399", "其他对个人和家庭的补助"),
    ],
    "notes": (
        "PDF pages are 1-based physical pages; the printed page footers are one less (the functional table on "
        "page 16 is footed '- 15 -'). Running header '苏州市审计局 2026 年度部门预算公开' on every page; each table is "
        "labelled '公开NN表' on the line above its title (07 = 一般公共预算支出表, 08 = 一般公共预算基本支出表, "
        "01 = 收支总表, 09 = 三公). Every table fits on one page; the 合计 row is printed first, directly under the "
        "headers. Codes are concatenated digits (3/5/7) in a 科目编码 column, indented by level. Amounts in 万元 "
        "with thousands separators; a blank cell means nothing (no '-' or 0.00 in these tables). "
        "Headers: a column printed under a group header is written 'group/leaf' (基本支出 over 小计/人员经费/"
        "公用经费 in table 07; "
        "公务用车购置及运行维护费 over 小计/公务用车购置费/公务用车运行维护费 in table 09); in table 08 the caption '本年一般公共预算基本支出' spans all three columns and is left off. "
        "三公 table (公开09表 一般公共预算“三公”经费、会议费、培训费支出表) is one unlabelled row of figures under a "
        "two-level header, so its rows have an empty row label; it also prints 会议费 10.00 and 培训费 43.00, "
        "which are not part of 三公. Its header '公务用车运行维护费' is wrapped in the cell ('公务用车运行维' / '护费'), "
        "joined here. 收支总表 (公开01表): 本年收入合计 = 本年支出合计 = 收入总计 = 支出总计 = 4,651.67; 上年结转结余 and "
        "年终结转结余 are blank. The department codes 024 / 024001 printed in 收入总表 (公开02表) are not "
        "classification codes and are left out of 'codes'; the 政府采购支出表 (公开13表) names economic items "
        "without codes. Arithmetic: every 类 = sum of its 款, every 款 = sum of its 项, 合计 = sum of 类, in every "
        "column of tables 07 and 08; total = basic + project and basic = personnel + operating on every row of "
        "table 07; total = personnel + operating on every row of table 08; table 07 basic 4,312.17 = table 08 合计; "
        "table 07 personnel 3,916.57 = table 08 301 + 303, operating 395.60 = 302 = 机关运行经费 (公开12表); "
        "三公 10.00 = 0.00 + 0.00 + 10.00 and table 08 30217 公务接待费 10.00 = 三公 公务接待费. No discrepancy found."
    ),
}
