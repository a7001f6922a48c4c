"""The seed loaded into the store on both backends: every figure, exactly, once."""

import dataclasses
import hashlib

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from hub.catalog import Catalog
from hub.check import check_document
from hub.domain import BudgetTable, LineKind, Scope, SourceFormat
from hub.money import fen_to_wan
from hub.parse import Overrides, parse_document
from hub.parse.model import Source
from hub.store import load as load_module
from hub.store.engine import Database
from hub.store.entities import (
    BudgetLine,
    Department,
    Disclosure,
    Finding,
    GlossaryEntry,
    Indicator,
    NarrativeSection,
    PerformanceProject,
    Region,
    ThreePublicLine,
    Unit,
)
from hub.store.load import LoadResult, LoadStatus, load_document
from tests import seed

TEXT = seed.SEED.read_text(encoding="utf-8")
CATALOG = Catalog.shipped()


async def ingest(database: Database, text: str = TEXT) -> LoadResult:
    source = Source(
        seed.SEED.name, hashlib.sha256(text.encode()).hexdigest(), SourceFormat.TEXT, text
    )
    document = parse_document(source, Overrides())
    async with database.transaction() as session:
        return await load_document(session, document, check_document(document, CATALOG), CATALOG)


async def lines(database: Database, table: BudgetTable, disclosure_id: int) -> list[BudgetLine]:
    async with database.session() as session:
        statement = (
            select(BudgetLine)
            .where(BudgetLine.disclosure_id == disclosure_id, BudgetLine.table == table)
            .order_by(BudgetLine.ordinal)
        )
        return list((await session.scalars(statement)).all())


def wan(fen: int | None) -> str | None:
    return None if fen is None else str(fen_to_wan(fen))


async def count(database: Database, entity: type) -> int:
    async with database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(entity)) or 0)


async def test_table_5_lands_node_by_node_and_column_by_column(database: Database) -> None:
    loaded = await ingest(database)
    assert (loaded.status, loaded.version) == (LoadStatus.NEW, 1)
    stored = await lines(database, BudgetTable.GENERAL_FUNCTIONAL, loaded.disclosure_id)
    read = [
        (
            line.code or line.label or "",
            line.printed_name,
            *(wan(getattr(line, c)) for c in seed.TABLE_5_COLUMNS),
        )
        for line in stored
    ]
    assert read == seed.TABLE_5
    assert all(getattr(line, c) is None for line in stored for c in seed.TABLE_5_BLANK_COLUMNS)
    kinds = [line.kind for line in stored[:3]]
    assert kinds == [LineKind.TOTAL, LineKind.DEPARTMENT, LineKind.UNIT]
    assert stored[2].code is None  # a unit's code is not a classification code
    # Names cut short in print resolve to their official names; both are kept.
    names = {line.code: (line.printed_name, line.name) for line in stored if line.code}
    assert names["208"] == ("社会保障和就", "社会保障和就业支出")
    assert names["2080505"] == ("机关事业", "机关事业单位基本养老保险缴费支出")
    assert names["2150502"] == ("一般行政", "一般行政管理事务")
    assert {line.code: line.level.value for line in stored if line.level}["2150517"] == "ITEM"


async def test_table_6_lands_exactly(database: Database) -> None:
    loaded = await ingest(database)
    stored = await lines(database, BudgetTable.GENERAL_BASIC_ECONOMIC, loaded.disclosure_id)
    read = [(line.code or line.label or "", line.printed_name, wan(line.total)) for line in stored]
    assert read == seed.TABLE_6
    assert {line.code: line.name for line in stored if line.code}["30213"] == "维修（护）费"


