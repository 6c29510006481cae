"""topDiscussions: the threads that drew the most interest in a period (every role; the
first message's summary only for the roles that may see personal data)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from api.graphql.context import Info
from api.graphql.errors import bad_field
from api.graphql.members import Channel
from api.services import in_thread
from domain.errors import InvalidField
from domain.outreach import discussions as d


@strawberry.type(
    name="Discussion",
    description="A thread and the interest it drew in the period; staff and bots are left "
    "out of every count (as flagged now).",
)
class DiscussionType:
    channel: Channel = strawberry.field(description="The platform of the thread.")
    thread_ref: str = strawberry.field(description="The thread's reference on its platform.")
    participants: int = strawberry.field(
        description="Distinct members who contributed or reacted in the thread in the period."
    )
    replies: int = strawberry.field(
        description="Contributions in the period other than the thread's first message."
    )
    reactions: int = strawberry.field(description="Reactions given in the thread in the period.")
    first_message_at: datetime | None = strawberry.field(
        description="When the thread's first message was written (any author, maybe before "
        "the period); null while only reactions are known."
    )
    summary: str | None = strawberry.field(
        description="The first message's summary; null when your role may not see personal "
        "data, when it had none, once its author is erased, or (with asOf) when the first "
        "message then known is no longer the first."
    )
    first_staff_response_at: datetime | None = strawberry.field(
        description="The first staff contribution after the first member's; null when staff "
        "has not answered."
    )
    staff_response_seconds: int | None = strawberry.field(
        description="Seconds from the first member's contribution to the first staff "
        "contribution after it; null when staff has not answered."
    )


def discussion_of(found: d.Discussion, reveal: bool) -> DiscussionType:
    """The GraphQL discussion of a ranked thread; the summary only with `reveal`."""
    waited = found.staff_response_time
    return DiscussionType(
        channel=Channel(found.channel),
        thread_ref=found.thread_ref,
        participants=found.participants,
        replies=found.replies,
        reactions=found.reactions,
        first_message_at=found.first_message_at,
        summary=found.summary if reveal else None,
        first_staff_response_at=found.first_staff_response_at,
        staff_response_seconds=None if waited is None else int(waited.total_seconds()),
    )


@strawberry.type
class DiscussionQuery:
    """The discussions that draw interest."""

    @strawberry.field(
        description="Threads with activity on the days [from, to) (UTC), ranked by distinct "
        "participants, then replies, then reactions in the period (staff and bots left out), "
        f"at most `first` (1-{d.MAX_FIRST}); a span of at most {d.MAX_DAYS} days. Read from "
        "rollups."
    )
    async def top_discussions(
        self,
        info: Info,
        from_: Annotated[
            date, strawberry.argument(name="from", description="The first day (UTC).")
        ],
        to: Annotated[date, strawberry.argument(description="The day after the last (UTC).")],
        channel: Annotated[
            Channel | None, strawberry.argument(description="One channel; omit for all.")
        ] = None,
        first: Annotated[
            int, strawberry.argument(description=f"How many threads (1-{d.MAX_FIRST}).")
        ] = 10,
        as_of: Annotated[
            date | None,
            strawberry.argument(
                description="As known at the end of this UTC day: interactions recorded later "
                "do not count (staff and bots as flagged now). Null: as known now."
            ),
        ] = None,
    ) -> list[DiscussionType]:
        discussions = info.context.services.use_cases.discussions
        reveal = info.context.principal.can_read_personal_data
        on = Channel(channel).value if channel is not None else None
        try:
            found = await in_thread(
                lambda: discussions.top(from_, to, on, first, reveal=reveal, as_of=as_of)
            )
        except InvalidField as error:
            raise bad_field(error) from None
        return [discussion_of(f, reveal) for f in found]
