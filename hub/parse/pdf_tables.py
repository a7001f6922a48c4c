"""One table of the nine-table PDF layout, read from its ruled fragments page by page.

Columns are mapped by their header text, never by their index, so a table that prints a column
more or less, or continues on the next page with or without its header, reads the same. Codes
print as spaced parts (``201 05 07``), sometimes without zero padding (``301 2`` is 30102).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hub.catalog import Catalog
from hub.domain import BudgetTable, LineKind, Measure, Scheme, Side, ThreePublicItem
from hub.money import AmountUnit
from hub.parse.cells import (
    AMOUNT,
    comparable,
    parse_amount,
    squeeze,
    summary_item,
    three_public_item,
    unit_of,
)
from hub.parse.codes import AmbiguousCode, ClassificationContext, split_fused
from hub.parse.errors import ParseError
from hub.parse.model import Row, Source, Table, ThreePublicRow, ThreePublicTable
from hub.parse.pdf import Cell, Grid
from hub.parse.vocabulary import column_measure, ignored_column, is_comparison

__all__ = ["ORDINAL", "PendingTable", "TableReader", "add_fragment"]

_SCHEMES = {
    BudgetTable.INCOME_SUMMARY: Scheme.FUNCTIONAL,
    BudgetTable.EXPENDITURE_SUMMARY: Scheme.FUNCTIONAL,
    BudgetTable.GENERAL_FUNCTIONAL: Scheme.FUNCTIONAL,
    BudgetTable.FUND_FUNCTIONAL: Scheme.FUNCTIONAL,
    BudgetTable.STATE_CAPITAL_FUNCTIONAL: Scheme.FUNCTIONAL,
    BudgetTable.FISCAL_FUNCTIONAL: Scheme.FUNCTIONAL,
    BudgetTable.GENERAL_BASIC_ECONOMIC: Scheme.DEPARTMENTAL_ECONOMIC,
    BudgetTable.GENERAL_ECONOMIC: Scheme.DEPARTMENTAL_ECONOMIC,
    BudgetTable.FISCAL_BASIC_ECONOMIC: Scheme.DEPARTMENTAL_ECONOMIC,
}
_BASIC_ONLY = {BudgetTable.GENERAL_BASIC_ECONOMIC, BudgetTable.FISCAL_BASIC_ECONOMIC}
_SCHEME_WORDS = {
    Scheme.FUNCTIONAL: "功能",
    Scheme.DEPARTMENTAL_ECONOMIC: "部门",
    Scheme.GOVERNMENTAL_ECONOMIC: "政府",
}
_TWO_SIDED = {BudgetTable.INCOME_EXPENDITURE_SUMMARY, BudgetTable.FISCAL_SUMMARY}

_TOTALS = {"合计", "总计"}
_CODE_PARTS = {"类": 0, "款": 1, "项": 2}
_CODE = re.compile(r"\d{3}(?:\s+\d{1,2}){0,2}|\d{5}|\d{7}")
_COLUMN_NUMBERS = re.compile(r"\*+|\d{1,2}|栏次|行次|[甲乙丙丁]")
"""A row that numbers the columns under the header (``* 1 2 3``, ``** ** 1 2``, 栏次)."""
_INDENT = 3
"""Points: names starting this close are at one level of indentation."""
ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+[.．、])\s*")


@dataclass(frozen=True)
class _Column:
    x0: float
    x1: float
    path: tuple[str, ...]
    """The header cells above the column, top down (功能分类科目编码 / 类)."""

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def header(self) -> str:
        return "/".join(self.path)


@dataclass
class PendingTable:
    """A table being read, fragment by fragment, page by page."""

    kind: BudgetTable
    title: str
    page: int
    unit: AmountUnit | None = None
    columns: list[_Column] = field(default_factory=list)
    rows: list[tuple[int, tuple[Cell, ...]]] = field(default_factory=list)
    declared_empty: bool = False
    unit_start: str | None = None
    """万 of a unit line split over two lines (单位：万 / 元), until the second comes."""
    failure: str | None = None
    """Why the table cannot be read, once that is known (its later fragments are passed by)."""
    ruled: bool = True
    """Every fragment found by its ruling lines (not by the positions of its words)."""


def column_numbers(row: tuple[Cell, ...]) -> bool:
    """A row that only numbers the columns (``* 1 2 3``, ``栏次``): neither header nor data."""
    texts = [comparable(cell.text) for cell in row if comparable(cell.text)]
    return len(texts) >= 2 and all(_COLUMN_NUMBERS.fullmatch(text) for text in texts)


def _is_data(row: tuple[Cell, ...], labelled: bool = True) -> bool:
    """A row of figures, not of headers: an amount or a code anywhere, or (in a table with
    row labels) a first cell that reads 合计 or starts with an ordinal (一、财政拨款收入)."""
    if column_numbers(row):
        return False
    texts = [comparable(c.text) for c in row if c.text.strip()]
    first = texts[0] if texts else ""
    if labelled and ORDINAL.match(first):
        return True
    if labelled and first in _TOTALS and all(AMOUNT.fullmatch(t) for t in texts[1:]):
        return True  # 合计 with its amounts, or blank in an empty table
    return any(
        AMOUNT.fullmatch(comparable(cell.text))
        or _CODE.fullmatch(cell.text.strip())
        or split_fused(cell.text) is not None
        for cell in row
    )


def _columns(grid: Grid, header_rows: int) -> list[_Column]:
    columns: list[_Column] = []
    for x0, x1 in grid.columns:
        center = (x0 + x1) / 2
        path: list[str] = []
        for row in grid.rows[:header_rows]:
            if column_numbers(row):
                continue
            for cell in row:
                text = _UNIT_PART.sub("", comparable(cell.text))
                if not text or _CAPTION.match(text):
                    continue  # 单位：万元, 部门名称：… printed in a header cell: not a column
                if cell.covers(center) and text and (not path or path[-1] != text):
                    path.append(text)
        columns.append(_Column(x0, x1, tuple(path)))
    return columns


def _covered(cell: Cell, columns: list[_Column]) -> list[_Column]:
    inside = [c for c in columns if cell.covers(c.center)]
    if inside:
        return inside
    middle = (cell.x0 + cell.x1) / 2
    return [min(columns, key=lambda c: abs(c.center - middle))]


_UNIT_PART = re.compile(r"[(（]?(?:金额)?单位[:：](?:万元|千元|元)[)）]?")
_CAPTION = re.compile(r"^(?:部门|单位|编制单位|部门名称|单位名称|预算单位|编制部门)[:：]")
_CODE_WORDS = ("编码", "代码", "科目编号")
_NAME_WORDS = ("名称", "项目", "科目", "单位", "类别", "用途", "年度")
_SKIPPED_WORDS = ("序号", "行次", "备注", "栏次")


def role(column: _Column, year: int | None = None) -> str:
    """code, name, skipped, comparison or amount, by the column's header."""
    last = column.path[-1] if column.path else ""
    if last in _CODE_PARTS or any(word in column.header for word in _CODE_WORDS):
        return "code"
    if any(word in last for word in _SKIPPED_WORDS):
        return "skipped"
    if is_comparison(column.path, year):
        return "comparison"
    if ignored_column(column.path):
        return "skipped"
    if not column.path or (
        any(word in last for word in _NAME_WORDS) and column_measure((last,)) is None
    ):
        return "name"
    return "amount"


