"""From a file to a :class:`Document`: pick the layout by content, settle whose budget it is."""

from __future__ import annotations

import re
from dataclasses import fields
from functools import cache
from pathlib import Path
from typing import Protocol

from hub.catalog import Catalog, read_regions
from hub.domain import BudgetTable, SourceFormat
from hub.parse.bounds import ReadingBounds
from hub.parse.divisions import PROVINCES, division_code_problem, province_of
from hub.parse.errors import ParseError
from hub.parse.model import Content, Document, Draft, Identity, Overrides, Source
from hub.parse.pdf import read_pages
from hub.parse.pdf_layout import looks_like_pdf_layout, parse_pdf_layout, titles
from hub.parse.source import read_source
from hub.parse.text_layout import looks_like_text_layout, parse_text_layout

__all__ = ["LAYOUTS", "Layout", "PdfLayout", "TextLayout", "parse_document", "read_document"]

_REGION = re.compile(r"^(.{2,8}?[省市州盟])(.{1,4}?[区县旗])?")


def read_document(
    path: Path,
    overrides: Overrides | None = None,
    narrative: Path | None = None,
    catalog: Catalog | None = None,
    bounds: ReadingBounds | None = None,
) -> Document:
    """Read, decode and parse the file at ``path``; ``narrative`` is the disclosure's other
    file where it is published as two (the tables in ``path``, the cover and prose there).
    A file larger, or a PDF longer or busier, than ``bounds`` allow is refused; the time and
    memory it may take are bounded by :func:`hub.parse.worker.read_bounded`."""
    bounds = bounds or ReadingBounds()
    companion = read_source(narrative, bounds) if narrative else None
    return parse_document(
        read_source(path, bounds), overrides or Overrides(), companion, catalog, bounds
    )


def parse_document(
    source: Source,
    overrides: Overrides | None = None,
    narrative: Source | None = None,
    catalog: Catalog | None = None,
    bounds: ReadingBounds | None = None,
) -> Document:
    """Parse a decoded source with the layout that recognises it; names printed without codes
    resolve through ``catalog`` (the shipped one where none is given); a PDF is read within
    ``bounds``."""
    overrides = overrides or Overrides()
    layouts = LAYOUTS if bounds is None else (PdfLayout(bounds), TextLayout())
    layout = next((layout for layout in layouts if layout.detect(source)), None)
    if layout is None:
        raise ParseError(
            source.name,
            None,
            "unrecognised layout: expected a budget disclosure with tab-separated tables "
            "under titles such as 一般公共预算支出表",
        )
    if narrative is not None and (
        source.format is not SourceFormat.PDF or narrative.format is not SourceFormat.PDF
    ):
        raise ParseError(source.name, None, "only PDFs are read as a pair of files")
    draft = layout.read(source, narrative, catalog or _shipped_catalog())
    if not _FUNCTIONAL & set(draft.tables):
        recognised = ", ".join(t.value for t in draft.tables) or "none"
        raise ParseError(
            source.name,
            draft.last_line,
            f"no functional table (一般公共预算支出表 or 财政拨款支出表) found; tables recognised: "
            f"{recognised}: is the document truncated, or not a budget disclosure?",
        )
    content = {f.name: getattr(draft, f.name) for f in fields(Content)}
    return Document(
        source=source,
        identity=_identity(source, draft, overrides),
        narrative=narrative,
        **content,
    )


class Layout(Protocol):
    """A family of documents the hub reads: how to tell one, and how to read it into a draft.
    A province that prints the standard tables in a new way needs new vocabulary
    (:mod:`hub.parse.vocabulary`), at most a layout of its own here."""

    def detect(self, source: Source) -> bool: ...

    def read(self, source: Source, narrative: Source | None, catalog: Catalog) -> Draft: ...


class TextLayout:
    """The text PDF conversion produces: tab-separated tables under Markdown-like headings."""

    def detect(self, source: Source) -> bool:
        return source.format is not SourceFormat.PDF and looks_like_text_layout(source.text)

    def read(self, source: Source, narrative: Source | None, catalog: Catalog) -> Draft:
        return parse_text_layout(source)


