"""The importers' AttendanceRecorder: an attendee file's rows applied to one community event."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from application.events.attendees import AttendeeResolver
from application.events.desk import EventDesk
from application.events.ports import MemberDirectory
from application.importers.ports import AppliedRow, RowOutcome
from domain.errors import DomainError
from domain.events import CommunityEvent, EventIsCancelled, EventStatus
from domain.importers.records import Attendance


class AttendanceImport:
    """For each row: find or join the member, register them, check them in if they came.

    Idempotent: a row already applied (registered, or checked in when it says they came)
    is a DUPLICATE and records nothing, so the same file applied twice adds nothing.
    """

    def __init__(self, desk: EventDesk, directory: MemberDirectory) -> None:
        self.desk = desk
        self.resolver = AttendeeResolver(desk.community, directory)

    def open_for_attendance(self, event_id: UUID) -> None:
        """CommunityEventNotFound or EventIsCancelled unless the event can take attendance."""
        if self.desk.get_event(event_id).status is EventStatus.CANCELLED:
            raise EventIsCancelled(event_id)

    def apply_attendance(self, event_id: UUID, rows: Sequence[Attendance]) -> list[AppliedRow]:
        """One outcome per row, in order. Raises CommunityEventNotFound or EventIsCancelled
        before applying any row: a file for no event, or a cancelled one, applies to none."""
        self.open_for_attendance(event_id)
        attendees = self.resolver.resolve(rows)
        outcomes: list[AppliedRow] = []

        def act(event: CommunityEvent) -> None:
            outcomes.clear()  # acted again after another writer saved first
            now = self.desk.community.clock()
            for index, row in enumerate(rows):
                member = attendees.members.get(index)
                if member is None:
                    reason = attendees.skipped[index]
                    outcomes.append(AppliedRow(row.at, RowOutcome.SKIPPED, reason))
                else:
                    outcomes.append(self._apply(event, member, row, now))

        change = self.desk.store.change_by_id(event_id, act)
        self.desk.record_attendance(change.event, list(set(attendees.members.values())))
        return outcomes

    def _apply(
        self, event: CommunityEvent, member: UUID, row: Attendance, now: datetime
    ) -> AppliedRow:
        """Register the row's member, and check them in when they came."""
        bounds = self.desk.community.bounds
        try:
            if row.attended or row.checked_in_at is not None:
                at = row.checked_in_at or event.check_in_time(now)
                new = event.check_in(
                    member,
                    at=at,
                    now=now,
                    bounds=bounds,
                    as_host=row.is_host,
                    registered_at=row.registered_at,
                )
            else:
                at = row.registered_at or min(now, event.starts_at)
                new = event.register(member, at=at, now=now, bounds=bounds)
        except DomainError as error:
            return AppliedRow(row.at, RowOutcome.SKIPPED, str(error))
        return AppliedRow(row.at, RowOutcome.IMPORTED if new else RowOutcome.DUPLICATE)
