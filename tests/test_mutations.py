"""Mutated seeds only ever end in a clean load or a clean error, never in anything else."""

import hashlib
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.catalog import Catalog
from hub.check import check_document
from hub.domain import SourceFormat
from hub.parse import ParseError, parse_document
from hub.parse.model import Source
from hub.store.engine import Database
from hub.store.load import load_document
from tests import seed

LINES = seed.SEED.read_text(encoding="utf-8").split("\n")
TABLES = (150, 330)  # where the eight tables stand: most mutations should hit them
CATALOG = Catalog.shipped()
EXAMPLES = int(os.environ.get("HUB_MUTATION_EXAMPLES", "40"))


@st.composite
def mutated(draw: st.DrawFn) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.one_of(st.integers(*TABLES), st.integers(0, len(lines) - 1)))
        index = min(index, len(lines) - 1)
        operation = draw(st.sampled_from(["delete", "duplicate", "swap", "digit"]))
        if operation == "delete":
            del lines[index]
        elif operation == "duplicate":
            lines.insert(index, lines[index])
        elif operation == "swap":
            other = min(draw(st.integers(*TABLES)), len(lines) - 1)
            lines[index], lines[other] = lines[other], lines[index]
        else:
            digits = [i for i, c in enumerate(lines[index]) if c.isdigit()]
            if digits:
                at = draw(st.sampled_from(digits))
                digit = draw(st.sampled_from("0123456789"))
                lines[index] = lines[index][:at] + digit + lines[index][at + 1 :]
    return "\n".join(lines)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=mutated())
async def test_a_mutated_seed_loads_cleanly_or_fails_cleanly(database: Database, text: str) -> None:
    source = Source("seed.txt", hashlib.sha256(text.encode()).hexdigest(), SourceFormat.TEXT, text)
    try:
        document = parse_document(source)
    except ParseError as exc:
        error = str(exc)
    else:
        error = None
    if error is not None:
        assert error.startswith("seed.txt")
        return
    findings = check_document(document, CATALOG)
    async with database.transaction() as session:
        await load_document(session, document, findings, CATALOG)
