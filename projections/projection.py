"""What a projection is: a name, the tables it owns, and how it applies a page of events."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar

from psycopg import Cursor


class ProjectionMisconfigured(Exception):
    """A projection was built without what it needs to run: every event would fail alike."""


class Projection(ABC):
    """A read model: applies events to its own tables, inside the engine's transaction."""

    name: ClassVar[str]
    tables: ClassVar[tuple[str, ...]]
    topics: ClassVar[frozenset[str]]
    # The version of the rule its rows depend on, if any (None: rows depend on events only).
    rule_version: str | None = None
    # Tables a rebuild fills stripped of their indexes and keys (see projections/replay.py).
    replay_tables: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Apply events in log order; the engine commits them with the new position."""

    def apply_replay(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Apply events during a rebuild, into the stripped replay tables."""
        self.apply(cursor, events)

    def finish_replay(self, cursor: Cursor[Any]) -> None:
        """Complete what `apply_replay` deferred, once the replay tables have their indexes."""
        return None  # by default nothing is deferred
