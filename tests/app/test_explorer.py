"""The explorer's pages as a browser gets them (HTTP), on the seed: the start page, the drill
215 → 21505 → 2150517 through the table rows, a rollup, the English switch, the link to the
page's own query in GraphiQL and the downloads; on SQLite and PostgreSQL."""

import re
from html.parser import HTMLParser
from urllib.parse import unquote

import httpx
import pytest

from hub.store.engine import Database
from tests import seed


class _Page(HTMLParser):
    """The rows of a page's tables (cell texts), its links and its breadcrumb."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.links: dict[str, str] = {}
        self.crumbs: list[str] = []
        self._cell: list[str] | None = None
        self._link: str | None = None
        self._in_crumbs = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "a":
            self._link = found.get("href") or ""
        elif tag == "nav" and found.get("aria-label") == "breadcrumb":
            self._in_crumbs = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "a":
            self._link = None
        elif tag == "nav":
            self._in_crumbs = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        text = " ".join(data.split())
        if self._link is not None and text:
            self.links.setdefault(text, self._link)
        if self._in_crumbs and text and text != "›":
            self.crumbs.append(text.strip("› ").strip())

    def row(self, first: str) -> list[str]:
        return next(r for r in self.rows if r and r[0] == first)


async def _page(http: httpx.AsyncClient, url: str) -> _Page:
    response = await http.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return _Page(response.text)


async def test_start_page_lists_the_seed_and_finds_it_by_name(http: httpx.AsyncClient) -> None:
    start = await _page(http, "/")
    assert start.row("咸宁市") == ["咸宁市", "咸宁市经济和信息化局", "2023", "1"]
    found = await _page(http, "/?q=经济和信息")
    assert "咸宁市经济和信息化局" in found.links
    missing = await _page(http, "/?q=教育局")
    assert not any("咸宁市经济和信息化局" in " ".join(r) for r in missing.rows)


async def test_drill_215_21505_2150517_through_the_table_rows(http: httpx.AsyncClient) -> None:
    start = await _page(http, "/")
    disclosure = await _page(http, start.links["咸宁市经济和信息化局"])
    assert disclosure.crumbs == ["全部"]
    # The official name, and the name as printed where the PDF cut it short.
    assert disclosure.row("215")[:5] == [
        "215", "资源勘探工业信息等支出 (资源勘探工业)", "3507.74", "3507.74", "0.00",
    ]  # fmt: skip
    section = await _page(http, disclosure.links["215"])
    assert section.crumbs == ["全部", "215 资源勘探工业信息等支出"]
    assert section.row("21505")[2] == "3507.74"
    items = await _page(http, section.links["21505"])
    assert items.crumbs == ["全部", "215 资源勘探工业信息等支出", "21505 工业和信息产业监管"]
    stated = {code: items.row(code)[2] for code in ("2150501", "2150502", "2150517")}
    assert stated == {"2150501": "683.74", "2150502": "26.00", "2150517": "2798.00"}
    one = await _page(http, items.links["2150517"])
    assert one.crumbs[-1] == "2150517 产业发展"
    assert one.row("2150517")[2] == "2798.00"


async def test_every_seed_node_reads_as_printed_on_its_page(http: httpx.AsyncClient) -> None:
    stated = {code: total for code, _, total, *_ in seed.TABLE_5 if code in seed.FUNCTIONAL_NAMES}
    shown: dict[str, str] = {}
    for parent in ["", *(c for c in stated if len(c) < 7)]:
        page = await _page(http, f"/disclosure?department=209&year=2023&node={parent}")
        shown.update({r[0]: r[2] for r in page.rows if r and r[0] in stated})
    assert shown == stated


async def test_the_page_links_its_query_and_its_downloads(http: httpx.AsyncClient) -> None:
    page = await _page(http, "/disclosure?department=209&year=2023")
    link = page.links["在 GraphiQL 中打开本页查询"]
    assert link.startswith("/graphql#query=")
    query = unquote(link.removeprefix("/graphql#query="))
    answer = (await http.post("/graphql", json={"query": query})).json()
    assert "errors" not in answer
    assert answer["data"]["disclosure"]["functionalTotal"]["total"] == "3814.52"
    for fmt in ("CSV", "XLSX", "JSON", "FDP"):
        download = await http.get(page.links[fmt])
        assert download.status_code == 200, fmt
        assert "attachment" in download.headers["content-disposition"]


async def test_rollup_page_children_departments_and_drill(http: httpx.AsyncClient) -> None:
    page = await _page(http, "/rollup?scheme=FUNCTIONAL&code=215&year=2023")
    assert page.row("21505") == ["21505", "工业和信息产业监管", "3507.74", "1"]
    assert page.row("1")[1:] == ["咸宁市经济和信息化局", "咸宁市", "3507.74"]
    items = await _page(http, page.links["21505"])
    assert items.row("2150517") == ["2150517", "产业发展", "2798.00", "1"]
    assert items.crumbs == ["215", "21505"]


async def test_english_switch_keeps_the_figures(http: httpx.AsyncClient) -> None:
    chinese = await _page(http, "/disclosure?department=209&year=2023&node=21505")
    english = await _page(http, chinese.links["English"])
    assert english.crumbs[0] == "All"
    assert english.row("2150517")[2] == "2798.00"
    assert "中文" in english.links
    assert "lang=en" in english.links["All"]


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        ("/disclosure?department=999&year=2023", 404, "没有找到"),
        ("/disclosure?department=209", 400, "year= are required"),
        ("/rollup?code=2&year=2023", 400, "3, 5 or 7 digits"),
        ("/rollup?code=215&year=2023&scheme=X", 400, "FUNCTIONAL"),
        ("/rollup?code=299&year=2023", 404, "没有找到"),
    ],
)
async def test_a_bad_address_gets_a_page_that_says_why(
    http: httpx.AsyncClient, url: str, status: int, says: str
) -> None:
    response = await http.get(url)
    assert response.status_code == status
    assert says in response.text
    assert "Traceback" not in response.text
    assert re.search(r"<html", response.text)


async def test_a_withdrawn_version_says_so_with_its_reason(
    http: httpx.AsyncClient, database: Database
) -> None:
    from hub.app.withdrawal import withdraw_version

    corrected = seed.variant("209", name="咸宁市经济和信息化局", **{"2150517": "2799.00"})
    await seed.load_text(database, corrected)
    await withdraw_version(
        database, department="209", year=2023, reason="2799.00 <b>is</b> a typo", actor="cli"
    )
    current = await http.get("/disclosure?department=209&year=2023")
    assert "版本 1 (现行)" in current.text
    withdrawn = await http.get("/disclosure?department=209&year=2023&version=2")
    assert withdrawn.status_code == 200
    day = withdrawn.text.split("版本 2 (已撤回 ", 1)[1][:10]
    assert re.fullmatch(r"20\d\d-\d\d-\d\d", day)
    assert f"版本 2 (已撤回 {day}: 2799.00 &lt;b&gt;is&lt;/b&gt; a typo)" in withdrawn.text
