"""Success types, feedback-specific errors and named result unions of the feedback mutations."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from api.graphql.errors import Conflict, Error, Forbidden, NotFound, ValidationFailed
from api.graphql.feedback import enums  # noqa: F401 (registers the enums with strawberry)
from api.graphql.feedback.types import FeedbackItem
from domain.feedback.workflow import FeedbackStatus


@strawberry.type
class FeedbackChanged:
    """Base of the success types: the item after the change (not in the schema)."""

    item: FeedbackItem | None = strawberry.field(
        description="The item after the change (read your write); null only when the read "
        "model lags past the read-your-writes timeout."
    )
    item_id: strawberry.ID = strawberry.field(description="The item's id.")
    version: int = strawberry.field(
        description="The item's version after the change; pass as expectedVersion to edit."
    )


@strawberry.type(
    description="The status change is not allowed by the workflow: nothing was recorded."
)
class FeedbackStatusConflict(Error):
    code: str = strawberry.field(description="Always ILLEGAL_STATUS_CHANGE.")
    from_status: FeedbackStatus = strawberry.field(description="The item's current status.")
    to_status: FeedbackStatus = strawberry.field(description="The status asked for.")
    allowed: list[FeedbackStatus] = strawberry.field(
        description="The statuses the item may move to from its current one."
    )


@strawberry.type(
    description="Duplicate groups are one level deep: this mark would nest them. Nothing "
    "was recorded."
)
class FeedbackGroupConflict(Error):
    code: str = strawberry.field(
        description="CANONICAL_IS_DUPLICATE (mark against canonicalId instead) or "
        "FEEDBACK_HAS_DUPLICATES (the item is the canonical of duplicateIds)."
    )
    canonical_id: strawberry.ID | None = strawberry.field(
        description="On CANONICAL_IS_DUPLICATE: the canonical item to mark against."
    )
    duplicate_ids: list[strawberry.ID] = strawberry.field(
        description="On FEEDBACK_HAS_DUPLICATES: items that name this one canonical (a few)."
    )


def _result(name: str) -> Any:
    """A named result union; clients switch on __typename."""
    return strawberry.union(
        name, description="The success type, or the typed error that explains the refusal."
    )


@strawberry.type(description="The feedback was recorded.")
class FeedbackSubmitted(FeedbackChanged):
    pass


@strawberry.type(description="The item is placed: product area, priority, team.")
class FeedbackTriaged(FeedbackChanged):
    pass


@strawberry.type(description="The answer is recorded.")
class FeedbackRespondedTo(FeedbackChanged):
    pass


@strawberry.type(description="The member's support is counted.")
class FeedbackSupported(FeedbackChanged):
    pass


@strawberry.type(description="The member no longer supports the item.")
class FeedbackSupportWithdrawn(FeedbackChanged):
    pass


@strawberry.type(description="The item moved in the workflow.")
class FeedbackStatusChanged(FeedbackChanged):
    pass


@strawberry.type(description="The item is a duplicate of the canonical one; nothing was copied.")
class FeedbackMarkedDuplicate(FeedbackChanged):
    pass


@strawberry.type(description="The item stands on its own again, as if never merged.")
class FeedbackUnmarkedDuplicate(FeedbackChanged):
    pass


@strawberry.type(description="The item is linked to the tracker (or already was, the same way).")
class FeedbackLinkedToTracker(FeedbackChanged):
    pass


@strawberry.type(description="The item is no longer linked to a tracker.")
class FeedbackUnlinkedFromTracker(FeedbackChanged):
    pass


@strawberry.type(description="The member is recorded as told of the outcome.")
class FeedbackLoopClosed(FeedbackChanged):
    already_told: bool = strawberry.field(
        description="True when the member had been told before: nothing new was recorded."
    )


Errors = ValidationFailed | NotFound | Conflict | Forbidden

SubmitFeedbackResult = Annotated[FeedbackSubmitted | Errors, _result("SubmitFeedbackResult")]
TriageFeedbackResult = Annotated[FeedbackTriaged | Errors, _result("TriageFeedbackResult")]
RespondToFeedbackResult = Annotated[
    FeedbackRespondedTo | Errors, _result("RespondToFeedbackResult")
]
SupportFeedbackResult = Annotated[FeedbackSupported | Errors, _result("SupportFeedbackResult")]
WithdrawFeedbackSupportResult = Annotated[
    FeedbackSupportWithdrawn | Errors, _result("WithdrawFeedbackSupportResult")
]
ChangeFeedbackStatusResult = Annotated[
    FeedbackStatusChanged | FeedbackStatusConflict | Errors,
    _result("ChangeFeedbackStatusResult"),
]
MarkFeedbackDuplicateResult = Annotated[
    FeedbackMarkedDuplicate | FeedbackGroupConflict | Errors,
    _result("MarkFeedbackDuplicateResult"),
]
UnmarkFeedbackDuplicateResult = Annotated[
    FeedbackUnmarkedDuplicate | Errors, _result("UnmarkFeedbackDuplicateResult")
]
LinkFeedbackToTrackerResult = Annotated[
    FeedbackLinkedToTracker | Errors, _result("LinkFeedbackToTrackerResult")
]
UnlinkFeedbackFromTrackerResult = Annotated[
    FeedbackUnlinkedFromTracker | Errors, _result("UnlinkFeedbackFromTrackerResult")
]
RecordFeedbackLoopClosedResult = Annotated[
    FeedbackLoopClosed | Errors, _result("RecordFeedbackLoopClosedResult")
]
