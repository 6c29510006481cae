"""Candidacy queries: the ranked candidates with their why, the rule, and draft rules.

Candidates are read from the evaluation job's runs (application/ambassadors/candidacy.py),
never computed per request; only admins and managers (can_manage_program) see them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import strawberry

from api.graphql.ambassadors.candidate_types import (
    AmbassadorCandidate,
    AmbassadorCandidateConnection,
    CandidacyRuleInput,
    CandidacyRuleType,
    CandidacySimulation,
    SimulatedCandidate,
    why_from,
    why_of,
)
from api.graphql.context import Info
from api.graphql.errors import bad_field, bad_input, forbidden_query
from api.graphql.instants import check_as_of
from api.graphql.members import Channel, Member, load_members
from api.graphql.relay import DEFAULT_FIRST, After, First, PageRequest, check_first
from api.services import Services, in_thread
from application.ambassadors.candidacy_simulation import Simulated
from application.clock import utc_now
from domain.ambassadors.candidacy import InvalidCandidacyRule
from domain.values import Channel as DomainChannel
from projections.ambassadors.candidates import CandidacyRun, CandidateFilter, CandidateQueries
from projections.cursors import InvalidCursor, Page

MAX_LISTED = 100
AsOf = Annotated[
    datetime | None,
    strawberry.argument(
        description="The list as it was then: the latest evaluation at or before this "
        "instant (none by then: an empty list with evaluatedAt null). Default: the latest."
    ),
]


@strawberry.input(description="Which candidates to list.")
class AmbassadorCandidateFilter:
    channel: Channel | None = strawberry.field(
        default=None, description="Active on this channel within the rule's window."
    )
    min_score: float | None = strawberry.field(default=None, description="Score at least this.")


@strawberry.type
class CandidacyQuery:
    """Queries of ambassador candidacy."""

    @strawberry.field(
        description="Members the candidacy rule lists as possible ambassadors, best score "
        "first, each with why (every factor's value, threshold, floor and contribution). "
        "Read from the latest evaluation of the configured rule (run daily by the worker, or "
        "by `crm ambassadors evaluate`); members who joined the program since are left out. "
        "With asOf, the evaluation in force then. Admins and managers only."
    )
    async def ambassador_candidates(
        self,
        info: Info,
        filter: AmbassadorCandidateFilter | None = None,
        first: First = DEFAULT_FIRST,
        after: After = None,
        as_of: AsOf = None,
    ) -> AmbassadorCandidateConnection:
        _may_manage(info, "read ambassador candidates")
        services = info.context.services
        request = PageRequest.checked(info, first, after)
        check_as_of(services, as_of)
        where = _filter(filter)
        try:
            # One trip off the event loop for the run, its page and the page's members:
            # each trip waits for a worker thread, and more so on a busy machine.
            run, page, nodes = await in_thread(_listed, services, where, request, as_of)
        except InvalidCursor as error:
            raise bad_input(f"after: {error}") from None
        if run is None:
            version = services.settings.candidacy_rule().version
            return AmbassadorCandidateConnection.of(page, after, [], rule_version=version)
        return AmbassadorCandidateConnection.of(
            page,
            after,
            nodes,
            evaluated_at=run.evaluated_at,
            rule_version=run.rule_version,
            members_examined=run.examined,
        )

    @strawberry.field(description="The candidacy rule in force (CRM_CANDIDACY_* settings).")
    def candidacy_rule(self, info: Info) -> CandidacyRuleType:
        return CandidacyRuleType.of(info.context.services.settings.candidacy_rule())

    @strawberry.field(
        description="Who a draft candidacy rule would list at asOf (default now), beside the "
        "current rule at the same instant: both judge every counted member, remembering the "
        "candidates of the current rule's latest evaluation before asOf (hysteresis). Nothing "
        "is recorded. Admins and managers only."
    )
    async def simulate_candidacy_rule(
        self,
        info: Info,
        rule: CandidacyRuleInput,
        as_of: Annotated[
            datetime | None, strawberry.argument(description="Instant judged; default now.")
        ] = None,
        first: Annotated[int, strawberry.argument(description="Members listed, 1-100.")] = 20,
    ) -> CandidacySimulation:
        _may_manage(info, "simulate candidacy rules")
        check_first(first, MAX_LISTED)
        services = info.context.services
        check_as_of(services, as_of)
        current = services.settings.candidacy_rule()
        try:
            draft = rule.to_rule(current)
        except InvalidCandidacyRule as error:
            raise bad_field(error, "rule.") from None
        simulation = services.use_cases.candidacy_simulation
        result = await in_thread(lambda: simulation.simulate(draft, as_of, listed=first))
        listed = [*result.draft_candidates, *result.newly_in, *result.no_longer_in]
        members = await in_thread(_members_of, services, [s.member_id for s in listed])
        return CandidacySimulation(
            as_of=result.at,
            remembered_run=result.memory_at,
            draft_version=draft.version,
            current_version=current.version,
            members_examined=result.examined,
            candidates_by_draft=result.by_draft,
            candidates_by_current=result.by_current,
            draft_candidates=_simulated(result.draft_candidates, members),
            newly_in=_simulated(result.newly_in, members),
            no_longer_in=_simulated(result.no_longer_in, members),
        )


def _may_manage(info: Info, action: str) -> None:
    """Candidates are the community manager's: FORBIDDEN for every other role."""
    if not info.context.principal.can_manage_program:
        raise forbidden_query(f"your role may not {action} (admin or manager only)")


