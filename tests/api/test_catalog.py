"""`subject`: the official catalog, and what the documents loaded print where it has no entry."""

from __future__ import annotations

from typing import Any

from hub.store.engine import Database
from tests import seed
from tests.api.ask import ask, post

# The seed prints 2150517 产业发展 once, in table 5; its variants print a code the catalog lacks.
PRINTED = "2150517\t产业发展"
NEW_CODE = "2150599"
FULL_NAME = "其他工业和信息产业监管支出"
CUT_SHORT = "其他工业和信息产业监"  # as a narrow column prints it


async def _load(database: Database, code: str, printed: str) -> None:
    text = seed.variant(code).replace(PRINTED, printed)
    assert printed in text
    await seed.load_text(database, text)


SUBJECT = """{ subject(scheme: FUNCTIONAL, code: "%s", year: %d) {
    code name level source validFrom validTo seenIn { departments regions } printedNames
    parent { code source } } }"""


async def test_a_code_the_catalog_lacks_is_named_as_most_issuers_print_it_in_full(
    database: Database,
) -> None:
    await _load(database, "301", f"{NEW_CODE}\t{CUT_SHORT}")
    await _load(database, "302", f"{NEW_CODE}\t{CUT_SHORT}")
    await _load(database, "303", f"{NEW_CODE}\t{FULL_NAME}")
    found = (await ask(database, SUBJECT % (NEW_CODE, 2023)))["subject"]
    # Two issuers print it cut short, one in full: the cut-short name is never chosen.
    assert found == {
        "code": NEW_CODE,
        "name": FULL_NAME,
        "level": "ITEM",
        "source": "OBSERVED",
        "validFrom": 2023,
        "validTo": 2023,
        "seenIn": {"departments": 3, "regions": 1},
        "printedNames": [CUT_SHORT, FULL_NAME],
        "parent": {"code": "21505", "source": "OFFICIAL"},
    }
    # Another year, nobody printed it: nothing.
    assert (await ask(database, SUBJECT % (NEW_CODE, 2024)))["subject"] is None


async def test_the_official_name_beats_what_documents_print(database: Database) -> None:
    await _load(database, "301", "2150517\t产业发")
    await _load(database, "302", "2150517\t产业发")
    found = (await ask(database, SUBJECT % ("2150517", 2023)))["subject"]
    assert (found["name"], found["source"]) == ("产业发展", "OFFICIAL")
    assert found["seenIn"] == {"departments": 2, "regions": 1}
    assert found["printedNames"] == ["产业发"]


async def test_children_are_official_and_observed(database: Database) -> None:
    await _load(database, "301", f"{NEW_CODE}\t{FULL_NAME}")
    found = await ask(
        database,
        '{ subject(scheme: FUNCTIONAL, code: "21505", year: 2023) { children { code source } } }',
    )
    children = [(c["code"], c["source"]) for c in found["subject"]["children"]]
    assert (NEW_CODE, "OBSERVED") in children
    assert ("2150517", "OFFICIAL") in children  # the catalog's, though this document omits it
    assert children == sorted(children)


async def test_a_year_outside_every_entrys_validity_answers_null(database: Database) -> None:
    data = await ask(
        database,
        """{ early: subject(scheme: FUNCTIONAL, code: "201", year: 1990) { name }
            renamed: subject(scheme: FUNCTIONAL, code: "210", year: 2018) { name source }
            now: subject(scheme: FUNCTIONAL, code: "210", year: 2023) { name source } }""",
    )
    assert data["early"] is None
    assert data["renamed"] == {"name": "医疗卫生与计划生育支出", "source": "OFFICIAL"}
    assert data["now"] == {"name": "卫生健康支出", "source": "OFFICIAL"}


SUBJECTS = """query($under: String, $search: String, $after: String, $first: Int!) {
    subjects(scheme: FUNCTIONAL, year: 2023, under: $under, search: $search, after: $after,
             first: $first) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { code name source } } } }"""


async def _subjects(database: Database, **variables: Any) -> dict[str, Any]:
    return await post(database, SUBJECTS, **{"first": 20, **variables})


async def test_subjects_under_a_code_by_code_and_by_name(database: Database) -> None:
    await _load(database, "301", f"{NEW_CODE}\t{CUT_SHORT}")
    under = (await _subjects(database, under="215"))["data"]["subjects"]
    codes = [e["node"]["code"] for e in under["edges"]]
    assert codes == sorted(codes)
    assert all(c.startswith("215") and c != "215" for c in codes)
    assert {"21505", "2150517", NEW_CODE} <= set(codes)
    observed = next(e["node"] for e in under["edges"] if e["node"]["code"] == NEW_CODE)
    # The only name printed, cut short or not, is the name.
    assert observed == {"code": NEW_CODE, "name": CUT_SHORT, "source": "OBSERVED"}
    # By a piece of a name (official, or as printed), or by a code prefix.
    by_name = (await _subjects(database, search="信息产业"))["data"]["subjects"]
    assert {e["node"]["code"] for e in by_name["edges"]} >= {"21505", NEW_CODE}
    by_code = (await _subjects(database, search="21505"))["data"]["subjects"]
    assert all(e["node"]["code"].startswith("21505") for e in by_code["edges"])


async def test_subjects_in_pages(database: Database) -> None:
    first = (await _subjects(database, under="201", first=2))["data"]["subjects"]
    assert len(first["edges"]) == 2
    assert first["pageInfo"]["hasNextPage"]
    rest = await _subjects(database, under="201", first=100, after=first["pageInfo"]["endCursor"])
    codes = [e["node"]["code"] for e in first["edges"] + rest["data"]["subjects"]["edges"]]
    assert len(codes) == first["totalCount"] == len(set(codes))


async def test_a_code_of_another_shape_is_a_user_error(database: Database) -> None:
    body = await _subjects(database, under="21")
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["path"] == ["subjects"]


async def test_observations_belong_to_the_version_that_printed_them(database: Database) -> None:
    """A corrected re-publication that no longer prints the code takes its observation away."""
    await _load(database, "301", f"{NEW_CODE}\t{FULL_NAME}")
    assert (await ask(database, SUBJECT % (NEW_CODE, 2023)))["subject"]["source"] == "OBSERVED"
    corrected = seed.variant("301", **{"2150517": "2798.00"}).replace("产业发展", "产业发展 ")
    await seed.load_text(database, corrected)  # other bytes: version 2 supersedes version 1
    assert (await ask(database, SUBJECT % (NEW_CODE, 2023)))["subject"] is None
