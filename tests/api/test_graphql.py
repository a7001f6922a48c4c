"""The API through the real ASGI app, on SQLite and PostgreSQL."""

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from hub.app.web import create_app
from hub.config import Settings
from hub.store.engine import Database
from tests import seed

CONTRACT = (Path(__file__).parent / "contract.graphql").read_text(encoding="utf-8")


class Client:
    def __init__(self, http: httpx.AsyncClient, database: Database) -> None:
        self.http, self.database = http, database
        self.statements = 0
        event.listen(database.engine.sync_engine, "before_cursor_execute", self._count)

    def _count(self, _connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        # Queries only: the BEGIN the hub sends SQLite itself is a driver's job elsewhere.
        if not statement.startswith("BEGIN"):
            self.statements += 1

    async def query(self, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.http.post("/graphql", json={"query": query, "variables": variables})
        body = response.json()
        assert response.status_code == 200, body
        assert "errors" not in body, body["errors"]
        return dict(body["data"])

    async def counted(self, query: str, **variables: Any) -> tuple[dict[str, Any], int]:
        self.statements = 0
        data = await self.query(query, **variables)
        return data, self.statements


@pytest.fixture
async def client(database: Database) -> AsyncIterator[Client]:
    app = create_app(Settings(database_url=str(database.url)), database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as http:
        yield Client(http, database)


def _tree() -> list[dict[str, Any]]:
    """The contract's functional tree, from the seed's printed rows; computed sums by hand."""
    rows = {code: amounts for code, _, *amounts in seed.TABLE_5 if code in seed.FUNCTIONAL_NAMES}
    printed = {code: name for code, name, *_ in seed.TABLE_5}
    columns = seed.TABLE_5_COLUMNS

    def leaves(code: str) -> list[str]:
        below = [c for c in rows if c != code and c.startswith(code)]
        return [c for c in below if not any(o != c and o.startswith(c) for o in below)] or [code]

    def computed(code: str) -> dict[str, str | None]:
        sums: dict[str, str | None] = {}
        for i, column in enumerate(columns):
            values = [rows[leaf][i] for leaf in leaves(code)]
            present = [Decimal(v) for v in values if v is not None]
            sums[column] = str(sum(present)) if present else None
        return sums

    def stated(code: str, wanted: tuple[str, ...]) -> dict[str, str | None]:
        return {c: rows[code][columns.index(c)] for c in wanted}

    def children(code: str) -> list[str]:
        return [c for c in rows if len(c) == len(code) + 2 and c.startswith(code)]

    level = {3: "CLASS", 5: "SECTION", 7: "ITEM"}
    return [
        {
            "code": c,
            "name": seed.FUNCTIONAL_NAMES[c],
            "printedName": printed[c],
            "level": "CLASS",
            "stated": stated(c, columns),
            "computed": computed(c),
            "children": [
                {
                    "code": s,
                    "name": seed.FUNCTIONAL_NAMES[s],
                    "level": level[len(s)],
                    "stated": stated(s, ("total",)),
                    "computed": {"total": computed(s)["total"]},
                    "children": [
                        {
                            "code": i,
                            "name": seed.FUNCTIONAL_NAMES[i],
                            "level": level[len(i)],
                            "stated": stated(i, ("total", "basic", "project")),
                            "computed": {"total": computed(i)["total"]},
                        }
                        for i in children(s)
                    ],
                }
                for s in children(c)
            ],
        }
        for c in rows
        if len(c) == 3
    ]


def _economic() -> list[dict[str, Any]]:
    rows = [(code, name, total) for code, name, total in seed.TABLE_6 if code[:1] == "3"]
    official = {"30213": "维修（护）费"}
    classes = [r for r in rows if len(r[0]) == 3]

    def sections(code: str) -> list[tuple[str, str, str]]:
        return [r for r in rows if len(r[0]) == 5 and r[0].startswith(code)]

    return [
        {
            "code": code,
            "name": name,
            "level": "CLASS",
            "stated": {"total": total},
            "computed": {"total": str(sum(Decimal(t) for _, _, t in sections(code)))},
            "children": [
                {
                    "code": s,
                    "name": official.get(s, n),
                    "stated": {"total": t},
                    "computed": {"total": t},
                }
                for s, n, t in sections(code)
            ],
        }
        for code, name, total in classes
    ]


async def test_the_contract_query_returns_the_seed_exactly(
    client: Client, database: Database
) -> None:
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
    data, statements = await client.counted(CONTRACT)
    disclosure = data["disclosure"]
    assert (disclosure["year"], disclosure["version"]) == (2023, 1)
    assert disclosure["department"] == {"code": "209", "name": "咸宁市经济和信息化局"}
    functional = [{k: v for k, v in node.items() if k != "id"} for node in disclosure["functional"]]
    assert functional == _tree()
    assert disclosure["economic"] == _economic()
    assert disclosure["threePublic"] == {
        "total": "5.40",
        "overseas": None,
        "reception": "2.40",
        "vehicles": "3.00",
        "vehiclePurchase": None,
        "vehicleOperation": "3.00",
    }
    read = [
        (f["rule"], f["severity"], f["table"], f["code"], f["column"], f["expected"], f["actual"])
        for f in disclosure["findings"]
    ]
    assert read == seed.FINDINGS
    assert [f["difference"] for f in disclosure["findings"][2:]] == ["-0.01"] * 8
    # The number of statements is bounded by the query's shape, not by its 60-odd nodes.
    assert statements <= 8


async def test_every_id_in_the_contract_resolves_through_node(
    client: Client, database: Database
) -> None:
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
    disclosure = (await client.query(CONTRACT))["disclosure"]
    ids = [disclosure["id"]] + [node["id"] for node in disclosure["functional"]]
    lookups = " ".join(
        f'n{i}: node(id: "{id_}") {{ id __typename ... on BudgetNode {{ code }} '
        "... on Disclosure { year } }"
        for i, id_ in enumerate(ids)
    )
    found = await client.query("{ " + lookups + " }")
    assert [found[f"n{i}"]["id"] for i in range(len(ids))] == ids
    assert found["n0"] == {"id": ids[0], "__typename": "Disclosure", "year": 2023}
    assert [found[f"n{i}"]["code"] for i in range(1, len(ids))] == ["208", "210", "215", "221"]


async def test_every_column_of_table_5_and_tables_1_4_8_and_the_prose(
    client: Client, database: Database
) -> None:
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
    data = await client.query(
        """{ disclosure(department: "咸宁市经济和信息化局", year: 2023) {
            functionalTotal { total basic personnel operating project contingency business subsidiary remit }
            fundTotal { total projectRegular remit }
            incomeExpenditure { side label item amount }
            fiscalAppropriations { side label amount }
            fund { code }
            projects { name amount indicators { level1 level2 name value comparator number unit } }
            sections { headingPath }
            glossary { term }
        } }"""
    )
    d = data["disclosure"]
    assert d["functionalTotal"] == {
        "total": "3814.52",
        "basic": "990.52",
        "personnel": "842.64",
        "operating": "147.88",
        "project": "2824.00",
        "contingency": None,
        "business": None,
        "subsidiary": None,
        "remit": None,
    }
    assert d["fundTotal"] == {"total": "0.00", "projectRegular": "0.00", "remit": "0.00"}
    assert d["fund"] == []
    t1 = [(r["side"], r["label"], r["amount"]) for r in d["incomeExpenditure"]]
    assert t1 == [
        (side, cell[0], cell[1])
        for income, expenditure in seed.TABLE_1
        for side, cell in (("INCOME", income), ("EXPENDITURE", expenditure))
        if cell is not None
    ]
    assert d["incomeExpenditure"][0]["item"] == "general_public_budget"
    assert len(d["fiscalAppropriations"]) == 18
    projects = [
        (
            p["name"],
            p["amount"],
            [
                (
                    i["level1"],
                    i["level2"],
                    i["name"],
                    i["value"],
                    i["comparator"],
                    i["number"],
                    i["unit"],
                )
                for i in p["indicators"]
            ],
        )
        for p in d["projects"]
    ]
    assert projects == [(n, f"{a}.00", inds) for n, a, _, inds in seed.PROJECTS]
    assert len(d["sections"]) == 34
    assert len(d["glossary"]) == 14


async def test_drilling_the_catalog(client: Client) -> None:
    data = await client.query(
        """{ subject(scheme: FUNCTIONAL, code: "2150517", year: 2023) {
            code name level parent { code } ancestors { code name }
        }
        top: subject(scheme: FUNCTIONAL, code: "215", year: 2023) {
            children { code name } descendants(depth: 2) { code level }
        }
        old: subject(scheme: FUNCTIONAL, code: "210", year: 2017) { name validFrom validTo }
        none: subject(scheme: FUNCTIONAL, code: "2159999", year: 2023) { code } }"""
    )
    assert data["subject"] == {
        "code": "2150517",
        "name": "产业发展",
        "level": "ITEM",
        "parent": {"code": "21505"},
        "ancestors": [
            {"code": "215", "name": "资源勘探工业信息等支出"},
            {"code": "21505", "name": "工业和信息产业监管"},
        ],
    }
    assert data["top"]["children"] == [{"code": "21505", "name": "工业和信息产业监管"}]
    assert [d["code"] for d in data["top"]["descendants"]] == [
        "21505",
        "2150501",
        "2150502",
        "2150517",
    ]
    assert data["old"] == {"name": "医疗卫生与计划生育支出", "validFrom": 2014, "validTo": 2018}
    assert data["none"] is None


ROLLUP = """query($year: Int!, $other: Int!) {
  rollup(scheme: FUNCTIONAL, year: $year, code: "215") {
    code name level total departmentCount
    inYear(year: $other) { year total change ratio }
    children {
      code total
      children { code total byDepartment(first: 10) { department { code } total } }
    }
  }
}"""


async def test_rollup_across_departments_and_years(client: Client, database: Database) -> None:
    # 209 in 2023 twice: the correction (2150517 at 2800.00) supersedes the first version.
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
    await seed.load_text(
        database, seed.variant("209", name="咸宁市经济和信息化局", **{"2150517": "2800.00"})
    )
    await seed.load_text(database, seed.variant("501", **{"2150517": "100.00"}))
    await seed.load_text(database, seed.variant("502", **{"2150517": "50.00"}))
    await seed.load_text(database, seed.variant("502", year=2022, **{"2150517": "40.00"}))
    data = await client.query(ROLLUP, year=2023, other=2022)
    rollup = data["rollup"]
    # 2150517 over the current 2023 versions: 2800.00 + 100.00 + 50.00; never the superseded 2798.00.
    items = {i["code"]: i for i in rollup["children"][0]["children"]}
    assert items["2150517"]["total"] == "2950.00"
    assert items["2150517"]["byDepartment"] == [
        {"department": {"code": "209"}, "total": "2800.00"},
        {"department": {"code": "501"}, "total": "100.00"},
        {"department": {"code": "502"}, "total": "50.00"},
    ]
    # 215 is each department's stated 3507.74, three times.
    assert (rollup["total"], rollup["departmentCount"]) == ("10523.22", 3)
    assert rollup["inYear"] == {
        "year": 2022,
        "total": "3507.74",
        "change": "7015.48",
        "ratio": "3.000000",
    }
    assert (rollup["name"], rollup["level"]) == ("资源勘探工业信息等支出", "CLASS")
    regional = await client.query(
        '{ a: rollup(scheme: FUNCTIONAL, year: 2023, code: "215", region: "421200") { total } '
        ' b: rollup(scheme: FUNCTIONAL, year: 2023, code: "215", region: "上海市普陀区") { total } }'
    )
    assert regional == {"a": {"total": "10523.22"}, "b": None}


async def test_rollup_statements_do_not_grow_with_departments(
    client: Client, database: Database
) -> None:
    for number in range(50):
        await seed.load_text(
            database, seed.variant(str(600 + number), **{"2150517": f"{number + 1}.00"})
        )
    data, statements = await client.counted(ROLLUP, year=2023, other=2022)
    items = {i["code"]: i for i in data["rollup"]["children"][0]["children"]}
    assert items["2150517"]["total"] == str(sum(range(1, 51))) + ".00"
    assert [d["total"] for d in items["2150517"]["byDepartment"]] == [
        f"{n}.00" for n in range(50, 40, -1)
    ]
    assert data["rollup"]["departmentCount"] == 50
    assert statements <= 7  # the first after a load reads the catalog again, with its version
    again, warm = await client.counted(ROLLUP, year=2023, other=2022)
    assert again == data
    assert warm <= 6


async def test_departments_and_disclosures_page_with_cursors(
    client: Client, database: Database
) -> None:
    for code in ("501", "502", "503"):
        await seed.load_text(database, seed.variant(code))
    await seed.load_text(database, seed.variant("503", **{"2150517": "1.00"}))
    first = await client.query(
        "{ departments(first: 2) { totalCount edges { cursor node { code } } pageInfo { hasNextPage endCursor } } }"
    )
    page = first["departments"]
    assert (page["totalCount"], [e["node"]["code"] for e in page["edges"]]) == (3, ["501", "502"])
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await client.query(
        "query($after: String) { departments(first: 2, after: $after) { edges { node { code } } pageInfo { hasNextPage hasPreviousPage } } }",
        after=page["pageInfo"]["endCursor"],
    )
    assert [e["node"]["code"] for e in rest["departments"]["edges"]] == ["503"]
    assert rest["departments"]["pageInfo"] == {"hasNextPage": False, "hasPreviousPage": True}
    current = await client.query(
        '{ disclosures(year: 2023, region: "咸宁市") { totalCount } all: disclosures(includeSuperseded: true, department: "503") { totalCount edges { node { version isCurrent } } } }'
    )
    assert current["disclosures"]["totalCount"] == 3
    assert [(e["node"]["version"], e["node"]["isCurrent"]) for e in current["all"]["edges"]] == [
        (1, False),
        (2, True),
    ]


async def _post(client: Client, query: str) -> httpx.Response:
    return await client.http.post("/graphql", json={"query": query})


async def test_abusive_queries_are_refused_with_a_code(client: Client) -> None:
    nested = (
        '{ node(id: "x") { id '
        + "... on Department { disclosures { department { " * 25
        + "id"
        + " } } }" * 25
        + " } }"
    )
    response = await _post(client, nested)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    aliases = "{ " + " ".join(f"a{i}: version" for i in range(5000)) + " }"
    response = await _post(client, aliases)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    huge = "{ version " + "#" * 1_000_000 + "\n}"
    response = await _post(client, huge)
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"


async def test_errors_are_masked_and_coded(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from hub.query.reads import Reader

    async def broken(*_: object, **__: object) -> None:
        raise RuntimeError("SELECT secret FROM somewhere failed")

    monkeypatch.setattr(Reader, "department_page", broken)
    response = await _post(client, "{ departments { totalCount } }")
    error = response.json()["errors"][0]
    assert (error["message"], error["extensions"]) == (
        "Internal server error",
        {"code": "INTERNAL_SERVER_ERROR"},
    )
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    typo = (await _post(client, "{ versoin }")).json()["errors"][0]
    assert typo["message"] == "Cannot query field 'versoin' on type 'Query'."
    assert typo["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    bad_id = (await _post(client, '{ node(id: "nonsense") { id } }')).json()["errors"][0]
    assert bad_id["extensions"]["code"] == "BAD_USER_INPUT"
    bad_code = (
        await _post(client, '{ subject(scheme: FUNCTIONAL, code: "21", year: 2023) { id } }')
    ).json()
    assert (
        bad_code["errors"][0]["message"]
        == "not a classification code: '21' (expected 3, 5 or 7 digits)"
    )


async def test_get_serves_queries_and_graphiql(client: Client) -> None:
    response = await client.http.get("/graphql", params={"query": "{ version }"})
    assert response.status_code == 200
    assert response.json()["data"]["version"]
    page = await client.http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


async def test_a_slow_request_is_cut_off(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from hub.query.reads import Reader

    async def slow(*_: object, **__: object) -> None:
        await asyncio.sleep(5)

    monkeypatch.setattr(Reader, "department_page", slow)
    app = create_app(Settings(database_url=str(database.url), request_timeout=0.2), database)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://hub"
    ) as http:
        response = await http.post("/graphql", json={"query": "{ departments { totalCount } }"})
    assert response.status_code == 503
    assert response.json()["errors"][0]["extensions"]["code"] == "TIMEOUT"


def _without_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


async def test_the_readme_shows_the_contract_query_and_its_real_answer(
    client: Client, database: Database
) -> None:
    import json
    import re

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(graphql|json)\n(.*?)\n```", readme, re.S)
    assert ("graphql", CONTRACT.rstrip()) in blocks
    answer = json.loads(next(text for kind, text in blocks if kind == "json"))
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
    assert _without_ids({"data": await client.query(CONTRACT)}) == _without_ids(answer)


async def test_values_inside_nodes_have_ids_that_node_resolves(
    client: Client, database: Database
) -> None:
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
    await seed.load_text(database, seed.variant("209", name="咸宁市经济和信息化局", year=2022))
    data = await client.query(
        """{ disclosure(department: "209", year: 2023) {
              functional { stated { id total } computed { id total } }
              functionalTotal { id total } threePublic { id total } source { id fileName }
            }
            rollup(scheme: FUNCTIONAL, year: 2023, code: "215") {
              byDepartment { id total } inYear(year: 2022) { id total }
            } }"""
    )
    d, r = data["disclosure"], data["rollup"]
    values = [
        (d["functional"][1]["stated"], "Amounts", "total", "67.17"),
        (d["functional"][1]["computed"], "Amounts", "total", "67.18"),
        (d["functionalTotal"], "Amounts", "total", "3814.52"),
        (d["threePublic"], "ThreePublic", "total", "5.40"),
        (d["source"], "Source", "fileName", seed.SEED.name),
        (r["byDepartment"][0], "DepartmentAmount", "total", "3507.74"),
        (r["inYear"], "YearComparison", "total", "3507.74"),
    ]
    for value, type_name, field, expected in values:
        assert value[field] == expected
        found = await client.query(
            f"query($id: ID!) {{ node(id: $id) {{ id ... on {type_name} {{ {field} }} }} }}",
            id=value["id"],
        )
        assert found["node"] == {"id": value["id"], field: expected}
    assert len({v["id"] for v, *_ in values}) == len(values)


@pytest.mark.parametrize(
    "raw",
    [
        "RollupNode:GOVERNMENTAL_ECONOMIC:2023::501",
        "RollupNode:FUNCTIONAL:2023::21",
        "Disclosure:²",
        "Subject:NOPE:215:2023",
        "Part:bm9uc2Vuc2U:stated",
    ],
)
async def test_a_crafted_id_is_the_clients_error(client: Client, raw: str) -> None:
    from hub.api.ids import encode_id

    type_name, *key = raw.split(":")
    response = await _post(client, f'{{ node(id: "{encode_id(type_name, *key)}") {{ id }} }}')
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_failure_while_running_is_not_a_400(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hub.query.reads import Reader

    async def broken(*_: object, **__: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(Reader, "department_page", broken)
    response = await _post(client, "{ departments { totalCount } }")
    assert response.json()["data"] is None
    assert response.status_code == 200


def _b64(raw: str) -> str:
    import base64

    return base64.urlsafe_b64encode(raw.encode()).decode()


@pytest.mark.parametrize(
    "raw",
    [
        "Department:2147483648",
        "Department:9223372036854775808",
        "Department:99999999999999999999999999",
        "Department:-1",
        "Disclosure:-9223372036854775809",
        "BudgetNode:18446744073709551616:GENERAL_FUNCTIONAL:215",
        "Part:RGlzY2xvc3VyZTox:inYear:99999999999999999999",
        "RollupNode:FUNCTIONAL:2023:\x00:215",
    ],
)
async def test_an_id_out_of_range_is_a_400(client: Client, raw: str) -> None:
    response = await _post(client, f'{{ node(id: "{_b64(raw)}") {{ id }} }}')
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith("not an id of this API")


async def test_the_largest_key_is_an_id_of_nothing(client: Client) -> None:
    response = await _post(client, f'{{ node(id: "{_b64("Department:2147483647")}") {{ id }} }}')
    assert (response.status_code, response.json()) == (200, {"data": {"node": None}})


@pytest.mark.parametrize(
    ("field", "kind"),
    [
        ("departments(first: 1", "department"),
        ("disclosures(first: 1", "disclosure"),
        ("subjects(scheme: FUNCTIONAL, year: 2023, first: 1", "subject"),
    ],
)
@pytest.mark.parametrize("key", ["2147483648", "9223372036854775808", "-1", "1e3", " 7", "٣"])
async def test_a_cursor_out_of_range_is_a_400(
    client: Client, field: str, kind: str, key: str
) -> None:
    cursor = _b64(f"{kind}:{key}")
    response = await _post(client, f'{{ {field}, after: "{cursor}") {{ totalCount }} }}')
    assert response.status_code == 400, response.text
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == f"not a cursor of this list: {cursor!r}"


async def test_the_largest_cursor_is_past_the_end(client: Client) -> None:
    cursor = _b64("department:2147483647")
    data = await client.query(
        f'{{ departments(first: 1, after: "{cursor}") {{ totalCount edges {{ cursor }} }} }}'
    )
    assert data == {"departments": {"totalCount": 0, "edges": []}}


DISCLOSURE = "query ($d: String!) { disclosure(department: $d, year: 2023) { title } }"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"query": DISCLOSURE, "variables": {"d": "经信\x00局"}},
            "variable $d holds a NUL character (U+0000)",
        ),
        (
            {"query": '{ disclosure(department: "经信\\u0000局", year: 2023) { title } }'},
            "the string at line 1, column 26 holds a NUL character (U+0000)",
        ),
        (
            {"query": '{ disclosure(department: "经信\\u{0}局", year: 2023) { title } }'},
            "the string at line 1, column 26 holds a NUL character (U+0000)",
        ),
        (
            {
                "query": "query ($s: String) { subjects(scheme: FUNCTIONAL, year: 2023, search: $s) "
                "{ totalCount } }",
                "variables": {"s": "行政\x00"},
            },
            "variable $s holds a NUL character (U+0000)",
        ),
    ],
)
async def test_a_nul_character_is_a_400(client: Client, body: dict[str, Any], message: str) -> None:
    response = await client.http.post("/graphql", json=body)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith(message)


async def test_a_lone_surrogate_is_a_400(client: Client) -> None:
    body = (
        '{"query": "query ($d: String!) { disclosure(department: $d, year: 2023) { title } }", '
        '"variables": {"d": "\\ud800\\u5c40"}}'
    )
    response = await client.http.post(
        "/graphql", content=body.encode(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith("variable $d holds a lone UTF-16 surrogate (U+D800)")
    literal = await _post(client, '{ disclosure(department: "\\ud800", year: 2023) { title } }')
    assert literal.status_code == 400
    assert literal.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    pair = await client.http.post(
        "/graphql",
        content=body.replace("\\ud800\\u5c40", "\\ud83d\\ude00").encode(),
        headers={"content-type": "application/json"},
    )
    assert pair.json() == {"data": {"disclosure": None}}
