"""A TCP relay in front of PostgreSQL that a test cuts and restores: the database going down
under a running hub (open connections dropped, new ones refused) and coming back."""

from __future__ import annotations

import asyncio
import contextlib

from sqlalchemy.engine import make_url


class Relay:
    def __init__(self, url: str) -> None:
        target = make_url(url)
        self.target = target
        self.host, self.port = target.host or "127.0.0.1", target.port or 5432
        self.listening_port = 0
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()
        self.tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        """The database's URL through the relay."""
        relayed = self.target.set(host="127.0.0.1", port=self.listening_port)
        return relayed.render_as_string(hide_password=False)

    async def start(self) -> None:
        """Listen (on the same port as before, after a stop)."""
        self.server = await asyncio.start_server(self._accept, "127.0.0.1", self.listening_port)
        self.listening_port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Refuse new connections and drop the open ones, as a server that went away does."""
        assert self.server is not None
        self.server.close()
        for writer in list(self.writers):
            writer.transport.abort()
        self.writers.clear()
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.server.wait_closed()
        self.server = None

    def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.ensure_future(self._relay(reader, writer))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Registered at once: a stop while the upstream connection is still being opened drops
        # this one too, as a server going away does, instead of leaving it silent.
        self.writers.add(writer)
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(self.host, self.port)
        except (OSError, asyncio.CancelledError):
            writer.transport.abort()
            return
        self.writers.add(upstream_writer)
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (OSError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.transport.abort()
