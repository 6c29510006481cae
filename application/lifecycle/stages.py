"""Stage changes recorded on each member, forward from the stage it holds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from application.lifecycle.ports import Plan
from domain.errors import ConcurrentModification
from domain.members.member import Member

if TYPE_CHECKING:
    from application.members.community import Community

# A batch of stage changes is applied again this often when a member changed meanwhile.
MAX_ATTEMPTS = 5


def record_stages(community: Community, plans: Sequence[tuple[UUID, Plan]]) -> int:
    """Record each member's planned changes; returns how many members changed.

    Plans come from read models that may lag: each member applies only the changes after
    the stage it holds, and a change to the stage it is already in records nothing, so
    recording a plan again, or a stale one, changes nothing.
    """
    for _ in range(MAX_ATTEMPTS):
        members = community.get_members([member_id for member_id, _ in plans])
        changed = [
            member
            for member_id, plan in plans
            if (member := members.get(member_id)) is not None and _apply(member, plan)
        ]
        if not changed:
            return 0
        try:
            community.save_members(*changed)
            return len(changed)
        except IntegrityError:
            continue  # one of them changed meanwhile: apply all again
    raise ConcurrentModification(UUID(int=0))


def _apply(member: Member, plan: Plan) -> bool:
    if member.is_erased:
        return False
    changed = False
    for effective_at, assessment in plan:
        if member.stage_since is None or effective_at > member.stage_since:
            changed |= member.change_stage(assessment, effective_at)
    return changed
