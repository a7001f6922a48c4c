"""The reading process: a document read in a child of its own, bounded in CPU time and memory,
that dies with its parent and says in one line how it ended."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hub.parse.bounds import ReadingBounds
from hub.parse.errors import ParseError
from hub.parse.reader import read_document
from hub.parse.worker import read_bounded
from tests.parse.hostile_pdfs import lines_pdf
from tests.parse.sample_pdf import write_sample

REFUSED_WITHIN = 20.0
"""Seconds: a bound to prove a refusal does not hang, not a timing to meet."""


@pytest.fixture(scope="module")
def busy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Pages each drawing within the bound, slow to lay out all together."""
    return lines_pdf(tmp_path_factory.mktemp("busy") / "busy.pdf", 9_000, pages=25)


def test_a_document_read_in_a_bounded_process_reads_as_it_does_here(tmp_path: Path) -> None:
    pdf = write_sample(tmp_path)
    here, there = read_document(pdf), read_bounded(pdf)
    assert there.identity == here.identity
    assert there.tables == here.tables
    assert there.three_public == here.three_public
    assert there.unread_tables == here.unread_tables


def test_reading_longer_than_its_cpu_seconds_is_refused(busy: Path) -> None:
    started = time.monotonic()
    with pytest.raises(ParseError) as refused:
        read_bounded(busy, bounds=ReadingBounds(seconds=1))
    assert time.monotonic() - started < REFUSED_WITHIN
    assert str(refused.value) == (
        "busy.pdf: reading it takes more than 1 s of CPU time (HUB_DOCUMENT_SECONDS): not read"
    )


def test_reading_in_more_memory_than_allowed_is_refused(busy: Path) -> None:
    with pytest.raises(ParseError) as refused:
        read_bounded(busy, bounds=ReadingBounds(memory_mb=100))
    assert str(refused.value) == (
        "busy.pdf: reading it takes more than 100 MB of memory (HUB_DOCUMENT_MEMORY_MB): not read"
    )


_READ_AND_WAIT = """
import sys
from pathlib import Path
from hub.parse.bounds import ReadingBounds
from hub.parse.worker import read_bounded
if __name__ == "__main__":
    read_bounded(Path(sys.argv[1]), bounds=ReadingBounds(seconds=600))
"""


def _children(pid: int) -> set[int]:
    """The processes whose parent is ``pid``."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _descendants(pid: int) -> set[int]:
    found, frontier = set(), {pid}
    while frontier:
        frontier = set().union(*(_children(p) for p in frontier)) - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel's parent-death signal")
def test_the_reading_process_dies_with_its_parent(busy: Path, tmp_path: Path) -> None:
    """A parent killed outright (kill -9) leaves no reader, fork server or resource tracker."""
    script = tmp_path / "read_and_wait.py"
    script.write_text(_READ_AND_WAIT)
    parent = subprocess.Popen(
        [sys.executable, str(script), str(busy)],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    try:
        deadline = time.monotonic() + REFUSED_WITHIN
        descendants: set[int] = set()
        while time.monotonic() < deadline:
            descendants = _descendants(parent.pid)
            if len(descendants) >= 3:  # the resource tracker, the fork server, the reader
                break
            time.sleep(0.1)
        assert len(descendants) >= 3
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + REFUSED_WITHIN
        while time.monotonic() < deadline and any(_alive(p) for p in descendants):
            time.sleep(0.1)
        assert [p for p in descendants if _alive(p)] == []
    finally:
        if parent.poll() is None:
            parent.kill()


@pytest.mark.parametrize(
    ("answer", "exitcode", "message"),
    [
        (
            ("late", 14.0),
            -signal.SIGKILL,
            "x.pdf: reading it takes longer than 14 s (HUB_DOCUMENT_SECONDS × 4, and 10): not read",
        ),
        (
            None,
            -signal.SIGABRT,
            "x.pdf: the reader was stopped by SIGABRT: reading it takes more than 1,024 MB of "
            "memory (HUB_DOCUMENT_MEMORY_MB) or more than 120 s of CPU time "
            "(HUB_DOCUMENT_SECONDS), or the file breaks the reader: not read",
        ),
        (None, 3, "x.pdf: the reader stopped with exit status 3: not read"),
        (("failed", "KeyError: 'Root'"), 0, "x.pdf: cannot be read: KeyError: 'Root'"),
    ],
    ids=["too long in wall time", "aborted", "exit status", "failed"],
)
def test_how_a_reader_ended_is_said_in_one_line(
    answer: tuple[object, ...] | None, exitcode: int, message: str
) -> None:
    from hub.parse.worker import _document

    with pytest.raises(ParseError) as refused:
        _document(Path("x.pdf"), answer, exitcode, ReadingBounds())
    assert str(refused.value) == message


@pytest.mark.parametrize("spec", [None, "hub.__main__"])
def test_what_the_main_script_imports_is_loaded_in_the_fork_server(
    monkeypatch: pytest.MonkeyPatch, spec: str | None
) -> None:
    """Each reader runs the main script again, a file (`hub`) or a module (`python -m hub`):
    what it imports is loaded once in the fork server, not in every reader."""
    import types
    from importlib.machinery import ModuleSpec

    from hub.app.cli import main as cli_main
    from hub.parse import worker

    script = types.ModuleType("__main__")
    script.__spec__ = ModuleSpec(spec, None) if spec else None
    script.main = cli_main  # type: ignore[attr-defined]
    script.os = os  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "__main__", script)
    assert worker._imported_by_main() == ["hub.app.cli", "os"]