class PdfLayout:
    """A PDF of ruled tables under their titles, any province's (:mod:`hub.parse.pdf_layout`),
    its pages no more, and drawing no more, than ``bounds`` allow."""

    def __init__(self, bounds: ReadingBounds | None = None) -> None:
        self.bounds = bounds or ReadingBounds()

    def detect(self, source: Source) -> bool:
        return source.format is SourceFormat.PDF

    def read(self, source: Source, narrative: Source | None, catalog: Catalog) -> Draft:
        pages = read_pages(source, self.bounds)
        if not any(page.lines or page.grids for page in pages):
            raise ParseError(
                source.name,
                None,
                "the PDF has no text layer (a scanned document?): nothing to read",
            )
        found = titles(pages)
        finals = [t for t in found if "决算" in t]
        if finals and not looks_like_pdf_layout(pages):
            raise ParseError(
                source.name,
                None,
                "a final account (决算), not a budget (预算): final accounts are not read yet "
                f"(tables such as {finals[0].strip()!r})",
            )
        if not looks_like_pdf_layout(pages):
            seen = "; ".join(dict.fromkeys(t.strip() for t in found[:5])) or "none"
            raise ParseError(
                source.name,
                None,
                f"not a budget disclosure the reader knows: tables recognised: none of the "
                f"standard ones (titles seen: {seen}); not found: 收支总表, 一般公共预算支出表, "
                "一般公共预算基本支出表, “三公”经费支出表",
            )
        prose = read_pages(narrative, self.bounds) if narrative else None
        return parse_pdf_layout(source, pages, catalog, prose)


LAYOUTS: tuple[Layout, ...] = (PdfLayout(), TextLayout())
"""The layouts, asked in order."""

_CENTRAL = ("国家", "中华人民共和国", "中央")
_FUNCTIONAL = {BudgetTable.GENERAL_FUNCTIONAL, BudgetTable.FISCAL_FUNCTIONAL}


@cache
def _shipped_catalog() -> Catalog:
    return Catalog.shipped()


def _identity(source: Source, draft: Draft, overrides: Overrides) -> Identity:
    printed = draft.department_name
    units = draft.units
    title, fiscal_year, scope = draft.title, draft.fiscal_year, overrides.scope or draft.scope
    code = overrides.department_code or draft.department_code
    name = overrides.department_name or printed
    if not name:
        raise ParseError(
            source.name,
            1,
            "no department found: expected a department row such as "
            "'209  咸宁市经济和信息化局' in table 5, or pass --department-name",
        )
    if overrides.fiscal_year is not None and fiscal_year is not None:
        _refuse_unforced(overrides, source, _year_contradiction(title, fiscal_year, overrides))
    year = overrides.fiscal_year or fiscal_year
    if year is None:
        raise ParseError(
            source.name,
            1,
            f"no fiscal year in the title {title!r}: expected one such "
            "as '咸宁市经信局 2023 年部门预算公开', or pass --year",
        )
    regions = [_REGION.match(n) for n in (printed, name) if n]
    region_name = overrides.region_name or next((r.group(0) for r in regions if r), None)
    if region_name is None and name.startswith(_CENTRAL):
        region_name = "中央"  # a central department (国家信访局): the central government's budget
    if not region_name:
        raise ParseError(
            source.name,
            1,
            f"cannot tell the region from the department name {name!r}: pass --region-name",
        )
    known = {region.name: region.code for region in read_regions()}
    if overrides.region_code is not None:
        _refuse_unforced(
            overrides, source, _code_contradiction(overrides.region_code, region_name, known)
        )
    return Identity(
        fiscal_year=year,
        region_name=region_name,
        region_code=overrides.region_code or known.get(region_name),
        department_code=code,
        department_name=name,
        units=units,
        scope=scope,
    )


def _refuse_unforced(overrides: Overrides, source: Source, contradiction: str | None) -> None:
    """Refuse an override that contradicts the document, unless ``--force`` was given."""
    if contradiction is not None and not overrides.force:
        raise ParseError(source.name, 1, contradiction)


def _year_contradiction(title: str, stated: int, overrides: Overrides) -> str | None:
    year = overrides.fiscal_year
    if year == stated:
        return None
    where = f"the title states {stated} ({title!r})"
    if str(stated) not in title:  # the year of a file of tables alone is in its tables' titles
        where = f"its tables' titles state {stated} (the title: {title!r})"
    return f"{where}, --year {year} contradicts it: pass --force to read it as {year}"


def _code_contradiction(code: str, region: str, known: dict[str, str]) -> str | None:
    """Why ``--region-code`` cannot be the code of ``region``, or None."""
    problem = division_code_problem(code)
    if problem is not None:
        reason = f"is not an administrative division code ({problem})"
    elif known.get(region, code) != code:
        reason = f"contradicts {region}'s code, {known[region]}"
    elif (province := province_of(region)) is not None and not code.startswith(province):
        reason = f"is not in {PROVINCES[province]} (codes {province}xxxx), where {region} lies"
    else:
        return None
    return f"--region-code {code} {reason}: pass --force to take it as {region}'s code"
