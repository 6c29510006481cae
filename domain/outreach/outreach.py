"""The outreach log: a staff member reached out to a member, on a channel, for a purpose.

An Outreach is recorded once and never changed: what came of it (its outcome) is derived
from what the member did afterwards (domain/outreach/outcomes.py), never typed by hand.
The note is free text about the member: sealed under the member's key, so erasing them
shreds it too.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.errors import ConflictError, DomainError
from domain.moments import DEFAULT_BOUNDS, TimeBounds
from domain.pinned import PinnedTopic


class OutreachPurpose(StrEnum):
    """Why staff reached out; stored by value in events."""

    WELCOME = "welcome"
    CHECK_IN = "check_in"
    AT_RISK_RECOVERY = "at_risk_recovery"
    AMBASSADOR_INVITE = "ambassador_invite"
    FEEDBACK_FOLLOW_UP = "feedback_follow_up"
    EVENT_INVITE = "event_invite"
    OTHER = "other"


class OutreachEvent(PinnedTopic, Aggregate.Event):
    """Base of outreach events: each pins its topic."""

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()
    PERSONAL_SUBJECT: ClassVar[str] = "member_id"


class OutreachRecorded(OutreachEvent, Aggregate.Created):
    """A staff member reached out to a member at `at` (which may be in the past)."""

    TOPIC = "crm.outreach.OutreachRecorded"
    PERSONAL_FIELDS = ("note",)
    member_id: UUID
    staff_id: UUID
    channel: str
    purpose: str
    note: str | None
    at: datetime


class Outreach(Aggregate):
    """One outreach to one member; recorded once, its outcome derived afterwards."""

    TOPIC = "crm.outreach.Outreach"

    class Created(Aggregate.Created):
        """The library's default creation event, pinned so that its topic never moves."""

        TOPIC = "crm.outreach.Created"

    @classmethod
    def record(
        cls,
        *,
        member_id: UUID,
        staff_id: UUID,
        channel: str,
        purpose: OutreachPurpose,
        note: str | None,
        at: datetime,
        now: datetime,
        bounds: TimeBounds = DEFAULT_BOUNDS,
    ) -> Outreach:
        """A new outreach; in the past for ones recorded late, never in the future."""
        bounds.check("at", at, now)
        if staff_id == member_id:
            raise OutreachToSelf(member_id)
        return cls._create(
            OutreachRecorded,
            member_id=member_id,
            staff_id=staff_id,
            channel=channel,
            purpose=purpose.value,
            note=note,
            at=at,
        )

    def __init__(
        self,
        *,
        member_id: UUID,
        staff_id: UUID,
        channel: str,
        purpose: str,
        note: str | None,
        at: datetime,
    ) -> None:
        self.member_id = member_id
        self.staff_id = staff_id
        self.channel = channel
        self.purpose = OutreachPurpose(purpose)
        self.note = note
        self.at = at


class OutreachToSelf(ConflictError):
    """Staff reach out to other members, not to themselves."""

    code = "OUTREACH_TO_SELF"

    def __init__(self, member_id: UUID) -> None:
        super().__init__(f"member {member_id} cannot reach out to themselves")
        self.member_id = member_id


class NotStaff(ConflictError):
    """The member named as the one who reached out is not staff."""

    code = "NOT_STAFF"

    def __init__(self, member_id: UUID) -> None:
        super().__init__(f"member {member_id} is not staff: only staff record outreach")
        self.member_id = member_id


class OutreachNotFound(DomainError):
    """No outreach has this id."""

    code = "OUTREACH_NOT_FOUND"

    def __init__(self, outreach_id: UUID) -> None:
        super().__init__(f"no outreach with id {outreach_id}")
        self.outreach_id = outreach_id
