"""Output formats of an export, behind one registry (as Datasette's output renderers).

Every renderer lays out the same rows (:mod:`hub.query.exports`) and streams them: a CSV or
JSON file goes out as the store yields rows, a workbook or a package is written to a temporary
file first, never held whole in memory.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

import anyio

from hub import __version__
from hub.query.exports import Column, ColumnKind, Dataset, Export

__all__ = ["RENDERERS", "Renderer", "write_export", "write_package"]

_CHUNK = 64 * 1024
_ROWS_PER_CHUNK = 500


@dataclass(frozen=True)
class Renderer:
    name: str
    media_type: str
    extension: str
    """Of the one file sent (over HTTP, a package is a zip of its folder)."""
    stream: Callable[[Export, str | None], AsyncIterator[bytes]]
    """The file's bytes; the name of one dataset where the format holds one (CSV)."""
    description: str


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _dataset(export: Export, name: str | None) -> Dataset:
    if name is None:
        return export.datasets[0]
    for dataset in export.datasets:
        if dataset.key == name:
            return dataset
    known = ", ".join(d.key for d in export.datasets)
    raise LookupError(f"no dataset {name!r} in this export (it has {known})")


async def _csv_text(
    header: list[str], rows: AsyncIterator[tuple[Any, ...]], *, bom: bool
) -> AsyncIterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if bom:
        buffer.write("\ufeff")  # Excel reads UTF-8 only after a byte-order mark
    writer.writerow(header)
    count = 0
    async for row in rows:
        writer.writerow([_text(v) for v in row])
        count += 1
        if count % _ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


async def _csv(export: Export, dataset: str | None) -> AsyncIterator[bytes]:
    chosen = _dataset(export, dataset)
    async for text in _csv_text([c.key for c in chosen.columns], chosen.rows(), bom=True):
        yield text.encode("utf-8")


def _json_value(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)  # a JSON number, exactly as stored (2798.00)
    return json.dumps(value, ensure_ascii=False)


def _about(export: Export) -> dict[str, Any]:
    return {
        "title": export.title,
        "about": dict(export.about),
        "fiscal_year": export.fiscal_year,
        "phase": export.phase,
        "unit": "万元",
        "exported_at": export.exported_at.isoformat(timespec="seconds"),
        "exported_by": f"Budget Hub {__version__}",
    }


async def _json(export: Export, dataset: str | None) -> AsyncIterator[bytes]:
    head = json.dumps(_about(export), ensure_ascii=False, indent=1)[:-2]
    yield (head + ',\n "datasets": {').encode()
    chosen = [_dataset(export, dataset)] if dataset else list(export.datasets)
    for n, data in enumerate(chosen):
        keys = [json.dumps(c.key) for c in data.columns]
        yield f"{',' if n else ''}\n  {json.dumps(data.key)}: [".encode()
        first = True
        async for row in data.rows():
            fields = ", ".join(f"{k}: {_json_value(v)}" for k, v in zip(keys, row, strict=True))
            yield f"{'' if first else ','}\n   {{{fields}}}".encode()
            first = False
        yield b"\n  ]"
    yield b"\n }\n}\n"


_SHEET_NAME_LIMIT = 31


def _sheet_title(title: str, taken: set[str]) -> str:
    """Excel's sheet names: at most 31 characters, none of []:*?/\\, unique."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)[:_SHEET_NAME_LIMIT]
    name, n = clean, 2
    while name in taken:
        suffix = f" ({n})"
        name, n = clean[: _SHEET_NAME_LIMIT - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def _number_format(value: Decimal) -> str:
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return "#,##0" + ("." + "0" * places if places else "")


async def _write_xlsx(export: Export, sink: BinaryIO) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    taken: set[str] = set()
    about = book.create_sheet(_sheet_title("说明", taken))
    bold = Font(bold=True)
    for key, value in [
        ("标题", export.title),
        *export.about,
        ("导出时间", export.exported_at.isoformat(timespec="seconds")),
        ("导出工具", f"Budget Hub {__version__}"),
    ]:
        cell = WriteOnlyCell(about, key)
        cell.font = bold
        about.append([cell, value])

    def new_sheet(title: str, columns: tuple[Column, ...]) -> Any:
        sheet = book.create_sheet(_sheet_title(title, taken))
        sheet.freeze_panes = "A2"
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, column.label)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        return sheet

    for dataset in export.datasets:
        split = (
            [c.key for c in dataset.columns].index(dataset.sheet_by) if dataset.sheet_by else None
        )
        sheet, current = None, None
        async for row in dataset.rows():
            group = row[split] if split is not None else None
            if sheet is None or group != current:
                label = dataset.label if split is None else _group_label(dataset, row)
                sheet, current = new_sheet(label, dataset.columns), group
            cells = []
            for column, value in zip(dataset.columns, row, strict=True):
                cell = WriteOnlyCell(sheet, value)
                if column.kind is ColumnKind.MONEY and isinstance(value, Decimal):
                    cell.number_format = _number_format(value)
                cells.append(cell)
            sheet.append(cells)
        if sheet is None:
            new_sheet(dataset.label, dataset.columns)  # an empty table still says its columns
    book.save(sink)


def _group_label(dataset: Dataset, row: tuple[Any, ...]) -> str:
    """A sheet of one budget table is named by the table's Chinese name (the next column)."""
    keys = [c.key for c in dataset.columns]
    assert dataset.sheet_by is not None
    return str(row[keys.index(dataset.sheet_by) + 1])


