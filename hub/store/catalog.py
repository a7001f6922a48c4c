"""The classification catalog shipped in ``fixtures/catalog``, and loading it into the store."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.domain import Level, Scheme, level_of, parent_of, subtree_bounds
from hub.resources import resource_dir
from hub.store.entities import CatalogEntry

__all__ = [
    "CATALOG_FILES",
    "CatalogFileError",
    "CatalogRow",
    "in_subtree",
    "read_catalog",
    "sync_catalog",
]

CATALOG_FILES: dict[Scheme, str] = {
    Scheme.FUNCTIONAL: "functional.csv",
    Scheme.DEPARTMENTAL_ECONOMIC: "departmental_economic.csv",
    Scheme.GOVERNMENTAL_ECONOMIC: "governmental_economic.csv",
}
_COLUMNS = ["code", "name", "valid_from", "valid_to", "source"]


class CatalogFileError(ValueError):
    """A catalog file that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class CatalogRow:
    scheme: Scheme
    code: str
    name: str
    level: Level
    parent_code: str | None
    valid_from: int
    valid_to: int | None
    source: str


def _year(text: str, where: str) -> int:
    if not text.isdigit() or len(text) != 4:
        raise CatalogFileError(f"{where}: expected a four-digit fiscal year, found {text!r}")
    return int(text)


def _read_file(scheme: Scheme, path: Path) -> list[CatalogRow]:
    rows: list[CatalogRow] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != _COLUMNS:
            raise CatalogFileError(f"{path}:1: expected the columns {','.join(_COLUMNS)}")
        for record in reader:
            where = f"{path}:{reader.line_num}"
            code = record["code"].strip()
            try:
                level = level_of(code)
            except ValueError as exc:
                raise CatalogFileError(f"{where}: {exc}") from None
            name = record["name"].strip()
            if not name:
                raise CatalogFileError(f"{where}: the name of {code} is empty")
            valid_to = record["valid_to"].strip()
            rows.append(
                CatalogRow(
                    scheme=scheme,
                    code=code,
                    name=name,
                    level=level,
                    parent_code=parent_of(code),
                    valid_from=_year(record["valid_from"].strip(), where),
                    valid_to=_year(valid_to, where) if valid_to else None,
                    source=record["source"].strip(),
                )
            )
    return rows


def read_catalog(folder: Path | None = None) -> list[CatalogRow]:
    """Every entry of the catalog files in ``folder`` (default: the shipped fixtures)."""
    folder = folder or resource_dir("fixtures") / "catalog"
    rows: list[CatalogRow] = []
    for scheme, file_name in CATALOG_FILES.items():
        path = folder / file_name
        if path.exists():
            rows.extend(_read_file(scheme, path))
    return rows


async def sync_catalog(session: AsyncSession, rows: list[CatalogRow]) -> None:
    """Make the stored catalog equal to ``rows``: insert, update and delete by key.

    The key is (scheme, code, valid_from); a name corrected in the fixtures is corrected in
    the store, and an entry removed from them is removed.
    """
    wanted = {(r.scheme, r.code, r.valid_from): r for r in rows}
    stored = {
        (e.scheme, e.code, e.valid_from): e for e in (await session.scalars(select(CatalogEntry)))
    }
    stale = [e.id for key, e in stored.items() if key not in wanted]
    if stale:
        await session.execute(delete(CatalogEntry).where(CatalogEntry.id.in_(stale)))  # type: ignore[union-attr]
    for key, row in wanted.items():
        entry = stored.get(key) or CatalogEntry(
            scheme=row.scheme,
            code=row.code,
            valid_from=row.valid_from,
            name="",
            level=row.level,
            source="",
        )
        entry.name, entry.level, entry.parent_code = row.name, row.level, row.parent_code
        entry.valid_to, entry.source = row.valid_to, row.source
        session.add(entry)


def in_subtree(column: Any, code: str) -> Any:
    """A predicate selecting ``code`` and its descendants as an index range, never ``LIKE``."""
    low, high = subtree_bounds(code)
    return column.between(low, high)
