"""The ``hub`` command line."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from sqlalchemy.exc import SQLAlchemyError

from hub import __version__
from hub.app.admin import audit, token_cli, withdraw
from hub.app.assets import (
    CDN,
    AssetError,
    assets_dir,
    damaged_assets,
    fetch_assets,
    missing_assets,
)
from hub.app.graphiql import GRAPHIQL_PACKAGES
from hub.app.ingest import Outcome, check_files, collect_files, ingest_files
from hub.app.options import DatabaseOption, PhaseOption, RegionOption, ScopeChoice
from hub.app.reports import finding_json
from hub.catalog import Catalog, CatalogFileError
from hub.check import Finding
from hub.config import SettingError, Settings
from hub.domain import Scheme, Scope, Severity, SourceFormat
from hub.parse import Overrides
from hub.resources import resource_dir
from hub.store.engine import Database, DatabaseURLError
from hub.store.load import LoadStatus
from hub.store.migrate import (
    MigrationError,
    current_revision,
    downgrade,
    ensure_catalog,
    head_revision,
    upgrade,
)

__all__ = ["main"]


cli = typer.Typer(
    help="Budget Hub: a GraphQL data hub for department budget disclosures (部门预算公开).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_cli = typer.Typer(help="Create and migrate the database.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
assets_cli = typer.Typer(
    help="The third-party files the pages load (GraphiQL, ECharts), served by the hub itself.",
    no_args_is_help=True,
)
cli.add_typer(assets_cli, name="assets")
cli.add_typer(token_cli, name="token")
cli.command()(audit)
cli.command()(withdraw)


class UserError(Exception):
    """A failure to report in one line, without a traceback."""


def _fail(message: str) -> NoReturn:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    sys.exit(1)


def settings_with(database: str | None) -> Settings:
    """The settings, with ``--database`` (if given) in place of ``HUB_DATABASE_URL``."""
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


def prepare(url: str, *, first_run: bool = False) -> None:
    """Create and migrate an empty database; refuse one at another revision.

    On ``first_run`` (``hub serve``) a new database also gets the documents in
    ``fixtures/disclosures``, so that a new user sees data at once.
    """
    revision = asyncio.run(_revision(url))
    head = head_revision()
    if revision is None:
        typer.echo("The database is empty: creating it and loading the catalog.", err=True)
        upgrade(url)
        if first_run:
            folder = resource_dir("fixtures") / "disclosures"
            _report_ingest(asyncio.run(_ingest(url, [folder], Overrides())))
    elif revision != head:
        raise UserError(
            f"the database is at schema revision {revision}, this hub needs {head}: "
            "run `hub db upgrade` first"
        )
    elif ensure_catalog(url):
        typer.echo("The classification catalog differed from fixtures/catalog: synced.", err=True)


@db_cli.command("upgrade")
def db_upgrade(
    database: DatabaseOption = None,
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
) -> None:
    """Migrate the schema up (to the newest revision by default) and load the catalog."""
    settings = settings_with(database)
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
    settings = settings_with(database)
    downgrade(settings.database_url, revision)
    now = asyncio.run(_revision(settings.database_url))
    typer.echo(f"Database at revision {now}." if now else "Database emptied: no schema revision.")


@db_cli.command("current")
def db_current(database: DatabaseOption = None) -> None:
    """Show the database's schema revision and the newest one this hub knows."""
    settings = settings_with(database)
    revision = asyncio.run(_revision(settings.database_url))
    typer.echo(f"revision: {revision or '(empty database)'}\nhead: {head_revision()}")


def _where_assets_load(folder: Path, damaged: list[str]) -> list[str]:
    """What ``hub serve`` says on start about where the pages' third-party files come from."""
    if not damaged:
        return [f"GraphiQL and the explorer's charts load from this server's copy in {folder}."]
    lines = []
    if missing_assets(folder, GRAPHIQL_PACKAGES):
        lines.append(
            f"GraphiQL loads from the public CDN ({CDN}): this server has no copy in {folder}; "
            "a browser without internet will not get it."
        )
    else:
        lines.append(f"GraphiQL loads from this server's copy in {folder}.")
    if missing_assets(folder, ("echarts",)):
        lines.append(f"The explorer shows tables without charts: ECharts is not in {folder}.")
    altered = sorted(set(damaged) - set(missing_assets(folder)))
    if altered:
        lines.append(f"Altered in {folder} (browsers will refuse them): {', '.join(altered)}.")
    lines.append(
        "Run `hub assets fetch` (`hub assets fetch --from FOLDER` on a machine without "
        "internet; README.md, 'GraphiQL without internet')."
    )
    return lines


