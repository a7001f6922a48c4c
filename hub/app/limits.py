"""Limits at the HTTP level: how large a request may be and how long it may take."""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.app.refusals import refuse

__all__ = ["RequestLimits"]


class RequestLimits:
    """Refuse bodies and query strings over ``max_bytes`` (413); answer 503 after ``timeout``.

    The paths in ``exempt`` (uploads, which bound their own size) are let through as they are.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        timeout: float,
        exempt: frozenset[str] = frozenset(),
    ) -> None:
        self.app, self.max_bytes, self.timeout = app, max_bytes, timeout
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in self.exempt:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"0")
        too_large = (length.isdigit() and int(length) > self.max_bytes) or len(
            scope.get("query_string", b"")
        ) > self.max_bytes
        if too_large:
            await refuse(scope, send, 413, self._too_large, "REQUEST_TOO_LARGE")
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise _TooLarge
            return message

        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            async with asyncio.timeout(self.timeout):
                await self.app(scope, limited, tracking)
        except TimeoutError:
            if not started:
                message = f"the request took longer than {self.timeout:g} s"
                await refuse(scope, send, 503, message, "TIMEOUT")
        except _TooLarge:
            if not started:
                await refuse(scope, send, 413, self._too_large, "REQUEST_TOO_LARGE")

    @property
    def _too_large(self) -> str:
        return (
            f"the request is larger than {self.max_bytes} bytes (HUB_MAX_REQUEST_BYTES): send a "
            "smaller query, with its values as variables"
        )


class _TooLarge(Exception):
    pass
