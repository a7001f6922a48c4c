"""The synthetic corpus: deterministic, and every document reconciles but for planted rounding."""

import hashlib
from collections import Counter

from bench.corpus import SIZES, generate
from hub.catalog import Catalog
from hub.check import check_document
from hub.domain import SourceFormat
from hub.parse import parse_document
from hub.parse.model import Source


def test_the_small_corpus_is_deterministic_and_reconciles() -> None:
    documents = list(generate(SIZES["small"], seed=7))
    again = list(generate(SIZES["small"], seed=7))
    assert [d.text for d in documents] == [d.text for d in again]
    assert [d.text for d in documents] != [d.text for d in generate(SIZES["small"], seed=8)]
    catalog = Catalog.shipped()
    severities: Counter[str] = Counter()
    for document in documents:
        source = Source(
            document.name,
            hashlib.sha256(document.text.encode()).hexdigest(),
            SourceFormat.TEXT,
            document.text,
        )
        parsed = parse_document(source)
        severities.update(f.severity.value for f in check_document(parsed, catalog))
        assert sum(len(t.rows) for t in parsed.tables.values()) == document.lines
    assert set(severities) <= {"ROUNDING"}
    assert severities["ROUNDING"] > 0
    assert len(documents) > SIZES["small"].documents  # corrections were generated too
    assert any(d.name.endswith("-v2.txt") for d in documents)