def _exposure_warnings(host: str, settings: Settings) -> list[str]:
    """What ``hub serve`` warns about when it listens beyond this machine."""
    if _loopback(host) or not settings.graphiql:
        return []
    return [
        f"warning: listening on {host}, beyond this machine, with GraphiQL on: anyone who "
        "reaches this address gets the IDE at /graphql. Set HUB_GRAPHIQL=0 to switch it off, "
        "and HUB_ALLOWED_HOSTS to the names this server answers to."
    ]


def _loopback(host: str) -> bool:
    import ipaddress

    if host.strip().lower() in {"localhost", "localhost."}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve to any address


# httptools, uvicorn's faster parser, refuses a URL longer than this with a bare 400; h11 takes
# what it is told to, so a GET query string up to HUB_MAX_REQUEST_BYTES is the hub's to judge.
_HTTPTOOLS_LONGEST_URL = 65_535
_HEADROOM = 65_536


def _http_options(settings: Settings) -> dict[str, Any]:
    if settings.max_request_bytes + len("/graphql?") <= _HTTPTOOLS_LONGEST_URL:
        return {}
    return {"http": "h11", "h11_max_incomplete_event_size": settings.max_request_bytes + _HEADROOM}


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, and the hub's line per refused request (``hub.http``) beside it."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["hub"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    config["loggers"]["strawberry"] = {"handlers": ["default"], "level": "WARNING"}
    return config


@cli.command()
def serve(
    database: DatabaseOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    offline: Annotated[
        bool,
        typer.Option(
            help="Refuse to start unless this server has its own copy of the pages' files "
            "(`hub assets fetch`); a copy is used with or without this flag.",
        ),
    ] = False,
    access_log: Annotated[
        bool, typer.Option(help="Log every request (costs time under load).")
    ] = False,
) -> None:
    """Serve the GraphQL API at /graphql (creating and migrating an empty database first)."""
    import uvicorn

    if offline:
        os.environ["HUB_OFFLINE"] = "1"
    settings = settings_with(database)
    folder = assets_dir(settings.assets_dir)
    damaged = damaged_assets(folder)
    if damaged and settings.offline:
        raise UserError(
            f"--offline needs this server's copy of GraphiQL and ECharts in {folder}, which "
            "lacks or holds altered "
            f"{', '.join(damaged)}: run `hub assets fetch` (see README.md, "
            "'GraphiQL without internet')"
        )
    for line in _where_assets_load(folder, damaged):
        typer.echo(line, err=True)
    for line in _exposure_warnings(host, settings):
        typer.secho(line, fg=typer.colors.YELLOW, err=True)
    prepare(settings.database_url, first_run=True)
    typer.echo(f"Serving http://{host}:{port}/graphql", err=True)
    uvicorn.run(
        "hub.app.web:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=access_log,
        server_header=False,
        log_config=_log_config(),
        **_http_options(settings),
    )


YearOption = Annotated[
    int | None, typer.Option("--year", help="Fiscal year, when the title lacks it or is wrong.")
]
RegionNameOption = Annotated[str | None, typer.Option(help="Region name (咸宁市).")]
RegionCodeOption = Annotated[
    str | None, typer.Option(help="Administrative division code of the region (421200).")
]
DepartmentCodeOption = Annotated[str | None, typer.Option(help="Department code (209).")]
DepartmentNameOption = Annotated[str | None, typer.Option(help="Department name.")]
ScopeOption = Annotated[
    Scope | None,
    typer.Option(
        case_sensitive=False,
        help="Whose budget: DEPARTMENT (部门预算) or UNIT (单位预算), when the document is "
        "taken for the other.",
    ),
]
PathsArgument = Annotated[
    list[Path], typer.Argument(help="Files, or folders to read every file of.", show_default=False)
]
ForceOption = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Take --year and --region-code even where they contradict the document (the "
        "year its title states) or are no real administrative division code.",
    ),
]


class FailOn(StrEnum):
    """From which severity of finding on a run exits 3."""

    ERROR = "error"
    WARNING = "warning"
    NEVER = "never"


