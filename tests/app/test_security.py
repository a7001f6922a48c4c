"""What every response tells browsers, and the host names the hub answers to."""

import logging
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from hub.app.assets import ASSETS
from hub.app.security import content_security_policy, host_allowed
from hub.app.web import create_app
from hub.config import Settings
from hub.store.engine import Database
from tests import seed


def _client(database: Database, **settings: Any) -> httpx.AsyncClient:
    app = create_app(Settings(database_url=str(database.url), **settings), database)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub")


def _nonce(response: httpx.Response) -> str:
    found = re.search(
        r"script-src 'self' 'nonce-([A-Za-z0-9_-]{24})'",
        response.headers["content-security-policy"],
    )
    assert found, response.headers["content-security-policy"]
    return found.group(1)


async def test_every_answer_carries_the_security_headers(database: Database) -> None:
    async with _client(database, max_request_bytes=1000) as client:
        answers = {
            "query": await client.post("/graphql", json={"query": "{ version }"}),
            "refused query": await client.post("/graphql", json={"query": "{ versoin }"}),
            "too large": await client.post("/graphql", content=b"x" * 2000),
            "health": await client.get("/health"),
            "page": await client.get("/"),
            "missing": await client.get("/nowhere"),
            "preflight": await client.options(
                "/graphql",
                headers={"Origin": "https://city.example", "Access-Control-Request-Method": "POST"},
            ),
        }
    for name, response in answers.items():
        assert response.headers["x-content-type-options"] == "nosniff", name
        assert response.headers["x-frame-options"] == "DENY", name
        assert response.headers["referrer-policy"] == "no-referrer", name
        policy = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy, name
        assert "object-src 'none'" in policy, name
    assert answers["too large"].status_code == 413


async def test_each_page_gets_its_own_nonce_and_its_inline_script_carries_it(
    database: Database, tmp_path: Path
) -> None:
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
    for asset in ASSETS:  # stand-ins: the chart is on the page when the hub has ECharts
        for file in asset.files:
            (tmp_path / asset.folder).mkdir(parents=True, exist_ok=True)
            (tmp_path / asset.folder / file.name).write_text("/* stand-in */\n")
    async with _client(database, assets_dir=str(tmp_path)) as client:
        pages = [await client.get("/disclosure?department=209&year=2023") for _ in range(2)]
    nonces = [_nonce(page) for page in pages]
    assert nonces[0] != nonces[1]
    for page, nonce in zip(pages, nonces, strict=True):
        inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page.text)
        assert inline, "the chart's script is not on the page"
        assert all(attributes == f' nonce="{nonce}"' for attributes in inline)
        assert "unsafe-inline" not in page.headers["content-security-policy"].split(";")[1]


def test_the_policy_names_the_cdn_only_when_asked() -> None:
    assert content_security_policy("abc") == (
        "default-src 'self'; script-src 'self' 'nonce-abc'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    with_cdn = content_security_policy("abc", origins=("https://unpkg.com",))
    assert "script-src 'self' 'nonce-abc' https://unpkg.com;" in with_cdn
    assert "style-src 'self' 'unsafe-inline' https://unpkg.com;" in with_cdn


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("budget.example.org", True),
        ("BUDGET.example.org:8000", True),
        ("budget.example.org.", True),
        ("city.budget.example.org", False),
        ("a.data.example.net", True),
        ("b.a.data.example.net:443", True),
        ("data.example.net", False),
        ("evil-data.example.net", False),
        ("127.0.0.1:8000", True),
        ("[::1]:8000", True),
        ("attacker.example", False),
        ("", False),
    ],
)
def test_allowed_hosts_match_names_ports_and_subdomains(host: str, allowed: bool) -> None:
    hosts = ("budget.example.org", "*.data.example.net", "127.0.0.1", "[::1]")
    assert host_allowed(host, hosts) is allowed


def test_a_star_allows_any_host() -> None:
    assert host_allowed("anything.example", ("*",))


async def test_another_host_is_refused_with_a_code_and_one_log_line(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with _client(database, allowed_hosts=("budget.example.org",)) as client:
        allowed = await client.post(
            "/graphql", json={"query": "{ version }"}, headers={"Host": "budget.example.org"}
        )
        refused = await client.post(
            "/graphql", json={"query": "{ version }"}, headers={"Host": "rebound.attacker.example"}
        )
        health = await client.get("/health", headers={"Host": "rebound.attacker.example"})
    assert allowed.status_code == 200
    assert refused.status_code == health.status_code == 400
    [error] = refused.json()["errors"]
    assert error["extensions"]["code"] == "HOST_NOT_ALLOWED"
    assert error["message"] == (
        "this server does not answer to the host name 'rebound.attacker.example': it answers to "
        "budget.example.org (HUB_ALLOWED_HOSTS)"
    )
    assert refused.headers["x-content-type-options"] == "nosniff"
    lines = [r.getMessage() for r in caplog.records if r.name == "hub.http"]
    assert len(lines) == 2
    assert '"POST /graphql" 400 HOST_NOT_ALLOWED' in lines[0]


async def test_without_allowed_hosts_any_host_is_answered(database: Database) -> None:
    async with _client(database) as client:
        response = await client.post(
            "/graphql", json={"query": "{ version }"}, headers={"Host": "whatever.example"}
        )
    assert response.status_code == 200
