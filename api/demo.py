"""The demo community of `crm demo` and `crm serve --demo`, with its ambassador program.

The synthetic community has every member on one channel and gives no feedback, so no one
would meet the candidacy rule. Its most engaged members here also attended a meetup and
praised the product in the last weeks; a few gave marketing consent; some are ambassadors
already. The candidacy rule is then evaluated once, so the candidate list has answers.
It composes several contexts' use cases, so it lives beside the composition root.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from psycopg_pool import ConnectionPool

from api.bootstrap import UseCases, use_cases
from api.projection_wiring import catch_up_all
from application.members.demo import DemoCommunity, seed_demo_community
from application.runtime import Runtime
from domain.ambassadors import commands as program
from domain.consent.commands import RegisterConsentText
from domain.consent.purposes import ConsentPurpose, ConsentSource
from domain.feedback.commands import SubmitFeedback
from domain.feedback.workflow import FeedbackKind
from domain.interactions.commands import RecordInteraction
from domain.interactions.interaction import InteractionKind
from domain.members.consents import GiveConsent
from domain.outreach.commands_motivations import RecordMemberMotivation
from domain.outreach.commands_tasks import CreateFollowUpTask
from domain.values import Channel

# How many of the most engaged members get the extra activity, consent, and the program.
ENGAGED = 12
CONSENTING = 8
AMBASSADORS = 3
# Follow-up tasks of the demo's staff: one overdue, one due today, one next week.
FOLLOW_UPS = (
    ("Thank them for the meetup talk", -2),
    ("Ask about the beta", 0),
    ("Invite to AMA", 7),
)
DEMO_TEXT_VERSION = "demo-2025"
DEMO_TEXT = (
    "Yes, send me news of the community and its products by e-mail. I can withdraw this"
    " consent at any time, in one click or by asking any staff member."
)
# The most engaged counted members: active, neither staff nor bots.
MOST_ENGAGED = """
SELECT e.member_id FROM member_engagement e JOIN members m USING (member_id)
WHERE m.status = 'active' AND NOT m.is_staff AND NOT m.is_bot
ORDER BY e.interactions DESC, e.member_id LIMIT %s
"""
A_STAFF_MEMBER = "SELECT member_id FROM members WHERE is_staff ORDER BY member_id LIMIT 1"


def demo_community(
    runtime: Runtime,
    count: int,
    *,
    progress: Callable[[int], None] | None = None,
) -> DemoCommunity:
    """The demo community, its stage history evaluated with projections caught up, and its
    ambassador program."""
    cases = use_cases(runtime)
    demo = seed_demo_community(
        runtime.community, cases.evaluation, lambda: catch_up_all(runtime), count, progress=progress
    )
    seed_demo_program(runtime.pool, cases, runtime.community.clock(), lambda: catch_up_all(runtime))
    catch_up_all(runtime)
    return demo


@dataclass(frozen=True)
class DemoProgram:
    """What seeding the demo program recorded."""

    engaged: int
    ambassadors: int
    candidates: int


def seed_demo_program(
    pool: ConnectionPool, cases: UseCases, now: datetime, catch_up: Callable[[], None]
) -> DemoProgram:
    """Activity, consent and ambassadors for the demo's most engaged members; one
    candidacy evaluation. The projections must have caught up with the members first."""
    engaged, staff = _most_engaged(pool)
    if not engaged or staff is None:
        return DemoProgram(0, 0, 0)
    _recent_activity(cases, engaged, now)
    _discussion(cases, engaged, staff, now)
    cases.consent.register_text(
        RegisterConsentText(
            purpose=ConsentPurpose.MARKETING_EMAIL, version=DEMO_TEXT_VERSION, text=DEMO_TEXT
        )
    )
    for member_id in engaged[:CONSENTING]:
        cases.consent.give(
            GiveConsent(
                member_id=member_id,
                purpose=ConsentPurpose.MARKETING_EMAIL,
                text_version=DEMO_TEXT_VERSION,
                source=ConsentSource.FORM,
                at=now - timedelta(days=30),
            )
        )
    _motivations(cases, engaged, staff, now)
    for member_id in engaged[:AMBASSADORS]:
        cases.program.nominate(program.NominateAmbassador(member_id=member_id, by=staff))
        cases.program.approve(program.ApproveAmbassador(member_id=member_id, by=staff, tier="gold"))
    for member_id, (title, days) in zip(engaged[AMBASSADORS:], FOLLOW_UPS, strict=False):
        due_on = (now + timedelta(days=days)).date()
        cases.tasks.create(
            CreateFollowUpTask(title=title, member_id=member_id, assignee_id=staff, due_on=due_on)
        )
    catch_up()
    report = cases.candidacy.evaluate(now)
    return DemoProgram(len(engaged), min(AMBASSADORS, len(engaged)), report.candidates)


def _motivations(cases: UseCases, engaged: list[UUID], staff: UUID, now: datetime) -> None:
    """Why the engaged members joined: two configured options each, in turn."""
    options = cases.motivations.options
    for i, member_id in enumerate(engaged):
        chosen = [options[i % len(options)], options[(i + 2) % len(options)]]
        cases.motivations.record(
            RecordMemberMotivation(
                member_id=member_id, recorded_by=staff, options=chosen, at=now - timedelta(days=60)
            )
        )


def _discussion(cases: UseCases, engaged: list[UUID], staff: UUID, now: datetime) -> None:
    """A forum thread after the meetup: a question, replies, reactions and a staff answer."""
    asked = now - timedelta(days=13)
    moves: list[tuple[UUID, InteractionKind, datetime, str | None]] = [
        (engaged[0], InteractionKind.POST, asked, "Will the meetup slides be shared?")
    ]
    moves += [(m, InteractionKind.REPLY, asked + timedelta(hours=1), None) for m in engaged[1:6]]
    moves.append((staff, InteractionKind.REPLY, asked + timedelta(hours=3), None))
    moves += [
        (m, InteractionKind.REACTION_GIVEN, asked + timedelta(hours=4), None) for m in engaged[6:9]
    ]
    records = [
        RecordInteraction(
            member_id=member_id,
            channel=Channel.FORUM,
            kind=kind,
            occurred_at=at,
            external_id=f"demo-slides-{number}-{member_id}",
            thread_ref="meetup-slides",
            summary=summary,
        )
        for number, (member_id, kind, at, summary) in enumerate(moves)
    ]
    cases.recording(records, create_unknown_members=False)


def _most_engaged(pool: ConnectionPool) -> tuple[list[UUID], UUID | None]:
    with pool.connection() as conn:
        engaged = [row[0] for row in conn.execute(MOST_ENGAGED, (ENGAGED,)).fetchall()]
        staff = conn.execute(A_STAFF_MEMBER).fetchone()
    return engaged, staff[0] if staff else None


def _recent_activity(cases: UseCases, engaged: list[UUID], now: datetime) -> None:
    """A meetup attended and praise given by each engaged member in the last weeks."""
    records = [
        RecordInteraction(
            member_id=member_id,
            channel=Channel.MEETUP,
            kind=InteractionKind.EVENT_ATTENDED,
            occurred_at=now - timedelta(days=14),
            external_id=f"demo-meetup-{member_id}",
        )
        for member_id in engaged
    ]
    cases.recording(records, create_unknown_members=False)
    for member_id in engaged:
        cases.feedback.submit(
            SubmitFeedback(
                author_id=member_id,
                channel=Channel.FORUM,
                kind=FeedbackKind.PRAISE,
                text="The new onboarding guide made my first week so much easier.",
                submitted_at=now - timedelta(days=10),
            )
        )
