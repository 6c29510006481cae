"""GraphQL types of the members context: read DTOs built from projection rows."""

from __future__ import annotations

import asyncio
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from api.graphql.context import Info
from api.graphql.members.history import MemberEvent, member_event
from api.graphql.nodes import Node
from api.graphql.relay import (
    DEFAULT_FIRST,
    After,
    Connection,
    Edge,
    First,
    check_first,
    relay_type,
)
from api.services import in_thread
from domain.values import Channel as DomainChannel
from projections.members.queries import MemberFilter
from projections.members.search import SEARCH_COUNT_CAP, Counted

if TYPE_CHECKING:
    from api.graphql.ambassadors import Ambassadorship
    from api.graphql.conduct import MemberStanding
    from api.graphql.consent import MemberConsent
    from api.graphql.disclosures import DisclosureConnection
    from api.graphql.events import EventParticipation
    from api.graphql.feedback import MemberFeedback
    from api.graphql.interactions import InteractionConnection, MemberEngagement
    from api.graphql.lifecycle import StageChange
    from api.graphql.outreach import FollowUpTaskConnection
    from api.graphql.outreach.motivations import MemberMotivation
    from api.graphql.outreach.notes_types import MemberNote

EngagementRef = Annotated["MemberEngagement", strawberry.lazy("api.graphql.interactions")]
StageChangeRef = Annotated["StageChange", strawberry.lazy("api.graphql.lifecycle")]
MemberConsentRef = Annotated["MemberConsent", strawberry.lazy("api.graphql.consent")]
MemberFeedbackRef = Annotated["MemberFeedback", strawberry.lazy("api.graphql.feedback")]
AmbassadorshipRef = Annotated["Ambassadorship", strawberry.lazy("api.graphql.ambassadors")]
MemberStandingRef = Annotated["MemberStanding", strawberry.lazy("api.graphql.conduct")]
DisclosureConnectionRef = Annotated[
    "DisclosureConnection", strawberry.lazy("api.graphql.disclosures")
]
MemberNoteRef = Annotated["MemberNote", strawberry.lazy("api.graphql.outreach.notes_types")]
MemberMotivationRef = Annotated[
    "MemberMotivation", strawberry.lazy("api.graphql.outreach.motivations")
]
EventParticipationRef = Annotated["EventParticipation", strawberry.lazy("api.graphql.events")]
FollowUpTaskConnectionRef = Annotated[
    "FollowUpTaskConnection", strawberry.lazy("api.graphql.outreach")
]
InteractionConnectionRef = Annotated[
    "InteractionConnection", strawberry.lazy("api.graphql.interactions")
]

MAX_HISTORY = 500
MAX_FEEDBACK = 500
MAX_NOTES = 200

# strawberry.enum attaches the GraphQL definition to the enum itself and returns it; naming
# the class (not the call's result) keeps it usable as a type in annotations.
Channel = DomainChannel
strawberry.enum(Channel, name="Channel", description="A platform where members can be found.")


@strawberry.enum(description="Where a member stands in the community.")
class MemberStatus(Enum):
    ACTIVE = "active"
    LEFT = "left"
    ERASED = "erased"
    MERGED = "merged"


@strawberry.type(description="A member's handle on one channel.")
class Identity:
    channel: Channel = strawberry.field(description="The platform.")
    handle: str | None = strawberry.field(
        description="The handle there; null when your role may not see personal data."
    )
    linked_at: datetime = strawberry.field(description="When it was linked to the member.")


