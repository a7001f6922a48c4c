"""GraphiQL in a real browser: headless Chromium with every non-loopback request blocked, served
from the hub's copy of its files (the contract query and the example query run), and without
that copy (the page says what to run). Also the real files: pins, and `hub assets fetch`.

Needs Debian's `chromium` (CI installs it). Without it the browser tests are skipped with the
reason, except under CI, where they fail.
"""

import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

import httpx
import pytest

from hub.app.assets import ASSETS, AssetError, asset_url, fetch_assets, missing_assets

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CONTRACT = (Path(__file__).parents[1] / "api" / "contract.graphql").read_text(encoding="utf-8")
LOOPBACK = {"127.0.0.1", "localhost", "[::1]"}


@pytest.fixture(scope="module")
def assets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("assets")
    fetch_assets(folder, keep=folder / "tarballs")
    return folder


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str, process: subprocess.Popen[str], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            assert time.monotonic() < deadline, f"{url} did not answer in {seconds} s"
            time.sleep(0.2)


@contextlib.contextmanager
def _serve(*args: str, assets: Path, log: Path) -> Iterator[str]:
    """``hub serve`` in a new folder (so the seed is loaded on its first start), its output
    written to ``log``."""
    port = _free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    with tempfile.TemporaryDirectory() as folder, log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "hub", "serve", *args, "--port", str(port)],
            cwd=folder,
            env={**environ, "HUB_ASSETS_DIR": str(assets)},
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            _wait_for(f"http://127.0.0.1:{port}/health", process)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture(scope="module")
def server_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("logs") / "offline.log"


@pytest.fixture(scope="module")
def server(assets: Path, server_log: Path) -> Iterator[str]:
    with _serve("--offline", assets=assets, log=server_log) as url:
        yield url


@pytest.fixture(scope="module")
def cdn_server_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("logs") / "cdn.log"


@pytest.fixture(scope="module")
def cdn_server(tmp_path_factory: pytest.TempPathFactory, cdn_server_log: Path) -> Iterator[str]:
    with _serve(assets=tmp_path_factory.mktemp("no-assets"), log=cdn_server_log) as url:
        yield url


