"""The typed document model: what a parser reads out of one disclosure, before any database.

Amounts are integers of fen (分); ``None`` is a blank cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hub.domain import (
    BudgetTable,
    Comparator,
    Level,
    LineKind,
    Measure,
    Scheme,
    Scope,
    Side,
    SourceFormat,
    StatedFigure,
    TargetKind,
    ThreePublicItem,
    level_of,
)
from hub.money import AmountUnit

__all__ = [
    "Claim",
    "Content",
    "Document",
    "Draft",
    "GlossaryTerm",
    "Identity",
    "IndicatorRow",
    "Overrides",
    "Project",
    "Row",
    "Section",
    "Source",
    "Table",
    "ThreePublicRow",
    "ThreePublicTable",
    "UnitInfo",
    "UnreadTable",
]


@dataclass(frozen=True)
class Source:
    """The bytes of a document, decoded."""

    name: str
    sha256: str
    format: SourceFormat
    text: str
    """The decoded text of a TEXT source; empty for a PDF, which is read from ``data``."""
    data: bytes = b""
    """The bytes of a PDF source."""


@dataclass
class Row:
    """A row of a budget table."""

    line: int
    kind: LineKind
    printed_name: str
    amounts: dict[Measure, int | None]
    code: str | None = None
    """The classification code of a SUBJECT row; the printed code of a DEPARTMENT or UNIT row."""
    side: Side | None = None
    item: str | None = None
    """A stable key for an ITEM row of a summary table."""
    printed_code: str | None = None
    """The code as printed where it differs from ``code`` (``201 05 07``, ``301 2``)."""
    matched_by_name: bool = False
    """The printed code is not in the catalog; ``code`` is the catalog's for the printed name."""

    @property
    def level(self) -> Level | None:
        return level_of(self.code) if self.kind is LineKind.SUBJECT and self.code else None

    def amount(self, measure: Measure) -> int | None:
        return self.amounts.get(measure)


@dataclass
class Table:
    """A budget table as printed: its rows, in order, with their amounts in fen."""

    kind: BudgetTable
    title: str
    line: int
    unit: AmountUnit
    quantum: int
    """One unit of the last decimal place printed, in fen (0.01 万元 = 10,000 fen)."""
    measures: tuple[Measure, ...]
    rows: list[Row]
    scheme: Scheme | None = None
    declared_empty: bool = False
    """A note under the table says it is empty (本表为空表)."""

    def subjects(self) -> dict[str, Row]:
        return {r.code: r for r in self.rows if r.kind is LineKind.SUBJECT and r.code}

    def leaves(self, under: str = "") -> list[Row]:
        """The printed rows with no row beneath them in the tree (under ``under``): every one,
        a code printed twice (a row per unit, unlabelled) counted twice."""
        codes = self.subjects()
        parents = {code[:end] for code in codes for end in (3, 5) if end < len(code)}
        return [
            r
            for r in self.rows
            if r.kind is LineKind.SUBJECT
            and r.code
            and r.code not in parents
            and r.code.startswith(under)
        ]

    def node_amount(self, code: str, measure: Measure) -> int | None:
        """A node's amount: its stated row where the table prints one, else the sum of its
        leaves (a leaf-only table prints no 类 or 款 rows)."""
        row = self.subjects().get(code)
        if row is not None:
            return row.amount(measure)
        values = [leaf.amount(measure) for leaf in self.leaves(code)]
        return None if all(v is None for v in values) else sum(v or 0 for v in values)

    def first(self, kind: LineKind) -> Row | None:
        return next((r for r in self.rows if r.kind is kind), None)

    def item(self, side: Side, key: str) -> Row | None:
        return next((r for r in self.rows if r.side is side and r.item == key), None)


@dataclass
class ThreePublicRow:
    line: int
    item: ThreePublicItem | None
    printed_label: str
    amount: int | None
    breakdown: str | None = None
    """The unit or year of a row beside the department's own (None: the department's)."""


