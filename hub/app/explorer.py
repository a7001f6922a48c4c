"""The explorer at ``/``: server-rendered pages to look at the budgets and take them away.

Every page is one GraphQL query run in process, rendered by a template; the page links to that
query in GraphiQL and to its downloads, so what a person sees is what the API answers. Pages
speak Chinese, or English with ``lang=en``; a chart (ECharts, from the hub's own copy of the
assets) always has a table of the same nodes beside it, and its rows drill as its slices do.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from strawberry import Schema

from hub.api.context import make_context
from hub.api.errors import SERVICE_UNAVAILABLE
from hub.app.assets import find_asset
from hub.app.downloads import CODE, download_links
from hub.app.security import csp_nonce
from hub.domain import BudgetTable, Level, Measure, Scheme, ThreePublicItem, label
from hub.store.engine import Database

__all__ = ["routes"]

_TEMPLATES = Path(__file__).parent / "templates"
_WORDS: dict[str, tuple[str, str]] = {
    "hub": ("预算公开数据中心", "Budget Hub"),
    "start": ("首页", "Home"),
    "regions": ("地区", "Regions"),
    "years": ("年度", "Years"),
    "departments": ("部门", "Departments"),
    "disclosures": ("预算公开", "Disclosures"),
    "search": ("按名称查找部门", "Find a department by name"),
    "find": ("查找", "Find"),
    "department": ("部门", "Department"),
    "region": ("地区", "Region"),
    "year": ("年度", "Year"),
    "version": ("版本", "Version"),
    "current": ("现行", "current"),
    "superseded": ("已更正", "superseded"),
    "withdrawn": ("已撤回", "withdrawn"),
    "units": ("预算单位", "Budget units"),
    "source": ("来源文件", "Source file"),
    "pages": ("页", "pages"),
    "totals": ("主要数字", "Key totals"),
    "functional": ("支出功能分类", "Expenditure by function"),
    "economic": ("部门预算支出经济分类（基本支出）", "Basic expenditure by economic class"),
    "three_public": ("“三公”经费", "The “three public” expenses"),
    "projects": ("绩效目标", "Performance targets"),
    "narrative": ("情况说明", "Narrative"),
    "findings": ("核对结果", "Findings"),
    "code": ("编码", "Code"),
    "name": ("名称", "Name"),
    "stated": ("列示数", "Stated"),
    "computed": ("明细合计", "Sum of items"),
    "difference": ("差额", "Difference"),
    "amount": ("金额", "Amount"),
    "total": ("合计", "Total"),
    "basic": ("基本支出", "Basic"),
    "project": ("项目支出", "Projects"),
    "unit_wan": ("单位：万元", "Unit: 10,000 yuan (万元)"),
    "all": ("全部", "All"),
    "graphiql": ("在 GraphiQL 中打开本页查询", "Open this page's query in GraphiQL"),
    "downloads": ("下载", "Download"),
    "rollup": ("汇总", "Rollup"),
    "rollup_of": ("本地区本年度所有部门", "All departments of the region and year"),
    "ranked": ("部门排名", "Departments ranked"),
    "other_years": ("其他年度", "Other years"),
    "change": ("变化", "Change"),
    "none": ("无", "none"),
    "not_found": ("没有找到", "Not found"),
    "indicators": ("指标", "Indicators"),
    "target": ("年度目标", "Annual target"),
    "severity": ("级别", "Severity"),
    "rule": ("规则", "Rule"),
    "message": ("说明", "Message"),
    "no_chart": ("图表需要本机的 ECharts 副本：运行 hub assets fetch。下表列出同样的数字。",
                 "The chart needs the hub's copy of ECharts: run hub assets fetch. The table "
                 "lists the same figures."),
    "page_of": ("本页显示前 {n} 个", "Showing the first {n}"),
}  # fmt: skip

_NODE = "fragment Node on BudgetNode { code name printedName level " + (
    "stated { total basic project } computed { total basic project } }"
)
_DISCLOSURE_QUERY = (
    """query Disclosure($department: String!, $year: Int!, $region: String, $version: Int) {
  disclosure(department: $department, year: $year, region: $region, version: $version) {
    title year version isCurrent scope withdrawal { at by reason }
    department { code name region { code name } units { code name }
                 disclosures(year: $year) { version isCurrent } }
    source { fileName sha256 format pages ingestedAt }
    functionalTotal { total basic project }
    functional { ...Node children { ...Node children { ...Node } } }
    economic { ...Node children { ...Node } }
    threePublic { total overseas reception vehicles vehiclePurchase vehicleOperation }
    projects { name kind amount annualTarget indicators { level1 level2 name value } }
    sections { headingPath text }
    findings { severity rule message code table column }
  }
}
"""
    + _NODE
)
_START_QUERY = """query Start($after: String) {
  departments(first: 1) { totalCount }
  disclosures(first: 100, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { title year version department { code name region { code name } } } }
  }
}
"""
_ROLLUP_QUERY = """query Rollup($scheme: Scheme!, $code: String!, $year: Int!, $region: String,
                 $before: Int!, $after: Int!) {
  rollup(scheme: $scheme, code: $code, year: $year, region: $region) {
    code name level total departmentCount
    children { code name total departmentCount }
    byDepartment(first: 100) { total department { code name region { name } } }
    before: inYear(year: $before) { year total change ratio }
    after: inYear(year: $after) { year total change ratio }
  }
}
"""


class _Page:
    """What every template gets: the language, its words, and links that keep it."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.lang = "en" if request.query_params.get("lang") == "en" else "zh"

    def t(self, key: str, **values: Any) -> str:
        zh, en = _WORDS[key]
        return (en if self.lang == "en" else zh).format(**values)

    def url(self, path: str, **params: Any) -> str:
        kept = {k: v for k, v in params.items() if v not in (None, "")}
        if self.lang == "en":
            kept["lang"] = "en"
        return path + ("?" + urlencode(kept) if kept else "")

    def switch(self) -> str:
        """This page in the other language."""
        params = {k: v for k, v in self.request.query_params.items() if k != "lang"}
        if self.lang == "zh":
            params["lang"] = "en"
        return self.request.url.path + ("?" + urlencode(params) if params else "")


