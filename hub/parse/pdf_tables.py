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
from hub.parse.cells import AMOUNT, comparable, header_measure, parse_amount, summary_item
from hub.parse.errors import ParseError
from hub.parse.model import Row, Source, Table, ThreePublicRow, ThreePublicTable
from hub.parse.pdf import Cell, Grid

__all__ = ["ORDINAL", "PendingTable", "TableReader", "add_fragment"]

_SCHEMES = {
    BudgetTable.INCOME_SUMMARY: Scheme.FUNCTIONAL,
    BudgetTable.EXPENDITURE_SUMMARY: Scheme.FUNCTIONAL,
    BudgetTable.GENERAL_FUNCTIONAL: Scheme.FUNCTIONAL,
    BudgetTable.FUND_FUNCTIONAL: Scheme.FUNCTIONAL,
    BudgetTable.STATE_CAPITAL_FUNCTIONAL: Scheme.FUNCTIONAL,
    BudgetTable.GENERAL_BASIC_ECONOMIC: Scheme.DEPARTMENTAL_ECONOMIC,
}
_TWO_SIDED = {BudgetTable.INCOME_EXPENDITURE_SUMMARY, BudgetTable.FISCAL_SUMMARY}

# Amount columns by their lowest header cell; header_measure() knows the rest.
_MEASURES: dict[str, Measure] = {
    "人员经费": Measure.PERSONNEL,
    "公用经费": Measure.OPERATING,
    "财政拨款收入": Measure.FISCAL_GRANT,
    "事业收入": Measure.INSTITUTION_INCOME,
    "事业单位经营收入": Measure.INSTITUTION_BUSINESS_INCOME,
    "其他收入": Measure.OTHER_INCOME,
    "一般公共预算": Measure.GENERAL_BUDGET,
    "政府性基金预算": Measure.GOVERNMENT_FUND,
    "国有资本经营预算": Measure.STATE_CAPITAL,
}
_TOTALS = {"合计", "总计"}
_CODE_PARTS = {"类": 0, "款": 1, "项": 2}
_CODE = re.compile(r"\d{3}(?:\s+\d{1,2}){0,2}|\d{5}|\d{7}")
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


def _is_data(row: tuple[Cell, ...], labelled: bool = True) -> bool:
    """A row of figures, not of headers: an amount or a code anywhere, or (in a table with
    row labels) a first cell that reads 合计 or starts with an ordinal (一、财政拨款收入)."""
    first = comparable(row[0].text) if row else ""
    if labelled and (first in _TOTALS or ORDINAL.match(first)):
        return True
    return any(
        AMOUNT.fullmatch(comparable(cell.text)) or _CODE.fullmatch(cell.text.strip())
        for cell in row
    )


def _columns(grid: Grid, header_rows: int) -> list[_Column]:
    columns: list[_Column] = []
    for x0, x1 in grid.columns:
        center = (x0 + x1) / 2
        path: list[str] = []
        for row in grid.rows[:header_rows]:
            for cell in row:
                text = comparable(cell.text)
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


