"""Exports by name, for the command line and over HTTP: which disclosure or rollup a request
means, in one place, and the download routes.

``/export/disclosure.csv?department=209&year=2023`` (``region``, ``version``, ``scope``,
``dataset``); ``/export/rollup.xlsx?scheme=FUNCTIONAL&code=215&year=2023`` (``region``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from hub.app.renderers import RENDERERS
from hub.domain import Scheme, Scope
from hub.query.exports import Export, disclosure_export, rollup_export
from hub.query.reads import AmbiguousError, Reader
from hub.store.engine import Database

__all__ = ["PHASES", "ExportRequestError", "find_disclosure_export", "find_rollup_export", "routes"]

PHASES = ("budget", "final")
CODE = re.compile(r"\d{3}(?:\d{2}){0,2}")
"""A classification code as a request gives it: 3, 5 or 7 digits."""


class ExportRequestError(ValueError):
    """What was asked cannot be exported: the message says why (404 where nothing matches)."""

    def __init__(self, message: str, *, not_found: bool = False) -> None:
        super().__init__(message)
        self.not_found = not_found


def _phase(phase: str) -> None:
    if phase not in PHASES:
        raise ExportRequestError(f"phase {phase!r}: expected budget or final")
    if phase == "final":
        raise ExportRequestError(
            "final accounts (决算) are not stored by this hub yet: only budgets (预算) can be "
            "exported",
            not_found=True,
        )


async def find_disclosure_export(
    database: Database,
    *,
    department: str,
    year: int,
    region: str | None = None,
    phase: str = "budget",
    version: int | None = None,
    scope: Scope = Scope.DEPARTMENT,
) -> Export:
    """The export of a department's disclosure for a year: the current version, or the one
    asked for."""
    _phase(phase)
    reader = Reader(database)
    try:
        disclosure = await reader.find_disclosure(department, year, version, region, scope)
    except AmbiguousError as exc:
        raise ExportRequestError(str(exc)) from None
    if disclosure is None:
        where = f" in {region}" if region else ""
        which = f"version {version}" if version else "a disclosure"
        raise ExportRequestError(
            f"no department {department!r}{where} has {which} for {year} "
            f"({scope.value.lower()} budget): `hub ingest` it first, or check the name or code",
            not_found=True,
        )
    return await disclosure_export(database, disclosure)


async def find_rollup_export(
    database: Database,
    *,
    scheme: Scheme,
    code: str,
    year: int,
    region: str | None = None,
    phase: str = "budget",
) -> Export:
    _phase(phase)
    if not CODE.fullmatch(code):
        raise ExportRequestError(f"code {code!r}: expected a 3, 5 or 7-digit code (215, 21505)")
    return await rollup_export(database, scheme, code, year, region)


def download_links(kind: str, params: Mapping[str, Any]) -> dict[str, str]:
    """The address of each format's download of a disclosure or a rollup."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return {fmt: f"/export/{kind}.{fmt}?{query}" for fmt in RENDERERS}


def _one(request: Request, name: str, *, required: bool = True) -> str | None:
    value = request.query_params.get(name)
    if value is None or not value.strip():
        if required:
            raise ExportRequestError(f"the query parameter {name!r} is required")
        return None
    return value.strip()


def _int(request: Request, name: str, *, required: bool = True) -> int | None:
    value = _one(request, name, required=required)
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise ExportRequestError(f"the query parameter {name!r} must be a whole number")
    return int(value)


def _enum(request: Request, name: str, enum: Any, default: Any) -> Any:
    value = _one(request, name, required=False)
    if value is None:
        return default
    try:
        return enum[value.upper()]
    except KeyError:
        known = ", ".join(m.name for m in enum)
        raise ExportRequestError(f"{name} {value!r}: expected one of {known}") from None


def _attachment(export: Export, extension: str) -> dict[str, str]:
    name = export.name + extension
    return {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"}


def routes(database: Database) -> list[Route]:
    async def download(request: Request) -> Response:
        kind = request.path_params["kind"]
        renderer = RENDERERS.get(request.path_params["format"])
        if kind not in ("disclosure", "rollup"):
            return PlainTextResponse(
                "expected /export/disclosure.FORMAT or /export/rollup.FORMAT", 404
            )
        if renderer is None:
            known = ", ".join(RENDERERS)
            return PlainTextResponse(f"unknown format: expected one of {known}", 404)
        try:
            phase = _one(request, "phase", required=False) or "budget"
            year = _int(request, "year")
            assert year is not None
            if kind == "disclosure":
                department = _one(request, "department")
                assert department is not None
                export = await find_disclosure_export(
                    database,
                    department=department,
                    year=year,
                    region=_one(request, "region", required=False),
                    phase=phase,
                    version=_int(request, "version", required=False),
                    scope=_enum(request, "scope", Scope, Scope.DEPARTMENT),
                )
            else:
                code = _one(request, "code")
                assert code is not None
                export = await find_rollup_export(
                    database,
                    scheme=_enum(request, "scheme", Scheme, Scheme.FUNCTIONAL),
                    code=code,
                    year=year,
                    region=_one(request, "region", required=False),
                    phase=phase,
                )
            dataset = _one(request, "dataset", required=False)
            if dataset is not None and dataset not in {d.key for d in export.datasets}:
                known = ", ".join(d.key for d in export.datasets)
                raise ExportRequestError(f"dataset {dataset!r}: expected one of {known}")
        except ExportRequestError as exc:
            return PlainTextResponse(str(exc), 404 if exc.not_found else 400)
        return StreamingResponse(
            renderer.stream(export, dataset),
            media_type=renderer.media_type,
            headers=_attachment(export, renderer.extension),
        )

    return [Route("/export/{kind:str}.{format:str}", download, methods=["GET"])]
