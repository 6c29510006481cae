"""A page cut at its merge events: read models that re-derive persons apply them apart."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def runs_between(events: Sequence[Any], kinds: tuple[type, ...]) -> list[tuple[list[Any], Any]]:
    """The page cut at each event of `kinds`: (events before it, that event or None)."""
    runs: list[tuple[list[Any], Any]] = []
    run: list[Any] = []
    for event in events:
        if type(event) in kinds:
            runs.append((run, event))
            run = []
        else:
            run.append(event)
    runs.append((run, None))
    return runs
