"""python -m bench.pdf: how fast PDF disclosures parse, and ingest (documents per second).

Measures a generated 35-page document in the nine-table layout (written with reportlab, as
the tests write theirs) and, where ../shared/corpus holds them, every real budget the tests
read (pages per second each).
Parsing is timed in this process (best and median of --repeat runs); ingesting is timed
through `hub ingest`'s own code path into a fresh SQLite database, --copies documents of
distinct departments.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pdfplumber

from bench.harness import ROOT, machine
from hub.catalog import Catalog
from hub.check import check_document
from hub.parse.model import Overrides
from hub.parse.reader import read_document
from tests.corpus import CORPUS_DIR
from tests.parse.corpus_figures import CORPUS
from tests.parse.figures import FIGURES
from tests.parse.pdfs import FUNCTIONAL_HEADER, FUNCTIONAL_SPANS, FUNCTIONAL_WIDTHS, write_pdf
from tests.parse.sample_pdf import sample_document

PAGES = 35


def _long_document(department: str) -> Any:
    """The test sample grown to 35 pages: prose pages and a functional table over many pages."""
    document = sample_document()
    document.department = department
    functional = next(t for t in document.tables if "功能分类" in t.title)
    fragments = [list(fragment) for fragment in functional.fragments]
    filler_prose = [
        (f"其他相关情况说明（{n}）", ["本部门严格执行预算管理制度，" * 12] * 8) for n in range(10)
    ]
    document.prose = document.prose + filler_prose
    # Pages of table 5 repeating its rows, header repeated: about twenty more table pages.
    repeated = replace(
        functional,
        title="2024年部门政府性基金预算支出功能分类预算表",
        header=FUNCTIONAL_HEADER,
        spans=FUNCTIONAL_SPANS,
        widths=FUNCTIONAL_WIDTHS,
        fragments=[fragments[0] + fragments[1][:-1] for _ in range(12)] + [fragments[1]],
        repeat_header=True,
    )
    document.tables.append(repeated)
    return document


def _write(folder: Path, copies: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(copies):
        path = folder / f"generated-{n:03d}.pdf"
        if not path.exists():
            write_pdf(path, _long_document(f"上海市普陀区基准测试局{n:03d}"))
        paths.append(path)
    return paths


def _parse_times(
    path: Path, repeat: int, overrides: Overrides | None = None, narrative: Path | None = None
) -> dict[str, Any]:
    pages = 0
    for file in (path, narrative):
        if file is not None:
            with pdfplumber.open(file) as pdf:
                pages += len(pdf.pages)
    catalog = Catalog.shipped()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        document = read_document(path, overrides, narrative)
        check_document(document, catalog)
        timings.append(time.perf_counter() - started)
    return {
        "file": path.name + (f" + {narrative.name}" if narrative else ""),
        "pages": pages,
        "best_s": round(min(timings), 3),
        "median_s": round(statistics.median(timings), 3),
        "pages_per_second": round(pages / min(timings), 1),
        "lines": sum(len(t.rows) for t in document.tables.values()),
    }


def _corpus() -> list[tuple[Path, Overrides | None, Path | None]]:
    """The real budgets the tests read, as the tests read them, where the corpus is here."""
    found: list[tuple[Path, Overrides | None, Path | None]] = [
        (CORPUS_DIR / name, None, None) for name in sorted(CORPUS)
    ]
    for figures in FIGURES.values():
        narrative = figures.get("narrative")
        found.append(
            (
                CORPUS_DIR / figures["file"],
                Overrides(**figures.get("overrides", {})),
                CORPUS_DIR / narrative if narrative else None,
            )
        )
    return [entry for entry in found if entry[0].is_file()]


def _ingest(paths: list[Path]) -> dict[str, Any]:
    from hub.app.ingest import ingest_files
    from hub.store.engine import Database
    from hub.store.migrate import upgrade_async

    async def go(url: str) -> float:
        await upgrade_async(url)
        database = Database(url)
        started = time.perf_counter()
        outcomes = await ingest_files(database, paths, Overrides())
        elapsed = time.perf_counter() - started
        await database.dispose()
        failed = [o.error for o in outcomes if o.error]
        assert not failed, failed
        return elapsed

    with tempfile.TemporaryDirectory() as scratch:
        elapsed = asyncio.run(go(f"sqlite+aiosqlite:///{scratch}/bench.db"))
    return {"documents": len(paths), "seconds": round(elapsed, 2),
            "documents_per_second": round(len(paths) / elapsed, 2)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.pdf", description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="parses per file")
    parser.add_argument("--copies", type=int, default=20, help="documents to ingest")
    parser.add_argument("--out", type=Path, default=ROOT / "results")
    args = parser.parse_args()
    generated = _write(ROOT / ".corpus" / "pdf", max(args.copies, 1))
    files = [(generated[0], None, None), *_corpus()]
    report = {
        "machine": machine(),
        "parse": [_parse_times(path, args.repeat, o, n) for path, o, n in files],
        "ingest": _ingest(generated[: args.copies]),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "pdf.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    m = report["machine"]
    print(
        f"### PDF ({m['cores']} cores, {m['memory_gib']} GiB, Python {m['python']}, "
        f"commit {m['commit']})\n\n| file | pages | budget lines | parse + check best s "
        "| median s | pages/s |\n|---|---|---|---|---|---|"
    )
    for row in report["parse"]:
        print(
            f"| {row['file']} | {row['pages']} | {row['lines']} | {row['best_s']} | "
            f"{row['median_s']} | {row['pages_per_second']} |"
        )
    ingest = report["ingest"]
    print(
        f"\ningest (SQLite, parse + check + load): {ingest['documents']} documents in "
        f"{ingest['seconds']} s, {ingest['documents_per_second']} documents/s"
    )


if __name__ == "__main__":
    main()
