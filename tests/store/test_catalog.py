from pathlib import Path

import pytest
from sqlalchemy import select

from hub.catalog import CatalogFileError, CatalogRow, read_catalog
from hub.domain import Level, Scheme
from hub.store.catalog import in_subtree, sync_catalog
from hub.store.engine import Database
from hub.store.entities import CatalogEntry
from tests import seed

SEED_FUNCTIONAL = seed.FUNCTIONAL_NAMES

# The seed's table 6 (一般公共预算基本支出表) codes with the names it prints.
SEED_ECONOMIC = {
    "301": "工资福利支出",
    "30101": "基本工资",
    "30102": "津贴补贴",
    "30103": "奖金",
    "30107": "绩效工资",
    "30108": "机关事业单位基本养老保险缴费",
    "30109": "职业年金缴费",
    "30110": "职工基本医疗保险缴费",
    "30111": "公务员医疗补助缴费",
    "30112": "其他社会保障缴费",
    "30113": "住房公积金",
    "30199": "其他工资福利支出",
    "302": "商品和服务支出",
    "30201": "办公费",
    "30202": "印刷费",
    "30206": "电费",
    "30207": "邮电费",
    "30209": "物业管理费",
    "30211": "差旅费",
    "30213": "维修（护）费",
    "30217": "公务接待费",
    "30226": "劳务费",
    "30227": "委托业务费",
    "30228": "工会经费",
    "30229": "福利费",
    "30231": "公务用车运行维护费",
    "30239": "其他交通费用",
    "30299": "其他商品和服务支出",
    "303": "对个人和家庭的补助",
    "30301": "离休费",
    "30305": "生活补助",
    "30307": "医疗费补助",
    "30309": "奖励金",
    "310": "资本性支出",
    "31002": "办公设备购置",
}


def _valid_in(rows: list[CatalogRow], scheme: Scheme, year: int) -> dict[str, str]:
    return {
        r.code: r.name
        for r in rows
        if r.scheme is scheme
        and r.valid_from <= year
        and (r.valid_to is None or year <= r.valid_to)
    }


def test_every_seed_code_has_its_official_name_for_2023() -> None:
    rows = read_catalog()
    functional = _valid_in(rows, Scheme.FUNCTIONAL, 2023)
    economic = _valid_in(rows, Scheme.DEPARTMENTAL_ECONOMIC, 2023)
    assert {code: functional.get(code) for code in SEED_FUNCTIONAL} == SEED_FUNCTIONAL
    assert {code: economic.get(code) for code in SEED_ECONOMIC} == SEED_ECONOMIC


def test_the_class_levels_are_complete_and_consistent() -> None:
    rows = read_catalog()
    functional = _valid_in(rows, Scheme.FUNCTIONAL, 2023)
    classes = sorted(code for code in functional if len(code) == 3)
    assert classes[0] == "201"
    assert {"201", "205", "208", "210", "215", "221", "229", "232"} <= set(classes)
    economic = _valid_in(rows, Scheme.DEPARTMENTAL_ECONOMIC, 2023)
    economic_classes = sorted(code for code in economic if len(code) == 3)
    assert economic_classes[0] == "301"
    assert economic_classes[-1] == "399"
    # Every 款 and 项 hangs under a parent of the same scheme and year.
    for table in (functional, economic):
        for code in table:
            if len(code) > 3:
                assert code[:-2] in table, f"{code} has no parent {code[:-2]}"


def test_each_code_has_one_name_per_year() -> None:
    seen: dict[tuple[Scheme, str, int], str] = {}
    for row in read_catalog():
        last = row.valid_to or 2030
        assert row.valid_from <= last, row
        for year in range(row.valid_from, last + 1):
            key = (row.scheme, row.code, year)
            assert key not in seen, f"{row.code} has two names in {year}"
            seen[key] = row.name