class TableReader:
    """Turns a table's fragments into a :class:`Table` (or the “三公” table), one at a time."""

    def __init__(self, source: Source, catalog: Catalog, year: int | None = None) -> None:
        self.source, self.catalog, self.year = source, catalog, year
        self.decimals = 0
        """The most decimals printed in the table being read: its precision."""

    def error(self, page: int, message: str) -> ParseError:
        return ParseError(self.source.name, None, f"page {page}: {message}")

    def amount(self, pending: PendingTable, page: int, text: str, column: _Column) -> int | None:
        assert pending.unit is not None
        folded = comparable(text)
        if folded in {"-", "—", "--", "——", "/"}:  # printed for nothing
            return None
        try:
            fen, decimals = parse_amount(text, pending.unit)
        except ValueError as exc:
            raise self.error(page, f"{pending.title}, column {column.header}: {exc}") from None
        self.decimals = max(self.decimals, decimals)
        return fen

    def role(self, column: _Column) -> str:
        return role(column, self.year)

    def table(self, pending: PendingTable) -> Table | ThreePublicTable:
        if pending.unit is None:
            raise self.error(
                pending.page,
                f"{pending.title}: no unit line (单位：元 or 单位：万元) above the table",
            )
        self.decimals = 0
        if pending.kind is BudgetTable.THREE_PUBLIC:
            return self.three_public(pending)
        measures = self.measures(pending)
        rows: list[Row] = []
        scheme = _SCHEMES.get(pending.kind)
        context = ClassificationContext(scheme, self.catalog) if scheme else None
        joined = self.joined(pending)
        levels = self.levels(pending, joined)
        for page, cells in joined:
            if pending.kind in _TWO_SIDED:
                rows.extend(self.two_sided_rows(pending, page, cells))
            else:
                row = self.classified_row(pending, page, cells, context, levels)
                if row is not None:
                    rows.append(row)
        return Table(
            kind=pending.kind,
            title=pending.title,
            line=pending.page,
            unit=pending.unit,
            quantum=pending.unit.fen // 10**self.decimals,
            measures=measures,
            rows=rows,
            scheme=scheme,
            declared_empty=pending.declared_empty,
        )

    def joined(self, pending: PendingTable) -> list[tuple[int, tuple[Cell, ...]]]:
        """The rows, where a row of amounts alone joins the labelled row beside it (above, or
        else below) whose amount cells are all blank: the amount column's rules are not the
        label's (Jiangsu)."""
        joined: list[tuple[int, tuple[Cell, ...]]] = []
        orphan = False  # the last row kept is amounts alone
        for page, cells in pending.rows:
            if column_numbers(cells) or not any(c.text.strip() for c in cells):
                continue
            kinds = {self.role(_covered(c, pending.columns)[0]) for c in cells if c.text.strip()}
            alone = kinds == {"amount"}
            same_page = bool(joined) and joined[-1][0] == page
            if alone and same_page and self.blank_amounts(pending, joined[-1][1]):
                joined[-1] = (page, joined[-1][1] + cells)
                orphan = False
            elif orphan and same_page and self.blank_amounts(pending, cells):
                joined[-1] = (page, cells + joined[-1][1])
                orphan = False
            else:
                joined.append((page, cells))
                orphan = alone
        return joined

    def levels(
        self, pending: PendingTable, joined: list[tuple[int, tuple[Cell, ...]]]
    ) -> dict[float, int]:
        """In a table that prints names only, each name's level by where its text starts: the
        rows least indented are 类, the next 款, the next 项. Nothing where the table prints
        codes, or its names start at one place or at more than three."""
        if any(self.role(column) == "code" for column in pending.columns):
            return {}
        starts = sorted(
            {
                round(cell.left - cell.x0)
                for _, cells in joined
                for cell in cells
                if cell.left is not None
                and self.role(_covered(cell, pending.columns)[0]) == "name"
                and comparable(cell.text) not in _TOTALS
            }
        )
        steps: list[list[int]] = []
        for start in starts:
            if steps and start - steps[-1][-1] <= _INDENT:
                steps[-1].append(start)
            else:
                steps.append([start])
        if not 2 <= len(steps) <= 3:
            return {}
        return {start: depth for depth, step in enumerate(steps) for start in step}

    def blank_amounts(self, pending: PendingTable, cells: tuple[Cell, ...]) -> bool:
        labelled = any(
            c.text.strip() and self.role(_covered(c, pending.columns)[0]) in ("code", "name")
            for c in cells
        )
        return labelled and not any(
            c.text.strip() and self.role(_covered(c, pending.columns)[0]) == "amount" for c in cells
        )

    def measures(self, pending: PendingTable) -> tuple[Measure, ...]:
        """The amount columns' measures, each once: a table whose columns are not all known,
        or where two columns would read as one measure, is not read."""
        found: list[Measure] = []
        two_sided = pending.kind in _TWO_SIDED
        for column in pending.columns:
            measure = self.measure(pending, column)
            if measure is None:
                continue
            if measure in found and not two_sided:
                raise self.error(
                    pending.page,
                    f"{pending.title}: two columns read as {measure.value} "
                    f"(one headed {column.header!r}): which one is meant is not certain",
                )
            found.append(measure)
        return tuple(dict.fromkeys(found))

    def measure(self, pending: PendingTable, column: _Column) -> Measure | None:
        """The measure of an amount column; None for the code, name and label columns."""
        if self.role(column) != "amount":
            return None
        measure = column_measure(column.path)
        if measure is Measure.BASIC and pending.kind in _BASIC_ONLY:
            measure = Measure.TOTAL  # a table of basic expenditure: its 基本支出 is its total
        if measure is None:
            raise self.error(
                pending.page,
                f"{pending.title}: a column headed {column.header!r} is not one "
                "the reader knows (expected 合计, 基本支出, 项目支出, 人员经费, 公用经费, "
                "财政拨款收入, 事业收入, …)",
            )
        return measure

    def classified_row(
        self,
        pending: PendingTable,
        page: int,
        cells: tuple[Cell, ...],
        context: ClassificationContext | None,
        levels: dict[float, int],
    ) -> Row | None:
        depth: int | None = None
        parts: dict[int, str] = {}
        codes: list[tuple[str, str]] = []
        names: list[tuple[str, str]] = []
        amounts: dict[Measure, int | None] = {}
        for cell in cells:
            covered = _covered(cell, pending.columns)
            roles = [self.role(c) for c in covered]
            if len(covered) > 1 and "name" in roles:  # a label across code and name (合计)
                names.append(("", cell.text))
            elif len(covered) > 1 and "amount" in roles:
                if cell.text.strip():
                    raise self.error(
                        page,
                        f"{pending.title}: the figure {cell.text!r} spans the columns "
                        f"{', '.join(c.header for c in covered)}: which one is meant is not "
                        "certain",
                    )
            elif roles[0] == "code":
                last = covered[0].path[-1] if covered[0].path else ""
                if last in _CODE_PARTS:
                    parts[_CODE_PARTS[last]] = cell.text.strip()
                elif cell.text.strip():
                    codes.append((covered[0].header, self.own_code(cell.text)))
            elif roles[0] == "name":
                if cell.text.strip():
                    names.append((covered[0].header, cell.text))
                if cell.left is not None:
                    depth = levels.get(round(cell.left - cell.x0))
            elif roles[0] == "amount":
                measure = self.measure(pending, covered[0])
                assert measure is not None
                amounts[measure] = self.amount(pending, page, cell.text, covered[0])
        printed = self.one_code(pending, page, codes) or " ".join(
            parts[i] for i in sorted(parts) if parts[i]
        )
        name = squeeze(self.one_name(pending, names))
        if not printed.strip() and not name.strip():
            if any(v is not None for v in amounts.values()):
                raise self.error(page, f"{pending.title}: amounts on a row with no code or name")
            return None
        if comparable(printed) in _TOTALS:  # 合计 printed in the code column
            printed, name = "", printed
        if not printed and (fused := split_fused(name)):
            printed, name = fused
        if comparable(name) in _TOTALS and not printed:
            return Row(page, LineKind.TOTAL, name, amounts)
        if context is None:
            return Row(page, LineKind.ITEM, name, amounts, printed_code=printed or None)
        if parts and 0 not in parts and len(parts) == 1 and not codes:
            printed = next(iter(parts.values()))  # a 款 printing only its own segment
        try:
            resolved = context.resolve(printed, name, depth)
        except AmbiguousCode as exc:
            raise self.error(page, f"{pending.title}: {exc}") from None
        if resolved.code is None:
            kind = LineKind.ITEM
            if not printed and not context.last_class:
                # Before any subject: the department's or a unit's own row (深圳市统计局（本级）).
                kind = LineKind.DEPARTMENT
            return Row(page, kind, name, amounts, printed_code=printed or None)
        shown = printed if printed and printed != resolved.code else None
        return Row(
            page,
            LineKind.SUBJECT,
            name,
            amounts,
            code=resolved.code,
            printed_code=shown,
            matched_by_name=resolved.matched_by_name,
        )

    @staticmethod
    def own_code(text: str) -> str:
        """The code of a code cell; ``2040601-行政运行`` keeps its code only."""
        fused = split_fused(text)
        return fused[0] if fused else text.strip()

    @staticmethod
    def one_name(pending: PendingTable, names: list[tuple[str, str]]) -> str:
        """The name in the table's scheme where a row prints two (部门经济科目名称 beside 政府…)."""
        scheme = _SCHEMES.get(pending.kind)
        word = _SCHEME_WORDS.get(scheme) if scheme else None
        own = [text for header, text in names if word and word in header]
        return own[0] if len(names) > 1 and len(own) == 1 else " ".join(t for _, t in names)

    def one_code(self, pending: PendingTable, page: int, codes: list[tuple[str, str]]) -> str:
        """The table's code where a row prints two schemes' (部门经济 beside 政府经济)."""
        if len(codes) <= 1:
            return codes[0][1] if codes else ""
        scheme = _SCHEMES.get(pending.kind)
        word = _SCHEME_WORDS.get(scheme) if scheme else None
        own = [code for header, code in codes if word and word in header]
        if len(own) != 1:
            raise self.error(
                page,
                f"{pending.title}: a row prints the codes {', '.join(c for _, c in codes)}: "
                "which one is the table's is not certain",
            )
        return own[0]

    def two_sided_rows(
        self, pending: PendingTable, page: int, cells: tuple[Cell, ...]
    ) -> list[Row]:
        """A row of a summary table: each label column and the amounts to its right, one side
        each (收入 | 支出; Xi'an prints 支出 three times, by function and by economic class)."""
        groups: list[tuple[Side, str, dict[Measure, int | None]]] = []
        for cell in cells:
            column = _covered(cell, pending.columns)[0]
            kind = self.role(column)
            side = (
                Side.INCOME
                if "收入" in (column.path[0] if column.path else "")
                else (Side.EXPENDITURE)
            )
            if kind in ("name", "code"):
                groups.append((side, cell.text, {}))
            elif kind == "amount":
                measure = self.measure(pending, column)
                assert measure is not None
                amount = self.amount(pending, page, cell.text, column)
                if not groups or groups[-1][0] is not side:
                    if amount is not None:
                        raise self.error(page, f"{pending.title}: amounts with no label")
                    continue
                groups[-1][2][measure] = amount
        rows: list[Row] = []
        for side, label, amounts in groups:
            if not label.strip():
                if any(v is not None for v in amounts.values()):
                    raise self.error(page, f"{pending.title}: amounts on a row with no label")
                continue
            key = summary_item(side, label)
            code = None
            if key is None and side is Side.EXPENDITURE:
                bare = ORDINAL.sub("", comparable(label))
                codes = {c for c in self.catalog.codes_named(Scheme.FUNCTIONAL, bare)
                         if len(c) == 3}  # fmt: skip
                code = codes.pop() if len(codes) == 1 else None
            if code is not None:
                rows.append(Row(page, LineKind.SUBJECT, label, amounts, code=code, side=side))
            else:
                rows.append(Row(page, LineKind.ITEM, label, amounts, side=side, item=key))
        return rows

    def three_public(self, pending: PendingTable) -> ThreePublicTable:
        """The department's “三公” figures for the budget year, however the table is laid out:
        items across (one row, or a row per unit or year: the 合计 or the budget year's row is
        the department's) or down (a list of items beside one amount column)."""
        assert pending.unit is not None
        data = [
            (page, cells)
            for page, cells in pending.rows
            if any(c.text.strip() for c in cells) and not column_numbers(cells)
        ]
        amount_columns = [c for c in pending.columns if self.role(c) == "amount"]
        labelled = [(page, self.label(pending, cells), cells) for page, cells in data]
        if any(
            three_public_item(label) not in (None, ThreePublicItem.TOTAL)
            for _, label, _ in labelled
        ):
            return self._three_public_down(pending, labelled, amount_columns)
        rows = [(p, label, cells) for p, label, cells in labelled if not self.other_year(label)]
        if len(rows) > 1:
            rows = [r for r in rows if comparable(r[1]) in _TOTALS] or rows
        if len(rows) > 1:
            raise self.error(
                rows[1][0],
                f"{pending.title}: {len(rows)} rows of figures and none is the department's "
                "total (合计): which one to read is not certain",
            )
        printed: list[ThreePublicRow] = []
        items = _three_public_columns(amount_columns)
        for page, label, cells in labelled:
            own = bool(rows) and cells is rows[0][2]
            read = [
                ThreePublicRow(
                    page,
                    items[column],
                    column.header,
                    self.amount(pending, page, cell.text, column),
                    breakdown=None if own else label,
                )
                for cell in cells
                if (column := _covered(cell, pending.columns)[0]) in items
            ]
            if own:
                try:
                    _one_per_item(read)
                except ValueError as exc:
                    raise self.error(page, f"{pending.title}: {exc}") from None
            printed += read
        return self._three_public_table(pending, printed)

    def _three_public_down(
        self,
        pending: PendingTable,
        labelled: list[tuple[int, str, tuple[Cell, ...]]],
        amount_columns: list[_Column],
    ) -> ThreePublicTable:
        if len(amount_columns) > 1:
            totals = [c for c in amount_columns if column_measure(c.path) is Measure.TOTAL]
            amount_columns = totals if len(totals) == 1 else amount_columns
        if len(amount_columns) != 1:
            raise self.error(
                pending.page,
                f"{pending.title}: items listed down the table beside "
                f"{len(amount_columns)} amount columns: which one to read is not certain",
            )
        (column,) = amount_columns
        printed: list[ThreePublicRow] = []
        for page, label, cells in labelled:
            text = next((c.text for c in cells if _covered(c, pending.columns)[0] is column), "")
            printed.append(
                ThreePublicRow(
                    page, three_public_item(label), label, self.amount(pending, page, text, column)
                )
            )
        return self._three_public_table(pending, printed)

    def _three_public_table(
        self, pending: PendingTable, printed: list[ThreePublicRow]
    ) -> ThreePublicTable:
        assert pending.unit is not None
        return ThreePublicTable(
            pending.title,
            pending.page,
            pending.unit,
            pending.unit.fen // 10**self.decimals,
            printed,
            declared_empty=pending.declared_empty,
        )

    def label(self, pending: PendingTable, cells: tuple[Cell, ...]) -> str:
        """The text of a row's label columns (unit name, year), joined."""
        texts = [
            cell.text.strip()
            for cell in cells
            if cell.text.strip()
            and self.role(_covered(cell, pending.columns)[0]) in ("name", "code")
        ]
        return " ".join(texts)

    def other_year(self, label: str) -> bool:
        """A row for another year, or the change between years (2025年, 增减变化金额, 上年)."""
        return is_comparison((comparable(label),), self.year)


