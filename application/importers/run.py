"""One import run: a parser's records through the sink, or, with --strict, checked first.

--strict reads the whole PATH twice: a first pass parses and checks every record, applying
nothing; only when it finds no error does a second pass apply. One transaction per file
would also leave nothing half-applied, but it would hold a transaction open for minutes
on a large export, hide every row from the projections until it ends, and could not use
the batched write path (one transaction per batch) the import shares with ingestion;
a parse is several times faster than a write (bench/import_slack.py), so the check costs
a fraction of the run. What the first pass cannot foresee (a member erased between the
passes, a platform id taken by another writer meanwhile) is still reported as an error.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from application.importers.checks import interaction_command, join_command
from application.importers.formats import Format
from application.importers.report import ImportReport
from application.importers.sink import ImportSink
from domain.importers.records import (
    ImportRecord,
    Malformed,
    PlatformInteraction,
    PlatformUser,
    Position,
)
from domain.moments import TimeBounds

SinkFactory = Callable[[ImportReport], ImportSink]
Progress = Callable[[Position], None]


def run_import(
    fmt: Format,
    path: Path,
    sink_for: SinkFactory,
    *,
    strict: bool,
    check: TimeBounds,
    clock: Callable[[], datetime],
    progress: Progress | None = None,
) -> ImportReport:
    """Import PATH in this format; the report says what became of every record."""
    if strict:
        checked = check_only(fmt, path, check, clock)
        if not checked.ok:
            checked.applied = False
            return checked
    sink = sink_for(ImportReport(fmt.name))
    for record in fmt.parse(path):
        sink.add(record)
        if progress:
            progress(record.at)
    return sink.finish()


def check_only(
    fmt: Format, path: Path, bounds: TimeBounds, clock: Callable[[], datetime]
) -> ImportReport:
    """Parse and check every record, writing nothing: the errors an import would meet."""
    report = ImportReport(fmt.name)
    for record in fmt.parse(path):
        report.read += 1
        problem = _problem(record, bounds, clock)
        if problem:
            report.fail(record.at, problem, "read")
    return report


def _problem(record: ImportRecord, bounds: TimeBounds, clock: Callable[[], datetime]) -> str | None:
    if isinstance(record, Malformed):
        return record.reason
    if isinstance(record, PlatformInteraction):
        command = interaction_command(record, now=clock(), bounds=bounds)
        return command if isinstance(command, str) else None
    if isinstance(record, PlatformUser):
        joined = join_command(record, record.joined_at)
        return joined if isinstance(joined, str) else None
    return None
