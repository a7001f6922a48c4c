"""Reading many files: into the store (``hub ingest``) or only checking them (``hub check``)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
from collections import Counter, deque
from collections.abc import AsyncIterator, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.catalog import Catalog
from hub.check import STORE_RULES, Finding, check_document
from hub.config import Settings
from hub.domain import AuditAction, Severity
from hub.parse import Document, Overrides, ParseError, starts_with_table
from hub.parse.bounds import ReadingBounds
from hub.parse.worker import read_bounded
from hub.store.audit import CLI_ACTOR, AuditRecord, record_audit
from hub.store.catalog import observed_catalog, stored_catalog
from hub.store.engine import Database
from hub.store.load import LoadResult, LoadStatus, load_document, loaded_sources

__all__ = [
    "DocumentSummary",
    "Job",
    "Outcome",
    "check_files",
    "collect_files",
    "ingest_files",
    "pair_files",
]


@dataclass(frozen=True)
class DocumentSummary:
    """What a report says of a document once it is read."""

    department: str
    department_code: str | None
    year: int
    tables: int
    lines: int

    @classmethod
    def of(cls, document: Document) -> DocumentSummary:
        identity = document.identity
        return cls(
            department=identity.department_name,
            department_code=identity.department_code,
            year=identity.fiscal_year,
            tables=len(document.tables) + (1 if document.three_public else 0),
            lines=sum(len(t.rows) for t in document.tables.values()),
        )


@dataclass
class Outcome:
    """What became of one file."""

    path: Path
    document: Document | None = None
    """The parsed document, until it is loaded (then dropped: a run may hold thousands)."""
    findings: list[Finding] = field(default_factory=list)
    loaded: LoadResult | None = None
    error: str | None = None
    summary: DocumentSummary | None = None
    sha256: str | None = None
    """The file's SHA-256, once known."""

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def status(self) -> str:
        """``failed``, the load's status (``new``, ``unchanged``, …), or ``checked`` (read,
        nothing loaded)."""
        if self.error is not None:
            return "failed"
        return self.loaded.status.value if self.loaded else "checked"

    def findings_text(self) -> str | None:
        """The findings counted by severity, ``2 warning, 8 rounding``; None without any."""
        counts = self.severities()
        return ", ".join(f"{counts[s]} {s.value.lower()}" for s in Severity if counts[s]) or None

    def severities(self) -> Counter[Severity]:
        return Counter(f.severity for f in self.findings)


DOCUMENT_SUFFIXES = frozenset({".txt", ".pdf"})
"""What a folder is searched for; a file named on its own is always tried."""


@dataclass(frozen=True)
class Job:
    """A file to read; with ``narrative``, a disclosure published as two files."""

    path: Path
    narrative: Path | None = None


def collect_files(paths: Iterable[Path]) -> list[Job | Outcome]:
    """The files named, and the documents inside the folders named (sorted, hidden skipped),
    a disclosure published as two files paired into one job (see :func:`pair_files`).

    A path that does not exist comes back as a failed :class:`Outcome`.
    """
    found: list[Path | Outcome] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and p.suffix.lower() in DOCUMENT_SUFFIXES
                    and not p.name.startswith(".")
                )
            )
        elif path.is_file():
            found.append(path)
        else:
            found.append(Outcome(path, error=f"{path}: no such file or folder"))
    return pair_files(found)


_ATTACHMENT = re.compile(r"^附件\s*\d+\s*[：:、._\-\s]*")
_SHARED_NAME = 4
"""Characters two file names must share, from the start, to be one disclosure's two files."""


def pair_files(items: list[Path | Outcome]) -> list[Job | Outcome]:
    """Pair a file of tables with no cover (its first page a table) and the narrative beside it
    (no table on its first pages): same folder, names alike from the start once a leading
    附件1/附件2 is set aside (bj-sfj-2026-dept.pdf + bj-sfj-2026-tables.pdf). A file of tables
    with no single such narrative is read on its own."""
    paths = [i for i in items if isinstance(i, Path) and i.suffix.lower() == ".pdf"]
    narratives: dict[Path, Path] = {}
    for tables in paths:
        alike = [
            other
            for other in paths
            if other != tables
            and other.parent == tables.parent
            and len(_shared(_stem(tables), _stem(other))) >= _SHARED_NAME
        ]
        if not alike or not starts_with_table(tables):
            continue
        narrative = [other for other in alike if not starts_with_table(other, pages=3)]
        if len(narrative) == 1:
            narratives[tables] = narrative[0]
    paired = set(narratives.values())
    return [
        item if isinstance(item, Outcome) else Job(item, narratives.get(item))
        for item in items
        if isinstance(item, Outcome) or item not in paired
    ]


