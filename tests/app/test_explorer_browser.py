"""The explorer in a real browser (Debian's Chromium) with every request outside 127.0.0.1
blocked: find the seed's department, drill 215 → 21505 → 2150517 through the table rows, read
2798.00 and the breadcrumb; the same on a PDF document's department; download every export and
read it back. Without chromium the test is skipped, except under CI, where it fails.
"""

import asyncio
import base64
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from frictionless import validate

from tests import seed
from tests.app.test_graphiql_offline import DevTools, _free_port, _wait_for, assets, chromium
from tests.corpus import corpus_file

__all__ = ["assets"]  # the fixture, shared with the GraphiQL test

PDF = "putuo-wanli-2024-budget.pdf"


def _hub(*args: str, cwd: str, env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hub", *args], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def server(assets: Path) -> Iterator[str]:
    port = _free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    environ["HUB_ASSETS_DIR"] = str(assets)
    with tempfile.TemporaryDirectory() as folder:
        _hub("db", "upgrade", cwd=folder, env=environ)
        _hub("ingest", str(seed.SEED), str(corpus_file(PDF)), cwd=folder, env=environ)
        process = subprocess.Popen(
            [sys.executable, "-m", "hub", "serve", "--port", str(port)],
            cwd=folder, env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        try:
            _wait_for(f"http://127.0.0.1:{port}/health", process)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=30)


class Browser:
    def __init__(self, devtools: DevTools) -> None:
        self.devtools = devtools

    async def open(self, url: str) -> None:
        await self.devtools.send("Page.navigate", url=url)
        await self.devtools.until("document.readyState === 'complete' && !!document.body")

    async def click(self, selector: str) -> None:
        """Follow a link as a person does, and wait for the page it leads to."""
        before = await self.devtools.evaluate("location.href")
        clicked = await self.devtools.evaluate(
            f"(() => {{ const a = document.querySelector({json.dumps(selector)});"
            " if (!a) return false; a.click(); return true; })()"
        )
        assert clicked, f"no {selector} on {before}"
        await self.devtools.until(
            f"location.href !== {json.dumps(before)} && document.readyState === 'complete'"
        )

    async def click_text(self, text: str) -> None:
        """Follow the link that reads ``text``."""
        before = await self.devtools.evaluate("location.href")
        clicked = await self.devtools.evaluate(
            "(() => { const a = [...document.querySelectorAll('a')]"
            f".find(a => a.innerText.trim() === {json.dumps(text)});"
            " if (!a) return false; a.click(); return true; })()"
        )
        assert clicked, f"no link {text!r} on {before}"
        await self.devtools.until(
            f"location.href !== {json.dumps(before)} && document.readyState === 'complete'"
        )

    async def row(self, code: str) -> list[str]:
        cells: list[str] = await self.devtools.until(
            f"(() => {{ const r = document.querySelector('tr[data-code=\"{code}\"]');"
            " return r ? [...r.cells].map(c => c.innerText.trim()) : null; })()"
        )
        return cells

    async def crumbs(self) -> list[str]:
        found: list[str] = await self.devtools.evaluate(
            "[...document.querySelectorAll('nav[aria-label=breadcrumb] a,"
            " nav[aria-label=breadcrumb] span')].map(e => e.innerText.trim())"
        )
        return found


def _graphql(server: str, query: str) -> dict[str, Any]:
    answer = httpx.post(f"{server}/graphql", json={"query": query}, timeout=30).json()
    assert "errors" not in answer, answer
    return dict(answer["data"])


def _listed(folder: Path) -> list[Path]:
    return list(folder.iterdir())


async def _downloads(devtools: DevTools, folder: Path) -> dict[str, Path]:
    await devtools.send("Page.setDownloadBehavior", behavior="allow", downloadPath=str(folder))
    links = await devtools.evaluate(
        "Object.fromEntries([...document.querySelectorAll('a[data-format]')]"
        ".map(a => [a.dataset.format, a.href]))"
    )
    assert sorted(links) == ["csv", "fdp", "json", "xlsx"]
    files: dict[str, Path] = {}
    for fmt in links:
        await devtools.evaluate(f"document.querySelector('a[data-format={fmt}]').click()")
        deadline = time.monotonic() + 60
        while True:
            suffix = ".zip" if fmt == "fdp" else f".{fmt}"
            done = [p for p in await asyncio.to_thread(_listed, folder) if p.suffix == suffix]
            if done:
                files[fmt] = done[0]
                break
            assert time.monotonic() < deadline, f"the {fmt} download did not arrive"
            await asyncio.sleep(0.2)
    return files


def _read_back(files: dict[str, Path], folder: Path) -> None:
    """Every figure of the seed's table 5 in each download, Chinese intact, the package valid."""
    expected = {
        code: Decimal(total) for code, _, total, *_ in seed.TABLE_5 if code in seed.FUNCTIONAL_NAMES
    }
    text = files["csv"].read_bytes().decode("utf-8-sig")
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["table"] == "GENERAL_FUNCTIONAL"]
    assert {r["code"]: Decimal(r["total"]) for r in rows if r["code"]} == expected
    assert {r["name"] for r in rows if r["code"] == "2150517"} == {"产业发展"}
    body = json.loads(files["json"].read_text(encoding="utf-8"), parse_float=Decimal)
    lines = [r for r in body["datasets"]["budget_lines"] if r["table"] == "GENERAL_FUNCTIONAL"]
    assert {r["code"]: r["total"] for r in lines if r["code"]} == expected
    book = openpyxl.load_workbook(files["xlsx"])
    sheet = book["一般公共预算支出表（功能科目）"]
    header = [c.value for c in sheet[1]]
    code, total = header.index("科目编码"), header.index("合计（万元）")
    cells = {r[code]: r[total] for r in sheet.iter_rows(min_row=2, values_only=True) if r[code]}
    assert {c: Decimal(str(v)) for c, v in cells.items()} == expected
    with zipfile.ZipFile(files["fdp"]) as archive:
        archive.extractall(folder / "package")
    (descriptor,) = (folder / "package").glob("*/datapackage.json")
    report = validate(descriptor)
    assert report.valid, report.flatten(["type", "note"])


