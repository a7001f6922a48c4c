"""The contract query, asked by department name, answered for the two real Shanghai PDFs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from hub.app.ingest import ingest_files
from hub.app.web import create_app
from hub.config import Settings
from hub.parse.model import Overrides
from hub.store.engine import Database
from tests.corpus import NAMES, corpus_file

CONTRACT = (Path(__file__).parent / "contract.graphql").read_text(encoding="utf-8")


async def _ask(database: Database, query: str) -> dict[str, Any]:
    app = create_app(Settings(database_url=str(database.url)), database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as http:
        body = (await http.post("/graphql", json={"query": query})).json()
    assert "errors" not in body, body["errors"]
    return dict(body["data"])


async def test_the_contract_query_by_department_name(database: Database) -> None:
    paths = [corpus_file(name) for name in NAMES]
    outcomes = await ingest_files(database, paths, Overrides())
    assert [o.error for o in outcomes] == [None, None]

    query = CONTRACT.replace(
        'disclosure(department: "209", year: 2023)',
        'disclosure(department: "上海市普陀区财政局", year: 2025)',
    ).replace("department { code name }", "department { code name units { name } }")
    finance = (await _ask(database, query))["disclosure"]
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
    wanli = (await _ask(database, wanli_query))["disclosure"]
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
    data = await _ask(
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
