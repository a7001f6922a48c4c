"""Entities round-trip exactly on both backends; blank stays NULL; subtrees are ranges."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from hub.domain import BudgetTable, Level, LineKind, Measure, Scheme, Severity, SourceFormat
from hub.money import AmountUnit, fen_to_wan, to_fen
from hub.store.catalog import in_subtree
from hub.store.engine import Database
from hub.store.entities import (
    BudgetLine,
    Department,
    Disclosure,
    Finding,
    Indicator,
    NarrativeSection,
    PerformanceProject,
    Region,
    Unit,
)


def wan(printed: str) -> int:
    return to_fen(Decimal(printed), AmountUnit.WAN_YUAN)


async def _disclosure(database: Database) -> int:
    async with database.transaction() as session:
        region = Region(code="421200", name="咸宁市")
        session.add(region)
        await session.flush()
        department = Department(region_id=region.id, code="209", name="咸宁市经济和信息化局")
        session.add(department)
        await session.flush()
        session.add(
            Unit(department_id=department.id, code="209001", name="咸宁市经济和信息化局本级")
        )
        disclosure = Disclosure(
            department_id=department.id,
            fiscal_year=2023,
            title="咸宁市经信局 2023 年部门预算公开",
            source_name="000_704427f805e11eeb.txt",
            source_sha256="0" * 64,
            source_format=SourceFormat.TEXT,
            ingested_at=datetime.now(UTC),
        )
        session.add(disclosure)
        await session.flush()
        assert disclosure.id is not None
        return disclosure.id


# Rows of the seed's table 5 (一般公共预算支出表) as printed: code, name, 合计, 人员经费, 项目支出.
SEED_ROWS = [
    ("215", "资源勘探工业", "3507.74", "535.86", "2824.00"),
    ("21505", "工业和信息", "3507.74", "535.86", "2824.00"),
    ("2150501", "行政运行", "683.74", "535.86", None),
    ("2150502", "一般行政", "26.00", None, "26.00"),
    ("2150517", "产业发展", "2798.00", None, "2798.00"),
    ("20899", "其他社会保", "0.31", "0.31", None),
    ("2089999", "其他社会", "0.31", "0.31", None),
    ("221", "住房保障支出", "82.03", "82.03", None),
]


async def test_budget_lines_round_trip_the_seeds_amounts_exactly(database: Database) -> None:
    disclosure_id = await _disclosure(database)
    async with database.transaction() as session:
        for ordinal, (code, name, total, personnel, project) in enumerate(SEED_ROWS, start=1):
            session.add(
                BudgetLine(
                    disclosure_id=disclosure_id,
                    table=BudgetTable.GENERAL_FUNCTIONAL,
                    ordinal=ordinal,
                    kind=LineKind.SUBJECT,
                    scheme=Scheme.FUNCTIONAL,
                    code=code,
                    printed_name=name,
                    source_line=ordinal + 150,
                    total=wan(total),
                    personnel=personnel and wan(personnel),
                    project=project and wan(project),
                )
            )
    async with database.session() as session:
        lines = (await session.scalars(select(BudgetLine).order_by(BudgetLine.ordinal))).all()
    read = [
        (
            line.code,
            line.printed_name,
            str(fen_to_wan(line.total or 0)),
            None if line.personnel is None else str(fen_to_wan(line.personnel)),
            None if line.project is None else str(fen_to_wan(line.project)),
        )
        for line in lines
    ]
    assert read == SEED_ROWS
    assert [line.amount(Measure.TOTAL) for line in lines[:2]] == [3_507_740_000, 3_507_740_000]
    # A blank cell is NULL, never 0: 2150502 has no 人员经费; 2150501 no 项目支出.
    assert lines[3].personnel is None
    assert lines[2].project is None
    assert lines[2].operating is None


async def test_the_smallest_seed_figure_survives(database: Database) -> None:
    disclosure_id = await _disclosure(database)
    async with database.transaction() as session:
        session.add(
            BudgetLine(
                disclosure_id=disclosure_id,
                table=BudgetTable.GENERAL_BASIC_ECONOMIC,
                ordinal=1,
                kind=LineKind.SUBJECT,
                scheme=Scheme.DEPARTMENTAL_ECONOMIC,
                code="30309",
                level=Level.SECTION,
                printed_name="奖励金",
                total=wan("0.04"),
            )
        )
    async with database.session() as session:
        line = (await session.scalars(select(BudgetLine))).one()
    assert (line.total, str(fen_to_wan(line.total))) == (40_000, "0.04")
    assert line.scheme is Scheme.DEPARTMENTAL_ECONOMIC
    assert line.level is Level.SECTION


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    amounts=st.lists(
        st.one_of(st.none(), st.integers(min_value=-(2**63), max_value=2**63 - 1)),
        min_size=len(Measure),
        max_size=len(Measure),
    )
)
async def test_every_money_column_holds_any_bigint_or_null(
    database: Database, amounts: list[int | None]
) -> None:
    disclosure_id = await _disclosure(database)
    values = dict(zip((m.value for m in Measure), amounts, strict=True))
    async with database.transaction() as session:
        session.add(
            BudgetLine(
                disclosure_id=disclosure_id,
                table=BudgetTable.FUND_FUNCTIONAL,
                ordinal=1,
                kind=LineKind.TOTAL,
                printed_name="合计",
                **values,
            )
        )
    async with database.transaction() as session:
        line = (await session.scalars(select(BudgetLine))).one()
        assert {m.value: line.amount(m) for m in Measure} == values
        for table in (BudgetLine, Disclosure, Unit, Department, Region):
            await session.execute(delete(table))


async def test_subtree_queries_are_code_ranges(database: Database) -> None:
    disclosure_id = await _disclosure(database)
    async with database.transaction() as session:
        for ordinal, (code, name, total, _, _) in enumerate(SEED_ROWS, start=1):
            session.add(
                BudgetLine(
                    disclosure_id=disclosure_id,
                    table=BudgetTable.GENERAL_FUNCTIONAL,
                    ordinal=ordinal,
                    kind=LineKind.SUBJECT,
                    scheme=Scheme.FUNCTIONAL,
                    code=code,
                    printed_name=name,
                    total=wan(total),
                )
            )
    async with database.session() as session:
        statement = select(BudgetLine.code).where(in_subtree(BudgetLine.code, "21505"))
        codes = (await session.scalars(statement.order_by(BudgetLine.code))).all()
    assert codes == ["21505", "2150501", "2150502", "2150517"]
    assert "LIKE" not in str(statement).upper()
    assert "BETWEEN" in str(statement).upper()


async def test_deleting_a_disclosure_removes_what_belongs_to_it(database: Database) -> None:
    disclosure_id = await _disclosure(database)
    async with database.transaction() as session:
        project = PerformanceProject(
            disclosure_id=disclosure_id,
            ordinal=1,
            name="5G 基站建设配套奖补资金",
            amount=wan("420"),
        )
        session.add(project)
        await session.flush()
        session.add(
            Indicator(
                project_id=project.id,
                ordinal=1,
                level1="产出指标",
                level2="数量指标",
                name="建设 5G 基站数量",
                value_text="1050 个",
                value_number="1050",
                value_unit="个",
            )
        )
        session.add(
            NarrativeSection(
                disclosure_id=disclosure_id,
                ordinal=1,
                heading_path=[
                    "第四部分 2023 年部门预算编制情况及说明",
                    "二、机关运行经费安排及增减变化情况说明",
                ],
                text="咸宁市经信局 2023 年机关运行经费预算 147.88 万元。",
            )
        )
        session.add(
            Finding(
                disclosure_id=disclosure_id,
                rule="subtotal",
                severity=Severity.ROUNDING,
                table=BudgetTable.GENERAL_FUNCTIONAL,
                code="210",
                column="total",
                expected=wan("67.18"),
                actual=wan("67.17"),
                difference=wan("-0.01"),
                message="210 states 67.17; its items sum to 67.18",
            )
        )
    async with database.transaction() as session:
        section = (await session.scalars(select(NarrativeSection))).one()
        assert section.heading_path[1] == "二、机关运行经费安排及增减变化情况说明"
        finding = (await session.scalars(select(Finding))).one()
        assert (finding.severity, finding.difference) == (Severity.ROUNDING, -10_000)
        await session.execute(delete(Disclosure))
    async with database.session() as session:
        for table in (Indicator, PerformanceProject, NarrativeSection, Finding):
            assert (await session.scalars(select(table))).all() == []


async def test_foreign_keys_are_enforced(database: Database) -> None:
    with pytest.raises(IntegrityError):
        async with database.transaction() as session:
            session.add(Unit(department_id=999_999, code="1", name="nobody's unit"))


async def test_a_version_is_unique_per_department_and_year(database: Database) -> None:
    disclosure_id = await _disclosure(database)
    async with database.session() as session:
        first = await session.get(Disclosure, disclosure_id)
        assert first is not None
    again = Disclosure(**{**first.model_dump(exclude={"id"}), "source_sha256": "1" * 64})
    with pytest.raises(IntegrityError):
        async with database.transaction() as session:
            session.add(again)
