"""Uploads as they arrive: what a sent file name becomes on disk."""

import pytest

from hub.app.uploads import safe_name


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("budget.pdf", "budget.pdf"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\docs\\预算.PDF", "预算.pdf"),
        ("..pdf", "upload.pdf"),
        (".hidden.txt", "hidden.txt"),
        ("a\x00b\nc.txt", "abc.txt"),
        ("长" * 200 + ".pdf", "长" * 65 + ".pdf"),
    ],
)
def test_a_sent_file_name_is_reduced_to_a_safe_base_name(sent: str, kept: str) -> None:
    assert safe_name(sent) == kept
