"""python -m bench.fields [--repeat 200] [--rounds 7]: what one query costs the hub in process,
without HTTP or a response cache: CPU milliseconds and Python function calls per query, for the
peer benchmark's DRILL and ROLLUP queries over the seed (a SQLite file made in a temporary folder).

Calls are counted with cProfile and do not move with the machine's load; CPU time does, so the
least of several rounds is reported. Compare two commits by running this in each, one after the
other, on a quiet machine. For a figure that does not move at all, count instructions:
``--plain N --query drill`` runs the query N times and measures nothing, so that under
``valgrind --tool=callgrind`` the count with ``--plain 100`` less the count with ``--plain 0``,
divided by 100, is the instructions of one query.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import tempfile
import time
from pathlib import Path

from hub.api.context import make_context
from hub.api.schema import schema
from hub.app.ingest import ingest_files
from hub.parse import Overrides
from hub.resources import resource_dir
from hub.store.engine import Database
from hub.store.migrate import upgrade

QUERIES = {
    "drill": """{ disclosure(department: "209", year: 2023) { functional {
  code name level computed { total }
  children { code name level computed { total }
    children { code name level computed { total }
      stated { total basic personnel operating project } } } } } }""",
    "rollup": """{ rollup(scheme: FUNCTIONAL, year: 2023, code: "215") { code name total
  children { code name total } byDepartment(first: 10) { department { code } total } } }""",
}


async def _measure(database: Database, query: str, repeat: int, rounds: int) -> dict[str, float]:
    async def once() -> None:
        result = await schema.execute(query, context_value=make_context(database))
        assert not result.errors, result.errors

    for _ in range(20):
        await once()
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(repeat):
            await once()
        best = min(best, (time.process_time() - start) / repeat * 1000)
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(repeat):
        await once()
    profile.disable()
    calls = pstats.Stats(profile).total_calls  # type: ignore[attr-defined]
    return {"cpu_ms": round(best, 3), "python_calls": calls // repeat}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.fields", description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--plain", type=int, help="run --query this many times, measure nothing")
    parser.add_argument("--query", choices=sorted(QUERIES), default="drill")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'hub.db'}"
        upgrade(url)

        async def run() -> None:
            database = Database(url)
            try:
                seed = resource_dir("fixtures") / "disclosures"
                await ingest_files(database, [seed], Overrides())
                if args.plain is not None:
                    for _ in range(3 + args.plain):  # three to warm up, as with --plain 0
                        await schema.execute(
                            QUERIES[args.query], context_value=make_context(database)
                        )
                    return
                print("| query | CPU ms per query (least of rounds) | Python calls per query |")
                print("|---|---|---|")
                for name, query in QUERIES.items():
                    figures = await _measure(database, query, args.repeat, args.rounds)
                    print(f"| {name} | {figures['cpu_ms']} | {figures['python_calls']:,} |")
            finally:
                await database.dispose()

        asyncio.run(run())


if __name__ == "__main__":
    main()
