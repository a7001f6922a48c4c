"""Ingest a corpus into a database, as `hub ingest` would, and report speed and peak RSS."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

from bench.harness import peak_rss_mb
from hub.app.ingest import ingest_files
from hub.parse import Overrides
from hub.store.engine import Database
from hub.store.migrate import upgrade_async


async def main(url: str, corpus: Path) -> dict[str, object]:
    await upgrade_async(url)
    database = Database(url)
    started = time.perf_counter()
    outcomes = await ingest_files(database, [corpus], Overrides())
    seconds = time.perf_counter() - started
    await database.dispose()
    failed = [o.error for o in outcomes if o.failed]
    if failed:
        raise SystemExit(f"{len(failed)} documents failed, e.g. {failed[0]}")
    lines = sum(o.loaded.lines for o in outcomes if o.loaded)
    return {
        "documents": len(outcomes),
        "lines": lines,
        "seconds": round(seconds, 2),
        "documents_per_second": round(len(outcomes) / seconds, 1),
        "lines_per_second": round(lines / seconds),
        "peak_rss_mb": peak_rss_mb(),
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1], Path(sys.argv[2])))))
