"""Each layer imports only the layers before it: parse → check → store → query → api → app."""

import ast
from pathlib import Path

import pytest

HUB = Path(__file__).resolve().parent.parent / "hub"
LAYERS = ["parse", "check", "store", "query", "api", "app"]
SHARED = {"catalog", "config", "domain", "money", "resources"}


def _hub_imports(path: Path) -> set[str]:
    """The parts of the hub a module imports: ``hub.store.x``, ``from hub import store``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: relative import; write it from hub.…")
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module == "hub":
            names = [f"hub.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        found.update(n.split(".")[1] for n in names if n.startswith("hub."))
    return found - {"__version__"}


@pytest.mark.parametrize("layer", LAYERS)
def test_a_layer_imports_only_earlier_layers(layer: str) -> None:
    allowed = SHARED | set(LAYERS[: LAYERS.index(layer) + 1])
    for path in (HUB / layer).rglob("*.py"):
        wrong = _hub_imports(path) - allowed
        assert not wrong, f"{path.relative_to(HUB)} imports {sorted(wrong)}"


@pytest.mark.parametrize("module", sorted(SHARED))
def test_shared_modules_import_no_layer(module: str) -> None:
    assert not _hub_imports(HUB / f"{module}.py") & set(LAYERS)


def test_every_module_belongs_somewhere() -> None:
    top = {p.stem for p in HUB.glob("*.py")} - {"__init__", "__main__"}
    assert top == SHARED
    assert {p.name for p in HUB.iterdir() if p.is_dir() and p.name != "__pycache__"} == set(LAYERS)


def test_the_check_sees_every_form_of_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from hub import app\nimport hub.api.schema\nfrom hub.store import load\n")
    assert _hub_imports(module) == {"app", "api", "store"}
    module.write_text("from . import sibling\n")
    with pytest.raises(AssertionError, match="relative import"):
        _hub_imports(module)