async def _spooled(write: Callable[[BinaryIO], Any]) -> AsyncIterator[bytes]:
    with tempfile.TemporaryFile() as sink:
        await write(sink)
        sink.seek(0)
        while chunk := sink.read(_CHUNK):
            yield chunk


def _xlsx(export: Export, dataset: str | None) -> AsyncIterator[bytes]:
    return _spooled(lambda sink: _write_xlsx(export, sink))


# --- Fiscal Data Package ------------------------------------------------------------------------

_CLASSIFICATION = {"FUNCTIONAL": "functional", "DEPARTMENTAL_ECONOMIC": "economic",
                   "GOVERNMENTAL_ECONOMIC": "economic"}  # fmt: skip


def _field(column: Column) -> dict[str, Any]:
    field: dict[str, Any] = {"name": column.key, "title": column.label, "type": column.kind.value}
    if column.description:
        field["description"] = column.description
    return field


def _descriptor(export: Export, resources: list[tuple[str, Dataset]]) -> dict[str, Any]:
    constants = [c for c, _ in export.constants]
    measures: dict[str, Any] = {}
    dimensions: dict[str, Any] = {
        "fiscal_year": {
            "dimensionType": "datetime",
            "attributes": {"year": {"source": "fiscal_year"}},
            "primaryKey": ["year"],
        },
        "phase": {
            "dimensionType": "other",
            "attributes": {"phase": {"source": "phase"}},
            "primaryKey": ["phase"],
        },
    }
    if any(c.key == "department_code" for c in constants):
        dimensions["administrative_classification"] = {
            "dimensionType": "classification",
            "classificationType": "administrative",
            "attributes": {
                "code": {"source": "department_code"},
                "name": {"source": "department", "labelfor": "code"},
            },
            "primaryKey": ["code"],
        }
    for name, dataset in resources:
        for column in dataset.columns:
            if column.kind is ColumnKind.MONEY:
                measures[f"{name}.{column.key}"] = {
                    "resource": name,
                    "source": column.key,
                    "title": column.label,
                    "currency": "CNY",
                    "factor": 10000,
                }
        kind = _CLASSIFICATION.get(name.removesuffix("_lines").upper())
        if dataset.parent_of and kind:
            code, parent = dataset.parent_of
            dimensions[f"{name}_classification"] = {
                "dimensionType": "classification",
                "classificationType": kind,
                "resource": name,
                "attributes": {
                    "code": {"source": code},
                    "name": {"source": "name", "labelfor": "code"},
                    "parent": {"source": parent, "parent": "code"},
                },
                "primaryKey": ["code"],
            }
    return {
        # A Fiscal Data Package's model on a tabular package, so that it validates offline
        # (the fiscal profile would have to be fetched to be checked).
        "profile": "tabular-data-package",
        "name": _slug(export.name),
        "title": export.title,
        "description": "; ".join(f"{k}: {v}" for k, v in export.about),
        "countryCode": "CN",
        "fiscalPeriod": {
            "start": f"{export.fiscal_year}-01-01",
            "end": f"{export.fiscal_year}-12-31",
        },
        "granularity": "aggregated",
        "created": export.exported_at.isoformat(timespec="seconds"),
        "resources": [
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "title": dataset.label,
                "schema": {"fields": [_field(c) for c in (*dataset.columns, *constants)]},
            }
            for name, dataset in resources
        ],
        "model": {"measures": measures, "dimensions": dimensions},
    }


