"""What feedback is, and the statuses it moves through on its way to a shipped change."""

from __future__ import annotations

from enum import StrEnum

from domain.errors import ConflictError


class FeedbackKind(StrEnum):
    """What a member said: stored by value in events."""

    PRAISE = "praise"
    CRITICISM = "criticism"
    QUESTION = "question"
    BUG = "bug"
    FEATURE_REQUEST = "feature_request"
    IDEA = "idea"


class Importance(StrEnum):
    """How much an item matters to a member who supports it."""

    CRITICAL = "critical"
    IMPORTANT = "important"
    NICE_TO_HAVE = "nice_to_have"
    UNKNOWN = "unknown"


class Priority(StrEnum):
    """How soon the product team means to look at an item; response targets are per priority."""

    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class FeedbackStatus(StrEnum):
    """Where an item is, from the member's words to a shipped change."""

    OPEN = "open"
    UNDER_REVIEW = "under_review"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    SHIPPED = "shipped"
    DECLINED = "declined"
    ANSWERED = "answered"


OPEN_STATUSES = frozenset(
    {
        FeedbackStatus.OPEN,
        FeedbackStatus.UNDER_REVIEW,
        FeedbackStatus.PLANNED,
        FeedbackStatus.IN_PROGRESS,
    }
)
# The road to a shipped change, one step at a time.
NEXT_STEP = {
    FeedbackStatus.OPEN: FeedbackStatus.UNDER_REVIEW,
    FeedbackStatus.UNDER_REVIEW: FeedbackStatus.PLANNED,
    FeedbackStatus.PLANNED: FeedbackStatus.IN_PROGRESS,
    FeedbackStatus.IN_PROGRESS: FeedbackStatus.SHIPPED,
}


class IllegalStatusChange(ConflictError):
    """A status change the workflow does not allow, naming both statuses."""

    code = "ILLEGAL_STATUS_CHANGE"

    def __init__(self, current: FeedbackStatus, wanted: FeedbackStatus) -> None:
        super().__init__(f"feedback cannot go from {current.value} to {wanted.value}")
        self.current = current
        self.wanted = wanted


def check_status_change(current: FeedbackStatus, wanted: FeedbackStatus) -> None:
    """Allow the next step, declining or answering an open item, and reopening a closed one."""
    if NEXT_STEP.get(current) is wanted:
        return
    if current in OPEN_STATUSES and wanted in (FeedbackStatus.DECLINED, FeedbackStatus.ANSWERED):
        return
    if current not in OPEN_STATUSES and wanted is FeedbackStatus.OPEN:
        return
    raise IllegalStatusChange(current, wanted)
