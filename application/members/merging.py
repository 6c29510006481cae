"""Merging, unmerging and erasing members who are one person: load, act, save together.

The merge and both members are saved in one transaction, so two merges of the same source
cannot both land: the second writer's save fails on the source's version, and on retry it
meets the source already merged (MergeRefused, ALREADY_MERGED).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from domain.errors import ConcurrentModification
from domain.members import commands as cmd
from domain.members.matches import ACCEPTED, IdentityMatch, match_id
from domain.members.member import Member
from domain.members.merges import TARGET_ERASED, MemberMerge, MergeNotFound, MergeRefused

if TYPE_CHECKING:
    from application.members.community import Change, Community

MAX_ATTEMPTS = 10
RETRY_PAUSE_SECONDS = 0.005


@dataclass(frozen=True)
class MergeChange:
    """A merge as it is after the command, with the members it joins and the log position."""

    merge: MemberMerge
    source: Member
    target: Member
    position: int | None


def merge_members(
    community: Community, command: cmd.MergeMembers, *, accepting: bool = False
) -> MergeChange:
    """Count the source as the target from now on; refused with MergeRefused when forbidden.

    `accepting`: the merge accepts a suggested match, recorded in the same transaction.
    """
    for attempt in range(MAX_ATTEMPTS):
        _pause(attempt)
        source = community.get_member(command.source_id)
        target = community.get_member(command.target_id)
        merge = MemberMerge.start(source=source, target=target, at=community.clock())
        judged = [judged_match(community, source.id, target.id, ACCEPTED)] if accepting else []
        try:
            return _saved(community, merge, source, target, *judged)
        except IntegrityError:
            continue  # one of them changed meanwhile: judge again on its new state
    raise ConcurrentModification(command.source_id)


def unmerge_members(community: Community, command: cmd.UnmergeMembers) -> MergeChange:
    """Undo a merge; the source is again exactly what its own events make it."""
    for attempt in range(MAX_ATTEMPTS):
        _pause(attempt)
        merge = get_merge(community, command.merge_id)
        source = community.get_member(merge.source_id)
        target = community.get_member(merge.target_id)
        if source.is_erased or target.is_erased:
            raise MergeRefused("mergeId", TARGET_ERASED, "the merged members were erased")
        merge.undo(source=source, target=target, at=community.clock())
        try:
            return _saved(community, merge, source, target)
        except IntegrityError:
            continue
    raise ConcurrentModification(command.merge_id)


def erase_person(community: Community, command: cmd.EraseMember) -> Change:
    """Erase the member and everyone merged with them: each key is shredded with the events."""
    for attempt in range(MAX_ATTEMPTS):
        _pause(attempt)
        named = community.get_member(command.member_id)
        person = community.get_member(named.merged_into) if named.merged_into else named
        others = community.get_members([m for m in person.absorbed if m != named.id])
        members = [named, *([person] if person is not named else []), *others.values()]
        named.erase()  # refused when already erased: the caller named an erased member
        for member in members[1:]:
            if not member.is_erased:
                member.erase()
        try:
            change = community.save_members(*members)
        except IntegrityError:
            continue
        for member in members:
            community.keyring.forget(member.id)
        return replace(change, member=named)
    raise ConcurrentModification(command.member_id)


def get_merge(community: Community, merge_id: UUID) -> MemberMerge:
    """The merge with this id; MergeNotFound otherwise."""
    try:
        merge: Aggregate = community.repository.get(merge_id)
    except AggregateNotFoundError:
        raise MergeNotFound(merge_id) from None
    if not isinstance(merge, MemberMerge):
        raise MergeNotFound(merge_id)
    return merge


def judged_match(community: Community, first: UUID, second: UUID, decision: str) -> IdentityMatch:
    """The pair's match with this judgement pending (new, or judged again)."""
    try:
        match: Aggregate = community.repository.get(match_id(first, second))
    except AggregateNotFoundError:
        return IdentityMatch.judge(first, second, decision, community.clock())
    assert isinstance(match, IdentityMatch)
    match.judge_again(decision, community.clock())
    return match


def _saved(
    community: Community, merge: MemberMerge, source: Member, target: Member, *also: Aggregate
) -> MergeChange:
    recordings = community.save(merge, source, target, *also)
    position = recordings[-1].notification.id if recordings else None
    return MergeChange(merge, source, target, position)


def _pause(attempt: int) -> None:
    if attempt:
        time.sleep(random.uniform(0, RETRY_PAUSE_SECONDS * attempt))
