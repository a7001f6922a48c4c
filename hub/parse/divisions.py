"""Administrative division codes (行政区划代码, GB/T 2260): whether a code can be a real one.

A code is six digits: the province (2), the prefecture within it (2), the county within that
(2); ``00`` stands for the level itself (420000 湖北省, 421200 咸宁市, 421202 咸安区).
"""

from __future__ import annotations

import re

__all__ = ["PROVINCES", "division_code_problem", "province_of"]

PROVINCES: dict[str, str] = {
    "11": "北京市",
    "12": "天津市",
    "13": "河北省",
    "14": "山西省",
    "15": "内蒙古自治区",
    "21": "辽宁省",
    "22": "吉林省",
    "23": "黑龙江省",
    "31": "上海市",
    "32": "江苏省",
    "33": "浙江省",
    "34": "安徽省",
    "35": "福建省",
    "36": "江西省",
    "37": "山东省",
    "41": "河南省",
    "42": "湖北省",
    "43": "湖南省",
    "44": "广东省",
    "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市",
    "51": "四川省",
    "52": "贵州省",
    "53": "云南省",
    "54": "西藏自治区",
    "61": "陕西省",
    "62": "甘肃省",
    "63": "青海省",
    "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省",
    "81": "香港特别行政区",
    "82": "澳门特别行政区",
}
"""The provinces (省级行政区) by the first two digits of their codes."""

WHOLE_ONLY = frozenset({"71", "81", "82"})
"""Provinces coded as a whole only (710000, 810000, 820000): no prefecture codes below them."""

PREFECTURES = range(1, 55)
"""The prefecture digits in use: 01–54 (6543 阿勒泰地区 and 5334 迪庆州 are near the top)."""

PROVINCE_ADMINISTERED = 90
"""The prefecture digits of the counties a province administers itself (4290 省直辖县级)."""

_CODE = re.compile(r"[0-9]{6}")


def division_code_problem(code: str) -> str | None:
    """What makes ``code`` no real administrative division code, or None when it may be one.

    This is a structural check, not a look-up: six digits, the first two a real province's, the
    next two ``00`` (the province itself, then ``0000``), a prefecture number in use (01–54) or
    ``90`` (counties the province administers), the last two any county number. A code of that
    shape that no division bears (429999) passes; one that none can bear (990000, 4212, 42a200,
    425500, 420012) does not.
    """
    if not _CODE.fullmatch(code):
        return "expected six digits, such as 421200"
    province, prefecture, county = code[:2], int(code[2:4]), int(code[4:])
    if province not in PROVINCES:
        return f"no province's code begins with {province}"
    if province in WHOLE_ONLY and code != province + "0000":
        return f"{PROVINCES[province]} has the one code {province}0000"
    if prefecture == 0 and county != 0:
        return "a county's code names its prefecture: digits 3–4 are not 00"
    if prefecture != 0 and prefecture not in PREFECTURES and prefecture != PROVINCE_ADMINISTERED:
        return f"no prefecture is numbered {code[2:4]}, only 01–54 and 90"
    return None


def province_of(region_name: str) -> str | None:
    """The code prefix of the province a region's name begins with (上海市普陀区 → 31)."""
    return next((p for p, name in PROVINCES.items() if region_name.startswith(name)), None)
