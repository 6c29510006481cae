"""The report of an import: what was read, what became of it, and every error with its place."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from domain.importers.records import Position

MAX_LISTED_ERRORS = 1_000


@dataclass(frozen=True)
class RecordError:
    """A record that could not be applied: where it was read and why."""

    at: Position
    reason: str
    stage: str  # "read" (the parser could not read it) or "apply" (the store refused it)


@dataclass
class ImportReport:
    """Running counts of one import; the first errors listed in full."""

    format: str
    read: int = 0
    imported: int = 0
    duplicates: int = 0
    members_created: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    error_count: int = 0
    errors: list[RecordError] = field(default_factory=list)
    applied: bool = True  # False when --strict found errors and applied nothing

    def skip(self, reason: str) -> None:
        """Count a record with nothing to apply."""
        self.skipped[reason] += 1

    def fail(self, at: Position, reason: str, stage: str) -> None:
        """Count a record in error; list it while the list is short."""
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(RecordError(at, reason, stage))

    @property
    def ok(self) -> bool:
        """Whether every record was read and applied (skips are not errors)."""
        return self.error_count == 0

    def as_json(self) -> dict[str, Any]:
        """The report as the CLI's --json and the HTTP endpoint give it."""
        return {
            "format": self.format,
            "applied": self.applied,
            "read": self.read,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "members_created": self.members_created,
            "skipped": sum(self.skipped.values()),
            "skipped_reasons": dict(self.skipped.most_common()),
            "failed": self.error_count,
            "failures": [
                {"file": e.at.file, "place": e.at.place, "reason": e.reason, "stage": e.stage}
                for e in self.errors
            ],
            "failures_truncated": self.error_count > len(self.errors),
        }
