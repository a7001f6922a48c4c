"""How the HTTP layer refuses a request: a JSON body shaped like a GraphQL error, with a code in
``extensions``, and one line in the log (logger ``hub.http``) instead of a traceback."""

from __future__ import annotations

import json
import logging

from starlette.types import Scope, Send

__all__ = ["RETRY_AFTER_SECONDS", "log_refusal", "refusal_body", "refuse"]

log = logging.getLogger("hub.http")

RETRY_AFTER_SECONDS = 5
"""What a 503 asks a client to wait before it tries again."""

_LONGEST = 300


def refusal_body(message: str, code: str) -> bytes:
    # ASCII-escaped JSON: a message may quote what the client sent, lone surrogates included.
    return json.dumps(
        {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}
    ).encode()


def log_refusal(scope: Scope, status: int, code: str, message: str) -> None:
    """One line: who asked, what, and why it was refused; a 5xx is a warning, a 4xx is news."""
    client = scope.get("client")
    who = client[0] if client else "-"
    shown = message if len(message) <= _LONGEST else message[:_LONGEST] + "…"
    # What a client sent can neither break the line nor the log's encoding (a lone surrogate).
    shown = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in shown)
    log.log(
        logging.WARNING if status >= 500 else logging.INFO,
        '%s "%s %s" %d %s: %s',
        who,
        scope.get("method", "-"),
        scope.get("path", "-"),
        status,
        code,
        shown,
    )


async def refuse(
    scope: Scope,
    send: Send,
    status: int,
    message: str,
    code: str,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """Answer ``status`` with ``message`` and ``code``, and log it."""
    body = refusal_body(message, code)
    log_refusal(scope, status, code, message)
    extra = list(headers or [])
    if status == 503:
        extra.append((b"retry-after", str(RETRY_AFTER_SECONDS).encode()))
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