_THREE_TOTALS = ("合计", "小计", "总计", "总额")
_FUNDING = ("一般公共预算", "政府性基金", "国有资本经营")
_NOT_THREE_PUBLIC = ("会议费", "培训费", "行政经费")


def _three_public_columns(columns: list[_Column]) -> dict[_Column, ThreePublicItem | None]:
    """Each amount column's item; the 三公 subtotal is the total where 会议费 and 培训费 stand
    beside it (their 合计 is not 三公)."""
    items = {column: _three_public_item(column.path) for column in columns}
    subtotal = [
        c
        for c in columns
        if items[c] is ThreePublicItem.TOTAL and any("三公" in p for p in c.path[:-1])
    ]
    if any(any(w in "/".join(c.path) for w in _NOT_THREE_PUBLIC) for c in columns) and subtotal:
        for column in columns:
            if items[column] is ThreePublicItem.TOTAL and column not in subtotal:
                items[column] = None
        for column in subtotal:
            items[column] = ThreePublicItem.TOTAL
    return items


def _one_per_item(printed: list[ThreePublicRow]) -> None:
    """Where an item is split by funding source (一般公共预算 / 政府性基金 / 国有资本经营), the
    general budget's column is the item's figure when the others are blank or zero."""
    by_item: dict[ThreePublicItem, list[ThreePublicRow]] = {}
    for row in printed:
        if row.item is not None:
            by_item.setdefault(row.item, []).append(row)
    for rows in by_item.values():
        if len(rows) == 1:
            continue
        general = [r for r in rows if r.printed_label.endswith("一般公共预算")]
        others = [r for r in rows if r not in general]
        if len(general) == 1 and all(not r.amount for r in others):
            for row in others:
                row.item = None
        else:
            labels = ", ".join(r.printed_label for r in rows)
            raise ValueError(f"the columns {labels} each read as one “三公” item")


