"""Execution by plan: each selection set of a query is turned, once per request, into a list of
fields that each know how they are read and completed, and the answer is built by walking that
list for every object, instead of asking graphql-core to work every field out again for every
object of every list (the approach of graphql-jit and Grafast, made small).

Most of the hub's fields are plain data (a node's code, name, level; an amount) or computed
from their object alone (a disclosure's year from its row): for those the plan reads the
attribute or calls the method, with no resolve info, no argument coercion and no awaitable
check of strawberry's wrapper. Fields with resolvers are called exactly as graphql-core calls them
(strawberry's own wrapper, the same resolve info, arguments coerced once per request). Whatever
the plan does not cover itself (abstract types, iterables that are not lists, awaitable list
items' oddities) is handed to graphql-core's own completion for that value, so the answer,
its errors and their paths are graphql-core's in every case: ``tests/api/test_plan.py`` sends
generated queries through both and compares.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from operator import attrgetter
from typing import Any, ClassVar

from graphql import (
    GraphQLBoolean,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLString,
    is_leaf_type,
)
from graphql.execution.executor import invalid_return_type_error, to_nodes
from graphql.execution.values import get_argument_values
from graphql.pyutils import AwaitableOrValue, Path, gather_with_cancel

from hub.api.executor import BoundedExecutor

__all__ = ["PlannedExecutor"]

# strawberry's mark on the resolver of a field that only reads an attribute of its object.
_BACKREF = "strawberry-definition"
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1

Info = GraphQLResolveInfo[Any]
Complete = Callable[["PlannedExecutor", Info | None, Path, Any], Any]

PLANS_KEPT = 256
"""Plans kept per schema: one per operation and variables, for the documents the parser cache
keeps (the same text, the same document object)."""


class _Field:
    """One field of a selection set on one object type, as the plan runs it."""

    __slots__ = (
        "arguments",
        "complete",
        "definition",
        "details",
        "key",
        "name",
        "nodes",
        "read",
        "resolve",
        "type",
    )

    def __init__(self, key: str, details: Any, definition: Any) -> None:
        self.key = key
        self.details = details
        self.nodes = to_nodes(details)
        self.name: str = self.nodes[0].name.value
        self.definition = definition
        self.type: GraphQLOutputType = definition.type
        self.resolve: Callable[..., Any] | None = None
        # A plain field's reader (the object in, the value out); None: call ``resolve``.
        self.read: Callable[[Any], Any] | None = None
        self.arguments: dict[str, Any] | Exception | None = None
        self.complete: Complete


_Selection = tuple[list[_Field], int]
"""A selection set's fields on one object type, and the bytes of their keys in the answer."""


