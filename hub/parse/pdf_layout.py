"""The nine-table PDF layout of Shanghai district budgets: 财务收支预算总表 … 机关运行经费.

A document of cover, contents, prose and tables: tables are found by their titles, carry their
own unit (单位：元 or 万元) and are read cell by cell by position (:mod:`hub.parse.pdf_tables`);
the prose gives the sections, the glossary, the units and the amounts the text states.
Departments print no codes: they are known by name.
"""

from __future__ import annotations

import re

from hub.catalog import Catalog
from hub.domain import SPLITS, BudgetTable, Scope, ThreePublicItem
from hub.money import AmountUnit, within_rounding
from hub.parse import narrative
from hub.parse.cells import comparable, cut_unit, unit_of
from hub.parse.errors import ParseError
from hub.parse.model import (
    Draft,
    Source,
    Table,
    ThreePublicTable,
    UnreadTable,
)
from hub.parse.pdf import Grid, Page, TextLine
from hub.parse.pdf_performance import PendingTargets, read_targets
from hub.parse.pdf_tables import ORDINAL, PendingTable, TableReader, add_fragment
from hub.parse.vocabulary import (
    is_final_account,
    looks_like_title,
    other_table,
    table_of,
    targets_of,
)

__all__ = ["looks_like_pdf_layout", "parse_pdf_layout"]

_YEAR = re.compile(r"(20\d\d)\s*年")
_CONTENTS = re.compile(r"…|\.{4,}|目\s*录")
_DEPARTMENT = re.compile(
    r"(?:预算主管部门|编制部门|编制单位|部门名称|单位名称|预算单位|部门)[:：]\s*(\S+)"
)


def _title_table(text: str) -> BudgetTable | None:
    return table_of(comparable(text))


def titles(pages: list[Page]) -> list[str]:
    """Every line of the pages that reads as a table's title, above a table or in its first
    rows: what a refusal says was found."""
    return [
        text
        for page in pages
        if page.grids
        for text in [line.text for line in page.lines] + _captions(page)
        if looks_like_title(comparable(text))
    ]


def looks_like_pdf_layout(pages: list[Page]) -> bool:
    """Whether some page carries a ruled table under a title the reader knows (printed above
    the table, or in its first rows)."""
    return any(_title_table(text) for text in titles(pages))


def _captions(page: Page) -> list[str]:
    return [caption for grid in page.grids for caption in _peel(grid)[0]]


def _heading(line: str) -> bool:
    text = comparable(line)
    return 0 < len(text) <= 30 and not text.endswith(("。", "；")) and not ORDINAL.match(text)


