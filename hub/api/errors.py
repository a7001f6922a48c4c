"""Errors clients see: deliberate ones as they are, all else masked; each with a code."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import (
    ExecutionResult,
    GraphQLError,
    GraphQLSyntaxError,
    StringValueNode,
    Visitor,
    visit,
)
from graphql.language import DocumentNode
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from strawberry.extensions import MaskErrors, SchemaExtension

__all__ = [
    "SERVICE_UNAVAILABLE",
    "UNAVAILABLE_MESSAGE",
    "ErrorCodes",
    "ErrorCodesWithSuggestions",
    "Masked",
    "UserError",
    "database_unavailable",
    "unstorable_text",
]

SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
"""The code of an answer the database could not give: try again later (HTTP 503)."""

UNAVAILABLE_MESSAGE = "the database is not available at the moment; try again shortly"

# SQLSTATE classes of a server that cannot serve right now: connection exceptions (08),
# operator intervention (57P: shutdown, crash, starting up), a database that is gone (3D000).
_OUTAGE_STATES = ("08", "57P", "3D000")


class UserError(GraphQLError):
    """A request the hub understood and refuses: bad arguments, unknown ids, ambiguity."""

    def __init__(self, message: str, code: str = "BAD_USER_INPUT") -> None:
        super().__init__(message, extensions={"code": code})


_TOO_COMPLEX = re.compile(
    r"exceeds maximum operation depth"
    r"|aliases found\. Allowed"
    r"|Document contains more than \d+ tokens"
)
_SUGGESTION = re.compile(r"\s*Did you mean .*\?$", re.S)


class Masked(MaskErrors):
    """Hide what went wrong inside (no traceback, no SQL) unless we raised it on purpose."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_should_mask, error_message="Internal server error")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        if database_unavailable(error.original_error):
            return GraphQLError(
                UNAVAILABLE_MESSAGE,
                nodes=error.nodes,
                path=error.path,
                extensions={"code": SERVICE_UNAVAILABLE},
            )
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR"}
        return masked


def database_unavailable(error: BaseException | None) -> bool:
    """Whether ``error`` (or what caused it) says the database cannot be reached or cannot
    serve now, rather than that a query was wrong: that is a 503 to retry, not a bug."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OperationalError | InterfaceError | PoolTimeout | OSError):
            return True
        if isinstance(error, DBAPIError) and error.connection_invalidated:
            return True
        state = getattr(error, "sqlstate", None)
        if isinstance(state, str) and state.startswith(_OUTAGE_STATES):
            return True
        error = error.__cause__ or error.__context__
    return False


def _should_mask(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None or isinstance(error, UserError) or isinstance(original, UserError):
        return False
    return error.path is not None  # errors without a path come from coercing variables


class ErrorCodes(SchemaExtension):
    """Give every error a code in ``extensions`` and drop "Did you mean …?" suggestions.

    Listed before :class:`Masked`, so that it sees errors after masking.
    """

    show_suggestions = False

    def __init__(self) -> None:
        self.executed = False

    def on_execute(self) -> Iterator[None]:
        self.executed = True
        context = self.execution_context
        refused = unstorable_text(context.graphql_document, context.query, context.variables)
        if refused is not None:
            # Set before execution starts, so nothing runs: a text no database can hold would
            # otherwise fail deep in a resolver as an internal error.
            context.result = ExecutionResult(data=None, errors=[UserError(refused)])
        yield

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        except GraphQLError as raised:  # raised from a hook, e.g. the parser cache
            self._annotate(raised)
            raise
        result = self.execution_context.result
        for error in (result.errors if result else None) or []:
            self._annotate(error)

    def _annotate(self, error: GraphQLError) -> None:
        if not self.show_suggestions:
            error.message = _SUGGESTION.sub("", error.message)
        extensions = dict(error.extensions or {})
        if "code" not in extensions:
            extensions["code"] = self._code(error)
        error.extensions = extensions

    def _code(self, error: GraphQLError) -> str:
        if _TOO_COMPLEX.search(error.message):
            return "QUERY_TOO_COMPLEX"
        if isinstance(error, GraphQLSyntaxError):
            return "GRAPHQL_PARSE_FAILED"
        if not self.executed:
            return "GRAPHQL_VALIDATION_FAILED"
        return "BAD_USER_INPUT" if error.path is None else "INTERNAL_SERVER_ERROR"


class ErrorCodesWithSuggestions(ErrorCodes):
    show_suggestions = True


def unstorable_text(
    document: DocumentNode | None, query: str | None, variables: dict[str, Any] | None
) -> str | None:
    """What is wrong with a text argument no database stores (a NUL character, a lone UTF-16
    surrogate), said with where it is; ``None`` when there is none."""
    for where, text in _variable_texts(variables):
        problem = _text_problem(text)
        if problem:
            return f"variable {where} holds {problem}"
    # A NUL can reach a literal only as itself or as an escape (\u0000, \u{0}); a lone
    # surrogate cannot (the parser refuses it), so most documents need no walk at all.
    if document is None or query is None or ("\0" not in query and "\\u" not in query):
        return None
    found: list[StringValueNode] = []

    class Strings(Visitor):
        def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
            if "\0" in node.value:
                found.append(node)

    visit(document, Strings())
    if not found:
        return None
    location = found[0].loc.source.get_location(found[0].loc.start) if found[0].loc else None
    at = f" at line {location.line}, column {location.column}" if location else ""
    return f"the string{at} holds {_text_problem(found[0].value)}"


def _text_problem(text: str) -> str | None:
    if "\0" in text:
        return "a NUL character (U+0000), which no text stored here can contain"
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:  # only a surrogate cannot be encoded
        return (
            f"a lone UTF-16 surrogate (U+{ord(text[error.start]):04X}), which is not a "
            "character: send text as UTF-8, or as JSON escapes of whole characters"
        )
    return None


def _variable_texts(variables: dict[str, Any] | None) -> Iterator[tuple[str, str]]:
    """Every text in the variables with its path ($name.field[2]), keys too; iterative, since
    the nesting is the client's choice."""
    pending: list[tuple[str, Any]] = [
        (f"${name}", value) for name, value in (variables or {}).items()
    ]
    while pending:
        where, value = pending.pop()
        if isinstance(value, str):
            yield where, value
        elif isinstance(value, dict):
            for key, item in value.items():
                yield where, str(key)
                pending.append((f"{where}.{key}", item))
        elif isinstance(value, list):
            pending.extend((f"{where}[{n}]", item) for n, item in enumerate(value))
