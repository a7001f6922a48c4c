"""The ``hub`` command as a user runs it: a real process, its output and exit status."""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from hub import __version__
from hub.store.migrate import head_revision


def hub(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    return subprocess.run(
        [sys.executable, "-m", "hub", *args],
        cwd=cwd,
        env={**environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_version(tmp_path: Path) -> None:
    result = hub("--version", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, f"hub {__version__}\n")


def test_db_upgrade_current_downgrade(
    tmp_path: Path, backend: str, new_database_url: Callable[[str], str]
) -> None:
    env = {"HUB_DATABASE_URL": new_database_url(backend)}
    assert hub("db", "current", cwd=tmp_path, env=env).stdout.startswith("revision: (empty")
    up = hub("db", "upgrade", cwd=tmp_path, env=env)
    assert (up.returncode, up.stdout) == (0, f"Database at revision {head_revision()}.\n")
    current = hub("db", "current", cwd=tmp_path, env=env)
    assert current.stdout == f"revision: {head_revision()}\nhead: {head_revision()}\n"
    down = hub("db", "downgrade", "--revision", "base", cwd=tmp_path, env=env)
    assert (down.returncode, down.stdout) == (0, "Database emptied: no schema revision.\n")


def test_db_upgrade_takes_the_common_spellings_of_a_url(
    tmp_path: Path, new_database_url: Callable[[str], str]
) -> None:
    plain = new_database_url("postgresql").replace("postgresql+asyncpg://", "postgresql://", 1)
    up = hub("db", "upgrade", "--database", plain, cwd=tmp_path)
    assert (up.returncode, up.stdout) == (0, f"Database at revision {head_revision()}.\n"), (
        up.stderr
    )
    short = plain.replace("postgresql://", "postgres://", 1)
    current = hub("db", "current", "--database", short, cwd=tmp_path)
    assert current.stdout == f"revision: {head_revision()}\nhead: {head_revision()}\n"
    sqlite = hub("db", "upgrade", "--database", "sqlite:///plain.db", cwd=tmp_path)
    assert sqlite.returncode == 0, sqlite.stderr
    assert (tmp_path / "plain.db").is_file()


def test_a_postgresql_url_without_asyncpg_says_which_extra_to_install(tmp_path: Path) -> None:
    # A module named asyncpg that cannot be imported stands for a missing driver.
    (tmp_path / "asyncpg.py").write_text("raise ImportError('no asyncpg here')\n")
    env = {"PYTHONPATH": str(tmp_path)}
    result = hub(
        "db", "upgrade", "--database", "postgresql://postgres@127.0.0.1/x", cwd=tmp_path, env=env
    )
    assert (result.returncode, result.stderr) == (
        1,
        "error: PostgreSQL needs the asyncpg driver: pip install 'budget-hub[postgres]'\n",
    )


def test_the_default_database_is_hub_db_in_the_current_directory(tmp_path: Path) -> None:
    assert hub("db", "upgrade", cwd=tmp_path).returncode == 0
    assert (tmp_path / "hub.db").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["db", "upgrade", "--database", "mysql://x/y"], "unsupported database URL"),
        (
            ["db", "upgrade", "--database", "postgresql+psycopg2://x/y"],
            "unsupported database URL 'postgresql+psycopg2://x/y': use sqlite+aiosqlite:///FILE",
        ),
        (
            ["db", "current", "--database", "postgresql+asyncpg://postgres@127.0.0.1:1/x"],
            "cannot reach the database",
        ),
    ],
)
def test_errors_are_one_line_without_a_traceback(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = hub(*args, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {message}")
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serving(cwd: Path) -> tuple[subprocess.Popen[str], int, httpx.Response]:
    """`hub serve` on a free port, no HUB_ settings, once /health answers: the process, its
    port and that first answer."""
    port = _free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "hub", "serve", "--port", str(port)],
        cwd=cwd,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            return server, port, httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
        except httpx.TransportError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                output, _ = server.communicate()
                raise AssertionError(f"hub serve did not come up: {output}") from None
            time.sleep(0.2)


def test_serve_creates_an_empty_database_and_answers_health(tmp_path: Path) -> None:
    server, _, response = _serving(tmp_path)
    try:
        assert response.status_code == 200
        assert response.json()["database"] == {
            "backend": "sqlite",
            "revision": head_revision(),
            "head": head_revision(),
        }
        assert (tmp_path / "hub.db").is_file()
    finally:
        server.terminate()
        server.wait(timeout=30)
    # A new user sees the seed at once: the first start loaded fixtures/disclosures.
    with sqlite3.connect(tmp_path / "hub.db") as connection:
        assert connection.execute("SELECT fiscal_year, version FROM disclosure").fetchall() == [
            (2023, 1)
        ]


def test_serve_refuses_a_database_at_another_revision(tmp_path: Path) -> None:
    assert hub("db", "upgrade", cwd=tmp_path).returncode == 0

    with sqlite3.connect(tmp_path / "hub.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffff'")
    result = hub("serve", cwd=tmp_path)
    assert result.returncode == 1
    assert "run `hub db upgrade`" in result.stderr or "ffff" in result.stderr
    assert "Traceback" not in result.stderr


FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SEED_LINE = (
    "loaded     000_704427f805e11eeb.txt (version 1): 咸宁市经济和信息化局 2023: 6 tables, "
    "119 lines, findings: 2 warning, 8 rounding\n"
)
SEED_TITLE = "咸宁市经信局 2023 年部门预算公开"


def test_ingest_fixtures_then_again(
    tmp_path: Path, backend: str, new_database_url: Callable[[str], str]
) -> None:
    env = {"HUB_DATABASE_URL": new_database_url(backend)}
    first = hub("ingest", str(FIXTURES), cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout == (
        f"[1/1] {SEED_LINE}1 file: 1 loaded (0 as new versions), 0 unchanged, 0 failed\n"
    )
    again = hub("ingest", str(FIXTURES), cwd=tmp_path, env=env)
    assert again.stdout == (
        "[1/1] unchanged  000_704427f805e11eeb.txt: already loaded as version 1\n"
        "1 file: 0 loaded (0 as new versions), 1 unchanged, 0 failed\n"
    )


def test_ingest_with_a_scope_stores_a_unit_budget_beside_the_departments(tmp_path: Path) -> None:
    assert hub("ingest", str(FIXTURES), cwd=tmp_path).returncode == 0
    unit = hub("ingest", "--scope", "unit", str(FIXTURES), cwd=tmp_path)
    assert unit.returncode == 0, unit.stderr
    assert "1 loaded (0 as new versions)" in unit.stdout
    with sqlite3.connect(tmp_path / "hub.db") as connection:
        scopes = connection.execute("SELECT scope, version FROM disclosure ORDER BY scope")
        assert scopes.fetchall() == [("DEPARTMENT", 1), ("UNIT", 1)]


def test_ingest_reports_bad_files_and_exits_non_zero(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    result = hub("ingest", str(tmp_path / "empty.txt"), str(FIXTURES), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        "The database is empty: creating it and loading the catalog.\n"
        f"[1/2] failed     {tmp_path / 'empty.txt'}: the file is empty: expected a budget "
        "disclosure\n"
    )
    assert result.stdout.startswith(f"[2/2] {SEED_LINE}")
    assert result.stdout.endswith("2 files: 1 loaded (0 as new versions), 0 unchanged, 1 failed\n")


def test_check_prints_findings_without_a_database(tmp_path: Path) -> None:
    result = hub("check", str(FIXTURES), cwd=tmp_path)
    assert result.returncode == 0
    assert not (tmp_path / "hub.db").exists()
    assert result.stdout.count("ROUNDING") == 8
    assert "ERROR" not in result.stdout
    assert (
        "  ROUNDING subtotal                 GENERAL_BASIC_ECONOMIC 301 total line 262\n"
        in result.stdout
    )


def test_check_json(tmp_path: Path) -> None:
    from tests import seed

    result = hub("check", "--json", str(FIXTURES / "disclosures"), cwd=tmp_path)
    [report] = json.loads(result.stdout)
    assert (report["department"], report["year"], report["error"], report["format"]) == (
        "咸宁市经济和信息化局",
        2023,
        None,
        "TEXT",
    )
    read = [
        (f["rule"], f["severity"], f["table"], f["code"], f["column"], f["expected"], f["actual"])
        for f in report["findings"]
    ]
    assert read == seed.FINDINGS
    assert report["findings"][2]["difference"] == "-0.01"
    assert report["findings"][2]["line"] == 234


def test_check_and_ingest_a_pdf(
    tmp_path: Path, backend: str, new_database_url: Callable[[str], str]
) -> None:
    from tests.parse.sample_pdf import write_sample

    pdf = write_sample(tmp_path)
    checked = hub("check", str(pdf), cwd=tmp_path)
    assert checked.returncode == 3, checked.stderr  # an ERROR finding, --fail-on error
    assert checked.stdout.startswith(
        "[1/1] sample.pdf: 上海市普陀区测试局 2024: 5 tables, 25 lines, "
        "findings: 1 error, 2 warning, 1 info\n"
    )
    assert "  ERROR    narrative.amount         GENERAL_FUNCTIONAL 2101101 total page 5\n" in (
        checked.stdout
    )
    env = {"HUB_DATABASE_URL": new_database_url(backend)}
    loaded = hub("ingest", str(tmp_path), cwd=tmp_path, env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.endswith("1 file: 1 loaded (0 as new versions), 0 unchanged, 0 failed\n")


@pytest.mark.parametrize(
    ("host", "graphiql", "warned"),
    [
        ("0.0.0.0", True, True),
        ("::", True, True),
        ("192.168.1.20", True, True),
        ("budget.example.org", True, True),
        ("0.0.0.0", False, False),
        ("127.0.0.1", True, False),
        ("127.0.0.2", True, False),
        ("::1", True, False),
        ("localhost", True, False),
    ],
)
def test_serve_warns_when_it_listens_beyond_loopback_with_graphiql_on(
    host: str, graphiql: bool, warned: bool
) -> None:
    from hub.app.cli import _exposure_warnings
    from hub.config import Settings

    lines = _exposure_warnings(host, Settings(graphiql=graphiql))
    if warned:
        assert lines == [
            f"warning: listening on {host}, beyond this machine, with GraphiQL on: anyone who "
            "reaches this address gets the IDE at /graphql. Set HUB_GRAPHIQL=0 to switch it "
            "off, and HUB_ALLOWED_HOSTS to the names this server answers to."
        ]
    else:
        assert lines == []


def test_serve_takes_query_strings_up_to_the_request_limit() -> None:
    from hub.app.cli import _http_options
    from hub.config import Settings

    assert _http_options(Settings(max_request_bytes=60_000)) == {}
    assert _http_options(Settings(max_request_bytes=100_000)) == {
        "http": "h11",
        "h11_max_incomplete_event_size": 100_000 + 65_536,
    }


def _raw_get(port: int, target: str) -> tuple[int, bytes]:
    """A GET by hand: httpx refuses to send a URL over 64 KiB, which browsers do send."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(
            f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
        )
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_served_a_long_query_string_is_answered_and_a_refusal_logged_in_one_line(
    tmp_path: Path,
) -> None:
    from urllib.parse import urlencode

    server, port, _ = _serving(tmp_path)
    try:
        # 90,000 bytes: over the 65,535 of a URL uvicorn's default parser takes, under the
        # default HUB_MAX_REQUEST_BYTES (100,000).
        query = urlencode({"query": "{ version #" + "#" * 29_990 + "\n}"})
        assert 65_535 < len(query) < 100_000
        status, body = _raw_get(port, "/graphql?" + query)
        assert status == 200, body[:300]
        assert json.loads(body)["data"]["version"] == __version__
        status, body = _raw_get(port, "/graphql?" + query + "%23" * 5_000)
        assert status == 413
        assert json.loads(body)["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"
        refused = httpx.post(
            f"http://127.0.0.1:{port}/graphql",
            content=b"null",
            headers={"content-type": "application/json"},
        )
        assert refused.status_code == 400
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    logged = [
        line
        for line in output.splitlines()
        if '"GET /graphql"' in line or '"POST /graphql"' in line
    ]
    assert len(logged) == 2, output
    assert logged[0].endswith(
        "413 REQUEST_TOO_LARGE: the request is larger than 100000 bytes (HUB_MAX_REQUEST_BYTES): "
        "send a smaller query, with its values as variables"
    )
    assert '"POST /graphql" 400 BAD_REQUEST: the request body must be a JSON object' in logged[1]
    assert "Traceback" not in output


def _seed_copies(folder: Path) -> tuple[Path, Path]:
    """The seed as a.txt, and as b.txt the same department's 2024 budget (the title's year)."""
    folder.mkdir()
    text = (FIXTURES / "disclosures" / "000_704427f805e11eeb.txt").read_text(encoding="utf-8")
    a, b = folder / "a.txt", folder / "b.txt"
    a.write_text(text, encoding="utf-8")
    b.write_text(text.replace(SEED_TITLE, SEED_TITLE.replace("2023", "2024")), encoding="utf-8")
    return a, b


@pytest.mark.parametrize(
    ("fail_on", "seed_exit", "pdf_exit"),
    [
        ([], 0, 3),  # the default: error
        (["--fail-on", "error"], 0, 3),
        (["--fail-on", "ERROR"], 0, 3),
        (["--fail-on", "warning"], 3, 3),  # the seed has 2 WARNING, the PDF 1 ERROR, 2 WARNING
        (["--fail-on", "never"], 0, 0),
    ],
)
def test_check_exits_3_on_findings_at_the_fail_on_level(
    tmp_path: Path, fail_on: list[str], seed_exit: int, pdf_exit: int
) -> None:
    from tests.parse.sample_pdf import write_sample

    seed_checked = hub("check", *fail_on, str(FIXTURES), cwd=tmp_path)
    assert seed_checked.returncode == seed_exit, seed_checked.stderr
    assert "findings: 2 warning, 8 rounding\n" in seed_checked.stdout
    pdf_checked = hub("check", *fail_on, str(write_sample(tmp_path)), cwd=tmp_path)
    assert pdf_checked.returncode == pdf_exit, pdf_checked.stderr
    assert "findings: 1 error, 2 warning, 1 info\n" in pdf_checked.stdout
    assert pdf_checked.stderr == ""


def test_check_a_failed_file_exits_1_whatever_the_findings(tmp_path: Path) -> None:
    from tests.parse.sample_pdf import write_sample

    pdf = write_sample(tmp_path)
    (tmp_path / "empty.txt").write_bytes(b"")
    for fail_on in ("error", "warning", "never"):
        result = hub("check", "--fail-on", fail_on, str(tmp_path), cwd=tmp_path)
        assert result.returncode == 1, fail_on
        assert result.stderr == (
            f"[1/2] failed     {tmp_path / 'empty.txt'}: the file is empty: expected a budget "
            "disclosure\n"
        )
        assert result.stdout.startswith(f"[2/2] {pdf.name}: 上海市普陀区测试局 2024")


def test_check_fail_on_takes_only_its_three_levels(tmp_path: Path) -> None:
    result = hub(
        "check", "--fail-on", "rounding", str(FIXTURES), cwd=tmp_path, env={"COLUMNS": "200"}
    )
    assert result.returncode == 2
    assert "'rounding' is not one of 'error', 'warning', 'never'" in result.stderr
    assert result.stdout == ""


def test_check_and_ingest_document_their_exit_codes_and_options(tmp_path: Path) -> None:
    for command in ("check", "ingest"):
        result = hub(command, "--help", cwd=tmp_path, env={"COLUMNS": "200"})
        assert result.returncode == 0
        text = " ".join(result.stdout.split())
        assert "Exit status: 0 when every file went through" in text
        assert "3 when no file failed but some had findings at or above the --fail-on level" in text
        assert "--force" in text
        assert "--fail-on" in text
    check_help = " ".join(hub("check", "--help", cwd=tmp_path).stdout.split())
    assert "(default: error)" in check_help


def test_check_stops_a_pipeline_on_an_error_finding(tmp_path: Path) -> None:
    from tests.parse.sample_pdf import write_sample

    pdf = write_sample(tmp_path)
    environ = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    hub_command = f"{sys.executable} -m hub"
    pipeline = subprocess.run(
        [
            "sh",
            "-c",
            f"{hub_command} check --fail-on error '{pdf}' && {hub_command} ingest '{pdf}'",
        ],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert pipeline.returncode == 3
    assert "  ERROR    narrative.amount" in pipeline.stdout
    assert not (tmp_path / "hub.db").exists()  # the ingest never ran


def test_ingest_fail_on_exits_3_and_still_loads(
    tmp_path: Path, backend: str, new_database_url: Callable[[str], str]
) -> None:
    env = {"HUB_DATABASE_URL": new_database_url(backend)}
    warned = hub("ingest", "--fail-on", "warning", str(FIXTURES), cwd=tmp_path, env=env)
    assert warned.returncode == 3, warned.stderr
    assert warned.stdout == (
        f"[1/1] {SEED_LINE}1 file: 1 loaded (0 as new versions), 0 unchanged, 0 failed\n"
    )
    # Loaded again, unchanged: the findings stored with it count as they did.
    again = hub("ingest", "--fail-on", "warning", str(FIXTURES), cwd=tmp_path, env=env)
    assert again.returncode == 3, again.stderr
    assert again.stdout.endswith("1 file: 0 loaded (0 as new versions), 1 unchanged, 0 failed\n")
    for fail_on in ("error", "never"):
        quiet = hub("ingest", "--fail-on", fail_on, str(FIXTURES), cwd=tmp_path, env=env)
        assert quiet.returncode == 0, quiet.stderr
    by_default = hub("ingest", str(FIXTURES), cwd=tmp_path, env=env)
    assert by_default.returncode == 0, by_default.stderr


def test_ingest_a_failed_file_takes_precedence_over_findings(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    result = hub(
        "ingest", "--fail-on", "warning", str(tmp_path / "empty.txt"), str(FIXTURES), cwd=tmp_path
    )
    assert result.returncode == 1
    assert result.stdout.endswith("2 files: 1 loaded (0 as new versions), 0 unchanged, 1 failed\n")
    with sqlite3.connect(tmp_path / "hub.db") as connection:  # the good file went in
        assert connection.execute("SELECT fiscal_year FROM disclosure").fetchall() == [(2023,)]


def test_ingest_refuses_a_year_the_title_contradicts_unless_forced(
    tmp_path: Path, backend: str, new_database_url: Callable[[str], str]
) -> None:
    url = new_database_url(backend)
    env = {"HUB_DATABASE_URL": url}
    seed = FIXTURES / "disclosures" / "000_704427f805e11eeb.txt"
    refused = hub("ingest", "--year", "2030", str(seed), cwd=tmp_path, env=env)
    assert refused.returncode == 1
    assert refused.stderr.endswith(
        f"[1/1] failed     {seed}:1: the title states 2023 ('{SEED_TITLE}'), --year 2030 "
        "contradicts it: pass --force to read it as 2030\n"
    )
    assert "Traceback" not in refused.stderr
    assert refused.stdout == "1 file: 0 loaded (0 as new versions), 0 unchanged, 1 failed\n"
    forced = hub("ingest", "--year", "2030", "--force", str(seed), cwd=tmp_path, env=env)
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout.startswith(
        "[1/1] loaded     000_704427f805e11eeb.txt (version 1): 咸宁市经济和信息化局 2030: "
    )
    assert _stored_disclosures(url) == [(2030, "咸宁市", "421200")]


def _stored_disclosures(url: str) -> list[tuple[object, ...]]:
    import asyncio

    from sqlalchemy import text

    from hub.store.engine import Database

    async def read() -> list[tuple[object, ...]]:
        database = Database(url)
        try:
            async with database.session() as session:
                rows = await session.execute(
                    text(
                        "SELECT d.fiscal_year, r.name, r.code FROM disclosure d "
                        "JOIN department p ON p.id = d.department_id "
                        "JOIN region r ON r.id = p.region_id ORDER BY d.fiscal_year"
                    )
                )
                return [tuple(row) for row in rows]
        finally:
            await database.dispose()

    return asyncio.run(read())


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("999999", "is not an administrative division code (no province's code begins with 99)"),
        ("310107", "contradicts 咸宁市's code, 421200"),
    ],
)
def test_a_region_code_that_is_not_the_regions_is_refused_unless_forced(
    tmp_path: Path, code: str, reason: str
) -> None:
    seed = FIXTURES / "disclosures" / "000_704427f805e11eeb.txt"
    refused = hub("check", "--region-code", code, str(seed), cwd=tmp_path)
    assert refused.returncode == 1
    assert refused.stderr == (
        f"[1/1] failed     {seed}:1: --region-code {code} {reason}: pass --force to take it as "
        "咸宁市's code\n"
    )
    assert refused.stdout == ""
    forced = hub("check", "--region-code", code, "--force", str(seed), cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    loaded = hub("ingest", "--region-code", code, "--force", str(seed), cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    assert _stored_disclosures(f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}") == [
        (2023, "咸宁市", code)
    ]


GATED = """
import sys, time
from pathlib import Path

import hub.app.ingest as ingest
from hub.app.cli import main

gate = Path(sys.argv.pop(1))
read = ingest._read


def gated(job, *args):
    # b.txt is read once the test has seen a.txt's line; after 10 s without it, b.txt is read
    # all the same, and that is marked for the test to fail on.
    deadline = time.monotonic() + 10
    while job.path.name == "b.txt" and not gate.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    if job.path.name == "b.txt" and not gate.exists():
        gate.with_name("b-read-first").touch()
    return read(job, *args)


ingest._read = gated
sys.argv[0] = "hub"
main()
"""


@pytest.mark.parametrize("command", ["check", "ingest"])
def test_each_files_line_appears_as_soon_as_that_file_is_done(tmp_path: Path, command: str) -> None:
    folder = tmp_path / "two"
    _seed_copies(folder)
    gate = tmp_path / "gate"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    process = subprocess.Popen(
        [sys.executable, "-c", GATED, str(gate), command, str(folder)],
        cwd=tmp_path,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        # a.txt's line came through the pipe while b.txt waits to be read: the run goes on.
        still_running = process.poll() is None
        gate.touch()
        rest, errors = process.communicate(timeout=120)
    finally:
        process.kill()
    assert still_running, "the first line came only when the run ended"
    assert not (tmp_path / "b-read-first").exists(), "a.txt's line came after b.txt was read"
    assert process.returncode == 0, errors
    if command == "check":
        assert first == (
            "[1/2] a.txt: 咸宁市经济和信息化局 2023: 6 tables, 119 lines, "
            "findings: 2 warning, 8 rounding\n"
        )
        assert "[2/2] b.txt: 咸宁市经济和信息化局 2024: 6 tables, 119 lines" in rest
    else:
        assert first == (
            "[1/2] loaded     a.txt (version 1): 咸宁市经济和信息化局 2023: 6 tables, 119 lines, "
            "findings: 2 warning, 8 rounding\n"
        )
        assert rest.startswith("[2/2] loaded     b.txt (version 1): 咸宁市经济和信息化局 2024: ")
        assert rest.endswith("2 files: 2 loaded (0 as new versions), 0 unchanged, 0 failed\n")


def test_check_json_prints_no_line_per_file(tmp_path: Path) -> None:
    folder = tmp_path / "two"
    _seed_copies(folder)
    result = hub("check", "--json", "--fail-on", "never", str(folder), cwd=tmp_path)
    assert result.returncode == 0
    assert [(r["file"], r["year"]) for r in json.loads(result.stdout)] == [
        (str(folder / "a.txt"), 2023),
        (str(folder / "b.txt"), 2024),
    ]
    warned = hub("check", "--json", "--fail-on", "warning", str(folder), cwd=tmp_path)
    assert warned.returncode == 3
    assert json.loads(warned.stdout) == json.loads(result.stdout)
