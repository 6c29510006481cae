"""The import sink: platform records applied through the Community, in batches.

Records are queued as they are read and written a batch at a time (users, then joins and
leaves in order, then interactions, then attendance), so memory holds one batch whatever
the export's size. Every record's outcome lands in the report; a record in error is listed
with its place and never stops the others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from application.importers.checks import interaction_command
from application.importers.memberships import apply_memberships
from application.importers.people import Key, People, key_of
from application.importers.ports import AttendanceRecorder, RowOutcome
from application.importers.report import ImportReport
from application.interactions import ACCEPTED, DUPLICATE, IngestReport
from application.members.community import Community
from domain.errors import DomainError
from domain.importers.records import (
    Attendance,
    ImportRecord,
    Malformed,
    PlatformInteraction,
    PlatformMembership,
    PlatformUser,
    Position,
    Rsvp,
    Skipped,
)
from domain.interactions.commands import RecordInteraction

DEFAULT_BATCH = 2_000
AfterBatch = Callable[[Sequence[RecordInteraction], IngestReport], object]


class ImportSink:
    """Applies a stream of records; `finish()` writes the rest and gives the report."""

    def __init__(
        self,
        community: Community,
        report: ImportReport,
        *,
        after_batch: AfterBatch,
        attendance: AttendanceRecorder | None = None,
        event_id: UUID | None = None,
        batch_size: int = DEFAULT_BATCH,
    ) -> None:
        self.community = community
        self.report = report
        self.after_batch = after_batch
        self.attendance = attendance
        self.event_id = event_id
        self.batch_size = batch_size
        self.people = People(community, report)
        self._users: list[PlatformUser] = []
        self._memberships: list[PlatformMembership] = []
        self._interactions: list[tuple[Position, RecordInteraction]] = []
        self._attendance: list[Attendance] = []
        self._queued = 0

    def add(self, record: ImportRecord) -> None:
        """Take one record; a full batch is written at once."""
        self.report.read += 1
        if isinstance(record, Malformed):
            self.report.fail(record.at, record.reason, "read")
        elif isinstance(record, Skipped):
            self.report.skip(record.reason)
        elif isinstance(record, PlatformUser):
            self._queue(self._users, record)
        elif isinstance(record, PlatformMembership):
            self._queue(self._memberships, record)
        elif isinstance(record, PlatformInteraction):
            self._interaction(record)
        elif self.attendance is None or self.event_id is None:
            self.report.fail(record.at, "attendee rows need an event: give --event", "read")
        elif not_coming := _not_coming(record):
            self.report.skip(not_coming)
        else:
            self._queue(self._attendance, record)

    def finish(self) -> ImportReport:
        """Write what is queued, and the members of users never seen doing anything."""
        self.flush()
        self.people.finish()
        return self.report

    def flush(self) -> None:
        """Write the queued batch."""
        users, self._users = self._users, []
        memberships, self._memberships = self._memberships, []
        interactions, self._interactions = self._interactions, []
        attendance, self._attendance = self._attendance, []
        self._queued = 0
        if users:
            self.people.apply(users)
        created = self.people.first_seen(_first_seen(memberships, interactions))
        apply_memberships(self.community, memberships, self.report, created)
        if interactions:
            self._record(interactions)
        if attendance:
            self._attend(attendance)

    def _queue(self, queue: list[Any], record: object) -> None:
        queue.append(record)
        self._queued += 1
        if self._queued >= self.batch_size:
            self.flush()

    def _interaction(self, record: PlatformInteraction) -> None:
        command = interaction_command(
            record, now=self.community.clock(), bounds=self.community.bounds
        )
        if isinstance(command, str):
            self.report.fail(record.at, command, "read")
        else:
            self._queue(self._interactions, (record.at, command))

    def _record(self, queued: list[tuple[Position, RecordInteraction]]) -> None:
        commands = [command for _, command in queued]
        outcome = self.community.record_interactions(commands, create_unknown_members=True)
        self.report.imported += outcome.outcomes.count(ACCEPTED)
        self.report.duplicates += outcome.outcomes.count(DUPLICATE)
        self.report.members_created += outcome.created_members
        for rejection in outcome.rejections:
            at = queued[rejection.index][0]
            self.report.fail(at, f"{rejection.field}: {rejection.reason}", "apply")
        self.after_batch(commands, outcome)

    def _attend(self, rows: list[Attendance]) -> None:
        assert self.attendance is not None and self.event_id is not None
        try:
            applied = self.attendance.apply_attendance(self.event_id, rows)
        except DomainError as error:  # the event was cancelled since the import began
            for row in rows:
                self.report.fail(row.at, str(error), "apply")
            return
        for done in applied:
            if done.outcome is RowOutcome.IMPORTED:
                self.report.imported += 1
            elif done.outcome is RowOutcome.DUPLICATE:
                self.report.duplicates += 1
            else:
                self.report.skip(done.reason or "nothing to apply")


def _not_coming(row: Attendance) -> str | None:
    """Why a row that declined or waited in vain is not applied; None for one to apply.

    An event counts every registration as expected, and a registration that never came as a
    no-show: someone who said no, or never got a place, is neither. Whoever came anyway is
    checked in, whatever they answered.
    """
    if row.attended or row.checked_in_at is not None or row.rsvp is Rsvp.GOING:
        return None
    if row.rsvp is Rsvp.DECLINED:
        return "declined: said no, so not expected at the event"
    return "waitlisted: never given a place, so not expected at the event"


def _first_seen(
    memberships: Sequence[PlatformMembership],
    interactions: Sequence[tuple[Position, RecordInteraction]],
) -> dict[Key, datetime]:
    """Each platform user's earliest moment in this batch."""
    seen: dict[Key, datetime] = {}
    for membership in memberships:
        key = key_of(membership.channel.value, membership.user_id)
        if key not in seen or membership.occurred_at < seen[key]:
            seen[key] = membership.occurred_at
    for _, command in interactions:
        assert command.identity is not None
        key = key_of(command.identity.channel.value, command.identity.handle)
        if key not in seen or command.occurred_at < seen[key]:
            seen[key] = command.occurred_at
    return seen
