"""python -m bench.reliability [--size small|full] [--backend sqlite|postgresql …]
[--served small|city|province] [--out DIR]

small (CI, a few minutes): every section at a few trials. full (RELIABILITY.md, about an
hour): 10,000 abusive requests and 565 mutated documents per backend, kill -9 × 20 in ingest
and × 10 in the first migration, 2 × 10 concurrent ingests, a 10-minute soak at 32 clients.
Exits 1 when an invariant breaks.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from bench.corpus import SIZES, Size, write_corpus
from bench.harness import QUERIES, database, machine
from bench.reliability.abuse import abuse, query_bombs
from bench.reliability.common import SEED, Section, hub, served
from bench.reliability.crashes import concurrent_ingests, kill_trials
from bench.reliability.documents import document_bombs, mutants
from bench.reliability.service import Cut, outage, restart, soak


@dataclass(frozen=True)
class Plan:
    served: Size
    """The corpus the abuse battery, the bombs and the soak are served."""
    corpus: Size
    """The corpus killed and raced over."""
    requests: int
    mutants: int
    pdf_mutants: int
    ingest_kills: int
    migration_kills: int
    concurrent_runs: int
    outage_seconds: float
    soak_windows: int
    soak_seconds: int


PLANS = {
    "small": Plan(Size(1, 4, (2022, 2023)), Size(1, 4, (2022, 2023)), 400, 40, 2, 2, 2, 2, 2, 2, 3),
    "full": Plan(SIZES["city"], Size(1, 25, (2022, 2023)), 10_000, 565, 40, 20, 10, 10, 5, 20, 30),
}


@contextmanager
def _new_database(backend: str) -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder, database(backend, Path(folder)) as url:
        yield url


SECTIONS = (
    "abuse",
    "query bombs",
    "outage",
    "restart",
    "kill",
    "concurrent",
    "document bombs",
    "mutated",
    "soak",
)


def _section(report: dict[str, Any], name: str, run: Callable[..., Section], *args: Any) -> None:
    if not any(wanted in name for wanted in report["only"]):
        return
    started = time.perf_counter()
    print(f"== {name}", file=sys.stderr, flush=True)
    try:
        section = run(*args)
    except Exception as exc:  # a section that cannot finish is a broken invariant, not the end
        section = Section(broken=[f"the section failed: {type(exc).__name__}: {exc}"])
    report["sections"][name] = {
        "figures": section.figures,
        "broken": section.broken,
        "seconds": round(time.perf_counter() - started, 1),
    }
    for line in section.broken:
        print(f"   BROKEN: {line}", file=sys.stderr, flush=True)


def run(
    size: str,
    backends: list[str],
    only: tuple[str, ...] = SECTIONS,
    restart_command: str | None = None,
    served_size: str | None = None,
) -> dict[str, Any]:
    plan = PLANS[size]
    if served_size is not None:
        plan = replace(plan, served=SIZES[served_size])
    report: dict[str, Any] = {"size": size, "machine": machine(), "sections": {}, "only": only}
    report["served_size"] = served_size or size
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        corpus = folder / "corpus"
        write_corpus(plan.corpus, corpus)
        report["corpus_documents"] = len(list(corpus.iterdir()))
        served_corpus = folder / "served"
        write_corpus(plan.served, served_corpus)
        report["served_documents"] = len(list(served_corpus.iterdir()))
        for backend in backends:
            new_database = partial(_new_database, backend)
            with new_database() as url:
                loaded = hub(
                    "ingest", str(SEED), str(served_corpus), url=url, cwd=folder, timeout=7200
                )
                if loaded.returncode != 0:
                    raise SystemExit(f"the suite's data did not load: {loaded.stderr}")
                cold = partial(
                    served, url, folder, HUB_RESPONSE_CACHE="0", HUB_READ_MODEL_BYTES="0"
                )
                with served(url, folder) as hub_served:
                    _section(report, f"{backend}: abuse", abuse, hub_served, plan.requests, 1, cold)
                    _section(report, f"{backend}: query bombs", query_bombs, hub_served)
                if backend == "postgresql":
                    cut = Cut(url)
                    try:
                        with served(cut.url, folder) as hub_served:
                            _section(
                                report, "postgresql: outage", outage, hub_served, cut,
                                plan.outage_seconds,
                            )  # fmt: skip
                    finally:
                        cut.close()
                    if restart_command:
                        with served(url, folder) as hub_served:
                            _section(
                                report, "postgresql: restart", restart, hub_served,
                                shlex.split(restart_command), plan.outage_seconds,
                            )  # fmt: skip
            _section(
                report, f"{backend}: kill -9", kill_trials, backend, new_database, corpus,
                plan.ingest_kills, plan.migration_kills,
            )  # fmt: skip
            work = folder / f"concurrent-{backend}"
            work.mkdir()
            _section(
                report, f"{backend}: concurrent ingests", concurrent_ingests, backend,
                new_database, corpus, plan.concurrent_runs, work,
            )  # fmt: skip
        bombs = folder / "bombs"
        bombs.mkdir()
        _section(report, "document bombs", document_bombs, bombs, "sqlite+aiosqlite:///unused.db")
        with ExitStack() as stack:
            urls = {b: stack.enter_context(_new_database(b)) for b in backends}
            work = folder / "mutants"
            work.mkdir()
            _section(
                report, "mutated documents", mutants, work, urls, plan.mutants, plan.pdf_mutants
            )
        if not any(wanted in "soak" for wanted in only):
            return report  # loading the served corpus again is for the soak alone
        with _new_database(backends[0]) as url:
            hub("ingest", str(SEED), str(served_corpus), url=url, cwd=folder, timeout=7200)
            with served(url, folder, HUB_RESPONSE_CACHE="0") as hub_served:
                _section(
                    report, f"{backends[0]}: soak", soak, hub_served, QUERIES["contract"],
                    plan.soak_windows, plan.soak_seconds, folder,
                )  # fmt: skip
    return report


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        f"### reliability, {report['size']}, served {report['served_size']} "
        f"({m['cores']} cores, {m['memory_gib']} GiB, "
        f"Python {m['python']}, commit {m['commit']})",
        "",
        "| section | seconds | invariants | figures |",
        "|---|---|---|---|",
    ]
    for name, section in report["sections"].items():
        held = "held" if not section["broken"] else f"**{len(section['broken'])} broken**"
        figures = json.dumps(section["figures"], ensure_ascii=False)
        lines.append(f"| {name} | {section['seconds']} | {held} | `{figures[:600]}` |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.reliability", description=__doc__)
    parser.add_argument("--size", choices=sorted(PLANS), default="small")
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument(
        "--restart-postgres",
        metavar="COMMAND",
        help="also restart PostgreSQL under load with this command "
        "(e.g. 'pg_ctlcluster 15 main restart'); it restarts the server for everyone on it",
    )
    parser.add_argument(
        "--only", action="append", choices=SECTIONS, help="repeat for several (default: all)"
    )
    parser.add_argument(
        "--served",
        choices=sorted(SIZES),
        help="serve the abuse battery, the bombs and the soak this generated corpus instead "
        "(province: 20,960 documents, about 10 minutes to load)",
    )
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "results")
    args = parser.parse_args()
    backends = args.backend or ["sqlite", "postgresql"]
    report = run(
        args.size, backends, tuple(args.only or SECTIONS), args.restart_postgres, args.served
    )
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"reliability-{args.size}"
    stem.with_suffix(".json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    table = markdown(report)
    stem.with_suffix(".md").write_text(table)
    print(table)
    broken = [b for s in report["sections"].values() for b in s["broken"]]
    if broken:
        print(f"{len(broken)} invariants broken", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
