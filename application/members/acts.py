"""What each member command does to the member: one place for the direct and the batched
paths (application/members/community.py, application/members/batch.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from domain.members import commands as cmd
from domain.members.member import Member
from domain.moments import TimeBounds

Act = Callable[[Member], Any]

# The commands that change one existing member by a plain act (erasing and merging do more).
ChangeCommand = (
    cmd.UpdateMemberProfile
    | cmd.LinkIdentity
    | cmd.UnlinkIdentity
    | cmd.TagMember
    | cmd.UntagMember
    | cmd.MarkMemberAsStaff
    | cmd.MarkMemberAsBot
    | cmd.MarkMemberLeft
    | cmd.RejoinMember
)


def act_for(command: ChangeCommand, *, now: datetime, bounds: TimeBounds) -> Act:
    """The command as an act on its member; `now` is when it was asked for."""
    match command:
        case cmd.UpdateMemberProfile():
            changes = command.changes()
            return lambda m: m.update_profile(changes)
        case cmd.LinkIdentity(channel=channel, handle=handle):
            return lambda m: m.link_identity(channel.value, handle)
        case cmd.UnlinkIdentity(channel=channel, handle=handle):
            return lambda m: m.unlink_identity(channel.value, handle)
        case cmd.TagMember(tag=tag):
            return lambda m: m.tag(tag)
        case cmd.UntagMember(tag=tag):
            return lambda m: m.untag(tag)
        case cmd.MarkMemberAsStaff(is_staff=is_staff):
            return lambda m: m.mark_as_staff(is_staff)
        case cmd.MarkMemberAsBot(is_bot=is_bot):
            return lambda m: m.mark_as_bot(is_bot)
        case cmd.MarkMemberLeft(left_at=left_at, reason=reason):
            at = left_at or now
            return lambda m: m.leave(left_at=at, reason=reason, now=now, bounds=bounds)
        case cmd.RejoinMember(rejoined_at=rejoined_at):
            back = rejoined_at or now
            return lambda m: m.rejoin(rejoined_at=back, now=now, bounds=bounds)
    raise TypeError(f"not a member change: {type(command).__name__}")
