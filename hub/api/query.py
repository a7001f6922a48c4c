"""The entry points of the API."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from hub import __version__, domain
from hub.api.context import Context
from hub.api.errors import UserError
from hub.api.ids import GlobalIdError, decode_id
from hub.api.types.administration import Department, Region
from hub.api.types.catalog import Subject, subject, subjects
from hub.api.types.changes import Change
from hub.api.types.common import Info, Node, Scheme, Scope
from hub.api.types.connections import Connection, connection
from hub.api.types.disclosure import (
    BudgetNode,
    Disclosure,
    Finding,
    GlossaryEntry,
    Indicator,
    NarrativeSection,
    Project,
    SummaryLine,
    ThreePublicLine,
    disclosure_tree,
)
from hub.api.types.rollup import MAX_DEPARTMENTS, RollupNode, rollup
from hub.query.pages import CHANGE_CURSOR, MAX_PAGE, CursorError, decode_cursor, page_of
from hub.query.reads import AmbiguousError
from hub.query.rollups import TABLE_OF_SCHEME, RollupKey
from hub.query.trees import walk
from hub.store import entities

__all__ = ["Query"]

# Types found by their row's primary key: (entity, wrap the row).
_BY_ROW: dict[str, tuple[Any, Callable[[Any], Node]]] = {
    "Region": (entities.Region, lambda row: Region(row=row)),
    "Department": (entities.Department, lambda row: Department(row=row)),
    "Disclosure": (entities.Disclosure, lambda row: Disclosure(row=row)),
    "Change": (entities.Change, lambda row: Change(row=row)),
    "Finding": (entities.Finding, lambda row: Finding(row=row)),
    "Project": (entities.PerformanceProject, lambda row: Project(row=row)),
    "Indicator": (entities.Indicator, lambda row: Indicator(row=row)),
    "NarrativeSection": (entities.NarrativeSection, lambda row: NarrativeSection(row=row)),
    "GlossaryEntry": (entities.GlossaryEntry, lambda row: GlossaryEntry(row=row)),
    "ThreePublicLine": (entities.ThreePublicLine, lambda row: ThreePublicLine(row=row)),
    "SummaryLine": (entities.BudgetLine, lambda row: SummaryLine(line=row)),
}


def _number(value: str) -> int:
    if not (value.isascii() and value.isdigit()):
        raise GlobalIdError(value)
    return int(value)


async def _budget_node(
    info: Info[Context, None], line_id: int | None, key: tuple[int, domain.BudgetTable, str] | None
) -> Node | None:
    """A node by its line's id, or (a 类 or 款 its table does not print) by its code."""
    if line_id is not None:
        [line] = await info.context.reader.load_by_id(entities.BudgetLine, [line_id])
        if line is None or line.kind is not domain.LineKind.SUBJECT:
            return None
        key = (line.disclosure_id, line.table, line.code or "")
    assert key is not None
    disclosure_id, table, code = key
    disclosure = await info.context.disclosures.load(disclosure_id)
    if disclosure is None:
        return None
    roots = await disclosure_tree(info, disclosure_id, table, disclosure.fiscal_year)
    return next(
        (
            BudgetNode.of(node)
            for node in walk(roots)
            if node.line.id == line_id and node.line.code == code
        ),
        None,
    )


async def _part(info: Info[Context, None], key: list[str]) -> Node | None:
    """A value that belongs to a node: its owner's id, the field holding it, a key within."""
    owner_id, field, *rest = key
    owner = await _node(info, *decode_id(owner_id))
    if owner is None:
        return None
    if isinstance(owner, BudgetNode) and field in {"stated", "computed"}:
        amounts: Node = owner.stated() if field == "stated" else owner.computed()
        return amounts
    if isinstance(owner, Disclosure):
        parts: dict[str, Callable[[], Awaitable[Node | None]]] = {
            "functionalTotal": lambda: owner.functional_total(info),
            "economicTotal": lambda: owner.economic_total(info),
            "fundTotal": lambda: owner.fund_total(info),
            "threePublic": lambda: owner.three_public(info),
        }
        if field == "source":
            source: Node = owner.source()
            return source
        if field == "withdrawal":
            withdrawal: Node | None = owner.withdrawal()
            return withdrawal
        if field in parts:
            return await parts[field]()
    if isinstance(owner, RollupNode) and len(rest) == 1:
        if field == "inYear":
            comparison: Node | None = await owner.in_year(info, _number(rest[0]))
            return comparison
        if field == "byDepartment":
            shares = await owner.by_department(info, first=MAX_DEPARTMENTS)
            return next((s for s in shares if s.department_id == _number(rest[0])), None)
    raise GlobalIdError(field)


