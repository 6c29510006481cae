"""Backtests over GraphQL: a stage rule's scores on the community's own history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from api.graphql.errors import bad_field
from api.services import Services, in_thread
from application.lifecycle.backtest import BacktestReport as Report
from application.lifecycle.scoring import RuleScore
from domain.errors import InvalidField
from domain.lifecycle.backtesting import WEEK, every_days, horizon_weeks
from domain.lifecycle.rule import StageRule

From = Annotated[datetime, strawberry.argument(name="from", description="The first date judged.")]
To = Annotated[
    datetime,
    strawberry.argument(
        description="The last date judged at most; at least horizonWeeks before now, so that "
        "who stopped after it is known."
    ),
]
EveryDays = Annotated[
    int, strawberry.argument(description="Days between the dates judged (1-365).")
]
HorizonWeeks = Annotated[
    int,
    strawberry.argument(
        description="Weeks without any interaction after a date that make a member stopped "
        "at that date (1-104)."
    ),
]


@strawberry.input(description="Which dates a backtest judges, and what counts as stopped.")
class BacktestInput:
    from_: datetime = strawberry.field(name="from", description="The first date judged.")
    to: datetime = strawberry.field(
        description="The last date judged at most; at least horizonWeeks before now."
    )
    every_days: int = strawberry.field(default=7, description="Days between dates (1-365).")
    horizon_weeks: int = strawberry.field(
        default=26, description="Weeks of silence after a date that make a member stopped (1-104)."
    )


@strawberry.type(description="How well one rule foretold who stopped, pooled over the dates.")
class BacktestScore:
    name: str = strawberry.field(description="The rule: a stage rule version or a reference.")
    description: str = strawberry.field(description="What the rule flags, in words.")
    flagged: int = strawberry.field(description="Members flagged, summed over the dates.")
    true_positives: int = strawberry.field(description="Of those, members who then stopped.")
    precision: float | None = strawberry.field(
        description="Share of the flagged who stopped; null when nobody was flagged."
    )
    recall: float | None = strawberry.field(
        description="Share of those who stopped that were flagged; null when nobody stopped."
    )
    f1: float | None = strawberry.field(description="Harmonic mean of precision and recall.")
    precision_at_10: float | None = strawberry.field(
        description="Precision of each date's ten highest-ranked flags, pooled over dates."
    )
    precision_at_25: float | None = strawberry.field(
        description="Precision of each date's 25 highest-ranked flags, pooled over dates."
    )
    median_lead_weeks: float | None = strawberry.field(
        description="Median weeks from the first flag to the last interaction of the stops "
        "caught; negative when the flag came after they went quiet."
    )
    stops: int = strawberry.field(
        description="Stops (a last interaction, then horizonWeeks of silence) of members "
        "judged in the 90 days after their last interaction."
    )
    stops_caught: int = strawberry.field(
        description="Of those, stops the rule flagged within those 90 days."
    )


@strawberry.type(
    description="A stage rule replayed on the community's history with no look-ahead, "
    "scored against who really stopped, beside simple reference rules on the same dates."
)
class BacktestReport:
    from_: datetime = strawberry.field(name="from", description="The first date judged.")
    to: datetime = strawberry.field(description="The last date judged.")
    every_days: int = strawberry.field(description="Days between the dates judged.")
    horizon_weeks: int = strawberry.field(description="Weeks of silence that make a stop.")
    dates_scored: int = strawberry.field(description="How many dates were judged.")
    members_read: int = strawberry.field(description="Counted members read (no staff, bots).")
    judged: int = strawberry.field(
        description="Members judged, summed over the dates: those regularly active at a date "
        "(active in 6 weeks of the year before it, and in its last 90 days)."
    )
    stopped: int = strawberry.field(description="Of those, members who then stopped.")
    rule: BacktestScore = strawberry.field(description="The stage rule backtested.")
    references: list[BacktestScore] = strawberry.field(
        description="Reference rules on the same dates and members: silent 28 days, "
        "Orbit-style drift, crowd.dev-style slipping."
    )


async def backtest(
    services: Services,
    rule: StageRule | None,
    given: BacktestInput,
    prefix: str = "",
) -> BacktestReport:
    """Run a backtest; BAD_USER_INPUT naming the field (after `prefix`) it refuses."""
    try:
        every, horizon = every_days(given.every_days), horizon_weeks(given.horizon_weeks)
        report = await in_thread(
            lambda: services.use_cases.backtest.run(
                rule, given.from_, given.to, every=every, horizon=horizon
            )
        )
    except InvalidField as error:
        raise bad_field(error, prefix) from None
    return _report(report)


def _report(report: Report) -> BacktestReport:
    schedule = report.schedule
    return BacktestReport(
        from_=schedule.start,
        to=schedule.end,
        every_days=schedule.every.days,
        horizon_weeks=schedule.horizon // WEEK,
        dates_scored=len(schedule.dates),
        members_read=report.members,
        judged=report.judged,
        stopped=report.stopped,
        rule=_score(report.rule),
        references=[_score(score) for score in report.references],
    )


def _score(score: RuleScore) -> BacktestScore:
    return BacktestScore(**vars(score))
