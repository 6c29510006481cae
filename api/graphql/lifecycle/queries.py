"""Lifecycle queries: who is (or was) at risk, and what a draft rule would flag."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import strawberry

from api.graphql.context import Info
from api.graphql.errors import bad_field, checked_tag
from api.graphql.instants import check_as_of
from api.graphql.lifecycle.backtest import (
    BacktestInput,
    BacktestReport,
    EveryDays,
    From,
    HorizonWeeks,
    To,
)
from api.graphql.lifecycle.backtest import backtest as run_backtest
from api.graphql.lifecycle.types import (
    AtRiskMember,
    AtRiskMemberConnection,
    RuleSimulation,
    SimulatedMember,
    StageChange,
    StageRuleInput,
    evidence_from,
)
from api.graphql.members import Channel, Member, load_members
from api.graphql.relay import DEFAULT_FIRST, After, First, PageRequest, check_first
from api.services import Services, in_thread
from application.clock import utc_now
from application.lifecycle.simulation import Flagged
from domain.lifecycle.rule import InvalidRule
from domain.lifecycle.stages import Assessment, Stage
from domain.values import Channel as DomainChannel
from projections.cursors import Page

MAX_LISTED = 100


@strawberry.input(description="Which at-risk members to list.")
class AtRiskFilter:
    channel: Channel | None = strawberry.field(default=None, description="On this channel.")
    tag: str | None = strawberry.field(default=None, description="With this tag.")


@strawberry.type
class LifecycleQuery:
    """Queries of the lifecycle context."""

    @strawberry.field(
        description="Members at risk, most at stake first, each with why as of the instant "
        "asked and the reason recorded when they entered. With asOf, who was at risk then "
        "(from the stage history), with the evidence as of asOf, not today."
    )
    async def at_risk_members(
        self,
        info: Info,
        as_of: Annotated[
            datetime | None, strawberry.argument(description="A past instant; default now.")
        ] = None,
        first: First = DEFAULT_FIRST,
        after: After = None,
        filter: AtRiskFilter | None = None,
    ) -> AtRiskMemberConnection:
        services = info.context.services
        request = PageRequest.checked(info, first, after)
        check_as_of(services, as_of)
        channel, tag = _filter(filter)
        reveal = info.context.principal.can_read_personal_data
        at = as_of or utc_now()
        page = await request.read(
            lambda cursor, size: services.lifecycle.at_risk(
                as_of, cursor, size, channel=channel, tag=tag
            )
        )
        return await in_thread(_at_risk_page, services, page, reveal, after, at)

    @strawberry.field(
        description="What a draft stage rule would flag at risk at asOf (default now), and "
        "how that differs from the current rule. Nothing is recorded."
    )
    async def simulate_at_risk_rule(
        self,
        info: Info,
        rule: StageRuleInput,
        as_of: Annotated[
            datetime | None, strawberry.argument(description="Instant judged; default now.")
        ] = None,
        first: Annotated[int, strawberry.argument(description="Members listed, 1-100.")] = 20,
        backtest: Annotated[
            BacktestInput | None,
            strawberry.argument(
                description="Also backtest the draft on these dates of the community's history."
            ),
        ] = None,
    ) -> RuleSimulation:
        check_first(first, MAX_LISTED)
        services = info.context.services
        check_as_of(services, as_of)
        try:
            draft = rule.to_rule(services.stage_rule)
        except InvalidRule as error:
            raise bad_field(error, "rule.") from None
        at = as_of or utc_now()
        reveal = info.context.principal.can_read_personal_data
        result = await in_thread(
            lambda: services.use_cases.simulation.simulate(draft, at, listed=first)
        )
        tested = await run_backtest(services, draft, backtest, "backtest.") if backtest else None
        members = await in_thread(
            _members_of,
            services,
            [
                f.member_id
                for f in (*result.draft_flagged, *result.newly_flagged, *result.no_longer_flagged)
            ],
            reveal,
        )
        return RuleSimulation(
            as_of=at,
            draft_version=draft.version,
            current_version=services.stage_rule.version,
            members_judged=result.examined,
            flagged_by_draft=result.flagged_by_draft,
            flagged_by_current=result.flagged_by_current,
            draft_flagged=_simulated(result.draft_flagged, members),
            newly_flagged=_simulated(result.newly_flagged, members),
            no_longer_flagged=_simulated(result.no_longer_flagged, members),
            backtest=tested,
        )

    @strawberry.field(
        description="How well a stage rule (default: the current one) would have foretold who "
        "stopped: replayed on the community's own history at each date with no look-ahead, "
        "scored against who then went silent for horizonWeeks, beside simple reference rules "
        "on the same dates and members. Nothing is recorded."
    )
    async def backtest_at_risk_rule(
        self,
        info: Info,
        from_: From,
        to: To,
        rule: Annotated[
            StageRuleInput | None,
            strawberry.argument(description="A draft rule; default the current one."),
        ] = None,
        every_days: EveryDays = 7,
        horizon_weeks: HorizonWeeks = 26,
    ) -> BacktestReport:
        services = info.context.services
        try:
            draft = rule.to_rule(services.stage_rule) if rule else None
        except InvalidRule as error:
            raise bad_field(error, "rule.") from None
        given = BacktestInput(
            from_=from_, to=to, every_days=every_days, horizon_weeks=horizon_weeks
        )
        return await run_backtest(services, draft, given)


async def stage_history(info: Info, member_id: UUID) -> list[StageChange]:
    """A member's stages, oldest first."""
    rows = await in_thread(info.context.services.lifecycle.stage_history, member_id)
    return [
        StageChange(
            stage=Stage(row["stage"]),
            previous=Stage(row["previous"]) if row["previous"] else None,
            effective_at=row["effective_at"],
            until=row["until"],
            rule_version=row["rule_version"],
            reason=row["reason"],
            why=evidence_from(row["evidence"]) if row["evidence"] else None,
        )
        for row in rows
    ]


