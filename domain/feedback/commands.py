"""Feedback commands: what a caller asks of a feedback item, validated before the domain sees it."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated
from urllib.parse import urlsplit
from uuid import UUID

from pydantic import AfterValidator, Field

from domain.commands import AwareDatetime, Command
from domain.feedback.item import MAX_TEXT
from domain.feedback.workflow import FeedbackKind, FeedbackStatus, Importance, Priority
from domain.values import DIRECTION_CONTROLS, Channel, check_plain_text

MAX_URL = 2000
MAX_LABEL = 100
MAX_REASON = 2000
MAX_TRACKER_KEY = 100
# Line breaks and tabs belong in what people write; other control characters do not.
_TEXT_CONTROLS_ALLOWED = frozenset("\n\r\t")
# Keys as trackers write them: PROJ-123, #42, owner/repo#42, 12345.
_TRACKER_KEY = re.compile(r"^[A-Za-z0-9#][A-Za-z0-9_.\-#/:]*$")


def _free_text(value: str, what: str, limit: int) -> str:
    text = unicodedata.normalize("NFC", value)
    for char in text:
        if char in DIRECTION_CONTROLS:
            raise ValueError(
                f"{what} must not contain the invisible direction control U+{ord(char):04X}"
            )
        if unicodedata.category(char) in ("Cc", "Cs") and char not in _TEXT_CONTROLS_ALLOWED:
            raise ValueError(f"{what} must not contain the control character U+{ord(char):04X}")
    if not text.strip():
        raise ValueError(f"{what} must not be empty")
    if len(text) > limit:
        raise ValueError(f"{what} must be at most {limit} characters")
    return text


def _feedback_text(value: str) -> str:
    return _free_text(value, "text", MAX_TEXT)


def _reason(value: str | None) -> str | None:
    return None if value is None else _free_text(value, "reason", MAX_REASON)


def _url(value: str | None) -> str | None:
    """An absolute http(s) URL with a host; anything else (javascript:, ftp:) is refused."""
    if value is None:
        return None
    if len(value) > MAX_URL:
        raise ValueError(f"must be at most {MAX_URL} characters")
    if any(char.isspace() or unicodedata.category(char) == "Cc" for char in value):
        raise ValueError("must not contain spaces or control characters")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (an out-of-range port raises here)
    except ValueError:
        raise ValueError("must be an http(s) URL, e.g. https://example.org/x") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http(s) URL with a host, e.g. https://example.org/x")
    return value


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