@strawberry.type(description="A person of the community, as of the latest projected event.")
class Member(Node):
    id: strawberry.ID = strawberry.field(description="Stable member id (a UUID).")
    display_name: str | None = strawberry.field(
        description="Name shown; null once erased, or when your role may not see personal data."
    )
    email: str | None = strawberry.field(
        description="E-mail; null when absent, erased, or hidden from your role."
    )
    status: MemberStatus = strawberry.field(
        description="Active, left, erased, or merged into another member (see mergedInto)."
    )
    joined_at: datetime = strawberry.field(description="When the member joined.")
    source_channel: Channel = strawberry.field(description="Where the member came from.")
    attributes: JSON | None = strawberry.field(
        description="Free attributes (company, city...); null when hidden from your role."
    )
    tags: list[str] = strawberry.field(description="Labels, sorted.")
    channels: list[Channel] = strawberry.field(description="Channels the member is on.")
    identities: list[Identity] = strawberry.field(description="Handles across channels.")
    is_staff: bool = strawberry.field(description="Works for the brand; excluded from metrics.")
    is_bot: bool = strawberry.field(description="Automated account; excluded from metrics.")
    left_at: datetime | None = strawberry.field(description="When the member left, if gone.")
    erased_at: datetime | None = strawberry.field(description="When the data was erased.")
    version: int = strawberry.field(
        description="Number of events so far; pass as expectedVersion to edit safely."
    )
    updated_at: datetime = strawberry.field(description="When the last event was recorded.")
    personal_data_hidden: bool = strawberry.field(
        description="True when name, e-mail, handles and attributes are withheld from your role."
    )
    merged_into: strawberry.ID | None = strawberry.field(
        default=None,
        description="The member this one is counted as since a merge (status MERGED); null "
        "otherwise. Its history, identities and interactions stay its own: an unmerge gives "
        "them back.",
    )

    @classmethod
    async def resolve_node(cls, info: Info, node_id: str) -> Member | None:
        """node(id:) for members: exactly member(id:), masking included."""
        return await info.context.member_fields.member(info, node_id)

    @strawberry.field(description="The member's events in order, oldest first (audit trail).")
    async def history(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description="At most this many (1-500).")] = 100,
    ) -> list[MemberEvent]:
        check_first(first, MAX_HISTORY)
        events = await in_thread(info.context.services.community.member_history, UUID(self.id))
        return [member_event(e, not self.personal_data_hidden) for e in events[:first]]

    @strawberry.field(
        description="Engagement score, rank and the last 26 weeks of activity; null before "
        "the member's first interaction."
    )
    async def engagement(self, info: Info) -> EngagementRef | None:
        return await info.context.member_fields.engagement(info, UUID(self.id))

    @strawberry.field(description="The member's lifecycle stages, oldest first, with why.")
    async def stage_history(self, info: Info) -> list[StageChangeRef]:
        return await info.context.member_fields.stage_history(info, UUID(self.id))

    @strawberry.field(description="The member's interactions, newest first (keyset cursors).")
    async def interactions(
        self,
        info: Info,
        first: First = DEFAULT_FIRST,
        after: After = None,
    ) -> InteractionConnectionRef:
        reveal = not self.personal_data_hidden
        fields = info.context.member_fields
        return await fields.interactions(info, UUID(self.id), first, after, reveal)

    @strawberry.field(
        description="Feedback the member gave or supported, newest first, with what became of it."
    )
    async def feedback(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description="At most this many (1-500).")] = 100,
    ) -> list[MemberFeedbackRef]:
        check_first(first, MAX_FEEDBACK)
        return await info.context.member_fields.feedback(info, UUID(self.id), first)

    @strawberry.field(
        description="The member's place in the ambassador program (status, tier, term, "
        "history, activity per quarter); null if never nominated."
    )
    async def ambassadorship(self, info: Info) -> AmbassadorshipRef | None:
        return await info.context.member_fields.ambassadorship(info, UUID(self.id))

    @strawberry.field(
        description="Consent per purpose: the current answer with its proof, whether it holds "
        "now, and every answer. No record means no consent. Admin and manager only "
        "(FORBIDDEN otherwise)."
    )
    async def consents(self, info: Info) -> list[MemberConsentRef] | None:
        return await info.context.member_fields.consents(info, UUID(self.id))

    @strawberry.field(
        description="The member's standing now from upheld conduct incidents: GOOD, SUSPENDED "
        "(until) or BANNED. Shown to every role; the incidents themselves are not."
    )
    async def standing(self, info: Info) -> MemberStandingRef:
        return await info.context.member_fields.standing(info, UUID(self.id))

    @strawberry.field(
        description="The exports that held this member's data, newest first: who received"
        " it, and when. Admin and manager only."
    )
    async def disclosures(
        self, info: Info, first: First = DEFAULT_FIRST, after: After = None
    ) -> DisclosureConnectionRef:
        return await info.context.member_fields.disclosures(info, UUID(self.id), first, after)

    @strawberry.field(
        description="Staff notes on the member, newest first, each with every version of its "
        "text. Admin and manager only (FORBIDDEN otherwise)."
    )
    async def notes(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description="At most this many (1-200).")] = 50,
    ) -> list[MemberNoteRef] | None:
        check_first(first, MAX_NOTES)
        return await info.context.member_fields.notes(info, UUID(self.id), first)

    @strawberry.field(
        description="The member's latest answer to why they joined, if any: the options for "
        "every role, their own words for roles that may read personal data."
    )
    async def motivation(self, info: Info) -> MemberMotivationRef | None:
        return await info.context.member_fields.motivation(info, UUID(self.id))

    @strawberry.field(
        description="Follow-up tasks about the member: overdue first, then by due day. "
        "Admin and manager only (FORBIDDEN otherwise)."
    )
    async def tasks(
        self, info: Info, first: First = DEFAULT_FIRST, after: After = None
    ) -> FollowUpTaskConnectionRef | None:
        return await info.context.member_fields.tasks(info, UUID(self.id), first, after)

    @strawberry.field(
        description="Community events the member registered for, hosted or came to, latest "
        "first. Every role."
    )
    async def events(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description="At most this many (1-200).")] = 50,
    ) -> list[EventParticipationRef]:
        return await info.context.member_fields.events(info, UUID(self.id), first)


@relay_type(
    "A member with its cursor in the list.",
    node="The member.",
    cursor="Opaque position of this member in the list.",
)
class MemberEdge(Edge[Member]):
    """An edge of the member list."""


@relay_type(
    "A page of members (keyset pagination: stable under inserts).",
    edges="Members with their cursors.",
)
class MemberConnection(Connection[MemberEdge]):
    """A page of the member list, which knows its filter to count the whole list."""

    where: strawberry.Private[MemberFilter]
    # Counted once per list, however many of its count fields a query asks.
    counting: strawberry.Private[asyncio.Future[Counted] | None] = None

    @strawberry.field(description="The members of this page, without cursors.")
    def nodes(self) -> list[Member]:
        return [edge.node for edge in self.edges]

    @strawberry.field(
        description="How many members match the filter, across all pages. A search's count"
        f" is exact up to {SEARCH_COUNT_CAP:,}; past that it is {SEARCH_COUNT_CAP:,} and"
        ' totalCountIsExact is false (show it as "10,000+").'
    )
    async def total_count(self, info: Info) -> int:
        return (await self._counted(info)).total

    @strawberry.field(
        description="False when more members match than totalCount says: a search matched"
        f" more than {SEARCH_COUNT_CAP:,}. Every other count is exact."
    )
    async def total_count_is_exact(self, info: Info) -> bool:
        return (await self._counted(info)).exact

    def _counted(self, info: Info) -> asyncio.Future[Counted]:
        if self.counting is None:
            members = info.context.services.members
            self.counting = asyncio.ensure_future(in_thread(members.counted, self.where))
        return self.counting
