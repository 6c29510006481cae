"""What the dashboard shows, read from the read models with the caller's access to personal data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from api.auth import Principal
from api.dashboard.health_panels import epoch, series
from api.services import Services
from domain.members.member import ACTIVE, ERASED, LEFT
from projections.ambassadors.candidates import CandidateQueries
from projections.members.queries import MemberFilter

# The first members of each list: the panels link to the full lists in GraphQL.
LIST_LENGTH = 10
ACTIVITY_WEEKS = 26


@dataclass(frozen=True)
class MemberLine:
    """One member in a panel's table; name and e-mail are None for roles that may not see them."""

    member_id: str
    name: str | None
    email: str | None
    figure: float


@dataclass(frozen=True)
class CommunityPanel:
    """Members by status and interactions per week: the overview's read-model panels."""

    statuses: list[tuple[str, int]]
    # Interactions per week, quiet weeks included, for the chart: (Monday, interactions).
    weeks: list[tuple[date, int]]

    def charts(self) -> dict[str, Any]:
        """The weekly chart's series, embedded in the page as JSON (never as script)."""
        x = [epoch(week) for week, _ in self.weeks]
        return {"weekly": series(x, ("Interactions per week", [n for _, n in self.weeks]))}


@dataclass(frozen=True)
class MemberPanels:
    """The at-risk list, top members and the candidates' count, as the role may see them."""

    at_risk: list[MemberLine]
    top: list[MemberLine]
    # None for roles that may not read candidates (admins and managers only).
    candidates: int | None
    shows_personal_data: bool


def community_panel(services: Services, today: date | None = None) -> CommunityPanel:
    """Read members by status and the last weeks' interactions (blocking queries)."""
    today = today or datetime.now(UTC).date()
    statuses = [
        (status, services.members.count(MemberFilter(statuses=(status,))))
        for status in (ACTIVE, LEFT, ERASED)
    ]
    since = today - timedelta(days=today.weekday() + 7 * (ACTIVITY_WEEKS - 1))
    counted = {
        row["week"]: int(row["interactions"]) for row in services.engagement.community_weeks(since)
    }
    # Every week of the span, quiet ones as zero, so the chart's line does not skip them.
    mondays = (since + timedelta(weeks=n) for n in range(ACTIVITY_WEEKS))
    return CommunityPanel(statuses, [(monday, counted.get(monday, 0)) for monday in mondays])


def member_panels(services: Services, principal: Principal) -> MemberPanels:
    """Read the member lists, opening personal data only for roles that may read it."""
    reveal = principal.can_read_personal_data
    at_risk = services.lifecycle.at_risk(None, None, LIST_LENGTH).rows
    top = services.engagement.top_members(None, None, LIST_LENGTH).rows
    members = services.members.by_ids([row["member_id"] for row in [*at_risk, *top]])
    services.members.open(members.values(), {}, reveal)
    candidates = None
    if principal.can_manage_program:
        run = CandidateQueries(services.pool).run(services.settings.candidacy_rule().version)
        candidates = run.candidates if run is not None else 0
    return MemberPanels(
        at_risk=[_line(members, row, "score_at_change") for row in at_risk],
        top=[_line(members, row, "rank_key") for row in top],
        candidates=candidates,
        shows_personal_data=reveal,
    )


def _line(members: dict[Any, dict[str, Any]], row: dict[str, Any], figure: str) -> MemberLine:
    member = members.get(row["member_id"], {})
    return MemberLine(
        member_id=str(row["member_id"]),
        name=member.get("display_name"),
        email=member.get("email"),
        figure=round(float(row[figure] or 0), 2),
    )
