"""The benchmark run: ingest a corpus, serve it, load it with wrk, compare with a SQL floor."""

from __future__ import annotations

import asyncio
import json
import os
import platform
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event, text

from bench.corpus import SIZES, write_corpus

__all__ = ["QUERIES", "run"]

ROOT = Path(__file__).resolve().parent
CONTRACT = (ROOT.parent / "tests" / "api" / "contract.graphql").read_text(encoding="utf-8")
QUERIES = {
    # The contract query of the API, for a department the corpus always has.
    "contract": CONTRACT.replace(
        'disclosure(department: "209", year: 2023)',
        'disclosure(department: "100", year: 2023, region: "咸宁市")',
    ),
    "rollup": """{ rollup(scheme: FUNCTIONAL, year: 2023, code: "215") {
        code name total
        children { code name total children { code name total } }
        byDepartment(first: 10) { department { name } total } } }""",
    "typename": "{ __typename }",
}
WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("BENCH_BODY")
function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.stderr:write(string.format(
    '{"requests": %d, "seconds": %f, "errors": %d, "p50": %f, "p95": %f, "p99": %f}\\n',
    summary.requests, summary.duration / 1e6, errors,
    latency:percentile(50) / 1e3, latency:percentile(95) / 1e3, latency:percentile(99) / 1e3))
