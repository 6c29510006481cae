"""The domain imports no persistence from eventsourcing: what import-linter cannot see.

import-linter (`lint-imports`, contracts in pyproject.toml) checks the layers, the contexts, the
cycles and the libraries each layer may use; it sees external packages only by their top-level
name, so the split inside eventsourcing (domain model versus application and persistence) is
checked here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What each layer must never import from eventsourcing: the domain stays free of storage.
FORBIDDEN = {
    "domain": {
        "eventsourcing.application",
        "eventsourcing.postgres",
        "eventsourcing.persistence",
    },
}


def imported_modules(path: Path) -> set[str]:
    """Every module a source file imports."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_nothing_outward(layer: str) -> None:
    files = sorted((ROOT / layer).rglob("*.py"))
    assert files, f"no sources found for {layer}"
    violations = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in files
        for module in imported_modules(path)
        if any(module == bad or module.startswith(bad + ".") for bad in FORBIDDEN[layer])
    ]
    assert violations == []
