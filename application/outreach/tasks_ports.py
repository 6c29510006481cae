"""What a follow-up task may be linked to, as a port the composition root fills."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID


class LinkedRecords(Protocol):
    """The records of other contexts a task may follow up on, looked up by id.

    Each answers the member the record is about, or raises LinkedRecordNotFound.
    """

    def feedback_author(self, item_id: UUID) -> UUID:
        """The author of this feedback item."""
        ...

    def nominated_member(self, member_id: UUID) -> UUID:
        """This member, if they were ever nominated as an ambassador."""
        ...
