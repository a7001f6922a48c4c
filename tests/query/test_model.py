"""The read model: what requests read, kept per data version, never stale."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from hub.api.context import make_context
from hub.api.schema import schema
from hub.app.withdrawal import withdraw_version
from hub.query.model import MISSING, ROW_BYTES, ReadModel, read_model, rows_size
from hub.store.engine import Database
from tests import seed

DRILL = """{ disclosure(department: "209", year: 2023) { version functional {
  code computed { total } children { code computed { total }
    children { code stated { total basic project } } } } } }"""
ROLLUP = """{ rollup(scheme: FUNCTIONAL, year: 2023, code: "215") { total departmentCount
  children { code total } byDepartment(first: 10) { department { code } total } } }"""


@contextmanager
def _statements(database: Database) -> Iterator[list[str]]:
    """The SQL statements run meanwhile (their first words)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(" ".join(statement.split()[:4]))

    event.listen(database.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", record)


async def _ask(database: Database, query: str) -> dict[str, Any]:
    result = await schema.execute(query, context_value=make_context(database))
    assert not result.errors, result.errors
    assert result.data is not None
    return result.data


def _item(data: dict[str, Any]) -> dict[str, Any]:
    """215 → 21505 → 2150517 of the drill's answer."""
    [category] = [n for n in data["disclosure"]["functional"] if n["code"] == "215"]
    [section] = category["children"]
    [item] = [n for n in section["children"] if n["code"] == "2150517"]
    return {"category": category["computed"], "item": item["stated"]}


async def test_a_repeated_drill_and_rollup_read_only_the_data_version(database: Database) -> None:
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
    for query in (DRILL, ROLLUP):
        with _statements(database) as cold:
            first = await _ask(database, query)
        with _statements(database) as warm:
            again = await _ask(database, query)
        assert again == first
        assert len(cold) >= 4
        # The version only; on SQLite not even through the engine (hub.store.catalog.FileVersion).
        version = (
            []
            if database.backend == "sqlite"
            else ["SELECT data_version.version FROM data_version"]
        )
        assert [s for s in warm if s.startswith("SELECT")] == version, warm
    drilled = _item(await _ask(database, DRILL))
    assert drilled == {
        "category": {"total": "3507.74"},
        "item": {"total": "2798.00", "basic": None, "project": "2798.00"},
    }
    rollup = (await _ask(database, ROLLUP))["rollup"]
    assert (rollup["total"], rollup["departmentCount"]) == ("3507.74", 1)
    assert rollup["byDepartment"] == [{"department": {"code": "209"}, "total": "3507.74"}]


async def test_a_load_and_a_withdrawal_are_seen_at_once(database: Database) -> None:
    text = seed.SEED.read_text(encoding="utf-8")
    await seed.load_text(database, text)
    assert _item(await _ask(database, DRILL))["item"]["total"] == "2798.00"
    assert (await _ask(database, ROLLUP))["rollup"]["total"] == "3507.74"
    # A new version of the same document: 2150517 changed (and the subtotals printed above it).
    changed = text.replace("2798.00", "2800.00").replace("3507.74", "3509.74")
    changed = changed.replace("2824.00", "2826.00")
    await seed.load_text(database, changed)
    drilled = await _ask(database, DRILL)
    assert drilled["disclosure"]["version"] == 2
    assert _item(drilled)["item"]["total"] == "2800.00"
    assert (await _ask(database, ROLLUP))["rollup"]["total"] == "3509.74"
    # Withdrawn, the first version is current again.
    await withdraw_version(database, department="209", year=2023, reason="金额有误", actor="cli")
    drilled = await _ask(database, DRILL)
    assert drilled["disclosure"]["version"] == 1
    assert _item(drilled)["item"]["total"] == "2798.00"
    assert (await _ask(database, ROLLUP))["rollup"]["total"] == "3507.74"


async def test_with_no_budget_nothing_is_kept(database: Database) -> None:
    await seed.load_text(database, seed.SEED.read_text(encoding="utf-8"))
    read_model(database, 0)
    await _ask(database, DRILL)
    with _statements(database) as warm:
        await _ask(database, DRILL)
    assert len([s for s in warm if s.startswith("SELECT")]) >= 3
    assert read_model(database).kept == {}


def test_the_model_follows_the_newest_version_and_is_bounded_in_bytes() -> None:
    model = ReadModel(max_bytes=ROW_BYTES * 32)
    model.put(5, "a", ["row"], ROW_BYTES)
    assert model.get(5, "a") == ["row"]
    # A request still at an older version neither takes nor adds.
    assert model.get(4, "a") is MISSING
    model.put(4, "b", ["old"], ROW_BYTES)
    assert "b" not in model.kept
    # A newer version empties it.
    model.put(6, "c", ["new"], ROW_BYTES)
    assert list(model.kept) == ["c"]
    assert model.get(5, "a") is MISSING
    # The least recently used go first once the budget is spent.
    for key in range(15):
        model.put(6, key, [key], ROW_BYTES * 2)
    assert model.bytes == ROW_BYTES * 31
    assert model.get(6, "c") == ["new"]
    model.put(6, "last", ["last"], ROW_BYTES * 2)
    assert list(model.kept) == [*range(1, 15), "c", "last"]
    assert model.bytes == ROW_BYTES * 31
    # One value may take at most a sixteenth.
    model.put(6, "large", ["large"], ROW_BYTES * 2 + 1)
    assert "large" not in model.kept


def test_sizes_are_counted_by_rows() -> None:
    assert rows_size([object(), object()]) == 64 + 2 * ROW_BYTES
    assert rows_size({"a": [object()], "b": None}) == 64 + (64 + ROW_BYTES) + 64
