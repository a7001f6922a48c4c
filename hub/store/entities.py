"""The relational model of disclosures and classification trees (SQLModel tables).

Money columns hold integers of fen (分) in BIGINT; a NULL amount is a blank cell, which is not
the same as a printed 0.00. Text columns take their lengths from :class:`hub.check.storable.Length`,
the limits a document is checked against before it is loaded: SQLite would keep a longer text where
PostgreSQL refuses it, and the hub answers alike on both.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, col

from hub.check.storable import Length
from hub.domain import (
    MEASURES,
    AuditAction,
    BudgetTable,
    ChangeKind,
    Comparator,
    Level,
    LineKind,
    Measure,
    Scheme,
    Scope,
    Severity,
    Side,
    SourceFormat,
    TargetKind,
    ThreePublicItem,
)

__all__ = [
    "MONEY_COLUMNS",
    "ApiToken",
    "AuditEntry",
    "BudgetLine",
    "CatalogEntry",
    "Change",
    "DataVersion",
    "Department",
    "Disclosure",
    "Finding",
    "GlossaryEntry",
    "Indicator",
    "NarrativeSection",
    "PerformanceProject",
    "Region",
    "ThreePublicLine",
    "Unit",
    "is_current",
]

# Stable constraint names, so that migrations can name what they alter on every backend.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _enum(enum: type[Enum]) -> Any:
    # Stored as VARCHAR: no native ENUM types to migrate on PostgreSQL.
    return sa.Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
    )


def _money() -> Any:
    return Field(default=None, sa_type=sa.BigInteger)


def _parent(table: str) -> Any:
    return Field(foreign_key=f"{table}.id", ondelete="CASCADE", index=True)


class CatalogEntry(SQLModel, table=True):
    """A node of a classification tree (科目) for the fiscal years it is valid for."""

    __tablename__ = "catalog_entry"
    __table_args__ = (sa.UniqueConstraint("scheme", "code", "valid_from"),)

    id: int | None = Field(default=None, primary_key=True)
    scheme: Scheme = Field(sa_type=_enum(Scheme))
    code: str = Field(max_length=Length.SUBJECT_CODE, index=True)
    name: str = Field(max_length=Length.CATALOG_NAME)
    level: Level = Field(sa_type=_enum(Level))
    parent_code: str | None = Field(default=None, max_length=Length.SUBJECT_CODE)
    valid_from: int
    valid_to: int | None = None
    source: str = Field(max_length=Length.CATALOG_SOURCE)


class DataVersion(SQLModel, table=True):
    """A counter that every change to the stored data moves on, in the same transaction.

    Anything derived from the data (a response cache) is exact when keyed by it.
    """

    __tablename__ = "data_version"

    id: int = Field(default=1, primary_key=True)
    version: int = Field(default=0, sa_type=sa.BigInteger)


class Region(SQLModel, table=True):
    """A region with its administrative division code (咸宁市 421200)."""

    __tablename__ = "region"

    id: int | None = Field(default=None, primary_key=True)
    code: str | None = Field(default=None, max_length=Length.REGION_CODE, unique=True)
    name: str = Field(max_length=Length.REGION_NAME)


class Department(SQLModel, table=True):
    """A department of a region (部门), e.g. 209 咸宁市经济和信息化局."""

    __tablename__ = "department"
    __table_args__ = (sa.UniqueConstraint("region_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = _parent("region")
    code: str | None = Field(default=None, max_length=Length.DEPARTMENT_CODE)
    name: str = Field(max_length=Length.DEPARTMENT_NAME, index=True)


class Unit(SQLModel, table=True):
    """A budget unit of a department (预算单位), e.g. 209001 …本级."""

    __tablename__ = "unit"
    __table_args__ = (sa.UniqueConstraint("department_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = _parent("department")
    code: str | None = Field(default=None, max_length=Length.UNIT_CODE)
    name: str = Field(max_length=Length.UNIT_NAME)


class Disclosure(SQLModel, table=True):
    """One published budget document of one department for one fiscal year.

    A corrected re-publication is a new version; the one it replaces keeps its rows and points
    at its successor through ``superseded_by_id``, so the current version is the one with none.
    """

    __tablename__ = "disclosure"
    __table_args__ = (
        sa.UniqueConstraint("department_id", "fiscal_year", "scope", "version"),
        sa.Index("ix_disclosure_current", "fiscal_year", "superseded_by_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = _parent("department")
    fiscal_year: int
    scope: Scope = Field(
        default=Scope.DEPARTMENT,
        sa_type=_enum(Scope),
        sa_column_kwargs={"server_default": "DEPARTMENT"},
    )
    """A department's budget and a unit's own are versioned apart: neither supersedes the other."""
    version: int = 1
    title: str = Field(max_length=Length.TITLE)
    source_name: str = Field(max_length=Length.SOURCE_NAME)
    source_sha256: str = Field(max_length=Length.SHA256, index=True)
    source_format: SourceFormat = Field(sa_type=_enum(SourceFormat))
    source_pages: int | None = None
    ingested_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    superseded_by_id: int | None = Field(
        default=None, foreign_key="disclosure.id", ondelete="SET NULL"
    )
    withdrawn_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    """When the version was withdrawn (撤回); a withdrawn version is kept but never current."""
    withdrawn_by: str | None = Field(default=None, max_length=Length.ACTOR)
    withdrawal_reason: str | None = Field(default=None, max_length=Length.REASON)

    @property
    def current(self) -> bool:
        """Whether this is its line's current version (as :func:`is_current` selects)."""
        return self.superseded_by_id is None and self.withdrawn_at is None


