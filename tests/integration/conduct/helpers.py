"""Incidents recorded through the conduct desk on PostgreSQL, and the conduct projection."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.bootstrap import personal_data
from api.projection_wiring import build_runners
from application.conduct.desk import ConductDesk
from application.runtime import Runtime
from domain.conduct import commands as cc
from domain.members import commands as mc
from projections.conduct.queries import ConductQueries


def catch_up(runtime: Runtime) -> None:
    """Bring the `conduct` projection to the head of the log."""
    next(r for r in build_runners(runtime) if r.name == "conduct").catch_up()


def queries(runtime: Runtime) -> ConductQueries:
    """The conduct read model's queries on the runtime's pool."""
    return ConductQueries(runtime.pool, personal_data(runtime))


def joined(runtime: Runtime, name: str = "Someone") -> UUID:
    """A new member's id."""
    return runtime.community.join_member(mc.JoinMember(display_name=name)).member.id


class Conduct:
    """The desk on a runtime, with a staff member deciding."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.desk = ConductDesk(runtime.community)
        self.staff = joined(runtime, "Staff")

    def report(self, member_id: UUID, description: str = "Rude", **fields: Any) -> UUID:
        command = cc.ReportConductIncident(
            member_id=member_id, channel="discord", description=description, **fields
        )
        return self.desk.report(command).incident.id

    def decide(self, incident_id: UUID, **fields: Any) -> None:
        command = cc.DecideConductIncident(incident_id=incident_id, decided_by=self.staff, **fields)
        self.desk.decide(command)

    def appeal(self, incident_id: UUID, reason: str = "Unfair") -> None:
        self.desk.appeal(cc.AppealConductIncident(incident_id=incident_id, reason=reason))

    def decide_appeal(self, incident_id: UUID, outcome: str, **fields: Any) -> None:
        command = cc.DecideConductAppeal(
            incident_id=incident_id, outcome=outcome, decided_by=self.staff, **fields
        )
        self.desk.decide_appeal(command)
