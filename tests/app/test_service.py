"""Loading and withdrawing over HTTP with a token (``POST /api/ingest``, ``POST /api/withdraw``),
on SQLite and PostgreSQL: the report is the one ``hub ingest`` gives, every refusal says why and
writes nothing."""

import asyncio
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from hub.api.ids import encode_id
from hub.app.ingest import check_files
from hub.app.reports import outcome_json
from hub.app.web import create_app
from hub.catalog import Catalog
from hub.config import Settings
from hub.domain import AuditAction
from hub.parse import Overrides
from hub.store.engine import Database
from hub.store.entities import AuditEntry, Disclosure
from hub.store.tokens import create_token, revoke_token
from tests import seed
from tests.corpus import corpus_file

SEED_BYTES = seed.SEED.read_bytes()
CHANGED_BYTES = SEED_BYTES.decode("utf-8").replace("3814.52", "3814.53", 1).encode("utf-8")
PDF = "putuo-wanli-2024-budget.pdf"
DISCLOSURE = '{ disclosure(department: "209", year: 2023) { version isCurrent } }'

Client = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def client(database: Database) -> Client:
    """A client of the app, with settings of the test's own (the response cache on, as by
    default, unless turned off)."""

    @asynccontextmanager
    async def make(**settings: Any) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(Settings(database_url=str(database.url), **settings), database)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub") as http:
            yield http

    return make


@pytest.fixture
async def token(database: Database) -> str:
    async with database.transaction() as session:
        return await create_token(session, "loader")


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def upload(*files: tuple[str, bytes], **fields: str) -> dict[str, Any]:
    return {
        "files": [("file", (name, data, "application/octet-stream")) for name, data in files],
        "data": fields,
    }


async def count(database: Database, entity: Any, *where: Any) -> int:
    async with database.session() as session:
        return int(
            await session.scalar(select(func.count()).select_from(entity).where(*where)) or 0
        )


async def ingest_entries(database: Database) -> list[AuditEntry]:
    async with database.session() as session:
        rows = await session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == AuditAction.INGEST)
            .order_by(AuditEntry.id)  # type: ignore[arg-type]
        )
        return list(rows.all())


async def checked(path: Path) -> dict[str, Any]:
    """What ``hub check --json`` says of a file: its findings counted by severity, its rules."""
    [outcome] = await asyncio.to_thread(check_files, [path], Overrides(), Catalog.shipped())
    return outcome_json(outcome)


def error(response: httpx.Response) -> tuple[str, str]:
    [only] = response.json()["errors"]
    return only["extensions"]["code"], only["message"]


@pytest.fixture
def uploads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Where the uploads' temporary folders are made (to see them removed)."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def leftovers(folder: Path) -> list[Path]:
    """The uploads' folders left behind."""
    return list(folder.glob("hub-upload-*"))


async def test_a_token_holder_loads_the_seed_and_a_pdf_and_gets_the_report(
    client: Client, database: Database, token: str, uploads: Path
) -> None:
    pdf = corpus_file(PDF)
    expected_seed, expected_pdf = await checked(seed.SEED), await checked(pdf)
    files = ("budget.txt", SEED_BYTES), (PDF, pdf.read_bytes())
    async with client() as http:
        response = await http.post("/api/ingest", headers=bearer(token), **upload(*files))
        assert response.status_code == 200, response.text
        report = response.json()
        assert {k: v for k, v in report.items() if k != "files"} == {
            "loaded": 2, "newVersions": 0, "unchanged": 0, "restored": 0, "withdrawn": 0,
            "failed": 0,
        }  # fmt: skip
        first, second = report["files"]
        assert (first["file"], first["status"], first["version"], first["error"]) == (
            "budget.txt", "new", 1, None,
        )  # fmt: skip
        assert (first["department"], first["year"]) == ("咸宁市经济和信息化局", 2023)
        assert first["findingCounts"] == expected_seed["findingCounts"]
        assert [f["rule"] for f in first["findings"]] == [
            f["rule"] for f in expected_seed["findings"]
        ]
        assert first["sha256"] == expected_seed["sha256"]
        assert (second["file"], second["status"], second["version"]) == (PDF, "new", 1)
        assert (second["department"], second["year"]) == (
            "上海市普陀区人民政府万里街道办事处",
            2024,
        )
        assert second["findingCounts"] == expected_pdf["findingCounts"]
        async with database.session() as session:
            stored = await session.get(Disclosure, int(seed_id(first["disclosure"])))
            assert stored is not None
            assert (stored.version, stored.source_name) == (1, "budget.txt")

        again = await http.post("/api/ingest", headers=bearer(token), **upload(*files))
        assert again.status_code == 200, again.text
        assert [(f["status"], f["version"], f["disclosure"]) for f in again.json()["files"]] == [
            ("unchanged", 1, first["disclosure"]),
            ("unchanged", 1, second["disclosure"]),
        ]
        assert (again.json()["loaded"], again.json()["unchanged"]) == (0, 2)
    assert await count(database, Disclosure) == 2
    entries = await ingest_entries(database)
    assert [(e.actor, e.source_name, e.result) for e in entries] == [
        ("loader", "budget.txt", "new"),
        ("loader", PDF, "new"),
        ("loader", "budget.txt", "unchanged"),
        ("loader", PDF, "unchanged"),
    ]
    assert leftovers(uploads) == []  # each upload's folder removed


