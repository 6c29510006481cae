"""Judging a suggested match of two members (probably one person): accepted or rejected.

One IdentityMatch per unordered pair, its id derived from the pair, so that every
judgement of the same two members lands on the same stream; a rejected pair is never
suggested again (until accepted after all).
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.members.merges import SAME_MEMBER, MergeRefused
from domain.pinned import PinnedTopic

# Fixed forever: match ids derive from it.
MATCH_NAMESPACE = UUID("c1f3a8e2-6b0d-4c47-9e21-5d8f3a7b9c10")
ACCEPTED = "accepted"
REJECTED = "rejected"


def match_id(first: UUID, second: UUID) -> UUID:
    """The id of the match of two members, whichever way round they are named."""
    low, high = sorted((first, second), key=str)
    return uuid5(MATCH_NAMESPACE, f"{low}:{high}")


class IdentityMatch(Aggregate):
    """The judgements of one pair of members, the latest being what holds."""

    TOPIC = "crm.member.IdentityMatch"

    class Created(Aggregate.Created):
        """The library's default creation event, pinned so that its topic never moves."""

        TOPIC = "crm.member.IdentityMatchCreated"

    def __init__(self, *, first_id: UUID, second_id: UUID, decision: str, at: datetime) -> None:
        self.first_id = first_id
        self.second_id = second_id
        self.decision = decision
        self.decided_at = at

    @classmethod
    def judge(cls, first: UUID, second: UUID, decision: str, at: datetime) -> IdentityMatch:
        """A pair's first judgement."""
        if first == second:
            raise MergeRefused("targetId", SAME_MEMBER, "a member cannot match itself")
        low, high = sorted((first, second), key=str)
        return cls._create(
            MatchJudged,
            id=match_id(first, second),
            first_id=low,
            second_id=high,
            decision=decision,
            at=at,
        )

    def judge_again(self, decision: str, at: datetime) -> None:
        """A later judgement; the same one again records nothing."""
        if decision != self.decision:
            self.trigger_event(
                MatchJudgedAgain,
                first_id=self.first_id,
                second_id=self.second_id,
                decision=decision,
                at=at,
            )


class MatchEvent(PinnedTopic, Aggregate.Event):
    """Base of a match's events."""

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()


class MatchJudged(MatchEvent, Aggregate.Created):
    """A suggested pair was judged for the first time."""

    TOPIC = "crm.member.MatchJudged"
    first_id: UUID
    second_id: UUID
    decision: str
    at: datetime


class MatchJudgedAgain(MatchEvent):
    """The pair was judged otherwise than before."""

    TOPIC = "crm.member.MatchJudgedAgain"
    first_id: UUID
    second_id: UUID
    decision: str
    at: datetime

    def apply(self, aggregate: IdentityMatch) -> None:
        aggregate.decision = self.decision
        aggregate.decided_at = self.at
