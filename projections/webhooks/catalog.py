"""Which events of the log are public, and as which type: the webhooks' source catalog.

Each public type comes from one or a few of the contexts' events (domain/webhooks/catalog.py
names and versions them). An event maps to at most one public type; `subject` is what
ordering follows (the member, else the feedback item or export), `members` and `channel`
are the facts a subscription's filter narrows on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.ambassadors import ProgramStatus
from domain.ambassadors import events as program
from domain.disclosures.disclosure import DataDisclosed
from domain.feedback import events as feedback
from domain.interactions.interaction import Interaction
from domain.members.member import Member
from domain.members.merges import Merged


@dataclass(frozen=True)
class PublicFacts:
    """An event as a public type: what it is about, and what filters see of it."""

    event_type: str
    subject: UUID
    members: tuple[UUID, ...] = ()
    channel: str | None = None


# Moves of the program that change an ambassadorship's status, and the status they reach.
PROGRAM_STATUS: dict[type[Any], ProgramStatus] = {
    program.Approved: ProgramStatus.ACTIVE,
    program.Declined: ProgramStatus.DECLINED,
    program.Paused: ProgramStatus.PAUSED,
    program.Resumed: ProgramStatus.ACTIVE,
    program.Expired: ProgramStatus.EXPIRED,
    program.Retired: ProgramStatus.RETIRED,
}
_MEMBER_TYPES: dict[type[Any], str] = {
    Member.Joined: "member.joined",
    Member.Left: "member.left",
    Member.Erased: "member.erased",
    Member.StageChanged: "member.stage_changed",
    Member.ConsentGiven: "consent.changed",
    Member.ConsentWithdrawn: "consent.changed",
}
SOURCE_TOPICS: frozenset[str] = frozenset(
    str(getattr(kind, "TOPIC"))  # noqa: B009  (every source event pins its topic)
    for kind in (
        *_MEMBER_TYPES,
        Merged,
        Interaction.Recorded,
        feedback.Submitted,
        feedback.StatusChanged,
        feedback.LoopClosed,
        program.Started,
        program.Nominated,
        *PROGRAM_STATUS,
        DataDisclosed,
    )
)


def public_facts(event: Any, ambassador_of: dict[UUID, UUID]) -> PublicFacts | None:
    """The event as a public type, or None (not public, or an ambassadorship not known)."""
    kind = type(event)
    origin: UUID = event.originator_id
    if kind in _MEMBER_TYPES:
        channel = event.source_channel if kind is Member.Joined else None
        return PublicFacts(_MEMBER_TYPES[kind], origin, (origin,), channel)
    if kind is Merged:
        return PublicFacts("member.merged", event.target_id, (event.source_id, event.target_id))
    if kind is Interaction.Recorded:
        member = event.member_id
        return PublicFacts("interaction.recorded", member, (member,), event.channel)
    if kind is feedback.Submitted:
        return PublicFacts("feedback.submitted", origin, (event.author_id,), event.channel)
    if kind is feedback.StatusChanged:
        return PublicFacts("feedback.status_changed", origin)
    if kind is feedback.LoopClosed:
        return PublicFacts("feedback.loop_closed", origin, (event.member_id,), event.channel)
    if kind is DataDisclosed:
        return PublicFacts("export.created", origin)
    member_id = ambassador_of.get(origin)
    if member_id is None:
        return None
    if kind is program.Nominated:
        return PublicFacts("ambassador.nominated", member_id, (member_id,))
    if kind in PROGRAM_STATUS:
        return PublicFacts("ambassador.status_changed", member_id, (member_id,))
    return None