class PlannedExecutor(BoundedExecutor):
    """The bounded executor, running queries by plan (mutations, should the schema get any,
    and schemas with resolver middleware by graphql-core's own execution)."""

    plans: ClassVar[OrderedDict[Hashable, tuple[Any, _Selection]]] = OrderedDict()
    """By operation (kept, so that its id is not reused) and variables; each schema's
    executor class has its own (:func:`hub.api.executor.bounded_executor`)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.plans = OrderedDict()

    def execute_root_grouped_field_set(
        self,
        root_type: GraphQLObjectType,
        root_value: Any,
        grouped_field_set: Any,
        serially: bool,
        position_context: Any,
    ) -> Any:
        middleware = self.middleware_manager
        if serially or (middleware is not None and middleware.middlewares):
            return super().execute_root_grouped_field_set(
                root_type, root_value, grouped_field_set, serially, position_context
            )
        fields, keys = self._root_plan(root_type, grouped_field_set)
        return _object(self, root_type, fields, keys, root_value, None)

    def _root_plan(self, root_type: GraphQLObjectType, grouped: Any) -> _Selection:
        """The operation's plan, kept while its document is (the parser cache hands the same
        document for the same text); variables may change what is selected and the
        arguments, so they are part of the key; plans for large variables are not kept."""
        variables = repr(sorted(self.variable_values.coerced.items()))
        if len(variables) > 2_000:
            return _selection(self, root_type, grouped)
        key = (id(self.operation), variables)
        plans = self.plans
        found = plans.get(key)
        if found is not None and found[0] is self.operation:
            plans.move_to_end(key)
            return found[1]
        selection = _selection(self, root_type, grouped)
        plans[key] = (self.operation, selection)
        if len(plans) > PLANS_KEPT:
            plans.popitem(last=False)
        return selection


# The plan


def _selection(ex: PlannedExecutor, parent: GraphQLObjectType, grouped: Any) -> _Selection:
    fields = []
    for key, details in grouped.items():
        definition = ex.schema.get_field(parent, details[0].node.name.value)
        if definition is None:
            continue  # graphql-core leaves it out of the answer too
        field = _Field(key, details, definition)
        field.complete = _completer(parent, field, field.type)
        _reader(ex, parent, field)
        fields.append(field)
    return fields, sum(len(name) + 4 for name in grouped)


def _reader(ex: PlannedExecutor, parent: GraphQLObjectType, field: _Field) -> None:
    """A plain field, or one whose resolver only computes from its object, is read directly;
    anything else (arguments, info, async, extensions) goes through ``resolve``."""
    definition = field.definition
    if field.name == "__typename":
        name = parent.name
        field.read = lambda _: name
        return
    field.resolve = definition.resolve or ex.field_resolver
    strawberry_field: Any = (definition.extensions or {}).get(_BACKREF)
    if strawberry_field is None or definition.args or field.nodes[0].arguments:
        return
    if getattr(definition.resolve, "_is_default", False):
        python_name = strawberry_field.python_name
        default = strawberry_field.default_resolver
        field.read = (
            attrgetter(python_name)
            if default is getattr
            else lambda source: default(source, python_name)
        )
    elif _computed_from_self(ex, strawberry_field):
        # What strawberry's wrapper would do for it: call it with the object as ``self``.
        function = strawberry_field.base_resolver.wrapped_func
        field.read = (
            function if strawberry_field.base_resolver.self_parameter else lambda _: function()
        )


def _computed_from_self(ex: PlannedExecutor, strawberry_field: Any) -> bool:
    resolver = strawberry_field.base_resolver
    converter = getattr(getattr(ex.schema, "_strawberry_schema", None), "schema_converter", None)
    return (
        resolver is not None
        and not strawberry_field.extensions
        and not resolver.is_async
        and not resolver.arguments
        and resolver.info_parameter is None
        and resolver.root_parameter is None
        and resolver.parent_parameter is None
        and getattr(converter, "_exception_handler_specs", None) == ()
    )


def _completer(parent: GraphQLObjectType, field: _Field, of: Any) -> Complete:
    """How a value of type ``of`` of ``field`` is completed, decided once."""
    if isinstance(of, GraphQLNonNull):
        inner = _completer(parent, field, of.of_type)
        message = f"Cannot return null for non-nullable field {parent.name}.{field.name}."

        def non_null(ex: PlannedExecutor, info: Info | None, path: Path, result: Any) -> Any:
            completed = inner(ex, info, path, result)
            if completed is None:
                raise TypeError(message)
            return completed

        return non_null
    if isinstance(of, GraphQLList):
        return _list_completer(parent, field, of)
    if is_leaf_type(of):
        return _leaf_completer(of)
    if isinstance(of, GraphQLObjectType):
        return _object_completer(parent, field, of)

    def other(ex: PlannedExecutor, info: Info | None, path: Path, result: Any) -> Any:
        if isinstance(result, Exception):
            raise result
        if result is None:
            return None
        return ex.complete_value(
            of, field.details, _info(ex, parent, field, info, path), path, result, None
        )

    return other


def _leaf_completer(of: Any) -> Complete:
    def leaf(ex: PlannedExecutor, _info: Info | None, _path: Path, result: Any) -> Any:
        if isinstance(result, Exception):
            raise result
        if result is None:
            return None
        kind = type(result)
        # The built-in scalars give these values back unchanged: counted as
        # BoundedExecutor.complete_leaf_value counts them.
        if kind is str and of is GraphQLString:
            ex.tally.bytes += len(result) + 2 if result.isascii() else 6 * len(result) + 2
            return result
        if (kind is int and of is GraphQLInt and _INT_MIN <= result <= _INT_MAX) or (
            kind is bool and of is GraphQLBoolean
        ):
            ex.tally.bytes += 8
            return result
        return ex.complete_leaf_value(of, result)

    return leaf


def _object_completer(parent: GraphQLObjectType, field: _Field, of: GraphQLObjectType) -> Complete:
    selection: _Selection | None = None

    def completed_object(ex: PlannedExecutor, info: Info | None, path: Path, result: Any) -> Any:
        nonlocal selection
        if isinstance(result, Exception):
            raise result
        if result is None:
            return None
        if of.is_type_of is not None:
            info = _info(ex, parent, field, info, path)
            is_type_of = of.is_type_of(result, info)
            if ex.is_awaitable(is_type_of):
                return ex.complete_object_value(of, field.details, info, path, result, None)
            if not is_type_of:
                raise invalid_return_type_error(of, result, field.details)
        if selection is None:
            selection = _selection(ex, of, ex.collect_subfields(of, field.details)[0])
        return _object(ex, of, selection[0], selection[1], result, path)

    return completed_object


def _list_completer(parent: GraphQLObjectType, field: _Field, of: GraphQLList[Any]) -> Complete:
    item_type = of.of_type
    item = _completer(parent, field, item_type)

    def completed_list(ex: PlannedExecutor, info: Info | None, path: Path, result: Any) -> Any:
        if isinstance(result, Exception):
            raise result
        if result is None:
            return None
        if type(result) is not list:
            return ex.complete_value(
                of, field.details, _info(ex, parent, field, info, path), path, result, None
            )
        tally, is_awaitable = ex.tally, ex.is_awaitable
        tally.nodes += len(result)
        tally.bytes += len(result) + 2
        ex._check(tally)
        completed: list[Any] = []
        pending: list[int] = []
        try:
            for index, value in enumerate(result):
                item_path = path.add_key(index, None)
                value = _completed(ex, item, item_type, field, info, item_path, value)
                if is_awaitable(value):
                    pending.append(index)
                completed.append(value)
        except Exception:
            _settle_pending(ex, [completed[i] for i in pending])
            raise
        if not pending:
            return completed
        return _gathered(completed, pending)

    return completed_list


# Running it


def _object(
    ex: PlannedExecutor,
    parent: GraphQLObjectType,
    fields: list[_Field],
    keys: int,
    source: Any,
    path: Path | None,
) -> AwaitableOrValue[dict[str, Any]]:
    tally = ex.tally
    tally.nodes += 1
    tally.bytes += keys + 2
    ex._check(tally)
    is_awaitable = ex.is_awaitable
    type_name = parent.name
    results: dict[str, Any] = {}
    pending: list[str] = []
    try:
        for field in fields:
            field_path = Path(path, field.key, type_name)
            info = None
            try:
                if field.read is not None:
                    result = field.read(source)
                else:
                    info = ex.build_resolve_info(field.definition, field.nodes, parent, field_path)
                    result = field.resolve(source, info, **_arguments(ex, field))  # type: ignore[misc]
            except Exception as raw:
                ex.handle_field_error(raw, field.type, field.details, field_path)
                result = None
            else:
                result = _completed(ex, field.complete, field.type, field, info, field_path, result)
            results[field.key] = result
            if is_awaitable(result):
                pending.append(field.key)
    except Exception:
        _settle_pending(ex, [results[key] for key in pending])
        raise
    if not pending:
        return results
    return _gathered(results, pending)


def _completed(
    ex: PlannedExecutor,
    complete: Complete,
    return_type: GraphQLOutputType,
    field: _Field,
    info: Info | None,
    path: Path,
    result: Any,
) -> Any:
    """A value completed, or the awaitable that completes it; a failure handled at ``path`` as
    graphql-core handles it (null, or raised on to the parent when ``return_type`` is
    non-null)."""
    try:
        if ex.is_awaitable(result):
            return _then(ex, complete, return_type, field, info, path, result)
        completed = complete(ex, info, path, result)
        if ex.is_awaitable(completed):
            return _settled(ex, completed, return_type, field, path)
        return completed
    except Exception as raw:
        ex.handle_field_error(raw, return_type, field.details, path)
        return None


def _arguments(ex: PlannedExecutor, field: _Field) -> dict[str, Any]:
    """The field's arguments, coerced once per plan, which is per operation and variables (a
    failure raised each time, as graphql-core raises it for every object)."""
    arguments = field.arguments
    if arguments is None:
        first = field.details[0]
        try:
            arguments = (
                get_argument_values(
                    field.definition,
                    first.node,
                    ex.variable_values,
                    first.fragment_variable_values,
                    ex.hide_suggestions,
                )
                if field.definition.args or first.node.arguments
                else {}
            )
        except Exception as error:
            arguments = error
        field.arguments = arguments
    if isinstance(arguments, Exception):
        raise arguments
    return arguments


def _info(
    ex: PlannedExecutor,
    parent: GraphQLObjectType,
    field: _Field,
    info: Info | None,
    path: Path,
) -> Info:
    if info is not None:
        return info
    return ex.build_resolve_info(field.definition, field.nodes, parent, path)


async def _then(
    ex: PlannedExecutor,
    complete: Complete,
    return_type: GraphQLOutputType,
    field: _Field,
    info: Info | None,
    path: Path,
    awaitable: Any,
) -> Any:
    """A resolver's awaitable value, awaited and completed (graphql-core's
    ``complete_awaitable_value``)."""
    try:
        completed = complete(ex, info, path, await ex.with_abort_signal(awaitable))
        if ex.is_awaitable(completed):
            completed = await completed
    except Exception as raw:
        ex.handle_field_error(raw, return_type, field.details, path)
        return None
    return completed


async def _settled(
    ex: PlannedExecutor, completed: Any, return_type: GraphQLOutputType, field: _Field, path: Path
) -> Any:
    try:
        return await completed
    except Exception as raw:
        ex.handle_field_error(raw, return_type, field.details, path)
        return None


async def _gathered(results: Any, pending: list[Any]) -> Any:
    """``results`` (an object's dict or a list) with its awaitables at ``pending`` awaited
    together, as graphql-core gathers them."""
    if len(pending) == 1:
        results[pending[0]] = await results[pending[0]]
    else:
        awaited = await gather_with_cancel(*(results[key] for key in pending))
        for key, value in zip(pending, awaited, strict=True):
            results[key] = value
    return results


def _settle_pending(ex: PlannedExecutor, awaitables: Sequence[Any]) -> None:
    if awaitables:
        ex.settle_in_background(list(awaitables))
