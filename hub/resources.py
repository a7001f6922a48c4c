"""Where the hub's own data files are: the migrations and the fixtures."""

from __future__ import annotations

from pathlib import Path

__all__ = ["resource_dir"]

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The ``migrations`` or ``fixtures`` folder.

    A wheel carries them inside the package (``hub/_bundled``); a source checkout or an
    editable install has them at the repository root, beside ``hub/``.
    """
    for candidate in (_PACKAGE / "_bundled" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the hub's {name} folder is missing from the installation")
