"""Member commands written as one batch: one read of the members, one transaction, each
command with its own optimistic-concurrency check and its own answer.

Commands on one member in a batch apply in turn to the same loaded member, as if they had
been saved one after another. A command the domain refuses, whose expected version is no
longer current, or whose handle is taken, is answered with that error alone. When the
batch's transaction fails on a conflict (another writer saved one of the members first,
or claimed a handle), the batch is written again member by member under savepoints, in
one transaction still: only the conflicting members' commands fail (VERSION_MISMATCH
when they named the version they expected) or act again on the member's new state.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from application.identities import IdentityClaimTaken
from application.log import EventGroup
from application.members.change import Change
from application.members.side_effects import SideEffects, side_effects
from domain.errors import (
    ConcurrentModification,
    IdentityAlreadyLinked,
    MemberNotFound,
    VersionMismatch,
)
from domain.members import commands as cmd
from domain.members.member import Member

if TYPE_CHECKING:
    from application.members.community import Community

# A command whose member another writer saved first acts again this often.
MAX_ROUNDS = 10


@dataclass(frozen=True)
class MemberCall:
    """One queued command: a join (act is None), or `act` applied to the member it names."""

    command: cmd.JoinMember | cmd.MemberCommand
    act: Callable[[Member], Any] | None = None


@dataclass
class _Touched:
    """A member the batch changes: its calls, and each call's version and answer."""

    member: Member
    calls: list[int] = field(default_factory=list)
    versions: dict[int, int] = field(default_factory=dict)
    answers: dict[int, Member] = field(default_factory=dict)


class _Broken(Exception):
    """An act raised after recording events: the member's state cannot be trusted."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def write_member_calls(community: Community, calls: Sequence[MemberCall]) -> list[Any]:
    """Each call's Change, or the exception that refused it."""
    outcomes: list[Any] = [None] * len(calls)
    pending = list(range(len(calls)))
    for _ in range(MAX_ROUNDS):
        pending = _write_round(community, calls, pending, outcomes)
        if not pending:
            return outcomes
    for index in pending:
        command = calls[index].command
        # Only a handle raced for over and over sends a join round again.
        outcomes[index] = (
            ConcurrentModification(command.member_id)
            if isinstance(command, cmd.MemberCommand)
            else IdentityAlreadyLinked(command.identities[0].channel.value)
        )
    return outcomes


def _write_round(
    community: Community, calls: Sequence[MemberCall], indexes: list[int], outcomes: list[Any]
) -> list[int]:
    """Act on the members and write them; returns the calls that must act again."""
    touched, again = _act(community, calls, indexes, outcomes)
    effects = {m: side_effects([t.member], community.claims) for m, t in touched.items()}
    for member_id in _refuse_taken_handles(community, touched, effects, outcomes):
        again += [i for i in touched.pop(member_id).calls if outcomes[i] is None]
    groups = _groups(community, touched, effects, outcomes)
    try:
        positions = _insert_all(community, groups)
    except (IntegrityError, IdentityClaimTaken):
        positions, conflicted = _insert_each(community, groups)
        for member_id, error in conflicted.items():
            again += _answer_conflict(community, calls, touched.pop(member_id), error, outcomes)
    for entry in touched.values():
        for index in entry.calls:
            position = positions.get((entry.member.id, entry.versions[index]))
            outcomes[index] = Change(entry.answers[index], position)
    return sorted(again)


def _act(
    community: Community, calls: Sequence[MemberCall], indexes: list[int], outcomes: list[Any]
) -> tuple[dict[UUID, _Touched], list[int]]:
    """Apply each call to its member, each member loaded once; refusals answered at once."""
    wanted = [_member_id(calls[i]) for i in indexes if calls[i].act is not None]
    loaded = community.get_members(list(dict.fromkeys(wanted)))
    last_call = {_member_id(calls[i]): i for i in indexes if calls[i].act is not None}
    touched: dict[UUID, _Touched] = {}
    broken: set[UUID] = set()
    again: list[int] = []
    for index in indexes:
        call = calls[index]
        if call.act is not None and _member_id(call) in broken:
            again.append(index)
            continue
        try:
            member = _acted(community, call, loaded, touched)
        except _Broken as failure:
            outcomes[index] = failure.error
            broken.add(_member_id(call))
            continue
        except Exception as error:  # this command's refusal; its neighbours go on
            outcomes[index] = error
            continue
        entry = touched.setdefault(member.id, _Touched(member))
        entry.calls.append(index)
        entry.versions[index] = member.version
        # A later call of the batch changes this member again: answer with it as it is now.
        later = call.act is not None and last_call[member.id] != index
        entry.answers[index] = copy.deepcopy(member) if later else member
    for member_id in broken:
        if member_id in touched:
            again += touched.pop(member_id).calls
    return touched, again