async def _node(info: Info[Context, None], type_name: str, key: list[str]) -> Node | None:
    if type_name in _BY_ROW and len(key) == 1:
        entity, wrap = _BY_ROW[type_name]
        [row] = await info.context.reader.load_by_id(entity, [_number(key[0])])
        if row is None or (type_name == "SummaryLine" and row.kind is not domain.LineKind.ITEM):
            return None
        return wrap(row)
    if type_name == "BudgetNode" and len(key) == 1:
        return await _budget_node(info, _number(key[0]), None)
    if type_name == "BudgetNode" and len(key) == 3 and key[1] in domain.BudgetTable.__members__:
        unprinted = (_number(key[0]), domain.BudgetTable(key[1]), _code(key[2]))
        return await _budget_node(info, None, unprinted)
    if type_name == "Subject" and len(key) == 3 and key[0] in domain.Scheme.__members__:
        return await subject(info, domain.Scheme(key[0]), _code(key[1]), _number(key[2]))
    if type_name == "Part" and len(key) >= 2:
        return await _part(info, key)
    if type_name == "RollupNode" and len(key) == 4 and key[0] in domain.Scheme.__members__:
        scheme = domain.Scheme(key[0])
        if scheme not in TABLE_OF_SCHEME:
            raise GlobalIdError(key[0])
        return await rollup(info, RollupKey(scheme, _number(key[1]), key[2] or None, _code(key[3])))
    raise GlobalIdError(type_name)


def _code(code: str) -> str:
    try:
        domain.level_of(code)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    return code


def _change_cursor(argument: str, cursor: str | None) -> int | None:
    """The change id in a change feed's cursor given as ``argument``; a cursor of anything
    else is the client's mistake, named by its argument."""
    if cursor is None:
        return None
    try:
        return decode_cursor(CHANGE_CURSOR, cursor)
    except CursorError:
        raise UserError(f"{argument}: not a cursor of the change feed: {cursor!r}") from None


async def _user_errors(call: Awaitable[Any]) -> Any:
    try:
        return await call
    except (AmbiguousError, CursorError) as exc:
        raise UserError(str(exc)) from None


