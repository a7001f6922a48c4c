"""The change feed, `disclosures(changedSince:)` and withdrawn versions, through the real ASGI
app on SQLite and PostgreSQL: the sequences a load, a new version, a withdrawal and a
restoration make, paging from every cursor, and a poller racing concurrent loads (separate
engines in one process, and separate processes) that misses no entry and sees none twice."""

from __future__ import annotations

import asyncio
import itertools
import sys
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from typing import Any

import httpx
import pytest

from hub.api.schema import Limits
from hub.app.ingest import ingest_files
from hub.app.web import create_app
from hub.app.withdrawal import withdraw_version
from hub.config import Settings
from hub.parse.model import Overrides
from hub.query.pages import decode_cursor, encode_cursor
from hub.store.engine import Database
from tests import seed
from tests.api.test_cost import cost

ROOT = Path(__file__).resolve().parents[2]
SEED_TEXT = seed.SEED.read_text(encoding="utf-8")
CHANGED_TEXT = SEED_TEXT.replace("3814.52", "3814.53", 1)

FEED = """
query ($after: String, $first: Int!) {
  changes(after: $after, first: $first) {
    totalCount
    edges {
      cursor
      node {
        id kind at actor version
        disclosure { id version isCurrent department { code } withdrawal { reason by } }
      }
    }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}
"""


