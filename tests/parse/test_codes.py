"""Printed codes: a code is never guessed, least of all from one that is no code at all."""

import pytest

from hub.catalog import Catalog
from hub.domain import Scheme
from hub.parse.codes import AmbiguousCode, ClassificationContext


@pytest.fixture
def context() -> ClassificationContext:
    walked = ClassificationContext(Scheme.FUNCTIONAL, Catalog.shipped())
    assert walked.resolve("215", "资源勘探工业信息等支出").code == "215"
    assert walked.resolve("21505", "工业和信息产业监管").code == "21505"
    return walked


@pytest.mark.parametrize("printed", ["21505170", "2150", "215051701", "215 05 170"])
def test_digits_that_are_no_code_leave_the_table_unread(
    context: ClassificationContext, printed: str
) -> None:
    """Its name (产业发展, under 21505) would find 2150517; the printed code says otherwise."""
    with pytest.raises(AmbiguousCode) as refused:
        context.resolve(printed, "产业发展")
    assert str(refused.value) == (
        f"code {printed!r} is no code of 3, 5 or 7 digits (类, 款, 项): which one is meant is "
        "not certain"
    )


@pytest.mark.parametrize("printed", ["2150517", "215 05 17", "[2150517]"])
def test_a_code_in_any_printed_form_reads(context: ClassificationContext, printed: str) -> None:
    assert context.resolve(printed, "产业发展").code == "2150517"


def test_a_name_printed_in_the_code_column_still_resolves_by_name(
    context: ClassificationContext,
) -> None:
    resolved = context.resolve("产业发展", "产业发展")
    assert (resolved.code, resolved.matched_by_name) == ("2150517", True)
