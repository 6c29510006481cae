"""The Member fields other contexts answer, handed to Member's resolvers through the context.

Member (members context) has fields that the interactions, lifecycle and feedback contexts resolve,
while their types refer to Member: importing them from Member's module would close an
import cycle. The schema's composition (api/graphql/schema.py) wires these resolvers once,
and each request's context carries them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

if TYPE_CHECKING:
    from api.graphql.ambassadors import Ambassadorship
    from api.graphql.conduct import MemberStanding
    from api.graphql.consent import MemberConsent
    from api.graphql.disclosures import DisclosureConnection
    from api.graphql.events import EventParticipation
    from api.graphql.feedback import MemberFeedback
    from api.graphql.interactions import InteractionConnection, MemberEngagement
    from api.graphql.lifecycle import StageChange
    from api.graphql.members import Member
    from api.graphql.outreach import FollowUpTaskConnection
    from api.graphql.outreach.motivations import MemberMotivation
    from api.graphql.outreach.notes_types import MemberNote

# Each resolver takes the request's strawberry Info, as the fields calling it do.
Info = Any


@dataclass(frozen=True)
class MemberFields:
    """How Member's fields owned by other contexts, and node(id:) for members, are resolved."""

    # The member by id (a UUID string), masked for the caller: member(id:) and node(id:).
    member: Callable[[Info, str], Awaitable[Member | None]]
    engagement: Callable[[Info, UUID], Awaitable[MemberEngagement | None]]
    # (info, member id, first, after, reveal personal data)
    interactions: Callable[[Info, UUID, int, str | None, bool], Awaitable[InteractionConnection]]
    stage_history: Callable[[Info, UUID], Awaitable[list[StageChange]]]
    # (info, member id, first): items the member gave or supported.
    feedback: Callable[[Info, UUID, int], Awaitable[list[MemberFeedback]]]
    # (info, member id): the member's place in the ambassador program, if ever nominated.
    ambassadorship: Callable[[Info, UUID], Awaitable[Ambassadorship | None]]
    # (info, member id): consent per purpose with proof and history (FORBIDDEN for most roles).
    consents: Callable[[Info, UUID], Awaitable[list[MemberConsent]]]
    # The member's standing now (good, suspended until, banned), batched per request.
    standing: Callable[[Info, UUID], Awaitable[MemberStanding]]
    # (info, member id, first, after): the exports that held the member's data.
    disclosures: Callable[[Info, UUID, int, str | None], Awaitable[DisclosureConnection]]
    # (info, member id, first): staff notes on the member (FORBIDDEN for most roles).
    notes: Callable[[Info, UUID, int], Awaitable[list[MemberNote]]]
    # The member's latest answer to why they joined, batched per request.
    motivation: Callable[[Info, UUID], Awaitable[MemberMotivation | None]]
    # (info, member id, first, after): follow-up tasks about the member (admin, manager).
    tasks: Callable[[Info, UUID, int, str | None], Awaitable[FollowUpTaskConnection]]
    # (info, member id, first): community events the member registered for, latest first.
    events: Callable[[Info, UUID, int], Awaitable[list[EventParticipation]]]
