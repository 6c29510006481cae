"""The shape the outreach read models share: events applied one by one in log order, the
keys of the members they seal for fetched once per page, and an erasure wiping what was
sealed for the member."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar
from uuid import UUID

from psycopg import Cursor

from domain.members.member import Member
from projections.personal import Keys
from projections.projection import SealingProjection, notification_ids


class SealedInOrder(SealingProjection):
    """A read model of few events (notes, tasks, outreach): one statement each, pipelined."""

    # Run with the member's id when Member.Erased arrives: the key is shredded, so what was
    # sealed under it goes too.
    erase: ClassVar[tuple[str, ...]]

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Each event in log order: written with its member's key, or a member erased."""
        if not events:
            return
        positions = notification_ids(events)
        members = {m for event in events if (m := self.sealed_for(event)) is not None}
        keys = self.personal.writer_keys(members) if members else {}
        with cursor.connection.pipeline():
            for event, position in zip(events, positions, strict=True):
                if type(event) is Member.Erased:
                    for statement in self.erase:
                        cursor.execute(statement, (event.originator_id,))
                else:
                    self.write(cursor, event, position, keys)

    @abstractmethod
    def sealed_for(self, event: Any) -> UUID | None:
        """The member whose key seals this event's values, if it seals any."""

    @abstractmethod
    def write(self, cursor: Cursor[Any], event: Any, position: int, keys: Keys) -> None:
        """Write one event's rows."""
