"""`hub check` refuses what `hub ingest` would: every value against what both backends store."""

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from hub.app.ingest import check_files, ingest_files
from hub.catalog import Catalog
from hub.check import check_document
from hub.check.storable import MAX_AMOUNT_FEN, Length, storable_findings
from hub.domain import Severity
from hub.money import MAX_FEN
from hub.parse import Overrides, read_document
from hub.store import entities
from hub.store.engine import Database
from tests import seed

TEXT = seed.SEED.read_text(encoding="utf-8")
LINE_2150517 = next(i for i, line in enumerate(TEXT.split("\n"), 1) if line.startswith("2150517"))
TITLE_5 = "一般公共预算支出表（按功能科目到项级）"


def _with_2150517(tmp_path: Path, total: str, name: str = "huge.txt") -> Path:
    path = tmp_path / name
    path.write_text(TEXT.replace("\t2798.00\t", f"\t{total}\t", 1), encoding="utf-8")
    return path


async def _stored(database: Database) -> int:
    async with database.session() as session:
        count = await session.scalar(select(func.count()).select_from(entities.Disclosure))
    return int(count or 0)


def test_the_amount_bound_keeps_sums_of_thousands_within_a_bigint() -> None:
    assert MAX_AMOUNT_FEN == 10**15  # 10 万亿元
    assert 9_000 * MAX_AMOUNT_FEN <= MAX_FEN < 10_000 * MAX_AMOUNT_FEN


def test_an_amount_within_the_bound_is_storable(tmp_path: Path) -> None:
    document = read_document(_with_2150517(tmp_path, "1000000000.00"))
    assert [
        f for f in check_document(document, Catalog.shipped()) if f.rule == "store.amount"
    ] == []


def test_an_amount_past_the_bound_is_an_error_naming_its_line_and_value(tmp_path: Path) -> None:
    """4611686018427.50 万元 fits a BIGINT; two departments printing it overflow every rollup."""
    document = read_document(_with_2150517(tmp_path, "4611686018427.50"))
    [first, *_] = [
        f for f in check_document(document, Catalog.shipped()) if f.rule.startswith("store.")
    ]
    assert (first.rule, first.severity, first.line, first.code, first.column) == (
        "store.amount",
        Severity.ERROR,
        LINE_2150517,
        "2150517",
        "total",
    )
    assert first.message == (
        f"{TITLE_5}: 2150517 产业发展 4,611,686,018,427.50 万元 is beyond the largest figure the "
        "hub stores, 1,000,000,000.00 万元: not stored"
    )


async def test_check_and_ingest_refuse_an_amount_past_the_bound_alike(
    database: Database, tmp_path: Path
) -> None:
    path = _with_2150517(tmp_path, "1000000000.01")
    [checked] = check_files([path], Overrides(), Catalog.shipped())
    [ingested] = await ingest_files(database, [path], Overrides())
    assert checked.error is not None
    assert checked.error.startswith(
        f"{path}:{LINE_2150517}: {TITLE_5}: 2150517 产业发展 1,000,000,000.01 万元 is beyond the "
        "largest figure the hub stores"
    )
    assert ingested.error == checked.error
    assert await _stored(database) == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            Overrides(department_code="2" * 21),
            "the department code '222222222222222222222' has 21 characters; the store keeps 20: "
            "not stored",
        ),
        (
            Overrides(department_name="咸宁市" + "经" * 198),
            f"the department name '咸宁市{'经' * 37}…' has 201 characters; the store keeps 200: "
            "not stored",
        ),
        (
            Overrides(department_name="咸宁市经信\x00局"),
            "the department name '咸宁市经信\\x00局' holds a character no database keeps as "
            "written (a NUL, or half of a UTF-16 pair): not stored",
        ),
        (
            Overrides(fiscal_year=2**31, force=True),
            "the fiscal year 2,147,483,648 is beyond the largest whole number the store keeps "
            "there, 2,147,483,647: not stored",
        ),
    ],
    ids=["code too long", "name too long", "NUL", "year past an INTEGER"],
)
async def test_a_text_the_store_cannot_keep_is_refused_by_check_and_ingest_alike(
    database: Database, overrides: Overrides, message: str
) -> None:
    [checked] = check_files([seed.SEED], overrides, Catalog.shipped())
    [ingested] = await ingest_files(database, [seed.SEED], overrides)
    assert checked.error == f"{seed.SEED}: {message}"
    assert ingested.error == checked.error
    assert await _stored(database) == 0


async def test_a_text_as_long_as_its_column_loads_on_every_backend(database: Database) -> None:
    overrides = Overrides(department_code="2" * Length.DEPARTMENT_CODE)
    [checked] = check_files([seed.SEED], overrides, Catalog.shipped())
    [ingested] = await ingest_files(database, [seed.SEED], overrides)
    assert (checked.error, ingested.error) == (None, None)
    async with database.session() as session:
        codes = list(await session.scalars(select(entities.Department.code)))
    assert codes == ["2" * 20]


def test_a_finding_whose_figures_pass_a_bigint_is_refused() -> None:
    from hub.check.findings import Finding

    document = read_document(seed.SEED)
    wide = Finding("subtotal", Severity.ERROR, "a sum", expected=-MAX_FEN, actual=MAX_FEN)
    [refused] = storable_findings(document, [wide])
    assert refused.rule == "store.amount"
    assert refused.message.startswith(
        "a finding's figure (subtotal) 18,446,744,073,709.551614 万元"
    )


@pytest.mark.parametrize(
    ("entity", "column", "length"),
    [
        (entities.Department, "code", Length.DEPARTMENT_CODE),
        (entities.Department, "name", Length.DEPARTMENT_NAME),
        (entities.Unit, "code", Length.UNIT_CODE),
        (entities.Region, "code", Length.REGION_CODE),
        (entities.Region, "name", Length.REGION_NAME),
        (entities.Disclosure, "title", Length.TITLE),
        (entities.BudgetLine, "code", Length.SUBJECT_CODE),
        (entities.BudgetLine, "printed_code", Length.PRINTED_CODE),
        (entities.BudgetLine, "label", Length.LABEL),
        (entities.BudgetLine, "printed_name", Length.PRINTED_NAME),
        (entities.ThreePublicLine, "printed_label", Length.THREE_PUBLIC_LABEL),
        (entities.PerformanceProject, "name", Length.PROJECT_NAME),
        (entities.Indicator, "value_text", Length.INDICATOR_VALUE),
        (entities.GlossaryEntry, "term", Length.GLOSSARY_TERM),
        (entities.Finding, "code", Length.FINDING_CODE),
    ],
)
def test_the_store_sizes_its_columns_from_the_same_limits(
    entity: Any, column: str, length: int
) -> None:
    assert entity.__table__.c[column].type.length == length
