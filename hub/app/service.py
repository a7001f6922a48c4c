"""Loading and withdrawing over HTTP, for the holders of a token (``hub token create NAME``).

``POST /api/ingest``: multipart/form-data, one or more ``file`` parts (.pdf or .txt) and the
overrides ``hub ingest`` takes as fields (``year``, ``region_name``, ``region_code``,
``department_code``, ``department_name``, ``scope``, ``force``, ``restore``); the answer is the
report ``hub ingest --json`` gives, file by file. ``POST /api/withdraw``: a JSON body naming the
version to withdraw and why.

Both need ``Authorization: Bearer <token>``, checked before the body is read. Reads (GraphQL,
the explorer, the downloads) need none.
"""

from __future__ import annotations

import asyncio
import codecs
import dataclasses
import json
import logging
import shutil
import tempfile
import unicodedata
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from sqlmodel import col, select
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hub.api.ids import MAX_KEY, encode_id
from hub.app.downloads import PHASES
from hub.app.ingest import Outcome, ingest_files
from hub.app.refusals import log_refusal, refusal_body
from hub.app.reports import outcome_json
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
SUFFIXES = (".pdf", ".txt")
RATE_WINDOW = timedelta(minutes=1)
"""The window ``HUB_INGEST_PER_MINUTE`` counts over."""
FIELD_BYTES = 1_000
"""The longest value an override field may have (a department's name is at most 200
characters)."""
FORM_SLACK = 1_000_000
"""What a request may hold beyond its files' bytes: the parts' headers and the fields."""
NAME_BYTES = 200
"""The longest file name kept, in UTF-8 bytes (file systems allow 255)."""
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_TEXT_FIELDS = ("region_name", "region_code", "department_code", "department_name")
FIELDS = ("year", *_TEXT_FIELDS, "scope", "force", "restore")
"""The form fields ``POST /api/ingest`` takes besides ``file``."""


