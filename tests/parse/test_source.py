import codecs

import pytest

from hub.parse.errors import ParseError
from hub.parse.source import decode

TEXT = "# 咸宁市经信局 2023 年部门预算公开\n单位：万元\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("gbk"),
        TEXT.encode("gb18030"),
        TEXT.encode("utf-16"),
    ],
    ids=["utf-8", "utf-8 with BOM", "gbk", "gb18030", "utf-16"],
)
def test_encodings_read_alike(data: bytes) -> None:
    assert decode("seed.txt", data) == TEXT


@pytest.mark.parametrize("data", [b"", b"   \n\n"])
def test_an_empty_file_is_refused(data: bytes) -> None:
    with pytest.raises(ParseError, match=r"^seed\.txt: the file is empty"):
        decode("seed.txt", data)


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n\x00\x01\x02binary", bytes(range(256)) * 4, b"\x89PNG\r\n\x1a\n" + bytes(300)],
)
def test_a_binary_file_is_refused(data: bytes) -> None:
    with pytest.raises(ParseError, match=r"binary file|cannot decode"):
        decode("seed.txt", data)
