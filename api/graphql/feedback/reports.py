"""The manager's views of feedback: what came in, and how fast it was first answered."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

import strawberry

from api.graphql.errors import bad_input
from api.graphql.feedback.enums import FeedbackKindEnum, FeedbackStatusEnum, PriorityEnum
from domain.feedback.workflow import FeedbackKind, FeedbackStatus, Priority
from projections.feedback.reports import FeedbackSummary as Summary
from projections.feedback.reports import ResponseGroup, ResponseReport, ResponseTimes

# The GraphQL enum is the report's own class (strawberry.enum returns the class it is given).
ResponseTimeGrouping = ResponseGroup
strawberry.enum(
    ResponseTimeGrouping,
    name="ResponseTimeGrouping",
    description="How response times are grouped: by ISO week submitted, channel, or priority.",
)

# Spans outside these years hold no feedback (submissions are refused before 1990 by default).
MIN_YEAR, MAX_YEAR = 1900, 2999
From = Annotated[
    datetime,
    strawberry.argument(name="from", description="Items submitted at or after this instant."),
]
To = Annotated[datetime, strawberry.argument(description="Items submitted before this instant.")]


@strawberry.type(description="How many items are of one kind.")
class FeedbackKindCount:
    kind: FeedbackKind = strawberry.field(description="The kind.")
    items: int = strawberry.field(description="Items submitted in the span.")


@strawberry.type(description="How many items are in one status now.")
class FeedbackStatusCount:
    status: FeedbackStatus = strawberry.field(description="The status.")
    items: int = strawberry.field(description="Items submitted in the span.")


@strawberry.type(description="How many items are on one product area.")
class ProductAreaCount:
    product_area: str | None = strawberry.field(description="The area; null for none yet.")
    items: int = strawberry.field(description="Items submitted in the span.")


@strawberry.type(description="How many items were submitted in one ISO week (UTC).")
class WeekCount:
    week: date = strawberry.field(description="The Monday starting the week.")
    iso_week: str = strawberry.field(description="The ISO 8601 week, e.g. 2026-W23.")
    items: int = strawberry.field(description="Items submitted that week.")


@strawberry.type(description="Items submitted in a span, counted four ways.")
class FeedbackSummary:
    from_: datetime = strawberry.field(name="from", description="Start of the span (included).")
    to: datetime = strawberry.field(description="End of the span (excluded).")
    total: int = strawberry.field(description="Items submitted in the span.")
    by_kind: list[FeedbackKindCount] = strawberry.field(description="Most items first.")
    by_status: list[FeedbackStatusCount] = strawberry.field(
        description="By current status, most items first."
    )
    by_product_area: list[ProductAreaCount] = strawberry.field(
        description="Most items first; items without an area last."
    )
    by_week: list[WeekCount] = strawberry.field(
        description="Oldest week first; weeks without items are absent."
    )


@strawberry.type(description="Time to first response of one group of items.")
class ResponseTimeGroup:
    key: str | None = strawberry.field(
        description="The group: the week's Monday (YYYY-MM-DD), the channel, or the priority "
        "value; null for untriaged items, and for the overall figures."
    )
    week: date | None = strawberry.field(description="With groupBy WEEK: the Monday.")
    channel: str | None = strawberry.field(description="With groupBy CHANNEL: the channel.")
    priority: Priority | None = strawberry.field(
        description="With groupBy PRIORITY: the priority (null for untriaged items)."
    )
    answered: int = strawberry.field(description="Items with a first response.")
    unanswered: int = strawberry.field(description="Items without one yet.")
    median_seconds: float | None = strawberry.field(
        description="Median time to first response of the answered items; null if none. "
        "Exact when `exact`; otherwise read from the response-time histogram: within 0.5% "
        "of the exact value (within half a second for waits under a second)."
    )
    p90_seconds: float | None = strawberry.field(
        description="90th percentile (interpolated) of the same; null if none. As exact as "
        "the median."
    )
    over_target: int = strawberry.field(
        description="Items answered later than their priority's target, or unanswered and "
        "older than it now."
    )
    exact: bool = strawberry.field(
        description="Whether median and p90 are exact. Spans holding whole weeks with 20,000 "
        "answered items or more are read from the histogram (within 0.5%); counts are always "
        "exact."
    )


@strawberry.type(description="The first-response target of one priority.")
class ResponseTarget:
    priority: Priority | None = strawberry.field(
        description="The priority; null for the default (untriaged items)."
    )
    hours: float = strawberry.field(description="Hours to a first response.")


@strawberry.type(description="Time to first response (CHAOSS) of the items submitted in a span.")
class ResponseTimeReport:
    from_: datetime = strawberry.field(name="from", description="Start of the span (included).")
    to: datetime = strawberry.field(description="End of the span (excluded).")
    group_by: ResponseTimeGrouping = strawberry.field(description="How items are grouped.")
    groups: list[ResponseTimeGroup] = strawberry.field(description="One entry per group.")
    overall: ResponseTimeGroup = strawberry.field(description="Every item of the span.")
    targets: list[ResponseTarget] = strawberry.field(
        description="The targets used (CRM_FEEDBACK_RESPONSE_TARGETS)."
    )
    as_of: datetime = strawberry.field(description="The instant unanswered items were aged at.")


def check_moment(field: str, moment: datetime) -> None:
    """Refuse an instant without a zone, or outside the years any feedback can fall in."""
    if moment.utcoffset() is None:
        raise bad_input(f"{field}: must include a timezone offset")
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise bad_input(f"{field}: must be in the years {MIN_YEAR} to {MAX_YEAR}")


def checked_span(from_: datetime, to: datetime) -> None:
    """Refuse instants without a zone or out of range, and a span that ends before it starts."""
    check_moment("from", from_)
    check_moment("to", to)
    if from_ > to:
        raise bad_input("from: must not be after to")


def summary_of(summary: Summary, from_: datetime, to: datetime) -> FeedbackSummary:
    """The GraphQL summary of the report's counts."""
    return FeedbackSummary(
        from_=from_,
        to=to,
        total=summary.total,
        # Kind and status are never unset (the columns are NOT NULL).
        by_kind=[
            FeedbackKindCount(kind=FeedbackKindEnum(c.key), items=c.items)
            for c in summary.kinds
            if c.key
        ],
        by_status=[
            FeedbackStatusCount(status=FeedbackStatusEnum(c.key), items=c.items)
            for c in summary.statuses
            if c.key
        ],
        by_product_area=[
            ProductAreaCount(product_area=c.key, items=c.items) for c in summary.product_areas
        ],
        by_week=[
            WeekCount(week=w.week, iso_week=_iso_week(w.week), items=w.items) for w in summary.weeks
        ],
    )