FAILING: dict[FailOn, frozenset[Severity]] = {
    FailOn.ERROR: frozenset({Severity.ERROR}),
    FailOn.WARNING: frozenset({Severity.ERROR, Severity.WARNING}),
    FailOn.NEVER: frozenset(),
}
"""The severities that make a run exit 3 (ROUNDING and INFO never do)."""

EXIT_FAILED = 1
"""Some file could not be read or stored, or the run could not go on."""
EXIT_FINDINGS = 3
"""Every file went through, but some had findings at or above the --fail-on level."""


def _fail_on_option(default: str) -> Any:
    return typer.Option(
        "--fail-on",
        case_sensitive=False,
        help="Exit 3 when a file has a finding of this severity or worse: error, warning "
        f"(ERROR or WARNING), or never (default: {default}).",
        show_default=False,
    )


def _overrides(
    year: int | None,
    region_name: str | None,
    region_code: str | None,
    department_code: str | None,
    department_name: str | None,
    scope: Scope | None,
    force: bool = False,
) -> Overrides:
    # --force matters only to what it lets through: alone, it changes nothing (files already
    # loaded are still not read again).
    force = force and (year is not None or region_code is not None)
    return Overrides(year, region_name, region_code, department_code, department_name, scope, force)


Line = tuple[str, bool, str | None]
"""A line to print: its text, whether it goes to stderr, its colour."""


@contextmanager
def _progress(
    total: int, lines: Callable[[Outcome], list[Line]]
) -> Iterator[Callable[[Outcome], None]]:
    """What to call as each file is done: it prints that file's ``lines`` at once, the first
    prefixed with ``[n/total]``, and moves a progress bar on stderr when stderr is a terminal
    (none when it is a file or pipe). Lines that go to a terminal while the bar is up are
    printed above it; a piped stdout gets each line as it is printed."""
    from rich.console import Console
    from rich.progress import Progress
    from rich.text import Text

    bar = sys.stderr.isatty()
    width = len(str(total))
    done = 0
    with Progress(
        console=Console(stderr=True),
        disable=not bar,
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    ) as progress:
        task = progress.add_task("Reading", total=total)

        def advance(outcome: Outcome) -> None:
            nonlocal done
            done += 1
            for index, (text, err, colour) in enumerate(lines(outcome)):
                text = f"[{done:>{width}}/{total}] {text}" if index == 0 else text
                if bar and (err or sys.stdout.isatty()):  # the same screen as the bar
                    progress.console.print(Text(text, style=colour or ""), soft_wrap=True)
                else:
                    typer.secho(text, fg=colour, err=err)
            progress.update(task, advance=1, description=outcome.path.name)

        yield advance


async def _ingest(
    url: str,
    paths: list[Path],
    overrides: Overrides,
    *,
    stored_findings: bool = False,
    restore: bool = False,
) -> list[Outcome]:
    """Load the files, printing each one's line as it is done; with ``stored_findings``, the
    files already loaded get the findings stored with them (for ``--fail-on``)."""
    database = Database(url)
    try:
        with _progress(len(collect_files(paths)), _ingest_lines) as advance:
            outcomes = await ingest_files(database, paths, overrides, advance, restore=restore)
        if stored_findings:
            await _stored_findings(database, outcomes)
        return outcomes
    finally:
        await database.dispose()


async def _stored_findings(database: Database, outcomes: list[Outcome]) -> None:
    """Give each file found already loaded the findings stored with it, as if read again (only
    their severities count): unchanged bytes have the findings they had."""
    from sqlmodel import col, select

    from hub.store.entities import Finding as StoredFinding

    unchanged = {
        o.loaded.disclosure_id: o
        for o in outcomes
        if o.loaded is not None and o.loaded.status is LoadStatus.UNCHANGED and not o.findings
    }
    ids = sorted(unchanged)
    async with database.session() as session:
        for start in range(0, len(ids), 500):
            query = select(
                StoredFinding.disclosure_id,
                StoredFinding.rule,
                StoredFinding.severity,
                StoredFinding.message,
            ).where(col(StoredFinding.disclosure_id).in_(ids[start : start + 500]))
            for disclosure_id, rule, severity, message in await session.execute(query):
                unchanged[disclosure_id].findings.append(Finding(rule, Severity(severity), message))


