"""What every response says to browsers about itself, and which host names the hub answers to.

Each request gets a fresh nonce; a page's own inline scripts carry it (``csp_nonce``), so the
Content-Security-Policy runs those and nothing injected beside them, without 'unsafe-inline'
for scripts. Styles may be inline: GraphiQL and ECharts set them as they draw.
"""

from __future__ import annotations

import secrets

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.app.refusals import refuse

__all__ = [
    "AllowedHosts",
    "SecurityHeaders",
    "content_security_policy",
    "csp_nonce",
    "host_allowed",
]

_NONCE = "csp_nonce"


def csp_nonce(connection: HTTPConnection) -> str:
    """The nonce this request's page gives its inline scripts ("" outside the middleware)."""
    state = connection.scope.get("state") or {}
    return str(state.get(_NONCE, ""))


def content_security_policy(nonce: str, *, origins: tuple[str, ...] = ()) -> str:
    """The policy of a response: everything from this server, inline scripts only with
    ``nonce``, and the files at ``origins`` too (GraphiQL's on the CDN, without a copy)."""
    extra = "".join(f" {origin}" for origin in origins)
    scripts = "'self'" + (f" 'nonce-{nonce}'" if nonce else "") + extra
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            f"style-src 'self' 'unsafe-inline'{extra}",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeaders:
    """Add the headers every response carries (a response may set its own policy first)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(18)
        scope.setdefault("state", {})[_NONCE] = nonce

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("x-content-type-options", "nosniff")
                headers.setdefault("x-frame-options", "DENY")
                headers.setdefault("referrer-policy", "no-referrer")
                headers.setdefault("content-security-policy", content_security_policy(nonce))
            await send(message)

        await self.app(scope, receive, with_headers)


def host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    """Whether the Host header ``host`` (a port after it or not) names one of ``allowed``:
    exact names, ``*.example.org`` for its subdomains, ``*`` for any."""
    name = host.strip().lower()
    if name.startswith("["):  # [::1]:8000
        name = name[: name.find("]") + 1]
    elif name.count(":") == 1:
        name = name.partition(":")[0]
    name = name.rstrip(".")
    for pattern in (p.strip().lower().rstrip(".") for p in allowed):
        if pattern == "*" or name == pattern:
            return True
        if pattern.startswith("*.") and name.endswith(pattern[1:]) and len(name) > len(pattern) - 1:
            return True
    return False


class AllowedHosts:
    """Answer only requests whose Host header names this server (``HUB_ALLOWED_HOSTS``), so that
    a page on another site cannot reach the hub through a name it rebinds to the hub's address."""

    def __init__(self, app: ASGIApp, *, hosts: tuple[str, ...]) -> None:
        self.app, self.hosts = app, hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in {"http", "websocket"}:
            await self.app(scope, receive, send)
            return
        host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
        if host_allowed(host, self.hosts):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await refuse(
            scope,
            send,
            400,
            f"this server does not answer to the host name {host!r}: it answers to "
            f"{', '.join(self.hosts)} (HUB_ALLOWED_HOSTS)",
            "HOST_NOT_ALLOWED",
        )
