"""A disclosure (预算公开) and what it holds: trees, summary tables, “三公”, prose, findings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

import strawberry

from hub import domain
from hub.api.context import Context
from hub.api.ids import encode_id
from hub.api.types.administration import Department
from hub.api.types.common import (
    Amounts,
    BudgetTable,
    Comparator,
    Info,
    Level,
    Node,
    Scope,
    Severity,
    Side,
    TargetKind,
    ThreePublicItem,
    part_id,
    utc,
    wan,
)
from hub.query.model import NODE_BYTES
from hub.query.trees import TreeNode, build_tree, walk
from hub.store import entities

__all__ = ["BudgetNode", "Disclosure", "Withdrawal", "disclosure_tree"]


@strawberry.type(
    description="科目节点 A node of a disclosure's classification tree (类, 款 or 项)."
)
class BudgetNode(Node):
    """Filled once per node (:meth:`of`): its plain fields are read as attributes, and only
    the amounts and the children are resolved, where there is work to do."""

    tree: strawberry.Private[TreeNode]
    id: strawberry.ID = strawberry.field(description="全局标识 Global id.")
    code: str = strawberry.field(description="科目编码 Classification code: 215, 21505, 2150517.")
    name: str = strawberry.field(
        description="科目名称 Official full name in the catalog for the year; the printed name "
        "where the catalog lacks the code."
    )
    printed_name: str = strawberry.field(
        description="印刷名称 The name as printed, often cut short by the PDF."
    )
    printed_code: str | None = strawberry.field(
        description="印刷编码 The code as printed where it differs from `code` (201 05 07, 301 2)."
    )
    level: Level = strawberry.field(description="级次 Level: 类 CLASS, 款 SECTION, 项 ITEM.")
    source_line: int | None = strawberry.field(
        description="原文位置 Where in the source: the line of a text file, the page of a PDF."
    )

    @classmethod
    def of(cls, tree: TreeNode) -> BudgetNode:
        """The node of ``tree``, made once per tree node: the trees are kept per data version,
        and so are the nodes and amounts the API makes of them (they are never changed)."""
        return _view(tree, "node", lambda: cls._make(tree))

    @classmethod
    def _make(cls, tree: TreeNode) -> BudgetNode:
        line = tree.line
        assert line.level is not None
        if line.id is None:  # a 类 or 款 the table does not print: known by its code
            key = encode_id("BudgetNode", line.disclosure_id, line.table.value, line.code)
        else:
            key = encode_id("BudgetNode", line.id)
        return cls(
            tree=tree,
            id=strawberry.ID(key),
            code=line.code or "",
            name=line.name or line.printed_name,
            printed_name=line.printed_name,
            printed_code=line.printed_code,
            level=line.level,
            source_line=line.source_line,
        )

    @strawberry.field(description="所印金额 What the document states for this row.")
    def stated(self) -> Amounts:
        return _view(self.tree, "stated", lambda: Amounts.of(self.tree.stated, self.id, "stated"))

    @strawberry.field(description="计算金额 The sum of the node's leaves (a leaf's own amounts).")
    def computed(self) -> Amounts:
        tree = self.tree
        return _view(tree, "computed", lambda: Amounts.of(tree.computed, self.id, "computed"))

    @strawberry.field(description="下级 The nodes one level down, in printed order.")
    def children(self) -> list[BudgetNode]:
        tree = self.tree
        return _view(tree, "children", lambda: [BudgetNode.of(c) for c in tree.children])


V = TypeVar("V")


def _view(tree: TreeNode, name: str, make: Callable[[], V]) -> V:
    """What the API made of ``tree`` under ``name``, made now if not yet."""
    if name not in tree.views:
        tree.views[name] = make()
    return tree.views[name]  # type: ignore[return-value]


@strawberry.type(
    description="收支项目 A labelled line of table 1 (部门收支总表) or 4 (财政拨款收支总表)."
)
class SummaryLine(Node):
    line: strawberry.Private[entities.BudgetLine]

    @strawberry.field(description="全局标识 Global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("SummaryLine", self.line.id))

    @strawberry.field(description="收支 Income or expenditure side.")
    def side(self) -> Side | None:
        return self.line.side

    @strawberry.field(description="项目 The label as printed, e.g. 一、一般公共预算拨款.")
    def label(self) -> str:
        return self.line.printed_name

    @strawberry.field(
        description="项目键 A stable key for the line (general_public_budget, basic, grand_total, "
        "…); null for lines without one."
    )
    def item(self) -> str | None:
        return self.line.item

    @strawberry.field(description="预算数 The amount in 万元; null where blank.")
    def amount(self) -> Decimal | None:
        return wan(self.line.total)

    @strawberry.field(
        description="功能分类 The 类 code of an expenditure line that names one "
        "(一、一般公共服务支出 → 201)."
    )
    def code(self) -> str | None:
        return self.line.code

    @strawberry.field(
        description="各列金额 Every column of the line (财政拨款收支预算总表 splits its "
        "expenditure into 一般公共预算, 政府性基金预算 and 国有资本经营预算)."
    )
    def amounts(self) -> Amounts:
        return Amounts.of(self.line.amounts(), self.id(), "amounts")


async def disclosure_tree(
    info: Info[Context, None], disclosure_id: int, table: domain.BudgetTable, year: int
) -> list[TreeNode]:
    """A disclosure's table as a tree; a 类 or 款 it does not print is named from the catalog.
    Built once per data version (the read model), its computed amounts with it."""

    async def build() -> list[TreeNode]:
        roots = build_tree(await info.context.lines.load((disclosure_id, table)))
        unprinted = [node.line for node in walk(roots) if node.line.id is None]
        if unprinted:
            catalog = await info.context.reader.catalog()
            for line in unprinted:
                if line.scheme is not None and line.code is not None:
                    line.name = catalog.name(line.scheme, line.code, year)
        return roots

    return await info.context.reader.reads.kept(
        ("tree", disclosure_id, table, year), build, lambda roots: NODE_BYTES * len(walk(roots))
    )


@strawberry.type(description="“三公”经费 The “three public” expenses of table 7, in 万元.")
class ThreePublic(Node):
    lines: strawberry.Private[list[entities.ThreePublicLine]]
    owner: strawberry.Private[str]

    @strawberry.field(description="全局标识 Global id.")
    def id(self) -> strawberry.ID:
        return part_id(self.owner, "threePublic")

    def _amount(self, item: domain.ThreePublicItem) -> Decimal | None:
        """The department's own figure; rows by unit or by year are in ``linesAsPrinted``."""
        return next(
            (wan(line.amount) for line in self.lines if line.item is item and not line.breakdown),
            None,
        )

    @strawberry.field(description="合计 Total.")
    def total(self) -> Decimal | None:
        return self._amount(domain.ThreePublicItem.TOTAL)

    @strawberry.field(description="因公出国（境）费用 Official travel abroad.")
    def overseas(self) -> Decimal | None:
        return self._amount(domain.ThreePublicItem.OVERSEAS)

    @strawberry.field(description="公务接待费 Official reception.")
    def reception(self) -> Decimal | None:
        return self._amount(domain.ThreePublicItem.RECEPTION)

    @strawberry.field(description="公车购置及运行维护费 Official vehicles, purchase and operation.")
    def vehicles(self) -> Decimal | None:
        return self._amount(domain.ThreePublicItem.VEHICLES)

    @strawberry.field(description="公务用车购置 Purchase of official vehicles.")
    def vehicle_purchase(self) -> Decimal | None:
        return self._amount(domain.ThreePublicItem.VEHICLE_PURCHASE)

    @strawberry.field(description="公务用车运行维护费 Operation of official vehicles.")
    def vehicle_operation(self) -> Decimal | None:
        return self._amount(domain.ThreePublicItem.VEHICLE_OPERATION)

    @strawberry.field(
        description="机关运行经费 Office operation costs, where the table prints them beside "
        "the “三公” figures."
    )
    def office_operation(self) -> Decimal | None:
        return self._amount(domain.ThreePublicItem.OFFICE_OPERATION)

    @strawberry.field(description="原表各行 Each line as printed.")
    def lines_as_printed(self) -> list[ThreePublicLine]:
        return [ThreePublicLine(row=line) for line in self.lines]