def parse_pdf_layout(
    source: Source, pages: list[Page], catalog: Catalog, narrative: list[Page] | None = None
) -> Draft:
    """Read a disclosure's pages; ``narrative`` holds the pages of its other file where it is
    published as two (Beijing: 附件1 the narrative with the cover, 附件2 the tables)."""
    first = narrative[0] if narrative else (pages[0] if pages else None)
    cover = [line.text for line in first.lines] if first else []
    title = cover[0] if cover else source.name
    year_match = _YEAR.search(title)
    year = int(year_match.group(1)) if year_match else None
    if year is None:
        year = next(
            (int(m.group(1) or m.group(2)) for t in cover[:4] if (m := _COVER_YEAR.search(t))), None
        )
    department = next((m.group(1) for t in cover if (m := _DEPARTMENT.search(t))), None)
    department = department or _cover_department(cover)
    reader = TableReader(source, catalog, year)

    listed: list[BudgetTable] = []
    finished: list[PendingTable] = []
    targets: list[PendingTargets] = []
    pending: PendingTable | PendingTargets | None = None
    parts: list[tuple[str, list[tuple[int, str]]]] = []
    unread: list[UnreadTable] = []

    walked = (narrative[1:] if narrative else []) + (
        pages if narrative or (pages and pages[0].grids) else pages[1:]
    )
    unread_through = 0
    for page in walked:
        if page.skimmed:  # the unread table goes on: only its titles were read
            for line in page.lines:
                pending = _line(line.text, page.number, pending, finished, targets, unread)
            unread_through = page.number
            continue
        lines = [line.text for line in page.lines]
        # The contents (目录), printed as lines or inside a ruled frame.
        texts = lines + [cell.text for grid in page.grids for row in grid.rows for cell in row]
        if any(_CONTENTS.search(text) for text in texts[:3]):
            listed += [t for text in texts if (t := _title_table(_CONTENTS.split(text)[0]))]
            continue
        # A page of prose; a title at the foot of a page is a table's whose grid is overleaf.
        if not page.grids and not any(_title_table(text) for text in lines[-3:]):
            if lines and _heading(lines[0]):
                parts.append((lines[0].strip(), []))
                lines = lines[1:]
            elif not parts:
                parts.append(("", []))
            parts[-1][1].extend((page.number, text) for text in lines)
            pending = None
            continue
        for block in page.blocks():
            if isinstance(block, TextLine):
                if department is None and (m := _DEPARTMENT.search(block.text)):
                    department = m.group(1)
                pending = _line(block.text, page.number, pending, finished, targets, unread)
                continue
            captions, grid = _peel(block)
            for caption in captions:
                if department is None and (m := _DEPARTMENT.search(caption)):
                    department = m.group(1)
                pending = _line(caption, page.number, pending, finished, targets, unread)
            if isinstance(pending, PendingTargets):
                pending.fragments.append((page.number, grid, _around(page, block)))
            elif pending is not None:
                if pending.failure is None:
                    try:
                        add_fragment(reader, pending, page.number, grid)
                    except ParseError as exc:
                        pending.failure = exc.message
            elif max(unread_through, unread[-1].page if unread else 0) < page.number - 1:
                unread.append(UnreadTable(page.number, "a ruled table with no title", _NO_MODEL))
            if pending is None:
                unread_through = page.number  # the unread table goes on over this page

    finals = [u.title for u in unread if is_final_account(comparable(u.title))]
    if (finals or _final(pages)) and not any(
        t.kind is BudgetTable.GENERAL_FUNCTIONAL for t in finished
    ):
        raise ParseError(
            source.name,
            None,
            "a final account (决算), not a budget (预算): final accounts are not read yet"
            + (f" (tables such as {finals[0]!r})" if finals else ""),
        )
    if year is None:  # a file of tables alone: the year its titles print (2019年政府采购预算表)
        titles = [t.title for t in finished] + [u.title for u in unread]
        year = next((int(m.group(1)) for t in titles if (m := _YEAR.search(t))), None)
    _units(finished)
    tables, three_public = _tables(reader, finished, unread)
    projects, unread_targets = read_targets(targets, _document_unit(finished))
    unread += unread_targets
    parsed = Draft(
        title=title,
        fiscal_year=year,
        listed_tables=listed,
        tables=tables,
        three_public=three_public,
        department_name=department,
        unread_tables=unread,
        scope=_scope(cover, finished),
        projects=projects,
        pages=len(pages),
    )
    _prose(parsed, parts)
    return parsed


def _tables(
    reader: TableReader, finished: list[PendingTable], unread: list[UnreadTable]
) -> tuple[dict[BudgetTable, Table], ThreePublicTable | None]:
    """Each table read, or reported unread with its reason; the functional table (table 5)
    is the one a document cannot do without."""
    tables: dict[BudgetTable, Table] = {}
    three_public: ThreePublicTable | None = None
    for done in finished:
        if not done.columns and done.failure is None:  # a title with no table under it
            continue
        try:
            if done.kind in tables or (done.kind is BudgetTable.THREE_PUBLIC and three_public):
                raise reader.error(done.page, f"{done.title}: a second table of this kind")
            if done.failure is not None:
                raise reader.error(done.page, done.failure)
            read = reader.table(done)
            if not done.ruled and (why := _unproven(read)):
                raise reader.error(
                    done.page,
                    f"{done.title}: printed without ruling lines, its columns found by the "
                    f"positions of its words, and {why}: which column a figure is under is "
                    "not certain",
                )
        except ParseError as exc:
            if done.kind is BudgetTable.GENERAL_FUNCTIONAL:
                raise
            unread.append(UnreadTable(done.page, done.title, exc.message, failed=True))
            continue
        if isinstance(read, ThreePublicTable):
            three_public = read
        else:
            tables[done.kind] = read
    return tables, three_public


