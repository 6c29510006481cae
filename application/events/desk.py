"""The events desk: scheduling community events, and recording who registered and came."""

from __future__ import annotations

from uuid import UUID

from application.events.attendance_records import attendance_records
from application.events.ports import InteractionRecording
from application.events.saving import EventChange, EventStore
from application.members.community import Community
from domain.errors import InvalidField, MemberIsErased, MemberNotFound
from domain.events import CommunityEvent
from domain.events import commands as cmd


class EventDesk:
    """Event use cases as load, act, save through the Community (the one event store).

    Members named (hosts, registrants) must exist and not be erased. A check-in is
    recorded as an interaction too (an attended or hosted event counts in engagement).
    """

    def __init__(self, community: Community, interactions: InteractionRecording) -> None:
        self.store = EventStore(community)
        self.community = community
        self.interactions = interactions

    def get_event(self, event_id: UUID) -> CommunityEvent:
        """The event's current state; CommunityEventNotFound if no event has this id."""
        return self.store.event(event_id)

    def schedule(self, command: cmd.ScheduleCommunityEvent) -> EventChange:
        """Schedule a new event with its hosts."""
        for host in command.host_ids:
            self._check_host(host)
        event = CommunityEvent.schedule(
            title=command.title,
            kind=command.kind,
            starts_at=command.starts_at,
            ends_at=command.ends_at,
            channel=command.channel.value if command.channel else None,
            place=command.place,
            host_ids=list(command.host_ids),
            now=self.community.clock(),
            bounds=self.community.bounds,
        )
        return self.store.save(event)

    def reschedule(self, command: cmd.RescheduleCommunityEvent) -> EventChange:
        """Move the event to new times."""
        now, bounds = self.community.clock(), self.community.bounds
        return self.store.change(
            command,
            lambda e: e.reschedule(
                starts_at=command.starts_at, ends_at=command.ends_at, now=now, bounds=bounds
            ),
        )

    def register(self, command: cmd.RegisterForEvent) -> EventChange:
        """Register a member; registering twice records nothing."""
        self.present(command.member_id)
        now, bounds = self.community.clock(), self.community.bounds
        at = command.registered_at or now
        return self.store.change(
            command, lambda e: e.register(command.member_id, at=at, now=now, bounds=bounds)
        )

    def check_in(self, command: cmd.CheckInToEvent) -> EventChange:
        """Record that a member came, and their attendance as an interaction (once)."""
        self.present(command.member_id)
        now, bounds = self.community.clock(), self.community.bounds

        def act(event: CommunityEvent) -> bool:
            at = command.checked_in_at or event.check_in_time(now)
            return event.check_in(command.member_id, at=at, now=now, bounds=bounds)

        change = self.store.change(command, act)
        self.record_attendance(change.event, [command.member_id])
        return change

    def cancel(self, command: cmd.CancelCommunityEvent) -> EventChange:
        """Call the event off, saying why."""
        now = self.community.clock()
        return self.store.change(command, lambda e: e.cancel(reason=command.reason, at=now))

    def record_attendance(self, event: CommunityEvent, member_ids: list[UUID]) -> None:
        """The members' attendance and the hosts' hosting as interactions, each once ever.

        Recorded also when the check-in was already there: a check-in saved just before a
        crash gets its interaction on the next attempt.
        """
        records = attendance_records(event, member_ids, self.community.clock())
        if records:
            self.interactions(records, create_unknown_members=False)

    def present(self, member_id: UUID) -> None:
        """The member exists and is not erased (an erased member's record is closed)."""
        if self.community.get_member(member_id).is_erased:
            raise MemberIsErased(member_id)

    def _check_host(self, host_id: UUID) -> None:
        """A host is a member who exists and is not erased."""
        try:
            self.present(host_id)
        except MemberNotFound:
            raise InvalidField("host_ids", f"no member has the id {host_id}") from None
        except MemberIsErased:
            raise InvalidField("host_ids", f"member {host_id} was erased") from None
