"""Documents a hostile uploader or a broken pipeline sends: PDFs that explode when drawn, and
the seed (and a real PDF, where the corpus is at hand) mutated hundreds of ways."""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.reliability.common import ROOT, SEED, Section, group, hub_env, rss_kb
from tests.parse.hostile_pdfs import LARGER, MANY_PAGES, SMALL, lines_pdf, write_pdf

__all__ = ["DOCUMENT_BOMBS", "document_bombs", "mutants"]


DOCUMENT_BOMBS: dict[str, Callable[[Path], Path]] = {
    # The hostile files of the report, as the tests write them: a page of repeated line
    # drawing compresses to almost nothing, and a reader that makes an object of every line
    # needs gigabytes.
    "22 KB: one page of 800,000 lines": lambda path: lines_pdf(path, SMALL),
    "48 KB: one page of 1.75 million lines": lambda path: lines_pdf(path, LARGER),
    "225 KB: 200 pages of 32,300 lines": lambda path: lines_pdf(path, MANY_PAGES[1], MANY_PAGES[0]),
    "10,000 empty pages": lambda path: write_pdf(path, [b""] * 10_000),
    # Under every count (pages, objects and bytes a page) yet long to lay out: only the
    # reader's time limit stops it, here set to 10 s (HUB_DOCUMENT_SECONDS) to be seen soon.
    "under every count: 26 pages of 9,500 lines": lambda path: lines_pdf(path, 9_500, 26),
}
_SETTINGS = {"under every count: 26 pages of 9,500 lines": {"HUB_DOCUMENT_SECONDS": "10"}}


def _measured(command: list[str], env: dict[str, str], timeout: float) -> dict[str, Any]:
    """Run a command in a process group of its own; its wall time, the peak of the memory
    its whole group holds at once (the reader's worker included), its last line."""
    started = time.perf_counter()
    peak = 0
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, env=env, cwd=ROOT,
            start_new_session=True,
        )  # fmt: skip
        hung = False
        while process.poll() is None:
            peak = max(peak, sum(rss_kb(pid) for pid in group(process.pid)))
            if time.perf_counter() - started > timeout:
                hung = True
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            time.sleep(0.02)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # whatever it left behind
        output.seek(0)
        text = output.read().decode(errors="replace").strip()
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "peak_mb": round(peak / 1024, 1),
        "exit": process.returncode,
        "hung": hung,
        "said": (text.splitlines() or [""])[-1][:300],
        "traceback": "Traceback (most recent call last)" in text,
    }


def document_bombs(folder: Path, url: str) -> Section:
    """``hub check`` of each bomb, in a process of its own: refused, how fast, how big."""
    section = Section()
    for name, build in DOCUMENT_BOMBS.items():
        path = build(folder / (re.sub(r"\W+", "-", name).strip("-") + ".pdf"))
        result = _measured(
            [sys.executable, "-m", "hub", "check", str(path)],
            hub_env(url, **_SETTINGS.get(name, {})),
            timeout=300,
        )
        result["file_kb"] = round(path.stat().st_size / 1024, 1)
        section.figures[name] = result
        section.expect(not result["hung"], f"{name}: still running after 300 s")
        section.expect(result["exit"] == 1, f"{name}: exit {result['exit']}, not a refusal")
        section.expect(not result["traceback"], f"{name}: a traceback")
        section.expect(result["seconds"] < 30, f"{name}: {result['seconds']} s")
        section.expect(result["peak_mb"] < 1024, f"{name}: {result['peak_mb']} MB")
    return section


# The seed mutated: what a broken export, an editor or a hostile hand does to a text.
def _mutate(text: str, rng: random.Random) -> tuple[str, bytes]:
    lines = text.split("\n")
    kind = rng.randrange(16)
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    amounts = [m for m in re.finditer(r"\d+\.\d{2}", text)]
    codes = [m for m in re.finditer(r"\b\d{7}\b", text)]
    if kind == 0:
        del lines[i]
        return "delete a line", "\n".join(lines).encode()
    if kind == 1:
        lines.insert(i, lines[j])
        return "duplicate a line", "\n".join(lines).encode()
    if kind == 2:
        lines[i], lines[j] = lines[j], lines[i]
        return "swap two lines", "\n".join(lines).encode()
    if kind == 3:
        digits = [m.start() for m in re.finditer(r"\d", text)]
        at = rng.choice(digits)
        return "change a digit", (text[:at] + str(rng.randrange(10)) + text[at + 1 :]).encode()
    if kind == 4:
        m = rng.choice(amounts)
        big = rng.choice(["4611686018427.50", "92233720368547758.07", "1" * 40 + ".00"])
        return "a huge amount", (text[: m.start()] + big + text[m.end() :]).encode()
    if kind == 5:
        m = rng.choice(codes)
        return "a code of 8 digits", (
            text[: m.start()] + m.group() + "0" + text[m.end() :]
        ).encode()
    if kind == 6:
        data = text.encode()
        return "truncated", data[: rng.randrange(len(data))]
    if kind == 7:
        data = text.encode()
        at = rng.randrange(len(data))
        return "a NUL byte", data[:at] + b"\x00" + data[at:]
    if kind == 8:
        data = text.encode()
        at = rng.randrange(len(data))
        return "a byte that is not UTF-8", data[:at] + b"\xff" + data[at:]
    if kind == 9:
        lines[i] = lines[i] + "局" * rng.choice([100, 300, 5000])
        return "a very long line", "\n".join(lines).encode()
    if kind == 10:
        flipped = bytearray(text.encode())
        for _ in range(rng.randrange(1, 6)):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        return "bytes flipped", bytes(flipped)
    if kind == 11:
        lines[i] = lines[i].replace("\t", " ")
        return "tabs lost on a line", "\n".join(lines).encode()
    if kind == 12:
        m = rng.choice(amounts)
        return "a negative amount", (text[: m.start()] + "-" + text[m.start() :]).encode()
    if kind == 13:
        return "a year of five digits", re.sub(r"20\d\d", "99999", text, count=3).encode()
    if kind == 14:
        m = rng.choice(amounts)
        return "a fen split in ten", (text[: m.end()] + "12345" + text[m.end() :]).encode()
    return "a table twice", (text + "\n" + "\n".join(lines[i : i + 40])).encode()