def _acted(
    community: Community,
    call: MemberCall,
    loaded: dict[UUID, Member],
    touched: dict[UUID, _Touched],
) -> Member:
    """The member after the call: joined, or changed after the version check."""
    command = call.command
    if call.act is None:
        assert isinstance(command, cmd.JoinMember)
        return community.new_member(command)
    assert isinstance(command, cmd.MemberCommand)
    entry = touched.get(command.member_id)
    member = entry.member if entry else loaded.get(command.member_id)
    if member is None:
        raise MemberNotFound(command.member_id)
    expected = command.expected_version
    if expected is not None and member.version != expected:
        raise VersionMismatch(member.id, expected, member.version)
    before = len(member.pending_events)
    try:
        call.act(member)
    except Exception as error:
        if len(member.pending_events) != before:
            raise _Broken(error) from error
        raise
    return member


def _refuse_taken_handles(
    community: Community,
    touched: dict[UUID, _Touched],
    effects: dict[UUID, SideEffects],
    outcomes: list[Any],
) -> list[UUID]:
    """Answer the call linking a handle held by another member (before, or earlier in the
    batch); returns the members that cannot be written as they stand."""
    hashes = [h for effect in effects.values() for h, _ in effect.claims]
    holders = dict(community.claims.holders(hashes)) if hashes else {}
    refused: list[UUID] = []
    for member_id, effect in effects.items():
        for claim_hash, _ in effect.claims:
            holder = holders.setdefault(claim_hash, member_id)
            if holder != member_id:
                culprit = _linking_call(touched[member_id], claim_hash, community)
                outcomes[culprit] = IdentityAlreadyLinked(effect.channels[claim_hash], holder)
                refused.append(member_id)
                break
    return refused


def _linking_call(entry: _Touched, claim_hash: bytes, community: Community) -> int:
    """The call whose events link the handle with this claim."""
    version = entry.member.version - len(entry.member.pending_events)
    for event in entry.member.pending_events:
        version += 1
        if isinstance(event, Member.IdentityLinked) and (
            community.claims.claim_hash(event.channel, event.handle) == claim_hash
        ):
            return next(i for i in entry.calls if entry.versions[i] >= version)
    return entry.calls[-1]


def _groups(
    community: Community,
    touched: dict[UUID, _Touched],
    effects: dict[UUID, SideEffects],
    outcomes: list[Any],
) -> dict[UUID, EventGroup]:
    """Each member's new events, sealed, with the claims and shredding they call for; a
    member whose events cannot be sealed (erased meanwhile) fails its calls alone."""
    joined = [m for m, t in touched.items() if t.member.version == len(t.member.pending_events)]
    community.keyring.create_keys(joined)
    community.keyring.warm(touched)
    groups: dict[UUID, EventGroup] = {}
    for member_id, entry in list(touched.items()):
        effect = effects[member_id]
        try:
            stored = [community.mapper.to_stored_event(e) for e in entry.member.collect_events()]
        except Exception as error:
            for index in touched.pop(member_id).calls:
                outcomes[index] = error
            continue
        groups[member_id] = EventGroup(stored, effect.claims, effect.releases, effect.shred)
    return groups


def _insert_all(
    community: Community, groups: dict[UUID, EventGroup]
) -> dict[tuple[UUID, int], int]:
    """Every group in one plain transaction: the common case, no conflict."""
    stored = [e for g in groups.values() for e in g.stored_events]
    if not stored and not any(g.claims or g.releases or g.shred for g in groups.values()):
        return {}
    ids = community.recorder.insert_events(
        stored,
        claims=[c for g in groups.values() for c in g.claims],
        releases=[r for g in groups.values() for r in g.releases],
        shred=[s for g in groups.values() for s in g.shred],
    )
    return _positions(stored, ids or [])


def _insert_each(
    community: Community, groups: dict[UUID, EventGroup]
) -> tuple[dict[tuple[UUID, int], int], dict[UUID, Exception]]:
    """Each group under its own savepoint: the positions, and each conflict by member."""
    outcomes = community.community_log.insert_event_groups(list(groups.values()))
    positions: dict[tuple[UUID, int], int] = {}
    conflicted: dict[UUID, Exception] = {}
    for (member_id, group), outcome in zip(groups.items(), outcomes, strict=True):
        if isinstance(outcome, Exception):
            conflicted[member_id] = outcome
        else:
            positions.update(_positions(group.stored_events, outcome))
    return positions, conflicted


def _answer_conflict(
    community: Community,
    calls: Sequence[MemberCall],
    entry: _Touched,
    error: Exception,
    outcomes: list[Any],
) -> list[int]:
    """A member another writer changed first: calls that named a version fail with
    VERSION_MISMATCH, the others act again (a handle's new holder is named then)."""
    current: int | None = None
    again: list[int] = []
    for index in entry.calls:
        command = calls[index].command
        expected = getattr(command, "expected_version", None)
        if isinstance(error, IntegrityError) and expected is not None:
            if current is None:
                current = community.get_member(entry.member.id).version
            outcomes[index] = VersionMismatch(entry.member.id, expected, current)
        else:
            again.append(index)
    return again


def _positions(stored: Sequence[Any], ids: Sequence[int]) -> dict[tuple[UUID, int], int]:
    return {(e.originator_id, e.originator_version): n for e, n in zip(stored, ids, strict=True)}


def _member_id(call: MemberCall) -> UUID:
    command = call.command
    assert isinstance(command, cmd.MemberCommand)
    return command.member_id