def _slug(name: str) -> str:
    """A package name: lower-case ASCII letters, digits and -._ only."""
    ascii_name = "".join(
        ch if ch.isascii() and (ch.isalnum() or ch in "-._") else "-" for ch in name
    )
    return "-".join(part for part in ascii_name.lower().split("-") if part) or "budget-hub-export"


async def _with(
    values: tuple[str, ...], rows: AsyncIterator[tuple[Any, ...]]
) -> AsyncIterator[tuple[Any, ...]]:
    async for row in rows:
        yield (*row, *values)


async def _lines_by_classification(dataset: Dataset, export: Export, folder: Path) -> list[str]:
    """Budget lines in one resource per classification: a package's classification dimension
    reads one scheme's codes (functional, economic), the summary tables' lines go apart."""
    keys = [c.key for c in dataset.columns]
    header = [*keys, *(c.key for c, _ in export.constants)]
    values = tuple(v for _, v in export.constants)
    scheme = keys.index("scheme")
    handles: dict[str, Any] = {}
    try:
        async for row in dataset.rows():
            kind = _CLASSIFICATION.get(row[scheme] or "")
            part = f"{kind}_lines" if kind else "summary_lines"
            if part not in handles:
                handles[part] = (folder / f"{part}.csv").open("w", encoding="utf-8", newline="")
                csv.writer(handles[part], lineterminator="\r\n").writerow(header)
            csv.writer(handles[part], lineterminator="\r\n").writerow(
                [_text(v) for v in (*row, *values)]
            )
    finally:
        for handle in handles.values():
            handle.close()
    return [p for p in ("functional_lines", "economic_lines", "summary_lines") if p in handles]


async def write_package(export: Export, folder: Path) -> Path:
    """A Fiscal Data Package in ``folder``: ``datapackage.json`` and a CSV per resource; the
    descriptor's path is returned."""
    await anyio.to_thread.run_sync(partial(folder.mkdir, parents=True, exist_ok=True))
    values = tuple(v for _, v in export.constants)
    constants = [c.key for c, _ in export.constants]
    resources: list[tuple[str, Dataset]] = []
    for dataset in export.datasets:
        if dataset.key == "budget_lines":
            parts = await _lines_by_classification(dataset, export, folder)
            resources += [(part, dataset) for part in parts]
            continue
        header = [*(c.key for c in dataset.columns), *constants]
        with (folder / f"{dataset.key}.csv").open("w", encoding="utf-8", newline="") as handle:
            async for text in _csv_text(header, _with(values, dataset.rows()), bom=False):
                handle.write(text)
        resources.append((dataset.key, dataset))
    descriptor = folder / "datapackage.json"
    descriptor.write_text(
        json.dumps(_descriptor(export, resources), ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
    return descriptor


async def _write_zipped_package(export: Export, sink: BinaryIO) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / _slug(export.name)
        await write_package(export, root)
        with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(root.iterdir()):
                archive.write(path, f"{root.name}/{path.name}")


def _fdp(export: Export, dataset: str | None) -> AsyncIterator[bytes]:
    return _spooled(lambda sink: _write_zipped_package(export, sink))


RENDERERS: dict[str, Renderer] = {
    r.name: r
    for r in (
        Renderer("csv", "text/csv; charset=utf-8", ".csv", _csv,
                 "CSV, UTF-8 with a byte-order mark (Excel opens the Chinese), one dataset"),
        Renderer("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 ".xlsx", _xlsx, "Excel workbook: a sheet per table and one saying what it is"),
        Renderer("json", "application/json", ".json", _json, "JSON of every dataset"),
        Renderer("fdp", "application/zip", ".zip", _fdp,
                 "Fiscal Data Package (datapackage.json and CSV; over HTTP, zipped)"),
    )
}  # fmt: skip


async def write_export(export: Export, format: str, output: Path, dataset: str | None) -> Path:
    """Write an export to ``output``: a file, or for ``fdp`` a folder."""
    if format == "fdp":
        return await write_package(export, output)
    renderer = RENDERERS[format]
    with output.open("wb") as handle:
        async for chunk in renderer.stream(export, dataset):
            handle.write(chunk)
    return output
