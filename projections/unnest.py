"""Rows turned into one list per column: how a page's rows travel to unnest() in one statement."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def as_columns(rows: Iterable[tuple[Any, ...]], width: int) -> tuple[list[Any], ...]:
    """Rows turned into one list per column (for unnest)."""
    found = list(rows)
    return tuple([row[i] for row in found] for i in range(width))
