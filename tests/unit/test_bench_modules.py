"""Every benchmark module imports: a broken import would otherwise surface only in a full run."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import bench

MODULES = sorted(info.name for info in pkgutil.iter_modules(bench.__path__, "bench."))


def test_the_harness_has_modules() -> None:
    assert "bench.run" in MODULES and "bench.machine" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_the_module_imports(name: str) -> None:
    assert importlib.import_module(name).__name__ == name