def _three_public_item(path: tuple[str, ...]) -> ThreePublicItem | None:
    if path and any(path[-1].startswith(word) for word in _FUNDING) and len(path) > 1:
        path = path[:-1]  # a funding source's share of the item above
    joined = "/".join(path)
    last = path[-1] if path else ""
    if "机关运行" in joined:
        return ThreePublicItem.OFFICE_OPERATION
    if any(word in last for word in _NOT_THREE_PUBLIC):
        return None
    if "因公出国" in last:
        return ThreePublicItem.OVERSEAS
    if "公务接待" in last:
        return ThreePublicItem.RECEPTION
    if "公务用车" in joined or "公车" in joined:
        tail = last.removeprefix("其中:").removeprefix("公务用车")
        if tail.startswith("购置") and "运行" not in tail:
            return ThreePublicItem.VEHICLE_PURCHASE
        if tail.startswith("运行"):
            return ThreePublicItem.VEHICLE_OPERATION
        return ThreePublicItem.VEHICLES
    if last in _TOTALS or last == "小计" or ("三公" in last and last.endswith(_THREE_TOTALS)):
        return ThreePublicItem.TOTAL
    return None


def add_fragment(reader: TableReader, pending: PendingTable, page: int, grid: Grid) -> None:
    """Add a ruled fragment: its own header, or the columns of the page before."""
    labelled = pending.kind is not BudgetTable.THREE_PUBLIC
    header_rows = next(
        (i for i, row in enumerate(grid.rows) if _is_data(row, labelled)), len(grid.rows)
    )
    if header_rows:
        pending.columns = _columns(grid, header_rows)
        if pending.unit is None:
            units = {u for row in grid.rows[:header_rows] for c in row if (u := unit_of(c.text))}
            pending.unit = units.pop() if len(units) == 1 else None
    elif not pending.columns:
        raise reader.error(page, f"{pending.title}: the table has no column headers")
    pending.rows.extend((page, row) for row in grid.rows[header_rows:])
    pending.ruled = pending.ruled and grid.ruled
