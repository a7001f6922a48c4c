"""A synthetic corpus in the seed's text layout: regions × departments × years, deterministic.

Codes come from the shipped catalog; every subtotal is the sum of its rows, except in a chosen
share of documents where one printed subtotal is off by 0.01 (a rounding finding). A chosen
share of department-years also get a corrected second version that supersedes the first.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from hub.catalog import Catalog, read_catalog
from hub.domain import Scheme

__all__ = ["SIZES", "Document", "Size", "generate", "write_corpus"]

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Size:
    regions: int
    departments: int
    years: tuple[int, ...]

    @property
    def documents(self) -> int:
        return self.regions * self.departments * len(self.years)


SIZES = {
    "small": Size(regions=1, departments=25, years=(2022, 2023)),
    "city": Size(regions=2, departments=250, years=(2022, 2023)),
    "province": Size(regions=20, departments=500, years=(2022, 2023)),
}
"""Documents before corrections: small 50, city 1,000, province 20,000."""


@dataclass(frozen=True)
class Document:
    name: str
    text: str
    lines: int


def _tree(catalog: list[tuple[str, str]], rng: random.Random) -> list[tuple[str, str]]:
    """A random subtree of the catalog: some 类, and under each the 款 and 项 it has."""
    by_parent: dict[str | None, list[tuple[str, str]]] = {}
    for code, name in catalog:
        by_parent.setdefault(code[:-2] if len(code) > 3 else None, []).append((code, name))
    chosen: list[tuple[str, str]] = []

    def walk(node: tuple[str, str]) -> None:
        chosen.append(node)
        for child in by_parent.get(node[0], []):
            if len(child[0]) == 5 or rng.random() < 0.8:
                walk(child)

    with_children = [c for c in by_parent[None] if c[0] in by_parent]
    others = [c for c in by_parent[None] if c[0] not in by_parent]
    for root in sorted(with_children + rng.sample(others, k=min(3, len(others)))):
        walk(root)
    return chosen


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` cents in ``parts`` random non-negative whole-cent parts that add up exactly."""
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def _leaves(tree: list[tuple[str, str]]) -> list[str]:
    return [c for c, _ in tree if not any(o != c and o.startswith(c) for o, _ in tree)]


def _roll_up(tree: list[tuple[str, str]], leaf_cents: dict[str, list[int]]) -> dict[str, list[int]]:
    """Every node's columns: the sum of its leaves'."""
    width = len(next(iter(leaf_cents.values())))
    sums = {c: [0] * width for c, _ in tree}
    for leaf, cents in leaf_cents.items():
        for code in sums:
            if leaf.startswith(code):
                sums[code] = [a + b for a, b in zip(sums[code], cents, strict=True)]
    return sums


def _money(cents: int) -> str:
    return f"{Decimal(cents) * CENT:.2f}"


def _blank(cents: int) -> str:
    return "" if cents == 0 else _money(cents)