def _pdf_mutant(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    kind = rng.randrange(3)
    if kind == 0:
        return "PDF truncated", data[: rng.randrange(len(data) // 10, len(data))]
    if kind == 1:
        out = bytearray(data)
        for _ in range(rng.randrange(1, 20)):
            out[rng.randrange(len(out))] = rng.randrange(256)
        return "PDF bytes flipped", bytes(out)
    at = rng.randrange(len(data))
    return "PDF with a block repeated", data[:at] + data[at : at + 4096] * 8 + data[at:]


def mutants(folder: Path, urls: dict[str, str], count: int, pdfs: int, seed: int = 1) -> Section:
    """``count`` mutants of the seed and ``pdfs`` of a real PDF: each checked and ingested
    (one process per side, every backend); check and ingest must agree on every file, and
    neither may crash, hang or print a driver's words."""
    section = Section()
    rng = random.Random(seed)
    text = SEED.read_text(encoding="utf-8")
    kinds: dict[str, str] = {}
    files = folder / "mutants"
    files.mkdir()
    for n in range(count):
        kind, data = _mutate(text, rng)
        name = f"m{n:04d}.txt"
        (files / name).write_bytes(data)
        kinds[name] = kind
    # Two departments each printing half of BIGINT's range for one 项: each fits, their sum not.
    huge = text.replace("2150517\t产业发展\t2798.00", "2150517\t产业发展\t4611686018427.50", 1)
    for code in ("901", "902"):
        (files / f"twin-{code}.txt").write_text(huge, encoding="utf-8")
        kinds[f"twin-{code}.txt"] = "half of BIGINT, twice"
    corpus = Path(os.environ.get("HUB_CORPUS_DIR", ROOT.parent / "shared" / "corpus"))
    real = corpus / "putuo-finance-bureau-2025-budget.pdf"
    if pdfs and real.is_file():
        data = real.read_bytes()
        for n in range(pdfs):
            kind, mutated = _pdf_mutant(data, rng)
            name = f"p{n:04d}.pdf"
            (files / name).write_bytes(mutated)
            kinds[name] = kind
    child = [sys.executable, "-m", "bench.reliability.mutants_child"]
    started = time.perf_counter()
    checked = _child([*child, "check", str(files)], hub_env(""), timeout=60 + 20 * len(kinds))
    section.figures["files"] = len(kinds)
    section.figures["kinds"] = dict(sorted(_count(kinds.values()).items()))
    section.expect(checked["ok"], f"check: {checked['said']}")
    for backend, url in urls.items():
        loaded = _child([*child, "ingest", str(files)], hub_env(url), timeout=60 + 20 * len(kinds))
        section.expect(loaded["ok"], f"ingest on {backend}: {loaded['said']}")
        if not (checked["ok"] and loaded["ok"]):
            continue
        disagree = [
            (name, kinds[name], checked["files"][name], loaded["files"][name])
            for name in kinds
            if (checked["files"][name] is None) != (loaded["files"][name] is None)
        ]
        driver = [
            (name, error)
            for name, error in loaded["files"].items()
            if error and re.search(r"sqlite|asyncpg|int64|character varying|overflow", error, re.I)
        ]
        rollups = {k: v for k, v in loaded["files"].items() if k.startswith("rollup ")}
        for name in rollups:
            del loaded["files"][name]
        section.expect(not any(rollups.values()), f"{backend}: rollups failed: {rollups}")
        refused = sum(1 for e in loaded["files"].values() if e)
        section.figures[backend] = {
            "refused": refused,
            "loaded": len(kinds) - refused,
            "check_and_ingest_disagree": len(disagree),
            "driver_errors": len(driver),
            "rollups_failed": sum(1 for e in rollups.values() if e),
            "examples": (disagree + driver)[:5],
        }
        section.expect(not disagree, f"{backend}: check and ingest disagree on {disagree[:3]}")
        section.expect(not driver, f"{backend}: driver errors {driver[:3]}")
    section.figures["seconds"] = round(time.perf_counter() - started, 1)
    section.figures["crashes"] = sum(1 for b in section.broken if "crash" in b)
    return section


def _count(values: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def _child(command: list[str], env: dict[str, str], timeout: float) -> dict[str, Any]:
    try:
        result = subprocess.run(
            command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return {"ok": False, "said": f"hang: no end after {timeout:.0f} s"}
    if result.returncode != 0 or "Traceback" in result.stderr:
        return {"ok": False, "said": f"crash (exit {result.returncode}): {result.stderr[-500:]}"}
    return {"ok": True, "files": json.loads(result.stdout), "said": ""}
