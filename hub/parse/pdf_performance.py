"""Projects' performance targets (项目绩效目标表) from ruled tables, in either of two forms.

- A card per project (中央高校, 西安, 福州, 国家信访局): label rows 项目名称 / 资金总额 / 年度目标,
  then a 一级指标 / 二级指标 / 三级指标 / 指标值 header and a row per indicator.
- A list (北京 预算12表, 长沙): one header with 项目名称, 项目总额, 绩效目标 and the indicator
  columns, a project's own cells printed on its first indicator row only.

Columns are known by their header words (:data:`hub.parse.vocabulary.TARGET_COLUMNS`) and cells
are placed by position, so a table that goes on over the next page without its header is read
with the header before. A cell under no column, indicators with no project above them, or an
amount without a unit leave the table unread; a cell whose text a page break leaves outside the
rules (a merged 项目名称 or 一级指标) leaves its project unread: a project is never stored with a
wrong figure, nor an indicator under another project.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hub.domain import TargetKind
from hub.money import AmountUnit
from hub.parse.cells import comparable, indicator_value, parse_amount
from hub.parse.model import IndicatorRow, Project, UnreadTable
from hub.parse.pdf import Cell, Grid, TextLine, footer
from hub.parse.vocabulary import looks_like_title, target_role

__all__ = ["PendingTargets", "read_targets"]


@dataclass
class PendingTargets:
    """A performance-target table being gathered, grid by grid, page by page."""

    title: str
    page: int
    kind: TargetKind
    unit: AmountUnit | None = None
    fragments: list[tuple[int, Grid, tuple[TextLine, ...]]] = field(default_factory=list)
    """Each grid with its page and the page's text lines just above and below it."""


class _Unread(Exception):
    def __init__(self, page: int, reason: str) -> None:
        super().__init__(reason)
        self.page = page
        self.reason = reason


_SLACK = 2.0
"""Points a cell may stand out of its column's rules (a rule drawn twice, a rounding)."""


@dataclass(frozen=True)
class _Header:
    columns: tuple[tuple[str, float, float], ...]
    """Each column's role and horizontal extent."""

    @property
    def listed(self) -> bool:
        """The list form: the projects' names in a column of their own."""
        return any(role == "project" for role, _, _ in self.columns)

    def place(self, page: int, row: tuple[Cell, ...]) -> dict[str, str]:
        placed: dict[str, str] = {}
        for cell in row:
            if not cell.text.strip():
                continue
            roles = [
                r for r, x0, x1 in self.columns if x0 - _SLACK <= cell.x0 and cell.x1 <= x1 + _SLACK
            ]
            if len(roles) != 1 or roles[0] in placed:
                raise _Unread(page, f"{cell.text!r} is under no one column of the header")
            if roles[0]:  # not a column printed beside the targets (分值, 其中：财政资金 …)
                placed[roles[0]] = cell.text.strip()
        return placed


def _header(row: tuple[Cell, ...], above: tuple[tuple[Cell, ...], ...]) -> _Header | None:
    """The indicator header (一级指标 … 指标值), with the columns the list form heads in the rows
    above, over rows the header row leaves to them (单位（项目）名称 / 资金总额 / 绩效目标 beside
    绩效指标 over 一级指标 …); ``above`` nearest first."""
    columns = [(target_role(comparable(c.text)) or "", c.x0, c.x1) for c in row]
    roles = {role for role, _, _ in columns}
    if not ({"level1", "level2", "value"} <= roles or {"project", "target"} <= roles):
        return None
    for upper in above:
        columns += [
            (target_role(comparable(c.text)) or "", c.x0, c.x1)
            for c in upper
            if not any(x0 - 1 <= (c.x0 + c.x1) / 2 <= x1 + 1 for _, x0, x1 in columns)
        ]
    roles = {role for role, _, _ in columns}
    if "project" not in roles and "holder" in roles:  # 单位名称: whose overall targets
        columns = [("project" if r == "holder" else r, x0, x1) for r, x0, x1 in columns]
    elif not roles & {"project", "holder"}:
        columns = [(r, x0, x1) for r, x0, x1 in columns if r not in _PROJECT_ROLES]  # a card's
    columns = [("" if r == "holder" else r, x0, x1) for r, x0, x1 in columns]
    return _Header(tuple(sorted(columns, key=lambda column: column[1])))


_CARD_NAMES = {"项目名称", "部门(单位)名称", "部门名称", "单位名称"}
_CARD_TARGET = re.compile(r"^(?:年度)?(?:总体|整体)?(?:绩效)?目标$")
_CARD_AMOUNTS = ("资金总额", "金额合计")
_CARD_UNIT = re.compile(r"[(（](千元|万元|元)[)）]")
_TOTAL = {"合计", "总计"}
_PROJECT_ROLES = {"project", "amount", "target"}
_CELL_ROLES = {"project", "amount", "level1", "level2", "name", "value"}
"""Columns narrow enough that a line within one of them is a cell's text."""
_FIGURE = re.compile(r"[-—]+|-?[\d,]+(?:\.\d+)?")


