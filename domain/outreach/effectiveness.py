"""Whether outreach works: contacted, reply and return rates per group, and for at-risk
recovery the return rate of contacted members beside comparable members not contacted.

Rates count decided outreaches only: a PENDING one (its window still open) is counted as
contacted and pending, and left out of every rate until its window closes.

- reply rate: (REPLIED + RETURNED) / decided outreaches (a member who came back replied);
- return rate: RETURNED / decided outreaches to members at risk or inactive when contacted
  (only they can return); None when there is none.

The comparison (AT_RISK_RECOVERY only) is per member-week, on weeks starting Monday (UTC):

- contacted: a member at risk (stage at_risk, not inactive) when an AT_RISK_RECOVERY
  outreach reached them in week W; one case per member and week (the week's first such
  outreach); returned when that outreach's outcome is RETURNED.
- not contacted ("comparable"): a member whose at-risk interval overlaps a week W in which
  at least one contacted case exists, and whom no outreach of any purpose reached in W or
  in the N reply days before it. Anchor: the later of W's Monday and their entry into at
  risk; returned when their next stage (active or returning) began within N days after the
  anchor. Pending (anchor + N days after now) cases are left out, as on the contacted side.

The groups differ in one known way: the contacted anchor is the outreach (mid-week on
average), the comparable one the start of the week or of the risk. Managers choose whom to
contact, so the difference is an association, not proof of cause.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from uuid import UUID

from domain.outreach.outcomes import Outcome
from domain.outreach.outreach import OutreachPurpose


@dataclass(frozen=True)
class DerivedOutreach:
    """One outreach with its derived outcome, as the figures count it."""

    outreach_id: UUID
    member_id: UUID
    at: datetime
    purpose: OutreachPurpose
    channel: str
    staff_id: UUID
    outcome: Outcome
    stage_at_contact: str | None

    @property
    def lapsed(self) -> bool:
        """At risk or inactive when contacted."""
        return self.stage_at_contact in ("at_risk", "inactive")


@dataclass(frozen=True)
class GroupFigures:
    """The figures of one group (a purpose, channel or staff member)."""

    key: str
    contacted: int
    members: int
    replied: int
    returned: int
    no_response: int
    pending: int
    lapsed_decided: int

    @property
    def decided(self) -> int:
        """Outreaches whose window is over or that already replied or returned."""
        return self.contacted - self.pending

    @property
    def reply_rate(self) -> float | None:
        """(REPLIED + RETURNED) / decided; None when none is decided."""
        return _rate(self.replied + self.returned, self.decided)

    @property
    def return_rate(self) -> float | None:
        """RETURNED / decided outreaches to lapsed members; None when there is none."""
        return _rate(self.returned, self.lapsed_decided)


@dataclass(frozen=True)
class NotContacted:
    """The comparable members not contacted, pooled over the weeks compared: member-weeks
    decided, how many of them returned, and how many are still pending (left out)."""

    members: int = 0
    returned: int = 0
    pending: int = 0


@dataclass(frozen=True)
class Side:
    """One side of the comparison: member-weeks decided, and how many returned."""

    members: int
    returned: int

    @property
    def return_rate(self) -> float | None:
        """returned / members; None when there is none."""
        return _rate(self.returned, self.members)


@dataclass(frozen=True)
class RecoveryComparison:
    """At-risk recovery: contacted members' return rate beside the not-contacted ones'."""

    weeks: tuple[date, ...]
    contacted: Side
    not_contacted: Side
    pending_contacted: int = 0
    pending_not_contacted: int = 0


@dataclass(frozen=True)
class Effectiveness:
    """The figures of [start, end) grouped one way, with the recovery comparison."""

    groups: tuple[GroupFigures, ...]
    total: GroupFigures
    recovery: RecoveryComparison = field(
        default_factory=lambda: RecoveryComparison((), Side(0, 0), Side(0, 0))
    )


@dataclass(frozen=True)
class Tallies:
    """The figures as a read model counts them: per group and in total, and the recovery
    cases' outcomes (recovery_cases, counted) with their weeks."""

    groups: tuple[GroupFigures, ...]
    total: GroupFigures
    weeks: tuple[date, ...]
    cases: Mapping[Outcome, int]


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def week_of(moment: datetime | date) -> date:
    """The Monday (UTC) starting the week of `moment`."""
    day = moment.date() if isinstance(moment, datetime) else moment
    return day - timedelta(days=day.weekday())


