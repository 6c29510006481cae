"""What the feedback read model answers: one row shape per view, shared by API and exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class ChangeKind(StrEnum):
    """What changed about an item, as the history and the change feed name it."""

    SUBMITTED = "submitted"
    TRIAGED = "triaged"
    RESPONDED = "responded"
    SUPPORTED = "supported"
    SUPPORT_WITHDRAWN = "support_withdrawn"
    STATUS_CHANGED = "status_changed"
    MARKED_DUPLICATE = "marked_duplicate"
    UNMARKED_DUPLICATE = "unmarked_duplicate"
    TRACKER_LINKED = "tracker_linked"
    TRACKER_UNLINKED = "tracker_unlinked"
    LOOP_CLOSED = "loop_closed"
    # A duplicate of this canonical item was marked, unmarked, or gained or lost support.
    GROUP_CHANGED = "group_changed"
    # The author was erased: text and source url are gone, counts remain.
    AUTHOR_ERASED = "author_erased"


@dataclass(frozen=True)
class FeedbackRow:
    """One item as the read model holds it; text and source url opened (None once erased)."""

    item_id: UUID
    author_id: UUID
    submitted_by: UUID | None
    channel: str
    kind: str
    text: str | None
    source_url: str | None
    source_interaction_id: UUID | None
    product_area: str | None
    priority: str | None
    team: str | None
    status: str
    submitted_at: datetime
    first_response_at: datetime | None
    first_response_channel: str | None
    responses: int
    duplicate_of: UUID | None
    duplicates: int
    tracker_url: str | None
    tracker_key: str | None
    supporters: int
    unique_members: int
    weighted_support: float
    voice: float
    loop_closed: int
    loop_owed: int
    author_erased: bool
    version: int
    position: int
    changed_at: datetime
    status_changed_at: datetime


@dataclass(frozen=True)
class SupportRow:
    """A member's support of an item."""

    item_id: UUID
    member_id: UUID
    importance: str
    supported_at: datetime


@dataclass(frozen=True)
class HistoryRow:
    """One change of an item, in log order."""

    item_id: UUID
    position: int
    change: ChangeKind
    at: datetime
    actor_id: UUID | None
    detail: dict[str, object]


@dataclass(frozen=True)
class FeedEntry:
    """An item in the change feed: its current state and what changed in the page's span."""

    item: FeedbackRow
    changes: list[ChangeKind]
    # The position of its last change in the span: entries come in this (commit) order.
    position: int


@dataclass(frozen=True)
class FeedPage:
    """A page of the change feed: the changes in (after, end_position], where the next starts."""

    entries: list[FeedEntry]
    end_position: int
    has_more: bool