def _texts(row: tuple[Cell, ...]) -> list[str]:
    return [cell.text.strip() for cell in row if cell.text.strip()]


@dataclass
class _Reading:
    """The projects read so far, and what goes on over the next grid or page."""

    projects: list[Project] = field(default_factory=list)
    header: _Header | None = None
    current: Project | None = None
    unit: AmountUnit | None = None
    levels: tuple[str, str] = ("", "")
    loose: list[tuple[int, str]] = field(default_factory=list)
    """Rows read before a header or a card, as (page, first text)."""
    doubtful: bool = False
    """Whose the rows are is not certain: they are passed by until a row names a project."""
    doubts: list[tuple[int, str]] = field(default_factory=list)
    """Why projects were dropped, as (page, reason)."""
    kind: TargetKind = TargetKind.PROJECT
    card: int | None = None
    """The page of the card being read, until its indicator header comes."""

    def start(self, page: int, name: str, amount: int | None, target: str | None) -> None:
        self.current = Project(page, name, amount, target or None, [], self.kind)
        self.projects.append(self.current)
        self.levels, self.doubtful = ("", ""), False

    def _amount(self, page: int, text: str | None) -> int | None:
        if text is None or not comparable(text).strip("-—"):
            return None
        if self.unit is None:
            raise _Unread(page, f"the amount {text!r} has no unit")
        try:
            return parse_amount(text, self.unit)[0]
        except ValueError as exc:
            raise _Unread(page, f"the amount {text!r}: {exc}") from None

    def grid(self, page: int, grid: Grid, around: tuple[TextLine, ...]) -> None:
        rows = grid.rows
        headers = {
            i: h
            for i, row in enumerate(rows)
            if (h := _header(row, rows[i - 1 :: -1] if i else ()))
        }
        own = self._own_columns(_PROJECT_ROLES)
        if not headers and own and not _covers(grid, own):
            self._doubt(page, "the projects' own columns are not ruled on this page")
            return
        goes_on = not headers and not (rows and _opens_card(rows[0]))
        if goes_on and self._overflow([line for line in around if line.top < grid.top]):
            self._doubt(page, "a cell's text is printed above the table's first rule")
        for i, row in enumerate(rows):
            if i in headers:
                self.header, self.loose, self.card = headers[i], [], None
            elif not any(j > i and headers[j].listed for j in headers):  # a list's upper header
                self.row(page, row)
        below = [line for line in around if line.top > grid.bottom]
        opens = next((i for i, line in enumerate(below) if _opens_table(line.text)), len(below))
        if self._overflow(below[:opens]):  # the lines up to a heading or title below
            self._doubt(page, "a cell's text is printed below the table's last rule")

    def _overflow(self, lines: list[TextLine]) -> bool:
        """Whether a line lies within one column of the header, outside the rules: a merged
        cell's text printed beyond the page's grid (its cell split by the page break)."""
        if self.header is None:
            return False
        columns = [(x0, x1) for r, x0, x1 in self.header.columns if r in _CELL_ROLES]
        return any(
            x0 - _SLACK <= line.x0 and line.x1 <= x1 + _SLACK
            for line in lines
            if not footer(line.text)
            for x0, x1 in columns
        )

    def _own_columns(self, roles: set[str]) -> tuple[float, float] | None:
        """The horizontal extent of a list's columns of the given roles (项目名称, 金额 …)."""
        if self.header is None or not self.header.listed:
            return None
        own = [(x0, x1) for r, x0, x1 in self.header.columns if r in roles]
        return min(x0 for x0, _ in own), max(x1 for _, x1 in own)

    def _doubt(self, page: int, reason: str) -> None:
        """Where the rows here belong is not certain (a cell's text printed outside the rules):
        the project read last is dropped, and in a list the next one, whose name is unread."""
        if self.doubtful:
            return  # said already
        listed = self.header is not None and self.header.listed
        dropped = self.current.name if self.current else "a project"
        if listed:
            dropped += " and the project after it"
        if self.current is not None:
            self.projects.remove(self.current)
        self.doubts.append((page, f"{reason}: the targets of {dropped} are not stored"))
        self.current, self.doubtful = None, True

    def row(self, page: int, row: tuple[Cell, ...]) -> None:
        texts = _texts(row)
        if not texts:
            return
        if comparable(texts[0]) in _CARD_NAMES:  # a new card
            self.close()
            self.header, self.card = None, page
            self.start(page, texts[1] if len(texts) > 1 else "", None, None)
            return
        if self.header is None:
            self._label(page, texts)
            return
        self._indicator(page, self.header.place(page, row))

    def close(self) -> None:
        """Rows that were neither a card's nor under a header, or a card without the header
        of its indicators, leave the table unread."""
        if self.loose:
            page, text = self.loose[0]
            raise _Unread(page, f"{text!r} is under no header and in no card (项目名称)")
        if self.card is not None:
            raise _Unread(
                self.card,
                "a card without the header of its indicators (一级指标 / 二级指标 / 指标值)",
            )

    def _label(self, page: int, texts: list[str]) -> None:
        """A card's label row (资金总额 / 年度目标); the others (主管部门 …) say nothing kept."""
        if self.current is None:
            self.loose.append((page, texts[0]))
            return
        folded = [comparable(text) for text in texts]
        for text in texts:
            if match := _CARD_UNIT.search(comparable(text)):
                self.unit = AmountUnit(match.group(1))
        if _CARD_TARGET.match(folded[0]) and len(texts) > 1:
            self.current.annual_target = texts[1]
        elif len(texts) == 1 and self.current.amount is not None and not self.current.annual_target:
            # the target whose label (年度总体目标) is printed beyond the page's rules
            self.current.annual_target = None if _FIGURE.fullmatch(folded[0]) else texts[0]
        at = next((i for i, t in enumerate(folded) if any(a in t for a in _CARD_AMOUNTS)), None)
        if at is not None:
            figures = [t for t in texts[at + 1 :] if _FIGURE.fullmatch(comparable(t))]
            self.current.amount = self._amount(page, figures[0] if figures else None)

    def _indicator(self, page: int, placed: dict[str, str]) -> None:
        if self.header is not None and self.header.listed and "project" in placed:
            name = placed["project"]
            if comparable(name) in _TOTAL or not (
                {"level1", "name", "value", "target"} & placed.keys()
            ):
                self.current = None  # the total, or a unit's row above its projects
                return
            name, amount = _PROJECT_CODE.sub("", name), self._amount(page, placed.get("amount"))
            if self.current is None or (name, amount) != (self.current.name, self.current.amount):
                self.start(page, name, amount, placed.get("target"))
            # else the project printed again over the next page: it goes on
        if self.doubtful or not {"name", "value"} & placed.keys():  # or an empty template's
            return
        if self.current is None:
            raise _Unread(page, f"the indicator {placed.get('name', '')!r} has no project above it")
        level1 = placed.get("level1") or self.levels[0]
        level2 = placed.get("level2") or (self.levels[1] if "level1" not in placed else "")
        self.levels = (level1, level2)
        value = _value(placed)
        comparator, number, unit = indicator_value(value)
        self.current.indicators.append(
            IndicatorRow(
                page, level1, level2, placed.get("name", ""), value, comparator, number, unit
            )
        )


