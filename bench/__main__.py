"""python -m bench --size small|city|province [--backend sqlite --backend postgresql] …"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench.corpus import SIZES
from bench.harness import markdown, run


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument(
        "--backend",
        action="append",
        choices=["sqlite", "postgresql"],
        help="repeat for several (default: both)",
    )
    parser.add_argument("--seconds", type=int, default=20, help="per query and client count")
    parser.add_argument("--clients", default="1,32", help="comma-separated connection counts")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args()
    report = run(
        args.size,
        args.backend or ["sqlite", "postgresql"],
        args.seconds,
        [int(n) for n in args.clients.split(",")],
        args.seed,
    )
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"{args.size}-{args.seed}"
    stem.with_suffix(".json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    table = markdown(report)
    stem.with_suffix(".md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
