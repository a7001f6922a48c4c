"""The real disclosures in ../shared/corpus, read in place: nothing of them is copied here.

Tests that need them skip, saying why, where the folder is absent (a clone on its own);
HUB_CORPUS_DIR points elsewhere.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from tests.parse.corpus_figures import CORPUS

CORPUS_DIR = Path(
    os.environ.get("HUB_CORPUS_DIR", Path(__file__).resolve().parents[2] / "shared" / "corpus")
)
NAMES = sorted(CORPUS)


IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def corpus_file(name: str, sha256: str | None = None) -> Path:
    """The corpus PDF ``name``; skips the test, saying why, where it is not here (and fails
    under CI, which always has the corpus beside the clone)."""
    path = CORPUS_DIR / name
    if not path.is_file():
        message = (
            f"corpus PDF {name} is not in {CORPUS_DIR}: these tests read the real "
            "disclosures in place; set HUB_CORPUS_DIR to the folder that holds them"
        )
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    expected = sha256 or CORPUS[name]["sha256"]
    assert digest == expected, f"{path} is not the published file the figures fit"
    return path