def seed_id(global_id: str) -> str:
    from hub.api.ids import decode_id

    type_name, [key] = decode_id(global_id)
    assert type_name == "Disclosure"
    return key


async def test_a_failed_file_is_422_with_the_whole_report_and_spoils_no_other(
    client: Client, database: Database, token: str
) -> None:
    files = ("empty.txt", b""), ("budget.txt", SEED_BYTES)
    async with client(response_cache=0) as http:
        response = await http.post("/api/ingest", headers=bearer(token), **upload(*files))
    assert response.status_code == 422, response.text
    report = response.json()
    assert (report["loaded"], report["failed"]) == (1, 1)
    empty, budget = report["files"]
    assert (empty["file"], empty["status"], empty["version"]) == ("empty.txt", "failed", None)
    assert "the file is empty" in empty["error"]
    assert (budget["status"], budget["version"]) == ("new", 1)
    assert await count(database, Disclosure) == 1
    assert [(e.actor, e.result) for e in await ingest_entries(database)] == [
        ("loader", "failed"),
        ("loader", "new"),
    ]


@pytest.mark.parametrize("kind", ["missing", "wrong", "revoked", "not bearer"])
async def test_without_a_live_token_nothing_loads_and_nothing_is_withdrawn(
    client: Client, database: Database, token: str, kind: str
) -> None:
    if kind == "revoked":
        async with database.transaction() as session:
            await revoke_token(session, "loader")
    headers = {
        "missing": {},
        "wrong": bearer("hub_" + "x" * 43),
        "revoked": bearer(token),
        "not bearer": {"Authorization": f"Basic {token}"},
    }[kind]
    async with client(response_cache=0) as http:
        response = await http.post(
            "/api/ingest", headers=headers, **upload(("budget.txt", SEED_BYTES))
        )
        assert response.status_code == 401, response.text
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert error(response)[0] == "UNAUTHENTICATED"
        assert await count(database, Disclosure) == 0
        assert await ingest_entries(database) == []

        await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
        body = {"department": "209", "year": 2023, "reason": "wrong figures"}
        refused = await http.post("/api/withdraw", headers=headers, json=body)
        assert refused.status_code == 401, refused.text
        assert refused.headers["www-authenticate"].startswith("Bearer")
        answer = await http.post("/graphql", json={"query": DISCLOSURE})
        assert answer.json()["data"]["disclosure"] == {"version": 1, "isCurrent": True}
    assert await count(database, Disclosure, Disclosure.withdrawn_at.is_not(None)) == 0  # type: ignore[union-attr]


async def test_a_file_over_the_limit_is_413_naming_it_and_nothing_loads(
    client: Client, database: Database, token: str, uploads: Path
) -> None:
    async with client(response_cache=0, max_upload_bytes=10_000) as http:
        response = await http.post(
            "/api/ingest",
            headers=bearer(token),
            **upload(("small.txt", SEED_BYTES[:5_000]), ("budget.txt", SEED_BYTES)),
        )
    assert response.status_code == 413, response.text
    code, message = error(response)
    assert code == "FILE_TOO_LARGE"
    assert "budget.txt" in message
    assert "10000 bytes" in message
    assert "HUB_MAX_UPLOAD_BYTES" in message
    assert await count(database, Disclosure) == 0
    assert await ingest_entries(database) == []
    assert leftovers(uploads) == []


