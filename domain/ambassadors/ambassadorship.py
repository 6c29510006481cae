"""The Ambassadorship aggregate: one member's way through the ambassador program, term by term.

One record per member (its id derives from the member's), so that two nominations of the
same member collide instead of opening two records.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.ambassadors.events import (
    Approved,
    Declined,
    Expired,
    Nominated,
    Paused,
    Renewed,
    Resumed,
    Retired,
    Started,
    TierChanged,
)
from domain.ambassadors.program import ProgramMove, ProgramStatus, after_move
from domain.errors import ConflictError, InvalidField

# The program's default term (the MVP award's year); renewals extend it by as much.
DEFAULT_TERM = timedelta(days=365)
_NAMESPACE = uuid5(NAMESPACE_URL, "community-crm:ambassadorship")


class TermStillRuns(ConflictError):
    """A term ends only once its end has passed."""

    code = "TERM_STILL_RUNS"

    def __init__(self, term_ends: datetime) -> None:
        super().__init__(f"the term runs until {term_ends.isoformat()}")
        self.term_ends = term_ends


class Ambassadorship(Aggregate):
    """A member's ambassadorship: nominated, approved or declined, then active until it ends."""

    TOPIC = "crm.ambassadors.Ambassadorship"

    class Created(Aggregate.Created):
        """The library's default creation event, pinned so that its topic never moves."""

        TOPIC = "crm.ambassadors.Created"

    @staticmethod
    def id_for(member_id: UUID) -> UUID:
        """The record of this member's ambassadorship."""
        return uuid5(_NAMESPACE, str(member_id))

    @classmethod
    def create_id(cls, member_id: UUID, **_: Any) -> UUID:
        """Ids derive from the member: see id_for."""
        return cls.id_for(member_id)

    @classmethod
    def open(cls, member_id: UUID) -> Ambassadorship:
        """A new record, outside the program until its first nomination."""
        return cls._create(Started, member_id=member_id)

    def __init__(self, *, member_id: UUID) -> None:
        self.member_id = member_id
        self.status: ProgramStatus | None = None
        self.tier: str | None = None
        self.term_ends: datetime | None = None

    def nominate(
        self, *, by: UUID, factors: dict[str, float], rule_version: str, at: datetime
    ) -> None:
        """Put the member forward, keeping what the candidacy rule saw then."""
        after_move(self.status, ProgramMove.NOMINATE)
        self.trigger_event(
            Nominated, nominated_by=by, factors=dict(factors), rule_version=rule_version, at=at
        )

    def approve(self, *, tier: str, by: UUID, at: datetime, term: timedelta = DEFAULT_TERM) -> None:
        """Accept the nomination: the term starts now and lasts `term`."""
        after_move(self.status, ProgramMove.APPROVE)
        _check_tier(tier)
        self.trigger_event(Approved, tier=tier, approved_by=by, at=at, term_ends=at + term)

    def decline(self, *, reason: str, by: UUID) -> None:
        """Turn the nomination down, saying why."""
        after_move(self.status, ProgramMove.DECLINE)
        if not reason.strip():
            raise InvalidField("reason", "must say why")
        self.trigger_event(Declined, member_id=self.member_id, reason=reason, declined_by=by)

    def change_tier(self, tier: str, *, by: UUID) -> None:
        """Move the ambassador to another tier (the same tier again records nothing)."""
        after_move(self.status, ProgramMove.CHANGE_TIER)
        _check_tier(tier)
        if tier != self.tier:
            self.trigger_event(TierChanged, tier=tier, changed_by=by)

    def pause(self, *, by: UUID, reason: str | None = None) -> None:
        """Let the ambassador step back for a while."""
        after_move(self.status, ProgramMove.PAUSE)
        self.trigger_event(Paused, member_id=self.member_id, reason=reason, paused_by=by)

    def resume(self, *, by: UUID) -> None:
        """Take the ambassador back from a pause."""
        after_move(self.status, ProgramMove.RESUME)
        self.trigger_event(Resumed, resumed_by=by)

    def renew(self, *, by: UUID, at: datetime, term: timedelta = DEFAULT_TERM) -> None:
        """Extend the term by `term`, from its end (or from `at`, if it ended already)."""
        after_move(self.status, ProgramMove.RENEW)
        assert self.term_ends is not None  # an active or paused ambassador has a term
        self.trigger_event(Renewed, term_ends=max(self.term_ends, at) + term, renewed_by=by)

    def expire(self, *, now: datetime) -> None:
        """End a term that has run out without a renewal."""
        after_move(self.status, ProgramMove.EXPIRE)
        assert self.term_ends is not None
        if now < self.term_ends:
            raise TermStillRuns(self.term_ends)
        self.trigger_event(Expired, at=self.term_ends)

    def retire(
        self, *, reason: str, by: UUID | None = None, incident_id: UUID | None = None
    ) -> None:
        """End the ambassadorship; by conduct, it names the upheld incident."""
        after_move(self.status, ProgramMove.RETIRE)
        if not reason.strip():
            raise InvalidField("reason", "must say why")
        self.trigger_event(
            Retired, member_id=self.member_id, reason=reason, retired_by=by, incident_id=incident_id
        )


def _check_tier(tier: str) -> None:
    if not tier.strip() or len(tier) > 50:
        raise InvalidField("tier", "must be a name of 1 to 50 characters")