class TableReader:
    """Turns a table's fragments into a :class:`Table` (or the “三公” table), one at a time."""

    def __init__(self, source: Source, catalog: Catalog) -> None:
        self.source, self.catalog = source, catalog
        self.decimals = 0
        """The most decimals printed in the table being read: its precision."""
        self.last_class = ""
        """The last 类 code read in the table: the context of a code printed without one."""

    def error(self, page: int, message: str) -> ParseError:
        return ParseError(self.source.name, None, f"page {page}: {message}")

    def amount(self, pending: PendingTable, page: int, text: str, column: _Column) -> int | None:
        assert pending.unit is not None
        try:
            fen, decimals = parse_amount(text, pending.unit)
        except ValueError as exc:
            raise self.error(page, f"{pending.title}, column {column.header}: {exc}") from None
        self.decimals = max(self.decimals, decimals)
        return fen

    def table(self, pending: PendingTable) -> Table | ThreePublicTable:
        if pending.unit is None:
            raise self.error(
                pending.page,
                f"{pending.title}: no unit line (单位：元 or 单位：万元) above the table",
            )
        self.decimals, self.last_class = 0, ""
        if pending.kind is BudgetTable.THREE_PUBLIC:
            return self.three_public(pending)
        rows: list[Row] = []
        for page, cells in pending.rows:
            if pending.kind in _TWO_SIDED:
                rows.extend(self.two_sided_rows(pending, page, cells))
            else:
                row = self.classified_row(pending, page, cells)
                if row is not None:
                    rows.append(row)
        measures = tuple(
            dict.fromkeys(m for c in pending.columns if (m := self.measure(pending, c)))
        )
        return Table(
            kind=pending.kind,
            title=pending.title,
            line=pending.page,
            unit=pending.unit,
            quantum=pending.unit.fen // 10**self.decimals,
            measures=measures,
            rows=rows,
            scheme=_SCHEMES.get(pending.kind),
            declared_empty=pending.declared_empty,
        )

    def measure(self, pending: PendingTable, column: _Column) -> Measure | None:
        """The measure of an amount column; None for the code, name and label columns."""
        if self.role(column) != "amount":
            return None
        last = column.path[-1]
        above = column.path[-2] if len(column.path) > 1 else ""
        measure = _MEASURES.get(last) or header_measure(above, last) or header_measure(last, "")
        if measure is None:
            raise self.error(
                pending.page,
                f"{pending.title}: a column headed {column.header!r} is not one "
                "this layout knows (expected 合计, 基本支出, 项目支出, 人员经费, 公用经费, "
                "财政拨款收入, 事业收入, …)",
            )
        return measure

    def classified_row(
        self, pending: PendingTable, page: int, cells: tuple[Cell, ...]
    ) -> Row | None:
        parts: dict[int, str] = {}
        whole_code = name = ""
        amounts: dict[Measure, int | None] = {}
        for cell in cells:
            covered = _covered(cell, pending.columns)
            roles = [self.role(c) for c in covered]
            if len(covered) > 1 and "name" in roles:  # a label across code and name (合计)
                name = cell.text
            elif roles[0] == "code":
                last = covered[0].path[-1] if covered[0].path else ""
                if last in _CODE_PARTS and len(covered) == 1:
                    parts[_CODE_PARTS[last]] = cell.text
                else:
                    whole_code = cell.text
            elif roles[0] == "name":
                name = cell.text
            else:
                measure = self.measure(pending, covered[0])
                assert measure is not None
                amounts[measure] = self.amount(pending, page, cell.text, covered[0])
        printed = whole_code or " ".join(parts[i] for i in sorted(parts) if parts[i])
        if not printed.strip() and not name.strip():
            if any(v is not None for v in amounts.values()):
                raise self.error(page, f"{pending.title}: amounts on a row with no code or name")
            return None
        if comparable(printed) in _TOTALS:  # 合计 printed in the code column
            printed, name = "", printed
        if not printed.strip():
            kind = LineKind.TOTAL if comparable(name) in _TOTALS else LineKind.ITEM
            return Row(page, kind, name, amounts)
        return self.subject(pending, page, printed, name, amounts)

    @staticmethod
    def role(column: _Column) -> str:
        """code, name (a label, in a two-sided table) or amount, by the column's header."""
        last = column.path[-1] if column.path else ""
        if last in _CODE_PARTS or "编码" in column.header:
            return "code"
        if "名称" in last or last == "项目" or not column.path:
            return "name"
        return "amount"

    def subject(
        self,
        pending: PendingTable,
        page: int,
        printed: str,
        name: str,
        amounts: dict[Measure, int | None],
    ) -> Row:
        scheme = _SCHEMES[pending.kind]
        tokens = printed.split()
        code: str | None = None
        if all(t.isdigit() for t in tokens):
            head, rest = tokens[0], tokens[1:]
            if len(head) == 3 and len(rest) <= 2 and all(len(t) <= 2 for t in rest):
                code = head + "".join(t.zfill(2) for t in rest)
            elif len(head) in (5, 7) and not rest:
                code = head
        shown = printed if printed != code else None
        if code is not None and len(code) == 3:
            self.last_class = code
        if code is not None and self.catalog.knows(scheme, code):
            return Row(page, LineKind.SUBJECT, name, amounts, code=code, printed_code=shown)
        # By name: among the siblings a well-formed code would have, else under the 类 above.
        if code is not None:
            parent = code[:-2] if len(code) > 3 else ""
            named = {c for c in self.catalog.codes_named(scheme, name, parent)
                     if len(c) == len(code)}  # fmt: skip
        else:
            named = self.catalog.codes_named(scheme, name, self.last_class)
        if len(named) == 1:
            (found,) = named
            return Row(
                page,
                LineKind.SUBJECT,
                name,
                amounts,
                code=found,
                printed_code=printed,
                matched_by_name=True,
            )
        if code is not None:  # a well-formed code the catalog lacks: the check reports it
            return Row(page, LineKind.SUBJECT, name, amounts, code=code, printed_code=shown)
        return Row(page, LineKind.ITEM, name, amounts, printed_code=printed)

    def two_sided_rows(
        self, pending: PendingTable, page: int, cells: tuple[Cell, ...]
    ) -> list[Row]:
        labels: dict[Side, str] = {}
        amounts: dict[Side, dict[Measure, int | None]] = {Side.INCOME: {}, Side.EXPENDITURE: {}}
        for cell in cells:
            column = _covered(cell, pending.columns)[0]
            side = (
                Side.INCOME
                if "收入" in (column.path[0] if column.path else "")
                else Side.EXPENDITURE
            )
            measure = self.measure(pending, column)
            if measure is None:
                labels[side] = cell.text
            else:
                amounts[side][measure] = self.amount(pending, page, cell.text, column)
        rows: list[Row] = []
        for side in (Side.INCOME, Side.EXPENDITURE):
            label = labels.get(side, "")
            if not label.strip():
                if any(v is not None for v in amounts[side].values()):
                    raise self.error(page, f"{pending.title}: amounts on a row with no label")
                continue
            key = summary_item(side, label)
            if key is None and side is Side.EXPENDITURE:
                bare = ORDINAL.sub("", comparable(label))
                codes = self.catalog.codes_named(Scheme.FUNCTIONAL, bare)
                codes = {c for c in codes if len(c) == 3}
                if len(codes) == 1:
                    rows.append(
                        Row(
                            page,
                            LineKind.SUBJECT,
                            label,
                            amounts[side],
                            code=codes.pop(),
                            side=side,
                        )
                    )
                    continue
            rows.append(Row(page, LineKind.ITEM, label, amounts[side], side=side, item=key))
        return rows

    def three_public(self, pending: PendingTable) -> ThreePublicTable:
        assert pending.unit is not None
        data = [(page, cells) for page, cells in pending.rows if any(c.text for c in cells)]
        printed: list[ThreePublicRow] = []
        if len(data) > 1:
            raise self.error(
                data[1][0],
                f"{pending.title}: {len(data)} rows of figures where this layout prints one "
                "(the department's); a table by unit is not read yet",
            )
        if data:
            page, cells = data[0]
            for cell in cells:
                column = _covered(cell, pending.columns)[0]
                printed.append(
                    ThreePublicRow(
                        page,
                        _three_public_item(column.path),
                        column.header,
                        self.amount(pending, page, cell.text, column),
                    )
                )
        return ThreePublicTable(
            pending.title,
            pending.page,
            pending.unit,
            pending.unit.fen // 10**self.decimals,
            printed,
            declared_empty=pending.declared_empty,
        )