async def test_too_many_files_is_413(client: Client, database: Database, token: str) -> None:
    async with client(response_cache=0, max_upload_files=1) as http:
        response = await http.post(
            "/api/ingest",
            headers=bearer(token),
            **upload(("a.txt", SEED_BYTES), ("b.txt", CHANGED_BYTES)),
        )
    assert response.status_code == 413, response.text
    code, message = error(response)
    assert code == "TOO_MANY_FILES"
    assert "HUB_MAX_UPLOAD_FILES" in message
    assert await count(database, Disclosure) == 0


async def test_a_file_that_is_neither_pdf_nor_text_is_415(
    client: Client, database: Database, token: str
) -> None:
    async with client(response_cache=0) as http:
        response = await http.post(
            "/api/ingest", headers=bearer(token), **upload(("budget.docx", SEED_BYTES))
        )
        assert response.status_code == 415, response.text
        assert error(response) == (
            "UNSUPPORTED_MEDIA_TYPE",
            "budget.docx: expected a disclosure as a .pdf or .txt file",
        )
        not_a_form = await http.post("/api/ingest", headers=bearer(token), content=SEED_BYTES)
        assert not_a_form.status_code == 415, not_a_form.text
    assert await count(database, Disclosure) == 0
    assert await ingest_entries(database) == []


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"year": "20x3"}, "'year'"),
        ({"scope": "BOTH"}, "'scope'"),
        ({"force": "maybe"}, "'force'"),
        ({"restore": "2"}, "'restore'"),
        ({"region-code": "421200"}, "'region-code'"),
    ],
)
async def test_a_bad_override_is_400_naming_the_field(
    client: Client, database: Database, token: str, fields: dict[str, str], named: str
) -> None:
    async with client(response_cache=0) as http:
        response = await http.post(
            "/api/ingest", headers=bearer(token), **upload(("budget.txt", SEED_BYTES), **fields)
        )
    assert response.status_code == 400, response.text
    code, message = error(response)
    assert code == "BAD_REQUEST"
    assert named in message
    assert await count(database, Disclosure) == 0
    assert await ingest_entries(database) == []


async def test_a_request_without_a_file_is_400(client: Client, token: str) -> None:
    async with client(response_cache=0) as http:
        response = await http.post(
            "/api/ingest", headers=bearer(token), data={"year": "2023"}, files={"x": ("", b"")}
        )
        assert response.status_code == 400, response.text
        only_fields = await http.post(
            "/api/ingest",
            headers={**bearer(token), "Content-Type": "multipart/form-data; boundary=b"},
            content=b'--b\r\nContent-Disposition: form-data; name="year"\r\n\r\n2023\r\n--b--\r\n',
        )
    assert only_fields.status_code == 400, only_fields.text
    assert "no file" in error(only_fields)[1]


async def test_overrides_apply_as_the_command_lines_do(
    client: Client, database: Database, token: str
) -> None:
    async with client(response_cache=0) as http:
        response = await http.post(
            "/api/ingest",
            headers=bearer(token),
            **upload(("budget.txt", SEED_BYTES), department_name="咸宁市经信局", scope="unit"),
        )
    assert response.status_code == 200, response.text
    [report] = response.json()["files"]
    assert (report["status"], report["department"]) == ("new", "咸宁市经信局")
    async with database.session() as session:
        stored = await session.get(Disclosure, int(seed_id(report["disclosure"])))
        assert stored is not None
        assert stored.scope.value == "UNIT"


