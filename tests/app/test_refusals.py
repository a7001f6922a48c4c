"""A refusal: JSON shaped like a GraphQL error with a code, and one line in the log that what
the client sent cannot break."""

import json
import logging

import pytest

from hub.app.refusals import log_refusal, refusal_body


def test_the_body_is_a_graphql_error_with_a_code_in_ascii() -> None:
    body = refusal_body("no host named '\ud800局'", "HOST_NOT_ALLOWED")
    assert body.isascii()
    assert json.loads(body) == {
        "data": None,
        "errors": [
            {"message": "no host named '\ud800局'", "extensions": {"code": "HOST_NOT_ALLOWED"}}
        ],
    }


def test_the_log_line_escapes_what_would_break_it(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    scope = {"client": ("192.0.2.7", 50000), "method": "POST", "path": "/graphql"}
    log_refusal(scope, 400, "BAD_REQUEST", "经信局\nforged line \ud800\x00" + "x" * 400)
    log_refusal({"method": "GET", "path": "/"}, 503, "SERVICE_UNAVAILABLE", "down")
    first, second = caplog.records
    assert first.levelno == logging.INFO
    assert first.getMessage() == (
        '192.0.2.7 "POST /graphql" 400 BAD_REQUEST: 经信局\\nforged line \\ud800\\x00'
        + "x" * 282  # 300 characters in all, escapes counted as one
        + "…"
    )
    assert (second.levelno, second.getMessage()) == (
        logging.WARNING,
        '- "GET /" 503 SERVICE_UNAVAILABLE: down',
    )
