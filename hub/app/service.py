"""Loading and withdrawing over HTTP, for the holders of a token (``hub token create NAME``).

``POST /api/ingest``: multipart/form-data, one or more ``file`` parts (.pdf or .txt) and the
overrides ``hub ingest`` takes as fields (``year``, ``region_name``, ``region_code``,
``department_code``, ``department_name``, ``scope``, ``force``, ``restore``); the answer is the
per-file report ``hub ingest`` prints, as JSON. ``POST /api/withdraw``: a JSON body naming the
version to withdraw and why.

Both need ``Authorization: Bearer <token>``, checked before the body is read. Reads (GraphQL,
the explorer, the downloads) need none.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import shutil
import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import col, select
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hub.api.ids import MAX_KEY, encode_id
from hub.app.downloads import PHASES
from hub.app.ingest import Outcome, ingest_files
from hub.app.reports import outcome_json
from hub.app.uploads import Refusal, Upload, bad_request
from hub.app.withdrawal import WithdrawRequestError, withdraw_version
from hub.config import Settings
from hub.domain import AuditAction, Scope
from hub.parse import Overrides
from hub.parse.bounds import ReadingBounds
from hub.store.audit import loads_since
from hub.store.engine import Database
from hub.store.entities import AuditEntry
from hub.store.load import LoadStatus
from hub.store.tokens import token_holder

__all__ = ["INGEST_PATH", "RATE_WINDOW", "WITHDRAW_PATH", "routes"]

log = logging.getLogger("hub.http")

INGEST_PATH = "/api/ingest"
WITHDRAW_PATH = "/api/withdraw"
RATE_WINDOW = timedelta(minutes=1)
"""The window ``HUB_INGEST_PER_MINUTE`` counts over."""
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_TEXT_FIELDS = ("region_name", "region_code", "department_code", "department_name")
FIELDS = ("year", *_TEXT_FIELDS, "scope", "force", "restore")
"""The form fields ``POST /api/ingest`` takes besides ``file``."""


async def _holder(request: Request, database: Database) -> str:
    """The name of the token the request carries; a refusal (401) without a live one."""
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        raise Refusal(
            401,
            "UNAUTHENTICATED",
            "loading and withdrawing need a token: send 'Authorization: Bearer <token>' "
            "(`hub token create NAME` makes one)",
            {"WWW-Authenticate": 'Bearer realm="hub"'},
        )
    async with database.session() as session:
        name = await token_holder(session, secret)
    if name is None:
        raise Refusal(
            401,
            "UNAUTHENTICATED",
            "the token is not one this hub knows, or it was revoked",
            {"WWW-Authenticate": 'Bearer realm="hub", error="invalid_token"'},
        )
    return name


# -- uploads ------------------------------------------------------------------------------------


def _overrides(fields: dict[str, str]) -> tuple[Overrides, bool]:
    """The overrides the form's fields give, as ``hub ingest``'s options do, and ``restore``."""
    values: dict[str, Any] = {}
    year = fields.get("year", "").strip()
    if year:
        if not (year.isascii() and year.isdigit() and len(year) == 4):
            raise bad_request(f"the form field 'year' {year!r}: expected a year such as 2023")
        values["fiscal_year"] = int(year)
    for name in _TEXT_FIELDS:
        text = fields.get(name, "").strip()
        if "\x00" in text:
            raise bad_request(f"the form field {name!r} holds a NUL character")
        if text:
            values[name] = text
    scope = fields.get("scope", "").strip()
    if scope:
        try:
            values["scope"] = Scope[scope.upper()]
        except KeyError:
            known = " or ".join(s.name for s in Scope)
            raise bad_request(f"the form field 'scope' {scope!r}: expected {known}") from None
    force = _switch(fields, "force")
    # As --force: it matters only to what it lets through (a year or region code given).
    if (
        force
        and ("fiscal_year" in values or "region_code" in values)
        and "force" in {f.name for f in dataclasses.fields(Overrides)}
    ):
        values["force"] = True
    return Overrides(**values), _switch(fields, "restore")


def _switch(fields: dict[str, str], name: str) -> bool:
    value = fields.get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise bad_request(f"the form field {name!r} {fields[name]!r}: expected true or false")


async def _rate_left(database: Database, actor: str, per_minute: int) -> tuple[int, list[datetime]]:
    """How many files ``actor`` may still send this minute, and when the files it sent in the
    last minute were sent (oldest first)."""
    since = datetime.now(UTC) - RATE_WINDOW
    async with database.session() as session:
        sent = await loads_since(session, actor, since)
        times = list(
            (
                await session.scalars(
                    select(col(AuditEntry.at))
                    .where(
                        col(AuditEntry.actor) == actor,
                        col(AuditEntry.action) == AuditAction.INGEST,
                        col(AuditEntry.at) >= since,
                    )
                    .order_by(col(AuditEntry.at))
                )
            ).all()
        )
    return max(per_minute - sent, 0), times


def _too_many(files: int, left: int, per_minute: int, times: list[datetime]) -> Refusal:
    """The refusal of ``files`` files when only ``left`` may be sent: Retry-After is when
    enough of the last minute's files have left the window."""
    if files > per_minute:
        wait = RATE_WINDOW.total_seconds()
        advice = f"send at most {per_minute} files a request"
    else:
        leaving = times[min(files - left, len(times)) - 1] if times else datetime.now(UTC)
        if leaving.tzinfo is None:  # SQLite gives the time back without its zone (UTC)
            leaving = leaving.replace(tzinfo=UTC)
        wait = (leaving + RATE_WINDOW - datetime.now(UTC)).total_seconds()
        advice = "try again later"
    seconds = max(1, int(wait) + 1)
    return Refusal(
        429,
        "RATE_LIMITED",
        f"this token may send {per_minute} files a minute to be loaded "
        f"(HUB_INGEST_PER_MINUTE); {left} more may be sent now, this request has {files}: "
        f"{advice} (in {seconds} s)",
        {"Retry-After": str(seconds)},
    )


