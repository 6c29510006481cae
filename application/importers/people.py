"""Platform users as members: one member per (platform, user id), its profile kept current.

The platform's user id is the identity (handles and names change; the id does not); the
handle and the platform's name are kept in the profile's attributes. An import only ever
sets the bot and staff flags, never clears them: a manager's own judgement stands.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from application.importers.checks import attribute_names, join_command, seen_at_name
from application.importers.report import ImportReport
from application.members.community import Community
from domain.importers.records import PlatformUser, Position
from domain.members.commands import JoinMember
from domain.members.member import Member

Key = tuple[str, str]  # (channel, platform user id)
SAVE_ATTEMPTS = 5


def key_of(channel: str, user_id: str) -> Key:
    """How the sink names a platform user."""
    return channel, user_id


def new_member(
    community: Community, command: JoinMember, joined_at: datetime, *, bot: bool, staff: bool
) -> Member:
    """A member built from a checked join command, flagged as the platform says."""
    now = community.clock()
    member = Member.join(
        display_name=command.display_name,
        email=command.email,
        joined_at=min(joined_at, now),
        source_channel=command.source_channel.value,
        attributes=dict(command.attributes),
        now=now,
        bounds=community.bounds,
    )
    for identity in command.identities:
        member.link_identity(identity.channel.value, identity.handle)
    member.mark_as_bot(bot)
    member.mark_as_staff(staff)
    return member


def holders(community: Community, keys: Iterable[Key]) -> dict[Key, UUID]:
    """The member holding each platform user's identity, where one does."""
    hashes = {key: community.claims.claim_hash(*key) for key in set(keys)}
    held = community.claims.holders(list(set(hashes.values())))
    return {key: held[h] for key, h in hashes.items() if h in held}


@dataclass
class Pending:
    """A user read before anything they did: the member waits for their first activity,
    so that it joins when it was first seen, not on the day of the import."""

    user: PlatformUser
    command: JoinMember


class People:
    """Applies user records; holds users not yet seen doing anything."""

    def __init__(self, community: Community, report: ImportReport) -> None:
        self.community = community
        self.report = report
        self.waiting: dict[Key, Pending] = {}

    def apply(self, users: Sequence[PlatformUser]) -> None:
        """Create new members, bring known ones up to date, hold the undated ones."""
        latest = {key_of(u.channel.value, u.user_id): u for u in users}  # the last name wins
        for user in users:
            if latest[key_of(user.channel.value, user.user_id)] is not user:
                self.report.duplicates += 1  # a name the same batch replaced
        for attempt in range(SAVE_ATTEMPTS):
            try:
                self._apply(latest)
                return
            except IntegrityError:
                if attempt == SAVE_ATTEMPTS - 1:
                    raise  # another writer kept changing these members: let the run fail

    def _apply(self, latest: dict[Key, PlatformUser]) -> None:
        known = holders(self.community, latest)
        fresh: list[tuple[Pending, datetime]] = []
        for key, user in latest.items():
            if key in known:
                continue
            command = join_command(user, user.joined_at)
            if isinstance(command, str):
                self.report.fail(user.at, command, "read")
            elif user.joined_at is None:
                self.waiting[key] = Pending(user, command)
            else:
                fresh.append((Pending(user, command), user.joined_at))
        self._create(fresh)
        self._update({known[k]: u for k, u in latest.items() if k in known})

    def first_seen(self, seen: dict[Key, datetime]) -> set[tuple[Key, datetime]]:
        """Create the waiting members seen now, joined at their first activity."""
        due = [(self.waiting.pop(key), at) for key, at in seen.items() if key in self.waiting]
        self._create(due)
        return {(key_of(p.user.channel.value, p.user.user_id), at) for p, at in due}

    def finish(self) -> None:
        """Users never seen doing anything join as of now: the export says no more."""
        due = [(pending, self.community.clock()) for pending in self.waiting.values()]
        self.waiting.clear()
        self._create(due)

    def _create(self, due: Sequence[tuple[Pending, datetime]]) -> None:
        if not due:
            return
        members = [
            new_member(self.community, p.command, at, bot=p.user.is_bot, staff=p.user.is_staff)
            for p, at in due
        ]
        self.community.save_new_members(members)
        self.report.imported += len(members)
        self.report.members_created += len(members)

    def _update(self, known: dict[UUID, PlatformUser]) -> None:
        members = self.community.get_members(list(known))
        changed = []
        for member_id, user in known.items():
            member = members.get(member_id)
            if member is None or member.is_erased:
                self.report.skip("the member holding this identity was erased")
                continue
            version = member.version
            refresh(member, user)
            if member.version != version:
                changed.append(member)
                self.report.imported += 1
            else:
                self.report.duplicates += 1
        if changed:
            self.community.save_members(*changed)


def refresh(member: Member, user: PlatformUser) -> None:
    """Bring a known member's profile up to the platform's latest."""
    command = join_command(user)
    if isinstance(command, str):
        return  # the name the platform gives now is unusable: the member keeps its own
    handle_key, name_key, deleted_key = attribute_names(user.channel.value)
    older = _older(member, user)
    came_from_platform = {
        member.attributes.get(handle_key),
        member.attributes.get(name_key),
        user.user_id,
    }
    patch = {} if older else dict(command.attributes)
    if all(member.attributes.get(k) == patch.get(k) for k in (handle_key, name_key)):
        patch.pop(seen_at_name(user.channel.value), None)  # the same name seen again
    changes: dict[str, Any] = {"attributes": patch}
    # The display name follows the platform while it is still the platform's: never over
    # a name a manager typed in, nor over another platform's after a merge.
    if not older and member.display_name in came_from_platform:
        changes["display_name"] = command.display_name
    if command.email and not member.email:
        changes["email"] = command.email
    if not user.deleted and member.attributes.get(deleted_key):
        changes["attributes"][deleted_key] = None
    member.update_profile(changes)
    if user.is_bot:
        member.mark_as_bot(True)
    if user.is_staff:
        member.mark_as_staff(True)


def _older(member: Member, user: PlatformUser) -> bool:
    """Whether the member's handle and name were shown later than this record's."""
    kept = member.attributes.get(seen_at_name(user.channel.value))
    if user.seen_at is None or not isinstance(kept, str):
        return False
    try:
        return datetime.fromisoformat(kept) > user.seen_at
    except ValueError:
        return False


def stub_user(channel: Any, user_id: str, at: Position) -> PlatformUser:
    """A user known only by their platform id (read in a record before any user list)."""
    return PlatformUser(channel, user_id, user_id, None, at)
