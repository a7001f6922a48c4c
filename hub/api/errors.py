"""Errors clients see: deliberate ones as they are, all else masked; each with a code."""

from __future__ import annotations

import re
from collections.abc import Iterator

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import MaskErrors, SchemaExtension

__all__ = ["ErrorCodes", "ErrorCodesWithSuggestions", "Masked", "UserError"]


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
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR"}
        return masked


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