class Refusal(Exception):
    """A request refused: its status, a code for clients and a message saying why."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}

    def response(self, request: Request) -> Response:
        log_refusal(request.scope, self.status, self.code, self.message)
        return Response(
            refusal_body(self.message, self.code),
            status_code=self.status,
            media_type="application/json",
            headers=self.headers,
        )


def _bad(message: str) -> Refusal:
    return Refusal(400, "BAD_REQUEST", message)


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


def safe_name(name: str) -> str:
    """A file name a client sent (ending in .pdf or .txt), reduced to a base name that is safe
    to write in a folder: no folders, no control characters, not hidden, at most
    :data:`NAME_BYTES` bytes, its suffix kept (in lower case)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base) if c.isprintable()).strip()
    stem, suffix = base[:-4], base[-4:].lower()
    room = NAME_BYTES - len(suffix.encode())
    stem = stem.lstrip(". ").encode()[:room].decode(errors="ignore").strip()
    return (stem or "upload") + suffix


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``stem (2).pdf`` and so on where a file of that name was sent already."""
    candidate, number = name, 1
    stem, suffix = Path(name).stem, Path(name).suffix
    while candidate.lower() in taken:
        number += 1
        candidate = f"{stem} ({number}){suffix}"
    taken.add(candidate.lower())
    return candidate


@dataclasses.dataclass
class _Part:
    name: str = ""
    filename: str | None = None
    data: bytearray = dataclasses.field(default_factory=bytearray)
    size: int = 0
    file: IO[bytes] | None = None


class Upload:
    """A multipart/form-data body read as it arrives: each file written straight into
    ``folder`` and refused as soon as it is over ``max_bytes`` or the request holds more than
    ``max_files`` files, or when nothing arrives for ``idle`` seconds; each field kept
    (small)."""

    def __init__(self, folder: Path, max_bytes: int, max_files: int, idle: float) -> None:
        self.folder, self.max_bytes, self.max_files = folder, max_bytes, max_files
        self.idle = idle
        """The longest wait for the next bytes of the body: an upload may take as long as it
        needs, but not stall."""
        self.files: list[tuple[str, Path]] = []
        """Each file as the client named it, and where it was written."""
        self.fields: dict[str, str] = {}
        self._taken: set[str] = set()
        self._part = _Part()
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""
        self._charset = "utf-8"
        self._pending: list[tuple[IO[bytes], bytes]] = []
        self._open: list[IO[bytes]] = []

    def _decode(self, value: bytes) -> str:
        try:
            return value.decode(self._charset)
        except UnicodeDecodeError:
            return value.decode("latin-1")

    def on_part_begin(self) -> None:
        self._part = _Part()
        self._disposition = b""

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if self._header_name.strip().lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name, self._header_value = b"", b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        if b"name" not in options:
            raise _bad("a part of the form has no name (Content-Disposition: form-data; name=…)")
        part = self._part
        part.name = self._decode(options[b"name"])
        if part.name != "file":
            if b"filename" in options:
                raise _bad(f"the form field {part.name!r} is a file: send files as 'file'")
            if part.name not in FIELDS:
                known = ", ".join(("file", *FIELDS))
                raise _bad(f"unknown form field {part.name!r}: expected one of {known}")
            if part.name in self.fields:
                raise _bad(f"the form field {part.name!r} is given twice")
            return
        filename = self._decode(options.get(b"filename", b""))
        if not filename.strip():
            raise _bad("a 'file' part has no file name (Content-Disposition: …; filename=…)")
        part.filename = filename
        if len(self.files) >= self.max_files:
            raise Refusal(
                413,
                "TOO_MANY_FILES",
                f"at most {self.max_files} files a request (HUB_MAX_UPLOAD_FILES): send the "
                "rest in another request",
            )
        if not filename.lower().endswith(SUFFIXES):
            raise Refusal(
                415,
                "UNSUPPORTED_MEDIA_TYPE",
                f"{filename}: expected a disclosure as a .pdf or .txt file",
            )
        path = self.folder / _unique(safe_name(filename), self._taken)
        part.file = path.open("xb")
        self._open.append(part.file)
        self.files.append((filename, path))

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        part = self._part
        part.size += end - start
        if part.file is None:
            if part.size > FIELD_BYTES:
                raise _bad(f"the form field {part.name!r} is longer than {FIELD_BYTES} bytes")
            part.data += data[start:end]
            return
        if part.size > self.max_bytes:
            raise Refusal(
                413,
                "FILE_TOO_LARGE",
                f"{part.filename}: larger than {self.max_bytes} bytes, the most a file may "
                "have (HUB_MAX_UPLOAD_BYTES)",
            )
        self._pending.append((part.file, data[start:end]))

    def on_part_end(self) -> None:
        part = self._part
        if part.file is None:
            if part.name:
                self.fields[part.name] = self._decode(bytes(part.data))
        else:
            self._pending.append((part.file, b""))  # closed once written

    async def read(self, request: Request) -> None:
        """Read the body, writing each file as its bytes arrive."""
        kind, params = parse_options_header(request.headers.get("content-type"))
        if kind != b"multipart/form-data":
            raise Refusal(
                415,
                "UNSUPPORTED_MEDIA_TYPE",
                "expected multipart/form-data, with each disclosure in a 'file' part "
                "(curl -F file=@budget.pdf)",
            )
        if b"boundary" not in params:
            raise _bad("the multipart/form-data content type has no boundary")
        charset = params.get(b"charset", b"utf-8").decode("latin-1")
        try:
            self._charset = codecs.lookup(charset).name
        except LookupError:
            self._charset = "utf-8"
        limit = self.max_files * self.max_bytes + FORM_SLACK
        parser = MultipartParser(
            params[b"boundary"],
            {
                "on_part_begin": self.on_part_begin,
                "on_part_data": self.on_part_data,
                "on_part_end": self.on_part_end,
                "on_header_field": self.on_header_field,
                "on_header_value": self.on_header_value,
                "on_header_end": self.on_header_end,
                "on_headers_finished": self.on_headers_finished,
            },
        )
        received = 0
        stream = request.stream()
        try:
            while True:
                try:
                    async with asyncio.timeout(self.idle):
                        chunk = await anext(stream)
                except StopAsyncIteration:
                    break
                except TimeoutError:
                    raise Refusal(
                        408,
                        "UPLOAD_STALLED",
                        f"nothing of the upload arrived for {self.idle:g} s (HUB_REQUEST_TIMEOUT)",
                    ) from None
                received += len(chunk)
                if received > limit:
                    raise Refusal(
                        413,
                        "REQUEST_TOO_LARGE",
                        f"the request is larger than {limit} bytes: at most "
                        f"{self.max_files} files (HUB_MAX_UPLOAD_FILES) of {self.max_bytes} "
                        "bytes each (HUB_MAX_UPLOAD_BYTES)",
                    )
                parser.write(chunk)
                await self._flush()
            parser.finalize()
            await self._flush()
        except FormParserError as exc:
            raise _bad(f"the multipart/form-data body cannot be read: {exc}") from None
        finally:
            for file in self._open:
                file.close()
        if not self.files:
            raise _bad("no file: send each disclosure as a 'file' part (curl -F file=@budget.pdf)")

    async def _flush(self) -> None:
        pending, self._pending = self._pending, []
        if pending:
            await asyncio.to_thread(_write, pending)


def _write(pending: list[tuple[IO[bytes], bytes]]) -> None:
    for file, data in pending:
        if data:
            file.write(data)
        else:
            file.close()


def _overrides(fields: dict[str, str]) -> tuple[Overrides, bool]:
    """The overrides the form's fields give, as ``hub ingest``'s options do, and ``restore``."""
    values: dict[str, Any] = {}
    year = fields.get("year", "").strip()
    if year:
        if not (year.isascii() and year.isdigit() and len(year) == 4):
            raise _bad(f"the form field 'year' {year!r}: expected a year such as 2023")
        values["fiscal_year"] = int(year)
    for name in _TEXT_FIELDS:
        text = fields.get(name, "").strip()
        if "\x00" in text:
            raise _bad(f"the form field {name!r} holds a NUL character")
        if text:
            values[name] = text
    scope = fields.get("scope", "").strip()
    if scope:
        try:
            values["scope"] = Scope[scope.upper()]
        except KeyError:
            known = " or ".join(s.name for s in Scope)
            raise _bad(f"the form field 'scope' {scope!r}: expected {known}") from None
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
    raise _bad(f"the form field {name!r} {fields[name]!r}: expected true or false")


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
    statuses: Counter[str] = Counter(
        "failed" if o.error is not None or o.loaded is None else o.loaded.status.value
        for o in outcomes
    )
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
        raise _bad(
            'the body is not JSON: expected {"department": …, "year": …, "reason": …}'
        ) from None
    if not isinstance(given, dict):
        raise _bad('expected a JSON object: {"department": …, "year": …, "reason": …}')
    unknown = sorted(set(given) - set(_WITHDRAW_KEYS))
    if unknown:
        raise _bad(f"unknown key {unknown[0]!r}: expected {', '.join(_WITHDRAW_KEYS)}")

    def text(key: str, *, required: bool) -> str | None:
        value = given.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise _bad(f"{key!r} is required")
            return None
        if not isinstance(value, str) or "\x00" in value:
            raise _bad(f"{key!r}: expected a string")
        return value.strip()

    def number(key: str, *, required: bool) -> int | None:
        value = given.get(key)
        if value is None:
            if required:
                raise _bad(f"{key!r} is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_KEY:
            raise _bad(f"{key!r}: expected a whole number > 0")
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
            raise _bad(f"'scope' {scope!r}: expected {known}") from None
    phase = text("phase", required=False)
    if phase is not None:
        if phase not in PHASES:
            raise _bad(f"'phase' {phase!r}: expected {' or '.join(PHASES)}")
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
                raise _bad(str(exc)) from None
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
