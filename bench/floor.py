"""The floor: the benchmark's answers read with hand-written SQL and built as plain dicts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.money import fen_to_wan

__all__ = ["contract_floor", "rollup_floor"]

_MEASURES = ("total", "basic", "personnel", "operating", "project")


def _wan(fen: int | None) -> str | None:
    return None if fen is None else str(fen_to_wan(int(fen)))


async def contract_floor(connection: AsyncConnection) -> dict[str, Any]:
    disclosure = (
        await connection.execute(
            text(
                "SELECT d.id, d.fiscal_year, d.version, p.code, p.name FROM disclosure d "
                "JOIN department p ON p.id = d.department_id JOIN region r ON r.id = p.region_id "
                "WHERE p.code = '100' AND r.name = '咸宁市' AND d.fiscal_year = 2023 "
                "AND d.superseded_by_id IS NULL AND d.withdrawn_at IS NULL"
            )
        )
    ).one()
    rows = (
        await connection.execute(
            text(
                'SELECT "table", code, name, printed_name, level, total, basic, personnel, '
                "operating, project FROM budget_line WHERE disclosure_id = :d AND kind = 'SUBJECT' "
                "ORDER BY ordinal"
            ),
            {"d": disclosure.id},
        )
    ).all()
    findings = (
        await connection.execute(
            text(
                'SELECT rule, severity, "table", code, "column", expected, actual, difference, '
                "message FROM finding WHERE disclosure_id = :d ORDER BY id"
            ),
            {"d": disclosure.id},
        )
    ).all()

    def tree(table: str) -> list[dict[str, Any]]:
        nodes = {r.code: r for r in rows if r.table == table}
        children: dict[str, list[str]] = {}
        for code in nodes:
            children.setdefault(code[:-2] if len(code) > 3 else "", []).append(code)

        def leaves(code: str) -> list[Any]:
            below = children.get(code)
            return [nodes[code]] if not below else [leaf for c in below for leaf in leaves(c)]

        def node(code: str, depth: int) -> dict[str, Any]:
            r = nodes[code]
            sums = {
                m: _wan(sum(getattr(x, m) or 0 for x in leaves(code)))
                if any(getattr(x, m) is not None for x in leaves(code))
                else None
                for m in _MEASURES
            }
            out: dict[str, Any] = {
                "code": code,
                "name": r.name or r.printed_name,
                "printedName": r.printed_name,
                "level": r.level,
                "stated": {m: _wan(getattr(r, m)) for m in _MEASURES},
                "computed": sums,
            }
            if depth < 2:
                out["children"] = [node(c, depth + 1) for c in children.get(code, [])]
            return out

        return [node(code, 0) for code in children.get("", [])]

    return {
        "disclosure": {
            "year": disclosure.fiscal_year,
            "version": disclosure.version,
            "department": {"code": disclosure.code, "name": disclosure.name},
            "functional": tree("GENERAL_FUNCTIONAL"),
            "economic": tree("GENERAL_BASIC_ECONOMIC"),
            "findings": [
                {
                    "rule": f.rule,
                    "severity": f.severity,
                    "table": f.table,
                    "code": f.code,
                    "column": f.column,
                    "expected": _wan(f.expected),
                    "actual": _wan(f.actual),
                    "difference": _wan(f.difference),
                    "message": f.message,
                }
                for f in findings
            ],
        }
    }


async def rollup_floor(connection: AsyncConnection) -> dict[str, Any]:
    # The same index the hub reads: current lines of the year's table.
    current = (
        "FROM budget_line b WHERE b.\"table\" = 'GENERAL_FUNCTIONAL' AND b.current_year = 2023 "
    )
    sums = (
        await connection.execute(
            text(
                f"SELECT b.code, SUM(b.total) {current}AND b.code BETWEEN '215' AND '2159999' "
                "GROUP BY b.code ORDER BY b.code"
            )
        )
    ).all()
    top = (
        await connection.execute(
            text(
                "SELECT p.name, b.total FROM budget_line b "
                "JOIN disclosure d ON d.id = b.disclosure_id "
                "JOIN department p ON p.id = d.department_id "
                "WHERE b.\"table\" = 'GENERAL_FUNCTIONAL' AND b.current_year = 2023 "
                "AND b.code = '215' AND b.total IS NOT NULL "
                "ORDER BY b.total DESC, b.disclosure_id LIMIT 10"
            )
        )
    ).all()
    totals = {code: Decimal(total) for code, total in sums}

    def node(code: str, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {"code": code, "total": _wan(int(totals[code]))}
        if depth < 2:
            out["children"] = [
                node(c, depth + 1) for c in totals if len(c) == len(code) + 2 and c.startswith(code)
            ]
        return out

    root = node("215", 0)
    root["byDepartment"] = [{"department": {"name": n}, "total": _wan(t)} for n, t in top]
    return {"rollup": root}