class Client:
    """One app (with its response cache) asked over HTTP, as a platform would."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def post(self, query: str, **variables: Any) -> httpx.Response:
        return await self.http.post("/graphql", json={"query": query, "variables": variables})

    async def query(self, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.post(query, **variables)
        body = response.json()
        assert response.status_code == 200, body
        assert "errors" not in body, body["errors"]
        return dict(body["data"])

    async def page(self, after: str | None, first: int = 100) -> dict[str, Any]:
        data = await self.query(FEED, after=after, first=first)
        return dict(data["changes"])

    async def poll(self, after: str | None, first: int = 100) -> tuple[list[Any], str | None]:
        """Every entry after ``after``, page by page, and the cursor to keep: the last
        ``endCursor``, or ``after`` itself when nothing was new."""
        edges: list[Any] = []
        while True:
            page = await self.page(after, first)
            edges += page["edges"]
            if page["pageInfo"]["endCursor"] is not None:
                after = page["pageInfo"]["endCursor"]
            else:
                assert page["edges"] == []
            if not page["pageInfo"]["hasNextPage"]:
                return edges, after


@pytest.fixture
async def client(database: Database) -> AsyncIterator[Client]:
    app = create_app(Settings(database_url=str(database.url)), database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as http:
        yield Client(http)


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


async def _ingest(database: Database, path: Path, actor: str, *, restore: bool = False) -> str:
    [outcome] = await ingest_files(database, [path], Overrides(), actor=actor, restore=restore)
    assert outcome.error is None, outcome.error
    assert outcome.loaded is not None
    return outcome.loaded.status.value


def _entries(edges: list[Any]) -> list[tuple[str, int]]:
    return [(e["node"]["kind"], e["node"]["version"]) for e in edges]


def _stable(edges: list[Any]) -> list[tuple[Any, ...]]:
    """What an entry says for good (its disclosure is answered as it is now)."""
    return [
        (
            e["cursor"],
            e["node"]["id"],
            e["node"]["kind"],
            e["node"]["at"],
            e["node"]["actor"],
            e["node"]["version"],
            e["node"]["disclosure"]["id"],
        )
        for e in edges
    ]


def _ids(edges: list[Any]) -> list[int]:
    return [decode_cursor("change", e["cursor"]) for e in edges]


async def test_loads_withdrawals_and_restorations_make_the_feed_in_order(
    database: Database, client: Client, tmp_path: Path
) -> None:
    seed_file = _file(tmp_path, "seed.txt", SEED_TEXT)
    changed = _file(tmp_path, "changed.txt", CHANGED_TEXT)

    empty = await client.page(None)
    assert empty == {
        "totalCount": 0,
        "edges": [],
        "pageInfo": {"hasNextPage": False, "hasPreviousPage": False, "endCursor": None},
    }
    steps: list[tuple[Awaitable[Any], list[tuple[str, int]]]] = [
        (_ingest(database, seed_file, "ci-pipeline"), [("LOADED", 1)]),
        (_ingest(database, changed, "ci-pipeline"), [("LOADED", 2), ("SUPERSEDED", 1)]),
        (
            withdraw_version(database, department="209", year=2023, reason="金额有误", actor="cli"),
            [("WITHDRAWN", 2), ("REINSTATED", 1)],
        ),
        (
            _ingest(database, changed, "ci-pipeline", restore=True),
            [("RESTORED", 2), ("SUPERSEDED", 1)],
        ),
    ]
    cursor: str | None = None
    cursors: list[str | None] = [None]
    everything: list[Any] = []
    for step, expected in steps:
        await step
        edges, cursor = await client.poll(cursor)
        assert _entries(edges) == expected
        everything += edges
        cursors.append(cursor)
        # Nothing new: no entry, no endCursor, and the client keeps the cursor it has.
        again = await client.page(cursor)
        assert again["edges"] == []
        assert again["pageInfo"]["endCursor"] is None
        assert again["pageInfo"]["hasNextPage"] is False

    assert _entries(everything) == [
        ("LOADED", 1),
        ("LOADED", 2),
        ("SUPERSEDED", 1),
        ("WITHDRAWN", 2),
        ("REINSTATED", 1),
        ("RESTORED", 2),
        ("SUPERSEDED", 1),
    ]
    ids = _ids(everything)
    assert ids == sorted(set(ids))
    assert [e["node"]["actor"] for e in everything] == [
        "ci-pipeline",
        "ci-pipeline",
        "ci-pipeline",
        "cli",
        "cli",
        "ci-pipeline",
        "ci-pipeline",
    ]
    assert all(e["node"]["at"].endswith("+00:00") for e in everything)
    assert {e["node"]["disclosure"]["department"]["code"] for e in everything} == {"209"}
    # When version 2 was withdrawn, the poller saw it so.
    assert everything[3]["node"]["disclosure"]["withdrawal"] == {"reason": "金额有误", "by": "cli"}
    assert everything[3]["node"]["disclosure"]["isCurrent"] is False

    # The whole feed at once, then one entry at a time from every cursor: each entry once.
    whole = await client.page(None)
    assert _stable(whole["edges"]) == _stable(everything)
    assert whole["totalCount"] == 7
    # Each entry's disclosure as it is now: version 2 restored and current, 1 superseded.
    now = {e["node"]["version"]: e["node"]["disclosure"] for e in whole["edges"]}
    assert (now[2]["isCurrent"], now[2]["withdrawal"], now[1]["isCurrent"]) == (True, None, False)
    walked: list[Any] = []
    after: str | None = None
    while True:
        page = await client.page(after, first=1)
        assert page["totalCount"] == 7
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["edges"]:
            assert page["pageInfo"] == {
                "hasNextPage": False,
                "hasPreviousPage": True,
                "endCursor": None,
            }
            break
        [edge] = page["edges"]
        assert page["pageInfo"]["endCursor"] == edge["cursor"]
        assert page["pageInfo"]["hasNextPage"] is (len(walked) < 6)
        walked.append(edge)
        after = edge["cursor"]
    assert _stable(walked) == _stable(everything)
    # From each cursor a poller kept, the rest of the feed, exactly.
    for n, kept in enumerate(cursors):
        rest, _ = await client.poll(kept, first=2)
        assert _stable(rest) == _stable(everything[sum(len(s[1]) for s in steps[:n]) :])

    # An entry is a node too.
    node = everything[0]["node"]
    found = await client.query(
        "query ($id: ID!) { node(id: $id) { id ... on Change { kind } } }", id=node["id"]
    )
    assert found["node"] == {"id": node["id"], "kind": "LOADED"}


DISCLOSURES = """
query ($since: String, $year: Int, $department: String, $first: Int! = 20, $after: String) {
  disclosures(changedSince: $since, year: $year, department: $department, first: $first,
              after: $after) {
    totalCount
    edges { node { department { code } version isCurrent } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def test_changed_since_lists_every_version_with_a_later_change(
    database: Database, client: Client, tmp_path: Path
) -> None:
    async def changed_since(since: str | None, **filters: Any) -> list[tuple[str, int, bool]]:
        data = await client.query(DISCLOSURES, since=since, **filters)
        return [
            (e["node"]["department"]["code"], e["node"]["version"], e["node"]["isCurrent"])
            for e in data["disclosures"]["edges"]
        ]

    await _ingest(database, _file(tmp_path, "seed.txt", SEED_TEXT), "cli")
    _, start = await client.poll(None)
    await _ingest(database, _file(tmp_path, "501.txt", seed.variant("501")), "cli")
    _, other = await client.poll(start)
    await _ingest(database, _file(tmp_path, "changed.txt", CHANGED_TEXT), "cli")
    _, loaded = await client.poll(other)

    # Before the first entry: everything; the superseded version 1 among them.
    first_cursor = encode_cursor("change", 0)
    assert await changed_since(first_cursor) == [
        ("209", 1, False),
        ("501", 1, True),
        ("209", 2, True),
    ]
    # After the seed's load: 501's load, 209's version 2, and version 1 it superseded.
    assert await changed_since(start) == [("209", 1, False), ("501", 1, True), ("209", 2, True)]
    assert await changed_since(other) == [("209", 1, False), ("209", 2, True)]
    assert await changed_since(loaded) == []
    # With the other filters as they are.
    assert await changed_since(start, department="501") == [("501", 1, True)]
    assert await changed_since(start, department="209") == [("209", 1, False), ("209", 2, True)]
    assert await changed_since(start, year=2024) == []
    # Without it, as before: current versions only.
    assert await changed_since(None) == [("501", 1, True), ("209", 2, True)]
    # Paged like any list of disclosures.
    data = await client.query(DISCLOSURES, since=start, first=2)
    assert data["disclosures"]["totalCount"] == 3
    assert data["disclosures"]["pageInfo"]["hasNextPage"] is True
    rest = await client.query(
        DISCLOSURES, since=start, first=2, after=data["disclosures"]["pageInfo"]["endCursor"]
    )
    assert [e["node"]["version"] for e in rest["disclosures"]["edges"]] == [2]

    # A withdrawal changes the withdrawn version and the one current again.
    await withdraw_version(database, department="209", year=2023, reason="重复发布", actor="cli")
    assert await changed_since(loaded) == [("209", 1, True), ("209", 2, False)]


WITHDRAWN = """
query ($version: Int) {
  disclosure(department: "209", year: 2023, version: $version) {
    id version isCurrent
    withdrawal { id at by reason }
    supersededBy { version }
  }
}
"""


async def test_a_withdrawn_version_answers_with_its_withdrawal(
    database: Database, client: Client, tmp_path: Path
) -> None:
    await _ingest(database, _file(tmp_path, "seed.txt", SEED_TEXT), "cli")
    changed = _file(tmp_path, "changed.txt", CHANGED_TEXT)
    await _ingest(database, changed, "ci-pipeline")
    before = await client.query(WITHDRAWN)
    assert (before["disclosure"]["version"], before["disclosure"]["withdrawal"]) == (2, None)

    await withdraw_version(
        database, department="209", year=2023, reason="  数据口径有误  ", actor="ops-token"
    )
    # The current version is version 1 again.
    current = (await client.query(WITHDRAWN))["disclosure"]
    assert (current["version"], current["isCurrent"]) == (1, True)
    assert (current["withdrawal"], current["supersededBy"]) == (None, None)
    # Version 2 is still there by its number, never current, with who withdrew it and why.
    withdrawn = (await client.query(WITHDRAWN, version=2))["disclosure"]
    assert (withdrawn["isCurrent"], withdrawn["supersededBy"]) == (False, None)
    withdrawal = withdrawn["withdrawal"]
    assert (withdrawal["by"], withdrawal["reason"]) == ("ops-token", "数据口径有误")
    assert withdrawal["at"].endswith("+00:00")
    found = await client.query(
        "query ($id: ID!) { node(id: $id) { id ... on Withdrawal { reason } } }",
        id=withdrawal["id"],
    )
    assert found["node"] == {"id": withdrawal["id"], "reason": "数据口径有误"}
    listed = await client.query(
        '{ disclosures(department: "209", includeSuperseded: true) '
        "{ edges { node { version isCurrent withdrawal { reason } } } } }"
    )
    assert [e["node"] for e in listed["disclosures"]["edges"]] == [
        {"version": 1, "isCurrent": True, "withdrawal": None},
        {"version": 2, "isCurrent": False, "withdrawal": {"reason": "数据口径有误"}},
    ]
    current_only = await client.query(
        '{ disclosures(department: "209") { edges { node { version } } } }'
    )
    assert current_only["disclosures"]["edges"] == [{"node": {"version": 1}}]

    # Loading the withdrawn bytes again restores nothing; asked to, it is current again.
    assert await _ingest(database, changed, "ci-pipeline") == "withdrawn"
    assert (await client.query(WITHDRAWN))["disclosure"]["version"] == 1
    assert await _ingest(database, changed, "ci-pipeline", restore=True) == "restored"
    restored = (await client.query(WITHDRAWN))["disclosure"]
    assert (restored["version"], restored["isCurrent"], restored["withdrawal"]) == (2, True, None)


@pytest.mark.parametrize(
    ("query", "argument"),
    [
        ('{{ changes(after: "{cursor}") {{ totalCount }} }}', "after"),
        ('{{ disclosures(changedSince: "{cursor}") {{ totalCount }} }}', "changedSince"),
    ],
)
@pytest.mark.parametrize(
    "cursor",
    [
        "nonsense",
        encode_cursor("disclosure", 1),  # a cursor of another list
        "Y2hhbmdlOjIxNDc0ODM2NDg=",  # change:2147483648, beyond an INTEGER
        "Y2hhbmdlOi0x",  # change:-1
    ],
)
async def test_a_bad_change_cursor_is_refused_naming_its_argument(
    client: Client, query: str, argument: str, cursor: str
) -> None:
    response = await client.post(query.format(cursor=cursor))
    assert response.status_code == 400, response.text
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == f"{argument}: not a cursor of the change feed: {cursor!r}"


async def test_a_page_of_changes_is_at_most_the_largest_page(
    database: Database, client: Client, tmp_path: Path
) -> None:
    for n in range(3):
        await _ingest(database, _file(tmp_path, f"{n}.txt", seed.variant(f"5{n:02}")), "cli")
    assert len((await client.page(None, first=5000))["edges"]) == 3
    nothing = await client.page(None, first=0)
    assert nothing["edges"] == []
    assert nothing["pageInfo"]["hasNextPage"] is True


def test_a_page_of_changes_is_priced_by_its_first() -> None:
    page = "{ changes(first: 10) { totalCount edges { node { kind disclosure { version } } } } }"
    # changes, totalCount, edges; then node, kind, disclosure and version for each of the 10
    assert cost(page) == 3 + 10 * 4
    assert cost(page.replace("(first: 10)", "")) == 3 + 100 * 4  # 100 by default, and at most
    assert cost(page.replace("10", "5000")) == 3 + 100 * 4
    # A platform's poll, every field of an entry and of its version's state: affordable.
    assert cost(FEED, first=100) <= Limits().max_cost


# --- Polling while loads run at once ---------------------------------------------------------


def _editions(folder: Path, codes: list[str]) -> dict[str, list[Path]]:
    """Two editions of a budget for each department: the second a new version of the first."""
    return {
        code: [
            _file(folder, f"{code}-1.txt", seed.variant(code)),
            _file(folder, f"{code}-2.txt", seed.variant(code, **{"2150517": "1.00"})),
        ]
        for code in codes
    }


async def _poll_while(client: Client, running: asyncio.Future[Any]) -> list[Any]:
    """What a poller sees, polling from its last cursor a few entries at a time until
    ``running`` is done, then once more."""
    polled: list[Any] = []
    cursor: str | None = None
    while not running.done():
        edges, cursor = await client.poll(cursor, first=3)
        polled += edges
        await asyncio.sleep(0.01)
    await running  # raises what the loads raised
    edges, cursor = await client.poll(cursor, first=3)
    return polled + edges


async def _check_polled(client: Client, polled: list[Any], codes: list[str]) -> None:
    full, _ = await client.poll(None)
    assert _stable(polled) == _stable(full)
    ids = _ids(polled)
    assert all(a < b for a, b in itertools.pairwise(ids)), ids
    # Each department: version 1 loaded, then version 2 loaded superseding it, in that order.
    for code in codes:
        mine = [
            (e["node"]["kind"], e["node"]["version"])
            for e in polled
            if e["node"]["disclosure"]["department"]["code"] == code
        ]
        assert mine == [("LOADED", 1), ("LOADED", 2), ("SUPERSEDED", 1)], code
    assert len(polled) == 3 * len(codes)


async def test_a_poller_misses_nothing_while_engines_load_at_once(
    migrated_url: str, database: Database, client: Client, tmp_path: Path
) -> None:
    codes = [f"6{n:02}" for n in range(6)]
    editions = _editions(tmp_path, codes)

    async def load(code: str) -> None:
        own = Database(migrated_url)  # an engine, a connection and a transaction of its own
        try:
            for path in editions[code]:
                await _ingest(own, path, f"loader-{code}")
        finally:
            await own.dispose()

    running = asyncio.ensure_future(asyncio.gather(*(load(code) for code in codes)))
    polled = await _poll_while(client, running)
    await _check_polled(client, polled, codes)


LOADER = """
import asyncio, sys
from pathlib import Path
from hub.api.schema import Limits
from hub.app.ingest import ingest_files
from hub.parse.model import Overrides
from hub.store.engine import Database

async def main(url, actor, paths):
    database = Database(url)
    try:
        for path in paths:
            [outcome] = await ingest_files(database, [Path(path)], Overrides(), actor=actor)
            if outcome.error or outcome.loaded is None:
                sys.exit(f"{path}: {outcome.error}")
    finally:
        await database.dispose()

asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
"""


async def test_a_poller_misses_nothing_while_processes_load_at_once(
    migrated_url: str, database: Database, client: Client, tmp_path: Path
) -> None:
    codes = [f"7{n:02}" for n in range(8)]
    editions = _editions(tmp_path, codes)
    # Four processes, two departments each: their transactions really overlap.
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            LOADER,
            migrated_url,
            f"process-{n}",
            *(str(p) for code in codes[n::4] for p in editions[code]),
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        for n in range(4)
    ]

    async def finished() -> None:
        for process in processes:
            out, _ = await asyncio.wait_for(process.communicate(), timeout=300)
            assert process.returncode == 0, out.decode()

    running = asyncio.ensure_future(finished())
    polled = await _poll_while(client, running)
    await _check_polled(client, polled, codes)
    assert {e["node"]["actor"] for e in polled} == {f"process-{n}" for n in range(4)}