def _stem(path: Path) -> str:
    return _ATTACHMENT.sub("", path.stem)


def _shared(a: str, b: str) -> str:
    end = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), None)
    return a[: min(len(a), len(b)) if end is None else end]


@dataclass(frozen=True)
class Catalogs:
    """The catalog documents are checked against, and the one they are read with (the official
    names and, for codes it lacks, the names the loaded disclosures print: a names-only table
    resolves against both)."""

    official: Catalog
    reading: Catalog

    @classmethod
    def of(cls, catalog: Catalog) -> Catalogs:
        return cls(catalog, catalog)


def _read(job: Job, overrides: Overrides, catalogs: Catalogs, bounds: ReadingBounds) -> Outcome:
    """Read a file in a child process within ``bounds`` (:mod:`hub.parse.worker`), and check
    it. A document holding a value the store could not hold on every backend is refused here,
    so that ``hub check`` refuses what ``hub ingest`` would, and neither writes any of it."""
    path = job.path
    try:
        document = read_bounded(path, overrides, job.narrative, catalogs.reading, bounds)
    except ParseError as exc:
        where = f"{path}:{exc.line}" if exc.line else str(path)
        return Outcome(path, error=f"{where}: {exc.message}")
    except OSError as exc:
        return Outcome(path, error=f"{exc.filename or path}: {exc.strerror or exc}")
    findings = check_document(document, catalogs.official)
    unstorable = [f for f in findings if f.rule in STORE_RULES]
    if unstorable:
        first = unstorable[0]
        where = f"{path}:{first.line}" if first.line else str(path)
        more = len(unstorable) - 1
        also = f" (and {more} more value{'s' if more > 1 else ''} like it)" if more else ""
        return Outcome(path, findings=findings, error=f"{where}: {first.message}{also}")
    summary, sha256 = DocumentSummary.of(document), document.source.sha256
    return Outcome(path, document, findings, summary=summary, sha256=sha256)


def _bounds(bounds: ReadingBounds | None) -> ReadingBounds:
    return bounds if bounds is not None else ReadingBounds.of(Settings.from_env())


def check_files(
    paths: Iterable[Path],
    overrides: Overrides,
    catalog: Catalog,
    advance: Callable[[Outcome], None] = lambda _: None,
    bounds: ReadingBounds | None = None,
) -> list[Outcome]:
    """Parse and check each file, each read within ``bounds`` (by default the settings');
    nothing is written anywhere."""
    bounds = _bounds(bounds)
    outcomes: list[Outcome] = []
    for item in collect_files(paths):
        read = (
            item
            if isinstance(item, Outcome)
            else _read(item, overrides, Catalogs.of(catalog), bounds)
        )
        outcomes.append(read)
        advance(read)
    return outcomes


PARALLEL_FROM = 200
"""From this much reading on (a text file counts 1), files are read ahead while others load."""
PDF_WEIGHT = 50
"""A PDF takes about as long to read as fifty text files: its pages are laid out, not split.
Where PDFs are read, parsing outweighs loading, so every core parses."""
PREFETCH = 16
"""How many documents may be read ahead of the loading."""
REFRESH_FROM = 200
"""After loading this many documents, the database's statistics are refreshed."""


async def _outcomes(
    items: list[Job | Outcome], overrides: Overrides, catalogs: Catalogs, bounds: ReadingBounds
) -> AsyncIterator[Outcome]:
    """Each file read and checked, in order. Every file is read in a child process of its own
    (:func:`hub.parse.worker.read_bounded`); when there are many, several at once, each waited
    for by a thread of this process while it loads the ones read before."""
    pdfs = sum(1 for i in items if isinstance(i, Job) and i.path.suffix.lower() == ".pdf")
    cores = os.cpu_count() or 1
    if len(items) + pdfs * (PDF_WEIGHT - 1) < PARALLEL_FROM or cores < 2:
        for item in items:  # read in a thread: a server's event loop goes on answering
            if isinstance(item, Outcome):
                yield item
            else:
                yield await asyncio.to_thread(_read, item, overrides, catalogs, bounds)
        return
    loop = asyncio.get_running_loop()
    readers = cores if pdfs else 1
    with ThreadPoolExecutor(readers, thread_name_prefix="hub-read") as pool:
        pending: deque[asyncio.Future[Outcome]] = deque()
        queue = iter(items)

        def read_ahead() -> None:
            for item in queue:
                if isinstance(item, Outcome):
                    done: asyncio.Future[Outcome] = loop.create_future()
                    done.set_result(item)
                    pending.append(done)
                else:
                    pending.append(
                        loop.run_in_executor(pool, _read, item, overrides, catalogs, bounds)
                    )
                if len(pending) >= PREFETCH:
                    return

        read_ahead()
        while pending:
            outcome = await pending.popleft()
            read_ahead()
            yield outcome


