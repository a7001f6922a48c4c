"""Exports of the seed as a user downloads them (HTTP) or writes them (``hub export``), read
back figure by figure against the seed's own tables, on SQLite and PostgreSQL."""

import csv
import hashlib
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from frictionless import validate

from hub.store.engine import Database
from tests import seed

SEED_SHA256 = hashlib.sha256(seed.SEED.read_text(encoding="utf-8").encode()).hexdigest()


def _table_5(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Table 5's rows as the seed transcribes them: code (the printed one for the department's
    and the unit's rows), printed name, 合计, 基本, 人员, 公用, 项目 ("" or None where blank)."""
    return [
        (r["code"] or r["printed_code"] or "", r["printed_name"],
         *(r[c] for c in seed.TABLE_5_COLUMNS))
        for r in rows
        if r["table"] == "GENERAL_FUNCTIONAL"
    ]  # fmt: skip


def _seed_table_5(blank: Any, number: Any = str) -> list[tuple[Any, ...]]:
    return [
        (code, name, *(blank if a is None else number(a) for a in amounts))
        for code, name, *amounts in seed.TABLE_5
    ]


async def test_csv_is_utf8_with_a_bom_and_holds_table_5_as_printed(
    http: httpx.AsyncClient,
) -> None:
    response = await http.get("/export/disclosure.csv", params={"department": "209", "year": 2023})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert _table_5(rows) == _seed_table_5("")
    item = next(r for r in rows if r["table"] == "GENERAL_FUNCTIONAL" and r["code"] == "2150517")
    assert (item["parent_code"], item["level"], item["name"], item["printed_name"]) == (
        "21505", "ITEM", "产业发展", "产业发展",
    )  # fmt: skip
    assert item["line"].isdigit()
    economic = {r["code"]: r["total"] for r in rows if r["table"] == "GENERAL_BASIC_ECONOMIC"}
    assert {code: economic[code] for code, _, _ in seed.TABLE_6 if code in economic} == {
        code: total for code, _, total in seed.TABLE_6 if code in economic
    }
    assert len([c for c, _, _ in seed.TABLE_6 if len(c) in (3, 5)]) == len(economic)


async def test_json_holds_every_dataset_as_exact_numbers(http: httpx.AsyncClient) -> None:
    response = await http.get(
        "/export/disclosure.json", params={"department": "咸宁市经济和信息化局", "year": "2023"}
    )
    body = json.loads(response.content, parse_float=Decimal)
    assert (body["fiscal_year"], body["unit"]) == (2023, "万元")
    assert body["about"]["来源文件 SHA-256"] == SEED_SHA256
    assert _table_5(body["datasets"]["budget_lines"]) == _seed_table_5(None, Decimal)
    three_public = {r["item"]: r["amount"] for r in body["datasets"]["three_public"]}
    assert three_public == {
        item: None if amount is None else Decimal(amount) for item, _, amount in seed.TABLE_7
    }


async def test_xlsx_has_a_sheet_per_table_with_numbers_and_an_about_sheet(
    http: httpx.AsyncClient,
) -> None:
    response = await http.get("/export/disclosure.xlsx", params={"department": "209", "year": 2023})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "说明"
    about = {row[0]: row[1] for row in book["说明"].iter_rows(values_only=True)}
    assert (about["年度"], about["来源文件 SHA-256"]) == ("2023", SEED_SHA256)
    sheet = book["一般公共预算支出表（功能科目）"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header[:9] == ["表", "表名", "行类型", "收支", "科目体系", "科目编码", "上级科目编码",
                          "级次", "科目名称"]  # fmt: skip
    total = header.index("合计（万元）")
    rows = list(sheet.iter_rows(min_row=2))
    by_code = {r[5].value: r[total] for r in rows if r[5].value}
    assert isinstance(by_code["2150517"].value, int | float)
    assert by_code["2150517"].number_format == "#,##0.00"
    assert {code: Decimal(str(cell.value)) for code, cell in by_code.items()} == {
        code: Decimal(amounts[0]) for code, _, *amounts in seed.TABLE_5 if code in by_code
    }
    assert len(by_code) == len([c for c, *_ in seed.TABLE_5 if c in seed.FUNCTIONAL_NAMES])


async def test_rollup_exports_the_subtree_and_the_departments(http: httpx.AsyncClient) -> None:
    params = {"code": "215", "year": 2023, "scheme": "functional"}
    nodes = (await http.get("/export/rollup.csv", params=params)).content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(nodes))) == [
        ["code", "parent_code", "level", "total", "departments"],
        ["215", "", "CLASS", "3507.74", "1"],
        ["21505", "215", "SECTION", "3507.74", "1"],
        ["2150501", "21505", "ITEM", "683.74", "1"],
        ["2150502", "21505", "ITEM", "26.00", "1"],
        ["2150517", "21505", "ITEM", "2798.00", "1"],
    ]
    ranked = await http.get("/export/rollup.csv", params={**params, "dataset": "departments"})
    rows = list(csv.DictReader(io.StringIO(ranked.content.decode("utf-8-sig"))))
    assert [(r["rank"], r["department"], r["total"]) for r in rows] == [
        ("1", "咸宁市经济和信息化局", "3507.74")
    ]