def _unproven(table: Table | ThreePublicTable) -> str | None:
    """Why the columns of a table found by the positions of its words are not proven, or None:
    every amount column must be part of a sum each row satisfies (合计 = 基本支出 + 项目支出 …)."""
    sums: list[tuple[str, tuple[str, ...]]]
    if isinstance(table, ThreePublicTable):
        tp = ThreePublicItem
        sums = [
            (tp.TOTAL, (tp.OVERSEAS, tp.RECEPTION, tp.VEHICLES)),
            (tp.VEHICLES, (tp.VEHICLE_PURCHASE, tp.VEHICLE_OPERATION)),
        ]
        own = {str(r.item): r.amount for r in table.rows if r.item and r.breakdown is None}
        rows: list[tuple[str, dict[str, int | None]]] = [("of figures", own)]
        known = set(own)
    else:
        sums = [(whole, parts) for whole, parts in SPLITS]
        rows = [(r.printed_name, {str(m): a for m, a in r.amounts.items()}) for r in table.rows]
        known = {str(m) for m in table.measures}
    if len(known) <= 1:
        return None
    proven: set[str] = set()
    for whole, parts in sums:
        if whole not in known or not set(parts) <= known:
            continue
        for name, values in rows:
            stated, summed = values.get(whole), [values.get(p) for p in parts]
            if stated is None and all(v is None for v in summed):
                continue
            difference = (stated or 0) - sum(v or 0 for v in summed)
            if not within_rounding(difference, len(parts), table.quantum):
                return f"in row {name} {whole} is not the sum of its parts"
        proven |= {whole, *parts}
    if known - proven:
        return "no sum of its columns proves where " + ", ".join(sorted(known - proven)) + " is"
    return None


_NO_MODEL = "a table the hub has no model for"
_PEEL_WIDTH = 0.9
_LABEL_ONLY = re.compile(r"^(?:部门)?(?:公开|预算)?表?[0-9一二三四五六七八九十]+表?$")


def _around(page: Page, grid: Grid) -> tuple[TextLine, ...]:
    """The page's text lines between a grid and the grids above and below it."""
    at = page.grids.index(grid)
    upper = page.grids[at - 1].bottom if at else float("-inf")
    lower = page.grids[at + 1].top if at + 1 < len(page.grids) else float("inf")
    return tuple(
        line for line in page.lines if upper < line.top < grid.top or grid.bottom < line.top < lower
    )


def _peel(grid: Grid) -> tuple[list[str], Grid]:
    """Rows above a grid's header that hold only captions (a title, 单位：万元, 部门：…, a row
    spanning the grid whole, or nothing at all) are read as lines, not as headers."""
    width = grid.columns[-1][1] - grid.columns[0][0] if grid.columns else 0
    captions: list[str] = []
    rows = list(grid.rows)
    while rows:
        texts = [line for cell in rows[0] for line in (cell.lines or (cell.text,)) if line.strip()]
        spans = len(rows[0]) == 1 and rows[0][0].x1 - rows[0][0].x0 >= _PEEL_WIDTH * width
        if not spans and not all(_caption_text(text) for text in texts):
            break
        captions.extend(texts)
        rows.pop(0)
    if len(rows) == len(grid.rows):
        return captions, grid
    return captions, Grid(grid.top, grid.bottom, grid.columns, tuple(rows))


def _caption_text(text: str) -> bool:
    folded = comparable(text)
    return bool(
        looks_like_title(folded)
        or unit_of(text)
        or _DEPARTMENT.search(text)
        or _LABEL_ONLY.match(folded)
    )


def _line(
    text: str,
    page: int,
    pending: PendingTable | PendingTargets | None,
    finished: list[PendingTable],
    targets: list[PendingTargets],
    unread: list[UnreadTable],
) -> PendingTable | PendingTargets | None:
    folded = comparable(text)
    if (kind := targets_of(folded)) is not None:
        if isinstance(pending, PendingTargets) and comparable(pending.title) == folded:
            return pending  # the title printed again over the table's next page
        targets.append(PendingTargets(text.strip(), page, kind))
        return targets[-1]
    if isinstance(pending, PendingTargets):
        if _title_table(text) is None and not other_table(folded):
            pending.unit = unit_of(text) or pending.unit
            return pending
        pending = None
    if _other_title(text):  # a table the hub does not model: its grids are left alone
        unread.append(UnreadTable(page, text.strip(), _NO_MODEL))
        return None
    return _caption(TextLine(0, text), page, pending, finished)


