"""Every stated subtotal against the sum of the leaves beneath it, column by column."""

from __future__ import annotations

from collections.abc import Iterator

from hub.check.findings import Finding, judge, show
from hub.domain import LineKind, Severity
from hub.parse.model import Row, Table

__all__ = ["subtotal_findings"]


def _leaves(table: Table) -> dict[str, list[Row]]:
    """For each subject code, the leaf rows beneath it (a leaf's list is itself)."""
    subjects = table.subjects()
    leaves: dict[str, list[Row]] = {code: [] for code in subjects}
    for row in table.leaves():
        assert row.code is not None
        for code in (row.code, *_ancestors(row.code)):
            if code in leaves:
                leaves[code].append(row)
    return leaves


def _ancestors(code: str) -> Iterator[str]:
    while len(code) > 3:
        code = code[:-2]
        yield code


def _compare(
    table: Table, row: Row, label: str, parts: list[Row], rule: str, what: str
) -> Iterator[Finding]:
    for measure in table.measures:
        stated = row.amount(measure)
        values = [part.amount(measure) for part in parts]
        if stated is None and all(v is None for v in values):
            continue
        computed = sum(v or 0 for v in values)
        severity = judge((stated or 0) - computed, len(parts), table.quantum)
        if severity is None:
            continue
        unit = table.unit
        yield Finding(
            rule=rule,
            severity=severity,
            table=table.kind,
            code=row.code,
            column=measure.value,
            expected=computed,
            actual=stated,
            line=row.line,
            message=(
                f"{table.title}: {label} states {show(stated, unit)} {unit} ({measure.value}) "
                f"where {what} sum to {show(computed, unit)}"
                + (": a difference rounding explains" if severity is Severity.ROUNDING else "")
            ),
        )


def subtotal_findings(table: Table) -> list[Finding]:
    """Findings for one classified table (tables 5, 6 and 8)."""
    if not table.measures or table.scheme is None:
        return []
    leaves = _leaves(table)
    subjects = table.subjects()
    findings: list[Finding] = []
    for code, row in subjects.items():
        if any(leaf.code != code for leaf in leaves[code]):  # a node with rows beneath it
            findings.extend(
                _compare(
                    table,
                    row,
                    f"{code} {row.printed_name}",
                    leaves[code],
                    "subtotal",
                    f"its {len(leaves[code])} items",
                )
            )
    all_leaves = table.leaves()
    total = table.first(LineKind.TOTAL)
    if total is not None:
        findings.extend(
            _compare(
                table,
                total,
                "the total (合计)",
                all_leaves,
                "subtotal",
                f"its {len(all_leaves)} leaf rows",
            )
        )
    departments = [r for r in table.rows if r.kind is LineKind.DEPARTMENT]
    units = [r for r in table.rows if r.kind is LineKind.UNIT]
    for entities in (departments, units):
        if len(entities) == 1:
            entity = entities[0]
            parts, what = (
                ([total], "the total (合计) row's figures")
                if total
                else (all_leaves, f"its {len(all_leaves)} leaf rows")
            )
            findings.extend(
                _compare(
                    table,
                    entity,
                    f"{entity.code} {entity.printed_name}",
                    parts,
                    "entity_total",
                    what,
                )
            )
    return findings
