"""Within a row: a total column against the columns that split it (合计 = 基本支出 + 项目支出)."""

from __future__ import annotations

from hub.check.findings import Finding, judge, show
from hub.domain import SPLITS, Measure
from hub.parse.model import Table

__all__ = ["column_findings"]

M = Measure
_SPLITS = [parts for whole, parts in SPLITS if whole is M.TOTAL]


def column_findings(table: Table) -> list[Finding]:
    """Each row's 合计 against the sum of its parts, in tables whose columns are exactly a
    total and one complete split of it (the nine-table layout's; the seed's tables print more
    columns than any one split, so they are left to the subtotal checks)."""
    present = set(table.measures)
    parts = next((s for s in _SPLITS if present == {M.TOTAL, *s}), None)
    if parts is None:
        return []
    found: list[Finding] = []
    for row in table.rows:
        values = [row.amount(m) for m in parts]
        stated = row.amount(M.TOTAL)
        if all(v is None for v in values):
            continue
        computed = sum(v or 0 for v in values)
        severity = judge((stated or 0) - computed, len(parts), table.quantum)
        if severity is None:
            continue
        label = f"{row.code or ''} {row.printed_name}".strip()
        unit = table.unit
        found.append(
            Finding(
                rule="columns",
                severity=severity,
                table=table.kind,
                code=row.code,
                column=M.TOTAL.value,
                expected=computed,
                actual=stated,
                line=row.line,
                message=f"{table.title}: {label} states {show(stated, unit)} {unit} (合计) where "
                f"{' + '.join(m.value for m in parts)} sum to {show(computed, unit)}",
            )
        )
    return found
