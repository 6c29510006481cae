"""GraphQL types of the engagement context, built from projection rows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import strawberry

from api.graphql.context import Info
from api.graphql.errors import bad_input
from api.graphql.members import Channel, Member
from api.graphql.nodes import Node
from api.graphql.relay import Connection, Edge, relay_type
from api.services import in_thread
from domain.interactions.interaction import InteractionKind as DomainKind
from domain.values import Channel as DomainChannel

# The GraphQL enum is the domain's own class (strawberry.enum returns the class it is given).
InteractionKind = DomainKind
strawberry.enum(
    InteractionKind, name="InteractionKind", description="What a member did on a channel."
)


@strawberry.type(description="Something a member did on a channel.")
class Interaction(Node):
    id: strawberry.ID = strawberry.field(description="Derived from (channel, externalId).")
    member_id: strawberry.ID = strawberry.field(description="Who did it.")
    channel: Channel = strawberry.field(description="Where.")
    kind: InteractionKind = strawberry.field(description="What.")
    occurred_at: datetime = strawberry.field(description="When it happened at the source.")
    external_id: str = strawberry.field(description="Its id on the source platform.")
    thread_ref: str | None = strawberry.field(description="Thread or topic it belongs to.")
    url: str | None = strawberry.field(
        description="Link to it; null when erased or hidden from your role."
    )
    summary: str | None = strawberry.field(
        description="Short text; null when erased or hidden from your role."
    )

    @classmethod
    async def resolve_node(cls, info: Info, node_id: str) -> Interaction | None:
        """node(id:) for interactions: url and summary only with personal-data access."""
        try:
            interaction_id = UUID(node_id)
        except ValueError:
            raise bad_input("id: not an interaction id (a UUID)") from None
        reveal = info.context.principal.can_read_personal_data
        engagement = info.context.services.engagement
        row = await in_thread(engagement.interaction, interaction_id, reveal)
        return interaction_from_row(row, reveal) if row is not None else None


@relay_type("An interaction with its cursor in the list.", node="The interaction.")
class InteractionEdge(Edge[Interaction]):
    """An edge of a member's interactions."""


@relay_type("A page of a member's interactions, newest first.", edges="Interactions and cursors.")
class InteractionConnection(Connection[InteractionEdge]):
    """A page of a member's interactions."""


@strawberry.type(description="Interactions and weight of one week on one channel.")
class WeeklyActivity:
    week: date = strawberry.field(description="Monday (UTC) starting the week.")
    channel: Channel = strawberry.field(description="The channel.")
    interactions: int = strawberry.field(description="How many interactions.")
    weight: float = strawberry.field(description="Their summed weights (engagement rule).")


@strawberry.type(description="How engaged a member is now, and where they stand.")
class MemberEngagement:
    score: float = strawberry.field(description="Decayed score now (sum of decayed weights).")
    rank: int | None = strawberry.field(
        description="1 for the most engaged; null for staff, bots, and members who left."
    )
    percentile: float | None = strawberry.field(
        description="Share of ranked members at or below this one (0-100]."
    )
    ranked_members: int | None = strawberry.field(description="How many members are ranked.")
    interactions: int = strawberry.field(description="Interactions recorded, all time.")
    first_interaction_at: datetime | None = strawberry.field(description="Oldest interaction.")
    last_interaction_at: datetime | None = strawberry.field(description="Newest interaction.")
    rule_version: str = strawberry.field(description="The engagement rule used.")
    weekly_activity: list[WeeklyActivity] = strawberry.field(
        description="The last 26 weeks, per week and channel (weeks with none are absent)."
    )


@strawberry.type(description="A member with their current score and rank.")
class RankedMember:
    member: Member = strawberry.field(description="The member.")
    score: float = strawberry.field(description="Decayed score now.")
    rank: int = strawberry.field(description="Position in this list, from 1.")


@relay_type(
    "A member of a ranking with its cursor.",
    node="The ranked member.",
    cursor="Opaque position in the ranking.",
)
class RankedMemberEdge(Edge[RankedMember]):
    """An edge of the ranking."""


@relay_type("A page of the ranking by current score.", edges="Members and cursors.")
class RankedMemberConnection(Connection[RankedMemberEdge]):
    """A page of the ranking."""


def interaction_from_row(row: dict[str, Any], reveal: bool) -> Interaction:
    """Build the DTO; url and summary only with personal-data access."""
    return Interaction(
        id=strawberry.ID(str(row["interaction_id"])),
        member_id=strawberry.ID(str(row["member_id"])),
        channel=DomainChannel(row["channel"]),
        kind=DomainKind(row["kind"]),
        occurred_at=row["occurred_at"],
        external_id=row["external_id"],
        thread_ref=row["thread_ref"],
        url=row["url"] if reveal else None,
        summary=row["summary"] if reveal else None,
    )
