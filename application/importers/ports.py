"""What the import sink needs from other contexts, handed in by the composition root."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from domain.importers.records import Attendance, Position


class RowOutcome(StrEnum):
    """What became of one record: the import report counts these."""

    IMPORTED = "imported"
    DUPLICATE = "duplicate"  # applied by an earlier import (same external id)
    SKIPPED = "skipped"  # read, but nothing to apply; `reason` says why


@dataclass(frozen=True, slots=True)
class AppliedRow:
    """The outcome of one record, where it was read, and why when it was skipped."""

    at: Position
    outcome: RowOutcome
    reason: str | None = None


class AttendanceRecorder(Protocol):
    """Applies an attendee file's rows to one community event (the events context builds it):
    finds or joins each attendee's member, registers them, checks in those who came."""

    def open_for_attendance(self, event_id: UUID) -> None:
        """Raise a DomainError saying why, unless the event exists and can take attendance:
        checked before an import reads a row, so a file for no event applies nothing."""
        ...

    def apply_attendance(
        self, event_id: UUID, rows: Sequence[Attendance]
    ) -> Sequence[AppliedRow]: ...
