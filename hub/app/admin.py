"""The ``hub`` commands of a hub run as a service: tokens, the audit log, withdrawing a
version. :mod:`hub.app.cli` registers them; what they share with the other commands (the
database option, preparing the database, one-line errors) is looked up from there when a
command runs."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Annotated, Any, TypeVar

import typer

from hub.api.ids import encode_id
from hub.app.options import DatabaseOption, PhaseOption, RegionOption, ScopeChoice
from hub.app.withdrawal import WithdrawRequestError, withdraw_version
from hub.domain import Scope
from hub.store.audit import CLI_ACTOR, audit_entries
from hub.store.engine import Database
from hub.store.tokens import TokenError, create_token, list_tokens, revoke_token

__all__ = ["audit", "token_cli", "withdraw"]

T = TypeVar("T")

token_cli = typer.Typer(
    help="Tokens that may load and withdraw over HTTP (POST /api/ingest, /api/withdraw).",
    no_args_is_help=True,
)


def _run(database: str | None, work: Callable[[Database], Awaitable[T]]) -> T:
    """``work`` against the database, made and migrated first if it is new."""
    from hub.app.cli import UserError, prepare, settings_with

    url = settings_with(database).database_url
    prepare(url)

    async def run() -> T:
        store = Database(url)
        try:
            return await work(store)
        except (TokenError, WithdrawRequestError) as exc:
            raise UserError(str(exc)) from None
        finally:
            await store.dispose()

    return asyncio.run(run())


@token_cli.command("create")
def token_create(
    name: Annotated[str, typer.Argument(help="Who holds it, e.g. the pipeline's name.")],
    database: DatabaseOption = None,
) -> None:
    """Make a token and print it: the only time it is shown (the hub keeps its hash only)."""

    async def work(store: Database) -> str:
        async with store.transaction() as session:
            return await create_token(session, name)

    secret = _run(database, work)
    typer.echo(secret)
    typer.echo(
        f"token {name!r} made; keep it now, it cannot be shown again. Send it as "
        "'Authorization: Bearer <token>'.",
        err=True,
    )


@token_cli.command("list")
def token_list(database: DatabaseOption = None) -> None:
    """The tokens made: name, when, and whether revoked (never the tokens themselves)."""

    async def work(store: Database) -> list[tuple[str, str, str]]:
        async with store.session() as session:
            return [
                (
                    t.name,
                    f"{t.created_at:%Y-%m-%d %H:%M}",
                    f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active",
                )
                for t in await list_tokens(session)
            ]

    rows = _run(database, work)
    if not rows:
        typer.echo("no tokens: `hub token create NAME` makes one", err=True)
    for name, created, state in rows:
        typer.echo(f"{name:<24} created {created} UTC  {state}")


@token_cli.command("revoke")
def token_revoke(
    name: Annotated[str, typer.Argument(help="The token's name.")],
    database: DatabaseOption = None,
) -> None:
    """Revoke a token: every request with it is refused from now on."""

    async def work(store: Database) -> None:
        async with store.transaction() as session:
            await revoke_token(session, name)

    _run(database, work)
    typer.echo(f"token {name!r} revoked")


_SPAN = re.compile(r"(\d+)([mhd])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def _span(value: str | None) -> timedelta | None:
    if value is None:
        return None
    match = _SPAN.fullmatch(value.strip())
    if match is None:
        raise typer.BadParameter(f"{value!r}: expected a span such as 30m, 12h or 7d")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def audit(
    actor: Annotated[
        str | None,
        typer.Option(
            "--actor", help=f"Only this token's entries ({CLI_ACTOR!r}: the command line's)."
        ),
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Only the last span of time: 30m, 12h, 7d.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many, the latest.")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    database: DatabaseOption = None,
) -> None:
    """Print the audit log: who loaded or withdrew what, when, and what came of it; tokens
    made and revoked."""
    span = _span(since)

    async def work(store: Database) -> list[dict[str, Any]]:
        async with store.session() as session:
            return [
                {
                    "at": e.at.isoformat(timespec="seconds"),
                    "actor": e.actor,
                    "action": e.action.value,
                    "file": e.source_name,
                    "sha256": e.source_sha256,
                    "result": e.result,
                    "disclosure": encode_id("Disclosure", e.disclosure_id)
                    if e.disclosure_id
                    else None,
                    "version": e.version,
                    "detail": e.detail,
                }
                for e in await audit_entries(session, actor=actor, since=span, limit=limit)
            ]

    entries = _run(database, work)
    if as_json:
        sys.stdout.write(json.dumps(entries, ensure_ascii=False, indent=2) + "\n")
        return
    for e in entries:
        what = " ".join(
            str(part)
            for part in (
                e["file"],
                e["sha256"] and e["sha256"][:12],
                e["version"] and f"version {e['version']}",
            )
            if part
        )
        detail = f" ({e['detail']})" if e["detail"] else ""
        typer.echo(
            f"{e['at']}  {e['actor']:<16} {e['action']:<14} {e['result']:<12} {what}{detail}"
        )


def withdraw(
    department: Annotated[str, typer.Option(help="Department code or exact name.")],
    year: Annotated[int, typer.Option(help="Fiscal year.")],
    reason: Annotated[str, typer.Option(help="Why: kept with the version and shown with it.")],
    region: RegionOption = None,
    phase: PhaseOption = "budget",
    version: Annotated[
        int | None, typer.Option(help="The version to withdraw (default: the current one).")
    ] = None,
    scope: ScopeChoice = Scope.DEPARTMENT,
    database: DatabaseOption = None,
) -> None:
    """Withdraw a version (撤回): it stays queryable with the reason, is never current again
    unless restored (`hub ingest --restore` with its file), and the version before it is
    current again. Nothing is deleted."""

    async def work(store: Database) -> str:
        done = await withdraw_version(
            store, department=department, year=year, reason=reason, actor=CLI_ACTOR,
            region=region, phase=phase, version=version, scope=scope,
        )  # fmt: skip
        now = (
            f"version {done.reinstated_version} is current again"
            if done.reinstated_version is not None
            else "no version of it is current now"
        )
        return f"withdrew version {done.version} of {department} {year}; {now}"

    typer.echo(_run(database, work))