def _filter(given: AmbassadorCandidateFilter | None) -> CandidateFilter:
    if given is None:
        return CandidateFilter()
    if given.min_score is not None and not abs(given.min_score) < float("inf"):
        raise bad_input("filter.minScore: must be a finite number")
    return CandidateFilter(given.channel.value if given.channel else None, given.min_score)


def _listed(
    services: Services, where: CandidateFilter, request: PageRequest, as_of: datetime | None
) -> tuple[CandidacyRun | None, Page, list[AmbassadorCandidate | None]]:
    """The configured rule's run (the latest, or the one in force at as_of), its page of
    candidates, and their nodes; no run: an empty page."""
    queries = CandidateQueries(services.pool)
    run = queries.run(services.settings.candidacy_rule().version, as_of)
    if run is None:
        return None, Page([], False), []
    page = queries.candidates(
        run, where, request.after, request.first, now=utc_now(), current=as_of is None
    )
    return run, page, _candidates(services, page)


def _members_of(services: Services, ids: list[UUID]) -> dict[UUID, Member]:
    # Only admins and managers get here: they read personal data.
    return {UUID(str(m.id)): m for m in load_members(services, list(dict.fromkeys(ids)), True)}


def _candidates(services: Services, page: Page) -> list[AmbassadorCandidate | None]:
    members = _members_of(services, [row["member_id"] for row in page.rows])
    return [
        _candidate(member, row) if (member := members.get(row["member_id"])) else None
        for row in page.rows
    ]


def _candidate(member: Member, row: dict[str, Any]) -> AmbassadorCandidate:
    return AmbassadorCandidate(
        member=member,
        score=row["score"],
        candidate_since=row["candidate_since"],
        rule_version=row["rule_version"],
        evaluated_at=row["evaluated_at"],
        why=why_from(row["factors"]),
        channels=[DomainChannel(c) for c in row["channels"]],
        marketing_consent=row["marketing_consent"],
    )


def _simulated(listed: list[Simulated], members: dict[UUID, Member]) -> list[SimulatedCandidate]:
    return [
        SimulatedCandidate(
            member=members[s.member_id],
            draft_candidate=bool(s.draft and s.draft.candidate),
            current_candidate=bool(s.current and s.current.candidate),
            draft_score=s.draft.score if s.draft else None,
            current_score=s.current.score if s.current else None,
            why=why_of(shown.why) if (shown := s.draft or s.current) else [],
        )
        for s in listed
        if s.member_id in members
    ]