@pytest.mark.parametrize(
    ("path", "params", "status", "message"),
    [
        ("/export/disclosure.csv", {"department": "999", "year": 2023}, 404, "no department '999'"),
        ("/export/disclosure.csv", {"department": "209"}, 400, "'year' is required"),
        ("/export/disclosure.csv", {"department": "209", "year": "x"}, 400, "whole number"),
        ("/export/disclosure.pdf", {"department": "209", "year": 2023}, 404, "unknown format"),
        ("/export/nothing.csv", {"year": 2023}, 404, "expected /export/disclosure"),
        ("/export/disclosure.csv", {"department": "209", "year": 2023, "phase": "final"}, 404,
         "final accounts"),
        ("/export/disclosure.csv", {"department": "209", "year": 2023, "dataset": "x"}, 400,
         "expected one of budget_lines, three_public"),
        ("/export/rollup.csv", {"code": "21", "year": 2023}, 400, "3, 5 or 7-digit"),
        ("/export/rollup.csv", {"code": "215", "year": 2023, "scheme": "x"}, 400, "FUNCTIONAL"),
    ],
)  # fmt: skip
async def test_a_bad_request_is_told_why(
    http: httpx.AsyncClient, path: str, params: dict[str, Any], status: int, message: str
) -> None:
    response = await http.get(path, params=params)
    assert (response.status_code, message in response.text) == (status, True), response.text


def _hub(*args: str, cwd: Path, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hub", *args, "--database", url],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


async def test_hub_export_writes_a_valid_fiscal_data_package(
    database: Database, tmp_path: Path
) -> None:
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
    url = str(database.url.render_as_string(hide_password=False))
    args = ("export", "--department", "209", "--year", "2023", "--format", "fdp", "-o", "pkg")
    result = _hub(*args, cwd=tmp_path, url=url)
    assert result.returncode == 0, result.stderr
    report = validate(tmp_path / "pkg" / "datapackage.json")
    assert report.valid, report.flatten(["type", "note"])
    descriptor = json.loads((tmp_path / "pkg" / "datapackage.json").read_text(encoding="utf-8"))
    measure = descriptor["model"]["measures"]["functional_lines.total"]
    assert (measure["currency"], measure["factor"]) == ("CNY", 10000)
    functional = descriptor["model"]["dimensions"]["functional_lines_classification"]
    assert functional["classificationType"] == "functional"
    assert functional["attributes"]["parent"] == {"source": "parent_code", "parent": "code"}
    assert "administrative_classification" in descriptor["model"]["dimensions"]
    with (tmp_path / "pkg" / "functional_lines.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["table"] == "GENERAL_FUNCTIONAL"]
    assert {(r["code"], r["total"]) for r in rows} == {
        (code, total) for code, _, total, *_ in seed.TABLE_5 if code in seed.FUNCTIONAL_NAMES
    }
    assert {(r["fiscal_year"], r["phase"], r["department"]) for r in rows} == {
        ("2023", "budget", "咸宁市经济和信息化局")
    }


async def test_hub_export_errors_are_one_line(database: Database, tmp_path: Path) -> None:
    url = str(database.url.render_as_string(hide_password=False))
    result = _hub("export", "--department", "209", "--year", "2023", cwd=tmp_path, url=url)
    assert result.returncode == 1
    assert result.stderr.startswith("error: no department '209'")
    assert "Traceback" not in result.stderr
    bad = _hub("export", "rollup", "--code", "215", "--year", "2023", "--format", "pdf",
               cwd=tmp_path, url=url)  # fmt: skip
    assert (bad.returncode, "expected one of csv, xlsx, json, fdp" in bad.stderr) == (1, True)
