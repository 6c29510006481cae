"""What happens to a piece of feedback, in the past tense: the FeedbackItem's events."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.feedback.workflow import FeedbackStatus, Importance
from domain.pinned import PinnedTopic

if TYPE_CHECKING:
    from domain.feedback.item import FeedbackItem


class FeedbackEvent(PinnedTopic, Aggregate.Event):
    """Base of feedback events; PERSONAL_FIELDS are sealed under the author's key."""

    # Each event class pins its own topic, so that stored events never move with the code.
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()


class Submitted(FeedbackEvent, Aggregate.Created):
    """A member (or staff on their behalf) gave feedback."""

    TOPIC = "crm.feedback.Submitted"
    PERSONAL_FIELDS = ("text", "source_url")
    # Sealed under the author's key, so that erasing the author shreds the text too.
    PERSONAL_SUBJECT: ClassVar[str] = "author_id"
    author_id: UUID
    submitted_by: UUID | None  # staff who recorded it for the member, if any
    channel: str
    kind: str
    text: str
    source_url: str | None
    source_interaction_id: UUID | None
    product_area: str | None
    submitted_at: datetime


class Triaged(FeedbackEvent):
    """Staff placed the item: product area, priority, owning team."""

    TOPIC = "crm.feedback.Triaged"
    product_area: str | None
    priority: str | None
    team: str | None

    def apply(self, aggregate: FeedbackItem) -> None:
        aggregate.product_area = self.product_area
        aggregate.priority = self.priority
        aggregate.team = self.team


class RespondedTo(FeedbackEvent):
    """Someone answered the item; the first answer not by its author nor a bot is timed."""

    TOPIC = "crm.feedback.RespondedTo"
    responder_id: UUID
    by_staff: bool
    by_bot: bool
    channel: str
    responded_at: datetime

    def apply(self, aggregate: FeedbackItem) -> None:
        counts = self.responder_id != aggregate.author_id and not self.by_bot
        if counts and aggregate.first_response_at is None:
            aggregate.first_response_at = self.responded_at


class Supported(FeedbackEvent):
    """Another member backed the item ("+1"), saying how much it matters to them."""

    TOPIC = "crm.feedback.Supported"
    member_id: UUID
    importance: str

    def apply(self, aggregate: FeedbackItem) -> None:
        aggregate.supporters[self.member_id] = Importance(self.importance)


class SupportWithdrawn(FeedbackEvent):
    """A supporter took their support back."""

    TOPIC = "crm.feedback.SupportWithdrawn"
    member_id: UUID

    def apply(self, aggregate: FeedbackItem) -> None:
        aggregate.supporters.pop(self.member_id, None)


class StatusChanged(FeedbackEvent):
    """The item moved in the workflow: who moved it, why, and whether to tell supporters."""

    TOPIC = "crm.feedback.StatusChanged"
    status: str
    previous: str
    changed_by: UUID
    reason: str | None
    notify_supporters: bool

    def apply(self, aggregate: FeedbackItem) -> None:
        aggregate.status = FeedbackStatus(self.status)


class MarkedDuplicate(FeedbackEvent):
    """The item says the same as a canonical one; nothing is copied."""

    TOPIC = "crm.feedback.MarkedDuplicate"
    canonical_id: UUID
    marked_by: UUID

    def apply(self, aggregate: FeedbackItem) -> None:
        aggregate.duplicate_of = self.canonical_id


class UnmarkedDuplicate(FeedbackEvent):
    """The item stands on its own again, exactly as its own events made it."""

    TOPIC = "crm.feedback.UnmarkedDuplicate"
    unmarked_by: UUID

    def apply(self, aggregate: FeedbackItem) -> None:
        aggregate.duplicate_of = None


class DuplicateAttached(FeedbackEvent):
    """The canonical item learned that another item duplicates it (nothing is copied).

    Saved with the duplicate's MarkedDuplicate in one transaction, so that two concurrent
    merges touching one item collide, and groups stay one level deep.
    """

    TOPIC = "crm.feedback.DuplicateAttached"
    duplicate_id: UUID

    def apply(self, aggregate: FeedbackItem) -> None:
        aggregate.duplicates.add(self.duplicate_id)


class DuplicateDetached(FeedbackEvent):
    """The canonical item learned that a duplicate of it stands on its own again."""

    TOPIC = "crm.feedback.DuplicateDetached"
    duplicate_id: UUID

    def apply(self, aggregate: FeedbackItem) -> None:
        aggregate.duplicates.discard(self.duplicate_id)


class LinkedToTracker(FeedbackEvent):
    """The item is followed in an external tracker."""

    TOPIC = "crm.feedback.LinkedToTracker"
    url: str
    key: str

    def apply(self, aggregate: FeedbackItem) -> None:
        aggregate.tracker = (self.url, self.key)


class UnlinkedFromTracker(FeedbackEvent):
    """The item is no longer followed in an external tracker."""

    TOPIC = "crm.feedback.UnlinkedFromTracker"

    def apply(self, aggregate: FeedbackItem) -> None:
        aggregate.tracker = None


class LoopClosed(FeedbackEvent):
    """A member who asked or supported was told of the outcome."""

    TOPIC = "crm.feedback.LoopClosed"
    member_id: UUID
    channel: str
    told_at: datetime
    told_by: UUID

    def apply(self, aggregate: FeedbackItem) -> None:
        aggregate.told.add(self.member_id)
