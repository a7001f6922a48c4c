"""GraphiQL and the pinned assets over HTTP, in process, on SQLite and PostgreSQL: the hub's own
copy is used whenever it is there, else the CDN with a page that says what to run; the example
query is over the data loaded; browsers' conventions (preflight, caching).

The files here are stand-ins of the right names: which copy a page names depends only on which
files exist. The real files, and a real browser, are in test_graphiql_offline.py.
"""

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from hub.app.assets import ASSETS, asset_url, cdn_url, find_asset
from hub.app.graphiql import page
from hub.app.web import create_app
from hub.config import Settings
from hub.store.engine import Database
from tests import seed

HTML = {"Accept": "text/html"}
SCRIPTS = [
    ("react", "react.production.min.js"),
    ("react-dom", "react-dom.production.min.js"),
    ("graphiql", "graphiql.min.js"),
]


def _stand_ins(folder: Path) -> Path:
    for asset in ASSETS:
        for file in asset.files:
            path = folder / asset.folder / file.name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"/* {asset.folder} {file.name} */\n")
    return folder


def _client(database: Database, assets: Path, **settings: Any) -> httpx.AsyncClient:
    app = create_app(
        Settings(database_url=str(database.url), assets_dir=str(assets), **settings), database
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub")


@pytest.fixture
async def seeded(database: Database) -> AsyncIterator[Database]:
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
    return database


def _example(html: str) -> str:
    found = re.search(r"defaultQuery: (\".*?\"),\n", html)
    assert found, "the page hands GraphiQL no default query"
    example: str = json.loads(found.group(1))
    return example


async def test_a_browser_gets_graphiql_from_the_hubs_copy_without_a_flag(
    database: Database, tmp_path: Path
) -> None:
    async with _client(database, _stand_ins(tmp_path)) as client:
        response = await client.get("/graphql", headers=HTML)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    for package, name in SCRIPTS:
        integrity = find_asset(package).file(name).integrity
        assert f'<script src="{asset_url(package, name)}" integrity="{integrity}"' in response.text
    assert "https://" not in response.text
    assert "http://" not in response.text
    assert "Loading" in response.text  # until the scripts have run


async def test_without_a_copy_the_cdn_page_says_what_to_run_when_it_cannot_load(
    database: Database, tmp_path: Path
) -> None:
    async with _client(database, tmp_path / "empty") as client:
        response = await client.get("/graphql", headers=HTML)
    assert response.status_code == 200
    for package, name in SCRIPTS:
        assert cdn_url(package, name) == (
            f"https://unpkg.com/{find_asset(package).folder}/" + find_asset(package).file(name).path
        )
        integrity = find_asset(package).file(name).integrity
        assert f'<script src="{cdn_url(package, name)}" integrity="{integrity}"' in response.text
    # A failed script is caught by a listener: the policy forbids onerror attributes.
    assert "onerror=" not in response.text
    assert 'addEventListener("error"' in response.text
    policy = response.headers["content-security-policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce
    assert response.text.count(f'<script nonce="{nonce.group(1)}">') == 2
    assert "script-src 'self' 'nonce-" in policy
    assert policy.endswith("frame-ancestors 'none'")
    scripts = policy.split("script-src")[1].split(";")[0].split()
    assert "'unsafe-inline'" not in scripts
    # Each file by its address, not the whole CDN, which serves anyone's package.
    assert "https://unpkg.com" not in scripts
    for package, name in SCRIPTS:
        assert cdn_url(package, name) in scripts
    assert 'typeof GraphiQL === "undefined"' in response.text
    failure = re.search(r"var FAILED = (\".*?\");", response.text)
    assert failure
    message = json.loads(failure.group(1))
    assert "unpkg.com" in message
    assert "<code>hub assets fetch</code>" in message
    assert "<code>hub assets fetch --from FOLDER</code>" in message


async def test_offline_without_a_copy_is_an_error_that_says_what_to_run(
    database: Database, tmp_path: Path
) -> None:
    async with _client(database, tmp_path / "empty", offline=True) as client:
        response = await client.get("/graphql", headers=HTML)
    assert response.status_code == 503
    assert "run `hub assets fetch`" in response.text


async def test_graphiql_opens_on_a_query_over_the_loaded_department_and_it_runs(
    seeded: Database, tmp_path: Path
) -> None:
    async with _client(seeded, _stand_ins(tmp_path)) as client:
        example = _example((await client.get("/graphql", headers=HTML)).text)
        answer = (await client.post("/graphql", json={"query": example})).json()
    assert "咸宁市经济和信息化局 2023" in example
    assert 'disclosure(department: "209", year: 2023, region: "421200")' in example
    assert "errors" not in answer, answer
    disclosure = answer["data"]["disclosure"]
    assert disclosure["department"]["name"] == "咸宁市经济和信息化局"
    by_code = {node["code"]: node for node in disclosure["functional"]}
    section = next(c for c in by_code["215"]["children"] if c["code"] == "21505")
    item = next(c for c in section["children"] if c["code"] == "2150517")
    assert (by_code["215"]["stated"]["total"], item["stated"]["total"]) == ("3507.74", "2798.00")


async def test_with_nothing_loaded_the_example_lists_disclosures(
    database: Database, tmp_path: Path
) -> None:
    async with _client(database, tmp_path) as client:
        example = _example((await client.get("/graphql", headers=HTML)).text)
        answer = (await client.post("/graphql", json={"query": example})).json()
    assert "No disclosure is loaded yet" in example
    assert answer == {"data": {"disclosures": {"totalCount": 0, "edges": []}}}


def test_the_example_cannot_end_the_script_it_sits_in() -> None:
    hostile = '# 局</script><script>alert("x")</script> & <!--\n{ version }'
    html = page(local=True, example=hostile)
    assert "</script><script>alert" not in html
    assert "<!--" not in html
    assert _example(html) == hostile


async def test_a_cross_origin_preflight_is_refused_saying_how_to_allow_it(
    database: Database, tmp_path: Path
) -> None:
    async with _client(database, tmp_path) as client:
        preflight = await client.options(
            "/graphql",
            headers={"Origin": "https://city.example", "Access-Control-Request-Method": "POST"},
        )
        plain = await client.post("/graphql", json={"query": "{ version }"})
    assert preflight.status_code == 403
    assert preflight.headers["content-type"].startswith("text/plain")
    assert "Cross-origin requests are not allowed" in preflight.text
    assert "HUB_CORS_ORIGINS=https://city.example" in preflight.text
    assert "access-control-allow-origin" not in preflight.headers
    assert plain.status_code == 200


def test_asset_url_names_the_version() -> None:
    assert asset_url("echarts", "echarts.min.js") == "/assets/echarts@5.6.0/echarts.min.js"
    assert asset_url("echarts", "dist/echarts.min.js") == "/assets/echarts@5.6.0/echarts.min.js"
    assert asset_url("graphiql", "graphiql.min.css") == "/assets/graphiql@3.8.3/graphiql.min.css"
    with pytest.raises(KeyError, match="echarts has no pinned file"):
        asset_url("echarts", "echarts.js")
    with pytest.raises(KeyError, match="no pinned package"):
        asset_url("d3", "d3.min.js")


async def test_pinned_assets_are_cached_for_good_and_the_explorer_links_echarts(
    seeded: Database, tmp_path: Path
) -> None:
    echarts = asset_url("echarts", "echarts.min.js")
    async with _client(seeded, _stand_ins(tmp_path)) as client:
        asset = await client.get(echarts)
        again = await client.get(echarts, headers={"If-None-Match": asset.headers["etag"]})
        absent = await client.get("/assets/echarts@5.6.0/nothing.js")
        explorer = await client.get("/disclosure?department=209&year=2023")
    assert asset.status_code == 200
    assert asset.text == "/* echarts@5.6.0 echarts.min.js */\n"
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert (again.status_code, again.headers["cache-control"]) == (
        304,
        "public, max-age=31536000, immutable",
    )
    assert absent.status_code == 404
    assert "immutable" not in absent.headers.get("cache-control", "")
    integrity = find_asset("echarts").file("echarts.min.js").integrity
    assert f'<script src="{echarts}" integrity="{integrity}"></script>' in explorer.text


async def test_without_echarts_the_explorer_says_what_to_run(
    seeded: Database, tmp_path: Path
) -> None:
    async with _client(seeded, tmp_path) as client:
        explorer = await client.get("/disclosure?department=209&year=2023")
    assert explorer.status_code == 200
    assert "/assets/echarts" not in explorer.text
    assert "hub assets fetch" in explorer.text


async def test_with_graphiql_off_a_browser_gets_a_note_and_queries_still_work(
    seeded: Database, tmp_path: Path
) -> None:
    async with _client(seeded, _stand_ins(tmp_path), graphiql=False) as client:
        ide = await client.get("/graphql", headers=HTML)
        query = await client.get("/graphql", params={"query": "{ version }"}, headers=HTML)
        posted = await client.post("/graphql", json={"query": "{ version }"})
        explorer = await client.get("/disclosure?department=209&year=2023")
    assert ide.status_code == 404
    assert ide.headers["content-type"].startswith("text/plain")
    assert "GraphiQL is switched off on this server (HUB_GRAPHIQL=0)" in ide.text
    assert "<script" not in ide.text
    assert query.status_code == posted.status_code == 200
    assert query.json()["data"]["version"] == posted.json()["data"]["version"]
    assert explorer.status_code == 200
    assert 'href="/graphql' not in explorer.text
    assert 'data-test="graphiql"' not in explorer.text


async def test_with_graphiql_on_the_explorer_links_it(seeded: Database, tmp_path: Path) -> None:
    async with _client(seeded, _stand_ins(tmp_path)) as client:
        explorer = await client.get("/disclosure?department=209&year=2023")
    assert '<a href="/graphql">GraphiQL</a>' in explorer.text
    assert 'data-test="graphiql"' in explorer.text