@pytest.mark.parametrize(
    ("table", "rows"),
    [
        (BudgetTable.INCOME_EXPENDITURE_SUMMARY, seed.TABLE_1),
        (BudgetTable.FISCAL_SUMMARY, seed.TABLE_4),
    ],
)
async def test_summary_tables_land_exactly(
    database: Database, table: BudgetTable, rows: list
) -> None:  # type: ignore[type-arg]
    loaded = await ingest(database)
    stored = await lines(database, table, loaded.disclosure_id)
    expected = [
        (side, cell[0], cell[1])
        for income, expenditure in rows
        for side, cell in (("INCOME", income), ("EXPENDITURE", expenditure))
        if cell is not None
    ]
    assert [(line.side.value, line.printed_name, wan(line.total)) for line in stored] == expected  # type: ignore[union-attr]


async def test_tables_7_and_8_land_exactly(database: Database) -> None:
    loaded = await ingest(database)
    async with database.session() as session:
        three = (
            await session.scalars(select(ThreePublicLine).order_by(ThreePublicLine.ordinal))
        ).all()
    assert [
        (t.item and t.item.value, t.printed_label, wan(t.amount)) for t in three
    ] == seed.TABLE_7
    fund = await lines(database, BudgetTable.FUND_FUNCTIONAL, loaded.disclosure_id)
    assert [(line.label, line.printed_name) for line in fund] == seed.TABLE_8
    assert all(getattr(line, c) == 0 for line in fund for c in seed.TABLE_8_COLUMNS)


async def test_projects_and_every_indicator_land(database: Database) -> None:
    await ingest(database)
    async with database.session() as session:
        projects = (
            await session.scalars(select(PerformanceProject).order_by(PerformanceProject.ordinal))
        ).all()
        stored = []
        for project in projects:
            indicators = (
                await session.scalars(
                    select(Indicator)
                    .where(Indicator.project_id == project.id)
                    .order_by(Indicator.ordinal)
                )
            ).all()
            stored.append(
                (
                    project.name,
                    wan(project.amount),
                    [
                        (
                            i.level1,
                            i.level2,
                            i.name,
                            i.value_text,
                            i.comparator and i.comparator.value,
                            i.value_number,
                            i.value_unit,
                        )
                        for i in indicators
                    ],
                )
            )
    assert stored == [
        (name, f"{amount}.00", indicators) for name, amount, _, indicators in seed.PROJECTS
    ]


async def test_findings_prose_glossary_and_administration_land(database: Database) -> None:
    loaded = await ingest(database)
    async with database.session() as session:
        findings = (await session.scalars(select(Finding).order_by(Finding.id))).all()
        region = (await session.scalars(select(Region))).one()
        department = (await session.scalars(select(Department))).one()
        unit = (await session.scalars(select(Unit))).one()
        disclosure = await session.get(Disclosure, loaded.disclosure_id)
    stored = [
        (
            f.rule,
            f.severity.value,
            f.table and f.table.value,
            f.code,
            f.column,
            wan(f.expected),
            wan(f.actual),
        )
        for f in findings
    ]
    assert stored == seed.FINDINGS
    assert [wan(f.difference) for f in findings[2:]] == ["-0.01"] * 8
    assert (region.name, region.code) == ("咸宁市", "421200")
    assert (department.code, department.name) == ("209", "咸宁市经济和信息化局")
    assert (unit.code, unit.name) == ("209001", "咸宁市经济和信息化局本级")
    assert disclosure is not None
    assert (disclosure.fiscal_year, disclosure.source_name, disclosure.source_format) == (
        2023,
        seed.SEED.name,
        SourceFormat.TEXT,
    )
    assert disclosure.source_sha256 == hashlib.sha256(seed.SEED.read_bytes()).hexdigest()
    assert await count(database, GlossaryEntry) == 14
    assert await count(database, NarrativeSection) == 34


async def test_the_same_bytes_twice_change_nothing(database: Database) -> None:
    first = await ingest(database)
    before = {
        e.__name__: await count(database, e) for e in (BudgetLine, Finding, Disclosure, Region)
    }
    again = await ingest(database)
    assert (again.status, again.disclosure_id, again.version) == (
        LoadStatus.UNCHANGED,
        first.disclosure_id,
        1,
    )
    assert {
        e.__name__: await count(database, e) for e in (BudgetLine, Finding, Disclosure, Region)
    } == before


