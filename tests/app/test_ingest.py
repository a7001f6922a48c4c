"""Ingesting files as `hub ingest` does: good ones load, bad ones say why and write nothing."""

import codecs
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hub.app.ingest import Job, check_files, collect_files, ingest_files
from hub.catalog import Catalog
from hub.parse import Overrides
from hub.store.engine import Database
from hub.store.entities import BudgetLine, Department, Disclosure, Region
from hub.store.load import LoadStatus
from tests import seed
from tests.corpus import corpus_file

TEXT = seed.SEED.read_text(encoding="utf-8")
LINE_2150517 = next(i for i, line in enumerate(TEXT.split("\n"), 1) if line.startswith("2150517"))


async def stored(database: Database) -> dict[str, int]:
    async with database.session() as session:
        return {
            e.__name__: int(await session.scalar(select(func.count()).select_from(e)) or 0)
            for e in (Region, Department, Disclosure, BudgetLine)
        }


BAD = {
    "empty.txt": (b"", "empty.txt: the file is empty"),
    "binary.txt": (b"\x7fELF\x02\x01\x00\x00binary", "binary.txt: this is a binary file"),
    "broken.pdf": (b"%PDF-1.7\n\x00\x00\x01binary", "broken.pdf: not a readable PDF"),
    "truncated.txt": (
        ("\n".join(TEXT.split("\n")[:186]) + "\n").encode(),
        "truncated.txt:186: no functional table (一般公共预算支出表 or 财政拨款支出表) found; "
        "tables recognised: INCOME_EXPENDITURE_SUMMARY: is the document truncated",
    ),
    "garbled.txt": (
        TEXT.replace("\t2798.00\t", "\t3814.5x\t", 1).encode(),
        f"garbled.txt:{LINE_2150517}: 一般公共预算支出表（按功能科目到项级）, column 合计: "
        "expected an amount such as 3814.52 or a blank cell, found '3814.5x'",
    ),
    "dash.txt": (
        TEXT.replace("\t2798.00\t", "\t—\t", 1).encode(),
        f"dash.txt:{LINE_2150517}: 一般公共预算支出表（按功能科目到项级）, column 合计: "
        "expected an amount such as 3814.52 or a blank cell, found '—'",
    ),
    "no-year.txt": (
        TEXT.replace("咸宁市经信局 2023 年部门预算公开", "咸宁市经信局部门预算公开", 1).encode(),
        "no-year.txt:1: no fiscal year in the title",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD))