def figures(key: str, outreaches: Iterable[DerivedOutreach]) -> GroupFigures:
    """The figures of one group of outreaches."""
    counted = list(outreaches)
    outcomes = [o.outcome for o in counted]
    return GroupFigures(
        key=key,
        contacted=len(counted),
        members=len({o.member_id for o in counted}),
        replied=outcomes.count(Outcome.REPLIED),
        returned=outcomes.count(Outcome.RETURNED),
        no_response=outcomes.count(Outcome.NO_RESPONSE),
        pending=outcomes.count(Outcome.PENDING),
        lapsed_decided=sum(1 for o in counted if o.lapsed and o.outcome is not Outcome.PENDING),
    )


def recovery_cases(outreaches: Iterable[DerivedOutreach]) -> dict[tuple[UUID, date], Outcome]:
    """The contacted side's cases: (member, week) of the week's first AT_RISK_RECOVERY
    outreach to a member at risk then, with that outreach's outcome."""
    cases: dict[tuple[UUID, date], Outcome] = {}
    for o in sorted(outreaches, key=lambda o: o.at):
        if o.purpose is OutreachPurpose.AT_RISK_RECOVERY and o.stage_at_contact == "at_risk":
            cases.setdefault((o.member_id, week_of(o.at)), o.outcome)
    return cases


def recovery_weeks(outreaches: Iterable[DerivedOutreach]) -> list[date]:
    """The weeks (Mondays) with contacted cases: the weeks the comparison covers."""
    return sorted({week for _, week in recovery_cases(outreaches)})


def compare_recovery(
    outreaches: Iterable[DerivedOutreach], not_contacted: NotContacted = NotContacted()
) -> RecoveryComparison:
    """Contacted at-risk members' return rate beside the comparable not-contacted ones'
    (counted over the weeks that have contacted cases: recovery_weeks)."""
    cases = recovery_cases(outreaches)
    weeks = sorted({week for _, week in cases})
    return counted_recovery(weeks, Counter(cases.values()), not_contacted)


def counted_recovery(
    weeks: Iterable[date], cases: Mapping[Outcome, int], not_contacted: NotContacted
) -> RecoveryComparison:
    """The comparison from the contacted cases' outcomes counted (recovery_cases) over
    their weeks, and the not-contacted group over the same weeks."""
    pending = cases.get(Outcome.PENDING, 0)
    return RecoveryComparison(
        weeks=tuple(sorted(weeks)),
        contacted=Side(sum(cases.values()) - pending, cases.get(Outcome.RETURNED, 0)),
        not_contacted=Side(not_contacted.members, not_contacted.returned),
        pending_contacted=pending,
        pending_not_contacted=not_contacted.pending,
    )


def effectiveness(
    outreaches: Iterable[DerivedOutreach],
    group_by: str,
    not_contacted: NotContacted = NotContacted(),
) -> Effectiveness:
    """The figures per group ('purpose', 'channel' or 'staff'), a total, and the comparison.

    Groups are ordered by how many were contacted, most first, then by key.
    """
    counted = list(outreaches)
    groups: dict[str, list[DerivedOutreach]] = defaultdict(list)
    for o in counted:
        groups[_key(o, group_by)].append(o)
    found = [figures(key, members) for key, members in groups.items()]
    return Effectiveness(
        groups=ordered(found),
        total=figures("", counted),
        recovery=compare_recovery(counted, not_contacted),
    )


def ordered(groups: Iterable[GroupFigures]) -> tuple[GroupFigures, ...]:
    """Groups by how many were contacted, most first, then by key."""
    return tuple(sorted(groups, key=lambda g: (-g.contacted, g.key)))


def _key(outreach: DerivedOutreach, group_by: str) -> str:
    if group_by == "purpose":
        return outreach.purpose.value
    if group_by == "channel":
        return outreach.channel
    if group_by == "staff":
        return str(outreach.staff_id)
    raise ValueError(f"groupBy: unknown grouping {group_by!r}")