async def test_the_rate_limit_refuses_a_request_whole_then_allows_after_the_window(
    client: Client, database: Database, token: str
) -> None:
    async with client(response_cache=0, ingest_per_minute=2) as http:
        first = await http.post(
            "/api/ingest", headers=bearer(token), **upload(("budget.txt", SEED_BYTES))
        )
        assert first.status_code == 200, first.text
        two = upload(("changed.txt", CHANGED_BYTES), ("budget.txt", SEED_BYTES))
        refused = await http.post("/api/ingest", headers=bearer(token), **two)
        assert refused.status_code == 429, refused.text
        assert 1 <= int(refused.headers["retry-after"]) <= 61
        code, message = error(refused)
        assert code == "RATE_LIMITED"
        assert "2 files a minute" in message
        assert "1 more may be sent now, this request has 2" in message
        assert await count(database, Disclosure) == 1  # refused whole: neither file loaded

        one = upload(("changed.txt", CHANGED_BYTES))
        second = await http.post("/api/ingest", headers=bearer(token), **one)
        assert second.status_code == 200, second.text
        assert second.json()["files"][0]["status"] == "new version"
        spent = await http.post("/api/ingest", headers=bearer(token), **one)
        assert spent.status_code == 429, spent.text
        assert len(await ingest_entries(database)) == 2

        # A minute on: the two files sent are out of the window.
        async with database.transaction() as session:
            for entry in (await session.scalars(select(AuditEntry))).all():
                entry.at = entry.at - timedelta(seconds=61)
        allowed = await http.post("/api/ingest", headers=bearer(token), **one)
        assert allowed.status_code == 200, allowed.text
        assert allowed.json()["files"][0]["status"] == "unchanged"


async def test_two_requests_at_once_cannot_both_take_what_is_left(
    client: Client, database: Database, token: str
) -> None:
    async with client(response_cache=0, ingest_per_minute=1) as http:
        answers = await asyncio.gather(
            *(
                http.post("/api/ingest", headers=bearer(token), **upload((name, data)))
                for name, data in (("budget.txt", SEED_BYTES), ("changed.txt", CHANGED_BYTES))
            )
        )
    assert sorted(a.status_code for a in answers) == [200, 429]
    assert await count(database, Disclosure) == 1
    assert len(await ingest_entries(database)) == 1


async def test_an_upload_that_stalls_is_refused(
    client: Client, database: Database, token: str, uploads: Path
) -> None:
    async def stalling() -> AsyncIterator[bytes]:
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="budget.txt"\r\n\r\n'
        yield SEED_BYTES[:1000]
        await asyncio.sleep(30)
        yield b"never"

    async with client(response_cache=0, request_timeout=0.5) as http:
        response = await http.post(
            "/api/ingest",
            headers={**bearer(token), "Content-Type": "multipart/form-data; boundary=b"},
            content=stalling(),
        )
    assert response.status_code == 408, response.text
    assert error(response)[0] == "UPLOAD_STALLED"
    assert await count(database, Disclosure) == 0
    assert leftovers(uploads) == []


async def test_the_limit_is_a_tokens_own(client: Client, database: Database, token: str) -> None:
    async with database.transaction() as session:
        other = await create_token(session, "other")
    async with client(response_cache=0, ingest_per_minute=1) as http:
        for secret in (token, other):
            response = await http.post(
                "/api/ingest", headers=bearer(secret), **upload(("budget.txt", SEED_BYTES))
            )
            assert response.status_code == 200, response.text
        assert (
            await http.post(
                "/api/ingest", headers=bearer(token), **upload(("budget.txt", SEED_BYTES))
            )
        ).status_code == 429


