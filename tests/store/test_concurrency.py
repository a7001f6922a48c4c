"""Several `hub` processes at once on one database, and `hub db upgrade` killed half-way.

Real processes, really racing: each test starts them together and checks that none failed and
that the database holds what one clean run leaves, on both backends.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import delete, func, inspect, select
from sqlalchemy.engine import make_url
from sqlmodel import col

from hub.catalog import read_catalog
from hub.store.engine import Database
from hub.store.entities import BudgetLine, CatalogEntry, Department, Disclosure, Region, Unit
from hub.store.migrate import current_revision, head_revision
from tests import seed
from tests.conftest import POSTGRES_URL

ROOT = Path(__file__).resolve().parents[2]


def _env(url: str) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    return {**environ, "HUB_DATABASE_URL": url}


def _start(url: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "hub", *args],
        cwd=ROOT,
        env=_env(url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _run_together(url: str, runs: list[list[str]]) -> list[tuple[int, str]]:
    processes = [_start(url, *args) for args in runs]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        results.append((process.returncode, out + err))
    return results


def _folders(tmp_path: Path) -> list[Path]:
    """Two folders of disclosures: new departments of one new region in both, the same bytes
    twice (in both folders), and two editions of one department's budget (one in each)."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    seed_text = seed.SEED.read_text(encoding="utf-8")
    (first / "seed.txt").write_text(seed_text, encoding="utf-8")
    (second / "seed-again.txt").write_text(seed_text, encoding="utf-8")
    for code in ("301", "302"):
        (first / f"{code}.txt").write_text(seed.variant(code), encoding="utf-8")
    for code in ("303", "304"):
        (second / f"{code}.txt").write_text(seed.variant(code), encoding="utf-8")
    (first / "305.txt").write_text(seed.variant("305"), encoding="utf-8")
    (second / "305-corrected.txt").write_text(
        seed.variant("305", **{"2150517": "100.00"}), encoding="utf-8"
    )
    return [first, second]


async def _state(url: str) -> dict[str, object]:
    """What a load leaves: row counts, every stored amount summed, versions per department."""
    database = Database(url)
    try:
        async with database.session() as session:

            async def count(entity: type) -> int:
                return int(await session.scalar(select(func.count()).select_from(entity)) or 0)

            versions = (
                await session.execute(
                    select(
                        col(Department.name),
                        func.count(),
                        func.max(col(Disclosure.version)),
                        func.count(col(Disclosure.superseded_by_id)),
                    )
                    .join(Department, col(Department.id) == col(Disclosure.department_id))
                    .group_by(col(Department.name))
                    .order_by(col(Department.name))
                )
            ).all()
            line_total = await session.scalar(select(func.sum(col(BudgetLine.total))))
            unnamed = await session.scalar(
                select(func.count())
                .select_from(BudgetLine)
                .where(col(BudgetLine.code).is_not(None), col(BudgetLine.name).is_(None))
            )
            return {
                "regions": await count(Region),
                "departments": await count(Department),
                "units": await count(Unit),
                "disclosures": await count(Disclosure),
                "lines": await count(BudgetLine),
                "catalog": await count(CatalogEntry),
                "lines without a name": unnamed,
                "versions": [tuple(row) for row in versions],
                "sum of every total": int(line_total or 0),
                "revision": await current_revision(database),
            }
    finally:
        await database.dispose()


def test_concurrent_ingests_on_an_empty_database_all_succeed(
    tmp_path: Path, backend: str, new_database_url: Callable[[str], str]
) -> None:
    first, second = _folders(tmp_path)
    alone = new_database_url(backend)
    clean = _run_together(alone, [["ingest", str(first), str(second)]])
    assert clean[0][0] == 0, clean[0][1]
    expected = asyncio.run(_state(alone))
    # The same folder twice, each folder alone, both: first runs, one new region, racing.
    url = new_database_url(backend)
    runs = [[str(first)], [str(first)], [str(second)], [str(second), str(first)]]
    results = _run_together(url, [["ingest", *paths] for paths in runs])
    assert [(code, output) for code, output in results if code != 0] == []
    assert asyncio.run(_state(url)) == expected
    assert expected["regions"] == 1
    assert expected["disclosures"] == 7  # the seed once, 301–304, 305 in two versions
    assert expected["lines without a name"] == 0
    assert expected["catalog"] == len(read_catalog())
    versions = {name: (n, top, superseded) for name, n, top, superseded in expected["versions"]}  # type: ignore[attr-defined]
    assert versions["咸宁市测试305局"] == (2, 2, 1)


