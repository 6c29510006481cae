"""Conduct mutations: each builds a command, runs it on the desk, and returns its result union.

Admin and manager only: every other role gets the FORBIDDEN result.
"""

from __future__ import annotations

import strawberry

from api.graphql.conduct import inputs as i
from api.graphql.conduct import payloads as p
from api.graphql.conduct.enums import ConductDecision
from api.graphql.conduct.execute import changed, execute
from api.graphql.context import Info
from api.services import in_thread
from application.conduct.desk import ConductDesk
from application.conduct.saving import IncidentChange
from domain.conduct import commands as cmd
from projections.positions import head_of_log


@strawberry.type
class ConductMutation:
    """Mutations of the conduct context."""

    @strawberry.mutation(description="Record a report about a member's conduct (admin, manager).")
    async def report_conduct_incident(
        self, info: Info, input: i.ReportConductIncidentInput
    ) -> p.ReportConductIncidentResult:
        def build() -> cmd.ReportConductIncident:
            return cmd.ReportConductIncident(
                member_id=input.member_id,
                reporter_id=input.reporter_id,
                channel=input.channel,
                description=input.description,
                evidence_url=input.evidence_url,
                reported_at=input.reported_at,
            )

        outcome = await execute(info, "report conduct incidents", build, ConductDesk.report)
        if isinstance(outcome, IncidentChange):
            return p.ConductIncidentReported(**await changed(info, outcome))
        assert not isinstance(outcome, p.ConductMoveConflict)  # a report moves nothing
        return outcome

    @strawberry.mutation(
        description="Record that staff started reviewing a REPORTED incident (optional: an "
        "incident may be decided straight away)."
    )
    async def review_conduct_incident(
        self, info: Info, input: i.ReviewConductIncidentInput
    ) -> p.ReviewConductIncidentResult:
        def build() -> cmd.StartConductReview:
            return cmd.StartConductReview(
                incident_id=input.incident_id,
                expected_version=input.expected_version,
                reviewer_id=input.reviewer_id,
            )

        outcome = await execute(info, "review conduct incidents", build, ConductDesk.start_review)
        if isinstance(outcome, IncidentChange):
            return p.ConductIncidentReviewStarted(**await changed(info, outcome))
        return outcome

    @strawberry.mutation(
        description="Decide a REPORTED or UNDER_REVIEW incident: UPHOLD with a severity, or "
        "DISMISS with a reason. An upheld BAN retires the member's ambassadorship. A pending "
        "appeal is decided with decideConductAppeal."
    )
    async def decide_conduct_incident(
        self, info: Info, input: i.DecideConductIncidentInput
    ) -> p.DecideConductIncidentResult:
        def build() -> cmd.DecideConductIncident:
            return cmd.DecideConductIncident(
                incident_id=input.incident_id,
                expected_version=input.expected_version,
                decided_by=input.decided_by,
                uphold=input.decision is ConductDecision.UPHOLD,
                severity=input.severity,
                suspended_until=input.suspended_until,
                reason=input.reason,
            )

        outcome = await execute(info, "decide conduct incidents", build, ConductDesk.decide)
        if isinstance(outcome, IncidentChange):
            if outcome.retired:
                await _wait_for_retirement(info)
            return p.ConductIncidentDecided(
                **await changed(info, outcome), ambassadorship_retired=outcome.retired
            )
        return outcome

    @strawberry.mutation(
        description="Appeal an UPHELD or DISMISSED incident, once. The decision stays in force "
        "until the appeal is decided."
    )
    async def appeal_conduct_incident(
        self, info: Info, input: i.AppealConductIncidentInput
    ) -> p.AppealConductIncidentResult:
        def build() -> cmd.AppealConductIncident:
            return cmd.AppealConductIncident(
                incident_id=input.incident_id,
                expected_version=input.expected_version,
                reason=input.reason,
                recorded_by=input.recorded_by,
            )

        outcome = await execute(info, "appeal conduct incidents", build, ConductDesk.appeal)
        if isinstance(outcome, IncidentChange):
            return p.ConductIncidentAppealed(**await changed(info, outcome))
        return outcome

    @strawberry.mutation(
        description="Decide a pending appeal. UPHELD: the decision stands (a confirmed BAN "
        "retires nothing more). OVERTURNED: an upheld incident becomes OVERTURNED and counts "
        "no more (an ambassadorship it retired is not restored); a dismissed one goes back to "
        "UNDER_REVIEW for a new decision, which cannot be appealed again."
    )
    async def decide_conduct_appeal(
        self, info: Info, input: i.DecideConductAppealInput
    ) -> p.DecideConductAppealResult:
        def build() -> cmd.DecideConductAppeal:
            return cmd.DecideConductAppeal(
                incident_id=input.incident_id,
                expected_version=input.expected_version,
                outcome=input.outcome,
                decided_by=input.decided_by,
                reason=input.reason,
            )

        outcome = await execute(info, "decide conduct appeals", build, ConductDesk.decide_appeal)
        if isinstance(outcome, IncidentChange):
            return p.ConductAppealDecided(**await changed(info, outcome))
        return outcome


async def _wait_for_retirement(info: Info) -> None:
    """Read-your-writes for the retirement a ban set off: it was saved after the decision,
    and the program's read model follows the log beside conduct's, not after it."""
    services = info.context.services
    head = await in_thread(head_of_log, services.pool)
    await in_thread(services.wait_for, "ambassadors", head)
