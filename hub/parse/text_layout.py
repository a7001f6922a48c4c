"""The text layout: a disclosure PDF converted to Markdown-like text (the seed's format).

``#`` headings (often in ``**bold**``), tables as tab-separated rows with ``<b>`` markup, column
headers over one or two rows, a ``*`` row numbering the columns, a ``单位：万元`` line per table.
Tables are recognised by their titles and their columns by header text, never by position; a
row's level comes from its code, never from bold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from hub.domain import BudgetTable, LineKind, Measure, Scheme, Side, level_of
from hub.money import AmountUnit
from hub.parse.cells import (
    clean,
    comparable,
    header_measure,
    indicator_value,
    parse_amount,
    summary_item,
    table_of_title,
    three_public_item,
    unit_of,
    untex,
)
from hub.parse.errors import ParseError
from hub.parse.model import (
    Draft,
    GlossaryTerm,
    IndicatorRow,
    Project,
    Row,
    Section,
    Source,
    Table,
    ThreePublicRow,
    ThreePublicTable,
    UnitInfo,
)

__all__ = ["looks_like_text_layout", "parse_text_layout"]

_SCHEMES = {
    BudgetTable.GENERAL_FUNCTIONAL: Scheme.FUNCTIONAL,
    BudgetTable.FUND_FUNCTIONAL: Scheme.FUNCTIONAL,
    BudgetTable.EXPENDITURE_SUMMARY: Scheme.FUNCTIONAL,
    BudgetTable.GENERAL_BASIC_ECONOMIC: Scheme.DEPARTMENTAL_ECONOMIC,
}
_PART = re.compile(r"^第[一二三四五六七八九十]+部分")
_ENUMERATOR = re.compile(r"^(?:[-•]\s*)?[(（][一二三四五六七八九十\d]+[)）]\s*")
_SENTENCE_END = tuple("。！？；：!?;:）)")
_PROJECT_AMOUNT = re.compile(r"预算\s*(\d+(?:\.\d+)?)\s*万元")
_CAPTION = re.compile(r"^(?:预算\d+表|表\s*\d+|项目绩效目标表)")
_YEAR = re.compile(r"(20\d\d)\s*年")
Cells = list[str]


def looks_like_text_layout(text: str) -> bool:
    """Whether ``text`` has this layout: tab-separated table rows under recognised titles."""
    lines = text.splitlines()
    return any("\t" in line for line in lines) and any(table_of_title(line) for line in lines)


_UNIT_CODE = 6
"""Digits of a unit's code: its department's three and its own three (209001)."""


@dataclass
class _Caption:
    """The title and unit lines seen since the last table: they belong to the next one."""

    table: BudgetTable | None = None
    title: str = ""
    line: int = 0
    unit: AmountUnit | None = None


@dataclass
class _Context:
    headings: list[tuple[int, str]] = field(default_factory=list)
    heading_line: int = 0
    section_line: int = 0
    paragraphs: list[str] = field(default_factory=list)
    glossary: bool = False
    target: str | None = None


def parse_text_layout(source: Source) -> Draft:
    return _Parser(source).parse()


class _Parser:
    def __init__(self, source: Source) -> None:
        self.name = source.name
        self.lines = source.text.splitlines()
        self.tables: dict[BudgetTable, Table] = {}
        self.three_public: ThreePublicTable | None = None
        self.projects: list[Project] = []
        self.sections: list[Section] = []
        self.glossary: list[GlossaryTerm] = []
        self.caption = _Caption()
        self.context = _Context()

    def error(self, line: int | None, message: str) -> ParseError:
        return ParseError(self.name, line, message)

    # The document's outline: title, contents, headings, prose.

    def parse(self) -> Draft:
        title, title_line = self._title()
        listed, body = self._contents(title_line)
        number = body
        while number <= len(self.lines):
            raw = self.lines[number - 1]
            if "\t" in raw:
                number = self._block(number)
                continue
            self._line(number, raw.strip())
            number += 1
        self._flush()
        year = _YEAR.search(title)
        tables = list(self.tables.values())
        departments = _longest_names(tables, LineKind.DEPARTMENT)
        code = next(iter(departments), None)
        return Draft(
            title=title,
            fiscal_year=int(year.group(1)) if year else None,
            listed_tables=listed,
            tables=self.tables,
            three_public=self.three_public,
            department_code=code,
            department_name=departments[code] if code else _title_department(title),
            units=tuple(UnitInfo(c, n) for c, n in _longest_names(tables, LineKind.UNIT).items()),
            projects=self.projects,
            sections=self.sections,
            glossary=self.glossary,
            last_line=len(self.lines),
        )

    def _title(self) -> tuple[str, int]:
        for number, raw in enumerate(self.lines, start=1):
            if raw.strip():
                return clean(raw.strip().lstrip("#")), number
        raise self.error(None, "the file has no text")

    def _contents(self, title_line: int) -> tuple[list[BudgetTable], int]:
        """The tables the contents (目录) lists, and the line where the body starts."""
        start = next(
            (
                n
                for n, raw in enumerate(self.lines, start=1)
                if raw.lstrip().startswith("#") and comparable(raw).lstrip("#") == "目录"
            ),
            None,
        )
        if start is None:
            return [], title_line + 1
        level = _heading_level(self.lines[start - 1])
        listed: list[BudgetTable] = []
        number = start + 1
        while number <= len(self.lines):
            raw = self.lines[number - 1]
            if raw.lstrip().startswith("#") and _heading_level(raw) <= level:
                break
            table = table_of_title(raw)
            if table and table not in listed:
                listed.append(table)
            number += 1
        return listed, number

    def _line(self, number: int, text: str) -> None:
        if not text:
            return
        if text.startswith("#"):
            self._heading(number, _heading_level(text), clean(text.lstrip("#")))
            return
        unit = unit_of(text)
        if unit:
            self.caption.unit = unit
            return
        table = table_of_title(text)
        if table:
            self.caption = _Caption(table, clean(text), number, self.caption.unit)
            return
        text = clean(text)
        folded = comparable(text)
        if _CAPTION.match(folded):
            return
        if folded.startswith("年度目标"):
            self.context.target = _after_colon(text)
            return
        if self.context.glossary:
            self._glossary_line(number, text)
        else:
            self._paragraph(number, text)

    def _heading(self, number: int, level: int, text: str) -> None:
        self._flush()
        table = table_of_title(text)
        if table:  # a table's caption, not a heading of the outline
            self.caption = _Caption(table, text, number, self.caption.unit)
            return
        headings = self.context.headings
        if _PART.match(comparable(text)):
            headings.clear()
            self.context.glossary = "名词解释" in text
        else:
            # Converted files get the depth of '#' wrong; numbered siblings (（一）, （二）) agree.
            kind = _enumeration(text)
            while len(headings) > 1 and (
                headings[-1][0] >= level or (kind and _enumeration(headings[-1][1]) == kind)
            ):
                headings.pop()
        headings.append((level, text))
        self.context.heading_line = self.context.section_line = number
        self.context.target = None

    def _paragraph(self, number: int, text: str) -> None:
        text = untex(text.removeprefix("- "))
        paragraphs = self.context.paragraphs
        if not paragraphs:
            self.context.section_line = self.context.section_line or number
        if (
            paragraphs
            and not paragraphs[-1].endswith(_SENTENCE_END)
            and not _ENUMERATOR.match(text)
        ):
            paragraphs[-1] += text  # a paragraph broken by a page or column end
        else:
            paragraphs.append(text)

    def _glossary_line(self, number: int, text: str) -> None:
        term, _, definition = _ENUMERATOR.sub("", text).partition("：")
        if _ENUMERATOR.match(text) and definition:
            self.glossary.append(GlossaryTerm(number, term.strip(), definition.strip()))
        elif self.glossary:
            self.glossary[-1].definition += text
        else:
            self._paragraph(number, text)

    def _flush(self) -> None:
        context = self.context
        if context.paragraphs:
            path = [text for _, text in context.headings]
            self.sections.append(Section(context.section_line, path, "\n".join(context.paragraphs)))
        context.paragraphs = []
        context.section_line = 0

    # Tab-separated blocks: budget tables and performance targets.

    def _block(self, start: int) -> int:
        """Read the block of table rows starting at ``start``; return the line after it."""
        rows: list[tuple[int, Cells]] = []
        number = start
        while number <= len(self.lines):
            raw = self.lines[number - 1]
            if "\t" in raw:
                rows.append((number, [clean(cell) for cell in raw.split("\t")]))
            elif raw.strip() or not self._table_resumes(number):
                break
            number += 1
        rows = [(n, cells) for n, cells in rows if any(cells)]
        if any(comparable(cell) == "一级指标" for _, cells in rows for cell in cells):
            self._flush()
            self._performance(rows)
        elif self.caption.table is not None:
            self._flush()
            self._table(rows)
            self.caption = _Caption()
        else:
            for n, cells in rows:
                self._paragraph(n, " ".join(cell for cell in cells if cell))
        return number

    def _table_resumes(self, number: int) -> bool:
        """Whether the next line with text after the blank line ``number`` is a table row."""
        following = (raw for raw in self.lines[number:] if raw.strip())
        return "\t" in next(following, "")

    def _table(self, rows: list[tuple[int, Cells]]) -> None:
        caption = self.caption
        assert caption.table is not None
        if caption.unit is None:
            raise self.error(
                caption.line,
                f"{caption.title}: no unit line (单位：万元 or 单位：元) before the table",
            )
        if caption.table in self.tables or (
            caption.table is BudgetTable.THREE_PUBLIC and self.three_public
        ):
            raise self.error(caption.line, f"{caption.title}: the table appears a second time")
        if caption.table is BudgetTable.THREE_PUBLIC:
            self.three_public = self._three_public(rows, caption, caption.unit)
            return
        header = next((i for i, (_, cells) in enumerate(rows) if _is_code_header(cells)), None)
        table = (
            self._classified(rows, header, caption, caption.unit)
            if header is not None
            else self._summary(rows, caption, caption.unit)
        )
        self.tables[caption.table] = table

    def _amount(
        self, line: int, text: str, unit: AmountUnit, column: str, title: str
    ) -> tuple[int | None, int]:
        try:
            return parse_amount(text, unit)
        except ValueError as exc:
            raise self.error(line, f"{title}, column {column}: {exc}") from None

    def _classified(
        self, rows: list[tuple[int, Cells]], header: int, caption: _Caption, unit: AmountUnit
    ) -> Table:
        """A table with a code column: 单位编码 / 单位名称（科目） / amount columns."""
        header_line, top = rows[header]
        code_col = next(i for i, cell in enumerate(top) if "编码" in comparable(cell))
        name_col = next(
            (i for i, c in enumerate(top) if i != code_col and ("名称" in c or "科目" in c)),
            code_col + 1,
        )
        body = rows[header + 1 :]
        below: Cells = []
        if body and _is_subheader(body[0][1], code_col, name_col):
            below = body[0][1]
            body = body[1:]
        if body and comparable(body[0][1][0]) == "*":
            body = body[1:]
        columns = self._measures(header_line, top, below, (code_col, name_col), caption.title)
        width = max(len(top), len(below))
        parsed: list[Row] = []
        decimals = 0
        for line, cells in body:
            if len(cells) > width and any(cells[width:]):
                raise self.error(line, f"{caption.title}: more cells than the header has columns")
            cells = cells + [""] * (width - len(cells))
            amounts: dict[Measure, int | None] = {}
            for index, (measure, label) in columns.items():
                amounts[measure], places = self._amount(
                    line, cells[index], unit, label, caption.title
                )
                decimals = max(decimals, places)
            parsed.append(self._classified_row(line, cells[code_col], cells[name_col], amounts))
        self._classify_entities(parsed, caption.title)
        return Table(
            kind=caption.table or BudgetTable.GENERAL_FUNCTIONAL,
            title=caption.title,
            line=caption.line,
            unit=unit,
            quantum=_quantum(unit, decimals),
            measures=tuple(m for m, _ in columns.values()),
            rows=parsed,
            scheme=_SCHEMES.get(caption.table) if caption.table else None,
        )

    def _measures(
        self, line: int, top: Cells, below: Cells, skip: tuple[int, int], title: str
    ) -> dict[int, tuple[Measure, str]]:
        columns: dict[int, tuple[Measure, str]] = {}
        group = ""
        for index in range(max(len(top), len(below))):
            upper = top[index] if index < len(top) else ""
            lower = below[index] if index < len(below) else ""
            group = upper or group
            if index in skip or not (upper or lower):
                continue
            measure = header_measure(upper or group, lower if (lower and (upper or group)) else "")
            label = "/".join(part for part in (upper or group, lower) if part)
            if measure is None:
                raise self.error(line, f"{title}: unknown column header {label!r}")
            if measure in {m for m, _ in columns.values()}:
                raise self.error(line, f"{title}: two columns for {label!r}")
            columns[index] = (measure, label)
        if not columns:
            raise self.error(line, f"{title}: the header names no amount column")
        return columns

    def _classified_row(
        self, line: int, code_cell: str, name: str, amounts: dict[Measure, int | None]
    ) -> Row:
        code = comparable(code_cell)
        if not code:
            if comparable(name) in {"合计", "总计"}:
                return Row(line, LineKind.TOTAL, name, amounts)
            raise self.error(line, f"expected a code (3, 5 or 7 digits) or 合计, found {name!r}")
        if not code.isascii() or not code.isdigit():
            raise self.error(line, f"expected a code of digits, found {code_cell!r}")
        if len(code) not in (3, 5, 7, _UNIT_CODE):
            # 21505170 is no unit: a code cut or run together; which one is meant is not certain
            raise self.error(
                line,
                f"expected a code of 3, 5 or 7 digits (类, 款, 项) or a unit's of "
                f"{_UNIT_CODE} (209001), found {code_cell.strip()!r} ({len(code)} digits)",
            )
        kind = LineKind.SUBJECT if len(code) in (3, 5, 7) else LineKind.UNIT
        return Row(line, kind, name, amounts, code=code)

    def _classify_entities(self, rows: list[Row], title: str) -> None:
        """A 3-digit code right before a unit code it begins is the department, not a 类."""
        for row, following in pairwise(rows):
            if (
                row.kind is LineKind.SUBJECT
                and following.kind is LineKind.UNIT
                and following.code
                and row.code
                and following.code.startswith(row.code)
            ):
                row.kind = LineKind.DEPARTMENT
        seen: dict[str, int] = {}
        for row in rows:
            if row.kind is not LineKind.SUBJECT or not row.code:
                continue
            if row.code in seen:
                raise self.error(
                    row.line,
                    f"{title}: code {row.code} appears twice (first at line {seen[row.code]})",
                )
            seen[row.code] = row.line
            level_of(row.code)

    def _summary(self, rows: list[tuple[int, Cells]], caption: _Caption, unit: AmountUnit) -> Table:
        """A two-sided table: 收入 项目 / 预算数 beside 支出 项目 / 预算数."""
        header = next(
            (i for i, (_, cells) in enumerate(rows) if any("预算数" in c for c in cells)),
            None,
        )
        if header is None:
            raise self.error(
                rows[0][0] if rows else caption.line,
                f"{caption.title}: expected a header with 项目 and 预算数 columns",
            )
        cells = rows[header][1]
        groups = rows[header - 1][1] if header > 0 else []
        pairs: list[tuple[int, int, Side]] = []
        for index, cell in enumerate(cells):
            if not comparable(cell).startswith("项目"):
                continue
            amount = next((j for j in range(index + 1, len(cells)) if "预算数" in cells[j]), None)
            if amount is None:
                continue
            group = comparable(groups[index]) if index < len(groups) else ""
            side = Side.EXPENDITURE if "支出" in group or (not group and pairs) else Side.INCOME
            pairs.append((index, amount, side))
        if not pairs:
            raise self.error(rows[header][0], f"{caption.title}: no 项目 / 预算数 columns")
        parsed: list[Row] = []
        decimals = 0
        for line, row in rows[header + 1 :]:
            row = row + [""] * (max(a for _, a, _ in pairs) + 1 - len(row))
            for label_col, amount_col, side in pairs:
                label, printed = row[label_col], row[amount_col]
                if not label and not printed:
                    continue
                if not label:
                    raise self.error(line, f"{caption.title}: an amount without a label")
                amount, places = self._amount(line, printed, unit, "预算数", caption.title)
                decimals = max(decimals, places)
                parsed.append(
                    Row(
                        line,
                        LineKind.ITEM,
                        label,
                        {Measure.TOTAL: amount},
                        side=side,
                        item=summary_item(side, label),
                    )
                )
        return Table(
            kind=caption.table or BudgetTable.INCOME_EXPENDITURE_SUMMARY,
            title=caption.title,
            line=caption.line,
            unit=unit,
            quantum=_quantum(unit, decimals),
            measures=(Measure.TOTAL,),
            rows=parsed,
        )

    def _three_public(
        self, rows: list[tuple[int, Cells]], caption: _Caption, unit: AmountUnit
    ) -> ThreePublicTable:
        header = next((i for i, (_, c) in enumerate(rows) if any("预算数" in x for x in c)), None)
        if header is None:
            raise self.error(caption.line, f"{caption.title}: expected a 项目 / 预算数 header")
        amount_col = next(i for i, c in enumerate(rows[header][1]) if "预算数" in c)
        parsed: list[ThreePublicRow] = []
        decimals = 0
        for line, cells in rows[header + 1 :]:
            cells = cells + [""] * (amount_col + 1 - len(cells))
            label = cells[0]
            amount, places = self._amount(line, cells[amount_col], unit, "预算数", caption.title)
            decimals = max(decimals, places)
            parsed.append(ThreePublicRow(line, three_public_item(label), label, amount))
        return ThreePublicTable(caption.title, caption.line, unit, _quantum(unit, decimals), parsed)

    def _performance(self, rows: list[tuple[int, Cells]]) -> None:
        header = next(
            i for i, (_, c) in enumerate(rows) if any(comparable(x) == "一级指标" for x in c)
        )
        for _, cells in rows[:header]:
            text = " ".join(cell for cell in cells if cell)
            if comparable(text).startswith("年度目标"):
                self.context.target = _after_colon(text)
        name_line, heading = (
            (self.context.heading_line, self.context.headings[-1][1])
            if self.context.headings
            else (rows[0][0], "")
        )
        indicators: list[IndicatorRow] = []
        for line, cells in rows[header + 1 :]:
            cells = cells + [""] * (4 - len(cells))
            if len(cells) > 4 and any(cells[4:]):
                raise self.error(line, "performance targets: expected four columns")
            value = untex(cells[3])
            comparator, number, value_unit = indicator_value(value)
            indicators.append(
                IndicatorRow(
                    line, cells[0], cells[1], cells[2], value, comparator, number, value_unit
                )
            )
        prose = "".join(self.context.paragraphs) + "".join(s.text for s in self._sections_here())
        amount = _PROJECT_AMOUNT.search(prose)
        self.projects.append(
            Project(
                line=name_line,
                name=_ENUMERATOR.sub("", heading).strip(),
                amount=(
                    self._amount(name_line, amount.group(1), AmountUnit.WAN_YUAN, "预算", heading)[
                        0
                    ]
                    if amount
                    else None
                ),
                annual_target=self.context.target,
                indicators=indicators,
            )
        )

    def _sections_here(self) -> list[Section]:
        path = [text for _, text in self.context.headings]
        return [s for s in self.sections if s.heading_path == path]


def _heading_level(text: str) -> int:
    stripped = text.lstrip()
    return len(stripped) - len(stripped.lstrip("#"))


def _enumeration(text: str) -> str | None:
    """The numbering style of a heading: 一、 or （一） or 1., None when unnumbered."""
    folded = comparable(text)
    if re.match(r"^[一二三四五六七八九十]+、", folded):
        return "ordinal"
    if re.match(r"^\([一二三四五六七八九十]+\)", folded):
        return "parenthesised"
    if re.match(r"^\d+[.、]", folded):
        return "numbered"
    return None


def _after_colon(text: str) -> str:
    return re.split(r"[:：]", clean(text), maxsplit=1)[-1].strip()


def _is_code_header(cells: Cells) -> bool:
    return any("编码" in comparable(cell) for cell in cells)


def _is_subheader(cells: Cells, code_col: int, name_col: int) -> bool:
    """The second header row: nothing under code and name, words (not amounts) elsewhere."""
    if any(comparable(cells[i]) for i in (code_col, name_col) if i < len(cells)):
        return False
    words = [comparable(c) for c in cells if comparable(c)]
    return bool(words) and not any(re.fullmatch(r"[-\d.,*]+", w) for w in words)


def _quantum(unit: AmountUnit, decimals: int) -> int:
    """One unit of the last printed decimal place, in fen."""
    return max(unit.fen // int(10 ** min(decimals, 6)), 1)


def _longest_names(tables: list[Table], kind: LineKind) -> dict[str, str]:
    """The fullest printed name of each department or unit code (PDF columns cut names short)."""
    names: dict[str, str] = {}
    for table in tables:
        for row in table.rows:
            if (
                row.kind is kind
                and row.code
                and len(row.printed_name) > len(names.get(row.code, ""))
            ):
                names[row.code] = row.printed_name
    return names


_TITLE_DEPARTMENT = re.compile(r"^(.+?)\s*20\d\d\s*年")


def _title_department(title: str) -> str | None:
    """The department a title names before its year (咸宁市经信局 2023 年部门预算公开)."""
    match = _TITLE_DEPARTMENT.match(title)
    return match.group(1) if match else None
