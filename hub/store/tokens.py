"""Tokens that may load and withdraw over HTTP. A token is shown once, when made; the store
keeps only its SHA-256 (a token is 256 random bits, so no slow hash is needed to protect it)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from hub.domain import AuditAction
from hub.store.audit import CLI_ACTOR, AuditRecord, record_audit
from hub.store.entities import ApiToken

__all__ = ["PREFIX", "TokenError", "create_token", "list_tokens", "revoke_token", "token_holder"]

PREFIX = "hub_"
"""What every token starts with, so that a leaked one is easy to recognise."""
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class TokenError(ValueError):
    """A token that cannot be made or revoked as asked."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


async def create_token(session: AsyncSession, name: str, actor: str = CLI_ACTOR) -> str:
    """Make a token called ``name`` and return it: the only time it is seen."""
    if not _NAME.fullmatch(name) or name == CLI_ACTOR:
        raise TokenError(
            f"token name {name!r}: use 1–64 letters, digits, '.', '_' or '-', starting with a "
            f"letter or digit (and not {CLI_ACTOR!r}, which the audit log uses for the command "
            "line)"
        )
    existing = await session.scalar(select(ApiToken).where(col(ApiToken.name) == name))
    if existing is not None:
        state = "revoked" if existing.revoked_at else "in use"
        raise TokenError(
            f"a token named {name!r} exists ({state}): names are never reused, so that the "
            "audit log's entries stay unambiguous; choose another name"
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(name=name, secret_sha256=_digest(secret), created_at=datetime.now(UTC)))
    await record_audit(session, AuditRecord(actor, AuditAction.TOKEN_CREATED, "done", detail=name))
    return secret


async def list_tokens(session: AsyncSession) -> list[ApiToken]:
    return list((await session.scalars(select(ApiToken).order_by(col(ApiToken.id)))).all())


async def revoke_token(session: AsyncSession, name: str, actor: str = CLI_ACTOR) -> ApiToken:
    """Revoke the token called ``name``: from the next request on it is refused."""
    token = await session.scalar(select(ApiToken).where(col(ApiToken.name) == name))
    if token is None:
        raise TokenError(f"no token named {name!r} (`hub token list` shows them)")
    if token.revoked_at is None:
        token.revoked_at = datetime.now(UTC)
        await record_audit(
            session, AuditRecord(actor, AuditAction.TOKEN_REVOKED, "done", detail=name)
        )
    return token


async def token_holder(session: AsyncSession, secret: str) -> str | None:
    """The name of the live token ``secret`` is, else None.

    Every live token's digest is compared, each in constant time, so that neither the answer's
    time nor a database index tells how much of a guess was right."""
    digest = _digest(secret)
    holder = None
    rows = await session.execute(
        select(col(ApiToken.name), col(ApiToken.secret_sha256)).where(
            col(ApiToken.revoked_at).is_(None)
        )
    )
    for name, stored in rows:
        if hmac.compare_digest(stored, digest):
            holder = name
    return holder
