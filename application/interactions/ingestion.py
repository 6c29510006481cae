"""Bulk ingestion of interactions, shared by POST /ingest/interactions and `crm import`.

Records are flat, one object per NDJSON line or CSV row, with the fields of FIELDS. Valid
records are written in batches; every refused record is reported with its line number,
field and reason, and never stops the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson
from pydantic import ValidationError

from application.interactions.ports import AfterRecording, InteractionRecorder
from application.interactions.recording import IngestReport
from application.json_depth import TooDeep, load_json
from application.metrics import count_ingested
from domain.interactions.commands import RecordInteraction

FIELDS = (
    "member_id",
    "identity_channel",
    "identity_handle",
    "channel",
    "kind",
    "occurred_at",
    "external_id",
    "thread_ref",
    "url",
    "summary",
)
DEFAULT_BATCH = 1_000
MAX_LINE_DEPTH = 32
MAX_LISTED_REJECTIONS = 1_000


@dataclass(frozen=True)
class LineRejection:
    """One refused record: where it was, which field, and why."""

    line: int
    field: str
    reason: str
    code: str = "INVALID"


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


Parsed = RecordInteraction | LineRejection


def record_from_fields(line: int, fields: Any) -> Parsed:
    """Validate one flat record; a refusal names the first bad field."""
    if not isinstance(fields, dict):
        return LineRejection(line, "", "each record must be a JSON object")
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        return LineRejection(line, unknown[0], f"unknown field; known: {', '.join(FIELDS)}")
    values = {k: v for k, v in fields.items() if v not in (None, "")}
    identity = None
    if "identity_channel" in values or "identity_handle" in values:
        if "identity_channel" not in values:
            return LineRejection(line, "identity_channel", "required with identity_handle")
        if "identity_handle" not in values:
            return LineRejection(
                line, "identity_handle", "handle must not be empty (identity_channel is given)"
            )
        identity = {
            "channel": values.pop("identity_channel"),
            "handle": values.pop("identity_handle"),
        }
    try:
        return RecordInteraction(identity=identity, **values)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        reason = str(first["msg"]).removeprefix("Value error, ")
        if first["type"] == "string_type":
            # Exporters write a missing handle or id as [], {}, false or 0: say what came.
            reason = f"must be text (a JSON string), not {_json_kind(first['input'])}"
        return LineRejection(line, where.replace("identity.", "identity_"), reason)


def _json_kind(value: Any) -> str:
    """What a JSON value is, in the words a reader of the rejection knows."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "an array" if value else "an empty array"
    if isinstance(value, dict):
        return "an object" if value else "an empty object"
    return type(value).__name__


def ndjson_record(number: int, raw: bytes, max_depth: int = MAX_LINE_DEPTH) -> Parsed | None:
    """Parse one NDJSON line; None for a blank line."""
    if not raw.strip():
        return None
    try:
        fields = load_json(raw, max_depth)
    except TooDeep as error:
        return LineRejection(number, "", str(error), "TOO_DEEP")
    except orjson.JSONDecodeError as error:
        return LineRejection(number, "", f"not valid JSON: {error}")
    return record_from_fields(number, fields)


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
        self._pending: list[tuple[int, RecordInteraction]] = []

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
                else ndjson_record(number, raw, self.max_json_depth)
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
