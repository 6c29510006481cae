"""Feedback commands: what a caller asks of a feedback item, validated before the domain sees it."""

from __future__ import annotations

import re
from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, Field

from domain.commands import AwareDatetime, Command
from domain.feedback.item import MAX_TEXT
from domain.feedback.workflow import FeedbackKind, FeedbackStatus, Importance, Priority
from domain.texts import check_free_text, check_http_url
from domain.values import Channel, check_plain_text

MAX_LABEL = 100
MAX_REASON = 2000
MAX_TRACKER_KEY = 100
# Keys as trackers write them: PROJ-123, #42, owner/repo#42, 12345.
_TRACKER_KEY = re.compile(r"^[A-Za-z0-9#][A-Za-z0-9_.\-#/:]*$")


def _feedback_text(value: str) -> str:
    return check_free_text(value, "text", MAX_TEXT)


def _reason(value: str | None) -> str | None:
    return None if value is None else check_free_text(value, "reason", MAX_REASON)


def _url(value: str | None) -> str | None:
    return None if value is None else check_http_url(value)


def _label(value: str | None) -> str | None:
    """A product area or team: one trimmed line of plain text."""
    if value is None:
        return None
    cleaned = " ".join(check_plain_text(value, "label").split())
    if not cleaned:
        raise ValueError("must not be empty (leave it out instead)")
    if len(cleaned) > MAX_LABEL:
        raise ValueError(f"must be at most {MAX_LABEL} characters")
    return cleaned


def _tracker_key(value: str) -> str:
    if not value:
        raise ValueError("must not be empty")
    if len(value) > MAX_TRACKER_KEY:
        raise ValueError(f"must be at most {MAX_TRACKER_KEY} characters")
    if not _TRACKER_KEY.match(value):
        raise ValueError(
            "may hold only letters, digits and _ . - # / : and must start with a letter, "
            "digit or #, e.g. PROJ-123"
        )
    return value


FeedbackText = Annotated[str, AfterValidator(_feedback_text)]
Reason = Annotated[str | None, AfterValidator(_reason)]
Url = Annotated[str, AfterValidator(_url)]
OptionalUrl = Annotated[str | None, AfterValidator(_url)]
Label = Annotated[str | None, AfterValidator(_label)]
TrackerKey = Annotated[str, AfterValidator(_tracker_key)]


class SubmitFeedback(Command):
    """New feedback from a member, or recorded by staff on the member's behalf."""

    author_id: UUID
    submitted_by: UUID | None = None
    channel: Channel
    kind: FeedbackKind
    text: FeedbackText
    source_url: OptionalUrl = None
    source_interaction_id: UUID | None = None
    product_area: Label = None
    submitted_at: AwareDatetime = None


class FeedbackCommand(Command):
    """A command addressed to one existing feedback item."""

    item_id: UUID
    expected_version: int | None = Field(default=None, ge=1)


class TriageFeedback(FeedbackCommand):
    """Place the item: product area, priority and owning team (absent ones are cleared)."""

    product_area: Label = None
    priority: Priority | None = None
    team: Label = None


class RespondToFeedback(FeedbackCommand):
    """Someone (staff, a member, a bot) answered the item."""

    responder_id: UUID
    channel: Channel
    responded_at: AwareDatetime = None


class SupportFeedback(FeedbackCommand):
    """Another member backs the item, saying how much it matters to them."""

    member_id: UUID
    importance: Importance = Importance.UNKNOWN


class WithdrawFeedbackSupport(FeedbackCommand):
    """A supporter takes their support back."""

    member_id: UUID


class ChangeFeedbackStatus(FeedbackCommand):
    """Move the item in the workflow, saying who, why, and whether to tell supporters."""

    status: FeedbackStatus
    changed_by: UUID
    reason: Reason = None
    notify_supporters: bool = False


class MarkFeedbackDuplicate(FeedbackCommand):
    """Say the item duplicates a canonical one (groups are one level deep)."""

    canonical_id: UUID
    marked_by: UUID


class UnmarkFeedbackDuplicate(FeedbackCommand):
    """Let a duplicate stand on its own again."""

    unmarked_by: UUID


class LinkFeedbackToTracker(FeedbackCommand):
    """Follow the item in an external tracker (replacing any link)."""

    url: Url
    key: TrackerKey


class UnlinkFeedbackFromTracker(FeedbackCommand):
    """Stop following the item in an external tracker."""


class RecordFeedbackLoopClosed(FeedbackCommand):
    """A member who asked or supported was told of the outcome; once per member."""

    member_id: UUID
    channel: Channel
    told_by: UUID
    told_at: AwareDatetime = None