async def test_withdrawing_over_http_makes_the_version_before_current_at_once(
    client: Client, database: Database, token: str
) -> None:
    async with client() as http:  # the response cache on, as by default
        first = await http.post(
            "/api/ingest", headers=bearer(token), **upload(("budget.txt", SEED_BYTES))
        )
        changed = await http.post(
            "/api/ingest", headers=bearer(token), **upload(("budget.txt", CHANGED_BYTES))
        )
        [v1], [v2] = first.json()["files"], changed.json()["files"]
        assert (v1["status"], v1["version"]) == ("new", 1)
        assert (v2["status"], v2["version"]) == ("new version", 2)
        for _ in range(2):  # the second answered from the cache
            before = await http.post("/graphql", json={"query": DISCLOSURE})
            assert before.json()["data"]["disclosure"] == {"version": 2, "isCurrent": True}
        assert before.headers.get("x-hub-cache") == "hit"

        body = {"department": "209", "year": 2023, "reason": "3814.53 is a typing error"}
        response = await http.post("/api/withdraw", headers=bearer(token), json=body)
        assert response.status_code == 200, response.text
        assert response.json() == {
            "withdrawn": {"disclosure": v2["disclosure"], "version": 2},
            "current": {"disclosure": v1["disclosure"], "version": 1},
        }
        assert v1["disclosure"] == encode_id("Disclosure", int(seed_id(v1["disclosure"])))
        after = await http.post("/graphql", json={"query": DISCLOSURE})
        assert "x-hub-cache" not in after.headers
        assert after.json()["data"]["disclosure"] == {"version": 1, "isCurrent": True}

        again = await http.post("/api/withdraw", headers=bearer(token), json={**body, "version": 2})
        assert again.status_code == 400, again.text
        assert "withdrawn already" in error(again)[1]

        # The withdrawn bytes again: reported, nothing changes, until restore is asked for.
        resent = await http.post(
            "/api/ingest", headers=bearer(token), **upload(("budget.txt", CHANGED_BYTES))
        )
        [file] = resent.json()["files"]
        assert (resent.status_code, file["status"], file["version"]) == (200, "withdrawn", 2)
        assert file["withdrawalReason"] == "3814.53 is a typing error"
        for _ in range(2):
            still = await http.post("/graphql", json={"query": DISCLOSURE})
            assert still.json()["data"]["disclosure"] == {"version": 1, "isCurrent": True}
        assert still.headers.get("x-hub-cache") == "hit"
        restored = await http.post(
            "/api/ingest",
            headers=bearer(token),
            **upload(("budget.txt", CHANGED_BYTES), restore="true"),
        )
        [file] = restored.json()["files"]
        assert (restored.status_code, file["status"], file["version"]) == (200, "restored", 2)
        now = await http.post("/graphql", json={"query": DISCLOSURE})
        assert "x-hub-cache" not in now.headers
        assert now.json()["data"]["disclosure"] == {"version": 2, "isCurrent": True}
    async with database.session() as session:
        withdrawn = await session.get(Disclosure, int(seed_id(v2["disclosure"])))
        assert withdrawn is not None
        # Restored: no longer withdrawn; the withdrawal stays in the audit log and the feed.
        assert (withdrawn.withdrawn_at, withdrawn.withdrawn_by, withdrawn.withdrawal_reason) == (
            None, None, None,
        )  # fmt: skip
        entry = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == AuditAction.WITHDRAW)
        )
        assert entry is not None
        assert (entry.actor, entry.version, entry.result) == ("loader", 2, "withdrawn")
        assert entry.detail == "3814.53 is a typing error"


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"department": "999", "year": 2023, "reason": "r"}, 404, "no department '999'"),
        (
            {"department": "209", "year": 2022, "reason": "r"},
            404,
            "for 2022 (department budget)",
        ),
        ({"department": "209", "year": "2023", "reason": "r"}, 400, "'year'"),
        ({"department": "209", "year": 2023}, 400, "'reason' is required"),
        ({"department": "209", "year": 2023, "reason": "r", "scope": "ALL"}, 400, "'scope'"),
        ({"department": "209", "year": 2023, "reason": "r", "why": "x"}, 400, "'why'"),
        ([1, 2], 400, "JSON object"),
    ],
)
async def test_a_withdrawal_that_cannot_be_done_says_why_and_changes_nothing(
    client: Client,
    database: Database,
    token: str,
    body: Any,
    status: int,
    words: str,
) -> None:
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
    async with client(response_cache=0) as http:
        response = await http.post("/api/withdraw", headers=bearer(token), json=body)
        assert response.status_code == status, response.text
        code, message = error(response)
        assert code == ("NOT_FOUND" if status == 404 else "BAD_REQUEST")
        assert words in message
        answer = await http.post("/graphql", json={"query": DISCLOSURE})
        assert answer.json()["data"]["disclosure"] == {"version": 1, "isCurrent": True}


async def test_a_file_sent_twice_under_one_name_is_two_files(
    client: Client, database: Database, token: str
) -> None:
    files = ("../../budget.txt", SEED_BYTES), ("budget.txt", CHANGED_BYTES)
    async with client(response_cache=0) as http:
        response = await http.post("/api/ingest", headers=bearer(token), **upload(*files))
    assert response.status_code == 200, response.text
    assert [(f["file"], f["status"]) for f in response.json()["files"]] == [
        ("../../budget.txt", "new"),
        ("budget.txt", "new version"),
    ]
    assert [e.source_name for e in await ingest_entries(database)] == [
        "budget.txt",
        "budget (2).txt",
    ]