def _literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, Scheme):
        return value.name
    return json.dumps(value, ensure_ascii=False)


def graphiql_link(query: str, variables: Mapping[str, Any]) -> str:
    """GraphiQL, prefilled with the page's query, its variables written in as literals."""
    body = re.sub(r"^query (\w+)\([^)]*\)", r"query \1", query, flags=re.M)
    for name, value in sorted(variables.items(), key=lambda item: -len(item[0])):
        body = re.sub(rf"\${name}\b", _literal(value), body)
    return "/graphql#query=" + quote(body)


def _amount(value: Any) -> str:
    """万元 as documents print them: 2798.00, 0.31, 441.2547."""
    if value in (None, ""):
        return ""
    number = Decimal(str(value))
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        number = number.quantize(Decimal("0.01"))
    return str(number)


def _difference(node: Mapping[str, Any]) -> Decimal | None:
    stated, computed = node["stated"]["total"], node["computed"]["total"]
    if stated is None or computed is None:
        return None
    return Decimal(str(stated)) - Decimal(str(computed))


def _find(nodes: list[dict[str, Any]], code: str) -> list[dict[str, Any]]:
    """The path from a root to the node of ``code``; empty where the tree lacks it."""
    for node in nodes:
        if code == node["code"]:
            return [node]
        if code.startswith(node["code"]):
            below = _find(node.get("children") or [], code)
            if below:
                return [node, *below]
    return []