def _summary(outcome: Outcome) -> str:
    summary = outcome.summary
    assert summary is not None
    findings = outcome.findings_text() or "none"
    return (
        f"{summary.department} {summary.year}: {summary.tables} tables, {summary.lines} lines, "
        f"findings: {findings}"
    )


def _ingest_lines(outcome: Outcome) -> list[Line]:
    """The line ``hub ingest`` prints for a file once it is done."""
    if _not_loaded(outcome) or outcome.loaded is None:
        return [(f"failed     {outcome.error}", True, typer.colors.RED)]
    name, version = outcome.path.name, outcome.loaded.version
    if outcome.loaded.status is LoadStatus.UNCHANGED:
        return [(f"unchanged  {name}: already loaded as version {version}", False, None)]
    if outcome.loaded.status is LoadStatus.WITHDRAWN:
        why = outcome.loaded.withdrawal_reason
        return [
            (
                f"withdrawn  {name}: version {version} was withdrawn ({why}); "
                "--restore makes it current again",
                False,
                typer.colors.YELLOW,
            )
        ]
    if outcome.loaded.status is LoadStatus.RESTORED:
        return [(f"restored   {name}: version {version} is current again", False, None)]
    return [(f"loaded     {name} (version {version}): {_summary(outcome)}", False, None)]


def _report_ingest(outcomes: list[Outcome]) -> None:
    """Print the total of a run whose files' lines were printed as each was done."""
    counts: Counter[str] = Counter(o.status for o in outcomes)
    typer.echo(
        f"{len(outcomes)} file{'' if len(outcomes) == 1 else 's'}: "
        f"{counts['new'] + counts['new version']} loaded "
        f"({counts['new version']} as new versions), {counts['unchanged']} unchanged, "
        f"{counts['failed']} failed"
        + "".join(
            f", {counts[status]} {status}" for status in ("withdrawn", "restored") if counts[status]
        )
    )


def _not_loaded(outcome: Outcome) -> bool:
    return outcome.error is not None or outcome.loaded is None


def _exit_code(outcomes: list[Outcome], fail_on: FailOn, failed: Callable[[Outcome], bool]) -> int:
    """1 if a file ``failed``, else 3 if a file had a finding at or above ``fail_on``,
    else 0."""
    if any(failed(o) for o in outcomes):
        return EXIT_FAILED
    failing = FAILING[fail_on]
    if any(f.severity in failing for o in outcomes for f in o.findings):
        return EXIT_FINDINGS
    return 0


_EXIT_CODES = (
    "Exit status: 0 when every file went through with no finding at the --fail-on level; "
    "1 when a file failed (could not be read or stored) or the run could not go on; "
    "2 for a usage error; "
    "3 when no file failed but some had findings at or above the --fail-on level "
    "(warning counts ERROR and WARNING; ROUNDING and INFO never count)."
)


@cli.command(epilog=_EXIT_CODES)
def ingest(
    paths: PathsArgument,
    database: DatabaseOption = None,
    year: YearOption = None,
    region_name: RegionNameOption = None,
    region_code: RegionCodeOption = None,
    department_code: DepartmentCodeOption = None,
    department_name: DepartmentNameOption = None,
    scope: ScopeOption = None,
    force: ForceOption = False,
    fail_on: Annotated[FailOn, _fail_on_option("never")] = FailOn.NEVER,
    restore: Annotated[
        bool,
        typer.Option(
            "--restore",
            help="Make a withdrawn version current again when its file is loaded again "
            "(without it, the file is reported withdrawn and nothing changes).",
        ),
    ] = False,
) -> None:
    """Read disclosures into the database, one transaction per file.

    The same file twice changes nothing; a changed file for the same department and year
    becomes a new version. Each file's line is printed as soon as that file is done. A file
    that fails spoils no other: the others still load, and the run exits 1.
    """
    settings = settings_with(database)
    overrides = _overrides(
        year, region_name, region_code, department_code, department_name, scope, force
    )

    prepare(settings.database_url)
    outcomes = asyncio.run(
        _ingest(
            settings.database_url,
            paths,
            overrides,
            stored_findings=fail_on is not FailOn.NEVER,
            restore=restore,
        )
    )
    _report_ingest(outcomes)
    code = _exit_code(outcomes, fail_on, _not_loaded)
    if code:
        raise typer.Exit(code)


