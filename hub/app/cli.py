"""The ``hub`` command line."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from sqlalchemy.exc import SQLAlchemyError

from hub import __version__
from hub.config import Settings
from hub.store.catalog import CatalogFileError
from hub.store.engine import Database, DatabaseURLError
from hub.store.migrate import current_revision, downgrade, head_revision, upgrade

__all__ = ["main"]

cli = typer.Typer(
    help="Budget Hub: a GraphQL data hub for department budget disclosures (部门预算公开).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_cli = typer.Typer(help="Create and migrate the database.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        help="Database URL (default: $HUB_DATABASE_URL, else sqlite+aiosqlite:///hub.db).",
        show_default=False,
    ),
]


class UserError(Exception):
    """A failure to report in one line, without a traceback."""


def _fail(message: str) -> NoReturn:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    sys.exit(1)


def _settings(database: str | None) -> Settings:
    settings = Settings.from_env()
    if database:
        # The environment carries the choice to uvicorn's worker processes too.
        os.environ["HUB_DATABASE_URL"] = database
        settings = Settings.from_env()
    return settings


def _version(value: bool) -> None:
    if value:
        typer.echo(f"hub {__version__}")
        raise typer.Exit()


@cli.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    pass


async def _revision(url: str) -> str | None:
    database = Database(url)
    try:
        return await current_revision(database)
    finally:
        await database.dispose()


def _prepare(url: str) -> None:
    """Create and migrate an empty database; refuse one at another revision."""
    revision = asyncio.run(_revision(url))
    head = head_revision()
    if revision is None:
        typer.echo("The database is empty: creating it and loading the catalog.", err=True)
        upgrade(url)
    elif revision != head:
        raise UserError(
            f"the database is at schema revision {revision}, this hub needs {head}: "
            "run `hub db upgrade` first"
        )


@db_cli.command("upgrade")
def db_upgrade(
    database: DatabaseOption = None,
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
) -> None:
    """Migrate the schema up (to the newest revision by default) and load the catalog."""
    settings = _settings(database)
    upgrade(settings.database_url, revision)
    typer.echo(f"Database at revision {asyncio.run(_revision(settings.database_url))}.")


@db_cli.command("downgrade")
def db_downgrade(
    database: DatabaseOption = None,
    revision: Annotated[
        str, typer.Option(help="Target revision: -1 for one step, base for an empty schema.")
    ] = "-1",
) -> None:
    """Migrate the schema down, one revision by default."""
    settings = _settings(database)
    downgrade(settings.database_url, revision)
    typer.echo(f"Database at revision {asyncio.run(_revision(settings.database_url))}.")


@db_cli.command("current")
def db_current(database: DatabaseOption = None) -> None:
    """Show the database's schema revision and the newest one this hub knows."""
    settings = _settings(database)
    revision = asyncio.run(_revision(settings.database_url))
    typer.echo(f"revision: {revision or '(empty database)'}\nhead: {head_revision()}")


@cli.command()
def serve(
    database: DatabaseOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Serve the GraphQL API at /graphql (creating and migrating an empty database first)."""
    import uvicorn

    settings = _settings(database)
    _prepare(settings.database_url)
    typer.echo(f"Serving http://{host}:{port}/graphql", err=True)
    uvicorn.run(
        "hub.app.web:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )


@cli.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Print the GraphQL schema (SDL, sorted), as committed in schema.graphql."""
    from hub.api.schema import schema_sdl

    if output is None:
        sys.stdout.write(schema_sdl())
    else:
        output.write_text(schema_sdl(), encoding="utf-8")


def main() -> None:
    """Run the CLI; failures are reported in a line, never as a traceback."""
    try:
        cli()
    except (UserError, DatabaseURLError, CatalogFileError) as exc:
        _fail(str(exc))
    except SQLAlchemyError as exc:
        _fail(f"database error: {getattr(exc, 'orig', None) or exc}")
    except OSError as exc:
        _fail(f"cannot reach the database or a file: {exc}")
    except Exception as exc:  # the last line of defence: no traceback reaches the user
        if os.environ.get("HUB_DEBUG"):
            raise
        _fail(f"unexpected {type(exc).__name__}: {exc} (set HUB_DEBUG=1 for details)")