def routes(
    schema: Schema, database: Database, assets: Mapping[str, str], *, graphiql: bool = True
) -> list[Route]:
    """The explorer's routes; ``assets`` maps "echarts" to its URL where the hub has a copy;
    without ``graphiql`` (``HUB_GRAPHIQL=0``) the pages offer no links to it."""
    environment = Environment(
        loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape(), enable_async=False
    )
    echarts_integrity = find_asset("echarts").files[0].integrity
    environment.filters["amount"] = _amount
    environment.filters["label"] = lambda value, kind: _label(kind, value)
    environment.filters["json"] = lambda value: Markup(
        json.dumps(value, ensure_ascii=False, default=str)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )

    async def run(query: str, variables: dict[str, Any]) -> dict[str, Any]:
        result = await schema.execute(
            query, variable_values=variables, context_value=make_context(database)
        )
        if result.errors:
            codes = {(e.extensions or {}).get("code") for e in result.errors}
            status = 503 if SERVICE_UNAVAILABLE in codes else 400
            raise _QueryError("; ".join(e.message for e in result.errors), status)
        return dict(result.data or {})

    def render(page: _Page, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        html = environment.get_template(template).render(
            page=page,
            t=page.t,
            url=page.url,
            echarts=assets.get("echarts"),
            echarts_integrity=echarts_integrity,
            nonce=csp_nonce(page.request),
            ide=graphiql,
            **values,
        )
        return HTMLResponse(html, status_code=status)

    def problem(page: _Page, message: str, status: int) -> HTMLResponse:
        return render(page, "problem.html", status, message=message)

    async def start(request: Request) -> Response:
        page = _Page(request)
        after = request.query_params.get("after") or None
        try:
            data = await run(_START_QUERY, {"after": after})
        except _QueryError as exc:
            return problem(page, str(exc), exc.status)
        nodes = [edge["node"] for edge in data["disclosures"]["edges"]]
        search = (request.query_params.get("q") or "").strip()
        shown = [n for n in nodes if search in n["department"]["name"]] if search else nodes
        regions = sorted({(n["department"]["region"]["name"]) for n in nodes})
        years = sorted({n["year"] for n in nodes}, reverse=True)
        return render(
            page,
            "start.html",
            data=data,
            disclosures=shown,
            search=search,
            regions=regions,
            years=years,
            graphiql=graphiql_link(_START_QUERY, {"after": after}),
        )

    async def disclosure(request: Request) -> Response:
        page = _Page(request)
        params = request.query_params
        department, year = params.get("department"), params.get("year", "")
        if not department or not year.isdigit():
            return problem(page, "department= and year= are required", 400)
        version = params.get("version")
        variables = {
            "department": department,
            "year": int(year),
            "region": params.get("region") or None,
            "version": int(version) if version and version.isdigit() else None,
        }
        try:
            data = await run(_DISCLOSURE_QUERY, variables)
        except _QueryError as exc:
            return problem(page, str(exc), exc.status)
        found = data["disclosure"]
        if found is None:
            return problem(page, f"{page.t('not_found')}: {department} {year}", 404)
        code = params.get("node") or ""
        path = _find(found["functional"], code) if code else []
        # A 项 has no children: its row stands alone under its breadcrumb.
        here = (path[-1].get("children") or path[-1:]) if path else found["functional"]
        counts: dict[str, list[str]] = {}
        for finding in found["findings"]:
            if finding["code"]:
                counts.setdefault(finding["code"], []).append(finding["severity"])
        keep = {"department": department, "year": year, "region": variables["region"],
                "version": variables["version"]}  # fmt: skip
        downloads = download_links("disclosure", keep)
        return render(
            page,
            "disclosure.html",
            d=found,
            path=path,
            here=here,
            keep=keep,
            counts=counts,
            difference=_difference,
            downloads=downloads,
            chart=[{"name": f"{n['code']} {n['name']}", "value": n["stated"]["total"],
                    "code": n["code"]} for n in here if n["stated"]["total"] is not None],
            graphiql=graphiql_link(_DISCLOSURE_QUERY, variables),
        )  # fmt: skip

    async def rollup(request: Request) -> Response:
        page = _Page(request)
        params = request.query_params
        code, year = params.get("code", ""), params.get("year", "")
        try:
            scheme = Scheme[(params.get("scheme") or "FUNCTIONAL").upper()]
        except KeyError:
            return problem(page, "scheme= is FUNCTIONAL or DEPARTMENTAL_ECONOMIC", 400)
        if not CODE.fullmatch(code) or not year.isdigit():
            return problem(page, "code= (3, 5 or 7 digits) and year= are required", 400)
        variables = {"scheme": scheme, "code": code, "year": int(year),
                     "region": params.get("region") or None,
                     "before": int(year) - 1, "after": int(year) + 1}  # fmt: skip
        try:
            data = await run(_ROLLUP_QUERY, {**variables, "scheme": scheme.name})
        except _QueryError as exc:
            return problem(page, str(exc), exc.status)
        node = data["rollup"]
        if node is None:
            return problem(page, f"{page.t('not_found')}: {code} {year}", 404)
        keep = {"scheme": scheme.name, "code": code, "year": year,
                "region": variables["region"]}  # fmt: skip
        downloads = download_links("rollup", keep)
        return render(
            page,
            "rollup.html",
            node=node,
            keep=keep,
            scheme=scheme,
            downloads=downloads,
            chart=[{"name": f"{c['code']} {c['name'] or ''}", "value": c["total"],
                    "code": c["code"]} for c in node["children"] if c["total"] is not None],
            graphiql=graphiql_link(_ROLLUP_QUERY, variables),
        )  # fmt: skip

    return [
        Route("/", start, methods=["GET"]),
        Route("/disclosure", disclosure, methods=["GET"]),
        Route("/rollup", rollup, methods=["GET"]),
    ]


class _QueryError(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


_KINDS: dict[str, Any] = {"table": BudgetTable, "measure": Measure, "level": Level,
                          "scheme": Scheme, "three_public": ThreePublicItem}  # fmt: skip


def _label(kind: str, value: str | None) -> str:
    """The Chinese label of an enum value the API answers (GENERAL_FUNCTIONAL, total, …)."""
    if not value:
        return ""
    try:
        return label(_KINDS[kind](value))
    except ValueError:
        return value
