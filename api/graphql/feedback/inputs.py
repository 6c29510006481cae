"""GraphQL inputs of the feedback mutations; validation happens in the domain commands."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.graphql.feedback import enums  # noqa: F401 (registers the enums with strawberry)
from api.graphql.members import Channel
from domain.feedback.workflow import FeedbackKind, FeedbackStatus, Importance, Priority

_ITEM = "The feedback item."
_VERSION = "Refuse with a VERSION_MISMATCH conflict if the item is not at this version."


@strawberry.input(description="New feedback from a member, or recorded by staff for them.")
class SubmitFeedbackInput:
    author_id: strawberry.ID = strawberry.field(description="The member who said it.")
    submitted_by: strawberry.ID | None = strawberry.field(
        default=None, description="The staff member recording it on the author's behalf."
    )
    channel: Channel = strawberry.field(description="Where it was said.")
    kind: FeedbackKind = strawberry.field(
        description="Praise, criticism, question, bug, feature request or idea."
    )
    text: str = strawberry.field(
        description="What the member said (1-20000 characters; line breaks kept, no other "
        "control or direction-control characters)."
    )
    source_url: str | None = strawberry.field(
        default=None, description="Where it was said: an http(s) URL (at most 2000 characters)."
    )
    source_interaction_id: strawberry.ID | None = strawberry.field(
        default=None, description="The recorded interaction it was taken from, if any."
    )
    product_area: str | None = strawberry.field(
        default=None, description="The part of the product it is about (at most 100 characters)."
    )
    submitted_at: datetime | None = strawberry.field(
        default=None,
        description="When it was said, with a timezone; in the past for imports, never in the "
        "future; default now.",
    )


@strawberry.input(description="Where the item belongs; absent fields are cleared.")
class TriageFeedbackInput:
    item_id: strawberry.ID = strawberry.field(description=_ITEM)
    expected_version: int | None = strawberry.field(default=None, description=_VERSION)
    product_area: str | None = strawberry.field(
        default=None, description="The part of the product (at most 100 characters)."
    )
    priority: Priority | None = strawberry.field(
        default=None, description="How soon the product team means to look at it."
    )
    team: str | None = strawberry.field(
        default=None, description="The owning team (at most 100 characters)."
    )


@strawberry.input(description="An answer to the item.")
class RespondToFeedbackInput:
    item_id: strawberry.ID = strawberry.field(description=_ITEM)
    expected_version: int | None = strawberry.field(default=None, description=_VERSION)
    responder_id: strawberry.ID = strawberry.field(
        description="The member (staff or not) who answered; staff and bot flags are theirs."
    )
    channel: Channel = strawberry.field(description="Where the answer was given.")
    responded_at: datetime | None = strawberry.field(
        default=None,
        description="When, with a timezone; not before the item was submitted; default now.",
    )


@strawberry.input(description="A member backing the item.")
class SupportFeedbackInput:
    item_id: strawberry.ID = strawberry.field(description=_ITEM)
    expected_version: int | None = strawberry.field(default=None, description=_VERSION)
    member_id: strawberry.ID = strawberry.field(
        description="The supporting member (not the author; once per member)."
    )
    importance: Importance = strawberry.field(
        default=Importance.UNKNOWN,
        description="How much it matters to them.",
    )


@strawberry.input(description="A supporter taking their support back.")
class WithdrawFeedbackSupportInput:
    item_id: strawberry.ID = strawberry.field(description=_ITEM)
    expected_version: int | None = strawberry.field(default=None, description=_VERSION)
    member_id: strawberry.ID = strawberry.field(description="The member who supported it.")


@strawberry.input(description="A move in the workflow.")
class ChangeFeedbackStatusInput:
    item_id: strawberry.ID = strawberry.field(description=_ITEM)
    expected_version: int | None = strawberry.field(default=None, description=_VERSION)
    status: FeedbackStatus = strawberry.field(
        description="The new status; an illegal move is a FeedbackStatusConflict."
    )
    changed_by: strawberry.ID = strawberry.field(description="The member (staff) who moved it.")
    reason: str | None = strawberry.field(
        default=None, description="Why, for the history and the members told (at most 2000)."
    )
    notify_supporters: bool = strawberry.field(
        default=False, description="Whether the supporters are to be told of this change."
    )


@strawberry.input(description="An item that says the same as a canonical one.")
class MarkFeedbackDuplicateInput:
    item_id: strawberry.ID = strawberry.field(description="The duplicate.")
    expected_version: int | None = strawberry.field(default=None, description=_VERSION)
    canonical_id: strawberry.ID = strawberry.field(
        description="The canonical item: not itself a duplicate (groups are one level deep)."
    )
    marked_by: strawberry.ID = strawberry.field(description="The member (staff) who marks it.")


@strawberry.input(description="A duplicate to let stand on its own again.")
class UnmarkFeedbackDuplicateInput:
    item_id: strawberry.ID = strawberry.field(description="The duplicate.")
    expected_version: int | None = strawberry.field(default=None, description=_VERSION)
    unmarked_by: strawberry.ID = strawberry.field(description="The member (staff) who unmarks.")


@strawberry.input(description="The item's issue in an external tracker.")
class LinkFeedbackToTrackerInput:
    item_id: strawberry.ID = strawberry.field(description=_ITEM)
    expected_version: int | None = strawberry.field(default=None, description=_VERSION)
    url: str = strawberry.field(description="The issue's http(s) URL (at most 2000 characters).")
    key: str = strawberry.field(
        description="The issue's key, e.g. PROJ-123 or owner/repo#42 (at most 100 characters)."
    )


@strawberry.input(description="An item to stop following in its tracker.")
class UnlinkFeedbackFromTrackerInput:
    item_id: strawberry.ID = strawberry.field(description=_ITEM)
    expected_version: int | None = strawberry.field(default=None, description=_VERSION)


@strawberry.input(description="A member who asked or supported, told of the outcome.")
class RecordFeedbackLoopClosedInput:
    item_id: strawberry.ID = strawberry.field(description=_ITEM)
    expected_version: int | None = strawberry.field(default=None, description=_VERSION)
    member_id: strawberry.ID = strawberry.field(description="The author or a supporter told.")
    channel: Channel = strawberry.field(description="How they were told.")
    told_by: strawberry.ID = strawberry.field(description="The member (staff) who told them.")
    told_at: datetime | None = strawberry.field(
        default=None,
        description="When, with a timezone; not before the item was submitted; default now.",
    )