@strawberry.type(description="“三公”经费行 A line of table 7 as printed.")
class ThreePublicLine(Node):
    row: strawberry.Private[entities.ThreePublicLine]

    @strawberry.field(description="全局标识 Global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("ThreePublicLine", self.row.id))

    @strawberry.field(description="项目 Which line this is, where recognised.")
    def item(self) -> ThreePublicItem | None:
        return self.row.item

    @strawberry.field(description="印刷标签 The label as printed.")
    def label(self) -> str:
        return self.row.printed_label

    @strawberry.field(description="预算数 Amount in 万元.")
    def amount(self) -> Decimal | None:
        return wan(self.row.amount)

    @strawberry.field(
        description="分项 The unit or year of a row printed beside the department's own "
        "(杭州市气象服务中心, 2025年); null for the department's figures."
    )
    def breakdown(self) -> str | None:
        return self.row.breakdown


@strawberry.type(
    description="绩效指标 A performance indicator: 一级指标 / 二级指标 / 指标名称 / 指标值."
)
class Indicator(Node):
    row: strawberry.Private[entities.Indicator]

    @strawberry.field(description="全局标识 Global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("Indicator", self.row.id))

    @strawberry.field(description="一级指标 First-level category, e.g. 产出指标.")
    def level1(self) -> str:
        return self.row.level1

    @strawberry.field(description="二级指标 Second-level category, e.g. 数量指标.")
    def level2(self) -> str:
        return self.row.level2

    @strawberry.field(description="指标名称 Indicator name.")
    def name(self) -> str:
        return self.row.name

    @strawberry.field(description="指标值 Target as printed: ≥10 个, 100%, 连续覆盖.")
    def value(self) -> str:
        return self.row.value_text

    @strawberry.field(description="比较 The comparison the target states, if any.")
    def comparator(self) -> Comparator | None:
        return self.row.comparator

    @strawberry.field(description="数值 The target's number, exact, if it has one.")
    def number(self) -> Decimal | None:
        return None if self.row.value_number is None else Decimal(self.row.value_number)

    @strawberry.field(description="单位 The target's unit, e.g. 个, %, 元/个.")
    def unit(self) -> str | None:
        return self.row.value_unit


@strawberry.type(description="绩效项目 A project with performance targets (项目绩效目标表).")
class Project(Node):
    row: strawberry.Private[entities.PerformanceProject]

    @strawberry.field(description="全局标识 Global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("Project", self.row.id))

    @strawberry.field(description="项目名称 Project name; for overall targets, whose they are.")
    def name(self) -> str:
        return self.row.name

    @strawberry.field(
        description="类型 A project's targets (项目支出绩效目标), or (部门整体支出绩效目标) the "
        "department's or a unit's spending as a whole."
    )
    def kind(self) -> TargetKind:
        return self.row.kind

    @strawberry.field(
        description="预算金额 The project's budget in 万元, as its performance-target table "
        "(or, in the text layout, the narrative) states it."
    )
    def amount(self) -> Decimal | None:
        return wan(self.row.amount)

    @strawberry.field(description="年度目标 The annual target.")
    def annual_target(self) -> str | None:
        return self.row.annual_target

    @strawberry.field(description="绩效指标 Its indicators, in printed order.")
    async def indicators(self, info: Info[Context, None]) -> list[Indicator]:
        assert self.row.id is not None
        return [Indicator(row=row) for row in await info.context.indicators.load(self.row.id)]


@strawberry.type(description="说明 A section of the document's prose under its headings.")
class NarrativeSection(Node):
    row: strawberry.Private[entities.NarrativeSection]

    @strawberry.field(description="全局标识 Global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("NarrativeSection", self.row.id))

    @strawberry.field(description="标题路径 The headings above the text, outermost first.")
    def heading_path(self) -> list[str]:
        return list(self.row.heading_path)

    @strawberry.field(description="正文 The text, one paragraph per line.")
    def text(self) -> str:
        return self.row.text

    @strawberry.field(
        description="原文位置 Where in the source: the line of a text file, the page of a PDF."
    )
    def source_line(self) -> int | None:
        return self.row.source_line


@strawberry.type(description="名词解释 A term of the glossary.")
class GlossaryEntry(Node):
    row: strawberry.Private[entities.GlossaryEntry]

    @strawberry.field(description="全局标识 Global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("GlossaryEntry", self.row.id))

    @strawberry.field(description="名词 Term.")
    def term(self) -> str:
        return self.row.term

    @strawberry.field(description="解释 Definition.")
    def definition(self) -> str:
        return self.row.definition


@strawberry.type(
    description="核对发现 What reconciliation found: a stated figure against what it should be."
)
class Finding(Node):
    row: strawberry.Private[entities.Finding]

    @strawberry.field(description="全局标识 Global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("Finding", self.row.id))

    @strawberry.field(
        description="规则 Stable rule id: subtotal, t5_t6.personnel, table.missing, …"
    )
    def rule(self) -> str:
        return self.row.rule

    @strawberry.field(description="严重程度 Severity.")
    def severity(self) -> Severity:
        return self.row.severity

    @strawberry.field(description="表 The table concerned.")
    def table(self) -> BudgetTable | None:
        return self.row.table

    @strawberry.field(description="编码 The code concerned (a + joins several).")
    def code(self) -> str | None:
        return self.row.code

    @strawberry.field(description="列 The column concerned: total, basic, personnel, …")
    def column(self) -> str | None:
        return self.row.column

    @strawberry.field(description="应为 What the figure should be (万元).")
    def expected(self) -> Decimal | None:
        return wan(self.row.expected)

    @strawberry.field(description="实为 What the document states (万元).")
    def actual(self) -> Decimal | None:
        return wan(self.row.actual)

    @strawberry.field(description="差额 actual − expected (万元).")
    def difference(self) -> Decimal | None:
        return wan(self.row.difference)

    @strawberry.field(description="说明 What was found, in words.")
    def message(self) -> str:
        return self.row.message

    @strawberry.field(
        description="原文位置 Where in the source: the line of a text file, the page of a PDF."
    )
    def source_line(self) -> int | None:
        return self.row.source_line


@strawberry.type(description="来源 The file a disclosure was read from.")
class Source(Node):
    row: strawberry.Private[entities.Disclosure]

    @strawberry.field(description="全局标识 Global id.")
    def id(self) -> strawberry.ID:
        return part_id(encode_id("Disclosure", self.row.id), "source")

    @strawberry.field(description="文件名 File name.")
    def file_name(self) -> str:
        return self.row.source_name

    @strawberry.field(description="SHA-256 of the file's bytes.")
    def sha256(self) -> str:
        return self.row.source_sha256

    @strawberry.field(description="格式 TEXT or PDF.")
    def format(self) -> str:
        return self.row.source_format.value

    @strawberry.field(description="页数 The pages of a PDF; null for a text file.")
    def pages(self) -> int | None:
        return self.row.source_pages

    @strawberry.field(description="导入时间 When the hub read it.")
    def ingested_at(self) -> datetime:
        return utc(self.row.ingested_at)


@strawberry.type(
    description="撤回 Why and when a version was withdrawn: it is kept and can still be asked "
    "for by its `version`, but it is never current (unless restored, when it is no longer "
    "withdrawn)."
)
class Withdrawal(Node):
    row: strawberry.Private[entities.Disclosure]

    @strawberry.field(description="全局标识 Global id.")
    def id(self) -> strawberry.ID:
        return part_id(encode_id("Disclosure", self.row.id), "withdrawal")

    @strawberry.field(description="撤回时间 When it was withdrawn (UTC).")
    def at(self) -> datetime:
        assert self.row.withdrawn_at is not None
        return utc(self.row.withdrawn_at)

    @strawberry.field(
        description="撤回者 Who withdrew it: the name of the API token, or “cli” for the "
        "command line."
    )
    def by(self) -> str:
        return self.row.withdrawn_by or ""

    @strawberry.field(description="撤回原因 The reason given.")
    def reason(self) -> str:
        return self.row.withdrawal_reason or ""


@strawberry.type(description="预算公开 One department's budget document for one fiscal year.")
class Disclosure(Node):
    row: strawberry.Private[entities.Disclosure]

    @strawberry.field(description="全局标识 Global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(encode_id("Disclosure", self.row.id))

    @strawberry.field(description="年度 Fiscal year.")
    def year(self) -> int:
        return self.row.fiscal_year

    @strawberry.field(
        description="预算范围 A department's budget (部门预算) or one unit's own (单位预算): "
        "versioned apart, neither supersedes the other."
    )
    def scope(self) -> Scope:
        return self.row.scope

    @strawberry.field(description="版本 Version: a corrected re-publication is the next one.")
    def version(self) -> int:
        return self.row.version

    @strawberry.field(
        description="现行 Whether this is the current version: superseded by none and not "
        "withdrawn."
    )
    def is_current(self) -> bool:
        return self.row.current

    @strawberry.field(
        description="撤回 When, by whom and why this version was withdrawn; null unless it is."
    )
    def withdrawal(self) -> Withdrawal | None:
        return Withdrawal(row=self.row) if self.row.withdrawn_at is not None else None

    @strawberry.field(description="被取代 The version that replaced this one, if any.")
    async def superseded_by(self, info: Info[Context, None]) -> Disclosure | None:
        if self.row.superseded_by_id is None:
            return None
        row = await info.context.disclosures.load(self.row.superseded_by_id)
        return Disclosure(row=row) if row else None

    @strawberry.field(description="标题 The document's title.")
    def title(self) -> str:
        return self.row.title

    @strawberry.field(description="来源 The file it was read from.")
    def source(self) -> Source:
        return Source(row=self.row)

    @strawberry.field(description="部门 The department.")
    async def department(self, info: Info[Context, None]) -> Department:
        row = await info.context.departments.load(self.row.department_id)
        assert row is not None
        return Department(row=row)

    async def _lines(
        self, info: Info[Context, None], table: domain.BudgetTable
    ) -> list[entities.BudgetLine]:
        assert self.row.id is not None
        return await info.context.lines.load((self.row.id, table))

    async def _tree(self, info: Info[Context, None], table: domain.BudgetTable) -> list[BudgetNode]:
        assert self.row.id is not None
        roots = await disclosure_tree(info, self.row.id, table, self.row.fiscal_year)
        return [BudgetNode.of(root) for root in roots]

    @strawberry.field(
        description="预算表 The 类 nodes of any classified table the document prints "
        "(财政拨款支出表 by function, 一般公共预算支出表 by economic class, …), with their 款 "
        "and 项 below; empty where it prints no such table."
    )
    async def tree(self, info: Info[Context, None], table: BudgetTable) -> list[BudgetNode]:
        return await self._tree(info, table)

    @strawberry.field(
        description="功能分类 The 类 nodes of table 5, 一般公共预算支出表 by function, with their "
        "款 and 项 below."
    )
    async def functional(self, info: Info[Context, None]) -> list[BudgetNode]:
        return await self._tree(info, domain.BudgetTable.GENERAL_FUNCTIONAL)

    @strawberry.field(
        description="经济分类 The 类 nodes of table 6, 一般公共预算基本支出 by economic class."
    )
    async def economic(self, info: Info[Context, None]) -> list[BudgetNode]:
        return await self._tree(info, domain.BudgetTable.GENERAL_BASIC_ECONOMIC)

    @strawberry.field(description="政府性基金 The 类 nodes of table 8, 政府性基金预算支出表.")
    async def fund(self, info: Info[Context, None]) -> list[BudgetNode]:
        return await self._tree(info, domain.BudgetTable.FUND_FUNCTIONAL)

    @strawberry.field(
        description="国有资本经营 The 类 nodes of 国有资本经营预算支出功能分类预算表, "
        "where printed."
    )
    async def state_capital(self, info: Info[Context, None]) -> list[BudgetNode]:
        return await self._tree(info, domain.BudgetTable.STATE_CAPITAL_FUNCTIONAL)

    @strawberry.field(
        description="收入预算 The 类 nodes of 收入预算总表: income by function and by source "
        "(财政拨款收入, 事业收入, …), where printed."
    )
    async def income_by_function(self, info: Info[Context, None]) -> list[BudgetNode]:
        return await self._tree(info, domain.BudgetTable.INCOME_SUMMARY)

    @strawberry.field(
        description="支出预算 The 类 nodes of 支出预算总表: all expenditure by function, basic "
        "and project, where printed."
    )
    async def expenditure_by_function(self, info: Info[Context, None]) -> list[BudgetNode]:
        return await self._tree(info, domain.BudgetTable.EXPENDITURE_SUMMARY)

    async def _total(
        self, info: Info[Context, None], table: domain.BudgetTable, field: str
    ) -> Amounts | None:
        lines = await self._lines(info, table)
        for kind in (domain.LineKind.TOTAL, domain.LineKind.DEPARTMENT):
            row = next((line for line in lines if line.kind is kind), None)
            if row is not None:
                return Amounts.of(row.amounts(), self.id(), field)
        return None

    @strawberry.field(
        description="一般公共预算合计 Table 5's 合计 row, every column (the department row where "
        "the table prints no 合计)."
    )
    async def functional_total(self, info: Info[Context, None]) -> Amounts | None:
        return await self._total(info, domain.BudgetTable.GENERAL_FUNCTIONAL, "functionalTotal")

    @strawberry.field(
        description="基本支出合计 Table 6's 合计 row (the department row where it prints none)."
    )
    async def economic_total(self, info: Info[Context, None]) -> Amounts | None:
        return await self._total(info, domain.BudgetTable.GENERAL_BASIC_ECONOMIC, "economicTotal")

    @strawberry.field(description="政府性基金合计 Table 8's total (合计 or department row).")
    async def fund_total(self, info: Info[Context, None]) -> Amounts | None:
        return await self._total(info, domain.BudgetTable.FUND_FUNCTIONAL, "fundTotal")

    @strawberry.field(
        description="部门收支总表 Table 1, line by line, income side first in each row."
    )
    async def income_expenditure(self, info: Info[Context, None]) -> list[SummaryLine]:
        lines = await self._lines(info, domain.BudgetTable.INCOME_EXPENDITURE_SUMMARY)
        return [SummaryLine(line=line) for line in lines]

    @strawberry.field(description="财政拨款收支总表 Table 4, line by line.")
    async def fiscal_appropriations(self, info: Info[Context, None]) -> list[SummaryLine]:
        lines = await self._lines(info, domain.BudgetTable.FISCAL_SUMMARY)
        return [SummaryLine(line=line) for line in lines]

    @strawberry.field(description="“三公”经费 Table 7; null where the document has none.")
    async def three_public(self, info: Info[Context, None]) -> ThreePublic | None:
        assert self.row.id is not None
        lines = await info.context.three_public.load(self.row.id)
        return ThreePublic(lines=lines, owner=self.id()) if lines else None

    @strawberry.field(description="绩效项目 Projects with performance targets.")
    async def projects(self, info: Info[Context, None]) -> list[Project]:
        assert self.row.id is not None
        return [Project(row=row) for row in await info.context.projects.load(self.row.id)]

    @strawberry.field(description="说明 The document's prose, section by section.")
    async def sections(self, info: Info[Context, None]) -> list[NarrativeSection]:
        assert self.row.id is not None
        return [NarrativeSection(row=row) for row in await info.context.sections.load(self.row.id)]

    @strawberry.field(description="名词解释 The glossary.")
    async def glossary(self, info: Info[Context, None]) -> list[GlossaryEntry]:
        assert self.row.id is not None
        return [GlossaryEntry(row=row) for row in await info.context.glossary.load(self.row.id)]

    @strawberry.field(description="核对发现 Reconciliation findings; with `severity`, those only.")
    async def findings(
        self,
        info: Info[Context, None],
        severity: Severity | None = None,
    ) -> list[Finding]:
        assert self.row.id is not None
        rows = await info.context.findings.load(self.row.id)
        return [Finding(row=row) for row in rows if severity is None or row.severity is severity]
