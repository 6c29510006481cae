"""Which feedback items to list, checked at the edge with field-specific errors."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from api.graphql.errors import bad_input
from api.graphql.feedback.reports import check_moment
from domain.feedback.workflow import FeedbackKind, FeedbackStatus
from projections.feedback.queries import FeedbackFilter

MAX_VALUES = 50
MAX_NAME = 100
MAX_TEXT = 200
# Ten years: "no first response after N hours" beyond it is every unanswered item.
MAX_UNANSWERED_HOURS = 24 * 366 * 10


@strawberry.input(description="Which feedback items to list; every condition given must hold.")
class FeedbackFilterInput:
    statuses: list[FeedbackStatus] | None = strawberry.field(
        default=None, description="In one of these statuses."
    )
    kinds: list[FeedbackKind] | None = strawberry.field(
        default=None, description="Of one of these kinds."
    )
    product_areas: list[str] | None = strawberry.field(
        default=None, description="On one of these product areas."
    )
    teams: list[str] | None = strawberry.field(default=None, description="Owned by one of these.")
    member_id: strawberry.ID | None = strawberry.field(
        default=None, description="Given or supported by this member."
    )
    submitted_from: datetime | None = strawberry.field(
        default=None, description="Submitted at or after this instant."
    )
    submitted_to: datetime | None = strawberry.field(
        default=None, description="Submitted before this instant."
    )
    text: str | None = strawberry.field(
        default=None, description="Every word occurs in the text (whole words, any case)."
    )
    unanswered_for_hours: int | None = strawberry.field(
        default=None, description="No first response yet, and submitted more than N hours ago."
    )
    duplicates: bool | None = strawberry.field(
        default=None,
        description="false: only items standing on their own or canonical; true: only "
        "duplicates; null: all.",
    )


def feedback_filter(given: FeedbackFilterInput | None) -> FeedbackFilter:
    """The read model's filter, or BAD_USER_INPUT naming the field at fault."""
    if given is None:
        return FeedbackFilter()
    _check_span(given.submitted_from, given.submitted_to)
    hours = given.unanswered_for_hours
    if hours is not None and not 0 <= hours <= MAX_UNANSWERED_HOURS:
        raise bad_input(f"filter.unansweredForHours: must be between 0 and {MAX_UNANSWERED_HOURS}")
    return FeedbackFilter(
        statuses=_values("statuses", [s.value for s in given.statuses or []]),
        kinds=_values("kinds", [k.value for k in given.kinds or []]),
        product_areas=_values("productAreas", given.product_areas or []),
        teams=_values("teams", given.teams or []),
        member_id=_member(given.member_id),
        submitted_from=given.submitted_from,
        submitted_to=given.submitted_to,
        text=_text(given.text),
        unanswered_for_hours=hours,
        duplicates=given.duplicates,
    )


def _values(field: str, values: list[str]) -> list[str] | None:
    if len(values) > MAX_VALUES:
        raise bad_input(f"filter.{field}: at most {MAX_VALUES} values")
    for value in values:
        if not value.strip() or len(value) > MAX_NAME or "\x00" in value:
            raise bad_input(f"filter.{field}: each value 1 to {MAX_NAME} characters, no NUL")
    return list(dict.fromkeys(values)) or None


def _member(value: str | None) -> UUID | None:
    if value is None:
        return None
    try:
        return UUID(str(value))
    except ValueError:
        raise bad_input("filter.memberId: not a member id (a UUID)") from None


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    if len(value) > MAX_TEXT or "\x00" in value:
        raise bad_input(f"filter.text: at most {MAX_TEXT} characters, no NUL")
    return value.strip() or None


def _check_span(start: datetime | None, end: datetime | None) -> None:
    for name, moment in (("submittedFrom", start), ("submittedTo", end)):
        if moment is not None:
            check_moment(f"filter.{name}", moment)
    if start is not None and end is not None and start > end:
        raise bad_input("filter.submittedFrom: must not be after submittedTo")
