"""What a query may cost, worked out from its text before anything runs, in time linear in
the document: each fragment's figures are computed once and reused wherever it is spread.

Two checks. At validation, :func:`document_rule` refuses documents nested too deep, with too
many aliases (counted as if every fragment were written out where it is spread), or that
repeat a response name or spread fragments so often that graphql-core's check for
overlapping fields would take quadratic time; its refusal stops validation before that check
runs. At execution, before any resolver runs, :func:`estimate_cost` prices the operation with
its variables' values: every field costs 1 times the sizes of the lists it repeats under
(:data:`LIST_SIZES`). The answer's size is bounded while it is built
(:mod:`hub.api.executor`), which also catches what these estimates underrate.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
    get_nullable_type,
)
from graphql.language import DocumentNode
from graphql.type import SchemaMetaFieldDef, TypeMetaFieldDef, TypeNameMetaFieldDef
from graphql.validation.validate import ValidationAbortedError

from hub.query.pages import MAX_PAGE
from hub.query.rollups import MAX_SHARES

__all__ = [
    "LIST_SIZES",
    "REPORTED_AT_MOST",
    "TREE",
    "UNLISTED",
    "FirstArgument",
    "Page",
    "document_rule",
    "estimate_cost",
    "list_sizes",
    "too_complex",
]


@dataclass(frozen=True)
class FirstArgument:
    """As many items as the field's own ``first:`` asks for (its default when absent), at
    most ``at_most``, the cap its resolver applies."""

    at_most: int


@dataclass(frozen=True)
class Page:
    """A connection's ``edges``: as many as the ``first:`` of the field that returned the
    connection, at most ``at_most``."""

    at_most: int


Size = int | float | FirstArgument | Page

TREE = 150
"""The nodes of one classification table, every level together (the largest of the corpus
has 142). A tree's top level is priced at the whole table and ``children`` at 1: however
deep a query drills, no level holds more nodes than the table."""

LIST_SIZES: dict[str, Size] = {
    # Pages: the client says how many, the reader caps it.
    "DepartmentConnection.edges": Page(MAX_PAGE),
    "DisclosureConnection.edges": Page(MAX_PAGE),
    "SubjectConnection.edges": Page(MAX_PAGE),
    "ChangeConnection.edges": Page(MAX_PAGE),
    "RollupNode.byDepartment": FirstArgument(MAX_SHARES),
    # A disclosure's trees (see TREE).
    "Disclosure.functional": TREE,
    "Disclosure.economic": TREE,
    "Disclosure.fund": TREE,
    "Disclosure.stateCapital": TREE,
    "Disclosure.incomeByFunction": TREE,
    "Disclosure.expenditureByFunction": TREE,
    "Disclosure.tree": TREE,
    "BudgetNode.children": 1,
    # A disclosure's other lists: about the corpus's largest (in the comments).
    "Disclosure.sections": 100,  # 156, 50 on average: a page of 100 proses is affordable
    "Disclosure.findings": 100,  # 87
    "Disclosure.incomeExpenditure": 100,  # 88
    "Disclosure.fiscalAppropriations": 100,  # 74
    "Disclosure.projects": 50,  # 26
    "Project.indicators": 10,  # 25 at most, 8 a project on average: projects × 10 ≈ all
    "Disclosure.glossary": 20,  # 8
    "ThreePublic.linesAsPrinted": 60,  # 54
    "Department.units": 20,  # 6
    "Department.disclosures": 10,  # one a year and scope
    # The catalog and the rollups over it.
    "Subject.ancestors": 3,  # 类 and 款 above a 项
    "Subject.children": 20,  # a 类 has up to 30 款, a 款 mostly under 10 项
    "Subject.descendants": 200,  # a 类's whole subtree
    "RollupNode.children": 20,  # as the catalog's: nested, about a 类's subtree
}
"""How many items each list of objects is priced at. Lists of scalars cost 1 (their items
are not objects that select further); every list of objects in the schema is listed here
(a test checks it), or priced at :data:`UNLISTED`."""

UNLISTED = 100

REPORTED_AT_MOST = 10**15
"""Figures above this are reported as this: a fragment bomb's true cost has hundreds of
digits."""


def list_sizes(schema: GraphQLSchema) -> dict[str, Size]:
    """:data:`LIST_SIZES`, and introspection's lists priced from the schema itself.

    ``__schema { types { fields } }`` yields every field of the schema once, so a type's
    ``fields`` is priced at the fields per type on average (and so for the other lists of a
    type, and for a field's ``args``): the introspection GraphiQL sends costs what it really
    returns, while nesting ``type { fields }`` again multiplies as it should. ``__Type.ofType``
    is not a list: its entry says how many ``ofType`` steps down a type reference can lead
    (``[X!]!`` takes three); a deeper one is null and what it selects costs nothing.
    """
    types = list(schema.type_map.values())
    fields = [f for t in types if not isinstance(t, GraphQLInputObjectType) for f in _fields(t)]
    inputs = [f for t in types if isinstance(t, GraphQLInputObjectType) for f in _fields(t)]
    arguments = [a for f in fields for a in f.args.values()]
    directives = list(schema.directives)

    def per(total: int, count: int) -> float:
        return max(1.0, total / max(1, count))

    return {
        **LIST_SIZES,
        "__Schema.types": len(types),
        "__Schema.directives": len(directives),
        "__Type.fields": per(len(fields), len(types)),
        "__Type.inputFields": per(len(inputs), len(types)),
        "__Type.interfaces": per(sum(len(getattr(t, "interfaces", ())) for t in types), len(types)),
        "__Type.possibleTypes": per(
            sum(
                len(schema.get_possible_types(t))
                for t in types
                if isinstance(t, GraphQLInterfaceType | GraphQLUnionType)
            ),
            len(types),
        ),
        "__Type.enumValues": per(
            sum(len(t.values) for t in types if isinstance(t, GraphQLEnumType)), len(types)
        ),
        "__Field.args": per(len(arguments), len(fields)),
        "__Directive.args": per(sum(len(d.args) for d in directives), len(directives)),
        "__Type.ofType": max(
            (_wrappers(t.type) for t in [*fields, *inputs, *arguments]), default=0
        ),
    }


def _fields(named: GraphQLNamedType) -> list[Any]:
    return list(getattr(named, "fields", {}).values())


def _wrappers(reference: Any) -> int:
    count = 0
    while isinstance(reference, GraphQLList | GraphQLNonNull):
        reference, count = reference.of_type, count + 1
    return count


def too_complex(message: str, **figures: int) -> GraphQLError:
    """The refusal of a query for its shape or cost, with its figures for programs."""
    return GraphQLError(message, extensions={"code": "QUERY_TOO_COMPLEX", **figures})


# --- Fragments -----------------------------------------------------------------------------


def _spreads(selection_set: SelectionSetNode | None, found: list[str]) -> list[str]:
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FragmentSpreadNode):
            found.append(selection.name.value)
        elif isinstance(selection, FieldNode | InlineFragmentNode):
            _spreads(selection.selection_set, found)
    return found


def _in_dependency_order(fragments: Mapping[str, FragmentDefinitionNode]) -> list[str]:
    """The fragments, each after those it spreads, found without recursing across fragments
    (a chain of hundreds is a few kilobytes). A cycle is broken anywhere: it is an error that
    NoFragmentCycles reports; here its spreads only count for nothing."""
    uses = {name: _spreads(f.selection_set, []) for name, f in fragments.items()}
    order: list[str] = []
    state: dict[str, int] = {}  # 1: being visited, 2: done
    for start in fragments:
        if start in state:
            continue
        stack = [(start, iter(uses[start]))]
        state[start] = 1
        while stack:
            name, pending = stack[-1]
            for used in pending:
                if used in fragments and used not in state:
                    state[used] = 1
                    stack.append((used, iter(uses[used])))
                    break
            else:
                stack.pop()
                state[name] = 2
                order.append(name)
    return order


# --- Validation: depth, aliases, repetitions ------------------------------------------------


@dataclass(frozen=True)
class _Shape:
    depth: int  # fields with selections nested along the deepest path (introspection: 0)
    aliases: int  # aliased fields, fragments written out where they are spread
    repeats: int = 1  # along the worst path, the product of how often each name repeats
    repeated: str = ""  # that path, by response names


_NONE = _Shape(0, 0, 0)


class _ShapeWalk:
    """Figures of selection sets; overlap checks compare every two fields of the same
    response name, and again every two of their subfields, so the work grows with the
    product of the repetitions down a path, which is what ``repeats`` bounds."""

    def __init__(self, max_repeats: int) -> None:
        self.max_repeats = max_repeats
        self.fragments: dict[str, _Shape] = {}
        self.refusal: GraphQLError | None = None

    def selection_set(self, selection_set: SelectionSetNode | None) -> _Shape:
        if selection_set is None:
            return _NONE
        # Inline fragments' fields merge into this selection set, so they count with it.
        fields: list[FieldNode] = []
        spread: list[str] = []
        pending = [selection_set]
        while pending:
            for selection in pending.pop().selections:
                if isinstance(selection, FieldNode):
                    fields.append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    pending.append(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    spread.append(selection.name.value)
        names = Counter((f.alias or f.name).value for f in fields)
        depth, aliases, repeats, repeated = 0, 0, 0, ""
        for field in fields:
            name = (field.alias or field.name).value
            below = self.selection_set(field.selection_set)
            aliases += below.aliases + int(field.alias is not None)
            if field.selection_set and not field.name.value.startswith("__"):
                depth = max(depth, 1 + below.depth)
            along = names[name] * max(1, below.repeats)
            if along > repeats:
                repeats, repeated = along, f"{name}.{below.repeated}" if below.repeated else name
        for name in spread:
            used = self.fragments.get(name, _NONE)
            depth, aliases = max(depth, used.depth), aliases + used.aliases
            if used.repeats > repeats:
                repeats, repeated = used.repeats, used.repeated
        if self.refusal is None and len(set(spread)) > self.max_repeats:
            self.refusal = too_complex(
                f"a selection set spreads {len(set(spread))} fragments; at most "
                f"{self.max_repeats} are allowed",
                spreads=len(set(spread)),
                maxRepeats=self.max_repeats,
            )
        return _Shape(
            depth, min(aliases, REPORTED_AT_MOST), min(repeats, REPORTED_AT_MOST), repeated
        )


def document_rule(*, max_depth: int, max_aliases: int, max_repeats: int) -> type[ValidationRule]:
    """A validation rule that refuses, in one pass over the document, queries nested deeper
    than ``max_depth`` fields, with more than ``max_aliases`` aliases, with a response name
    repeated more than ``max_repeats`` times over (see :class:`_ShapeWalk`), or with a
    selection set that spreads more than ``max_repeats`` fragments.

    A refusal stops validation before the other rules visit the document (some of them take
    time quadratic in such repetitions).
    """

    class DocumentShape(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.refusal = _refusal(context.document, max_depth, max_aliases, max_repeats)

        def enter_document(self, *_: Any) -> None:
            if self.refusal is not None:
                # validate() stops at this error and returns it as the only one.
                raise ValidationAbortedError(
                    self.refusal.message, extensions=self.refusal.extensions
                )

    return DocumentShape


def _refusal(
    document: DocumentNode, max_depth: int, max_aliases: int, max_repeats: int
) -> GraphQLError | None:
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walk = _ShapeWalk(max_repeats)
    try:
        for name in _in_dependency_order(fragments):
            walk.fragments[name] = walk.selection_set(fragments[name].selection_set)
        shapes = [
            walk.selection_set(d.selection_set)
            for d in document.definitions
            if isinstance(d, OperationDefinitionNode)
        ]
    except RecursionError:
        return too_complex("the query nests too deeply", maxDepth=max_depth)
    depth = max((s.depth for s in shapes), default=0)
    aliases = sum(s.aliases for s in shapes)
    if depth > max_depth:
        return too_complex(
            f"the query nests {depth} fields deep; at most {max_depth} are allowed",
            depth=depth,
            maxDepth=max_depth,
        )
    if aliases > max_aliases:
        return too_complex(
            f"the query has {aliases} aliases (fragments written out); at most "
            f"{max_aliases} are allowed",
            aliases=aliases,
            maxAliases=max_aliases,
        )
    repeats = max(shapes, key=lambda s: s.repeats, default=_NONE)
    if repeats.repeats > max_repeats:
        return too_complex(
            f"the query repeats {repeats.repeated} {repeats.repeats} times over "
            "(one response name several times in a selection set, times as often in the "
            f"ones above it); at most {max_repeats} are allowed: ask for each thing once",
            repeats=repeats.repeats,
            maxRepeats=max_repeats,
        )
    return walk.refusal


# --- Execution: the cost estimate -----------------------------------------------------------


@dataclass(frozen=True)
class _Cost:
    """A cost as ``fixed + per_page × page``, where page is the ``first:`` of the connection
    field above; only a fragment on a connection type leaves it open until it is spread.
    Fractional where introspection's average sizes make it so."""

    fixed: float
    per_page: float = 0

    def __add__(self, other: _Cost) -> _Cost:
        return _Cost(self.fixed + other.fixed, self.per_page + other.per_page)

    def at(self, page: int) -> float:
        return self.fixed + self.per_page * page


_FREE = _Cost(0)
_ONE = _Cost(1)


class _CostWalk:
    def __init__(
        self, schema: GraphQLSchema, sizes: Mapping[str, Size], variables: Mapping[str, Any]
    ) -> None:
        self.schema, self.sizes, self.variables = schema, sizes, variables
        self.fragments: dict[str, _Cost] = {}
        wrappers = sizes.get("__Type.ofType", 0)
        self.wrappers = wrappers if isinstance(wrappers, int) else 0

    def selection_set(
        self, selection_set: SelectionSetNode | None, parent: Any, steps: int = 0
    ) -> _Cost:
        """``steps``: how many ``ofType`` led here (see :func:`list_sizes`)."""
        cost = _FREE
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                cost += self.field(selection, parent, steps)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                cost += self.selection_set(selection.selection_set, inner or parent, steps)
            elif isinstance(selection, FragmentSpreadNode):
                cost += self.fragments.get(selection.name.value, _FREE)
        return cost

    def field(self, node: FieldNode, parent: GraphQLNamedType, steps: int) -> _Cost:
        name = node.name.value
        definition: GraphQLField | None
        if name == "__typename":
            definition = TypeNameMetaFieldDef
        elif name == "__schema" and parent is self.schema.query_type:
            definition = SchemaMetaFieldDef
        elif name == "__type" and parent is self.schema.query_type:
            definition = TypeMetaFieldDef
        else:
            definition = getattr(parent, "fields", {}).get(name)
        if definition is None or node.selection_set is None:
            return _ONE
        steps = steps + 1 if (parent.name, name) == ("__Type", "ofType") else 0
        if steps > self.wrappers:
            return _ONE  # null: no type reference wraps that many times
        result = get_nullable_type(definition.type)
        below = self.selection_set(node.selection_set, get_named_type(result), steps)
        if not isinstance(result, GraphQLList):
            # An object; if it is a connection, its edges repeat as often as `first:` says.
            return _Cost(1 + below.at(self.first(node, definition, MAX_PAGE)))
        size = self.sizes.get(f"{parent.name}.{name}", UNLISTED)
        if isinstance(size, Page):
            return _Cost(1, below.fixed)
        if isinstance(size, FirstArgument):
            size = self.first(node, definition, size.at_most)
        # Every list is priced at one item at least: its fields are worked out once anyway.
        return _Cost(1 + max(1, size) * below.fixed)

    def first(self, node: FieldNode, definition: Any, at_most: int) -> int:
        argument = (definition.args or {}).get("first")
        if argument is None:
            return 0
        value: Any = argument.default_value
        for given in node.arguments or ():
            if given.name.value != "first":
                continue
            if isinstance(given.value, IntValueNode):
                value = int(given.value.value)
            elif isinstance(given.value, VariableNode):
                value = self.variables.get(given.value.name.value, value)
        return max(1, min(value, at_most)) if isinstance(value, int) else at_most


def estimate_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    sizes: Mapping[str, Size],
) -> int:
    """The operation's cost: each field 1 × the sizes of the lists it repeats under
    (``sizes``, e.g. :func:`list_sizes`), fragments priced once, variables by their values.
    Capped at :data:`REPORTED_AT_MOST`."""
    walk = _CostWalk(schema, sizes, variables)
    for name in _in_dependency_order(fragments):
        fragment = fragments[name]
        on = schema.get_type(fragment.type_condition.name.value)
        walk.fragments[name] = walk.selection_set(fragment.selection_set, on)
    root = schema.get_root_type(operation.operation)
    cost = walk.selection_set(operation.selection_set, root).at(1)
    return REPORTED_AT_MOST if cost >= REPORTED_AT_MOST else math.ceil(cost)