def is_current() -> Any:
    """The one definition of a current version: superseded by none, and not withdrawn."""
    return sa.and_(
        col(Disclosure.superseded_by_id).is_(None), col(Disclosure.withdrawn_at).is_(None)
    )


class Change(SQLModel, table=True):
    """An entry of the change feed: a version loaded, superseded, withdrawn or made current
    again. Entries are numbered in the order their transactions commit (see
    :func:`hub.store.versions.record_changes`), so a client polling from the last one it saw
    misses none and sees none twice."""

    __tablename__ = "change"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    kind: ChangeKind = Field(sa_type=_enum(ChangeKind))
    disclosure_id: int = _parent("disclosure")
    actor: str = Field(max_length=Length.ACTOR)


class AuditEntry(SQLModel, table=True):
    """Who loaded or withdrew what, when, and what came of it; tokens made and revoked."""

    __tablename__ = "audit_entry"
    __table_args__ = (sa.Index("ix_audit_entry_actor_at", "actor", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=sa.DateTime(timezone=True), index=True)
    actor: str = Field(max_length=Length.ACTOR)
    action: AuditAction = Field(sa_type=_enum(AuditAction))
    source_name: str | None = Field(default=None, max_length=Length.SOURCE_NAME)
    source_sha256: str | None = Field(default=None, max_length=Length.SHA256)
    result: str = Field(max_length=32)
    """new, new version, unchanged, withdrawn, restored, failed; or done for other actions."""
    disclosure_id: int | None = Field(
        default=None, foreign_key="disclosure.id", ondelete="SET NULL"
    )
    version: int | None = None
    detail: str | None = Field(default=None, max_length=Length.REASON)


class ApiToken(SQLModel, table=True):
    """A token that may load and withdraw over HTTP. Only its SHA-256 is kept: the token is
    shown once, when made."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=Length.ACTOR, unique=True)
    secret_sha256: str = Field(max_length=Length.SHA256, unique=True)
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))


class BudgetLine(SQLModel, table=True):
    """A row of a budget table with each column's amount as printed."""

    __tablename__ = "budget_line"
    __table_args__ = (
        sa.UniqueConstraint("disclosure_id", "table", "ordinal"),
        sa.Index("ix_budget_line_subject", "scheme", "code"),
        # Covers a rollup: one index range per (table, year, subtree), no table rows read.
        sa.Index(
            "ix_budget_line_rollup", "table", "current_year", "code", "total", "disclosure_id"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = _parent("disclosure")
    table: BudgetTable = Field(sa_type=_enum(BudgetTable))
    ordinal: int
    """Position of the row within its table, from 1."""
    kind: LineKind = Field(sa_type=_enum(LineKind))
    side: Side | None = Field(default=None, sa_type=_enum(Side))
    scheme: Scheme | None = Field(default=None, sa_type=_enum(Scheme))
    code: str | None = Field(default=None, max_length=Length.SUBJECT_CODE)
    """The classification code of a SUBJECT row."""
    printed_code: str | None = Field(default=None, max_length=Length.PRINTED_CODE)
    """The code as printed where it differs from ``code`` (201 05 07, 301 2)."""
    level: Level | None = Field(default=None, sa_type=_enum(Level))
    label: str | None = Field(default=None, max_length=Length.LABEL)
    """The printed code of a DEPARTMENT or UNIT row."""
    item: str | None = Field(default=None, max_length=Length.ITEM)
    """A stable key for an ITEM row of a summary table (general_public_budget, …)."""
    printed_name: str = Field(max_length=Length.PRINTED_NAME)
    """The name or label as printed, often cut short by the PDF's column width."""
    name: str | None = Field(default=None, max_length=Length.CATALOG_NAME)
    """The official name of a SUBJECT row's code in the catalog, for the disclosure's year."""
    source_line: int | None = None
    current_year: int | None = None
    """The disclosure's fiscal year while it is the current version; null once superseded."""
    total: int | None = _money()
    basic: int | None = _money()
    personnel: int | None = _money()
    operating: int | None = _money()
    project: int | None = _money()
    project_regular: int | None = _money()
    project_one_off: int | None = _money()
    project_multi_year: int | None = _money()
    contingency: int | None = _money()
    business: int | None = _money()
    subsidiary: int | None = _money()
    remit: int | None = _money()
    fiscal_grant: int | None = _money()
    institution_income: int | None = _money()
    institution_business_income: int | None = _money()
    other_income: int | None = _money()
    general_budget: int | None = _money()
    government_fund: int | None = _money()
    state_capital: int | None = _money()

    def amount(self, measure: Measure) -> int | None:
        value: int | None = getattr(self, measure.value)
        return value

    def amounts(self) -> dict[Measure, int | None]:
        """Every column, by measure."""
        return {m: getattr(self, column) for m, column in MEASURES}


MONEY_COLUMNS: tuple[str, ...] = tuple(m.value for m in Measure)
"""The BudgetLine columns that hold amounts, one per :class:`Measure`."""


class ThreePublicLine(SQLModel, table=True):
    """A line of the “三公” table (因公出国（境）, 公务接待, 公务用车)."""

    __tablename__ = "three_public_line"
    __table_args__ = (sa.UniqueConstraint("disclosure_id", "ordinal"),)

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = _parent("disclosure")
    ordinal: int
    item: ThreePublicItem | None = Field(default=None, sa_type=_enum(ThreePublicItem))
    printed_label: str = Field(max_length=Length.THREE_PUBLIC_LABEL)
    amount: int | None = _money()
    source_line: int | None = None
    breakdown: str | None = Field(default=None, max_length=Length.BREAKDOWN)
    """The unit or year of a row beside the department's own (杭州市气象服务中心, 2025年)."""


class PerformanceProject(SQLModel, table=True):
    """A project with performance targets (项目绩效目标表)."""

    __tablename__ = "performance_project"
    __table_args__ = (sa.UniqueConstraint("disclosure_id", "ordinal"),)

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = _parent("disclosure")
    ordinal: int
    name: str = Field(max_length=Length.PROJECT_NAME)
    kind: TargetKind = Field(
        default=TargetKind.PROJECT,
        sa_type=_enum(TargetKind),
        sa_column_kwargs={"server_default": "PROJECT"},
    )
    """A project's targets, or the department's (or a unit's) as a whole."""
    amount: int | None = _money()
    annual_target: str | None = Field(default=None, sa_type=sa.Text)
    source_line: int | None = None


class Indicator(SQLModel, table=True):
    """A performance indicator: 一级指标 / 二级指标 / 指标名称 / 指标值."""

    __tablename__ = "indicator"
    __table_args__ = (sa.UniqueConstraint("project_id", "ordinal"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = _parent("performance_project")
    ordinal: int
    level1: str = Field(max_length=Length.INDICATOR_LEVEL)
    level2: str = Field(max_length=Length.INDICATOR_LEVEL)
    name: str = Field(max_length=Length.INDICATOR_NAME)
    value_text: str = Field(max_length=Length.INDICATOR_VALUE)
    """The target as printed: ≥10 个, 100%, 4000 元/个, 连续覆盖."""
    comparator: Comparator | None = Field(default=None, sa_type=_enum(Comparator))
    value_number: str | None = Field(default=None, max_length=Length.INDICATOR_NUMBER)
    """The number of the target as exact decimal text (not a float)."""
    value_unit: str | None = Field(default=None, max_length=Length.INDICATOR_UNIT)
    source_line: int | None = None


class NarrativeSection(SQLModel, table=True):
    """A section of the document's prose, under its path of headings."""

    __tablename__ = "narrative_section"
    __table_args__ = (sa.UniqueConstraint("disclosure_id", "ordinal"),)

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = _parent("disclosure")
    ordinal: int
    heading_path: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    text: str = Field(sa_type=sa.Text)
    source_line: int | None = None


class GlossaryEntry(SQLModel, table=True):
    """A term of the glossary (名词解释)."""

    __tablename__ = "glossary_entry"
    __table_args__ = (sa.UniqueConstraint("disclosure_id", "ordinal"),)

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = _parent("disclosure")
    ordinal: int
    term: str = Field(max_length=Length.GLOSSARY_TERM)
    definition: str = Field(sa_type=sa.Text)
    source_line: int | None = None


class Finding(SQLModel, table=True):
    """What reconciliation found: a stated figure against what it should be."""

    __tablename__ = "finding"

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = _parent("disclosure")
    rule: str = Field(max_length=Length.FINDING_RULE)
    severity: Severity = Field(sa_type=_enum(Severity))
    table: BudgetTable | None = Field(default=None, sa_type=_enum(BudgetTable))
    code: str | None = Field(default=None, max_length=Length.FINDING_CODE)
    column: str | None = Field(default=None, max_length=Length.FINDING_COLUMN)
    expected: int | None = _money()
    actual: int | None = _money()
    difference: int | None = _money()
    message: str = Field(sa_type=sa.Text)
    source_line: int | None = None
