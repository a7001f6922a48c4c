"""The figures of the real budget documents in ../shared/corpus, one module a document.

Each module holds ``FIGURES``, read off the PDF by a person with one extraction (pdftotext
-layout) and cross-checked with a second (pdfplumber's text), in the form FORMAT.md describes.
The reader's output is compared with them row by row and column by column.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

FIGURES: dict[str, dict[str, Any]] = {
    module.name: importlib.import_module(f"{__name__}.{module.name}").FIGURES
    for module in pkgutil.iter_modules(__path__)
}
"""Every document's figures, by module name (gz_tjj_2026_dept)."""