def test_the_offline_page_names_only_this_server(server: str) -> None:
    page = httpx.get(f"{server}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "http://" not in page.text
    assert "https://" not in page.text
    script = asset_url("graphiql", "graphiql.min.js")
    assert script == "/assets/graphiql@3.8.3/graphiql.min.js"
    assert f'<script src="{script}"' in page.text
    asset = httpx.get(f"{server}{asset_url('react', 'react.production.min.js')}")
    assert asset.status_code == 200
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    charts = httpx.get(f"{server}{asset_url('echarts', 'echarts.min.js')}")
    assert charts.status_code == 200
    assert "echarts" in charts.text[:2000]


def test_serve_says_where_graphiql_loads_from(
    server: str, server_log: Path, cdn_server: str, cdn_server_log: Path
) -> None:
    local = server_log.read_text(encoding="utf-8")
    assert "GraphiQL and the explorer's charts load from this server's copy in" in local
    cdn = cdn_server_log.read_text(encoding="utf-8")
    assert "GraphiQL loads from the public CDN (https://unpkg.com)" in cdn
    assert "Run `hub assets fetch` (`hub assets fetch --from FOLDER`" in cdn


def test_assets_are_checked_against_their_pins(assets: Path, tmp_path: Path) -> None:
    tarballs = assets / "tarballs"
    assert fetch_assets(tmp_path / "copy", source=tarballs).fetched == list(ASSETS)
    assert missing_assets(tmp_path / "copy") == []
    tampered = tmp_path / "tampered"
    shutil.copytree(tarballs, tampered)
    react = tampered / ASSETS[0].tarball
    react.write_bytes(react.read_bytes() + b"\0")
    with pytest.raises(AssetError, match="does not match its pinned integrity"):
        fetch_assets(tmp_path / "bad", source=tampered)
    react.unlink()
    with pytest.raises(AssetError, match=r"react-18\.2\.0\.tgz is missing"):
        fetch_assets(tmp_path / "bad", source=tampered)


def _fetch(*args: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    return subprocess.run(
        [sys.executable, "-m", "hub", "assets", "fetch", *args],
        env=environ, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_a_second_fetch_keeps_the_verified_files_and_replaces_an_altered_one(
    assets: Path, tmp_path: Path
) -> None:
    target = tmp_path / "assets"
    first = _fetch("--from", str(assets / "tarballs"), "--target", str(target))
    assert first.returncode == 0, first.stderr
    assert "fetched into" in first.stdout
    assert "echarts@5.6.0" in first.stdout
    # No tarball anywhere: the second run must not need one.
    nothing = tmp_path / "nothing"
    nothing.mkdir()
    second = _fetch("--from", str(nothing), "--target", str(target))
    assert second.returncode == 0, second.stderr
    assert "fetched" not in second.stdout
    assert f"already in {target}, verified: react@18.2.0, react-dom@18.2.0" in second.stdout
    charts = target / "echarts@5.6.0" / "echarts.min.js"
    charts.write_bytes(charts.read_bytes()[:-1])
    refused = _fetch("--from", str(nothing), "--target", str(target))
    assert refused.returncode == 1
    assert "echarts-5.6.0.tgz is missing" in refused.stderr
    repaired = _fetch("--from", str(assets / "tarballs"), "--target", str(target))
    assert repaired.returncode == 0, repaired.stderr
    assert f"fetched into {target}: echarts@5.6.0" in repaired.stdout
    assert missing_assets(target) == []


class DevTools:
    """Just enough of the Chrome DevTools Protocol: commands, and a hand on every request."""

    def __init__(self, socket_: Any) -> None:
        self.socket = socket_
        self.next_id = 0
        self.pending: dict[int, asyncio.Future[Any]] = {}
        self.blocked: list[str] = []
        self.allowed: list[str] = []
        self.reader = asyncio.ensure_future(self._read())
        self.replies: set[asyncio.Future[Any]] = set()

    def _answer(self, method: str, **params: Any) -> None:
        reply = asyncio.ensure_future(self.send(method, **params))
        self.replies.add(reply)
        reply.add_done_callback(self.replies.discard)

    async def _read(self) -> None:
        async for raw in self.socket:
            message = json.loads(raw)
            if "id" in message and message["id"] in self.pending:
                self.pending.pop(message["id"]).set_result(message)
            elif message.get("method") == "Fetch.requestPaused":
                params = message["params"]
                url = params["request"]["url"]
                if urlparse(url).hostname in LOOPBACK or url.startswith("data:"):
                    self.allowed.append(url)
                    self._answer("Fetch.continueRequest", requestId=params["requestId"])
                else:
                    self.blocked.append(url)
                    self._answer(
                        "Fetch.failRequest",
                        requestId=params["requestId"],
                        errorReason="BlockedByClient",
                    )

    async def send(self, method: str, **params: Any) -> Any:
        self.next_id += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = future
        await self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        reply = await asyncio.wait_for(future, 30)
        assert "error" not in reply, reply
        return reply.get("result")

    async def evaluate(self, expression: str) -> Any:
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    async def until(self, expression: str, seconds: float = 60) -> Any:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = await self.evaluate(expression)
            if value:
                return value
            await asyncio.sleep(0.25)
        raise AssertionError(f"the page never satisfied {expression}")


@contextlib.contextmanager
def chromium() -> Iterator[str]:
    if CHROMIUM is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("CI needs Debian's chromium for the offline GraphiQL test")
        pytest.skip("Debian's chromium is not installed: apt-get install chromium to run this test")
    port = _free_port()
    # Chromium's helpers may still write to the profile as it exits.
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        process = subprocess.Popen(
            [
                CHROMIUM,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                f"--remote-debugging-port={port}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    targets = httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=2).json()
                    page = next(t for t in targets if t["type"] == "page")
                    yield str(page["webSocketDebuggerUrl"])
                    break
                except (httpx.TransportError, StopIteration):
                    assert time.monotonic() < deadline, "chromium's DevTools did not answer"
                    time.sleep(0.2)
        finally:
            process.terminate()
            process.wait(timeout=30)


async def test_graphiql_runs_the_contract_query_with_the_internet_blocked(server: str) -> None:
    import websockets

    async with httpx.AsyncClient() as http:
        expected = (await http.post(f"{server}/graphql", json={"query": CONTRACT})).json()
    with chromium() as endpoint:
        async with websockets.connect(endpoint, max_size=None) as connection:
            devtools = DevTools(connection)
            await devtools.send("Fetch.enable", patterns=[{"urlPattern": "*"}])
            await devtools.send("Page.enable")
            await devtools.send("Page.navigate", url=f"{server}/graphql#query={quote(CONTRACT)}")
            await devtools.until("!!document.querySelector('.graphiql-execute-button')")
            await devtools.until(
                "document.querySelector('.graphiql-query-editor .CodeMirror')"
                "?.CodeMirror.getValue().includes('disclosure(department')"
            )
            await devtools.evaluate("document.querySelector('.graphiql-execute-button').click()")
            shown = await devtools.until(
                "(() => { const cm = document.querySelector('.result-window .CodeMirror');"
                " const text = cm ? cm.CodeMirror.getValue() : '';"
                " return text.includes('\"data\"') ? text : ''; })()"
            )
            devtools.reader.cancel()
    assert json.loads(shown) == expected
    assert devtools.blocked == []
    assert any(url.endswith("/graphql") for url in devtools.allowed)


async def test_graphiql_opens_on_an_example_over_the_loaded_data_and_runs_it(server: str) -> None:
    import websockets

    with chromium() as endpoint:  # a new profile: GraphiQL has no stored query
        async with websockets.connect(endpoint, max_size=None) as connection:
            devtools = DevTools(connection)
            await devtools.send("Fetch.enable", patterns=[{"urlPattern": "*"}])
            await devtools.send("Page.enable")
            await devtools.send("Page.navigate", url=f"{server}/graphql")
            await devtools.until("!!document.querySelector('.graphiql-execute-button')")
            shown_query = await devtools.until(
                "document.querySelector('.graphiql-query-editor .CodeMirror')"
                "?.CodeMirror.getValue()"
            )
            await devtools.evaluate("document.querySelector('.graphiql-execute-button').click()")
            shown = await devtools.until(
                "(() => { const cm = document.querySelector('.result-window .CodeMirror');"
                " const text = cm ? cm.CodeMirror.getValue() : '';"
                " return text.includes('\"data\"') ? text : ''; })()"
            )
            devtools.reader.cancel()
    assert "咸宁市经济和信息化局 2023" in shown_query
    answer = json.loads(shown)
    assert "errors" not in answer
    assert answer["data"]["disclosure"]["department"]["name"] == "咸宁市经济和信息化局"
    assert [node["code"] for node in answer["data"]["disclosure"]["functional"]] == [
        "208", "210", "215", "221",
    ]  # fmt: skip
    assert devtools.blocked == []


async def test_without_a_copy_and_without_internet_the_page_says_what_to_run(
    cdn_server: str,
) -> None:
    import websockets

    with chromium() as endpoint:
        async with websockets.connect(endpoint, max_size=None) as connection:
            devtools = DevTools(connection)
            await devtools.send("Fetch.enable", patterns=[{"urlPattern": "*"}])
            await devtools.send("Page.enable")
            await devtools.send("Page.navigate", url=f"{cdn_server}/graphql")
            message = await devtools.until(
                "document.querySelector('#graphiql[role=alert]')?.innerText"
            )
            devtools.reader.cancel()
    assert "Loading" not in message
    assert "unpkg.com" in message
    assert "hub assets fetch --from FOLDER" in message
    assert any(url.startswith("https://unpkg.com/react@18.2.0/") for url in devtools.blocked)
