"""The one error the parse layer raises: what was expected, where, and what was found."""

from __future__ import annotations

__all__ = ["ParseError"]


class ParseError(ValueError):
    """A document that cannot be read; ``str()`` gives ``file:line: message``."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        self.source, self.line, self.message = source, line, message
        where = source if line is None else f"{source}:{line}"
        super().__init__(f"{where}: {message}")