def response_times_of(
    report: ResponseReport,
    group_by: ResponseGroup,
    targets: dict[str | None, timedelta],
    span: tuple[datetime, datetime],
    as_of: datetime,
) -> ResponseTimeReport:
    """The GraphQL report of the response times, with the targets they were judged by."""
    return ResponseTimeReport(
        from_=span[0],
        to=span[1],
        group_by=group_by,
        groups=[_group(g, group_by) for g in report.groups],
        overall=_group(report.overall, None),
        targets=[
            ResponseTarget(priority=PriorityEnum(p) if p else None, hours=t.total_seconds() / 3600)
            for p, t in targets.items()
        ],
        as_of=as_of,
    )


def _iso_week(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _group(times: ResponseTimes, group_by: ResponseGroup | None) -> ResponseTimeGroup:
    key = times.key
    return ResponseTimeGroup(
        key=key,
        week=date.fromisoformat(key) if key and group_by == ResponseGroup.WEEK else None,
        channel=key if group_by == ResponseGroup.CHANNEL else None,
        priority=PriorityEnum(key) if key and group_by == ResponseGroup.PRIORITY else None,
        answered=times.answered,
        unanswered=times.unanswered,
        median_seconds=times.median.total_seconds() if times.median is not None else None,
        p90_seconds=times.p90.total_seconds() if times.p90 is not None else None,
        over_target=times.over_target,
        exact=times.exact,
    )
