"""GraphQL inputs of the follow-up task mutations; validation happens in the domain commands."""

from __future__ import annotations

from datetime import date

import strawberry

_TASK = "The task."
_VERSION = "Refuse with a VERSION_MISMATCH conflict if the task is not at this version."


@strawberry.input(
    description="A follow-up task about a member. Give memberId, or create it from what it "
    "follows up on in one step: fromAtRisk (a member at risk now), fromFeedbackItem (the "
    "item's author) or fromAmbassadorNomination (a nominated member); at most one of these. "
    "With both, memberId must be the record's member."
)
class CreateFollowUpTaskInput:
    title: str = strawberry.field(
        description="What to do (1-500 characters); personal data, sealed under the member's key."
    )
    assignee_id: strawberry.ID = strawberry.field(
        description="The staff member who does it (marked as staff, not erased)."
    )
    due_on: date = strawberry.field(description="The day it is due (UTC), 2000-01-01 to 2999.")
    member_id: strawberry.ID | None = strawberry.field(
        default=None, description="The member it is about; may be left out with a from* field."
    )
    from_at_risk: strawberry.ID | None = strawberry.field(
        default=None,
        description="Follow up on this member's at-risk flag (MEMBER_NOT_AT_RISK unless the "
        "member is at risk now).",
    )
    from_feedback_item: strawberry.ID | None = strawberry.field(
        default=None, description="Follow up on this feedback item, about its author."
    )
    from_ambassador_nomination: strawberry.ID | None = strawberry.field(
        default=None, description="Follow up on this member's ambassador nomination."
    )


@strawberry.input(description="The task to move, optionally at the version the caller saw.")
class FollowUpTaskInput:
    task_id: strawberry.ID = strawberry.field(description=_TASK)
    expected_version: int | None = strawberry.field(default=None, description=_VERSION)
