"""Layer 1, ``parse``: document text → typed document model. No database here."""