def test_concurrent_first_upgrades_all_succeed(
    backend: str, new_database_url: Callable[[str], str]
) -> None:
    url = new_database_url(backend)
    results = _run_together(url, [["db", "upgrade"]] * 3)
    assert [(code, output) for code, output in results if code != 0] == []
    state = asyncio.run(_state(url))
    assert (state["revision"], state["catalog"]) == (head_revision(), len(read_catalog()))


def _migrating(url: str) -> Callable[[], bool]:
    """Whether a migration holds its lock right now: SQLite's writer lock, or PostgreSQL's
    advisory lock (asked of the server's lock table, without taking it)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database
        assert path is not None

        def sqlite_locked() -> bool:
            connection = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                connection.execute("BEGIN IMMEDIATE")
                connection.execute("ROLLBACK")
                return False
            except sqlite3.OperationalError:
                return True
            finally:
                connection.close()

        return sqlite_locked
    name = parsed.database

    def advisory_held() -> bool:
        query = (
            "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
            f"WHERE l.locktype = 'advisory' AND l.granted AND d.datname = '{name}'"
        )
        return bool(asyncio.run(_admin_value(query)))

    return advisory_held


async def _admin_value(query: str) -> object:
    import asyncpg

    url = make_url(POSTGRES_URL)
    connection = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, database=url.database
    )
    try:
        return await connection.fetchval(query)
    finally:
        await connection.close()


def test_an_upgrade_killed_inside_its_transaction_leaves_nothing_half_done(
    backend: str, new_database_url: Callable[[str], str]
) -> None:
    catalog = len(read_catalog())
    caught = []
    # Killed as soon as it holds the migration's lock, and a little later on.
    for delay in (0.0, 0.03, 0.1):
        url = new_database_url(backend)
        migrating = _migrating(url)
        process = _start(url, "db", "upgrade")
        while process.poll() is None and not migrating():
            time.sleep(0.002)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        killed = asyncio.run(_state_after_kill(url))
        # All of it or none of it: never a schema without its revision or its catalog.
        assert killed in {(None, None), (head_revision(), catalog)}
        caught.append(killed == (None, None))
        again = _start(url, "db", "upgrade")
        out, err = again.communicate(timeout=120)
        assert again.returncode == 0, out + err
        state = asyncio.run(_state(url))
        assert (state["revision"], state["catalog"]) == (head_revision(), catalog)
    assert any(caught)  # a kill did land inside the transaction


async def _state_after_kill(url: str) -> tuple[str | None, int | None]:
    database = Database(url)
    try:
        revision = await current_revision(database)
        if revision is None:
            async with database.engine.connect() as connection:
                tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
            assert tables in ([], ["alembic_version"]), tables
            return None, None
        async with database.session() as session:
            entries = await session.scalar(select(func.count()).select_from(CatalogEntry))
        return revision, int(entries or 0)
    finally:
        await database.dispose()


def test_a_lost_catalog_is_restored_before_anything_is_loaded(
    backend: str, new_database_url: Callable[[str], str]
) -> None:
    url = new_database_url(backend)
    assert _run_together(url, [["db", "upgrade"]])[0][0] == 0
    asyncio.run(_forget_catalog(url))
    code, output = _run_together(url, [["ingest", str(seed.SEED)]])[0]
    assert code == 0, output
    assert "catalog" in output
    state = asyncio.run(_state(url))
    assert (state["catalog"], state["lines without a name"]) == (len(read_catalog()), 0)


async def _forget_catalog(url: str) -> None:
    # What an older hub killed between its migration and its catalog left behind.
    database = Database(url)
    try:
        async with database.transaction() as session:
            await session.execute(delete(CatalogEntry))
    finally:
        await database.dispose()
