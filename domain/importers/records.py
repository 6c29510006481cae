"""What a parser reads from a platform export, before anything is applied.

Every parser (Slack, Discord, Discourse, GitHub, attendee files) turns its files into a stream
of these records, platform-neutral; the import sink applies them. Each record says where it
was read (`Position`), so a report can name the file and place of every record it refused.
External ids are derived from the platform's own ids (for example channel + ts for Slack),
so reading the same export twice yields the same ids and applying it twice adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.interactions.interaction import InteractionKind
from domain.values import AttributeValue, Channel


@dataclass(frozen=True, slots=True)
class Position:
    """Where a record was read: a file (or a ZIP member) and a place in it."""

    file: str
    place: str  # "line 12", "item 3", "messages[41]": what a person can find in the file

    def __str__(self) -> str:
        return f"{self.file} {self.place}"


@dataclass(frozen=True, slots=True)
class PlatformUser:
    """A person or bot as the platform knows them; `user_id` is the platform's stable id."""

    channel: Channel
    user_id: str
    handle: str
    display_name: str | None
    at: Position
    email: str | None = None
    is_bot: bool = False
    is_staff: bool = False
    deleted: bool = False
    joined_at: datetime | None = None
    # Platform facts worth keeping on the member's attributes, as (key, value) pairs: a
    # Discourse trust level is ("discourse.trust_level", 2).
    attributes: tuple[tuple[str, AttributeValue], ...] = ()
    # When the platform showed this handle and name: an import of older files read after
    # newer ones never brings back a name the user has since changed.
    seen_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PlatformInteraction:
    """Something a platform user did, by the user's platform id (read before or after them)."""

    channel: Channel
    user_id: str
    kind: InteractionKind
    occurred_at: datetime
    external_id: str
    at: Position
    thread_ref: str | None = None
    url: str | None = None
    summary: str | None = None


class MembershipChange(StrEnum):
    """A join or leave record of the platform."""

    JOINED = "joined"
    LEFT = "left"


@dataclass(frozen=True, slots=True)
class PlatformMembership:
    """A platform user joining or leaving the community (channel joins, guild joins)."""

    channel: Channel
    user_id: str
    change: MembershipChange
    occurred_at: datetime
    external_id: str
    at: Position


class Rsvp(StrEnum):
    """What an attendee answered: only those going are expected, so only they can be no-shows."""

    GOING = "going"
    DECLINED = "declined"  # registered, then said no (or was refused)
    WAITLISTED = "waitlisted"  # registered, never given a place (or still awaiting approval)


@dataclass(frozen=True, slots=True)
class Attendance:
    """One row of an attendee file: a person registered for an event, and maybe came."""

    channel: Channel  # meetup, or other for Luma and hand-made lists
    attendee_id: str  # the platform's id, else the e-mail, else the name: stable per file
    name: str
    at: Position
    email: str | None = None
    registered_at: datetime | None = None
    checked_in_at: datetime | None = None
    attended: bool = False  # came, even when the file has no check-in time
    is_host: bool = False
    rsvp: Rsvp = Rsvp.GOING


@dataclass(frozen=True, slots=True)
class Malformed:
    """A record the parser could not read; the rest of the file is read on."""

    at: Position
    reason: str


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record read and understood that imports nothing (a star, a closed issue): says why."""

    at: Position
    reason: str


ImportRecord = (
    PlatformUser | PlatformInteraction | PlatformMembership | Attendance | Skipped | Malformed
)
