"""python -m bench.reliability.mutants_child check|ingest FOLDER: each file through the same
functions as `hub check` / `hub ingest` (one file a call, in file order), as JSON
{file name: error or null}; any exception escaping them is a crash (a traceback, exit 1)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from hub.api.context import make_context
from hub.api.schema import schema
from hub.app.ingest import check_files, ingest_files
from hub.catalog import Catalog
from hub.parse import Overrides
from hub.store.engine import Database
from hub.store.migrate import upgrade_async


def _overrides(path: Path) -> Overrides:
    """``twin-CODE.txt``: the seed as another department's, to add up across departments."""
    if path.stem.startswith("twin-"):
        code = path.stem.removeprefix("twin-")
        return Overrides(department_code=code, department_name=f"孪生部门{code}")
    return Overrides()


def _check(files: list[Path]) -> dict[str, str | None]:
    catalog = Catalog.shipped()
    return {p.name: o.error for p in files for o in check_files([p], _overrides(p), catalog)}


_ROLLUP = "{ rollup(scheme: FUNCTIONAL, year: 2023, code: %s) { total byDepartment { total } } }"


async def _ingest(url: str, files: list[Path]) -> dict[str, str | None]:
    """Each file loaded; then every 类 the seed prints summed over all that loaded (a value
    one document could store but no rollup could add up would show here)."""
    await upgrade_async(url)
    database = Database(url)
    try:
        report = {
            p.name: o.error or (None if o.loaded else "not loaded")
            for p in files
            for o in await ingest_files(database, [p], _overrides(p))
        }
        for code in ("208", "210", "215", "221"):
            result = await schema.execute(
                _ROLLUP % f'"{code}"', context_value=make_context(database)
            )
            report[f"rollup {code}"] = "; ".join(e.message for e in result.errors or []) or None
        return report
    finally:
        await database.dispose()


def main() -> None:
    mode, folder = sys.argv[1], Path(sys.argv[2])
    files = sorted(folder.iterdir())
    if mode == "check":
        report = _check(files)
    else:
        report = asyncio.run(_ingest(os.environ["HUB_DATABASE_URL"], files))
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
