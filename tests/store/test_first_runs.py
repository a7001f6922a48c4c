"""First runs on one new SQLite file: the switch to WAL waits for the other connections instead
of failing with "database is locked".

On a file not in WAL yet, ``PRAGMA journal_mode=WAL`` reads the header, then writes it: SQLite
refuses that upgrade at once (SQLITE_BUSY, no busy timeout asked) while another connection holds
the writer's lock, as another process switching the same new file does for a few milliseconds.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from hub.store.engine import Database, switch_to_wal
from hub.store.migrate import current_revision, head_revision, upgrade

ROOT = Path(__file__).resolve().parents[2]


def _hold_the_writers_lock(path: Path, seconds: float) -> threading.Timer:
    """Another connection takes the writer's lock of the new file ``path`` (still in rollback
    mode) and lets it go after ``seconds``."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")

    def release() -> None:
        holder.execute("COMMIT")
        holder.close()

    timer = threading.Timer(seconds, release)
    timer.start()
    return timer


async def _revision(url: str) -> str | None:
    database = Database(url)
    try:
        return await current_revision(database)
    finally:
        await database.dispose()


def test_a_first_connection_waits_for_the_writer_of_a_new_file(tmp_path: Path) -> None:
    path = tmp_path / "hub.db"
    timer = _hold_the_writers_lock(path, 0.5)
    started = time.perf_counter()
    try:
        assert asyncio.run(_revision(f"sqlite+aiosqlite:///{path}")) is None
    finally:
        timer.join()
    assert time.perf_counter() - started >= 0.4  # it waited, it did not fail at once


def test_a_first_migration_waits_for_the_writer_of_a_new_file(tmp_path: Path) -> None:
    path = tmp_path / "hub.db"
    url = f"sqlite+aiosqlite:///{path}"
    timer = _hold_the_writers_lock(path, 0.5)
    try:
        upgrade(url)
    finally:
        timer.join()
    assert asyncio.run(_revision(url)) == head_revision()


class _Cursor:
    def __init__(self, errors: list[sqlite3.OperationalError]) -> None:
        self.errors = errors
        self.statements: list[str] = []

    def execute(self, statement: str) -> None:
        self.statements.append(statement)
        if self.errors:
            raise self.errors.pop(0)


def _locked() -> sqlite3.OperationalError:
    error = sqlite3.OperationalError("database is locked")
    error.sqlite_errorcode = sqlite3.SQLITE_BUSY  # type: ignore[attr-defined]
    return error


def test_the_switch_to_wal_is_tried_again_while_busy_and_gives_up_at_the_timeout() -> None:
    now = [0.0]
    pauses: list[float] = []

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        now[0] += seconds

    cursor = _Cursor([_locked(), _locked(), _locked()])
    switch_to_wal(cursor, timeout_s=1, sleep=sleep, clock=lambda: now[0])
    assert cursor.statements == ["PRAGMA journal_mode=WAL"] * 4
    assert pauses == [0.002, 0.004, 0.008]

    always = _Cursor([_locked() for _ in range(1000)])
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        switch_to_wal(always, timeout_s=1, sleep=sleep, clock=lambda: now[0])
    assert 0.9 <= sum(pauses[3:]) <= 1.0

    other = _Cursor([sqlite3.OperationalError("disk I/O error")])
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        switch_to_wal(other, timeout_s=1, sleep=sleep, clock=lambda: now[0])
    assert len(other.statements) == 1


_FIRST_CONNECTIONS = """
import sqlite3, sys, time
from hub.store.engine import _configure_sqlite_connection

failed = 0
for start, path in zip(sys.argv[1::2], sys.argv[2::2]):
    connection = sqlite3.connect(path, isolation_level=None)
    while time.time() < float(start) - 0.02:
        time.sleep(0.001)
    while time.time() < float(start):
        pass
    try:
        _configure_sqlite_connection(connection.cursor())
    except sqlite3.OperationalError as exc:
        failed += 1
        print(f"{path}: {exc}", file=sys.stderr)
    connection.close()
sys.exit(failed)
"""

PROCESSES = 4
ROUNDS = 150


def test_first_connections_of_several_processes_at_the_same_instant_all_succeed(
    tmp_path: Path,
) -> None:
    """``PROCESSES`` processes set up a connection to each of ``ROUNDS`` new files at the same
    instant, as every `hub` command does first. Before the switch to WAL was tried again, one
    round in ten or so had a process fail at once with "database is locked"."""
    begin = time.time() + 3  # the processes' imports first
    plan = [str(x) for r in range(ROUNDS) for x in (begin + 0.05 * r, tmp_path / f"{r}.db")]
    environ = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _FIRST_CONNECTIONS, *plan],
            cwd=ROOT,
            env=environ,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    failures = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in processes]
    assert failures == [(0, "")] * PROCESSES
