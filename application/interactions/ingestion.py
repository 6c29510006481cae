"""Bulk ingestion of interactions, shared by POST /ingest/interactions and `crm import`.

Records are flat (application/interactions/lines.py). Valid records are written in
batches; every refused record is reported with its line number, field and reason, and
never stops the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from application.interactions.decoding import decode_line
from application.interactions.lines import (
    FIELDS,
    MAX_LINE_DEPTH,
    LineRejection,
    Parsed,
    ndjson_record,
    record_from_fields,
)
from application.interactions.ports import AfterRecording, InteractionRecorder
from application.interactions.recording import IngestReport
from application.metrics import count_ingested
from domain.interactions.commands import InteractionFields

__all__ = [
    "FIELDS",
    "MAX_LINE_DEPTH",
    "Ingestion",
    "IngestTotals",
    "LineRejection",
    "Parsed",
    "ndjson_record",
    "record_from_fields",
]

DEFAULT_BATCH = 1_000
MAX_LISTED_REJECTIONS = 1_000


@dataclass
class IngestTotals:
    """Running counts of an ingestion, and the first rejections in detail."""

    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    members_created: int = 0
    lines: int = 0
    position: int | None = None
    rejections: list[LineRejection] = field(default_factory=list)

    def refuse(self, rejection: LineRejection) -> None:
        """Count a refused record; list it while the list is short."""
        self.rejected += 1
        count_ingested(rejected=1)
        if len(self.rejections) < MAX_LISTED_REJECTIONS:
            self.rejections.append(rejection)

    def as_json(self) -> dict[str, Any]:
        """The report a client receives."""
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "members_created": self.members_created,
            "lines": self.lines,
            "position": self.position,
            "rejections": [vars(r) for r in self.rejections],
            "rejections_truncated": self.rejected > len(self.rejections),
        }


class Ingestion:
    """Writes parsed records in batches and keeps the totals."""

    def __init__(
        self,
        community: InteractionRecorder,
        after_batch: AfterRecording,
        *,
        create_unknown_members: bool,
        max_json_depth: int,
        batch_size: int = DEFAULT_BATCH,
    ) -> None:
        self.community = community
        self.max_json_depth = max_json_depth
        self.after_batch = after_batch
        self.create = create_unknown_members
        self.batch_size = batch_size
        self.totals = IngestTotals()
        self._pending: list[tuple[int, InteractionFields]] = []

    @property
    def full(self) -> bool:
        """Whether a batch is ready to be written."""
        return len(self._pending) >= self.batch_size

    def add(self, line: int, parsed: Parsed) -> None:
        """Queue a valid record, or count a refused one."""
        self.totals.lines = max(self.totals.lines, line)
        if isinstance(parsed, LineRejection):
            self.totals.refuse(parsed)
        else:
            self._pending.append((line, parsed))

    def add_ndjson(self, lines: Iterable[tuple[int, bytes | LineRejection]]) -> None:
        """Parse numbered NDJSON lines (or take lines refused unread), writing full batches."""
        for number, raw in lines:
            parsed = (
                raw
                if isinstance(raw, LineRejection)
                else decode_line(number, raw, self.max_json_depth)
            )
            if parsed is not None:
                self.add(number, parsed)
            if self.full:
                self.flush()

    def flush(self) -> None:
        """Write the queued records in one transaction."""
        if not self._pending:
            return
        lines = [line for line, _ in self._pending]
        records = [record for _, record in self._pending]
        report = self.community.record_interactions(records, create_unknown_members=self.create)
        self._pending = []
        self._count(report, lines)
        self.after_batch(records, report)

    def _count(self, report: IngestReport, lines: list[int]) -> None:
        count_ingested(accepted=report.accepted, duplicates=report.duplicates)
        self.totals.accepted += report.accepted
        self.totals.duplicates += report.duplicates
        self.totals.members_created += report.created_members
        self.totals.position = report.position or self.totals.position
        for rejection in report.rejections:
            field_name = "identity_handle" if rejection.field == "identity" else rejection.field
            self.totals.refuse(
                LineRejection(lines[rejection.index], field_name, rejection.reason, rejection.code)
            )