def _check_lines(outcome: Outcome) -> list[Line]:
    """What ``hub check`` prints for a file once it is done: a line, and one per finding."""
    if outcome.error is not None:
        return [(f"failed     {outcome.error}", True, typer.colors.RED)]
    lines: list[Line] = [(f"{outcome.path.name}: {_summary(outcome)}", False, None)]
    pdf = outcome.document and outcome.document.source.format is SourceFormat.PDF
    place = "page" if pdf else "line"  # where a finding is: a PDF has pages
    for f in outcome.findings:
        where = " ".join(
            str(part)
            for part in (
                f.table.value if f.table else None,
                f.code,
                f.column,
                f"{place} {f.line}" if f.line else None,
            )
            if part
        )
        lines.append(
            (f"  {f.severity.value:<8} {f.rule:<24} {where}\n           {f.message}", False, None)
        )
    return lines


@cli.command(epilog=_EXIT_CODES)
def check(
    paths: PathsArgument,
    as_json: Annotated[
        bool, typer.Option("--json", help="JSON output; amounts in 万元 as exact decimals.")
    ] = False,
    year: YearOption = None,
    region_name: RegionNameOption = None,
    region_code: RegionCodeOption = None,
    department_code: DepartmentCodeOption = None,
    department_name: DepartmentNameOption = None,
    scope: ScopeOption = None,
    force: ForceOption = False,
    fail_on: Annotated[FailOn, _fail_on_option("error")] = FailOn.ERROR,
) -> None:
    """Print the reconciliation findings of disclosures without touching any database.

    Each file's findings are printed as soon as that file is done (with --json, all at the
    end). A pipeline stops on an ERROR finding: the run exits 3 (see --fail-on).
    """
    overrides = _overrides(
        year, region_name, region_code, department_code, department_name, scope, force
    )
    lines = (lambda _: []) if as_json else _check_lines
    with _progress(len(collect_files(paths)), lines) as advance:
        outcomes = check_files(paths, overrides, Catalog.shipped(), advance)
    if as_json:
        report = [
            {
                "file": str(o.path),
                # A finding's "line" is a line of a text file, a page of a PDF.
                "format": o.document.source.format.value if o.document else None,
                "error": o.error,
                "department": o.summary.department if o.summary else None,
                "year": o.summary.year if o.summary else None,
                "findings": [finding_json(f) for f in o.findings],
            }
            for o in outcomes
        ]
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    code = _exit_code(outcomes, fail_on, lambda o: o.failed)
    if code:
        raise typer.Exit(code)


@assets_cli.command("fetch")
def assets_fetch(
    source: Annotated[
        Path | None,
        typer.Option("--from", help="A folder of the npm tarballs, instead of the registry."),
    ] = None,
    keep: Annotated[
        Path | None, typer.Option(help="Also save the verified tarballs here, to carry along.")
    ] = None,
    target: Annotated[
        Path | None, typer.Option(help="Where to put the assets (default: $HUB_ASSETS_DIR).")
    ] = None,
) -> None:
    """Get the pinned, integrity-checked files of GraphiQL and ECharts, for `hub serve` to
    serve itself. Files already there and intact are kept: a second run downloads nothing."""
    folder = target or assets_dir(Settings.from_env().assets_dir)
    try:
        done = fetch_assets(folder, source, keep)
    except AssetError as exc:
        raise UserError(str(exc)) from None
    if done.fetched:
        typer.echo(f"fetched into {folder}: {', '.join(a.folder for a in done.fetched)}")
    if done.present:
        typer.echo(f"already in {folder}, verified: {', '.join(a.folder for a in done.present)}")


@cli.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
    apollo_cache_config: Annotated[
        bool,
        typer.Option(
            "--apollo-cache-config",
            help="Print instead the JSON for Apollo Client's InMemoryCache (possibleTypes, "
            "typePolicies), as served at /graphql/client-cache.json.",
        ),
    ] = False,
) -> None:
    """Print the GraphQL schema (SDL, sorted), as committed in schema.graphql."""
    from hub.api.client_cache import client_cache_json
    from hub.api.schema import schema_sdl

    text = client_cache_json() if apollo_cache_config else schema_sdl()
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