async def _screenshot(devtools: DevTools) -> None:
    """The page as a person sees it; ``HUB_SCREENSHOT`` names a file to keep it in (the
    README's picture is made so)."""
    await devtools.send(
        "Emulation.setDeviceMetricsOverride", width=1280, height=960, deviceScaleFactor=1,
        mobile=False,
    )  # fmt: skip
    await asyncio.sleep(1)  # the chart's entry animation
    shot = await devtools.send("Page.captureScreenshot", format="png")
    image = base64.b64decode(shot["data"])
    assert image.startswith(b"\x89PNG")
    assert len(image) > 20_000  # a page drawn, not a blank one
    if os.environ.get("HUB_SCREENSHOT"):
        await asyncio.to_thread(Path(os.environ["HUB_SCREENSHOT"]).write_bytes, image)


async def test_drill_and_download_with_the_internet_blocked(server: str, tmp_path: Path) -> None:
    import websockets

    pdf = _graphql(
        server,
        "{ disclosures(year: 2024, first: 1) { edges { node { year"
        " department { code name region { name } } functional { code name stated { total }"
        " children { code name stated { total }"
        " children { code name stated { total } } } } } } } }",
    )["disclosures"]["edges"][0]["node"]
    with chromium() as endpoint:
        async with websockets.connect(endpoint, max_size=None) as connection:
            devtools = DevTools(connection)
            await devtools.send("Fetch.enable", patterns=[{"urlPattern": "*"}])
            await devtools.send("Page.enable")
            page = Browser(devtools)

            await page.open(f"{server}/")
            await devtools.evaluate(
                "document.querySelector('input[name=q]').value = '经济和信息';"
                "document.querySelector('form[role=search]').submit()"
            )
            await devtools.until("location.search.includes('q=')")
            await page.click("a[href*='/disclosure']")
            # The chart is drawn: ECharts came from the hub's copy and passed its integrity check.
            await devtools.until("!!document.querySelector('#chart canvas')")
            await _screenshot(devtools)
            await page.click("tr[data-code='215'] a")
            await page.click("tr[data-code='21505'] a")
            assert (await page.row("2150517"))[:3] == ["2150517", "产业发展", "2798.00"]
            await page.click("tr[data-code='2150517'] a")
            assert await page.crumbs() == [
                "全部", "215 资源勘探工业信息等支出", "21505 工业和信息产业监管",
                "2150517 产业发展",
            ]  # fmt: skip
            assert (await page.row("2150517"))[2] == "2798.00"
            files = await _downloads(devtools, tmp_path)

            # The PDF document's department, drilled down its first branch of three levels.
            branch = next(
                (c, s, i)
                for c in pdf["functional"]
                for s in c.get("children") or []
                for i in s.get("children") or []
            )
            await page.open(f"{server}/")
            await page.click_text(pdf["department"]["name"])
            path: list[str] = []
            for node in branch:
                assert (await page.row(node["code"]))[2] == node["stated"]["total"]
                await page.click(f"tr[data-code='{node['code']}'] a")
                path.append(f"{node['code']} {node['name']}")
            assert await page.crumbs() == ["全部", *path]
            devtools.reader.cancel()
    assert devtools.blocked == []
    assert any("/export/" in url for url in devtools.allowed)
    _read_back(files, tmp_path)
