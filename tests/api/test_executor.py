"""The bounds kept while an answer is built: its size, its objects, its time."""

from __future__ import annotations

import json
import time
from pathlib import Path

from graphql import get_introspection_query

from hub.api.context import make_context
from hub.api.schema import Limits, make_schema
from hub.store.engine import Database
from tests import seed

CONTRACT = (Path(__file__).parent / "contract.graphql").read_text(encoding="utf-8")


async def _seeded(database: Database) -> None:
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))


async def test_an_answer_within_the_bounds_is_the_whole_answer(database: Database) -> None:
    await _seeded(database)
    result = await make_schema().execute(CONTRACT, context_value=make_context(database))
    assert result.errors is None
    assert result.data is not None
    assert result.data["disclosure"]["department"] == {
        "code": "209",
        "name": "咸宁市经济和信息化局",
    }


async def test_a_larger_answer_is_stopped_while_it_is_built(database: Database) -> None:
    await _seeded(database)
    whole = await make_schema().execute(CONTRACT, context_value=make_context(database))
    size = len(json.dumps(whole.data, separators=(",", ":")).encode())
    small = make_schema(Limits(max_response_bytes=size // 2))
    result = await small.execute(CONTRACT, context_value=make_context(database))
    assert result.data is None
    [error] = result.errors or []
    assert error.extensions == {"code": "RESPONSE_TOO_LARGE", "maxBytes": size // 2}
    assert f"larger than {size // 2:,} bytes" in error.message


async def test_the_count_of_objects_is_kept_while_the_answer_is_built(database: Database) -> None:
    await _seeded(database)
    result = await make_schema(Limits(max_nodes=50)).execute(
        CONTRACT, context_value=make_context(database)
    )
    assert result.data is None
    [error] = result.errors or []
    assert error.extensions == {"code": "RESPONSE_TOO_LARGE", "maxNodes": 50}


async def test_the_bytes_counted_are_at_least_the_bytes_sent(database: Database) -> None:
    # The count errs on the large side (six bytes for each non-ASCII character, as the
    # encoder escapes them), never on the small one.
    await _seeded(database)
    whole = await make_schema().execute(CONTRACT, context_value=make_context(database))
    sent = len(json.dumps({"data": whole.data}, separators=(",", ":")).encode())
    at_the_line = make_schema(Limits(max_response_bytes=sent - 1))
    result = await at_the_line.execute(CONTRACT, context_value=make_context(database))
    assert result.errors is not None
    assert result.errors[0].extensions["code"] == "RESPONSE_TOO_LARGE"  # type: ignore[index]


async def test_work_that_never_waits_is_stopped_at_the_deadline(database: Database) -> None:
    # Fifty copies of the introspection GraphiQL sends: a second or so of work that never
    # awaits anything, so only a deadline checked between objects can stop it.
    introspection = get_introspection_query(descriptions=True)
    body = introspection[introspection.index("{") : introspection.index("fragment")]
    query = (
        "query {"
        + " ".join(f"a{i}: {body.strip()[1:-1].strip()}" for i in range(50))
        + "}"
        + introspection[introspection.index("fragment") :]
    )
    generous = Limits(max_cost=10**9, max_nodes=10**9, max_response_bytes=10**12)
    whole = await make_schema(generous).execute(query, context_value=make_context(database))
    assert whole.errors is None
    hurried = make_schema(
        Limits(max_cost=10**9, max_nodes=10**9, max_response_bytes=10**12, seconds=0.01)
    )
    started = time.monotonic()
    result = await hurried.execute(query, context_value=make_context(database))
    assert time.monotonic() - started < 10
    assert result.data is None
    [error] = result.errors or []
    assert error.extensions == {"code": "TIMEOUT"}
    assert error.message == "the request took longer than 0.01 s"
