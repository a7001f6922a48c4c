"""The classification catalog as data: the shipped CSV files and lookups by code and year.

Every layer may read it: ``check`` to find codes a document uses that the catalog lacks, the
store to load it into the database and to resolve official names.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from hub.domain import Level, Scheme, level_of, parent_of
from hub.resources import resource_dir

__all__ = [
    "CATALOG_FILES",
    "Catalog",
    "CatalogFileError",
    "CatalogRow",
    "Region",
    "observed_name",
    "read_catalog",
    "read_regions",
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

    def valid_in(self, year: int) -> bool:
        return self.valid_from <= year and (self.valid_to is None or year <= self.valid_to)


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


def _comparable(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split())


class Catalog:
    """Official names by scheme, code and fiscal year."""

    def __init__(self, rows: Iterable[CatalogRow]) -> None:
        self._rows: dict[tuple[Scheme, str], list[CatalogRow]] = {}
        self._by_name: dict[tuple[Scheme, str], list[CatalogRow]] = {}
        for row in rows:
            self._rows.setdefault((row.scheme, row.code), []).append(row)
            self._by_name.setdefault((row.scheme, _comparable(row.name)), []).append(row)

    def count(self) -> int:
        """How many entries (a code's name for a span of years) it holds."""
        return sum(len(rows) for rows in self._rows.values())

    @classmethod
    def shipped(cls) -> Catalog:
        return cls(read_catalog())

    def entry(self, scheme: Scheme, code: str, year: int) -> CatalogRow | None:
        """The entry valid in ``year``; failing that, the nearest year's, since names drift."""
        candidates = self._rows.get((scheme, code), [])
        for row in candidates:
            if row.valid_in(year):
                return row

        def distance(row: CatalogRow) -> int:
            if year < row.valid_from:
                return row.valid_from - year
            return year - row.valid_to if row.valid_to is not None else 0

        return min(candidates, key=distance, default=None)

    def entry_in(self, scheme: Scheme, code: str, year: int) -> CatalogRow | None:
        """The entry valid in ``year``, or None: no name of another year stands in."""
        return next((r for r in self._rows.get((scheme, code), []) if r.valid_in(year)), None)

    def rows(self, scheme: Scheme, year: int) -> list[CatalogRow]:
        """Every entry of the scheme valid in ``year``."""
        return [
            row
            for (row_scheme, _), rows in self._rows.items()
            if row_scheme is scheme
            for row in rows
            if row.valid_in(year)
        ]

    def entries(self, scheme: Scheme, code: str) -> list[CatalogRow]:
        """Every name the code has had, by the years it was valid."""
        return sorted(self._rows.get((scheme, code), []), key=lambda row: row.valid_from)

    def children(self, scheme: Scheme, code: str | None, year: int) -> list[CatalogRow]:
        """The entries one level below ``code`` (the 类 when ``code`` is None), by code."""
        found = [row for row in self.rows(scheme, year) if row.parent_code == code]
        return sorted(found, key=lambda row: row.code)

    def knows(self, scheme: Scheme, code: str) -> bool:
        """Whether the code is in the catalog for any year."""
        return (scheme, code) in self._rows

    def codes_named(self, scheme: Scheme, name: str, prefix: str = "") -> set[str]:
        """The codes that bear ``name`` in some year (old names too), under ``prefix``.

        医疗卫生与计划生育支出 → {"210"}: a 类 renamed in 2019 still resolves to its code.
        """
        return {
            row.code
            for row in self._by_name.get((scheme, _comparable(name)), [])
            if row.code.startswith(prefix)
        }

    def name(self, scheme: Scheme, code: str, year: int) -> str | None:
        entry = self.entry(scheme, code, year)
        return entry.name if entry else None

    @staticmethod
    def same_name(printed: str, official: str) -> bool:
        """Whether a printed name is the official one, or the official one cut short."""
        printed, official = _comparable(printed), _comparable(official)
        return bool(printed) and official.startswith(printed)


def observed_name(printed: dict[str, int]) -> str | None:
    """The name documents give a code, from each printed name and how many issuers print it:
    the full name most issuers print. A name that another issuer prints longer is that name cut
    short by a narrow column (工业和信息产业 for 工业和信息产业监管), never chosen."""
    full = [
        name
        for name in printed
        if not any(
            other != name and _comparable(other).startswith(_comparable(name)) for other in printed
        )
    ]
    return max(full, key=lambda name: (printed[name], len(name), name), default=None)


@dataclass(frozen=True)
class Region:
    """A region and its administrative division code (行政区划代码)."""

    name: str
    code: str


def read_regions(folder: Path | None = None) -> list[Region]:
    """The regions whose division codes the hub knows (``fixtures/regions.csv``)."""
    path = (folder or resource_dir("fixtures")) / "regions.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return [Region(r["name"].strip(), r["code"].strip()) for r in csv.DictReader(handle)]
