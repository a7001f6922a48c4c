"""Reading many files: into the store (``hub ingest``) or only checking them (``hub check``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from hub.catalog import Catalog
from hub.check import Finding, check_document
from hub.domain import Severity
from hub.parse import Document, Overrides, ParseError, read_document
from hub.store.catalog import stored_catalog
from hub.store.engine import Database
from hub.store.load import LoadResult, load_document

__all__ = ["Outcome", "check_files", "collect_files", "ingest_files"]


@dataclass
class Outcome:
    """What became of one file."""

    path: Path
    document: Document | None = None
    findings: list[Finding] = field(default_factory=list)
    loaded: LoadResult | None = None
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None

    def severities(self) -> Counter[Severity]:
        return Counter(f.severity for f in self.findings)


DOCUMENT_SUFFIXES = frozenset({".txt"})
"""What a folder is searched for; a file named on its own is always tried."""


def collect_files(paths: Iterable[Path]) -> list[Path | Outcome]:
    """The files named, and the documents inside the folders named (sorted, hidden skipped).

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
    return found


def _read(path: Path, overrides: Overrides, catalog: Catalog) -> Outcome:
    try:
        document = read_document(path, overrides)
    except ParseError as exc:
        where = f"{path}:{exc.line}" if exc.line else str(path)
        return Outcome(path, error=f"{where}: {exc.message}")
    except OSError as exc:
        return Outcome(path, error=f"{path}: {exc.strerror or exc}")
    except ValueError as exc:  # a parser slip that is not a ParseError still spoils one file only
        return Outcome(path, error=f"{path}: cannot be read: {exc}")
    return Outcome(path, document, check_document(document, catalog))


def check_files(
    paths: Iterable[Path],
    overrides: Overrides,
    catalog: Catalog,
    advance: Callable[[Path], None] = lambda _: None,
) -> list[Outcome]:
    """Parse and check each file; nothing is written anywhere."""
    outcomes: list[Outcome] = []
    for item in collect_files(paths):
        outcomes.append(item if isinstance(item, Outcome) else _read(item, overrides, catalog))
        advance(outcomes[-1].path)
    return outcomes


async def ingest_files(
    database: Database,
    paths: Iterable[Path],
    overrides: Overrides,
    advance: Callable[[Path], None] = lambda _: None,
) -> list[Outcome]:
    """Parse, check and load each file, one transaction per file; a failure spoils no other."""
    async with database.session() as session:
        catalog = await stored_catalog(session)
    outcomes: list[Outcome] = []
    for item in collect_files(paths):
        outcome = item if isinstance(item, Outcome) else _read(item, overrides, catalog)
        if outcome.document is not None:
            try:
                async with database.transaction() as session:
                    outcome.loaded = await load_document(
                        session, outcome.document, outcome.findings, catalog
                    )
            except (SQLAlchemyError, OverflowError) as exc:
                reason = getattr(exc, "orig", None) or exc
                outcome.error = f"{outcome.path}: not stored, nothing written: {reason}"
        outcomes.append(outcome)
        advance(outcome.path)
    return outcomes
