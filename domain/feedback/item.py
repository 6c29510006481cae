"""The FeedbackItem aggregate: what a member said, who backed it, and what became of it.

A duplicate merge copies nothing: the duplicate names its canonical item, and unmarking
removes that name, so both items are again exactly what their own events made them.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.errors import ConflictError, InvalidField
from domain.feedback.events import (
    DuplicateAttached,
    DuplicateDetached,
    LinkedToTracker,
    LoopClosed,
    MarkedDuplicate,
    RespondedTo,
    StatusChanged,
    Submitted,
    Supported,
    SupportWithdrawn,
    Triaged,
    UnlinkedFromTracker,
    UnmarkedDuplicate,
)
from domain.feedback.workflow import (
    FeedbackKind,
    FeedbackStatus,
    Importance,
    Priority,
    check_status_change,
)
from domain.moments import DEFAULT_BOUNDS, TimeBounds

MAX_TEXT = 20_000


class FeedbackConflict(ConflictError):
    """A change the item's state refuses, saying why."""

    code = "FEEDBACK_CONFLICT"


class FeedbackItem(Aggregate):
    """One piece of feedback, from submission to the loop closed with the members who asked."""

    TOPIC = "crm.feedback.FeedbackItem"

    class Created(Aggregate.Created):
        """The library's default creation event, pinned so that its topic never moves."""

        TOPIC = "crm.feedback.Created"

    @classmethod
    def submit(
        cls,
        *,
        author_id: UUID,
        channel: str,
        kind: FeedbackKind,
        text: str,
        submitted_at: datetime,
        now: datetime,
        submitted_by: UUID | None = None,
        source_url: str | None = None,
        source_interaction_id: UUID | None = None,
        product_area: str | None = None,
        bounds: TimeBounds = DEFAULT_BOUNDS,
    ) -> FeedbackItem:
        """New feedback; in the past for imports, never in the future; text not empty."""
        bounds.check("submitted_at", submitted_at, now)
        if not text.strip():
            raise InvalidField("text", "must not be empty")
        if len(text) > MAX_TEXT:
            raise InvalidField("text", f"must be at most {MAX_TEXT} characters")
        return cls._create(
            Submitted,
            author_id=author_id,
            submitted_by=submitted_by,
            channel=channel,
            kind=kind.value,
            text=text,
            source_url=source_url,
            source_interaction_id=source_interaction_id,
            product_area=product_area,
            submitted_at=submitted_at,
        )

    def __init__(
        self,
        *,
        author_id: UUID,
        submitted_by: UUID | None,
        channel: str,
        kind: str,
        text: str,
        source_url: str | None,
        source_interaction_id: UUID | None,
        product_area: str | None,
        submitted_at: datetime,
    ) -> None:
        self.author_id = author_id
        self.submitted_by = submitted_by
        self.channel = channel
        self.kind = FeedbackKind(kind)
        self.text = text
        self.source_url = source_url
        self.source_interaction_id = source_interaction_id
        self.product_area = product_area
        self.submitted_at = submitted_at
        self.priority: str | None = None
        self.team: str | None = None
        self.status = FeedbackStatus.OPEN
        self.first_response_at: datetime | None = None
        self.supporters: dict[UUID, Importance] = {}
        self.duplicate_of: UUID | None = None
        # The items marked as duplicates of this one.
        self.duplicates: set[UUID] = set()
        self.tracker: tuple[str, str] | None = None
        self.told: set[UUID] = set()

    def triage(
        self, *, product_area: str | None, priority: Priority | None, team: str | None
    ) -> None:
        """Place the item for the product team."""
        self.trigger_event(
            Triaged,
            product_area=product_area,
            priority=None if priority is None else priority.value,
            team=team,
        )

    def respond(
        self,
        *,
        responder_id: UUID,
        channel: str,
        responded_at: datetime,
        now: datetime,
        by_staff: bool,
        by_bot: bool = False,
        bounds: TimeBounds = DEFAULT_BOUNDS,
    ) -> None:
        """Record an answer; it may not come before the feedback it answers."""
        bounds.check("responded_at", responded_at, now)
        if responded_at < self.submitted_at:
            raise InvalidField("responded_at", "must not be before the feedback was submitted")
        self.trigger_event(
            RespondedTo,
            responder_id=responder_id,
            by_staff=by_staff,
            by_bot=by_bot,
            channel=channel,
            responded_at=responded_at,
        )

    def support(self, member_id: UUID, importance: Importance = Importance.UNKNOWN) -> None:
        """Count another member's support, once per member."""
        if member_id == self.author_id:
            raise FeedbackConflict("the author's own feedback already counts them")
        if member_id in self.supporters:
            raise FeedbackConflict(f"member {member_id} already supports this feedback")
        self.trigger_event(Supported, member_id=member_id, importance=importance.value)

    def withdraw_support(self, member_id: UUID) -> None:
        """Take a member's support back."""
        if member_id not in self.supporters:
            raise FeedbackConflict(f"member {member_id} does not support this feedback")
        self.trigger_event(SupportWithdrawn, member_id=member_id)

    def change_status(
        self,
        status: FeedbackStatus,
        *,
        changed_by: UUID,
        reason: str | None = None,
        notify_supporters: bool = False,
    ) -> None:
        """Move the item in the workflow; IllegalStatusChange names both statuses."""
        check_status_change(self.status, status)
        self.trigger_event(
            StatusChanged,
            status=status.value,
            previous=self.status.value,
            changed_by=changed_by,
            reason=reason,
            notify_supporters=notify_supporters,
        )

    def mark_duplicate(self, canonical_id: UUID, *, marked_by: UUID) -> None:
        """Say the item duplicates another; unmark it first to point it elsewhere."""
        if canonical_id == self.id:
            raise FeedbackConflict("feedback cannot duplicate itself")
        if self.duplicate_of is not None:
            raise FeedbackConflict(f"feedback already duplicates {self.duplicate_of}")
        if self.duplicates:
            raise FeedbackConflict("feedback other items duplicate cannot become a duplicate")
        self.trigger_event(MarkedDuplicate, canonical_id=canonical_id, marked_by=marked_by)

    def unmark_duplicate(self, *, unmarked_by: UUID) -> None:
        """Let the item stand on its own again."""
        if self.duplicate_of is None:
            raise FeedbackConflict("feedback is not marked as a duplicate")
        self.trigger_event(UnmarkedDuplicate, unmarked_by=unmarked_by)

    def attach_duplicate(self, duplicate_id: UUID) -> None:
        """Know that an item duplicates this one; a duplicate itself cannot be canonical."""
        if self.duplicate_of is not None:
            raise FeedbackConflict(f"feedback {self.id} is itself a duplicate")
        if duplicate_id not in self.duplicates:
            self.trigger_event(DuplicateAttached, duplicate_id=duplicate_id)

    def detach_duplicate(self, duplicate_id: UUID) -> None:
        """Know that an item no longer duplicates this one."""
        if duplicate_id in self.duplicates:
            self.trigger_event(DuplicateDetached, duplicate_id=duplicate_id)

    def link_tracker(self, url: str, key: str) -> None:
        """Follow the item in an external tracker (replacing any link)."""
        if self.tracker != (url, key):
            self.trigger_event(LinkedToTracker, url=url, key=key)

    def unlink_tracker(self) -> None:
        """Stop following the item in an external tracker."""
        if self.tracker is None:
            raise FeedbackConflict("feedback is not linked to a tracker")
        self.trigger_event(UnlinkedFromTracker)

    def close_loop(
        self, member_id: UUID, *, channel: str, told_at: datetime, told_by: UUID
    ) -> bool:
        """Record that a member who asked or supported was told; once per member."""
        if told_at < self.submitted_at:
            raise InvalidField("told_at", "must not be before the feedback was submitted")
        if member_id != self.author_id and member_id not in self.supporters:
            raise FeedbackConflict(f"member {member_id} neither asked for nor supports this")
        if member_id in self.told:
            return False
        self.trigger_event(
            LoopClosed, member_id=member_id, channel=channel, told_at=told_at, told_by=told_by
        )
        return True