def _filter(given: AtRiskFilter | None) -> tuple[str | None, str | None]:
    if given is None:
        return None, None
    return (given.channel.value if given.channel else None), checked_tag(given.tag)


def _members_of(services: Services, ids: list[UUID], reveal: bool) -> dict[str, Member]:
    return {str(m.id): m for m in load_members(services, list(dict.fromkeys(ids)), reveal)}


def _at_risk_page(
    services: Services, page: Page, reveal: bool, after: str | None, at: datetime
) -> AtRiskMemberConnection:
    ids = [row["member_id"] for row in page.rows]
    members = _members_of(services, ids, reveal)
    now = services.use_cases.explanations.explain(ids, at)
    # A member gone since the page was read has no node: its row is left out.
    nodes = [
        _at_risk(member, row, now.get(row["member_id"]))
        if (member := members.get(str(row["member_id"])))
        else None
        for row in page.rows
    ]
    return AtRiskMemberConnection.of(page, after, nodes)


def _at_risk(member: Member, row: dict[str, Any], now: Assessment | None) -> AtRiskMember:
    """An at-risk member with the evidence as of the instant asked beside the recorded one."""
    entry = evidence_from(row["evidence"]) if row["evidence"] else None
    # Without a judgement as of the instant (a member no longer counted, e.g. marked staff
    # since), the recorded evidence is all there is.
    why = evidence_from(now.evidence) if now else entry or evidence_from({})
    return AtRiskMember(
        member=member,
        since=row["since"],
        why=why,
        reason=now.reason if now else row["reason"] or "",
        entry_why=entry,
        entry_reason=row["reason"],
        rule_version=row["rule_version"],
        last_interaction_at=why.last_interaction_at,
        channels=[DomainChannel(c) for c in row["active_channels"]],
    )


def _simulated(flagged: list[Flagged], members: dict[str, Member]) -> list[SimulatedMember]:
    return [
        SimulatedMember(
            member=members[str(f.member_id)],
            draft_stage=f.draft.stage,
            current_stage=f.current.stage,
            reason=f.draft.reason,
            why=evidence_from(f.draft.evidence),
        )
        for f in flagged
        if str(f.member_id) in members
    ]