def _document(
    region: str,
    department: int,
    year: int,
    version: int,
    catalogs: dict[Scheme, list[tuple[str, str]]],
    seed: int,
    rounding: bool,
) -> Document:
    rng = random.Random(seed)
    code = f"{department:03d}"
    name = f"{region}第{department}局"
    functional = _tree(catalogs[Scheme.FUNCTIONAL], rng)
    # Each leaf: personnel, operating, project (cents); a third of the leaves are projects only.
    leaf_cents = {}
    for leaf in _leaves(functional):
        if rng.random() < 0.33:
            leaf_cents[leaf] = [0, 0, rng.randint(1, 300_000_00)]
        else:
            leaf_cents[leaf] = [rng.randint(1, 80_000_00), rng.randint(0, 20_000_00), 0]
    if version > 1:  # the correction adds 1.00 万元 of project money to the last leaf
        leaf_cents[max(leaf_cents)][2] += 100
    sums = _roll_up(functional, leaf_cents)
    personnel, operating, project = (sum(c[i] for c in leaf_cents.values()) for i in range(3))
    basic, total = personnel + operating, personnel + operating + project

    # Table 6: personnel over 301 and 303, operating over 302 and 310, each class's 款 summing up.
    economic: list[tuple[str, str]] = []
    section_cents: dict[str, list[int]] = {}
    for classes, amount in ((("301", "303"), personnel), (("302", "310"), operating)):
        shares = _split(amount, len(classes), rng)
        for klass, share in zip(classes, shares, strict=True):
            sections = [
                e
                for e in catalogs[Scheme.DEPARTMENTAL_ECONOMIC]
                if len(e[0]) == 5 and e[0].startswith(klass)
            ]
            picked = sorted(rng.sample(sections, k=min(len(sections), rng.randint(4, 12))))
            economic.append(
                next(e for e in catalogs[Scheme.DEPARTMENTAL_ECONOMIC] if e[0] == klass)
            )
            economic.extend(picked)
            for (section, _), cents in zip(picked, _split(share, len(picked), rng), strict=True):
                section_cents[section] = [cents]
    economic.sort()
    e_sums = _roll_up(economic, section_cents)

    printed = {c: list(v) for c, v in sums.items()}
    if rounding:  # one class prints its total 0.01 short: a rounding finding, not an error
        printed[next(c for c, _ in functional if len(c) == 3)][0] -= 1

    def t5(label_code: str, label: str, cents: list[int], total_cents: int | None = None) -> str:
        p, o, j = cents
        row_total = p + o + j if total_cents is None else total_cents
        return "\t".join(
            [label_code, label, _money(row_total), _blank(p + o), _blank(p), _blank(o), _blank(j)]
        )

    lines = [
        f"# {name} {year} 年部门预算公开",
        "",
        "## 目 录",
        "",
        "一、部门收支总表",
        "五、一般公共预算支出表(按功能科目到项级)",
        "六、一般公共预算基本支出表(按经济科目到款级)",
        "",
        "## 第三部分 预算表",
        "",
        "表 1：部门收支总表",
        "单位：万元",
        "收入\t\t支出\t",
        "项目\t预算数\t项目（按经济分类）\t预算数",
        f"一、一般公共预算拨款\t{_money(total)}\t一、基本保障支出\t{_money(basic)}",
        f"本级一般公共预算拨款\t{_money(total)}\t人员经费支出\t{_money(personnel)}",
        f"\t\t标准公用经费支出\t{_money(operating)}",
        f"\t\t二、项目支出\t{_money(project)}",
        f"本年收入合计：\t{_money(total)}\t本年支出合计：\t{_money(total)}",
        f"收入总计：\t{_money(total)}\t支出总计\t{_money(total)}",
        "",
        "表 5: 一般公共预算支出表",
        "单位：万元",
        "单位编码\t单位名称（科目）\t合计\t基本保障支出\t\t\t项目支出",
        "\t\t\t小计\t人员经费支出\t标准公用经费支出\t",
        "*\t*\t1\t2\t3\t4\t5",
        t5("", "合计", [personnel, operating, project]),
        t5(code, name, [personnel, operating, project]),
        t5(f"{code}001", f"{name}本级", [personnel, operating, project]),
    ]
    for c, n in functional:
        cents = sums[c]
        lines.append(t5(c, n, cents, printed[c][0] + cents[1] + cents[2] if c in printed else None))
    lines += [
        "",
        "表 6: 一般公共预算基本支出表",
        "单位：万元",
        "单位编码\t单位名称 (科目)\t合计",
        "*\t*\t1",
    ]
    lines += [
        f"\t合计\t{_money(basic)}",
        f"{code}\t{name}\t{_money(basic)}",
        f"{code}001\t{name}本级\t{_money(basic)}",
    ]
    lines += [f"{c}\t{n}\t{_money(e_sums[c][0])}" for c, n in economic]
    lines.append("")
    suffix = f"-v{version}" if version > 1 else ""
    budget_lines = 3 + len(functional) + 3 + len(economic) + 10  # table 1 has ten items
    return Document(f"{region}-{code}-{year}{suffix}.txt", "\n".join(lines) + "\n", budget_lines)


def generate(
    size: Size, seed: int = 1, rounding_share: float = 0.1, superseded_share: float = 0.05
) -> Iterator[Document]:
    """Every document of a size, in loading order (a correction after what it corrects)."""
    entries = read_catalog()
    year = max(size.years)
    catalog = Catalog(entries)
    catalogs = {
        scheme: sorted(
            (row.code, row.name)
            for row in entries
            if row.scheme is scheme
            and row.valid_in(year)
            and catalog.entry(scheme, row.code, year) == row
        )
        for scheme in (Scheme.FUNCTIONAL, Scheme.DEPARTMENTAL_ECONOMIC)
    }
    rng = random.Random(seed)
    regions = ["咸宁市"] + [f"测试{n}市" for n in range(1, size.regions)]
    for region in regions:
        for department in range(100, 100 + size.departments):
            for year in size.years:
                document_seed = rng.randrange(2**32)
                rounding = rng.random() < rounding_share
                yield _document(region, department, year, 1, catalogs, document_seed, rounding)
                if rng.random() < superseded_share:
                    yield _document(region, department, year, 2, catalogs, document_seed, rounding)


def write_corpus(size: Size, folder: Path, seed: int = 1) -> tuple[int, int]:
    """Write the corpus; (documents, budget lines)."""
    folder.mkdir(parents=True, exist_ok=True)
    documents = lines = 0
    for document in generate(size, seed):
        (folder / document.name).write_text(document.text, encoding="utf-8")
        documents += 1
        lines += document.lines
    return documents, lines
