"""A small community for candidacy tests, recorded through the application."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from api.bootstrap import use_cases
from api.projection_wiring import build_runners
from application.ambassadors.candidacy import CandidacyEvaluation
from application.runtime import Runtime
from domain.ambassadors.ambassadorship import Ambassadorship
from domain.ambassadors.candidacy import CandidacyRule, Factor
from domain.feedback.commands import SubmitFeedback
from domain.interactions.commands import RecordInteraction
from domain.members import commands as cmd
from projections.ambassadors.candidacy_runs import CandidacyRunsSql
from tests.integration.conftest import execute

DAY = timedelta(days=1)
# The first run; later runs a day apart. Ten days ago, on the hour.
T = (datetime.now(UTC) - 10 * DAY).replace(minute=0, second=0, microsecond=0)
# A short window and small thresholds: ten replies within 30 days make a candidate.
RULE = CandidacyRule(
    version="test-candidacy",
    window=30 * DAY,
    thresholds={
        Factor.ENGAGEMENT: 20.0,
        Factor.TENURE_DAYS: 30.0,
        Factor.BREADTH: 1.0,
        Factor.HELPFULNESS: 10.0,
        Factor.PRAISE_AND_FEEDBACK: 0.0,
        Factor.EVENTS_ATTENDED: 0.0,
        Factor.CONSISTENCY: 2.0,
    },
)
# Ten replies: one 29.5 days before T (out of the window a day later), nine in the days before.
STAR_REPLIES = [29.5, *range(1, 10)]


def catch_up(runtime: Runtime) -> None:
    """Bring every projection to the head of the log."""
    for runner in build_runners(runtime):
        runner.catch_up()


def evaluation(runtime: Runtime, rule: CandidacyRule = RULE) -> CandidacyEvaluation:
    """The candidacy job under `rule`, with the configured engagement weights."""
    weights = {str(k): w for k, w in runtime.settings.engagement_rule().weights.items()}
    return CandidacyEvaluation(
        CandidacyRunsSql(runtime.pool), runtime.community.bounds, rule=rule, weights=weights
    )


def member(runtime: Runtime, name: str, replies_days_before_t: list[float]) -> UUID:
    """A member who joined 200 days before T and replied on discord on these days."""
    member_id = runtime.community.join_member(
        cmd.JoinMember(display_name=name, joined_at=T - 200 * DAY)
    ).member.id
    interact(runtime, member_id, "reply", "discord", replies_days_before_t)
    return member_id


def interact(
    runtime: Runtime, member_id: UUID, kind: str, channel: str, days_before_t: list[float]
) -> None:
    """Interactions of one kind on one channel, these many days before T."""
    runtime.community.record_interactions(
        [
            RecordInteraction(
                member_id=member_id,
                channel=channel,
                kind=kind,
                occurred_at=T - d * DAY,
                external_id=f"{uuid4()}",
            )
            for d in days_before_t
        ],
        create_unknown_members=False,
    )


def praise(runtime: Runtime, member_id: UUID, days_before_t: float) -> None:
    """Praise submitted as feedback by the member (the feedback desk records it)."""
    use_cases(runtime).feedback.submit(
        SubmitFeedback(
            author_id=member_id,
            channel="github",
            kind="praise",
            text="The new docs are great",
            submitted_at=T - days_before_t * DAY,
        )
    )


def upheld_incident(runtime: Runtime, member_id: UUID, decided_at: datetime, status: str) -> None:
    """A conduct incident row as the conduct projection keeps it (another helper's table)."""
    execute(
        runtime.database_url,
        "INSERT INTO conduct_incidents (incident_id, member_id, channel, status, severity,"
        " reported_at, decided_at, version, position, changed_at)"
        " VALUES (%s, %s, 'discord', %s, 'warning', %s, %s, 2, 1, %s)",
        [uuid4(), member_id, status, decided_at - DAY, decided_at, decided_at],
    )


def in_program(runtime: Runtime, member_id: UUID, status: str) -> None:
    """An ambassadors row as the program projection keeps it, in any status."""
    execute(
        runtime.database_url,
        "INSERT INTO ambassadors (member_id, record_id, status, nominated_at, version, position,"
        " changed_at) VALUES (%s, %s, %s, %s, 1, 1, %s)",
        [member_id, Ambassadorship.id_for(member_id), status, T - 5 * DAY, T - 5 * DAY],
    )
