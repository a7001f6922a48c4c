"""The hub serving while its database goes away and comes back, and serving for a long time."""

from __future__ import annotations

import asyncio
import json
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

import httpx

from bench.harness import WRK_SCRIPT, _wrk
from bench.reliability.common import Section, Served
from tests.app.relay import Relay

__all__ = ["Cut", "outage", "restart", "soak"]

QUERY = '{ rollup(scheme: FUNCTIONAL, year: 2023, code: "215") { total departmentCount } }'


class Cut:
    """The tests' relay between the hub and PostgreSQL, run in a thread of its own so that
    the suite can cut it (open connections dropped, new ones refused, as when the server
    restarts) and restore it while it loads the hub."""

    def __init__(self, url: str) -> None:
        self.relay = Relay(url)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self._call(self.relay.start())
        self.url = self.relay.url

    def _call(self, step: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(step, self.loop).result(timeout=30)

    def cut(self) -> None:
        self._call(self.relay.stop())

    def restore(self) -> None:
        self._call(self.relay.start())

    def close(self) -> None:
        if self.relay.server is not None:
            self.cut()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


Phase = tuple[str, Callable[[], Awaitable[object]]]
"""A phase of a load: its name, and what happens in it (the load goes on meanwhile)."""


async def _load(base: str, phases: list[Phase]) -> dict[str, Any]:
    """Four clients asking without pause; statuses by phase; when the first fresh answer (a
    query the cache cannot hold: a new alias each time) came after the last phase began."""
    statuses: dict[str, Counter[str]] = {name: Counter() for name, _ in phases}
    recovered: list[float] = []
    current: dict[str, Any] = {"phase": phases[0][0], "since": time.perf_counter()}
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
    seconds = {}
    for name, happen in phases:
        current.update(phase=name, since=time.perf_counter())
        await happen()
        seconds[name] = round(time.perf_counter() - current["since"], 1)
    stop = True
    await asyncio.gather(*tasks)
    return {
        "statuses": {name: dict(counts) for name, counts in statuses.items()},
        "seconds": seconds,
        "recovered_after_ms": round(recovered[0] * 1000) if recovered else None,
    }


def _judged(served: Served, result: dict[str, Any]) -> Section:
    """Only 200 or 503 SERVICE_UNAVAILABLE while the database is away, all 200 before, and a
    fresh answer once it is back."""
    section = Section(figures={**result, "tracebacks_logged": served.tracebacks()})
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


def outage(served: Served, cut: Cut, seconds: float) -> Section:
    """Load, then the database away for ``seconds`` (the relay cut), then back."""

    async def cut_for_a_while() -> None:
        cut.cut()
        await asyncio.sleep(seconds)

    async def restored() -> None:
        cut.restore()
        await asyncio.sleep(seconds)

    phases = [("before", lambda: asyncio.sleep(seconds)), ("outage", cut_for_a_while)]
    return _judged(served, asyncio.run(_load(served.base, [*phases, ("after", restored)])))


def restart(served: Served, command: list[str], seconds: float) -> Section:
    """Load, then PostgreSQL itself restarted by ``command`` (the phase lasts as long as the
    command), then ``seconds`` more."""

    async def restarting() -> None:
        done = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)}: {done.stderr.strip()}")

    phases: list[Phase] = [
        ("before", lambda: asyncio.sleep(seconds)),
        ("restart", restarting),
        ("after", lambda: asyncio.sleep(seconds)),
    ]
    return _judged(served, asyncio.run(_load(served.base, phases)))


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
