"""Reading a document in a process of its own, bounded in CPU time and memory, that dies with
the process that asked for it.

The counts of :mod:`hub.parse.bounds` refuse the documents known to be costly before their
pages are laid out; these limits refuse whatever else would take too long or too much, and keep
a refusal from costing the process that serves or loads anything more than one child's death.
Each document gets a fresh child, forked from a server process that has the reader imported
already (``forkserver``): no limit, and no memory, carries over from one document to the next,
and no thread of the asking process is copied into it.
"""

from __future__ import annotations

import ctypes
import math
import multiprocessing
import os
import resource
import signal
import sys
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from pathlib import Path

from hub.catalog import Catalog
from hub.parse.bounds import ReadingBounds
from hub.parse.errors import ParseError
from hub.parse.model import Document, Overrides
from hub.parse.reader import read_document

__all__ = ["WALL_FACTOR", "die_with_parent", "read_bounded"]

WALL_FACTOR = 4
"""A child is stopped after this many times its CPU seconds of waiting, whatever it is doing:
CPU time is the bound; wall time only catches a child that waits on nothing (other processes
share the cores, so it may well take longer than its CPU seconds)."""
_GRACE_SECONDS = 10.0
"""Added to the wait: starting a child, and sending a large document back."""
_PR_SET_PDEATHSIG = 1


def read_bounded(
    path: Path,
    overrides: Overrides | None = None,
    narrative: Path | None = None,
    catalog: Catalog | None = None,
    bounds: ReadingBounds | None = None,
) -> Document:
    """:func:`hub.parse.reader.read_document` in a child process within ``bounds``; a child
    that runs out of time or memory, or dies, is a ParseError naming the file, as is every
    failure to read it (an OSError stays one)."""
    bounds = bounds or ReadingBounds()
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["hub.parse.worker", *_imported_by_main()])
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(
        target=_read_in_child,
        args=(sending, path, overrides, narrative, catalog, bounds),
        name=f"hub-read-{path.name}",
        daemon=True,
    )
    child.start()
    sending.close()  # the child holds the other end: its death is an end of file here
    answer: tuple[object, ...] | None = None
    wall = bounds.seconds * WALL_FACTOR + _GRACE_SECONDS
    try:
        if receiving.poll(wall):
            try:
                answer = receiving.recv()
            except EOFError:
                answer = None  # it died before it answered
        else:
            answer = ("late", wall)
    finally:
        receiving.close()
        child.join(timeout=1)
        if child.is_alive():
            child.kill()
            child.join()
    return _document(path, answer, child.exitcode, bounds)


def _imported_by_main() -> list[str]:
    """The modules the main script has imported names from (``hub.app.cli`` for ``hub``).

    A child of the fork server runs the main script again (as ``__mp_main__``) before the
    reading starts, a file (``hub``, ``pytest``) or a module (``python -m hub``) alike; Python
    3.11's server does not keep it loaded for them. With what the script imports loaded in the
    server, running it again costs each child next to nothing instead of the half second it
    takes to import the CLI."""
    main = sys.modules.get("__main__")
    if main is None:
        return []
    names = {
        value.__name__ if isinstance(value, type(sys)) else getattr(value, "__module__", None)
        for name, value in vars(main).items()
        if not name.startswith("__")  # the module's own (its spec, its loader)
    }
    return sorted(n for n in names if isinstance(n, str) and n not in {"__main__", "builtins"})


def _document(
    path: Path, answer: tuple[object, ...] | None, exitcode: int | None, bounds: ReadingBounds
) -> Document:
    if answer is not None:
        kind, *rest = answer
        if kind == "document":
            document = rest[0]
            assert isinstance(document, Document)
            return document
        if kind == "refused":
            source, line, message = rest
            raise ParseError(str(source), line if isinstance(line, int) else None, str(message))
        if kind == "os":
            filename, reason = rest
            raise OSError(0, str(reason), str(filename))
    if answer is not None and answer[0] == "failed":
        raise ParseError(path.name, None, f"cannot be read: {answer[1]}")
    memory = f"more than {bounds.memory_mb:,} MB of memory (HUB_DOCUMENT_MEMORY_MB)"
    time = f"more than {bounds.seconds:g} s of CPU time (HUB_DOCUMENT_SECONDS)"
    if answer is not None and answer[0] == "memory":
        reason = f"reading it takes {memory}"
    elif answer is not None and answer[0] == "late":
        reason = f"reading it takes longer than {answer[1]:g} s (HUB_DOCUMENT_SECONDS × 4, and 10)"
    elif exitcode == -signal.SIGXCPU or exitcode is None:
        reason = f"reading it takes {time}"
    elif exitcode < 0:  # a library that cannot allocate may abort rather than raise
        reason = (
            f"the reader was stopped by {signal.Signals(-exitcode).name}: reading it takes "
            f"{memory} or {time}, or the file breaks the reader"
        )
    else:
        reason = f"the reader stopped with exit status {exitcode}"
    raise ParseError(path.name, None, f"{reason}: not read")


def die_with_parent() -> None:
    """Have the kernel kill this process when its parent dies (Linux); elsewhere nothing.

    A parent killed outright (``kill -9``) runs no clean-up: without this its children would
    read on, holding their memory. A child of the fork server is the server's: the server ends
    when the last process holding its liveness pipe does, so this child lets go of the copy it
    was handed, and the server's end (the asking process gone) is the child's."""
    alive = getattr(forkserver._forkserver, "_forkserver_alive_fd", None)
    if isinstance(alive, int) and multiprocessing.parent_process() is not None:
        os.close(alive)
        forkserver._forkserver._forkserver_alive_fd = None  # type: ignore[attr-defined]
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # it died before the request was made
        os._exit(1)


def _limit(bounds: ReadingBounds) -> None:
    """Bound this process: address space, and CPU seconds (SIGXCPU at the soft limit ends it,
    SIGKILL at the hard one should it be caught)."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    seconds = math.ceil(used.ru_utime + used.ru_stime + bounds.seconds)
    for kind, soft, hard in (
        (resource.RLIMIT_AS, bounds.memory_mb * 1024 * 1024, bounds.memory_mb * 1024 * 1024),
        (resource.RLIMIT_CPU, seconds, seconds + 5),
    ):
        _, ceiling = resource.getrlimit(kind)
        if ceiling != resource.RLIM_INFINITY:  # a limit set from outside stays the stricter
            soft, hard = min(soft, ceiling), min(hard, ceiling)
        resource.setrlimit(kind, (soft, hard))


def _read_in_child(
    sending: Connection,
    path: Path,
    overrides: Overrides | None,
    narrative: Path | None,
    catalog: Catalog | None,
    bounds: ReadingBounds,
) -> None:
    die_with_parent()
    _limit(bounds)
    answer: tuple[object, ...]
    try:
        answer = ("document", read_document(path, overrides, narrative, catalog, bounds))
    except ParseError as exc:
        answer = ("refused", exc.source, exc.line, exc.message)
    except MemoryError:
        answer = ("memory",)
    except OSError as exc:
        answer = ("os", exc.filename or path, exc.strerror or str(exc))
    except RecursionError:
        answer = ("failed", "its structure nests too deep")
    except ValueError as exc:
        answer = ("failed", str(exc))
    except Exception as exc:  # a parser slip spoils this one file, and says so in one line
        answer = ("failed", f"{type(exc).__name__}: {exc}")
    try:
        sending.send(answer)
    except MemoryError:
        sending.send(("memory",))
    finally:
        sending.close()
