"""GraphQL types of the health context: KPIs per period with their change, and cohorts."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from domain.health.cohorts import Cohort as DomainCohort
from domain.health.kpis import Figure
from domain.health.kpis import PeriodKpis as DomainPeriodKpis


@strawberry.enum(
    description="How long one period of a health series is (UTC): weeks start on Monday,"
    " months on the 1st."
)
class HealthGranularity(Enum):
    WEEK = "week"
    MONTH = "month"


@strawberry.type(description="A number of one period, and its change from the period before.")
class HealthFigure:
    value: int = strawberry.field(description="The number in this period.")
    change: int = strawberry.field(description="This value minus the previous period's.")
    relative: float | None = strawberry.field(
        description="change / the previous period's value; null when that value was 0."
    )


def figure_of(figure: Figure) -> HealthFigure:
    """The GraphQL figure of a domain figure."""
    return HealthFigure(value=figure.value, change=figure.change, relative=figure.relative)


@strawberry.type(description="Active members of one engagement level, and their change.")
class StageFigure:
    stage: str | None = strawberry.field(
        description="The members' lifecycle stage now (new, active, occasional, at_risk,"
        " inactive, returning, left); null for members never evaluated."
    )
    active: HealthFigure = strawberry.field(description="Of them, active in the period.")


@strawberry.type(
    description="The community's numbers in one period [start, end). Staff, bots and erased"
    " members are never counted; no figure names anyone."
)
class HealthPeriod:
    start: date = strawberry.field(description="The first day of the period (UTC).")
    end: date = strawberry.field(description="The first day after the period.")
    rule_version: str = strawberry.field(
        description="The health rule the numbers were judged under (CRM_HEALTH_RULE_VERSION)."
    )
    new: HealthFigure = strawberry.field(
        description="Members whose first interaction ever fell in the period (any channel)."
    )
    active: HealthFigure = strawberry.field(
        description="Members with at least one interaction in the period."
    )
    returning: HealthFigure = strawberry.field(
        description="Members active again after at least the rule's inactive weeks of silence."
    )
    newly_inactive: HealthFigure = strawberry.field(
        description="Members whose last interaction fell in the period and is at least the"
        " rule's inactive weeks old at asOf (CHAOSS)."
    )
    left: HealthFigure = strawberry.field(
        description="Members who left the community in the period (any channel)."
    )
    total: HealthFigure = strawberry.field(
        description="Members of the community at the end of the period (any channel)."
    )
    interactions: HealthFigure = strawberry.field(description="Interactions in the period.")
    one_off: HealthFigure = strawberry.field(
        description="Active members with fewer interactions than the repeat threshold."
    )
    repeat: HealthFigure = strawberry.field(
        description="Active members with at least the repeat threshold of interactions."
    )
    absence_factor: HealthFigure = strawberry.field(
        description="The fewest members making half of the period's interactions (CHAOSS)."
    )
    active_by_stage: list[StageFigure] = strawberry.field(
        description="Active members by engagement level (lifecycle stage as it is now)."
    )
    first_response_median_seconds: float | None = strawberry.field(
        description="Median seconds to first response of the feedback submitted in the"
        " period; null when none was answered."
    )
    first_response_p90_seconds: float | None = strawberry.field(
        description="90th percentile of the same; null when none was answered."
    )


def period_of(kpis: DomainPeriodKpis, rule_version: str) -> HealthPeriod:
    """The GraphQL period of the domain's PeriodKpis."""
    return HealthPeriod(
        start=kpis.start,
        end=kpis.end,
        rule_version=rule_version,
        new=figure_of(kpis.new),
        active=figure_of(kpis.active),
        returning=figure_of(kpis.returning),
        newly_inactive=figure_of(kpis.newly_inactive),
        left=figure_of(kpis.left),
        total=figure_of(kpis.total),
        interactions=figure_of(kpis.interactions),
        one_off=figure_of(kpis.one_off),
        repeat=figure_of(kpis.repeat),
        absence_factor=figure_of(kpis.absence_factor),
        active_by_stage=[
            StageFigure(stage=stage or None, active=figure_of(f))
            for stage, f in kpis.active_by_stage
        ],
        first_response_median_seconds=kpis.first_response_median,
        first_response_p90_seconds=kpis.first_response_p90,
    )


@strawberry.type(description="How many of a cohort were active in one period.")
class CohortPeriod:
    period: date = strawberry.field(description="The first day of the period.")
    active: int = strawberry.field(description="Members of the cohort active in it.")
    share: float = strawberry.field(description="active / the cohort's size, 0 to 1.")


@strawberry.type(description="The members whose first interaction ever fell in one period.")
class HealthCohort:
    start: date = strawberry.field(description="The first day of the cohort's period.")
    size: int = strawberry.field(description="Members in the cohort.")
    retained: list[CohortPeriod] = strawberry.field(
        description="From the cohort's own period to the last period of the span."
    )


def cohort_of(cohort: DomainCohort) -> HealthCohort:
    """The GraphQL cohort of a domain cohort."""
    return HealthCohort(
        start=cohort.start,
        size=cohort.size,
        retained=[
            CohortPeriod(period=r.period, active=r.active, share=r.share) for r in cohort.retained
        ],
    )
