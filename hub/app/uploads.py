"""Uploads read as they arrive: a multipart/form-data body whose files go straight to a
folder, bounded per file, per request and in how long the client may stall; and the refusals
(with their HTTP status) that loading and withdrawing over HTTP answer with."""

from __future__ import annotations

import asyncio
import codecs
import dataclasses
import unicodedata
from pathlib import Path
from typing import IO

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request
from starlette.responses import Response

from hub.app.refusals import log_refusal, refusal_body

__all__ = ["FIELD_BYTES", "FORM_SLACK", "SUFFIXES", "Refusal", "Upload", "bad_request", "safe_name"]

SUFFIXES = (".pdf", ".txt")
FIELD_BYTES = 1_000
"""The longest value an override field may have (a department's name is at most 200
characters)."""
FORM_SLACK = 1_000_000
"""What a request may hold beyond its files' bytes: the parts' headers and the fields."""
NAME_BYTES = 200
"""The longest file name kept, in UTF-8 bytes (file systems allow 255)."""


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


def bad_request(message: str) -> Refusal:
    return Refusal(400, "BAD_REQUEST", message)


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

    def __init__(
        self, folder: Path, max_bytes: int, max_files: int, idle: float, fields: tuple[str, ...]
    ) -> None:
        self.folder, self.max_bytes, self.max_files = folder, max_bytes, max_files
        self.known = fields
        """The names a field (a part that is not a file) may have."""
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
            raise bad_request(
                "a part of the form has no name (Content-Disposition: form-data; name=…)"
            )
        part = self._part
        part.name = self._decode(options[b"name"])
        if part.name != "file":
            if b"filename" in options:
                raise bad_request(f"the form field {part.name!r} is a file: send files as 'file'")
            if part.name not in self.known:
                known = ", ".join(("file", *self.known))
                raise bad_request(f"unknown form field {part.name!r}: expected one of {known}")
            if part.name in self.fields:
                raise bad_request(f"the form field {part.name!r} is given twice")
            return
        filename = self._decode(options.get(b"filename", b""))
        if not filename.strip():
            raise bad_request("a 'file' part has no file name (Content-Disposition: …; filename=…)")
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
                raise bad_request(
                    f"the form field {part.name!r} is longer than {FIELD_BYTES} bytes"
                )
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
            raise bad_request("the multipart/form-data content type has no boundary")
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
            raise bad_request(f"the multipart/form-data body cannot be read: {exc}") from None
        finally:
            for file in self._open:
                file.close()
        if not self.files:
            raise bad_request(
                "no file: send each disclosure as a 'file' part (curl -F file=@budget.pdf)"
            )

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