export_cli = typer.Typer(
    help="Export a disclosure (every table) or a rollup as CSV, XLSX, JSON or a Fiscal Data "
    "Package.",
    invoke_without_command=True,
    no_args_is_help=True,
)
cli.add_typer(export_cli, name="export")
FormatOption = Annotated[
    str,
    typer.Option(
        "--format", help="csv (UTF-8 with BOM), xlsx, json, or fdp (a Fiscal Data Package folder)."
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="File (a folder for fdp); default: named after what is exported."
    ),
]
DatasetOption = Annotated[
    str | None,
    typer.Option(help="For csv, the one dataset to write (default: the budget lines)."),
]


def _export(database: str | None, find: Callable[[Database], Any], fmt: str,
            output: Path | None, dataset: str | None) -> None:  # fmt: skip
    from hub.app.downloads import ExportRequestError
    from hub.app.renderers import RENDERERS, write_export

    if fmt not in RENDERERS:
        raise UserError(f"--format {fmt!r}: expected one of {', '.join(RENDERERS)}")
    settings = settings_with(database)
    prepare(settings.database_url)

    async def run() -> Path:
        store = Database(settings.database_url)
        try:
            export = await find(store)
            if dataset is not None and dataset not in {d.key for d in export.datasets}:
                known = ", ".join(d.key for d in export.datasets)
                raise UserError(f"--dataset {dataset!r}: expected one of {known}")
            extension = "" if fmt == "fdp" else RENDERERS[fmt].extension
            target = output or Path(export.name + extension)
            return await write_export(export, fmt, target, dataset)
        except ExportRequestError as exc:
            raise UserError(str(exc)) from None
        finally:
            await store.dispose()

    typer.echo(f"wrote {asyncio.run(run())}", err=True)


@export_cli.callback()
def export(
    ctx: typer.Context,
    department: Annotated[
        str | None, typer.Option(help="Department code or exact name.", show_default=False)
    ] = None,
    year: Annotated[int | None, typer.Option(help="Fiscal year.", show_default=False)] = None,
    region: RegionOption = None,
    phase: PhaseOption = "budget",
    version: Annotated[
        int | None, typer.Option(help="A disclosure version (default: the current one).")
    ] = None,
    scope: ScopeChoice = Scope.DEPARTMENT,
    fmt: FormatOption = "csv",
    output: OutputOption = None,
    dataset: DatasetOption = None,
    database: DatabaseOption = None,
) -> None:
    """Export a department's disclosure for a year: every table, one row per budget line."""
    if ctx.invoked_subcommand is not None:
        return
    if department is None or year is None:
        raise UserError("give --department and --year (or `hub export rollup …`)")
    from hub.app.downloads import find_disclosure_export

    _export(
        database,
        lambda store: find_disclosure_export(
            store, department=department, year=year, region=region, phase=phase,
            version=version, scope=scope,
        ),
        fmt, output, dataset,
    )  # fmt: skip


@export_cli.command("rollup")
def export_rollup(
    code: Annotated[str, typer.Option(help="The code whose subtree is summed (215).")],
    year: Annotated[int, typer.Option(help="Fiscal year.")],
    scheme: Annotated[
        Scheme, typer.Option(case_sensitive=False, help="FUNCTIONAL or DEPARTMENTAL_ECONOMIC.")
    ] = Scheme.FUNCTIONAL,
    region: Annotated[str | None, typer.Option(help="Region name or division code.")] = None,
    phase: PhaseOption = "budget",
    fmt: FormatOption = "csv",
    output: OutputOption = None,
    dataset: DatasetOption = None,
    database: DatabaseOption = None,
) -> None:
    """Export a code across the departments of a year (and region): its subtree's totals and
    the departments ranked."""
    from hub.app.downloads import find_rollup_export

    _export(
        database,
        lambda store: find_rollup_export(
            store, scheme=scheme, code=code, year=year, region=region, phase=phase
        ),
        fmt, output, dataset,
    )  # fmt: skip


def main() -> None:
    """Run the CLI; failures are reported in a line, never as a traceback."""
    try:
        cli()
    except (UserError, DatabaseURLError, CatalogFileError, SettingError, MigrationError) as exc:
        _fail(str(exc))
    except SQLAlchemyError as exc:
        _fail(f"database error: {getattr(exc, 'orig', None) or exc}")
    except OSError as exc:
        _fail(f"cannot reach the database or a file: {exc}")
    except Exception as exc:  # the last line of defence: no traceback reaches the user
        if os.environ.get("HUB_DEBUG"):
            raise
        _fail(f"unexpected {type(exc).__name__}: {exc} (set HUB_DEBUG=1 for details)")
