"""What a projection is: a name, the tables it owns, and how it applies a page of events."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from psycopg import Cursor

if TYPE_CHECKING:
    from projections.personal import PersonalData
    from projections.plain_events import LogSpan


class ProjectionMisconfigured(Exception):
    """A projection was built without what it needs to run: every event would fail alike."""


class LoggedEvents(list[Any]):
    """A page's decoded events, with the notification id of each, as the engine hands them.

    Most projections read only the events; a read model that records where in the log each
    row last changed (a change feed) reads `notification_ids` too (see `notification_ids`).
    """

    def __init__(self, events: Iterable[Any], notification_ids: Iterable[int]) -> None:
        super().__init__(events)
        self.notification_ids = [int(n) for n in notification_ids]


def notification_ids(events: Sequence[Any]) -> list[int]:
    """The notification id of each event of a page, in the same order.

    Raised as misconfiguration (never parked) when the events did not come from the engine.
    """
    found = getattr(events, "notification_ids", None)
    if found is None or len(found) != len(events):
        raise ProjectionMisconfigured("this projection needs the engine's notification ids")
    return list(found)


class Projection(ABC):
    """A read model: applies events to its own tables, inside the engine's transaction."""

    name: ClassVar[str]
    tables: ClassVar[tuple[str, ...]]
    topics: ClassVar[frozenset[str]]
    # The version of the rule its rows depend on, if any (None: rows depend on events only).
    rule_version: str | None = None
    # Tables a rebuild fills stripped of their indexes and keys (see projections/replay.py).
    replay_tables: ClassVar[tuple[str, ...]] = ()
    # Keys and indexes of those tables that the replay itself reads: kept.
    replay_keeps: ClassVar[frozenset[str]] = frozenset()
    # Topics whose plain events a rebuild reads in SQL, never decoded (plain_events.py);
    # with `plain_sealed_too`, sealed ones too (the projection reads none of their sealed
    # fields). A projection with either rebuilds in replay mode.
    plain_topics: ClassVar[frozenset[str]] = frozenset()
    plain_sealed_too: ClassVar[bool] = False
    # Its commits are announced for live updates (projections/live.py): only the read
    # models that GraphQL subscriptions follow pay for the NOTIFY.
    announced: ClassVar[bool] = False

    @abstractmethod
    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Apply events in log order; the engine commits them with the new position."""

    def apply_replay(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Apply events during a rebuild, into the stripped replay tables."""
        self.apply(cursor, events)

    def apply_replay_span(self, cursor: Cursor[Any], events: Sequence[Any], span: LogSpan) -> None:
        """Apply a rebuild's page: the span's plain events read in SQL, `events` the others."""
        raise ProjectionMisconfigured(f"{self.name} names plain topics but cannot read them")

    def finish_replay(self, cursor: Cursor[Any]) -> None:
        """Complete what `apply_replay` deferred, once the replay tables have their indexes."""
        return None  # by default nothing is deferred


class SealingProjection(Projection):
    """A read model that seals personal values under the members' keys: it runs only with
    them, though it may be built without them where it is only named."""

    def __init__(self, personal: PersonalData | None = None) -> None:
        # None only where the projection is named, not run (e.g. listing projections).
        self._personal = personal

    @property
    def personal(self) -> PersonalData:
        """The member keys it seals (and computes blind indexes) with."""
        if self._personal is None:
            raise ProjectionMisconfigured(
                f"the {self.name} projection runs only with the member keys"
            )
        return self._personal
