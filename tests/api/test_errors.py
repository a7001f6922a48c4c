"""Which failures are an outage (503, to retry), and which texts no database stores."""

import socket

import pytest
from graphql import parse
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError

from hub.api.errors import database_unavailable, unstorable_text


class _Driver(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _wrapped(cause: BaseException) -> Exception:
    try:
        try:
            raise cause
        except BaseException as error:
            raise RuntimeError("while resolving") from error
    except RuntimeError as outer:
        return outer


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connect call failed"),
        socket.gaierror(-2, "Name or service not known"),
        OperationalError("SELECT 1", {}, Exception("server closed the connection")),
        InterfaceError("SELECT 1", {}, Exception("connection is closed")),
        _Driver("08006"),
        _Driver("57P01"),
        _Driver("3D000"),
        _wrapped(ConnectionResetError()),
        DBAPIError("SELECT 1", {}, Exception("gone"), connection_invalidated=True),
    ],
)
def test_an_outage(error: BaseException) -> None:
    assert database_unavailable(error)


@pytest.mark.parametrize(
    "error",
    [
        None,
        RuntimeError("a bug"),
        OverflowError("Python int too large"),
        IntegrityError("INSERT", {}, Exception("duplicate key")),
        _Driver("22P05"),
        _wrapped(KeyError("x")),
    ],
)
def test_not_an_outage(error: BaseException | None) -> None:
    assert not database_unavailable(error)


def test_texts_no_database_stores_are_named_with_where_they_are() -> None:
    assert unstorable_text(None, None, {"a": ["ok", {"b": "x\x00"}]}) == (
        "variable $a[1].b holds a NUL character (U+0000), which no text stored here can contain"
    )
    assert unstorable_text(None, None, {"a": {"\ud83d": 1}}) == (
        "variable $a holds a lone UTF-16 surrogate (U+D83D), which is not a character: send "
        "text as UTF-8, or as JSON escapes of whole characters"
    )
    query = '{\n  rollup(code: "215", region: "咸宁\\u0000") { total }\n}'
    assert unstorable_text(parse(query), query, None) == (
        "the string at line 2, column 31 holds a NUL character (U+0000), which no text stored "
        "here can contain"
    )
    fine = '{ disclosure(department: "经信\\u5c40 😀", year: 2023) { title } }'
    assert unstorable_text(parse(fine), fine, {"a": "😀", "b": [1, None, True]}) is None