def _three_public_item(path: tuple[str, ...]) -> ThreePublicItem | None:
    joined = "/".join(path)
    last = path[-1] if path else ""
    if "机关运行" in joined:
        return ThreePublicItem.OFFICE_OPERATION
    if "因公出国" in last:
        return ThreePublicItem.OVERSEAS
    if "公务接待" in last:
        return ThreePublicItem.RECEPTION
    if "公务用车" in joined:
        if last.startswith("购置"):
            return ThreePublicItem.VEHICLE_PURCHASE
        if last.startswith("运行"):
            return ThreePublicItem.VEHICLE_OPERATION
        return ThreePublicItem.VEHICLES
    return ThreePublicItem.TOTAL if last in _TOTALS else None


def add_fragment(reader: TableReader, pending: PendingTable, page: int, grid: Grid) -> None:
    """Add a ruled fragment: its own header, or the columns of the page before."""
    labelled = pending.kind is not BudgetTable.THREE_PUBLIC
    header_rows = next(
        (i for i, row in enumerate(grid.rows) if _is_data(row, labelled)), len(grid.rows)
    )
    if header_rows:
        pending.columns = _columns(grid, header_rows)
    elif not pending.columns:
        raise reader.error(page, f"{pending.title}: the table has no column headers")
    pending.rows.extend((page, row) for row in grid.rows[header_rows:])
