"""What every section needs: the hub as a command, a served hub, a database's state."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from bench.harness import _free_port
from hub.store.engine import Database

__all__ = [
    "ROOT",
    "SEED",
    "Section",
    "Served",
    "group",
    "hub",
    "hub_env",
    "rss_kb",
    "served",
    "state",
]

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "fixtures" / "disclosures" / "000_704427f805e11eeb.txt"


@dataclass
class Section:
    """A section's figures, and the invariants it found broken (empty: all held)."""

    figures: dict[str, Any] = field(default_factory=dict)
    broken: list[str] = field(default_factory=list)

    def expect(self, holds: bool, what: str) -> None:
        if not holds:
            self.broken.append(what)


def hub_env(url: str, **extra: str) -> dict[str, str]:
    """The environment of a hub command: this database, nothing inherited from the caller's
    HUB_* settings (a suite run must not depend on the shell it starts from)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    return {**environ, "HUB_DATABASE_URL": url, **extra}


def hub(
    *args: str, url: str, cwd: Path, timeout: float = 600, **extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hub", *args],
        cwd=cwd,
        env=hub_env(url, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@dataclass
class Served:
    base: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def rss_mb(self) -> float:
        return round(rss_kb(self.process.pid) / 1024, 1)

    def cpu_seconds(self) -> float:
        """The CPU time, user and system, the server's processes have used so far."""
        ticks = 0
        for pid in group(self.process.pid):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime (man 5 proc)
        return ticks / os.sysconf("SC_CLK_TCK")

    def tracebacks(self) -> int:
        return self.log.read_text(errors="replace").count("Traceback (most recent call last)")

    def errors(self) -> list[str]:
        """Each exception line of the log (``ValueError: …``): what went wrong, in a word."""
        text = self.log.read_text(errors="replace")
        return re.findall(r"^[\w.]+(?:Error|Exception)\b.*$", text, re.MULTILINE)


@contextmanager
def served(url: str, folder: Path, **extra: str) -> Iterator[Served]:
    """``hub serve`` on a free port, its log in ``folder``; stopped afterwards."""
    port = _free_port()
    log = folder / f"serve-{port}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "hub", "serve", "--port", str(port)],
            cwd=folder,
            env=hub_env(url, **extra),
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"hub serve did not start: {log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield Served(base, process, log)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def group(pgid: int) -> list[int]:
    """The processes alive in a process group (zombies not counted)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                alive.append(int(entry.name))
    return alive


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


_TABLES = (
    "region",
    "department",
    "unit",
    "disclosure",
    "budget_line",
    "three_public_line",
    "performance_project",
    "indicator",
    "narrative_section",
    "glossary_entry",
    "finding",
    "catalog_entry",
)


async def _state(url: str) -> dict[str, Any]:
    database = Database(url)
    try:
        async with database.session() as session:
            counts = {
                table: (await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()
                for table in _TABLES
            }
            # The amounts as text, summed in Python: exact whatever the backend's integer width.
            rows = await session.execute(
                text("SELECT CAST(total AS TEXT) FROM budget_line WHERE total IS NOT NULL")
            )
            checksum = sum(int(value) for (value,) in rows)
            versions = await session.execute(
                text(
                    "SELECT d.code, d.name, s.fiscal_year, s.version, s.source_sha256 "
                    "FROM disclosure s JOIN department d ON d.id = s.department_id"
                )
            )
            return {
                "rows": counts,
                "amount_checksum": checksum,
                "versions": sorted(tuple(map(str, row)) for row in versions),
            }
    finally:
        await database.dispose()


def state(url: str) -> dict[str, Any]:
    """Row counts, the sum of every stored amount and the versions loaded: two databases
    holding the same data give the same state, whatever their ids."""
    return asyncio.run(_state(url))
