"""What a check or a load of one file comes to, as JSON: a finding as ``hub check --json``
prints it, a file's report as ``POST /api/ingest`` answers it."""

from __future__ import annotations

from typing import Any

from hub.api.ids import encode_id
from hub.app.ingest import Outcome
from hub.check import Finding
from hub.domain import Severity
from hub.money import wan

__all__ = ["finding_json", "outcome_json"]


def finding_json(finding: Finding) -> dict[str, Any]:
    """A finding; amounts in 万元 as exact decimal strings, ``line`` a text's line or a PDF's
    page."""

    def text(fen: int | None) -> str | None:
        amount = wan(fen)
        return None if amount is None else str(amount)

    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "table": finding.table.value if finding.table else None,
        "code": finding.code,
        "column": finding.column,
        "expected": text(finding.expected),
        "actual": text(finding.actual),
        "difference": text(finding.difference),
        "line": finding.line,
        "message": finding.message,
    }


def outcome_json(outcome: Outcome, *, file: str | None = None) -> dict[str, Any]:
    """One file's report. ``status`` is new, new version, unchanged, withdrawn, restored,
    checked (read, nothing loaded) or failed; ``disclosure`` the GraphQL id of the version
    the file is, where it is stored."""
    loaded = None if outcome.error is not None else outcome.loaded
    counts = outcome.severities()
    return {
        "file": file if file is not None else str(outcome.path),
        "status": outcome.status,
        "sha256": outcome.sha256,
        "disclosure": encode_id("Disclosure", loaded.disclosure_id) if loaded else None,
        "version": loaded.version if loaded else None,
        "withdrawalReason": loaded.withdrawal_reason if loaded else None,
        "department": outcome.summary.department if outcome.summary else None,
        "year": outcome.summary.year if outcome.summary else None,
        "error": outcome.error,
        "findingCounts": {s.value: counts[s] for s in Severity},
        "findings": [finding_json(f) for f in outcome.findings],
    }
