"""Layer 2, ``check``: reconciliation findings over a parsed document."""
