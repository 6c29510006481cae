"""Join and leave records as member events, idempotently.

Member events carry no platform id, so a join or leave is known to be applied already when
the member has a join, rejoin or leave at that very moment: reading the same export twice,
or an overlapping one, finds every one of them there and adds nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import project_aggregate

from application.importers.checks import join_command
from application.importers.people import Key, holders, key_of, new_member, stub_user
from application.importers.report import ImportReport
from application.mapper import ShreddingMapper
from application.members.community import Community
from domain.errors import InvalidField
from domain.importers.records import MembershipChange, PlatformMembership
from domain.members.member import LEFT, Member

JOIN, LEAVE = "join", "leave"


@dataclass
class Standing:
    """A member as the records of this batch find it, with the moments already recorded."""

    member: Member
    moments: set[tuple[str, datetime]] = field(default_factory=set)
    new: bool = False


def apply_memberships(
    community: Community,
    records: Sequence[PlatformMembership],
    report: ImportReport,
    created: set[tuple[Key, datetime]],
) -> None:
    """Apply the batch's joins and leaves in order; `created` are members that joined by
    being first seen at these moments in this batch (their join is this record)."""
    if not records:
        return
    keys = [key_of(r.channel.value, r.user_id) for r in records]
    held = holders(community, keys)
    standings = _histories(community, list(set(held.values())))
    by_key = {key: standings[held[key]] for key in held if held[key] in standings}
    for key, record in zip(keys, records, strict=True):
        if (key, record.occurred_at) in created:
            report.imported += 1
        elif key not in by_key:
            _first(community, key, record, by_key, report)
        else:
            _apply(community, by_key[key], record, report)
    fresh = [s.member for s in by_key.values() if s.new]
    if fresh:
        community.save_new_members(fresh)
        report.members_created += len(fresh)
    changed = [s.member for s in by_key.values() if not s.new and s.member.pending_events]
    if changed:
        community.save_members(*changed)


def _first(
    community: Community,
    key: Key,
    record: PlatformMembership,
    by_key: dict[Key, Standing],
    report: ImportReport,
) -> None:
    """A user no member holds yet: they join (or are first seen leaving) now."""
    command = join_command(stub_user(record.channel, record.user_id, record.at))
    if isinstance(command, str):
        report.fail(record.at, command, "read")
        return
    member = new_member(community, command, record.occurred_at, bot=False, staff=False)
    standing = Standing(member, {(JOIN, member.joined_at)}, new=True)
    by_key[key] = standing
    if record.change is MembershipChange.JOINED:
        report.imported += 1
    else:
        _apply(community, standing, record, report)


def _apply(
    community: Community, standing: Standing, record: PlatformMembership, report: ImportReport
) -> None:
    member, at = standing.member, record.occurred_at
    joining = record.change is MembershipChange.JOINED
    if (JOIN if joining else LEAVE, at) in standing.moments:
        report.duplicates += 1
        return
    if member.is_erased:
        report.skip("the member holding this identity was erased")
        return
    if joining and member.status != LEFT:
        report.skip("already a member")
        return
    if not joining and member.status == LEFT:
        report.skip("already left")
        return
    now = community.clock()
    try:
        if joining:
            member.rejoin(rejoined_at=at, now=now, bounds=community.bounds)
        else:
            member.leave(left_at=at, reason=None, now=now, bounds=community.bounds)
    except InvalidField as error:
        report.skip(f"{error.field}: {error.message}")
        return
    standing.moments.add((JOIN if joining else LEAVE, at))
    report.imported += 1


def _histories(community: Community, member_ids: list[UUID]) -> dict[UUID, Standing]:
    """Each member's state and the moments it joined, rejoined and left, from one read."""
    if not member_ids:
        return {}
    mapper = community.mapper
    assert isinstance(mapper, ShreddingMapper)
    streams: dict[UUID, list[Any]] = {}
    for event in mapper.to_domain_events(community.community_log.select_streams(member_ids)):
        streams.setdefault(event.originator_id, []).append(event)
    standings: dict[UUID, Standing] = {}
    for member_id, events in streams.items():
        member = project_aggregate(None, events)
        if isinstance(member, Member):
            moments = {m for m in map(_moment, events) if m is not None}
            standings[member_id] = Standing(member, moments)
    return standings


def _moment(event: Any) -> tuple[str, datetime] | None:
    if isinstance(event, Member.Joined):
        return JOIN, event.joined_at
    if isinstance(event, Member.Rejoined):
        return JOIN, event.rejoined_at
    if isinstance(event, Member.Left):
        return LEAVE, event.left_at
    return None
