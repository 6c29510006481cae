"""A small scripted community for the outreach log's integration tests: members, staff,
interactions, lifecycle stages and outreach recorded through the application, then the
read models brought to the head of the log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any
from uuid import UUID

from api.bootstrap import personal_data
from api.projection_wiring import build_runners
from application.outreach.effectiveness import OutreachOutcomes
from application.outreach.outreach import OutreachDesk
from application.outreach.welcome import WelcomeQueue
from application.runtime import Runtime
from domain.interactions.commands import RecordInteraction
from domain.lifecycle.stages import Assessment, Evidence, Stage
from domain.members import commands as mc
from domain.outreach.commands_log import RecordOutreach
from projections.outreach.log_queries import OutreachLogQueries
from projections.outreach.welcome_queries import WelcomeQueries

PROJECTIONS = ("members", "engagement", "lifecycle", "outreach_log", "outreach_welcome")
_EVIDENCE = Evidence(
    baseline_weekly=1.0, recent_weekly=0.0, last_interaction_at=None, days_silent=0, score=1.0
)
_ids = count()


def day(month: int, d: int, hour: int = 10) -> datetime:
    """An instant of 2026, UTC."""
    return datetime(2026, month, d, hour, tzinfo=UTC)


class Script:
    """The application on a runtime, with one staff member who reaches out."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.community = runtime.community
        self.desk = OutreachDesk(runtime.community)
        self.staff = self.member("Staff", staff=True)

    def member(self, name: str, *, staff: bool = False, **fields: Any) -> UUID:
        member_id = self.community.join_member(mc.JoinMember(display_name=name, **fields)).member.id
        if staff:
            self.community.mark_member_as_staff(mc.MarkMemberAsStaff(member_id=member_id))
        return member_id

    def said(
        self,
        member_id: UUID,
        at: datetime,
        *,
        thread: str | None = None,
        summary: str | None = None,
        channel: str = "discord",
        kind: str = "message",
    ) -> None:
        record = RecordInteraction(
            member_id=member_id,
            channel=channel,
            kind=kind,
            occurred_at=at,
            external_id=f"m{next(_ids)}",
            thread_ref=thread,
            summary=summary,
        )
        self.community.record_interactions([record], create_unknown_members=False)

    def stages(self, member_id: UUID, *changes: tuple[datetime, Stage]) -> None:
        plan = [(at, Assessment(stage, _EVIDENCE, "test", "scripted")) for at, stage in changes]
        self.community.record_stages([(member_id, plan)])

    def reach(self, member_id: UUID, purpose: str, at: datetime, **fields: Any) -> UUID:
        command = RecordOutreach(
            member_id=member_id,
            staff_id=fields.pop("staff_id", self.staff),
            channel=fields.pop("channel", "discord"),
            purpose=purpose,
            at=at,
            **fields,
        )
        return self.desk.record(command).outreach.id

    def catch_up(self) -> None:
        for runner in build_runners(self.runtime):
            if runner.name in PROJECTIONS:
                runner.catch_up()

    def queries(self) -> OutreachLogQueries:
        return OutreachLogQueries(self.runtime.pool, personal_data(self.runtime))

    def outcomes(self, reply_days: int = 7, now: datetime | None = None) -> OutreachOutcomes:
        moment = now or datetime.now(UTC)
        return OutreachOutcomes(self.queries(), reply_days, clock=lambda: moment)

    def welcome(self, days: int = 14, now: datetime | None = None) -> WelcomeQueue:
        moment = now or datetime.now(UTC)
        source = WelcomeQueries(self.runtime.pool, personal_data(self.runtime))
        return WelcomeQueue(source, days, clock=lambda: moment)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)
