"""Judging suggested matches: accepting merges the pair, rejecting keeps it from coming back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventsourcing.persistence import IntegrityError

from application.members.merging import MergeChange, judged_match, merge_members
from domain.errors import ConcurrentModification
from domain.members import commands as cmd
from domain.members.matches import REJECTED, IdentityMatch

if TYPE_CHECKING:
    from application.members.community import Community

MAX_ATTEMPTS = 10


def accept_identity_match(community: Community, command: cmd.JudgeIdentityMatch) -> MergeChange:
    """Merge the source into the target, recording the match as accepted with the merge."""
    merge = cmd.MergeMembers(source_id=command.source_id, target_id=command.target_id)
    return merge_members(community, merge, accepting=True)


def reject_identity_match(
    community: Community, command: cmd.JudgeIdentityMatch
) -> tuple[IdentityMatch, int | None]:
    """Record that the two members are not one person; the pair is not suggested again."""
    for _ in range(MAX_ATTEMPTS):
        for member_id in (command.source_id, command.target_id):
            community.get_member(member_id)  # MemberNotFound names an unknown one
        match = judged_match(community, command.source_id, command.target_id, REJECTED)
        try:
            recordings = community.save(match)
        except IntegrityError:
            continue  # judged at the same moment by someone else: judge its new state
        return match, recordings[-1].notification.id if recordings else None
    raise ConcurrentModification(command.source_id)