def _report(outcomes: list[Outcome], names: dict[Path, str]) -> dict[str, Any]:
    statuses: Counter[str] = Counter(o.status for o in outcomes)
    return {
        "files": [outcome_json(o, file=names.get(o.path, o.path.name)) for o in outcomes],
        "loaded": statuses[LoadStatus.NEW.value] + statuses[LoadStatus.NEW_VERSION.value],
        "newVersions": statuses[LoadStatus.NEW_VERSION.value],
        "unchanged": statuses[LoadStatus.UNCHANGED.value],
        "restored": statuses[LoadStatus.RESTORED.value],
        "withdrawn": statuses[LoadStatus.WITHDRAWN.value],
        "failed": statuses["failed"],
    }


# -- withdrawal ---------------------------------------------------------------------------------

_WITHDRAW_KEYS = ("department", "year", "reason", "region", "version", "scope", "phase")


def _withdraw_request(body: bytes) -> dict[str, Any]:
    """The arguments of :func:`withdraw_version` a JSON body gives; a refusal (400) says what
    is wrong with it."""
    try:
        given = json.loads(body)
    except (ValueError, RecursionError):
        raise bad_request(
            'the body is not JSON: expected {"department": …, "year": …, "reason": …}'
        ) from None
    if not isinstance(given, dict):
        raise bad_request('expected a JSON object: {"department": …, "year": …, "reason": …}')
    unknown = sorted(set(given) - set(_WITHDRAW_KEYS))
    if unknown:
        raise bad_request(f"unknown key {unknown[0]!r}: expected {', '.join(_WITHDRAW_KEYS)}")

    def text(key: str, *, required: bool) -> str | None:
        value = given.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise bad_request(f"{key!r} is required")
            return None
        if not isinstance(value, str) or "\x00" in value:
            raise bad_request(f"{key!r}: expected a string")
        return value.strip()

    def number(key: str, *, required: bool) -> int | None:
        value = given.get(key)
        if value is None:
            if required:
                raise bad_request(f"{key!r} is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_KEY:
            raise bad_request(f"{key!r}: expected a whole number > 0")
        return value

    arguments: dict[str, Any] = {
        "department": text("department", required=True),
        "year": number("year", required=True),
        "reason": text("reason", required=True),
        "region": text("region", required=False),
        "version": number("version", required=False),
    }
    scope = text("scope", required=False)
    if scope is not None:
        try:
            arguments["scope"] = Scope[scope.upper()]
        except KeyError:
            known = " or ".join(s.name for s in Scope)
            raise bad_request(f"'scope' {scope!r}: expected {known}") from None
    phase = text("phase", required=False)
    if phase is not None:
        if phase not in PHASES:
            raise bad_request(f"'phase' {phase!r}: expected {' or '.join(PHASES)}")
        arguments["phase"] = phase
    return arguments


def _version(disclosure_id: int | None, version: int | None) -> dict[str, Any] | None:
    if disclosure_id is None or version is None:
        return None
    return {"disclosure": encode_id("Disclosure", disclosure_id), "version": version}


# -- routes -------------------------------------------------------------------------------------


def routes(database: Database, settings: Settings) -> list[Route]:
    """``POST /api/ingest`` and ``POST /api/withdraw``."""
    bounds = ReadingBounds.of(settings)
    per_minute = settings.ingest_per_minute

    in_flight: Counter[str] = Counter()
    """Files each token has sent in requests of this process still loading (not all in the
    audit log yet), so that two requests at once cannot both take what is left."""

    async def left(actor: str) -> tuple[int, list[datetime]]:
        remaining, times = await _rate_left(database, actor, per_minute)
        return max(remaining - in_flight[actor], 0), times

    async def load(request: Request) -> tuple[str, dict[str, Any]]:
        actor = await _holder(request, database)
        if per_minute:
            remaining, times = await left(actor)
            if remaining == 0:
                raise _too_many(1, 0, per_minute, times)
        folder = Path(tempfile.mkdtemp(prefix="hub-upload-"))
        reserved = 0
        try:
            upload = Upload(
                folder,
                settings.max_upload_bytes,
                settings.max_upload_files,
                settings.request_timeout,
                FIELDS,
            )
            await upload.read(request)
            overrides, restore = _overrides(upload.fields)
            if per_minute:
                remaining, times = await left(actor)
                if len(upload.files) > remaining:
                    raise _too_many(len(upload.files), remaining, per_minute, times)
                reserved = len(upload.files)  # no await since counting: taken at once
                in_flight[actor] += reserved
            outcomes = await ingest_files(
                database,
                [path for _, path in upload.files],
                overrides,
                bounds=bounds,
                actor=actor,
                restore=restore,
            )
        finally:
            in_flight[actor] -= reserved
            if in_flight[actor] <= 0:
                del in_flight[actor]
            await asyncio.to_thread(shutil.rmtree, folder, ignore_errors=True)
        return actor, _report(outcomes, {path: name for name, path in upload.files})

    async def ingest(request: Request) -> Response:
        try:
            actor, report = await load(request)
        except Refusal as refusal:
            return refusal.response(request)
        log.info(
            '%s "POST %s" %s: %d file(s): %d loaded, %d unchanged, %d failed',
            request.client.host if request.client else "-",
            INGEST_PATH,
            actor,
            len(report["files"]),
            report["loaded"],
            report["unchanged"],
            report["failed"],
        )
        return JSONResponse(report, status_code=422 if report["failed"] else 200)

    async def withdraw(request: Request) -> Response:
        try:
            actor = await _holder(request, database)
            arguments = _withdraw_request(await request.body())
            try:
                done = await withdraw_version(database, actor=actor, **arguments)
            except WithdrawRequestError as exc:
                if exc.not_found:
                    raise Refusal(404, "NOT_FOUND", str(exc)) from None
                raise bad_request(str(exc)) from None
        except Refusal as refusal:
            return refusal.response(request)
        return JSONResponse(
            {
                "withdrawn": _version(done.disclosure_id, done.version),
                "current": _version(done.reinstated_id, done.reinstated_version),
            }
        )

    return [
        Route(INGEST_PATH, ingest, methods=["POST"]),
        Route(WITHDRAW_PATH, withdraw, methods=["POST"]),
    ]
