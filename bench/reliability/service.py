"""The hub serving while its database goes away and comes back, and serving for a long time."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import make_url

from bench.harness import WRK_SCRIPT, _free_port, _wrk
from bench.reliability.common import Section, Served

__all__ = ["Cut", "outage", "soak"]

QUERY = '{ rollup(scheme: FUNCTIONAL, year: 2023, code: "215") { total departmentCount } }'


class Cut:
    """A TCP relay between the hub and PostgreSQL that can be cut: while cut, every
    connection through it is dropped and new ones are refused, as when the server restarts."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.target = (parsed.host or "127.0.0.1", parsed.port or 5432)
        self.port = _free_port()
        self.url = parsed.set(host="127.0.0.1", port=self.port).render_as_string(
            hide_password=False
        )
        self.open = True
        self.writers: set[asyncio.StreamWriter] = set()
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.ready.wait()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(
            asyncio.start_server(self._client, "127.0.0.1", self.port)
        )
        self.ready.set()
        self.loop.run_forever()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.open:
            writer.close()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self.writers |= {writer, upstream_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (OSError, asyncio.IncompleteReadError):
                pass
            finally:
                sink.close()

        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))
        self.writers -= {writer, upstream_writer}

    def cut(self) -> None:
        def drop() -> None:
            self.open = False
            for writer in list(self.writers):
                writer.transport.abort()

        self.loop.call_soon_threadsafe(drop)

    def restore(self) -> None:
        self.loop.call_soon_threadsafe(setattr, self, "open", True)

    def close(self) -> None:
        self.cut()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


async def _load(base: str, phases: list[tuple[str, float]], on_phase: Any) -> dict[str, Any]:
    """Four clients asking without pause; statuses by phase; when the first fresh answer (a
    query the cache cannot hold: a new alias each time) came after the last phase began."""
    statuses: dict[str, Counter[str]] = {name: Counter() for name, _ in phases}
    recovered: list[float] = []
    current = {"phase": phases[0][0], "since": time.perf_counter()}
    stop = False
    n = 0

    async def client() -> None:
        nonlocal n
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            while not stop:
                n += 1
                query = QUERY.replace("total ", f"a{n % 50}: total ")  # 50 shapes: some cached
                try:
                    response = await http.post("/graphql", json={"query": query})
                    body = response.json()
                    code = ((body.get("errors") or [{}])[0].get("extensions") or {}).get("code")
                    key = f"{response.status_code} {code}" if code else str(response.status_code)
                except (httpx.TransportError, json.JSONDecodeError, AttributeError) as exc:
                    key = f"no answer ({type(exc).__name__})"
                statuses[current["phase"]][key] += 1
                if current["phase"] == phases[-1][0] and key == "200" and not recovered:
                    recovered.append(time.perf_counter() - current["since"])

    tasks = [asyncio.ensure_future(client()) for _ in range(4)]
    for name, seconds in phases:
        current.update(phase=name, since=time.perf_counter())
        on_phase(name)
        await asyncio.sleep(seconds)
    stop = True
    await asyncio.gather(*tasks)
    return {
        "statuses": {name: dict(counts) for name, counts in statuses.items()},
        "recovered_after_ms": round(recovered[0] * 1000) if recovered else None,
    }


def outage(served: Served, cut: Cut, seconds: float) -> Section:
    """Load, then the database away for ``seconds``, then back."""
    section = Section()
    actions = {"before": lambda: None, "outage": cut.cut, "after": cut.restore}
    result = asyncio.run(
        _load(
            served.base,
            [("before", seconds), ("outage", seconds), ("after", seconds)],
            lambda name: actions[name](),
        )
    )
    section.figures = result
    for phase, counts in result["statuses"].items():
        bad = {
            k: v for k, v in counts.items() if not k.startswith(("200", "503 SERVICE_UNAVAILABLE"))
        }
        section.expect(
            not bad, f"{phase}: answers other than 200 or 503 SERVICE_UNAVAILABLE: {bad}"
        )
    section.expect(result["recovered_after_ms"] is not None, "no fresh answer after the outage")
    section.expect(
        set(result["statuses"]["before"]) == {"200"}, f"before: {result['statuses']['before']}"
    )
    return section


def soak(served: Served, query: str, windows: int, seconds: int, folder: Path) -> Section:
    """wrk at 32 connections for ``windows`` × ``seconds``: errors and p99 per window, the
    server's RSS at the start and the end."""
    section = Section()
    script = folder / "soak.lua"
    script.write_text(WRK_SCRIPT)
    endpoint = f"{served.base}/graphql"
    rss = [served.rss_mb]
    per_window = []
    for _ in range(windows):
        load = _wrk(endpoint, query, 32, seconds, script)
        per_window.append({k: load[k] for k in ("rps", "errors", "p50", "p99")})
        rss.append(served.rss_mb)
    section.figures = {
        "clients": 32,
        "seconds": windows * seconds,
        "windows": per_window,
        "errors": sum(w["errors"] for w in per_window),
        "rss_mb_start": rss[0],
        "rss_mb_end": rss[-1],
        "rss_mb_max": max(rss),
    }
    section.expect(section.figures["errors"] == 0, f"{section.figures['errors']} errors")
    return section