async def _skip_loaded(
    session: AsyncSession, items: list[Job | Outcome], restore: bool
) -> list[Job | Outcome]:
    """Files whose bytes are already loaded, as outcomes: nothing to parse again (unless they
    are a withdrawn version to ``restore``)."""
    digests: dict[Path, str] = {}
    for item in items:
        if isinstance(item, Job):
            try:
                digests[item.path] = hashlib.sha256(item.path.read_bytes()).hexdigest()
            except OSError:
                continue  # reading it again will say what is wrong
    loaded = await loaded_sources(session, sorted(set(digests.values())))
    if restore:
        loaded = {k: v for k, v in loaded.items() if v.status is not LoadStatus.WITHDRAWN}
    return [
        Outcome(item.path, loaded=loaded[digests[item.path]], sha256=digests[item.path])
        if isinstance(item, Job) and digests.get(item.path) in loaded
        else item
        for item in items
    ]


def _audit(outcome: Outcome, actor: str) -> AuditRecord:
    """What the audit log says of a file sent to be loaded."""
    sha256 = outcome.sha256
    if sha256 is None:
        with suppress(OSError):  # a file that cannot be read has no digest
            sha256 = hashlib.sha256(outcome.path.read_bytes()).hexdigest()
    loaded = outcome.loaded
    if outcome.error is not None or loaded is None:
        result, detail = "failed", outcome.error
    else:
        result, detail = loaded.status.value, outcome.findings_text()
    return AuditRecord(
        actor,
        AuditAction.INGEST,
        result,
        source_name=outcome.path.name,
        source_sha256=sha256,
        disclosure_id=loaded.disclosure_id if loaded and not outcome.error else None,
        version=loaded.version if loaded and not outcome.error else None,
        detail=detail,
    )


async def ingest_files(
    database: Database,
    paths: Iterable[Path],
    overrides: Overrides,
    advance: Callable[[Outcome], None] = lambda _: None,
    bounds: ReadingBounds | None = None,
    *,
    actor: str = CLI_ACTOR,
    restore: bool = False,
) -> list[Outcome]:
    """Parse, check and load each file, one transaction per file; a failure spoils no other.
    Each file is read within ``bounds`` (by default the settings'). Every file gets an entry in
    the audit log, as ``actor``'s: a loaded one in its load's transaction."""
    bounds = _bounds(bounds)
    items = collect_files(paths)
    async with database.session() as session:
        catalogs = Catalogs(await stored_catalog(session), await observed_catalog(session))
        if overrides == Overrides():  # without overrides the same bytes mean the same disclosure
            items = await _skip_loaded(session, items, restore)
    outcomes: list[Outcome] = []
    unrecorded: list[AuditRecord] = []  # written with the next load, or at the end
    async for outcome in _outcomes(items, overrides, catalogs, bounds):
        if outcome.document is not None:
            try:
                async with database.transaction() as session:
                    outcome.loaded = await load_document(
                        session,
                        outcome.document,
                        outcome.findings,
                        catalogs.official,
                        actor=actor,
                        restore=restore,
                    )
                    for record in [*unrecorded, _audit(outcome, actor)]:
                        await record_audit(session, record)
                unrecorded.clear()
            except (SQLAlchemyError, OverflowError) as exc:
                reason = getattr(exc, "orig", None) or exc
                outcome.error = f"{outcome.path}: not stored, nothing written: {reason}"
                outcome.loaded = None
                unrecorded.append(_audit(outcome, actor))
            outcome.document = None
        else:
            unrecorded.append(_audit(outcome, actor))
        outcomes.append(outcome)
        advance(outcome)
    if unrecorded:
        async with database.transaction() as session:
            for record in unrecorded:
                await record_audit(session, record)
    if (
        sum(1 for o in outcomes if o.loaded and o.loaded.status.value != "unchanged")
        >= REFRESH_FROM
    ):
        await database.refresh_statistics()
    return outcomes
