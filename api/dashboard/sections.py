"""The dashboard's sections: what each shows, and reading it for one request."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from api.auth import Principal
from api.dashboard.health_panels import (
    COHORTS,
    KPIS,
    MIX,
    PICKERS,
    SPIKES,
    WELCOME,
    HealthView,
    Span,
    health_view,
)
from api.dashboard.panels import CommunityPanel, MemberPanels, community_panel, member_panels
from api.services import Services, in_thread

COMMUNITY, MEMBERS = "community", "members"


@dataclass(frozen=True)
class Section:
    """A page of the dashboard: its path name, title, and the parts it reads."""

    name: str
    title: str
    parts: frozenset[str]

    @property
    def pickers(self) -> bool:
        """Whether the months, channel and asOf pickers change what it shows."""
        return bool(self.parts - {COMMUNITY, MEMBERS})


SECTIONS = {
    s.name: s
    for s in (
        Section("overview", "Overview", frozenset({COMMUNITY, KPIS})),
        Section("members", "Members", frozenset({MEMBERS})),
        Section("growth", "Growth", frozenset({KPIS})),
        Section("activity", "Activity", frozenset({KPIS, MIX, SPIKES})),
        Section("cohorts", "Cohorts", frozenset({COHORTS})),
        Section("responses", "Responses", frozenset({KPIS, WELCOME})),
    )
}
# /dashboard: every section on one page.
WHOLE = Section("", "Community dashboard", frozenset().union(*(s.parts for s in SECTIONS.values())))


@dataclass(frozen=True)
class SectionData:
    """What a section's panels show; None for the parts it does not read (or a bad picker)."""

    community: CommunityPanel | None
    members: MemberPanels | None
    health: HealthView | None


async def read_section(
    services: Services, principal: Principal, section: Section, span: Span | None
) -> SectionData:
    """Read the section's parts (health ones only with a valid span), off the event loop."""
    parts = section.parts
    community = await in_thread(community_panel, services) if COMMUNITY in parts else None
    members = await in_thread(member_panels, services, principal) if MEMBERS in parts else None
    health = None
    if span is not None and parts - {COMMUNITY, MEMBERS}:
        health = await in_thread(health_view, services, span, parts)
    return SectionData(community, members, health)


def picked(query: dict[str, str]) -> dict[str, str]:
    """The pickers' values of a query, which links between sections carry along."""
    return {name: query[name] for name in PICKERS if query.get(name)}


def section_url(name: str, query: dict[str, str], **extra: str) -> str:
    """A section's path ("": the whole page) with the pickers' values kept."""
    path = f"/dashboard/{name}" if name else "/dashboard"
    values = {**extra, **picked(query)}
    return f"{path}?{urlencode(values)}" if values else path
