"""Layer 2, ``check``: reconciliation findings over a parsed document."""

from hub.catalog import Catalog
from hub.check.columns import column_findings
from hub.check.coverage import catalog_findings, missing_table_findings
from hub.check.findings import Finding
from hub.check.identities import identity_findings
from hub.check.notes import claim_findings, declared_empty_findings
from hub.check.storable import STORE_RULES, storable_findings
from hub.check.subtotals import subtotal_findings
from hub.parse.model import Document

__all__ = ["STORE_RULES", "Finding", "check_document"]


def check_document(document: Document, catalog: Catalog) -> list[Finding]:
    """Every finding: coverage, subtotals and columns table by table, identities, what the
    words say against the figures, then any value the store could not hold (a finding of
    :data:`STORE_RULES`: such a document is refused, by ``hub check`` as by ``hub ingest``)."""
    findings = missing_table_findings(document) + catalog_findings(document, catalog)
    for table in document.tables.values():
        findings += subtotal_findings(table) + column_findings(table)
    findings += identity_findings(document)
    findings += declared_empty_findings(document) + claim_findings(document)
    return findings + storable_findings(document, findings)