@dataclass
class ThreePublicTable:
    """The “三公” table (table 7)."""

    title: str
    line: int
    unit: AmountUnit
    quantum: int
    rows: list[ThreePublicRow]
    declared_empty: bool = False

    def amount(self, item: ThreePublicItem) -> int | None:
        """The department's figure for the budget year."""
        return next((r.amount for r in self.rows if r.item is item and r.breakdown is None), None)


@dataclass
class IndicatorRow:
    line: int
    level1: str
    level2: str
    name: str
    value_text: str
    comparator: Comparator | None
    number: str | None
    unit: str | None


@dataclass
class Project:
    line: int
    name: str
    amount: int | None
    annual_target: str | None
    indicators: list[IndicatorRow]
    kind: TargetKind = TargetKind.PROJECT
    """A project's targets, or (部门整体支出绩效目标) a department's or unit's as a whole."""


@dataclass(frozen=True)
class Claim:
    """A figure the narrative states: for a functional 项 (“A（类）B（款）C（项）”25.77万元) or
    one of the document's totals (收入预算15621.11万元)."""

    line: int
    figure: StatedFigure
    names: tuple[str, ...]
    """The 类, 款 and 项 names as printed, for a functional 项; empty for a total."""
    amount: int
    unit: AmountUnit
    quantum: int


@dataclass
class Section:
    line: int
    heading_path: list[str]
    text: str


@dataclass
class GlossaryTerm:
    line: int
    term: str
    definition: str


@dataclass(frozen=True)
class UnreadTable:
    """A table printed but not read, with why: one the hub has no model for (项目绩效目标表), or
    one it models whose figures could not be placed with certainty (``failed``)."""

    page: int
    title: str
    reason: str
    failed: bool = False


@dataclass(frozen=True)
class UnitInfo:
    code: str | None
    name: str


@dataclass(frozen=True)
class Identity:
    """Whose budget this is, for which year."""

    fiscal_year: int
    region_name: str
    department_name: str
    department_code: str | None
    region_code: str | None = None
    units: tuple[UnitInfo, ...] = ()
    scope: Scope = Scope.DEPARTMENT


@dataclass(frozen=True)
class Overrides:
    """What ``hub ingest`` options supply when the document lacks it or gets it wrong."""

    fiscal_year: int | None = None
    region_name: str | None = None
    region_code: str | None = None
    department_code: str | None = None
    department_name: str | None = None
    scope: Scope | None = None
    """部门预算 or 单位预算, where the document is taken for the other."""
    force: bool = False
    """Take the year and region code given even where they contradict the document or what
    the hub knows (``--force``); without it such an override is refused."""


@dataclass(kw_only=True)
class Content:
    """What a document says, whatever its layout: its tables, projects and prose."""

    title: str
    listed_tables: list[BudgetTable]
    """The tables the contents (目录) lists."""
    tables: dict[BudgetTable, Table]
    three_public: ThreePublicTable | None
    projects: list[Project] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    glossary: list[GlossaryTerm] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    administrative_only: bool | None = None
    """Whether every unit is 行政 or 参公 (None where the document does not say)."""
    unread_tables: list[UnreadTable] = field(default_factory=list)
    """Tables printed but not read: none of their figures is stored."""
    pages: int | None = None
    """The source file's pages, for a PDF (a text has none)."""


@dataclass(kw_only=True)
class Draft(Content):
    """What a layout reads, before whose budget it is is settled: one type for every layout
    (:class:`hub.parse.reader.Layout`)."""

    fiscal_year: int | None
    department_code: str | None = None
    department_name: str | None = None
    """As the document prints it (its cover, 部门名称：…, its department row)."""
    units: tuple[UnitInfo, ...] = ()
    scope: Scope = Scope.DEPARTMENT
    last_line: int | None = None
    """The line reading stopped at, for a text (where a missing table was looked for)."""


@dataclass(kw_only=True)
class Document(Content):
    """One disclosure, read."""

    source: Source
    identity: Identity
    narrative: Source | None = None
    """The disclosure's other file, where it is published as two: the cover and the prose."""