async def test_bad_input_names_file_and_line_and_writes_nothing(
    database: Database, tmp_path: Path, name: str
) -> None:
    data, message = BAD[name]
    path = tmp_path / name
    path.write_bytes(data)
    [outcome] = await ingest_files(database, [path], Overrides())
    assert outcome.error is not None
    assert outcome.error.startswith(f"{tmp_path}/{message}")
    assert "Traceback" not in outcome.error
    assert await stored(database) == {
        "Region": 0,
        "Department": 0,
        "Disclosure": 0,
        "BudgetLine": 0,
    }


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("gbk"),
        TEXT.encode("gb18030"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.replace("\n", "\r\n").encode("utf-8"),
        TEXT.replace("\t2798.00\t", "\t2,798.00\t", 1).encode("utf-8"),
    ],
    ids=["gbk", "gb18030", "utf-8 BOM", "CRLF", "thousands separator"],
)
async def test_variants_of_the_seed_read_the_same(
    database: Database, tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "variant.txt"
    path.write_bytes(data)
    [outcome] = await ingest_files(database, [path], Overrides())
    assert outcome.error is None
    assert outcome.loaded is not None
    async with database.session() as session:
        total = await session.scalar(
            select(func.sum(BudgetLine.total)).where(
                BudgetLine.code.between("2150517", "2150517")  # type: ignore[union-attr]
            )
        )
    assert total == seed.fen("2798.00")


async def test_a_bad_file_does_not_stop_the_others(database: Database, tmp_path: Path) -> None:
    (tmp_path / "a-empty.txt").write_bytes(b"")
    (tmp_path / "b-seed.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "notes.csv").write_text("not a document", encoding="utf-8")
    outcomes = await ingest_files(database, [tmp_path], Overrides())
    assert [(o.path.name, o.failed) for o in outcomes] == [
        ("a-empty.txt", True),
        ("b-seed.txt", False),
    ]
    assert (await stored(database))["Disclosure"] == 1


async def test_year_override_loads_a_document_without_one(
    database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "no-year.txt"
    path.write_bytes(BAD["no-year.txt"][0])
    [outcome] = await ingest_files(database, [path], Overrides(fiscal_year=2023))
    assert outcome.loaded is not None
    assert outcome.loaded.status is LoadStatus.NEW


def test_folders_yield_documents_and_missing_paths_say_so(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("x")
    (tmp_path / "a.TXT").write_text("x")
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / "table.csv").write_text("x")
    found = collect_files([tmp_path, tmp_path / "missing.txt"])
    assert found[:2] == [Job(tmp_path / "a.TXT"), Job(tmp_path / "sub" / "b.txt")]
    assert found[2].error == f"{tmp_path / 'missing.txt'}: no such file or folder"  # type: ignore[union-attr]


def test_check_files_writes_nothing_and_finds_what_ingest_finds() -> None:
    [outcome] = check_files([seed.SEED], Overrides(), Catalog.shipped())
    assert outcome.error is None
    assert len(outcome.findings) == len(seed.FINDINGS)


async def test_odd_amounts_in_prose_or_tables_spoil_only_their_file(
    database: Database, tmp_path: Path
) -> None:
    (tmp_path / "a-project.txt").write_text(
        TEXT.replace("经费预算 2300 万元", "经费预算 2300.1234567 万元", 1), encoding="utf-8"
    )
    (tmp_path / "b-huge.txt").write_text(
        TEXT.replace("\t2798.00\t", "\t99999999999999.00\t", 1), encoding="utf-8"
    )
    (tmp_path / "c-seed.txt").write_text(TEXT, encoding="utf-8")
    outcomes = await ingest_files(database, [tmp_path], Overrides())
    assert [o.failed for o in outcomes] == [True, True, False]
    assert "not a whole number of fen" in (outcomes[0].error or "")
    assert f"b-huge.txt:{LINE_2150517}:" in (outcomes[1].error or "")
    assert "larger than the hub can store" in (outcomes[1].error or "")


async def test_many_files_are_read_by_a_worker_and_loaded_in_order(
    database: Database, tmp_path: Path
) -> None:
    from hub.app import ingest

    count = ingest.PARALLEL_FROM + 5
    for number in range(count):
        (tmp_path / f"{number:03d}.txt").write_text(
            seed.variant(str(500 + number)), encoding="utf-8"
        )
    (tmp_path / "020-empty.txt").write_bytes(b"")
    names = sorted([f"{n:03d}.txt" for n in range(count)] + ["020-empty.txt"])
    outcomes = await ingest_files(database, [tmp_path], Overrides())
    assert [o.path.name for o in outcomes] == names
    assert [o.path.name for o in outcomes if o.failed] == ["020-empty.txt"]
    assert (await stored(database))["Disclosure"] == count
    assert {o.summary.department_code for o in outcomes if o.summary} == {
        str(500 + n) for n in range(count)
    }


async def test_pdfs_are_read_by_every_core_and_loaded_in_order(
    database: Database, tmp_path: Path
) -> None:
    from hub.app import ingest
    from tests.parse.pdfs import write_pdf
    from tests.parse.sample_pdf import sample_document

    count = -(-ingest.PARALLEL_FROM // ingest.PDF_WEIGHT)  # just enough to go parallel
    names = [f"上海市普陀区第{n}测试局" for n in range(count)]
    for n, name in enumerate(names):
        write_pdf(tmp_path / f"{n:02d}.pdf", sample_document(department=name))
    (tmp_path / "01-broken.pdf").write_bytes(b"%PDF-1.7\n")
    outcomes = await ingest_files(database, [tmp_path], Overrides())
    assert [o.path.name for o in outcomes] == sorted(
        [f"{n:02d}.pdf" for n in range(count)] + ["01-broken.pdf"]
    )
    assert [o.path.name for o in outcomes if o.failed] == ["01-broken.pdf"]
    assert [o.summary.department for o in outcomes if o.summary] == names
    assert (await stored(database))["Disclosure"] == count


async def test_bytes_already_loaded_are_not_parsed_again(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hub.app import ingest

    [first] = await ingest_files(database, [seed.SEED], Overrides())
    assert first.loaded is not None

    def refuse(*_: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(ingest, "read_bounded", refuse)
    [again] = await ingest_files(database, [seed.SEED], Overrides())
    assert again.loaded is not None
    assert (again.loaded.status, again.loaded.disclosure_id) == (
        LoadStatus.UNCHANGED,
        first.loaded.disclosure_id,
    )
    # With overrides the file may be meant for another department: it is read again.
    with pytest.raises(AssertionError, match="parsed again"):
        await ingest_files(database, [seed.SEED], Overrides(department_name="别的部门"))


def test_a_disclosure_in_two_files_is_paired_and_read_as_one(tmp_path: Path) -> None:
    """Beijing publishes the narrative (附件1, with the cover) and the tables (附件2) apart."""
    names = ["bj-sfj-2026-dept.pdf", "bj-sfj-2026-tables.pdf", "putuo-wanli-2024-budget.pdf"]
    for name in names:
        (tmp_path / name).write_bytes(corpus_file(name, _SHA256[name]).read_bytes())
    assert collect_files([tmp_path]) == [
        Job(tmp_path / "bj-sfj-2026-tables.pdf", tmp_path / "bj-sfj-2026-dept.pdf"),
        Job(tmp_path / "putuo-wanli-2024-budget.pdf"),
    ]
    beijing, putuo = check_files([tmp_path], Overrides(), Catalog.shipped())
    assert beijing.error is None
    assert beijing.summary is not None
    assert (beijing.summary.department, beijing.summary.year) == ("北京市司法局", 2026)
    assert putuo.error is None
    # The tables alone are not a disclosure: no cover says whose they are.
    [alone] = check_files([tmp_path / "bj-sfj-2026-tables.pdf"], Overrides(), Catalog.shipped())
    assert "no department found" in (alone.error or "")


_SHA256 = {
    "bj-sfj-2026-dept.pdf": "68f4235a33f70a6adcc9fc03e08306497157c4e6d59293d2e0663587fde4fcc6",
    "bj-sfj-2026-tables.pdf": "4b5e9abd2b49cb9eb3ee20a9e1fc86e809f650996b91ccf4306b27daf5414dd5",
    "putuo-wanli-2024-budget.pdf": (
        "9cf8afd0f960aea9377ec2d80d8573bb96747e42f0c64046a81f63a2e4af7ce8"
    ),
}


async def test_a_names_only_table_resolves_against_names_other_documents_print(
    database: Database, tmp_path: Path
) -> None:
    """2150599 is in no official list; a loaded disclosure prints it with its name, so a table
    of names alone loaded later finds the code under 21505 (and is told it is not official)."""
    from tests.parse.pdfs import PdfDocument, write_pdf
    from tests.parse.test_layout_family import FIGURES, NAME_HEADER, NAME_WIDTHS, table

    printed = "其他工业和信息产业监管支出"
    coded = tmp_path / "coded.txt"
    coded.write_text(seed.variant("301").replace("2150517\t产业发展", f"2150599\t{printed}"))
    names_only = [[n, t, b, p] for _, n, t, b, p in FIGURES] + [[printed, "10.00", "", "10.00"]]
    document = PdfDocument(
        title="上海市测试局2026年部门预算",
        department="上海市测试局",
        tables=[table(header=NAME_HEADER, widths=NAME_WIDTHS, rows=names_only)],
    )
    pdf = write_pdf(tmp_path / "names.pdf", document)
    outcomes = await ingest_files(database, [coded], Overrides())
    outcomes += await ingest_files(database, [pdf], Overrides(region_name="上海市"))
    assert [o.error for o in outcomes] == [None, None]
    async with database.session() as session:
        rows = await session.execute(
            select(BudgetLine.code, BudgetLine.printed_name)
            .join(Disclosure, Disclosure.id == BudgetLine.disclosure_id)
            .where(Disclosure.source_name == "names.pdf", BudgetLine.printed_name == printed)
        )
        assert rows.all() == [("2150599", printed)]
    rules = {(f.rule, f.code) for f in outcomes[1].findings}
    assert ("catalog.unknown_code", "2150599") in rules  # known by name, not officially