_PROJECT_CODE = re.compile(r"^[0-9A-Z\s]{8,}-")
"""A project code printed before the name (11000022T000000444194-法律援助办案)."""
_QUALITATIVE = {"定性", "定量"}


def _value(placed: dict[str, str]) -> str:
    """The target as one text: ≥ / 3000 / 万元 in three columns read ≥3000万元."""
    comparator = placed.get("comparator", "")
    if comparable(comparator) in _QUALITATIVE:
        comparator = ""
    return f"{comparator}{placed.get('value', '')}{placed.get('unit', '')}".strip()


def read_targets(
    pending: list[PendingTargets], default_unit: AmountUnit | None
) -> tuple[list[Project], list[UnreadTable]]:
    """The projects of a document's performance-target tables, in printed order; a table that
    cannot be read is reported unread and none of its projects kept. A table that goes on
    under a title of its own with no header of its own is read as the one before."""
    projects: list[Project] = []
    unread: list[UnreadTable] = []
    reading, first = _Reading(), ""
    for table in pending:
        if not table.fragments:
            continue
        if table.kind is not reading.kind or _starts_afresh(table.fragments[0][1]):
            projects += reading.projects
            reading, first = _Reading(kind=table.kind), table.title
        first = first or table.title
        reading.unit = table.unit or reading.unit or default_unit
        title = table.title if table.title == first else f"{first} … {table.title}"
        try:
            for page, grid, around in table.fragments:
                reading.grid(page, grid, around)
            reading.close()
        except _Unread as exc:
            unread.append(UnreadTable(exc.page, title, exc.reason, failed=True))
            reading, first = _Reading(kind=table.kind), ""  # none of the table's projects is kept
        unread += [UnreadTable(page, title, why, failed=True) for page, why in reading.doubts]
        reading.doubts = []
    # An empty card (a template printed with no project in it) is no project.
    return [p for p in projects + reading.projects if p.name or p.indicators], unread


_HEADING = re.compile(r"^(?:[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)")


def _opens_table(text: str) -> bool:
    """A heading or a title: what follows it is the next table's, not this one's."""
    return bool(_HEADING.match(text.strip())) or looks_like_title(comparable(text))


def _covers(grid: Grid, extent: tuple[float, float]) -> bool:
    """Whether some cell of the grid lies under the given columns."""
    x0, x1 = extent
    return any(x0 <= (cell.x0 + cell.x1) / 2 <= x1 for row in grid.rows for cell in row)


def _opens_card(row: tuple[Cell, ...]) -> bool:
    texts = _texts(row)
    return bool(texts) and comparable(texts[0]) in _CARD_NAMES


def _starts_afresh(grid: Grid) -> bool:
    """Whether a table's first grid opens a card or prints its own header."""
    rows = grid.rows[:4]
    return any(
        _opens_card(row) or _header(row, rows[i - 1 :: -1] if i else ())
        for i, row in enumerate(rows)
    )
