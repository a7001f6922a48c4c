"""Each layer imports only the layers before it: parse → check → store → query → api → app."""

import ast
from pathlib import Path

import pytest

HUB = Path(__file__).resolve().parent.parent / "hub"
LAYERS = ["parse", "check", "store", "query", "api", "app"]
SHARED = {"catalog", "config", "domain", "money", "resources"}


def _hub_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = (
            [a.name for a in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom) and node.level == 0
            else []
        )
        found.update(n.split(".")[1] for n in names if n.startswith("hub.") and n.count(".") >= 1)
    return found


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