def _scope(cover: list[str], finished: list[PendingTable]) -> Scope:
    """单位预算: a cover that says so, or tables titled for a 预算单位 (2025年预算单位…表)."""
    said = comparable("".join(cover[:3]))
    if "单位预算" in said and "部门预算" not in said:
        return Scope.UNIT
    unit_titles = [t for t in finished if "预算单位" in t.title and "部门" not in t.title]
    return Scope.UNIT if finished and len(unit_titles) > len(finished) // 2 else Scope.DEPARTMENT


def _final(pages: list[Page]) -> bool:
    """Whether the cover says final account (决算)."""
    return bool(pages) and any("决算" in line.text for line in pages[0].lines[:4])


_COVER_NOISE = re.compile(r"20\d\d\s*年度?|年度|\s+")
_COVER_YEAR = re.compile(r"(20\d\d)\s*年|^\s*(20\d\d)\s*$")
_COVER_END = re.compile(r"(?:部门|单位)?(?:综合)?预算.*$")


def _cover_department(cover: list[str]) -> str | None:
    """The department a cover names (西安市审计局（汇总） 2026年部门预算公开说明)."""
    text = _COVER_END.sub("", _COVER_NOISE.sub("", "".join(cover[:3])))
    return text if 2 <= len(text) <= 40 else None


def _prose(parsed: Draft, parts: list[tuple[str, list[tuple[int, str]]]]) -> None:
    """Sections, glossary, units and stated amounts from the parts of prose, by heading."""
    prose: list[narrative.Paragraph] = []
    for heading, numbered in parts:
        body = narrative.paragraphs(numbered)
        prose += body
        parsed.sections += narrative.sections(heading, body)
        if "名词解释" in heading:
            parsed.glossary += narrative.glossary(body)
        if "机构设置" in heading:
            parsed.units = narrative.units(body)
            kinds = narrative.unit_kinds(body)
            if "institution" in kinds:
                parsed.administrative_only = kinds["institution"] == 0
    parsed.claims = narrative.claims(prose)


def _other_title(text: str) -> bool:
    """A table title this layout does not read (项目绩效目标表, …): its grids are left alone."""
    return other_table(comparable(text))


def _caption(
    line: TextLine, page: int, pending: PendingTable | None, finished: list[PendingTable]
) -> PendingTable | None:
    """A text line on a page of tables: a title starts a table; unit lines and notes attach."""
    kind = _title_table(line.text)
    if kind is not None and pending is not None and pending.kind is kind and pending.columns:
        return pending  # the title printed again over the table's next page
    if kind is not None:
        started = PendingTable(kind, line.text.strip(), page)
        finished.append(started)
        return started
    if pending is not None:
        unit = unit_of(line.text)
        if unit is None and pending.unit_start and comparable(line.text) == "元":
            unit = AmountUnit(pending.unit_start + "元")  # 单位：万 / 元, split over two lines
        if unit is not None:
            pending.unit = unit
        elif start := cut_unit(line.text):
            pending.unit_start = start
        elif "空表" in line.text:
            pending.declared_empty = True
    return pending


def _document_unit(finished: list[PendingTable]) -> AmountUnit | None:
    """The document's unit: the one every table that states one states."""
    stated = {t.unit for t in finished if t.unit is not None}
    return stated.pop() if len(stated) == 1 else None


def _units(finished: list[PendingTable]) -> None:
    """A table without a unit line of its own: the unit in its header (预算数（单位：万元）), else
    the document's."""
    document_unit = _document_unit(finished)
    for table in finished:
        if table.unit is None:
            in_header = {u for c in table.columns for p in c.path if (u := unit_of(p))}
            table.unit = in_header.pop() if len(in_header) == 1 else document_unit