end
"""


def machine() -> dict[str, Any]:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    ).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "commit": commit or None,
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _postgres(admin_url: str, statement: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    connection = await asyncpg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.database or "postgres",
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextmanager
def database(backend: str, folder: Path) -> Any:
    """A new, empty database of the backend, removed afterwards."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{folder / 'bench.db'}"
        return
    admin = os.environ.get(
        "HUB_BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    )
    name = f"hub_bench_{os.getpid()}"
    asyncio.run(_postgres(admin, f'CREATE DATABASE "{name}"'))
    try:
        yield admin.rsplit("/", 1)[0] + f"/{name}"
    finally:
        asyncio.run(_postgres(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def ingest(url: str, corpus: Path) -> dict[str, Any]:
    """Ingest in a child process, so that its peak RSS is the ingest's own."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "bench.ingest_child", url, str(corpus)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT.parent,
    )
    report = json.loads(result.stdout)
    report["wall_seconds"] = round(time.perf_counter() - started, 2)
    return report


def _wrk(url: str, query: str, clients: int, seconds: int, script: Path) -> dict[str, Any]:
    body = json.dumps({"query": query})
    result = subprocess.run(
        [
            "wrk",
            "-t1",  # one load thread: the server keeps the other core of a 2-core machine
            f"-c{clients}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "BENCH_BODY": body},
    )
    report = json.loads(result.stderr.strip().splitlines()[-1])
    report["rps"] = round(report["requests"] / report["seconds"], 1)
    return report


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def serve(url: str, seconds: int, clients: list[int], folder: Path, cache: bool) -> dict[str, Any]:
    """Run hub serve and load each query with wrk; the server's RSS afterwards."""
    port = _free_port()
    script = folder / "post.lua"
    script.write_text(WRK_SCRIPT)
    environ = {
        **os.environ,
        "HUB_DATABASE_URL": url,
        "HUB_RESPONSE_CACHE": "1000" if cache else "0",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "hub", "serve", "--port", str(port)],
        env=environ,
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}/graphql"
    try:
        for _ in range(300):
            try:
                httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        results: dict[str, Any] = {}
        for name, query in QUERIES.items():
            answer = httpx.post(endpoint, json={"query": query}, timeout=60).json()
            assert "errors" not in answer, answer
            results[name] = {str(n): _wrk(endpoint, query, n, seconds, script) for n in clients}
        results["server_rss_mb"] = _rss_mb(server.pid)
        return results
    finally:
        server.terminate()
        server.wait(timeout=30)


async def statements(url: str) -> dict[str, int]:
    """SQL statements one request of each query costs, counted in-process."""
    from hub.app.web import create_app
    from hub.config import Settings
    from hub.store.engine import Database

    db = Database(url)
    count = 0

    def counted(*_: Any) -> None:
        nonlocal count
        count += 1

    event.listen(db.engine.sync_engine, "before_cursor_execute", counted)
    app = create_app(Settings(database_url=url), db)
    found: dict[str, int] = {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b") as c:
        for name, query in QUERIES.items():
            count = 0
            await c.post("/graphql", json={"query": query})
            found[name] = count
    await db.dispose()
    return found


async def floor(url: str, iterations: int) -> dict[str, float]:
    """The same answers from hand-written SQL, serialised to JSON in-process: ms per answer."""
    from bench.floor import contract_floor, rollup_floor
    from hub.store.engine import Database

    db = Database(url)
    timings: dict[str, float] = {}
    async with db.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
        for name, answer in (("contract", contract_floor), ("rollup", rollup_floor)):
            await answer(connection)
            started = time.perf_counter()
            for _ in range(iterations):
                json.dumps(await answer(connection), ensure_ascii=False)
            timings[name] = round((time.perf_counter() - started) / iterations * 1000, 3)
    await db.dispose()
    return timings


def run(
    size: str, backends: list[str], seconds: int, clients: list[int], seed: int
) -> dict[str, Any]:
    corpus = ROOT / ".corpus" / f"{size}-{seed}"
    if not corpus.is_dir():
        partial = corpus.with_suffix(".partial")
        shutil.rmtree(partial, ignore_errors=True)
        write_corpus(SIZES[size], partial, seed)
        partial.rename(corpus)
    report: dict[str, Any] = {"size": size, "seed": seed, "machine": machine(), "backends": {}}
    report["documents"] = len(list(corpus.glob("*.txt")))
    for backend in backends:
        with tempfile.TemporaryDirectory() as scratch, database(backend, Path(scratch)) as url:
            folder = Path(scratch)
            result: dict[str, Any] = {"ingest": ingest(url, corpus)}
            result["statements"] = asyncio.run(statements(url))
            result["floor_ms"] = asyncio.run(floor(url, 50))
            result["serve"] = {
                "cold": serve(url, seconds, clients, folder, cache=False),
                "cached": serve(url, seconds, clients, folder, cache=True),
            }
            report["backends"][backend] = result
    return report


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        f"### {report['size']}: {report['documents']} documents "
        f"({m['cores']} cores, {m['memory_gib']} GiB, Python {m['python']}, commit {m['commit']})",
        "",
        "| backend | query | cache | clients | req/s | p50 ms | p95 ms | p99 ms | SQL/request "
        "| hub p50 / floor | server RSS MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    ingests = []
    for backend, result in report["backends"].items():
        i = result["ingest"]
        ingests.append(
            f"| {backend} | {i['documents']} | {i['lines']} | {i['documents_per_second']} | "
            f"{i['lines_per_second']} | {i['peak_rss_mb']} |"
        )
        for name in QUERIES:
            for mode, serving in result["serve"].items():
                for clients, load in serving[name].items():
                    floor_ms = result["floor_ms"].get(name)
                    ratio = f"{load['p50'] / floor_ms:.1f}×" if floor_ms else "–"
                    lines.append(
                        f"| {backend} | {name} | {mode} | {clients} | {load['rps']} | "
                        f"{load['p50']:.1f} | {load['p95']:.1f} | {load['p99']:.1f} | "
                        f"{result['statements'][name]} | {ratio} | {serving['server_rss_mb']} |"
                    )
    header = [
        "",
        "| backend | documents | budget lines | ingest docs/s | lines/s | ingest peak RSS MB |",
        "|---|---|---|---|---|---|",
    ]
    return "\n".join(lines[:1] + header + ingests + [""] + lines[1:]) + "\n"


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