async def test_a_corrected_document_supersedes_and_keeps_the_old_one(database: Database) -> None:
    first = await ingest(database)
    corrected = TEXT.replace("2150517\t产业发展\t2798.00", "2150517\t产业发展\t2799.00")
    second = await ingest(database, corrected)
    assert (second.status, second.version) == (LoadStatus.NEW_VERSION, 2)
    async with database.session() as session:
        old = await session.get(Disclosure, first.disclosure_id)
        new = await session.get(Disclosure, second.disclosure_id)
    assert old is not None
    assert new is not None
    assert (old.superseded_by_id, new.superseded_by_id) == (second.disclosure_id, None)
    old_lines = await lines(database, BudgetTable.GENERAL_FUNCTIONAL, first.disclosure_id)
    new_lines = await lines(database, BudgetTable.GENERAL_FUNCTIONAL, second.disclosure_id)
    assert [wan(line.total) for line in old_lines if line.code == "2150517"] == ["2798.00"]
    assert [wan(line.total) for line in new_lines if line.code == "2150517"] == ["2799.00"]
    assert await count(database, Department) == 1
    # The old bytes again are known: nothing changes, the correction stays current.
    assert (await ingest(database)).status is LoadStatus.UNCHANGED


async def test_a_failure_midway_leaves_the_store_as_it_was(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: object) -> None:
        raise OperationalError("INSERT INTO performance_project", {}, Exception("disk full"))

    monkeypatch.setattr(load_module, "_projects", broken)
    with pytest.raises(OperationalError):
        await ingest(database)
    for entity in (Region, Department, Unit, Disclosure, BudgetLine, Finding):
        assert await count(database, entity) == 0, entity.__name__
    monkeypatch.undo()
    first = await ingest(database)
    monkeypatch.setattr(load_module, "_projects", broken)
    with pytest.raises(OperationalError):
        await ingest(database, TEXT.replace("\t2798.00", "\t2799.00", 1))
    async with database.session() as session:
        versions = (await session.scalars(select(Disclosure))).all()
    assert [(d.id, d.version, d.superseded_by_id) for d in versions] == [
        (first.disclosure_id, 1, None)
    ]


async def test_unchanged_bytes_write_nothing_even_with_other_names(database: Database) -> None:
    await ingest(database)
    source = Source(
        seed.SEED.name, hashlib.sha256(TEXT.encode()).hexdigest(), SourceFormat.TEXT, TEXT
    )
    document = parse_document(source, Overrides(department_name="改过的名字"))
    async with database.transaction() as session:
        result = await load_document(session, document, [], CATALOG)
    assert result.status is LoadStatus.UNCHANGED
    async with database.session() as session:
        assert (await session.scalars(select(Department.name))).one() == "咸宁市经济和信息化局"


async def test_a_unit_budget_and_the_department_budget_are_versioned_apart(
    database: Database,
) -> None:
    department = await ingest(database)
    unit_text = TEXT.replace("部门预算", "单位预算")
    source = Source(
        "unit.txt", hashlib.sha256(unit_text.encode()).hexdigest(), SourceFormat.TEXT, unit_text
    )
    document = parse_document(source, Overrides())
    document.identity = dataclasses.replace(document.identity, scope=Scope.UNIT)
    async with database.transaction() as session:
        unit = await load_document(session, document, [], CATALOG)
    assert (department.status, unit.status) == (LoadStatus.NEW, LoadStatus.NEW)
    assert (department.version, unit.version) == (1, 1)
    async with database.session() as session:
        rows = (await session.scalars(select(Disclosure).order_by(Disclosure.id))).all()
        assert [(d.scope, d.superseded_by_id) for d in rows] == [
            (Scope.DEPARTMENT, None),
            (Scope.UNIT, None),
        ]
        # Rollups add up department budgets only: the unit's own is not counted twice.
        current = await session.scalar(
            select(func.count())
            .select_from(BudgetLine)
            .where(
                BudgetLine.disclosure_id == unit.disclosure_id, BudgetLine.current_year.is_not(None)
            )
        )
        assert current == 0