@strawberry.type(description="查询 The entry points of the Budget Hub API.")
class Query:
    @strawberry.field(description="版本 The version of the hub serving this API.")
    def version(self) -> str:
        return __version__

    @strawberry.field(description="节点 Any object by its global id.")
    async def node(self, info: Info[Context, None], id: strawberry.ID) -> Node | None:
        try:
            type_name, key = decode_id(str(id))
            return await _node(info, type_name, key)
        except GlobalIdError:
            raise UserError(f"not an id of this API: {id!r}") from None

    @strawberry.field(
        description="预算公开 A department's disclosure for a year: the current version unless "
        "`version` is given. `department` is the department's code or exact name; `region` "
        "(name or division code) tells apart departments of the same code in several regions; "
        "`scope` UNIT asks for a unit's own budget (单位预算) instead of the department's."
    )
    async def disclosure(
        self,
        info: Info[Context, None],
        department: str,
        year: int,
        version: int | None = None,
        region: str | None = None,
        scope: Scope = Scope.DEPARTMENT,
    ) -> Disclosure | None:
        row = await _user_errors(
            info.context.reader.find_disclosure(department, year, version, region, scope)
        )
        return Disclosure(row=row) if row else None

    @strawberry.field(description="部门列表 Departments, optionally of one region (name or code).")
    async def departments(
        self,
        info: Info[Context, None],
        region: str | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Department]:
        page = await _user_errors(info.context.reader.department_page(region, first, after))
        return connection(page, lambda row: Department(row=row))

    @strawberry.field(
        description="预算公开列表 Disclosures filtered by region, year and department (code or "
        "name) and scope (部门预算 or 单位预算); current versions only unless "
        "`includeSuperseded`. With `changedSince` (a cursor of the `changes` feed), only the "
        "versions with a change after that entry, and any such version, current or not "
        "(`includeSuperseded` aside): a withdrawal or a supersession changes an old version "
        "too. Asked in one request beside `changes(after:)` from the same cursor, both answer "
        "the same moment of the data."
    )
    async def disclosures(
        self,
        info: Info[Context, None],
        region: str | None = None,
        year: int | None = None,
        department: str | None = None,
        include_superseded: bool = False,
        first: int = 20,
        after: str | None = None,
        scope: Scope | None = None,
        changed_since: str | None = None,
    ) -> Connection[Disclosure]:
        since = _change_cursor("changedSince", changed_since)
        page = await _user_errors(
            info.context.reader.disclosure_page(
                region=region,
                year=year,
                department=department,
                include_superseded=include_superseded,
                first=first,
                after=after,
                scope=scope,
                changed_since=since,
            )
        )
        return connection(page, lambda row: Disclosure(row=row))

    @strawberry.field(
        description="变更 The change feed, for platforms that sync: every load, supersession, "
        "withdrawal, reinstatement and restoration of a disclosure version, in the order they "
        "committed, oldest first. Poll it with `after` set to the last `endCursor` you kept "
        "(none the first time): `after` is exclusive, and entries are numbered in commit "
        "order, so polling this way never misses an entry nor sees one twice. When nothing "
        "is new, `edges` is empty and `pageInfo.endCursor` is null: keep your cursor. "
        f"`first` is at most {MAX_PAGE}; while `hasNextPage`, ask again at once."
    )
    async def changes(
        self,
        info: Info[Context, None],
        after: str | None = None,
        first: int = MAX_PAGE,
    ) -> Connection[Change]:
        _change_cursor("after", after)
        page = await _user_errors(info.context.reader.change_page(first, after))
        return connection(page, lambda row: Change(row=row))

    @strawberry.field(
        description="科目列表 The catalog's nodes of a year, official and observed, by code: "
        "under a code (its whole subtree), matching `search` (a code prefix, or a piece of a "
        "name or a printed name: 行政运行)."
    )
    async def subjects(
        self,
        info: Info[Context, None],
        scheme: Scheme,
        year: int,
        under: str | None = None,
        search: str | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Subject]:
        found = await subjects(info, scheme, year, _code(under) if under else None, search)
        try:
            page = page_of(found, "subject", first, after)
        except CursorError as exc:
            raise UserError(str(exc)) from None
        return connection(page, lambda node: node)

    @strawberry.field(
        description="科目 A catalog node by scheme, code and year: its name, parent, ancestors, "
        "children and descendants."
    )
    async def subject(
        self,
        info: Info[Context, None],
        scheme: Scheme,
        code: str,
        year: int,
    ) -> Subject | None:
        return await subject(info, scheme, _code(code), year)

    @strawberry.field(
        description="汇总 A node summed over every department's current disclosure of a year "
        "(superseded versions never count), optionally within one region (name or code)."
    )
    async def rollup(
        self,
        info: Info[Context, None],
        scheme: Scheme,
        year: int,
        code: str,
        region: str | None = None,
    ) -> RollupNode | None:
        if scheme not in TABLE_OF_SCHEME:
            raise UserError(
                f"no rollup for {scheme.value}: use FUNCTIONAL or DEPARTMENTAL_ECONOMIC"
            )
        return await rollup(info, RollupKey(scheme, year, region, _code(code)))
