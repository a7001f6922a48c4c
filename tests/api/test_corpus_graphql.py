"""The contract query, asked by department name, answered for the two real Shanghai PDFs."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium

from hub.app.ingest import ingest_files
from hub.catalog import Catalog
from hub.domain import Scheme
from hub.money import AmountUnit, wan
from hub.parse.cells import comparable, parse_amount
from hub.parse.model import Overrides
from hub.store.engine import Database
from tests.api.ask import ask
from tests.corpus import NAMES, corpus_file
from tests.parse.figures import FIGURES

CONTRACT = (Path(__file__).parent / "contract.graphql").read_text(encoding="utf-8")


async def test_the_contract_query_by_department_name(database: Database) -> None:
    paths = [corpus_file(name) for name in NAMES]
    outcomes = await ingest_files(database, paths, Overrides())
    assert [o.error for o in outcomes] == [None, None]

    query = CONTRACT.replace(
        'disclosure(department: "209", year: 2023)',
        'disclosure(department: "上海市普陀区财政局", year: 2025)',
    ).replace(
        "department { code name }", "source { pages } department { code name units { name } }"
    )
    finance = (await ask(database, query))["disclosure"]
    [path] = [p for p in paths if p.name.startswith("putuo-finance")]
    pdf = pdfium.PdfDocument(path)  # the pages as another reader counts them
    assert finance["source"] == {"pages": len(pdf)}
    assert len(pdf) > 1
    pdf.close()
    assert finance["department"] == {
        "code": None,
        "name": "上海市普陀区财政局",
        "units": [{"name": "财政局本部"}],
    }
    [pension] = [c for c in finance["functional"] if c["code"] == "208"]
    assert pension["stated"]["total"] == "350.8644"  # 3,508,644.00 元, exactly, in 万元
    [section] = pension["children"]
    assert [(n["code"], n["stated"]["total"]) for n in section["children"]] == [
        ("2080501", "87.708"),
        ("2080505", "174.8327"),
        ("2080506", "87.3617"),
        ("2080599", "0.962"),
    ]
    [administration] = [c for c in finance["functional"] if c["code"] == "201"]
    assert administration["stated"] == {
        "total": "2218.64408",  # 22,186,440.80 元
        "basic": "1609.3326",
        "personnel": None,
        "operating": None,
        "project": "609.31148",
    }
    assert finance["threePublic"] == {
        "total": "0.95",
        "overseas": None,
        "reception": "0.95",
        "vehicles": None,
        "vehiclePurchase": None,
        "vehicleOperation": None,
    }
    assert [(f["rule"], f["code"], f["actual"], f["expected"]) for f in finance["findings"]] == [
        ("narrative.amount", "2080506", "887.36", "87.3617")
    ]

    wanli_query = """{ disclosure(department: "上海市普陀区人民政府万里街道办事处", year: 2024) {
        department { units { name } }
        economic { code stated { total personnel operating } children { code stated { total } } }
        incomeByFunction { code stated { total fiscalGrant institutionIncome } }
        threePublic { total officeOperation }
    } }"""
    wanli = (await ask(database, wanli_query))["disclosure"]
    assert len(wanli["department"]["units"]) == 6
    salaries = wanli["economic"][0]
    assert (salaries["code"], salaries["stated"]["total"]) == ("301", "8828.2511")
    assert salaries["children"][1] == {"code": "30102", "stated": {"total": "1662.381"}}
    assert wanli["incomeByFunction"][0] == {
        "code": "201",
        "stated": {"total": "293.27", "fiscalGrant": "293.27", "institutionIncome": "0.00"},
    }
    assert wanli["threePublic"] == {"total": "47.91", "officeOperation": "443.18"}


async def test_rollups_and_listings_include_departments_known_by_name(database: Database) -> None:
    outcomes = await ingest_files(database, [corpus_file(name) for name in NAMES], Overrides())
    assert [o.error for o in outcomes] == [None, None]
    data = await ask(
        database,
        """{
          rollup(scheme: FUNCTIONAL, year: 2024, code: "212", region: "310107") {
            total departmentCount
            children { code total }
            byDepartment(first: 5) { department { name code } total }
          }
          departments(region: "上海市普陀区") { totalCount edges { node { name code } } }
        }""",
    )
    rollup = data["rollup"]
    assert (rollup["total"], rollup["departmentCount"]) == ("11938.5303", 1)  # 119,385,303 元
    assert rollup["children"] == [
        {"code": "21201", "total": "9445.0003"},
        {"code": "21203", "total": "972.18"},
        {"code": "21205", "total": "599.33"},
        {"code": "21299", "total": "922.02"},
    ]
    assert rollup["byDepartment"] == [
        {
            "department": {"name": "上海市普陀区人民政府万里街道办事处", "code": None},
            "total": "11938.5303",
        }
    ]
    assert data["departments"]["totalCount"] == 2
    assert sorted(e["node"]["name"] for e in data["departments"]["edges"]) == [
        "上海市普陀区人民政府万里街道办事处",
        "上海市普陀区财政局",
    ]


async def test_every_corpus_budget_loads_and_answers_by_name(database: Database) -> None:
    """Every budget of the corpus, of every region, through `hub ingest` and back over GraphQL:
    the department's name and year, its scope, and each 类 of its functional table."""
    for figures in FIGURES.values():
        paths = [corpus_file(figures["file"], figures["sha256"])]
        if "narrative" in figures:  # a disclosure in two files: named together, paired
            paths.append(corpus_file(figures["narrative"], _NARRATIVES[figures["narrative"]]))
        outcomes = await ingest_files(database, paths, Overrides(**figures.get("overrides", {})))
        assert [o.error for o in outcomes] == [None], figures["file"]
    for figures in FIGURES.values():
        functional = figures["functional"]
        query = f"""{{ disclosure(department: "{figures["department"]}", year: {figures["year"]},
            scope: {figures["scope"]}) {{
            year scope
            functional {{ code name stated {{ total }} computed {{ total }} }}
            fiscal: tree(table: FISCAL_FUNCTIONAL) {{
                code name stated {{ total }} computed {{ total }}
            }}
        }} }}"""
        found = (await ask(database, query))["disclosure"]
        assert (found["year"], found["scope"]) == (figures["year"], figures["scope"])
        tree = found["fiscal" if functional.get("table") == "FISCAL_FUNCTIONAL" else "functional"]
        unit = AmountUnit(functional["unit"])
        column = functional["columns"].index("total")
        rows = [[part.strip() for part in row.split("|")] for row in functional["rows"]]
        stated = {code: amounts[column] for code, _, _, *amounts in rows if len(code) == 3}
        classes = list(dict.fromkeys(code[:3] for code, *_ in rows if code))
        kept_by_name = any(not p and not _CATALOG.knows(Scheme.FUNCTIONAL, c) for c, p, *_ in rows)
        if kept_by_name:  # names the catalog cannot place stay outside the tree
            classes = [c for c in classes if _CATALOG.knows(Scheme.FUNCTIONAL, c)]
        # Each 类 as printed, or (leaf-only tables) computed from its 项, named all the same.
        assert [(n["code"], n["stated"]["total"]) for n in tree] == [
            (c, _wan(stated[c], unit) if c in stated else None) for c in classes
        ], figures["file"]
        assert all(n["name"] for n in tree), figures["file"]
        grand = next((a for code, _, name, *a in rows if name in {"合计", "总计"}), None)
        if grand is not None and not kept_by_name:
            computed = sum(Decimal(n["computed"]["total"] or 0) for n in tree)
            assert computed == wan(parse_amount(grand[column], unit)[0]), figures["file"]

    # A leaf-only table drills 类 → 款 → 项 all the same; the unprinted 类 has a global id. A 项
    # printed once per unit (Beijing's five unlabelled blocks) is a node per printed row.
    beijing = (
        await ask(
            database,
            """{ disclosure(department: "北京市司法局", year: 2026) {
                functional { id code name stated { total } computed { total }
                    children { code children { code computed { total } } } } } }""",
        )
    )["disclosure"]["functional"][0]
    assert (beijing["code"], beijing["name"], beijing["stated"]["total"]) == (
        "204",
        "公共安全支出",
        None,
    )
    assert beijing["computed"]["total"] == "25796.589222"  # as 03表 and 04表 print 204
    assert beijing["children"][0]["code"] == "20406"
    administration = [
        n["computed"]["total"] for n in beijing["children"][0]["children"] if n["code"] == "2040601"
    ]
    assert administration == ["12482.549431", "1022.607002"]
    node = f'node(id: "{beijing["id"]}") {{ ... on BudgetNode {{ code computed {{ total }} }} }}'
    again = await ask(database, f"{{ {node} }}")
    assert again["node"] == {"code": "204", "computed": beijing["computed"]}

    # Every code a corpus budget prints answers `subject` for its year with its full name
    # (杭州 prints names only: the codes its figures give are read, not printed).
    wanted = {
        (scheme, code, figures["year"]): name
        for key, figures in FIGURES.items()
        if key != "hz_qxj_2026_dept"
        for scheme, code, name in figures.get("codes", [])
        if scheme in {"FUNCTIONAL", "DEPARTMENTAL_ECONOMIC", "GOVERNMENTAL_ECONOMIC"}
    }
    keys = list(wanted)
    answered: dict[str, Any] = {}
    for start in range(0, len(keys), 50):  # a query may hold 50 aliases
        asked = " ".join(
            f'c{n}: subject(scheme: {scheme}, code: "{code}", year: {year}) {{ name source }}'
            for n, (scheme, code, year) in enumerate(keys[start : start + 50], start)
        )
        answered |= await ask(database, f"{{ {asked} }}")
    named = {key: answered[f"c{n}"] for n, key in enumerate(keys)}
    missing = [key for key, node in named.items() if node is None]
    assert missing == []
    differ = {
        key: (node["name"], node["source"], wanted[key])
        for key, node in named.items()
        if comparable(node["name"]) != comparable(wanted[key])
    }
    # The official name beats a printed variant (福州's 资本金注入（基本建设）).
    assert differ == {
        ("DEPARTMENTAL_ECONOMIC", "31101", 2026): (
            "资本金注入",
            "OFFICIAL",
            "资本金注入（基本建设）",
        )
    }

    # Projects' targets and the department's overall ones, told apart.
    kinds = (
        await ask(
            database,
            '{ disclosure(department: "长沙市信访局", year: 2026) { projects { kind name } } }',
        )
    )["disclosure"]["projects"]
    assert [p["kind"] for p in kinds] == ["PROJECT"] * 4 + ["OVERALL"]
    assert kinds[-1]["name"] == "长沙市信访局"

    # A PDF's project cards, served as the text layout's are.
    projects = (
        await ask(
            database,
            """{ disclosure(department: "西南大学", year: 2024) { projects {
                name amount indicators { level1 level2 name value comparator number unit } } } }""",
        )
    )["disclosure"]["projects"]
    rows = FIGURES["swu_2024_budget"]["projects"]["rows"]
    assert len(projects) == sum(row.startswith("P |") for row in rows)
    assert sum(len(p["indicators"]) for p in projects) == sum(r.startswith("I |") for r in rows)
    first = projects[0]
    assert (first["name"], first["amount"]) == ("236中央高校教育教学改革专项", "1960.35")
    assert first["indicators"][0] == {
        "level1": "产出指标",
        "level2": "数量指标",
        "name": "基础学科拔尖创新基地",
        "value": "≥1个",
        "comparator": "GE",
        "number": "1",
        "unit": "个",
    }


def _wan(printed: str, unit: AmountUnit) -> str | None:
    amount = wan(parse_amount(printed, unit)[0])
    return None if amount is None else str(amount)


_CATALOG = Catalog.shipped()
_NARRATIVES = {
    "bj-sfj-2026-dept.pdf": "68f4235a33f70a6adcc9fc03e08306497157c4e6d59293d2e0663587fde4fcc6"
}
