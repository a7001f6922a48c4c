"""What an export holds: a disclosure's every table, or a rollup view, as flat rows streamed
from the store, with what the file is and where it came from.

One row per budget line; every amount an exact decimal in 万元. The renderers (CSV, XLSX, JSON,
Fiscal Data Package) only lay these rows out, so every format says the same.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, case, func
from sqlalchemy import select as select_columns
from sqlmodel import col, select

from hub.domain import BudgetTable, Measure, Scheme, label, level_of, parent_of
from hub.money import wan
from hub.query.rollups import TABLE_OF_SCHEME, RollupKey, Rollups, region_matches
from hub.store.engine import Database
from hub.store.entities import (
    BudgetLine,
    Department,
    Disclosure,
    Region,
    ThreePublicLine,
)

__all__ = [
    "Column",
    "ColumnKind",
    "Dataset",
    "Export",
    "disclosure_export",
    "rollup_export",
]

_BATCH = 1000
"""Rows fetched from the store at a time: an export of a province never sits in memory."""


class ColumnKind(StrEnum):
    TEXT = "string"
    INTEGER = "integer"
    MONEY = "number"
    """万元, an exact decimal."""


@dataclass(frozen=True)
class Column:
    key: str
    """The machine name (CSV and JSON keys, the package's field names)."""
    label: str
    """The Chinese header (XLSX)."""
    kind: ColumnKind = ColumnKind.TEXT
    description: str = ""


Row = tuple[Any, ...]


@dataclass(frozen=True)
class Dataset:
    """One table of an export: its columns and its rows, read when iterated."""

    key: str
    label: str
    columns: tuple[Column, ...]
    rows: Callable[[], AsyncIterator[Row]]
    sheet_by: str | None = None
    """The column whose value starts a sheet of its own in a workbook (the budget table)."""
    parent_of: tuple[str, str] | None = None
    """(code column, parent column): the classification hierarchy the rows carry."""


@dataclass(frozen=True)
class Export:
    name: str
    """The file name without extension: ``咸宁市经济和信息化局-2023-budget``."""
    title: str
    about: tuple[tuple[str, str], ...]
    """What the file is and where it came from, as (label, value) lines."""
    datasets: tuple[Dataset, ...]
    fiscal_year: int
    constants: tuple[tuple[Column, str], ...] = ()
    """Columns every row shares (year, phase, region, department): a Fiscal Data Package carries
    them in each row, as its dimensions."""
    phase: str = "budget"
    exported_at: datetime = field(default_factory=lambda: datetime.now(UTC))


_YEAR = Column("fiscal_year", "年度", ColumnKind.INTEGER)
_PHASE = Column("phase", "阶段", description="budget (预算)")
_LINE_COLUMNS = (
    Column("table", "表", description="The budget table (BudgetTable)."),
    Column("table_name", "表名"),
    Column("kind", "行类型", description="SUBJECT, TOTAL, ITEM, DEPARTMENT or UNIT."),
    Column("side", "收支", description="INCOME or EXPENDITURE, in a two-sided summary table."),
    Column("scheme", "科目体系"),
    Column("code", "科目编码"),
    Column("parent_code", "上级科目编码"),
    Column("level", "级次", description="CLASS (类), SECTION (款) or ITEM (项)."),
    Column("name", "科目名称", description="The official name for the fiscal year."),
    Column("printed_name", "印刷名称", description="The name or label as the document prints it."),
    Column(
        "printed_code",
        "印刷编码",
        description="The code as printed where it differs; a department's or unit's own code.",
    ),
    Column("line", "页码或行号", ColumnKind.INTEGER, "The page (PDF) or line (text) of origin."),
)
_THREE_PUBLIC_COLUMNS = (
    Column("item", "项目"),
    Column("item_name", "项目名称"),
    Column("printed_label", "印刷名称"),
    Column("breakdown", "单位或年度", description="The unit or year of a row beside the own."),
    Column("amount", "金额（万元）", ColumnKind.MONEY),
    Column("line", "页码或行号", ColumnKind.INTEGER),
)


def _money_columns(measures: list[Measure]) -> tuple[Column, ...]:
    return tuple(
        Column(m.value, f"{label(m)}（万元）", ColumnKind.MONEY, f"{label(m)}, 万元")
        for m in measures
    )


def _value(member: StrEnum | None) -> str | None:
    return None if member is None else member.value


def _line_row(line: BudgetLine, measures: list[Measure]) -> Row:
    code = line.code
    level = line.level or (level_of(code) if code and len(code) in (3, 5, 7) else None)
    return (
        line.table.value,
        label(line.table),
        line.kind.value,
        _value(line.side),
        _value(line.scheme),
        code,
        parent_of(code) if code else None,
        _value(level),
        line.name,
        line.printed_name,
        line.printed_code or line.label,
        line.source_line,
        *(wan(line.amount(m)) for m in measures),
    )


async def _stream(database: Database, statement: Select[Any]) -> AsyncIterator[Any]:
    async with database.session() as session:
        result = await session.stream_scalars(statement.execution_options(yield_per=_BATCH))
        async for row in result:
            yield row


async def _measures_printed(database: Database, disclosure_id: int) -> list[Measure]:
    """The amount columns any line of the disclosure fills, in the enum's order."""
    counts = [func.count(getattr(BudgetLine, m.value)) for m in Measure]
    async with database.session() as session:
        filled = (
            await session.execute(
                select(*counts).where(col(BudgetLine.disclosure_id) == disclosure_id)
            )
        ).one()
    return [m for m, n in zip(Measure, filled, strict=True) if n]


async def disclosure_export(database: Database, disclosure: Disclosure) -> Export:
    """Every table of one disclosure version."""
    assert disclosure.id is not None
    async with database.session() as session:
        department = await session.get(Department, disclosure.department_id)
        assert department is not None
        region = await session.get(Region, department.region_id)
        assert region is not None
    measures = await _measures_printed(database, disclosure.id)
    disclosure_id = disclosure.id

    async def lines() -> AsyncIterator[Row]:
        # The tables in the documents' order (表1 … 表8), not the store's alphabetical one.
        table_order = case({t.name: n for n, t in enumerate(BudgetTable)}, value=BudgetLine.table)
        statement = (
            select(BudgetLine)
            .where(col(BudgetLine.disclosure_id) == disclosure_id)
            .order_by(table_order, col(BudgetLine.ordinal))
        )
        async for line in _stream(database, statement):
            yield _line_row(line, measures)

    async def three_public() -> AsyncIterator[Row]:
        statement = (
            select(ThreePublicLine)
            .where(col(ThreePublicLine.disclosure_id) == disclosure_id)
            .order_by(col(ThreePublicLine.ordinal))
        )
        async for line in _stream(database, statement):
            yield (
                _value(line.item),
                label(line.item) if line.item else None,
                line.printed_label,
                line.breakdown,
                wan(line.amount),
                line.source_line,
            )

    year = disclosure.fiscal_year
    state = (
        ""
        if disclosure.current
        else f"（已撤回：{disclosure.withdrawal_reason}）"
        if disclosure.withdrawn_at
        else "（已被更正版本取代）"
    )
    return Export(
        name=f"{department.name}-{year}-budget-v{disclosure.version}",
        title=disclosure.title,
        about=(
            ("文件", f"{disclosure.title}：各预算表，一行一条预算数据"),
            ("部门", f"{department.code or ''} {department.name}".strip()),
            ("地区", f"{region.code or ''} {region.name}".strip()),
            ("年度", str(year)),
            ("阶段", "预算 (budget)"),
            ("版本", f"{disclosure.version}{state}"),
            ("来源文件", disclosure.source_name),
            ("来源文件 SHA-256", disclosure.source_sha256),
            ("页数", str(disclosure.source_pages or "")),
            ("载入时间", disclosure.ingested_at.isoformat()),
            ("金额单位", "万元（精确小数）"),
        ),
        datasets=(
            Dataset(
                "budget_lines",
                "预算表",
                _LINE_COLUMNS + _money_columns(measures),
                lines,
                sheet_by="table",
                parent_of=("code", "parent_code"),
            ),
            Dataset(
                "three_public", label(BudgetTable.THREE_PUBLIC), _THREE_PUBLIC_COLUMNS, three_public
            ),
        ),
        fiscal_year=year,
        constants=(
            (_YEAR, str(year)),
            (_PHASE, "budget"),
            (Column("region", "地区"), region.name),
            (Column("department_code", "部门编码"), department.code or ""),
            (Column("department", "部门"), department.name),
        ),
    )


_NODE_COLUMNS = (
    Column("code", "科目编码"),
    Column("parent_code", "上级科目编码"),
    Column("level", "级次"),
    Column(
        "total", "合计（万元）", ColumnKind.MONEY, "The sum of every department's stated total."
    ),
    Column("departments", "部门数", ColumnKind.INTEGER, "How many departments print the code."),
)
_SHARE_COLUMNS = (
    Column("rank", "排名", ColumnKind.INTEGER),
    Column("region", "地区"),
    Column("department_code", "部门编码"),
    Column("department", "部门"),
    Column("disclosure_version", "版本", ColumnKind.INTEGER),
    Column("total", "合计（万元）", ColumnKind.MONEY),
)


async def rollup_export(
    database: Database, scheme: Scheme, code: str, year: int, region: str | None
) -> Export:
    """A code's subtree summed over the current disclosures of a year (and region), with the
    departments that spend on the code, largest first."""
    subtree = await Rollups(database).subtree(RollupKey(scheme, year, region, code))

    async def nodes() -> AsyncIterator[Row]:
        for node in sorted(subtree.values(), key=lambda n: n.code):
            yield (
                node.code,
                parent_of(node.code),
                level_of(node.code).value,
                wan(node.total),
                node.departments,
            )

    async def departments() -> AsyncIterator[Row]:
        statement = (
            select_columns(
                col(BudgetLine.total),
                col(Department.code),
                col(Department.name),
                col(Region.name),
                col(Disclosure.version),
            )
            .join(Disclosure, col(Disclosure.id) == col(BudgetLine.disclosure_id))
            .join(Department, col(Department.id) == col(Disclosure.department_id))
            .join(Region, col(Region.id) == col(Department.region_id))
            .where(
                col(BudgetLine.table) == TABLE_OF_SCHEME[scheme],
                col(BudgetLine.current_year) == year,
                col(BudgetLine.code) == code,
            )
            .order_by(col(BudgetLine.total).desc(), col(Department.name))
        )
        if region is not None:
            statement = statement.where(region_matches(region))
        rank = 0
        async with database.session() as session:
            result = await session.stream(statement.execution_options(yield_per=_BATCH))
            async for total, dept_code, dept_name, region_name, version in result:
                rank += 1
                yield (rank, region_name, dept_code, dept_name, version, wan(total))

    where = region or "全部地区"
    return Export(
        name=f"rollup-{scheme.value.lower()}-{code}-{year}" + (f"-{region}" if region else ""),
        title=f"{where} {year}年 {label(scheme)} {code} 汇总",
        about=(
            ("文件", f"{label(scheme)} {code} 及其下级科目，{year}年各部门现行预算之和"),
            ("地区", where),
            ("年度", str(year)),
            ("阶段", "预算 (budget)"),
            ("汇总的表", label(TABLE_OF_SCHEME[scheme])),
            ("金额单位", "万元（精确小数）"),
            ("说明", "每个部门只计其现行版本；不印该科目的部门不计入"),
        ),
        datasets=(
            Dataset("nodes", "科目汇总", _NODE_COLUMNS, nodes, parent_of=("code", "parent_code")),
            Dataset("departments", "部门排名", _SHARE_COLUMNS, departments),
        ),
        fiscal_year=year,
        constants=((_YEAR, str(year)), (_PHASE, "budget"), (Column("scope", "地区"), where)),
    )
