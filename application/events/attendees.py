"""Finding the member behind each row of an attendee file, or joining them as new members."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from pydantic import ValidationError

from application.events.ports import MemberDirectory
from application.members.community import Community
from domain.commands import IdentityRef
from domain.errors import DomainError, IdentityAlreadyLinked
from domain.importers.records import Attendance
from domain.members.commands import JoinMember
from domain.moments import TimeBounds
from domain.values import check_handle


@dataclass
class Attendees:
    """Each row's member (by row index), or why the row has none."""

    members: dict[int, UUID] = field(default_factory=dict)
    skipped: dict[int, str] = field(default_factory=dict)


class AttendeeResolver:
    """By e-mail (the members' blind index), else by the identity (channel, attendee id);
    else a new member with that identity. Rows naming the same person share one member.

    New members are joined one at a time: an attendee file holds hundreds of people, and a
    row that names someone joined further up must find them.
    """

    def __init__(self, community: Community, directory: MemberDirectory) -> None:
        self.community = community
        self.directory = directory

    def resolve(self, rows: Sequence[Attendance]) -> Attendees:
        """The member of every row that has or can have one."""
        found = Attendees()
        known: dict[str, UUID] = {}  # e-mails and identities met in this file
        for index, row in enumerate(rows):
            try:
                keys = _keys(row)
            except ValueError as error:
                found.skipped[index] = f"attendee id: {error}"
                continue
            member = next((known[k] for k in keys if k in known), None) or self._find(row)
            if member is None:
                try:
                    member = self._join(row)
                except ValidationError as error:
                    found.skipped[index] = f"cannot join this attendee: {_first(error)}"
                    continue
                except DomainError as error:
                    found.skipped[index] = f"cannot join this attendee: {error}"
                    continue
            known.update(dict.fromkeys(keys, member))
            found.members[index] = member
        self._skip_erased(found)
        return found

    def _find(self, row: Attendance) -> UUID | None:
        """An existing member by e-mail, else by the row's identity."""
        if row.email and (member := self.directory.member_by_email(row.email)):
            return member
        return self._holder(row)

    def _holder(self, row: Attendance) -> UUID | None:
        claims = self.community.claims
        wanted = claims.claim_hash(row.channel.value, row.attendee_id)
        return claims.holders([wanted]).get(wanted)

    def _join(self, row: Attendance) -> UUID:
        """A new member known by the row's identity (or whoever took it meanwhile)."""
        command = JoinMember(
            display_name=row.name,
            email=row.email or None,
            joined_at=_joined_at(row, self.community.clock(), self.community.bounds),
            source_channel=row.channel,
            identities=[IdentityRef(channel=row.channel, handle=row.attendee_id)],
        )
        try:
            return self.community.join_member(command).member.id
        except IdentityAlreadyLinked:
            # Another writer joined this attendee first: theirs is the member.
            holder = self._holder(row)
            if holder is None:
                raise
            return holder

    def _skip_erased(self, found: Attendees) -> None:
        """An erased member's record is closed: their rows are skipped."""
        members = self.community.get_members(list(set(found.members.values())))
        for index, member_id in list(found.members.items()):
            if member_id not in members or members[member_id].is_erased:
                del found.members[index]
                found.skipped[index] = "the member was erased"


def _keys(row: Attendance) -> list[str]:
    """How the row names its person within the file: e-mail and identity."""
    handle = check_handle(row.attendee_id)
    keys = [f"identity\x00{row.channel.value}\x00{handle.casefold()}"]
    if row.email:
        keys.append(f"email\x00{row.email.strip().casefold()}")
    return keys


def _joined_at(row: Attendance, now: datetime, bounds: TimeBounds) -> datetime | None:
    """When the attendee became known: their registration (or arrival) if the file says so
    and it is a moment the community accepts; else now."""
    given = (row.registered_at, row.checked_in_at)
    moments = [m for m in given if m is not None and bounds.earliest <= m <= now]
    return min(moments, default=None)


def _first(error: ValidationError) -> str:
    item = error.errors()[0]
    where = ".".join(str(part) for part in item["loc"])
    return f"{where}: {str(item['msg']).removeprefix('Value error, ')}"
