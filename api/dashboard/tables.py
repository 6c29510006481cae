"""Every table of every section as rows for its CSV download, with the page's role rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from api.auth import Principal
from api.dashboard.csv_files import Value as Cell
from api.dashboard.panels import MemberLine, MemberPanels
from api.dashboard.sections import SectionData
from application.health.spikes import ExplainedSpike
from domain.health.kpis import Figure

Rows = tuple[list[str], list[list[Cell]]]
# The KPIs of the overview's latest-month table, in the order it lists them.
LATEST = ("new", "active", "returning", "newly_inactive", "left", "total", "interactions")


@dataclass(frozen=True)
class Table:
    """One table of a section: its name in `?table=`, who may read it, and its rows."""

    section: str
    name: str
    rows: Callable[[SectionData], Rows]
    allowed: Callable[[Principal], bool] = lambda principal: True


def _statuses(data: SectionData) -> Rows:
    assert data.community is not None
    return ["status", "members"], [[status, n] for status, n in data.community.statuses]


def _weekly(data: SectionData) -> Rows:
    assert data.community is not None
    return ["week_of", "interactions"], [[week, n] for week, n in data.community.weeks]


def _latest(data: SectionData) -> Rows:
    assert data.health is not None
    if not data.health.kpis:
        return ["month", "kpi", "value", "change"], []
    last = data.health.kpis[-1]
    rows: list[list[Cell]] = []
    for name in LATEST:
        figure: Figure = getattr(last, name)
        rows.append([last.start, name, figure.value, figure.change])
    return ["month", "kpi", "value", "change"], rows


def _members(
    lines: Callable[[MemberPanels], list[MemberLine]], figure: str
) -> Callable[[SectionData], Rows]:
    def rows(data: SectionData) -> Rows:
        assert data.members is not None
        # As on the page: names and e-mails only for roles that may read personal data.
        if data.members.shows_personal_data:
            header = ["member_id", "name", "email", figure]
            return header, [[m.member_id, m.name, m.email, m.figure] for m in lines(data.members)]
        return ["member_id", figure], [[m.member_id, m.figure] for m in lines(data.members)]

    return rows


def _candidates(data: SectionData) -> Rows:
    assert data.members is not None
    return ["candidates"], [[data.members.candidates]]


def _new_vs_inactive(data: SectionData) -> Rows:
    assert data.health is not None
    header = ["month", "new", "new_change", "newly_inactive", "newly_inactive_change"]
    return header, [
        [k.start, k.new.value, k.new.change, k.newly_inactive.value, k.newly_inactive.change]
        for k in data.health.kpis
    ]


def _active_by_level(data: SectionData) -> Rows:
    assert data.health is not None
    stages = data.health.stages
    header = ["month", *(stage or "not_evaluated" for stage in stages), "active"]
    rows: list[list[Cell]] = []
    for k in data.health.kpis:
        by = dict(k.active_by_stage)
        rows.append([k.start, *(by[s].value if s in by else 0 for s in stages), k.active.value])
    return header, rows


def _membership(data: SectionData) -> Rows:
    assert data.health is not None
    header = ["month", "total", "total_change", "left", "left_change", "returning"]
    return header, [
        [k.start, k.total.value, k.total.change, k.left.value, k.left.change, k.returning.value]
        for k in data.health.kpis
    ]


def _interactions(data: SectionData) -> Rows:
    assert data.health is not None
    return ["month", "interactions", "change"], [
        [k.start, k.interactions.value, k.interactions.change] for k in data.health.kpis
    ]


def _mix(data: SectionData) -> Rows:
    assert data.health is not None
    return ["month", "channel", "kind", "interactions"], [
        [r.month, r.channel, r.kind, r.interactions] for r in data.health.mix
    ]


def _spikes(data: SectionData) -> Rows:
    assert data.health is not None
    header = ["day", "channel", "activity", "level", "band", "excess", "causes", "annotations"]
    return header, [_spike(s) for s in data.health.spikes]


def _spike(found: ExplainedSpike) -> list[Cell]:
    s = found.spike
    causes = "; ".join(f"{c.kind}: {c.name}" for c in found.causes)
    notes = "; ".join(n.cause for n in found.annotations)
    return [s.start, found.channel, s.activity, s.level, s.band, s.excess, causes, notes]


def _retention(data: SectionData) -> Rows:
    assert data.health is not None
    return ["cohort", "members", "month", "active", "share"], [
        [c.start, c.size, r.period, r.active, r.share]
        for c in data.health.cohorts
        if c.size
        for r in c.retained
    ]


def _first_response(data: SectionData) -> Rows:
    assert data.health is not None
    return ["month", "median_seconds", "p90_seconds"], [
        [k.start, k.first_response_median, k.first_response_p90] for k in data.health.kpis
    ]


def _time_to_welcome(data: SectionData) -> Rows:
    assert data.health is not None
    header = ["month", "newcomers", "welcomed", "median_seconds", "p90_seconds"]
    return header, [
        [w["start"], w["newcomers"], w["welcomed"], w["median_seconds"], w["p90_seconds"]]
        for w in data.health.welcome
    ]


TABLES = {
    (t.section, t.name): t
    for t in (
        Table("overview", "statuses", _statuses),
        Table("overview", "weekly", _weekly),
        Table("overview", "latest", _latest),
        Table("members", "at-risk", _members(lambda m: m.at_risk, "score_when_flagged")),
        Table("members", "top-members", _members(lambda m: m.top, "score")),
        Table("members", "candidates", _candidates, lambda p: p.can_manage_program),
        Table("growth", "new-vs-inactive", _new_vs_inactive),
        Table("growth", "active-by-level", _active_by_level),
        Table("growth", "membership", _membership),
        Table("activity", "interactions", _interactions),
        Table("activity", "by-channel-and-kind", _mix),
        Table("activity", "spikes", _spikes),
        Table("cohorts", "retention", _retention),
        Table("responses", "first-response", _first_response),
        Table("responses", "time-to-welcome", _time_to_welcome),
    )
}


def tables_of(section: str) -> list[str]:
    """The names of a section's tables, as `?table=` takes them."""
    return [name for s, name in TABLES if s == section]
