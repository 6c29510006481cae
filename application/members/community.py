"""The Community application: member commands as load, act, save."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, project_aggregate
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import ApplicationRecorder, IntegrityError, Mapper, Transcoder
from eventsourcing.popo import POPOFactory
from eventsourcing.utils import get_topic

from application.clock import utc_now
from application.crypto import KeyStore
from application.identities import ClaimStore, IdentityClaimTaken
from application.interactions import IngestReport, record_interactions
from application.lifecycle import Plan, record_stage_changes
from application.log import CommunityLog
from application.mapper import ShreddingMapper
from application.members.acts import Act, ChangeCommand, act_for
from application.members.change import Change as Change
from application.members.matching import accept_identity_match, reject_identity_match
from application.members.merging import (
    MergeChange,
    erase_person,
    merge_members,
    unmerge_members,
)
from application.members.side_effects import refuse_taken_identities, side_effects
from application.memory import InMemoryClaimStore, InMemoryCommunityRecorder, InMemoryKeyStore
from application.recorder import CommunityRecorder
from application.transcoder import FastJSONTranscoder
from domain.errors import (
    ConcurrentModification,
    IdentityAlreadyLinked,
    MemberNotFound,
    VersionMismatch,
)
from domain.interactions.commands import InteractionFields
from domain.members import commands as cmd
from domain.members.matches import IdentityMatch
from domain.members.member import Member
from domain.moments import DEFAULT_BOUNDS, TimeBounds

# A command is retried this often when another writer saved the same member first,
# after a short random pause so that the writers do not collide again in step.
MAX_ATTEMPTS = 10
RETRY_PAUSE_SECONDS = 0.005


class Community(Application[UUID]):
    """One application, one ordered notification log for the whole community.

    On PostgreSQL by default; PERSISTENCE_MODULE=eventsourcing.popo runs it in memory,
    given an InMemoryKeyStore and an InMemoryClaimStore (see application/memory.py).
    """

    name = "Community"
    env: ClassVar[dict[str, str]] = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "APPLICATION_RECORDER_TOPIC": get_topic(CommunityRecorder),
        "CREATE_TABLE": "no",
        "POSTGRES_ENABLE_DB_FUNCTIONS": "no",
    }

    def __init__(
        self,
        env: dict[str, str],
        *,
        keyring: KeyStore,
        claims: ClaimStore,
        clock: Callable[[], datetime] = utc_now,
        bounds: TimeBounds = DEFAULT_BOUNDS,
    ) -> None:
        self.keyring = keyring
        self.claims = claims
        self.clock = clock
        self.bounds = bounds
        super().__init__(env)

    def construct_transcoder(self) -> Transcoder:
        """The library's JSON format, written and read by orjson (bulk paths are bound by it)."""
        transcoder = FastJSONTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def construct_mapper(self) -> Mapper[UUID]:
        """Personal fields are sealed under per-member keys."""
        return ShreddingMapper(self.construct_transcoder(), self.keyring)

    def construct_recorder(self) -> ApplicationRecorder:
        """The library's recorder for the configured persistence, extended for claims and keys."""
        if not isinstance(self.factory, POPOFactory):
            return super().construct_recorder()
        if not isinstance(self.keyring, InMemoryKeyStore) or not isinstance(
            self.claims, InMemoryClaimStore
        ):
            # Claims and shredding must commit with the events, in the same store.
            raise TypeError("in-memory persistence needs InMemoryKeyStore and InMemoryClaimStore")
        return InMemoryCommunityRecorder(self.keyring, self.claims)

    @property
    def community_log(self) -> CommunityLog:
        """The recorder, with the batch reads and the idempotent insert the use cases need."""
        recorder = self.recorder
        assert isinstance(recorder, CommunityRecorder | InMemoryCommunityRecorder)
        return recorder

    def join_member(self, command: cmd.JoinMember) -> Change:
        """Record a new member and the identities they are known by."""
        return self._save_members(self.new_member(command))

    def join_members(self, commands: Sequence[cmd.JoinMember]) -> list[Change]:
        """Record many new members in one transaction (imports, demo data)."""
        members = [self.new_member(command) for command in commands]
        position = self.save_new_members(members)
        return [Change(member, position) for member in members]

    def save_new_members(self, members: Sequence[Member]) -> int | None:
        """Record members an importer built (joined, tagged...) in one transaction."""
        self.keyring.create_keys(member.id for member in members)
        return self._save_members(*members).position

    def update_member_profile(self, command: cmd.UpdateMemberProfile) -> Change:
        """Change profile fields."""
        return self._change(command, self.act_for(command))

    def link_identity(self, command: cmd.LinkIdentity) -> Change:
        """Link a channel identity to the member."""
        return self._change(command, self.act_for(command))

    def unlink_identity(self, command: cmd.UnlinkIdentity) -> Change:
        """Unlink a channel identity from the member."""
        return self._change(command, self.act_for(command))

    def tag_member(self, command: cmd.TagMember) -> Change:
        """Put a label on the member."""
        return self._change(command, self.act_for(command))

    def untag_member(self, command: cmd.UntagMember) -> Change:
        """Take a label off the member."""
        return self._change(command, self.act_for(command))

    def mark_member_as_staff(self, command: cmd.MarkMemberAsStaff) -> Change:
        """Say whether the member is staff."""
        return self._change(command, self.act_for(command))

    def mark_member_as_bot(self, command: cmd.MarkMemberAsBot) -> Change:
        """Say whether the account is a bot."""
        return self._change(command, self.act_for(command))

    def mark_member_left(self, command: cmd.MarkMemberLeft) -> Change:
        """Record that the member left."""
        return self._change(command, self.act_for(command))

    def rejoin_member(self, command: cmd.RejoinMember) -> Change:
        """Record that a member who left came back."""
        return self._change(command, self.act_for(command))

    def act_for(self, command: ChangeCommand) -> Act:
        """The command as an act on its member, timed now (also for batched writes)."""
        return act_for(command, now=self.clock(), bounds=self.bounds)

    def erase_member(self, command: cmd.EraseMember) -> Change:
        """Erase the person's data: shred their key in the same transaction as the event.

        A member merged with others is one person with them: all of them are erased.
        """
        member = self.get_member(command.member_id)
        if member.merged_into is not None or member.absorbed:
            return erase_person(self, command)
        change = self._change(command, lambda m: m.erase())
        self.keyring.forget(command.member_id)
        return change

    def merge_members(self, command: cmd.MergeMembers) -> MergeChange:
        """Count the source member as the target from now on (application/members/merging)."""
        return merge_members(self, command)

    def unmerge_members(self, command: cmd.UnmergeMembers) -> MergeChange:
        """Undo a merge: the source comes back with exactly what its events hold."""
        return unmerge_members(self, command)

    def accept_identity_match(self, command: cmd.JudgeIdentityMatch) -> MergeChange:
        """Accept a suggested pair: merge the source into the target, the match recorded."""
        return accept_identity_match(self, command)

    def reject_identity_match(
        self, command: cmd.JudgeIdentityMatch
    ) -> tuple[IdentityMatch, int | None]:
        """Reject a suggested pair: the two are not one person, never suggested again."""
        return reject_identity_match(self, command)

    def record_interactions(
        self, records: Sequence[InteractionFields], *, create_unknown_members: bool
    ) -> IngestReport:
        """Record interactions in one transaction, each (channel, external id) once ever."""
        return record_interactions(self, records, create_unknown_members=create_unknown_members)

    def record_stages(self, plans: Sequence[tuple[UUID, Plan]]) -> int:
        """Record each member's planned stage changes; returns how many members changed."""
        return record_stage_changes(self, plans)

    def change_member(self, command: cmd.MemberCommand, act: Callable[[Member], Any]) -> Change:
        """Load, act, save with retries: for other contexts' use cases that record member
        events (consent)."""
        return self._change(command, act)

    def save_members(self, *members: Member) -> Change:
        """Save members changed by a use case of this application (claims included)."""
        return self._save_members(*members)

    def get_member(self, member_id: UUID) -> Member:
        """The member's current state, replayed from its events."""
        try:
            member: Aggregate = self.repository.get(member_id)
        except AggregateNotFoundError:
            raise MemberNotFound(member_id) from None
        if not isinstance(member, Member):
            raise MemberNotFound(member_id)
        return member

    def get_members(self, member_ids: Sequence[UUID]) -> dict[UUID, Member]:
        """Several members' current states from one read of their events; unknown ids absent.

        For pages of members judged together: one query and one key lookup, not one each.
        """
        mapper = self.mapper
        assert isinstance(mapper, ShreddingMapper)
        streams: dict[UUID, list[Any]] = {}
        for event in mapper.to_domain_events(self.community_log.select_streams(member_ids)):
            streams.setdefault(event.originator_id, []).append(event)
        members: dict[UUID, Aggregate | None] = {
            i: project_aggregate(None, events) for i, events in streams.items()
        }
        return {i: m for i, m in members.items() if isinstance(m, Member)}

    def member_history(self, member_id: UUID) -> list[Member.Event]:
        """The member's events in order: the audit trail."""
        events = [e for e in self.events.get(member_id) if isinstance(e, Member.Event)]
        if not events:
            raise MemberNotFound(member_id)
        return events

    def new_member(self, command: cmd.JoinMember) -> Member:
        """A member as the command describes them, not saved yet."""
        now = self.clock()
        member = Member.join(
            display_name=command.display_name,
            email=command.email,
            joined_at=command.joined_at or now,
            source_channel=command.source_channel.value,
            attributes=dict(command.attributes),
            now=now,
            bounds=self.bounds,
        )
        for identity in command.identities:
            member.link_identity(identity.channel.value, identity.handle)
        return member

    def _change(self, command: cmd.MemberCommand, act: Callable[[Member], Any]) -> Change:
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                time.sleep(random.uniform(0, RETRY_PAUSE_SECONDS * attempt))
            member = self.get_member(command.member_id)
            expected = command.expected_version
            if expected is not None and member.version != expected:
                raise VersionMismatch(member.id, expected, member.version)
            act(member)
            try:
                return self._save_members(member)
            except IntegrityError:
                # Another writer saved this member first: act again on its new state.
                if expected is not None:
                    current = self.get_member(member.id).version
                    raise VersionMismatch(member.id, expected, current) from None
        raise ConcurrentModification(command.member_id)

    def _save_members(self, *members: Member) -> Change:
        effects = side_effects(members, self.claims)
        refuse_taken_identities(effects, self.claims)
        try:
            recordings = self.save(
                *members, claims=effects.claims, releases=effects.releases, shred=effects.shred
            )
        except IdentityClaimTaken:
            # Lost a race for a handle: name the winner if it is known by now.
            refuse_taken_identities(effects, self.claims)
            raise IdentityAlreadyLinked(next(iter(effects.channels.values()))) from None
        position = recordings[-1].notification.id if recordings else None
        return Change(members[-1], position)
