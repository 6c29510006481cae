"""Community health: KPIs per period, cohort retention and activity spikes with their causes."""

from domain.health.causes import Cause, CauseKind, CommunityEvent, Usage, likely_causes
from domain.health.cohorts import Cohort, Retained, cohort_retention
from domain.health.facts import (
    InteractionSeen,
    MemberFacts,
    MemberRecord,
    Spell,
    counted,
    member_facts,
)
from domain.health.kpis import Figure, PeriodKpis, absence_factor, community_kpis
from domain.health.periods import (
    MAX_PERIODS,
    Granularity,
    next_period,
    period_start,
    periods,
    previous_period,
)
from domain.health.rule import HealthRule, InvalidHealthRule
from domain.health.spikes import Spike, SpikeRule, spikes

__all__ = [
    "MAX_PERIODS",
    "Cause",
    "CauseKind",
    "Cohort",
    "CommunityEvent",
    "Figure",
    "Granularity",
    "HealthRule",
    "InteractionSeen",
    "InvalidHealthRule",
    "MemberFacts",
    "MemberRecord",
    "PeriodKpis",
    "Retained",
    "Spell",
    "Spike",
    "SpikeRule",
    "Usage",
    "absence_factor",
    "cohort_retention",
    "community_kpis",
    "counted",
    "likely_causes",
    "member_facts",
    "next_period",
    "period_start",
    "periods",
    "previous_period",
    "spikes",
]
