"""Options several ``hub`` commands take, spelled once."""

from __future__ import annotations

from typing import Annotated

import typer

from hub.domain import Scope

__all__ = ["DatabaseOption", "PhaseOption", "RegionOption", "ScopeChoice"]

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        help="Database URL (default: $HUB_DATABASE_URL, else sqlite+aiosqlite:///hub.db).",
        show_default=False,
    ),
]
PhaseOption = Annotated[str, typer.Option(help="budget (预算); final accounts are not stored yet.")]
RegionOption = Annotated[
    str | None, typer.Option(help="Region name or division code, where names repeat.")
]
ScopeChoice = Annotated[
    Scope, typer.Option(case_sensitive=False, help="DEPARTMENT (部门预算) or UNIT (单位预算).")
]