def test_a_bad_row_is_reported_with_its_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "functional.csv").write_text(
        "code,name,valid_from,valid_to,source\n215,资源勘探工业信息等支出,2019,,x\n2150,坏,2019,,x\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogFileError, match=r"functional\.csv:3: not a classification code"):
        read_catalog(tmp_path)
    (tmp_path / "functional.csv").write_text(
        "code,name,valid_from,valid_to,source\n215,资源勘探工业信息等支出,19,,x\n", encoding="utf-8"
    )
    with pytest.raises(CatalogFileError, match=r"functional\.csv:2: expected a four-digit"):
        read_catalog(tmp_path)
    (tmp_path / "functional.csv").write_text("code,name\n215,x\n", encoding="utf-8")
    with pytest.raises(CatalogFileError, match=r"functional\.csv:1: expected the columns"):
        read_catalog(tmp_path)


async def test_upgrade_loaded_the_catalog(database: Database) -> None:
    async with database.session() as session:
        entries = (await session.scalars(select(CatalogEntry))).all()
    assert len(entries) == len(read_catalog())
    by_key = {(e.scheme, e.code, e.valid_from): e for e in entries}
    entry = next(e for (s, c, _), e in by_key.items() if s is Scheme.FUNCTIONAL and c == "2150517")
    assert (entry.name, entry.level, entry.parent_code) == ("产业发展", Level.ITEM, "21505")


async def test_subtree_of_the_catalog_uses_an_index(database: Database, backend: str) -> None:
    statement = (
        select(CatalogEntry.code)
        .where(CatalogEntry.scheme == Scheme.FUNCTIONAL, in_subtree(CatalogEntry.code, "215"))
        .order_by(CatalogEntry.code)
    )
    async with database.session() as session:
        codes = (await session.scalars(statement)).all()
        assert codes[:5] == ["215", "21505", "2150501", "2150502", "2150517"]
        assert all(code.startswith("215") for code in codes)
        if backend == "sqlite":
            compiled = statement.compile(compile_kwargs={"literal_binds": True})
            plan = (await session.execute(text_plan(str(compiled)))).all()
            assert any(
                "USING INDEX" in str(row) or "USING COVERING INDEX" in str(row) for row in plan
            )


def text_plan(sql: str):
    from sqlalchemy import text

    return text(f"EXPLAIN QUERY PLAN {sql}")


async def test_sync_corrects_adds_and_removes(database: Database) -> None:
    rows = read_catalog()
    renamed = [
        CatalogRow(**{**r.__dict__, "name": "改名"}) if r.code == "2150517" else r for r in rows
    ]
    extra = CatalogRow(
        Scheme.FUNCTIONAL, "2150599", "测试", Level.ITEM, "21505", 2023, None, "test"
    )
    async with database.transaction() as session:
        await sync_catalog(session, [*renamed[1:], extra])
    async with database.session() as session:
        stored = {(e.scheme, e.code): e.name for e in await session.scalars(select(CatalogEntry))}
    assert stored[(Scheme.FUNCTIONAL, "2150517")] == "改名"
    assert stored[(Scheme.FUNCTIONAL, "2150599")] == "测试"
    assert (rows[0].scheme, rows[0].code) not in stored or rows[0].code in {
        r.code for r in renamed[1:] if r.scheme is rows[0].scheme
    }
    async with database.transaction() as session:
        await sync_catalog(session, rows)
    async with database.session() as session:
        assert len((await session.scalars(select(CatalogEntry))).all()) == len(rows)


def test_a_year_outside_every_entry_takes_the_nearest_name() -> None:
    from hub.catalog import Catalog

    catalog = Catalog(read_catalog())
    assert catalog.name(Scheme.FUNCTIONAL, "210", 2016) == "医疗卫生与计划生育支出"
    assert catalog.name(Scheme.FUNCTIONAL, "210", 2013) == "医疗卫生与计划生育支出"
    assert catalog.name(Scheme.FUNCTIONAL, "210", 2019) == "卫生健康支出"
    assert catalog.name(Scheme.FUNCTIONAL, "210", 2031) == "卫生健康支出"
    assert catalog.name(Scheme.FUNCTIONAL, "2109999", 2023) is None
