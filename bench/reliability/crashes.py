"""The hub as a crashing machine and a busy pipeline treat it: kill -9 in the middle of an
ingest or of the first migration, then the next command; several ingests at once."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

from sqlalchemy.engine import make_url

from bench.reliability.common import ROOT, SEED, Section, group, hub, hub_env, state

__all__ = ["concurrent_ingests", "kill_trials"]

NewDatabase = Callable[[], AbstractContextManager[str]]
"""A new, empty database's URL, dropped afterwards."""


ORPHAN_WAIT_S = 10.0
"""How long the children of a killed command have to die after it: the kernel kills a reader
when its parent, the fork server, ends, and the fork server ends when it notices the command
gone; on a loaded machine that can take a moment, but not this long."""


def _killed(command: list[str], url: str, after: float) -> tuple[bool, int, int]:
    """Start a hub command, kill -9 it (the process alone, as the OOM killer or a power cut
    would) ``after`` seconds in; whether it was still running, how many of its children were
    still alive :data:`ORPHAN_WAIT_S` later, and how long, in ms, the last of them outlived it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "hub", *command],
        cwd=ROOT,
        env=hub_env(url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(after)
    running = process.poll() is None
    if running:
        process.send_signal(signal.SIGKILL)
    process.wait()
    killed = time.monotonic()
    while (orphans := len(group(process.pid))) and time.monotonic() - killed < ORPHAN_WAIT_S:
        time.sleep(0.02)
    outlived_ms = round((time.monotonic() - killed) * 1000)
    if orphans:
        os.killpg(process.pid, signal.SIGKILL)  # leave nothing behind for the next trial
    return running, orphans, outlived_ms


def _timed(command: list[str], url: str) -> float:
    started = time.perf_counter()
    result = hub(*command, url=url, cwd=ROOT)
    if result.returncode != 0:
        raise RuntimeError(f"hub {' '.join(command)}: {result.stderr[-500:]}")
    return time.perf_counter() - started


def kill_trials(
    backend: str, new_database: NewDatabase, corpus: Path, ingests: int, migrations: int,
    seed: int = 1,
) -> Section:  # fmt: skip
    """kill -9 × ``ingests`` during `hub ingest` of ``corpus``, × ``migrations`` during the
    first `hub db upgrade`; after each, the command again, and the database must hold exactly
    what a clean run gives (row counts, amount checksum, versions)."""
    section = Section()
    rng = random.Random(seed)
    with new_database() as url:
        upgrade_seconds = _timed(["db", "upgrade"], url)
        _timed(["ingest", str(SEED)], url)
        clean_seed = state(url)
    with new_database() as url:
        _timed(["db", "upgrade"], url)
        ingest_seconds = _timed(["ingest", str(corpus)], url)
        clean_corpus = state(url)
    section.figures["clean_upgrade_s"] = round(upgrade_seconds, 2)
    section.figures["clean_ingest_s"] = round(ingest_seconds, 2)

    def trials(count: int, span: float, command: list[str], then: list[list[str]],
               clean: dict[str, object], prepare: list[str] | None) -> dict[str, int]:  # fmt: skip
        figures = {
            "trials": 0,
            "killed_while_running": 0,
            "children_outliving": 0,
            "children_gone_within_ms": 0,
            "differ": 0,
        }
        for _ in range(count):
            with new_database() as url:
                if prepare:
                    _timed(prepare, url)
                running, orphans, outlived_ms = _killed(command, url, rng.uniform(0.2, span))
                figures["trials"] += 1
                figures["killed_while_running"] += running
                figures["children_outliving"] += orphans
                figures["children_gone_within_ms"] = max(
                    figures["children_gone_within_ms"], outlived_ms
                )
                for step in then:
                    result = hub(*step, url=url, cwd=ROOT)
                    section.expect(
                        result.returncode == 0,
                        f"after kill -9 of hub {command[0]}: hub {' '.join(step)} failed: "
                        f"{result.stderr.strip()[-300:]}",
                    )
                if state(url) != clean:
                    figures["differ"] += 1
        return figures

    section.figures["ingest"] = trials(
        ingests, ingest_seconds * 0.9, ["ingest", str(corpus)], [["ingest", str(corpus)]],
        clean_corpus, ["db", "upgrade"],
    )  # fmt: skip
    section.figures["migration"] = trials(
        migrations, upgrade_seconds, ["db", "upgrade"], [["db", "upgrade"], ["ingest", str(SEED)]],
        clean_seed, None,
    )  # fmt: skip
    for kind in ("ingest", "migration"):
        figures = section.figures[kind]
        section.expect(figures["differ"] == 0, f"{backend} {kind}: {figures['differ']} differ")
        section.expect(
            figures["children_outliving"] == 0,
            f"{backend} {kind}: {figures['children_outliving']} children outlived hub by "
            f"{ORPHAN_WAIT_S:g} s",
        )
    return section


def _halves(corpus: Path, folder: Path) -> Iterator[Path]:
    """The corpus split in two by department, so each department's versions stay in order."""
    for half in (0, 1):
        target = folder / f"half{half}"
        target.mkdir()
        for path in corpus.iterdir():
            department = int(path.stem.split("-")[1])
            if department % 2 == half:
                shutil.copy(path, target / path.name)
        yield target


PG_SOCKET_DIR = Path("/var/run/postgresql")


def _by_socket(url: str) -> str:
    """A PostgreSQL URL through the local Unix socket, where there is one; else as it is."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or not PG_SOCKET_DIR.is_dir():
        return url
    socket = parsed.set(host=None, port=None, query={"host": str(PG_SOCKET_DIR)})
    return socket.render_as_string(hide_password=False)


def concurrent_ingests(
    backend: str, new_database: NewDatabase, corpus: Path, runs: int, folder: Path
) -> Section:
    """``runs`` × two `hub ingest` started together on an empty database (no `db upgrade`),
    as from two machines: half of the runs over the same folder, half over disjoint halves;
    both must succeed and the database must hold what one clean run gives."""
    section = Section()
    with new_database() as url:
        _timed(["ingest", str(corpus)], url)
        clean = state(url)
    halves = list(_halves(corpus, folder))
    failures = differ = 0
    for run in range(runs):
        same = run % 2 == 0
        targets = [corpus, corpus] if same else halves
        with new_database() as url:
            processes = []
            for n, target in enumerate(targets):
                # As from two machines: nothing shared but the database (a folder, home and
                # temporary folder each; on PostgreSQL the second through the Unix socket,
                # another client address).
                own = folder / f"run{run}-machine{n}"
                own.mkdir()
                environ = {**hub_env(_by_socket(url) if n else url), "HOME": str(own)}
                processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "hub", "ingest", str(target)],
                        cwd=own,
                        env={**environ, "TMPDIR": str(own)},
                        stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE,
                        text=True,
                    )
                )
            for process in processes:
                _, err = process.communicate(timeout=900)
                if process.returncode != 0:
                    failures += 1
                    section.broken.append(
                        f"{backend} run {run} ({'same' if same else 'disjoint'}): "
                        f"{err.strip()[-300:]}"
                    )
            if state(url) != clean:
                differ += 1
                section.broken.append(f"{backend} run {run}: the data differ from a clean run")
    section.figures = {
        "runs": runs,
        "processes": 2 * runs,
        "failed_processes": failures,
        "differ_from_clean": differ,
    }
    return section
